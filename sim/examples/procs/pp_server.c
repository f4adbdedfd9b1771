/*
 * pp_server.c - ping-pong server (run with pp_client):
 *   rsmsim exec -n 2 --node 4=./pp_server --node 8=./pp_client
 * Exports a page; for every ping (a signal from the client) it puts the
 * counter it finds back into the client's page and signals it.
 */
#include "common.h"

#define ROUNDS 10

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    unsigned char *page;
    rsm_memseg_export_handle_t ex = export_page(c, 0x510004, &page);
    CHECK(rsm_intr_signal_wait(ex, -1)); /* the client is there */
    int tries = 0;
    rsm_memseg_import_handle_t im = connect_when_published(c, 8, 0x510008, &tries);
    rsmapi_barrier_t bar;
    CHECK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
    for (int r = 0; r < ROUNDS; ++r) {
        CHECK(rsm_intr_signal_wait(ex, 1000));
        uint32_t v;
        memcpy(&v, page, 4);
        CHECK(rsm_memseg_import_put32(im, 0, &v, 1));
        CHECK(rsm_intr_signal_post(im, 0));
    }
    printf("server: %d pongs\n", ROUNDS);
    CHECK(rsm_memseg_import_destroy_barrier(&bar));
    CHECK(rsm_memseg_import_disconnect(im));
    CHECK(rsm_intr_signal_wait(ex, 1000)); /* the client is done with us */
    CHECK(rsm_memseg_export_destroy(ex));
    free(page);
    return 0;
}
