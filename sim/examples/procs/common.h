/* common.h - helpers of the plain (process-per-node) example programs. */
#ifndef RSMSIM_PROCS_COMMON_H
#define RSMSIM_PROCS_COMMON_H

#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rsmapi.h>

#define CHECK(call)                                                     \
    do {                                                                \
        int rc_ = (call);                                               \
        if (rc_ != RSM_SUCCESS) {                                       \
            fprintf(stderr, "%s failed: %d\n", #call, rc_);             \
            exit(1);                                                    \
        }                                                               \
    } while (0)

/* This node's id, from the topology (as on real hardware). */
static inline rsm_node_id_t my_node(void) {
    rsm_topology_t *t;
    CHECK(rsm_get_interconnect_topology(&t));
    rsm_node_id_t me = t->topology_hdr.local_nodeid;
    rsm_free_interconnect_topology(t);
    return me;
}

static inline double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline void *page_alloc(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n)) exit(1);
    memset(p, 0, n);
    return p;
}

/* Exports a fresh zeroed page (returned in *page) and publishes it as `id`
 * (0: an id is assigned) to every node. */
static inline rsm_memseg_export_handle_t export_page(rsmapi_controller_handle_t c, rsm_memseg_id_t id,
                                                     unsigned char **page) {
    rsm_memseg_export_handle_t ex;
    *page = page_alloc(4096);
    CHECK(rsm_memseg_export_create(c, &ex, *page, 4096, 0));
    CHECK(rsm_memseg_export_publish(ex, &id, NULL, 0));
    return ex;
}

/* Connects to `id` on `node`, retrying (and sleeping 20 us between tries)
 * until it is published. */
static inline rsm_memseg_import_handle_t connect_when_published(rsmapi_controller_handle_t c, rsm_node_id_t node,
                                                         rsm_memseg_id_t id, int *tries) {
    rsm_memseg_import_handle_t im;
    int rc;
    const struct timespec pause = {0, 20000};
    *tries = 0;
    while ((rc = rsm_memseg_import_connect(c, node, id, RSM_PERM_RDWR, &im)) == RSMERR_SEG_NOT_PUBLISHED) {
        ++*tries;
        nanosleep(&pause, NULL);
    }
    CHECK(rc);
    return im;
}

#endif
