// Between the preloaded library's thread start (clock_interposer.cpp) and
// its mutexes (sync_interposer.cpp).
#pragma once

namespace rsm::hw {

// The process has just started its first thread: the mutexes the calling
// thread took from the C library until then pass to the simulator.
void program_sync_started();

}  // namespace rsm::hw
