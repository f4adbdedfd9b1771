// Ctrl-C (SIGINT) and SIGTERM end a run cleanly: the report so far, a
// complete waveform up to that time, exit status 130.
#pragma once

#include "rsmsim/cluster.h"

namespace rsmsim {

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// later (call first thing in main; started programs get them unblocked).
void block_interrupts();
// A thread takes those signals and asks `cluster` to stop; a second one ends
// the program at once (status 130).
void stop_on_interrupt(Cluster& cluster);
// The signals as they were (for a child about to exec).
void unblock_interrupts();

inline constexpr int kInterruptedStatus = 130;

}  // namespace rsmsim
