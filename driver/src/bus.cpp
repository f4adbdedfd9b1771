#include <algorithm>

#include "librsm/context.h"
#include "remote_bus.h"

namespace rsm::hw {

namespace {
constexpr unsigned kPollLooksBackToBack = 8;
constexpr uint64_t kPollPauseFraction = 16;
}  // namespace

Bus::~Bus() = default;

// The loop itself, in register reads: a platform may run it nearer the
// device (the process-per-node Bus sends it as one request). Each look is a
// register read, which takes time, so time always advances. A poll (no
// interrupt to sleep on) looks back to back a few times, then pauses for a
// fraction of the time waited so far before each look: a long wait (a
// large put's flush) then takes a few dozen reads instead of one per read
// time, and ends at most that fraction late.
Bus::WaitResult Bus::wait_reg(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns, bool wake_on_irq,
                              uint32_t& last) {
    const uint64_t start = now_ns();
    const uint64_t deadline = start + timeout_ns;
    for (unsigned looks = 1;; ++looks) {
        if (!read32(offset, last)) return WaitResult::BusError;
        if (((last & mask) != 0) == set) return WaitResult::Met;
        const uint64_t now = now_ns();
        if (now >= deadline) return WaitResult::Timeout;
        if (wake_on_irq) (void)wait_irq(deadline - now);
        else if (looks >= kPollLooksBackToBack) sleep_ns(std::min((now - start) / kPollPauseFraction, deadline - now));
    }
}

Bus::WaitResult Bus::wait_reg_then_read(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns,
                                        bool wake_on_irq, uint32_t& last, const uint64_t* offsets, uint32_t* values,
                                        size_t count) {
    const WaitResult r = wait_reg(offset, mask, set, timeout_ns, wake_on_irq, last);
    if (r != WaitResult::Met) return r;
    return read32_each(offsets, values, count) ? WaitResult::Met : WaitResult::BusError;
}

bool Bus::wait_irq_acking(uint64_t epoch, uint64_t timeout_ns, RegWrite ack) {
    {
        BusLock guard(*this);
        if (ack_epoch() != epoch) return true;
    }
    if (!wait_irq(timeout_ns)) return false;
    BusLock guard(*this);
    (void)write32(ack.offset, ack.value);   // if refused, the line stays up: the next wait comes back at once
    ++acks_;
    return true;
}

Bus::WaitResult Bus::wait_reg_acking(uint64_t offset, uint32_t mask, uint64_t timeout_ns, RegWrite ack,
                                     const RegWrite* once_met, uint32_t& last) {
    const bool forever = timeout_ns == kNoTimeout;
    const uint64_t start = now_ns();
    for (;;) {
        uint64_t epoch = 0;
        {
            BusLock guard(*this);
            epoch = ack_epoch();
            if (!read32(offset, last)) return WaitResult::BusError;
            if (last & mask)
                return !once_met || write32(once_met->offset, once_met->value) ? WaitResult::Met
                                                                               : WaitResult::BusError;
        }
        const uint64_t waited = now_ns() - start;
        if (!forever && waited >= timeout_ns) return WaitResult::Timeout;
        (void)wait_irq_acking(epoch, forever ? kNoTimeout : timeout_ns - waited, ack);
    }
}

bool Bus::read32_each(const uint64_t* offsets, uint32_t* values, size_t count) {
    for (size_t i = 0; i < count; ++i)
        if (!read32(offsets[i], values[i])) return false;
    return true;
}

namespace {
BusResolver g_resolver = nullptr;
void* g_context = nullptr;
}  // namespace

void set_bus_resolver(BusResolver resolver, void* context) {
    g_resolver = resolver;
    g_context = context;
}

// A platform in the same process (the in-process simulator) installs a
// resolver; a program of its own, started by `rsmsim exec`, has none and
// reaches its node over the connection the launcher gave it.
Bus* current_bus() { return g_resolver ? g_resolver(g_context) : remote_bus(); }
Bus* current_bus_if_any() { return g_resolver ? g_resolver(g_context) : attached_remote_bus(); }

}  // namespace rsm::hw
