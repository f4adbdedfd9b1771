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
// Simulated time 0 on the realtime clocks: this instant of the real
// calendar (2026-01-01 UTC).
inline constexpr uint64_t kSimulatedEpochS = 1767225600;
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
// Before the spawn (which does it too), for what must pass to the
// simulator before any thread is lent a channel (the simulation waits for
// a lent channel's first call from then on): the process has threads now.
RSM_EXPORT void simulated_threads_starting();
// On the new thread, first: it uses its channel; when it ends, it gives it back.
RSM_EXPORT void simulated_thread_begin(const SimulatedThread& t);
// The thread could not be started: its channel goes back unused.
RSM_EXPORT void simulated_thread_abandon(const SimulatedThread& t);
// Before joining it: waits, in simulated time, until the thread has ended.
RSM_EXPORT void simulated_thread_join(const SimulatedThread& t);

// librsm at work on the calling thread (an rsmapi call, a hook here): the
// mutexes taken meanwhile are librsm's own, which the interposer leaves to
// the C library. In-process, simulated threads share an OS thread, so the
// count means nothing there (nothing is interposed there either).
RSM_EXPORT bool in_runtime();
RSM_EXPORT void enter_runtime();
RSM_EXPORT void leave_runtime();
class RuntimeScope {
public:
    RuntimeScope() { enter_runtime(); }
    ~RuntimeScope() { leave_runtime(); }
    RuntimeScope(const RuntimeScope&) = delete;
    RuntimeScope& operator=(const RuntimeScope&) = delete;
};

// The program's mutexes and condition variables (for the interposer), kept
// by the simulator once the process has threads (simulated_sync_active):
// a thread that waits for one is then in a call, so simulated time runs
// for the thread that holds it, and which waiter goes first is the
// simulation's fixed order, not the scheduler's. The interposer keeps the
// owners and nesting; the simulator sees each thread's outermost lock and
// unlock only. Lock: true once held, false at the deadline (simulated ns,
// rsm::remote::kNoDeadline: none; 0: only if free now). Unlock and signal
// are posted (they travel with the thread's next request).
RSM_EXPORT bool simulated_process();   // started by rsmsim exec (attached or about to be)
RSM_EXPORT bool simulated_sync_active();
RSM_EXPORT bool simulated_lock(const void* mutex, uint64_t deadline_ns);
RSM_EXPORT void simulated_unlock(const void* mutex);
// Releases `mutex` (nullptr: none) and waits for a signal of `cond`; the
// caller then takes the mutex again. Spurious: a thread that shares
// channel 0 comes back every slice (POSIX allows it), and so does one of
// a process that is not attached.
enum class WakeUp { Signalled, TimedOut, Spurious };
RSM_EXPORT WakeUp simulated_cond_wait(const void* cond, const void* mutex, uint64_t deadline_ns);
RSM_EXPORT void simulated_cond_signal(const void* cond, bool all);

}  // namespace rsm::hw
