/*
 * sgio.c - scatter-gather: node 8 writes four scattered buffers into node
 * 4's segment with one rsm_memseg_import_putv (one DMA chain), the adapter
 * signals node 4 after the whole vector (RSM_IMPLICIT_SIGPOST), node 4 wakes
 * in rsm_intr_signal_wait and checks the data.
 */
#include "common.h"

#define SEG 16384
static rsm_memseg_id_t seg_id;

static void program(int node, void *arg) {
    unsigned char *seg = arg;
    rsmapi_controller_handle_t ctl;
    OK(rsm_get_controller("sci0", &ctl));
    if (node == 0) {
        rsm_memseg_export_handle_t ex;
        int k;
        OK(rsm_memseg_export_create(ctl, &ex, seg, SEG, 0));
        OK(rsm_memseg_export_publish(ex, &seg_id, NULL, 0));
        rsmsim_sync();
        OK(rsm_intr_signal_wait(ex, -1)); /* the vector's implicit signal */
        for (k = 0; k < 4; k++)
            if (seg[4096 * k] != 'A' + k || seg[4096 * k + 999] != 'A' + k) failures++;
        rsmsim_sync();
        OK(rsm_memseg_export_destroy(ex));
    } else {
        rsm_memseg_import_handle_t im;
        static char bufs[4][1000];
        rsm_iovec_t iov[4];
        rsm_scat_gath_t sg;
        int k;
        rsmsim_sync();
        OK(rsm_memseg_import_connect(ctl, rsmsim_node_id(0), seg_id, RSM_PERM_RDWR, &im));
        for (k = 0; k < 4; k++) {
            memset(bufs[k], 'A' + k, sizeof bufs[k]);
            memset(&iov[k], 0, sizeof iov[k]);
            iov[k].io_type = RSM_VA_TYPE;
            iov[k].local.vaddr = bufs[k];
            iov[k].remote_offset = 4096 * (size_t)k;
            iov[k].transfer_length = sizeof bufs[k];
        }
        memset(&sg, 0, sizeof sg);
        sg.io_request_count = 4;
        sg.remote_handle = im;
        sg.iovec = iov;
        sg.flags = RSM_IMPLICIT_SIGPOST;
        OK(rsm_memseg_import_putv(&sg));
        if (sg.io_residual_count != 0) failures++;
        rsmsim_sync();
        OK(rsm_memseg_import_disconnect(im));
    }
    OK(rsm_release_controller(ctl));
}

int main(void) {
    void *mem = alloc_pages(SEG);
    int rc;
    if (!mem) return 1;
    rc = run_example("sgio", 2, program, mem);
    free(mem);
    return rc;
}
