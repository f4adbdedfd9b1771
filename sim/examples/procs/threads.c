/*
 * threads.c - two threads of one node process use the rsmapi at once
 * (rsmsim exec -n 2 -- ./threads; cc ... -pthread). On node 8 one thread
 * waits for a signal with no time limit while the main thread connects to
 * node 4 and signals it; node 4 answers by signalling node 8's segment,
 * which wakes the waiting thread.
 */
#include "common.h"

#include <pthread.h>

static rsm_memseg_export_handle_t mine;
static int waited = -1;

static void *waiter(void *arg) {
    (void)arg;
    waited = rsm_intr_signal_wait(mine, -1);
    return NULL;
}

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    const rsm_node_id_t me = my_node(), other = me == 4 ? 8 : 4;
    unsigned char *page;
    mine = export_page(c, 0x550000u + me, &page);
    int tries = 0;
    if (me == 4) {
        CHECK(rsm_intr_signal_wait(mine, -1)); /* node 8's main thread */
        rsm_memseg_import_handle_t im = connect_when_published(c, other, 0x550000u + other, &tries);
        CHECK(rsm_intr_signal_post(im, 0)); /* wakes node 8's waiting thread */
        CHECK(rsm_memseg_import_disconnect(im));
        CHECK(rsm_intr_signal_wait(mine, 1000)); /* node 8 is done */
    } else {
        pthread_t t;
        if (pthread_create(&t, NULL, waiter, NULL)) return 1;
        rsm_memseg_import_handle_t im = connect_when_published(c, other, 0x550000u + other, &tries);
        CHECK(rsm_intr_signal_post(im, 0));
        pthread_join(t, NULL);
        printf("node 8: the waiting thread woke with %d while the main thread called\n", waited);
        CHECK(rsm_intr_signal_post(im, 0));
        CHECK(rsm_memseg_import_disconnect(im));
    }
    CHECK(rsm_memseg_export_destroy(mine));
    free(page);
    return waited == RSM_SUCCESS || me == 4 ? 0 : 1;
}
