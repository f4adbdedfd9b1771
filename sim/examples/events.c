/*
 * events.c - signals and pollfds: node 4 publishes two segments and waits on
 * both with rsm_intr_signal_wait_pollfd; node 8 signals one of them.
 */
#include "common.h"
#include <poll.h>

static rsm_memseg_id_t ids[2];

static void program(int node, void *arg) {
    unsigned char *mem = arg;
    rsmapi_controller_handle_t ctl;
    OK(rsm_get_controller("sci0", &ctl));
    if (node == 0) {
        rsm_memseg_export_handle_t ex[2];
        struct pollfd fds[2];
        int n = 0, k;
        for (k = 0; k < 2; k++) {
            OK(rsm_memseg_export_create(ctl, &ex[k], mem + 4096 * k, 4096, 0));
            OK(rsm_memseg_export_publish(ex[k], &ids[k], NULL, 0));
            OK(rsm_memseg_get_pollfd(ex[k], &fds[k]));
        }
        rsmsim_sync();
        OK(rsm_intr_signal_wait_pollfd(fds, 2, 1000, &n)); /* 1 s of simulated time at most */
        if (n != 1 || fds[0].revents != 0 || fds[1].revents != POLLRDNORM) failures++;
        expect(rsm_intr_signal_wait_pollfd(fds, 2, 0, &n), RSMERR_TIMEOUT, "nothing left");
        for (k = 0; k < 2; k++) {
            OK(rsm_memseg_release_pollfd(ex[k]));
            OK(rsm_memseg_export_destroy(ex[k]));
        }
        rsmsim_sync();
    } else {
        rsm_memseg_import_handle_t im;
        rsmsim_sync();
        OK(rsm_memseg_import_connect(ctl, rsmsim_node_id(0), ids[1], RSM_PERM_READ, &im));
        OK(rsm_intr_signal_post(im, 0));
        rsmsim_sync();
        OK(rsm_memseg_import_disconnect(im));
    }
    OK(rsm_release_controller(ctl));
}

int main(void) {
    void *mem = alloc_pages(8192);
    int rc;
    if (!mem) return 1;
    rc = run_example("events", 2, program, mem);
    free(mem);
    return rc;
}
