// `rsmsim exec`: one operating-system process per node, each running an
// unmodified rsmapi program (its own main(), linked with -lrsm), attached to
// one simulated cluster (rsmsim/attach.h).
#pragma once

#include <string>
#include <vector>

#include "rsmsim/cluster.h"

namespace rsmsim {

struct NodeProgram {
    uint16_t node_id;
    std::vector<std::string> argv;   // program and its arguments
};

struct LaunchOptions {
    std::vector<NodeProgram> programs;
    double stall_limit_s = 60;   // wall-clock seconds a process may compute without calling
};

// Parses "ID=PROGRAM [ARGS...]" (arguments split at spaces). False sets `error`.
bool parse_node_program(const std::string& text, NodeProgram& out, std::string& error);

// Checks the programs against the cluster before anything starts: node ids
// that exist, one program per node, files that exist and are executable
// (PATH searched as execvp does). False sets `error`.
bool check_programs(const std::vector<NodeProgram>& programs, int nodes, std::string& error);

// Runs the programs on `cfg`'s cluster and prints each node's output
// (prefixed "node ID| "), how each process ended and the simulation's report.
// Returns the exit status: 0 if every process exited 0 and nothing was left
// blocked, 1 otherwise, 2 if something could not be started.
int run_processes(const ClusterConfig& cfg, const LaunchOptions& opts);

}  // namespace rsmsim
