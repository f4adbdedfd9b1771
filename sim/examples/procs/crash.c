/*
 * crash.c - a node process dies mid-run (rsmsim exec -n 2 -- ./crash):
 * node 4 exports a page and kills itself once node 8 has connected; node 8
 * puts until the loss shows, and reports the code it got.
 */
#include "common.h"

#include <signal.h>
#include <unistd.h>

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    const rsm_node_id_t me = my_node();
    unsigned char *page = page_alloc(4096);
    if (me == 4) {
        free(page);
        rsm_memseg_export_handle_t ex = export_page(c, 0x520004, &page);
        CHECK(rsm_intr_signal_wait(ex, -1)); /* node 8 is connected */
        kill(getpid(), SIGKILL);
    }
    if (me != 8) {
        free(page);
        return 0;
    }
    int tries = 0;
    rsm_memseg_import_handle_t im = connect_when_published(c, 4, 0x520004, &tries);
    rsmapi_barrier_t bar;
    CHECK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
    CHECK(rsm_intr_signal_post(im, 0));
    int rc = RSM_SUCCESS, puts = 0;
    const struct timespec pause = {0, 1000};
    for (uint32_t v = 0; rc == RSM_SUCCESS && puts < 100000; ++v, ++puts) {
        rc = rsm_memseg_import_put32(im, 0, &v, 1);
        nanosleep(&pause, NULL);
    }
    printf("node 8: put failed with %d after %d puts (%s)\n", rc, puts,
           rc == RSMERR_CONN_ABORTED ? "CONN_ABORTED: the exporter is gone" : "unexpected");
    rsm_memseg_import_destroy_barrier(&bar);
    rsm_memseg_import_disconnect(im);
    free(page);
    return rc == RSMERR_CONN_ABORTED ? 0 : 1;
}
