// What a person at a terminal sees of a run in progress: Ctrl-C (SIGINT)
// and SIGTERM end it cleanly (the report so far, a complete waveform up to
// that time, exit status 130), and a progress line says how far it got.
#pragma once

#include <memory>

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

// While it lives, and only when stderr is a terminal: after the first
// second, a line on stderr each second with the simulated time reached, the
// wall time and packets per second.
class ProgressLine {
public:
    explicit ProgressLine(Cluster& cluster);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rsmsim
