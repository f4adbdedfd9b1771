/*
 * barrier_map.c - explicit barriers and mapped access: node 8 maps node 4's
 * segment, stores through the pointer, and the close of an explicit barrier
 * both writes the stores back and confirms they landed. Then node 4
 * unpublishes, and the close after node 8's next store reports the forced
 * disconnect (RSMERR_CONN_ABORTED).
 */
#include "common.h"

static rsm_memseg_id_t seg_id;

static void program(int node, void *arg) {
    char *seg = arg;
    rsmapi_controller_handle_t ctl;
    OK(rsm_get_controller("sci0", &ctl));
    if (node == 0) {
        rsm_memseg_export_handle_t ex;
        OK(rsm_memseg_export_create(ctl, &ex, seg, 4096, 0));
        OK(rsm_memseg_export_publish(ex, &seg_id, NULL, 0));
        rsmsim_sync();
        rsmsim_sync(); /* node 8 stored and closed its barrier */
        if (strcmp(seg + 64, "mapped store") != 0) failures++;
        OK(rsm_memseg_export_unpublish(ex));
        rsmsim_sync();
        rsmsim_sync();
        OK(rsm_memseg_export_destroy(ex));
    } else {
        rsm_memseg_import_handle_t im;
        rsmapi_barrier_t bar;
        void *addr = NULL;
        rsmsim_sync();
        OK(rsm_memseg_import_connect(ctl, rsmsim_node_id(0), seg_id, RSM_PERM_RDWR, &im));
        OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT));
        OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096));
        OK(rsm_memseg_import_open_barrier(&bar));
        strcpy((char *)addr + 64, "mapped store");
        OK(rsm_memseg_import_close_barrier(&bar));
        rsmsim_sync();
        rsmsim_sync(); /* unpublished */
        OK(rsm_memseg_import_open_barrier(&bar));
        strcpy((char *)addr + 64, "too late");
        expect(rsm_memseg_import_close_barrier(&bar), RSMERR_CONN_ABORTED, "close after unpublish");
        OK(rsm_memseg_import_unmap(im));
        OK(rsm_memseg_import_destroy_barrier(&bar));
        OK(rsm_memseg_import_disconnect(im));
        rsmsim_sync();
    }
    OK(rsm_release_controller(ctl));
}

int main(void) {
    void *mem = alloc_pages(4096);
    int rc;
    if (!mem) return 1;
    rc = run_example("barrier_map", 2, program, mem);
    free(mem);
    return rc;
}
