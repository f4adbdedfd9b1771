/*
 * testbench.h - run C (or C++) node programs on a simulated cluster.
 *
 * rsmsim_run() builds a cluster of opts->nodes nodes, starts `program` once
 * per node (node_index 0..nodes-1) at simulated time 0, and simulates until
 * every program has returned. Inside a program, every rsmapi call acts as
 * that node: rsm_get_controller("sci0", ...) returns the node's own adapter.
 * Simulated time advances through the adapter (register accesses,
 * transfers, interrupt waits) and rsmsim_delay_ns(). The run is
 * deterministic.
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

/* Set every field with rsmsim_options_init() (or zero the struct) first:
 * a zero or NULL field means the default. */
typedef struct {
    int nodes;                 /* 1..64 */
    const char *profile;       /* timing profile name; NULL = default ("pci-sci") */
    const char *vcd_path;      /* waveform file; NULL = none */
    const char *topology;      /* "switch" (NULL), "ring" or "torus" */
    const char *profile_file;  /* TOML file of timing parameters over `profile`; NULL = none */
    const char *overrides;     /* timing overrides "NAME=VALUE;NAME=VALUE"; NULL = none */
    double crc_error_rate;     /* probability that a request packet is corrupted, per attempt */
    uint64_t seed;             /* seed of every random choice (CRC errors, random faults) */
    const char *faults;        /* fault plan, ';'-separated, e.g. "down:8-12@20;up:8-12@60;crash:16@90"
                                  or "random:down=2,slow=1,crc=1@200" (syntax: rsmsim/faults.h) */
    double time_limit_us;      /* > 0: stop there; programs still running make the run fail (-1) */
    /* What the waveform holds (as rsmsim --trace-nodes/-blocks/-window):
       NULL = all. A vcd_path ending in ".fst" is written as FST. */
    const char *trace_nodes;   /* "4,8" */
    const char *trace_blocks;  /* "api,mmio,rtl,dma,fabric" */
    const char *trace_window;  /* "FROM:TO" in simulated microseconds */
    /* The adapter core's model: "rtl" (NULL: $RSMSIM_FIDELITY, else rtl),
       "cycle" (the same architecture in C++, cycle for cycle), "fast" (the
       C++ core, loosely timed: a DMA entry crosses the fabric as one train)
       or "lockstep" (rtl and cycle; the run stops at the first difference);
       per node "ID=MODEL", in a ';'-separated list, e.g. "fast;8=rtl". */
    const char *fidelity;
} rsmsim_options;

/* Defaults: 2 nodes, every other field zero/NULL. */
void rsmsim_options_init(rsmsim_options *opts);

typedef void (*rsmsim_program)(int node_index, void *arg);

/* 0: every program ran to the end. -1: bad options, a bad profile file,
 * override or fault (message on stderr), or programs left blocked when the
 * simulation ran out of events or reached time_limit_us (stderr says who
 * waits for what). */
int rsmsim_run(const rsmsim_options *opts, rsmsim_program program, void *arg);

void rsmsim_sync(void);                        /* rendezvous of all node programs */
/* Starts `program` as another program (thread) of the calling program's node,
 * at the current simulated time; it gets the node's index and `arg`. The
 * rsmapi is MT-Safe across a node's programs. This is how a node program has
 * threads: an OS thread it starts itself belongs to no node, and its rsmapi
 * calls are refused (see rsmapi.h). -1 outside a node program, else 0. */
int rsmsim_spawn(rsmsim_program program, void *arg);
void rsmsim_delay_ns(uint64_t ns);             /* the calling program computes for ns (simulated) */
uint64_t rsmsim_now_ns(void);                  /* current simulated time */
rsm_node_id_t rsmsim_node_id(int node_index);  /* 4, 8, 12, ... */
int rsmsim_node_index(void);                   /* index of the calling program's node */

#ifdef __cplusplus
}
#endif

#endif /* RSMSIM_TESTBENCH_H */
