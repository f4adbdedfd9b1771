/*
 * ring.c - a plain rsmapi program: one process per node under
 *   rsmsim exec -n 4 -- ./ring
 * (or on real hardware). Every node exports a page, writes a greeting into
 * the next node's page, signals it, and waits for the greeting of the node
 * before it. Only <rsmapi.h>; the node learns who it is from the topology.
 * Exit status 0 if the greeting arrived.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rsmapi.h>

#define BASE_ID 0x500000u

static int fail(const char *what, int rc) {
    fprintf(stderr, "%s failed: %d\n", what, rc);
    return 1;
}

int main(void) {
    rsmapi_controller_handle_t ctl;
    rsm_topology_t *topo;
    int rc = rsm_get_controller("sci0", &ctl);
    if (rc) return fail("rsm_get_controller", rc);
    if ((rc = rsm_get_interconnect_topology(&topo))) return fail("rsm_get_interconnect_topology", rc);
    const rsm_node_id_t me = topo->topology_hdr.local_nodeid;
    const int nodes = topo->connections[0]->hdr.remote_cntlr_count + 1;
    rsm_free_interconnect_topology(topo);
    const rsm_node_id_t next = me % (4u * (unsigned)nodes) + 4, prev = me == 4 ? 4u * (unsigned)nodes : me - 4;

    void *page = NULL;
    if (posix_memalign(&page, 4096, 4096)) return 1;
    memset(page, 0, 4096);
    rsm_memseg_export_handle_t ex;
    rsm_memseg_id_t id = BASE_ID + me;
    if ((rc = rsm_memseg_export_create(ctl, &ex, page, 4096, 0))) return fail("export_create", rc);
    if ((rc = rsm_memseg_export_publish(ex, &id, NULL, 0))) return fail("publish", rc);

    /* The next node may not have published yet: retry, sleeping between tries. */
    rsm_memseg_import_handle_t im;
    int tries = 0;
    while ((rc = rsm_memseg_import_connect(ctl, next, BASE_ID + next, RSM_PERM_RDWR, &im)) == RSMERR_SEG_NOT_PUBLISHED) {
        const struct timespec pause = {0, 10000};
        ++tries;
        nanosleep(&pause, NULL);
    }
    if (rc) return fail("connect", rc);
    rsmapi_barrier_t bar;
    if ((rc = rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar))) return fail("init_barrier", rc);
    char hello[64];
    snprintf(hello, sizeof hello, "hello from node %u", (unsigned)me);
    if ((rc = rsm_memseg_import_put(im, 0, hello, sizeof hello))) return fail("put", rc);
    if ((rc = rsm_intr_signal_post(im, 0))) return fail("signal_post", rc);
    if ((rc = rsm_intr_signal_wait(ex, 10000))) return fail("signal_wait", rc);
    char want[64];
    snprintf(want, sizeof want, "hello from node %u", (unsigned)prev);
    const int ok = strcmp((const char *)page, want) == 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    printf("node %u got \"%s\" (%d connect retries) at %.3f us: %s\n", (unsigned)me, (const char *)page, tries,
           now.tv_sec * 1e6 + now.tv_nsec / 1e3, ok ? "ok" : "WRONG");
    rsm_memseg_import_destroy_barrier(&bar);
    rsm_memseg_import_disconnect(im);
    /* Destroying the export while the previous node may still be tearing
     * down is fine: its connection is revoked, it is done with it. */
    rsm_memseg_export_destroy(ex);
    rsm_release_controller(ctl);
    free(page);
    return ok ? 0 : 1;
}
