// The Bus of a program started by `rsmsim exec` (see remote_bus.cpp).
#pragma once

#include "rsm/bus.h"

namespace rsm::hw {

// The process's connection to its simulated node, made on first use from
// RSMSIM_FD; nullptr (said once on stderr) when the program does not run
// under rsmsim.
Bus* remote_bus();
// The same, but nullptr without a word when the process was not started by
// rsmsim (for calls that do not need an adapter, such as tracing).
Bus* attached_remote_bus();

// For the clock interposer (librsmsim_clock.so) of a program under
// `rsmsim exec`: simulated time, and sleeping in it. False (nothing done)
// when the process is not attached to a simulation.
RSM_EXPORT bool simulated_now_ns(uint64_t& ns);
RSM_EXPORT bool simulated_sleep_ns(uint64_t ns);
// The interposer's pthread_create says a thread is about to start (before
// the process's next call, or its first), so the simulation no longer keeps
// copies of its memory for the whole of a call.
RSM_EXPORT void note_thread_started();

}  // namespace rsm::hw
