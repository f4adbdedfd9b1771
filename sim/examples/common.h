/* common.h - small helpers shared by the C99 examples. */
#ifndef RSMSIM_EXAMPLE_COMMON_H
#define RSMSIM_EXAMPLE_COMMON_H

/* Include first: POLLRDNORM and posix_memalign are X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rsmapi.h>
#include <rsmsim/testbench.h>

static int failures;

/* Reports a failed call with the node it happened on. */
static inline void expect(int rc, int want, const char *what) {
    if (rc != want) {
        fprintf(stderr, "node %u: %s returned %d, expected %d\n", (unsigned)rsmsim_node_id(rsmsim_node_index()),
                what, rc, want);
        failures++;
    }
}
#define OK(call) expect((call), RSM_SUCCESS, #call)

/* Page-aligned, zeroed memory for export segments (free with free()). */
static inline void *alloc_pages(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n) != 0) return NULL;
    memset(p, 0, n);
    return p;
}

/* Runs `program` on `nodes` nodes and prints "<name>: PASS" or FAIL. */
static inline int run_example(const char *name, int nodes, rsmsim_program program, void *arg) {
    rsmsim_options opts;
    int rc;
    rsmsim_options_init(&opts);
    opts.nodes = nodes;
    rc = rsmsim_run(&opts, program, arg);
    printf("%s: %s\n", name, rc == 0 && failures == 0 ? "PASS" : "FAIL");
    return rc == 0 && failures == 0 ? 0 : 1;
}

#endif
