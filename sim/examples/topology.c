/*
 * topology.c - controllers and topology: every node of a 4-node cluster
 * prints what its adapter reports.
 */
#include "common.h"

static void program(int node, void *arg) {
    rsmapi_controller_handle_t ctl;
    rsmapi_controller_attr_t attr;
    rsm_topology_t *t = NULL;
    (void)arg;
    OK(rsm_get_controller("sci0", &ctl));
    OK(rsm_get_controller_attr(ctl, &attr));
    OK(rsm_get_interconnect_topology(&t));
    if (t) {
        rsm_connections_t *c = t->connections[0];
        int k;
        printf("node %u: %s, page %zu B, max export %zu B, peers:", (unsigned)t->topology_hdr.local_nodeid,
               c->hdr.cntlr_name, attr.attr_page_size, attr.attr_max_export_segment_size);
        for (k = 0; k < c->hdr.remote_cntlr_count; k++) printf(" %u", (unsigned)c->remote_cntlr[k].remote_nodeid);
        printf("\n");
        if (t->topology_hdr.local_nodeid != rsmsim_node_id(node) || c->hdr.remote_cntlr_count != 3) failures++;
        rsm_free_interconnect_topology(t);
    }
    OK(rsm_release_controller(ctl));
}

int main(void) { return run_example("topology", 4, program, NULL); }
