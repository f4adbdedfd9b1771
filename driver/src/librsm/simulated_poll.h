// For the preloaded library's poll() (sync_interposer.cpp): a node
// program's own poll() on its pollfds (or any descriptors) waits in
// simulated time, as rsm_intr_signal_wait_pollfd does, instead of blocking
// the thread in the kernel while simulated time stands still.
#pragma once

#include <poll.h>

#include <cstdint>

#include "rsm/bus.h"

// In rsm::hw with the interposer's other hooks (remote_bus.h): librsm
// exports nothing else.
namespace rsm::hw {

// Waits until one of `fds` has an event or `timeout_ns` of simulated time
// pass (negative: no limit); `ready` is what poll() returns (the count,
// 0, or -1 with errno). Events are not consumed. False (nothing done):
// not a process under `rsmsim exec`.
RSM_EXPORT bool simulated_poll(struct pollfd* fds, nfds_t nfds, int64_t timeout_ns, int& ready);

}  // namespace rsm::hw
