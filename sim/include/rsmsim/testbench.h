/*
 * testbench.h - run C (or C++) node programs on a simulated cluster.
 *
 * rsmsim_run() builds a cluster of opts->nodes nodes, starts `program` once
 * per node (node_index 0..nodes-1) at simulated time 0, and simulates until
 * every program has returned. Inside a program, every rsmapi call acts as
 * that node: rsm_get_controller("sci0", ...) returns the node's own adapter.
 * Simulated time advances only through the adapter: register accesses,
 * transfers and interrupt waits. The run is deterministic.
 *
 * Programs may coordinate out of band (as real cluster programs would over
 * a management network) with rsmsim_sync(); it costs no simulated time.
 * Data shared through C variables is visible to the other programs at once.
 *
 * One rsmsim_run() per process (SystemC elaborates once).
 */
#ifndef RSMSIM_TESTBENCH_H
#define RSMSIM_TESTBENCH_H

#include <stdint.h>

#include "rsmapi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int nodes;             /* 1..64 */
    const char *profile;   /* timing profile name; NULL = default ("pci-sci") */
    const char *vcd_path;  /* waveform file; NULL = none */
} rsmsim_options;

typedef void (*rsmsim_program)(int node_index, void *arg);

/* 0: every program ran to the end. -1: bad options (message on stderr) or
 * programs left blocked when the simulation ran out of events. */
int rsmsim_run(const rsmsim_options *opts, rsmsim_program program, void *arg);

void rsmsim_sync(void);                        /* rendezvous of all node programs */
uint64_t rsmsim_now_ns(void);                  /* current simulated time */
rsm_node_id_t rsmsim_node_id(int node_index);  /* 4, 8, 12, ... */
int rsmsim_node_index(void);                   /* index of the calling program's node */

#ifdef __cplusplus
}
#endif

#endif /* RSMSIM_TESTBENCH_H */
