/*
 * deadlock.c - every node waits for a signal nobody sends
 * (rsmsim exec -n 2 -- ./deadlock): the run ends with a report of who
 * waits for what, and a non-zero status.
 */
#include "common.h"

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    unsigned char *page;
    rsm_memseg_export_handle_t ex = export_page(c, 0, &page);
    CHECK(rsm_intr_signal_wait(ex, -1));
    return 0;
}
