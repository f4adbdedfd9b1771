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
// Threads of a program under `rsmsim exec` (for the interposer's
// pthread_create and pthread_join): each gets a channel of its own, lent
// before it starts, so the simulation waits for it like for any thread that
// computes and serves its calls in a fixed order. Spawn also tells the
// simulation the process now has threads. False from spawn: not attached,
// or every channel is lent (the thread then shares channel 0).
struct SimulatedThread {
    unsigned channel = 0;
    uint32_t generation = 0;
};
RSM_EXPORT bool simulated_thread_spawn(SimulatedThread& t);
// On the new thread, first: it uses its channel; when it ends, it gives it back.
RSM_EXPORT void simulated_thread_begin(const SimulatedThread& t);
// The thread could not be started: its channel goes back unused.
RSM_EXPORT void simulated_thread_abandon(const SimulatedThread& t);
// Before joining it: waits, in simulated time, until the thread has ended.
RSM_EXPORT void simulated_thread_join(const SimulatedThread& t);

}  // namespace rsm::hw
