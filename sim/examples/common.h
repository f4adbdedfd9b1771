/* common.h - small helpers shared by the C99 examples. */
#ifndef RSMSIM_EXAMPLE_COMMON_H
#define RSMSIM_EXAMPLE_COMMON_H

#include <stdio.h>

#include <rsmapi.h>
#include <rsmsim/testbench.h>

static int failures;

/* Reports a failed call with the node it happened on. */
static void expect(int rc, int want, const char *what) {
    if (rc != want) {
        fprintf(stderr, "node %u: %s returned %d, expected %d\n", (unsigned)rsmsim_node_id(rsmsim_node_index()),
                what, rc, want);
        failures++;
    }
}
#define OK(call) expect((call), RSM_SUCCESS, #call)

/* Runs `program` on `nodes` nodes and prints "<name>: PASS" or FAIL. */
static int run_example(const char *name, int nodes, rsmsim_program program, void *arg) {
    rsmsim_options opts;
    int rc;
    opts.nodes = nodes;
    opts.profile = NULL;
    opts.vcd_path = NULL;
    rc = rsmsim_run(&opts, program, arg);
    printf("%s: %s\n", name, rc == 0 && failures == 0 ? "PASS" : "FAIL");
    return rc == 0 && failures == 0 ? 0 : 1;
}

#endif
