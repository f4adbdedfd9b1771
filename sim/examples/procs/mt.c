/*
 * mt.c - four threads of one node process use the rsmapi at once, and the
 * run is the same however the OS schedules them (rsmsim exec -n 2 -- ./mt
 * [THREADS]; cc ... -pthread). Past 63 threads the others would share the
 * main thread's channel: the run still works, but their order is the OS's. Node 4 exports a page and waits; on node 8 each thread
 * connects on its own, then puts, reads back and signals in rounds, with a
 * different amount of real (wall-clock) work between its calls every run.
 * Each thread sums the simulated times its calls ended at: the sums, and
 * the order the puts landed in, are the same every run.
 */
#include "common.h"

#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#define MAX_THREADS 24   /* their slots fit in the page */
#define ROUNDS 40
#define ID 0x560000u

static rsmapi_controller_handle_t ctrl;

struct worker {
    int index;
    double time_sum_us;
    int bad;
};

/* Busy work for a random stretch of wall time (seeded by the process id):
 * no simulated time passes while a thread computes. */
static void real_work(unsigned *seed) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC_RAW, &t0);   /* the host's clock: not simulated */
    const long ns = (long)(rand_r(seed) % 50) * 1000;
    do clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}

static void *work(void *arg) {
    struct worker *w = arg;
    unsigned seed = (unsigned)getpid() * 31u + (unsigned)w->index;
    int tries = 0;
    rsm_memseg_import_handle_t im = connect_when_published(ctrl, 4, ID, &tries);
    rsmapi_barrier_t bar;
    CHECK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));   /* puts close an implicit barrier */
    for (int r = 0; r < ROUNDS; ++r) {
        real_work(&seed);
        /* Every put lands in one word the threads share, and in its own slot. */
        uint32_t v = (uint32_t)(w->index << 16 | r), back = 0;
        CHECK(rsm_memseg_import_put32(im, 0, &v, 1));
        CHECK(rsm_memseg_import_put32(im, (off_t)(64 + 4 * (w->index * ROUNDS + r)), &v, 1));
        real_work(&seed);
        CHECK(rsm_memseg_import_get32(im, (off_t)(64 + 4 * (w->index * ROUNDS + r)), &back, 1));
        w->bad += back != v;
        if (r % 8 == w->index) CHECK(rsm_intr_signal_post(im, RSM_SIGPOST_NO_ACCUMULATE));
        w->time_sum_us += now_us();
    }
    CHECK(rsm_memseg_import_destroy_barrier(&bar));
    CHECK(rsm_memseg_import_disconnect(im));
    return NULL;
}

int main(int argc, char **argv) {
    CHECK(rsm_get_controller("sci0", &ctrl));
    const rsm_node_id_t me = my_node();
    if (me == 4) {
        unsigned char *page;
        rsm_memseg_export_handle_t ex = export_page(ctrl, ID, &page);
        /* The last put of all says who came last: the threads' order. */
        while (((volatile unsigned char *)page)[4095] != 1) CHECK(rsm_intr_signal_wait(ex, -1));
        uint32_t last;
        memcpy(&last, page, 4);
        printf("node 4: the last shared put was thread %u's round %u\n", last >> 16, last & 0xffff);
        CHECK(rsm_memseg_export_destroy(ex));
        free(page);
        return 0;
    }
    if (me != 8) return 0;
    const int threads = argc > 1 ? atoi(argv[1]) : 4;
    if (threads < 1 || threads > MAX_THREADS) return 2;
    pthread_t t[MAX_THREADS];
    struct worker w[MAX_THREADS];
    for (int i = 0; i < threads; ++i) {
        w[i] = (struct worker){i, 0.0, 0};
        if (pthread_create(&t[i], NULL, work, &w[i])) return 1;
    }
    int bad = 0;
    for (int i = 0; i < threads; ++i) {
        pthread_join(t[i], NULL);
        printf("node 8: thread %d: %d rounds, calls ended at %.3f us in sum\n", i, ROUNDS, w[i].time_sum_us);
        bad += w[i].bad;
    }
    int tries = 0;
    rsm_memseg_import_handle_t im = connect_when_published(ctrl, 4, ID, &tries);
    rsmapi_barrier_t bar;
    CHECK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
    unsigned char done = 1;
    CHECK(rsm_memseg_import_put8(im, 4095, &done, 1));
    CHECK(rsm_intr_signal_post(im, 0));
    CHECK(rsm_memseg_import_destroy_barrier(&bar));
    CHECK(rsm_memseg_import_disconnect(im));
    printf("node 8: every thread read back its own puts: %s; done at %.3f us\n", bad ? "NO" : "yes", now_us());
    return bad ? 1 : 0;
}
