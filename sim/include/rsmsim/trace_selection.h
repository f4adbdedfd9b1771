// What the waveform holds, from the words a user gives (rsmsim --trace-*,
// rsmsim_options.trace_*): one translation for the CLI and the C API.
#pragma once

#include <string>

#include "rsmsim/model/waves.h"

namespace rsmsim {

// nodes: "4,8" (node ids; empty = every node); blocks: "api,mmio,rtl,dma,
// fabric" (empty = all); window: "FROM:TO" in simulated microseconds, either
// side may be empty ("20:", ":100"; empty = the whole run). False sets
// `error` naming what is wrong. Node ids are checked against the cluster
// when it is built.
bool parse_trace_selection(const std::string& nodes, const std::string& blocks, const std::string& window,
                           model::WaveSelection& out, std::string& error);

}  // namespace rsmsim
