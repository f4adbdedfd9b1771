/*
 * process_cost.c - host cost of rsmapi calls, in a process of its own per
 * node (`rsmsim exec -n 2 -- process_cost`) or in the simulator's process
 * (built with -DIN_PROCESS: the same body as an rsmsim_run testbench). Node 8
 * times N calls of each kind on the host's own clock (CLOCK_MONOTONIC_RAW is
 * not simulated) and prints "cost OP NS_PER_CALL"; bench/process_mode.sh
 * runs both and gives the ratios, bench/fidelity.py the in-process one in
 * each fidelity ($RSMSIM_FIDELITY) beside a memcpy of the same bytes.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rsmapi.h>
#ifdef IN_PROCESS
#include <rsmsim/testbench.h>
#endif

#define SEG (17u << 20)   /* 16 MiB for the bulk putv, and a byte that says "done" */
#define BULK (16u << 20)
#define ID 0x530004u
#define PUTS 2000
#define POSTS 2000
#define PUTVS 8

static double host_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void pause_a_little(void) {
#ifdef IN_PROCESS
    rsmsim_delay_ns(20000);
#else
    const struct timespec p = {0, 20000};
    nanosleep(&p, NULL);
#endif
}

static int body(rsm_node_id_t me) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c)) return 1;
    void *mem = NULL;
    if (posix_memalign(&mem, 4096, SEG)) return 1;
    memset(mem, 0, SEG);
    int rc = 0;
    if (me == 4) {
        rsm_memseg_export_handle_t ex;
        rsm_memseg_id_t id = ID;
        rc = rsm_memseg_export_create(c, &ex, mem, SEG, 0) || rsm_memseg_export_publish(ex, &id, NULL, 0);
        /* Signals keep coming while node 8 measures; the last byte says it is done. */
        while (!rc && ((volatile unsigned char *)mem)[SEG - 1] != 1) rc = rsm_intr_signal_wait(ex, -1);
        rc = rc || rsm_memseg_export_destroy(ex);
    } else if (me == 8) {
        rsm_memseg_import_handle_t im;
        while ((rc = rsm_memseg_import_connect(c, 4, ID, RSM_PERM_RDWR, &im)) == RSMERR_SEG_NOT_PUBLISHED)
            pause_a_little();
        rsmapi_barrier_t bar;
        rc = rc || rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar);
        uint32_t w = 1;
        double t0 = host_ns();
        for (int i = 0; i < PUTS && !rc; ++i) rc = rsm_memseg_import_put32(im, 0, &w, 1);
        printf("cost put4 %.0f\n", (host_ns() - t0) / PUTS);
        t0 = host_ns();
        for (int i = 0; i < POSTS && !rc; ++i) {
            rc = rsm_intr_signal_post(im, RSM_SIGPOST_NO_ACCUMULATE);
        }
        printf("cost post %.0f\n", (host_ns() - t0) / POSTS);
        rsm_iovec_t v;
        memset(&v, 0, sizeof v);
        v.io_type = RSM_VA_TYPE;
        v.local.vaddr = (caddr_t)mem;
        v.transfer_length = 1u << 20;
        rsm_scat_gath_t sg;
        memset(&sg, 0, sizeof sg);
        sg.remote_handle = im;
        sg.io_request_count = 1;
        sg.iovec = &v;
        t0 = host_ns();
        for (int i = 0; i < PUTVS && !rc; ++i) rc = rsm_memseg_import_putv(&sg);
        printf("cost putv1M %.0f\n", (host_ns() - t0) / PUTVS);
        /* 16 MiB in 16 entries of 1 MiB, against a memcpy of as many bytes. */
        rsm_iovec_t vs[16];
        for (int i = 0; i < 16; ++i) {
            vs[i] = v;
            vs[i].local.vaddr = (caddr_t)mem + ((size_t)i << 20);
            vs[i].remote_offset = (off_t)i << 20;
        }
        sg.io_request_count = 16;
        sg.iovec = vs;
        t0 = host_ns();
        for (int i = 0; i < 2 && !rc; ++i) rc = rsm_memseg_import_putv(&sg);
        printf("cost putv16M %.0f\n", (host_ns() - t0) / 2);
        void *copy = malloc(BULK);
        if (!copy) rc = 1;
        else memcpy(copy, mem, BULK);   /* its pages are the process's before timing */
        t0 = host_ns();
        for (int i = 0; i < 8 && copy; ++i) {
            memcpy(copy, mem, BULK);
            __asm__ volatile("" : : "r"(copy) : "memory");   /* the copy counts */
        }
        printf("cost memcpy16M %.0f\n", (host_ns() - t0) / 8);
        free(copy);
        uint8_t done = 1;
        rc = rc || rsm_memseg_import_put8(im, SEG - 1, &done, 1) || rsm_intr_signal_post(im, 0) ||
             rsm_memseg_import_destroy_barrier(&bar) || rsm_memseg_import_disconnect(im);
    }
    free(mem);
    if (rc) fprintf(stderr, "node %u: a call failed (%d)\n", (unsigned)me, rc);
    return rc ? 1 : 0;
}

#ifdef IN_PROCESS
static int result;
static void program(int node, void *arg) {
    (void)arg;
    result |= body(rsmsim_node_id(node));
}
int main(void) {
    rsmsim_options o;
    rsmsim_options_init(&o);
    return rsmsim_run(&o, program, NULL) != 0 || result;
}
#else
int main(void) {
    rsm_topology_t *t;
    if (rsm_get_interconnect_topology(&t)) return 1;
    const rsm_node_id_t me = t->topology_hdr.local_nodeid;
    rsm_free_interconnect_topology(t);
    return body(me);
}
#endif
