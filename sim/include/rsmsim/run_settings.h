// What a run is made of, as every front end takes it from its user (the
// rsmsim command line or a --config file, the C testbench's rsmsim_options),
// and the one translation of it into a cluster configuration: profile lookup,
// profile file, overrides, topology, CRC error rate, faults, waveform
// selection, time limit and fidelity are checked and applied here only.
#pragma once

#include <string>
#include <vector>

#include "rsmsim/cluster.h"

namespace rsmsim {

struct RunSettings {
    int nodes = 2;
    std::string profile;                  // built-in profile name; empty = the default
    std::string profile_file;             // TOML parameters over `profile`; empty = none
    std::vector<std::string> overrides;   // "NAME=VALUE", applied after the file
    std::string topology;                 // "switch", "ring" or "torus"; empty = switch
    double crc_error_rate = 0;
    uint64_t seed = 0;
    std::vector<std::string> faults;      // faults, or ';'-separated lists of them (rsmsim/faults.h)
    std::string waveform;                 // VCD (or .fst) path; empty = none
    bool trace_fst = false;
    std::string trace_nodes, trace_blocks, trace_window;   // as --trace-*: empty = all
    double time_limit_us = 0;             // > 0: the run stops there
    // The control core's model: "rtl", "cycle", "fast" or "lockstep" for every node,
    // or "ID=MODEL" for one (a list, ';'- or ','-separated, like faults);
    // empty = the cluster's default ($RSMSIM_FIDELITY, else rtl).
    std::vector<std::string> fidelity;
};

// The settings as a cluster configuration. False if any is bad: `error` says
// which and why, and `cfg` must not be used.
bool make_cluster_config(const RunSettings& s, ClusterConfig& cfg, std::string& error);

}  // namespace rsmsim
