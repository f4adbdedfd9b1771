/*
 * pp_client.c - ping-pong client (see pp_server.c). It times the rounds with
 * its own clock: under rsmsim exec that clock is simulated time, so it
 * reports the simulated hardware's round trip.
 */
#include "common.h"

#define ROUNDS 10

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    unsigned char *page;
    rsm_memseg_export_handle_t ex = export_page(c, 0x510008, &page);
    int tries = 0;
    rsm_memseg_import_handle_t im = connect_when_published(c, 4, 0x510004, &tries);
    rsmapi_barrier_t bar;
    CHECK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
    CHECK(rsm_intr_signal_post(im, 0)); /* hello */
    int bad = 0;
    const double t0 = now_us();
    for (uint32_t r = 1; r <= ROUNDS; ++r) {
        CHECK(rsm_memseg_import_put32(im, 0, &r, 1));
        CHECK(rsm_intr_signal_post(im, 0));
        CHECK(rsm_intr_signal_wait(ex, 1000));
        uint32_t back;
        memcpy(&back, page, 4);
        bad += back != r;
    }
    const double per_round = (now_us() - t0) / ROUNDS;
    printf("client: %d connect retries; %d rounds, %.3f us per round trip (put + signal, both ways); %s\n", tries,
           ROUNDS, per_round, bad ? "WRONG DATA" : "data ok");
    CHECK(rsm_memseg_import_destroy_barrier(&bar));
    CHECK(rsm_intr_signal_post(im, 0)); /* done */
    CHECK(rsm_memseg_import_disconnect(im));
    CHECK(rsm_memseg_export_destroy(ex));
    free(page);
    return bad ? 1 : 0;
}
