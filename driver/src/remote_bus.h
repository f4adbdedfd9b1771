// The Bus of a program started by `rsmsim exec` (see remote_bus.cpp).
#pragma once

#include "rsm/bus.h"

namespace rsm::hw {

// The process's connection to its simulated node, made on first use from
// RSMSIM_FD; nullptr (said once on stderr) when the program does not run
// under rsmsim.
Bus* remote_bus();

}  // namespace rsm::hw
