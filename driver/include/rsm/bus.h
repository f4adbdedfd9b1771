// The hardware seam: everything the driver knows about the adapter goes
// through this interface (plus the generated register header). The simulator
// implements it over TLM in sim/; real hardware would implement it over a
// mapped PCI BAR and an interrupt file descriptor.
#pragma once

#include "rsm/api_calls.h"

#include <cstddef>
#include <cstdint>

#define RSM_EXPORT __attribute__((visibility("default")))

namespace rsm::hw {

// What the device does with pinned memory: reads it (a put's source, a
// segment others read) and/or writes it (a get's target, a segment others write).
enum class DmaAccess : unsigned { Read = 1, Write = 2, ReadWrite = 3 };

// "Wait without a time limit" for Bus::wait_irq.
inline constexpr uint64_t kNoTimeout = UINT64_MAX;

class RSM_EXPORT Bus {
public:
    virtual ~Bus();

    // 32-bit register access at a BAR offset. False = bus error (unmapped,
    // unaligned or read-only target); a failed write changes nothing. A
    // platform may post register writes, as PCI does (the process-per-node
    // Bus does): true then means the write is queued, in order, before the
    // next access; a posted write that fails makes the next access that
    // answers (a read, a wait, a pin) fail instead.
    [[nodiscard]] virtual bool read32(uint64_t offset, uint32_t& value) = 0;
    [[nodiscard]] virtual bool write32(uint64_t offset, uint32_t value) = 0;
    // Reads `count` registers in order, as that many read32 calls (one
    // request where the device is far away). False at the first refused one.
    [[nodiscard]] virtual bool read32_each(const uint64_t* offsets, uint32_t* values, size_t count);
    // read32_each whose values are needed only after the caller's next
    // access that answers (a read, a wait, a pin): a platform far from the
    // device may send the reads with that access, in order with posted
    // writes, instead of waiting for them now. `values` must stay valid
    // until then; a refused read makes that access fail instead.
    [[nodiscard]] virtual bool read32_each_deferred(const uint64_t* offsets, uint32_t* values, size_t count) {
        return read32_each(offsets, values, count);
    }
    // 64-bit access to an 8-aligned register pair (low word at `offset`,
    // written first). Refused as a whole if either half is refused.
    [[nodiscard]] virtual bool read64(uint64_t offset, uint64_t& value) = 0;
    [[nodiscard]] virtual bool write64(uint64_t offset, uint64_t value) = 0;

    // Burst access to the remote-access window (programmed I/O). A write is
    // posted: true means the adapter accepted it, not that it landed remotely.
    // A read returns when the data is back. False = bus error.
    [[nodiscard]] virtual bool write_block(uint64_t offset, const void* src, size_t len) = 0;
    [[nodiscard]] virtual bool read_block(uint64_t offset, void* dst, size_t len) = 0;
    // A window write the platform may post like a register write (the
    // process-per-node Bus does, up to a limit): true may then only mean
    // queued, and a refusal fails the next access that answers. For a caller
    // whose next access belongs to the same operation (a put's barrier).
    [[nodiscard]] virtual bool post_block(uint64_t offset, const void* src, size_t len) {
        return write_block(offset, src, len);
    }

    // Blocks until the adapter's interrupt line is asserted, or timeout_ns of
    // (simulated) time has passed (kNoTimeout: no limit). True = interrupt
    // pending. Returns at once while the line is already asserted.
    [[nodiscard]] virtual bool wait_irq(uint64_t timeout_ns) = 0;

    // Reads the 32-bit register at `offset` until (value & mask) is non-zero
    // (`set`) or zero (!`set`), or `timeout_ns` has passed; between looks it
    // sleeps on the interrupt line (`wake_on_irq`) or looks again at once.
    // The status register is the truth and the interrupt only a wake-up: any
    // cause may wake the wait (or hold the line up), so every wake-up is
    // followed by a look. `last` is the value last read.
    enum class WaitResult { Met, Timeout, BusError };
    virtual WaitResult wait_reg(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns, bool wake_on_irq,
                                uint32_t& last);
    // wait_reg, then (once met) read32_each of `count` registers: one
    // request where the device is far away. BusError if a read is refused.
    virtual WaitResult wait_reg_then_read(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns,
                                          bool wake_on_irq, uint32_t& last, const uint64_t* offsets, uint32_t* values,
                                          size_t count);

    // A register write a wait makes on the caller's behalf.
    struct RegWrite {
        uint64_t offset;
        uint32_t value;
    };
    // How many interrupt acknowledgements waiters of this Bus have made (see
    // wait_irq_acking). A waiter reads it before it looks at its registers
    // and passes it on, so the wait knows whether a wake-up came meanwhile.
    [[nodiscard]] virtual uint64_t ack_epoch() { return acks_; }
    // For an interrupt cause its waiters acknowledge themselves (the signal
    // unit's: several threads may wait for their own events behind it).
    // Sleeps as wait_irq does, unless a waiter acknowledged since `epoch`
    // (that wake-up may have been the caller's: it must look again first);
    // once woken, makes the write `ack` (to the cause's write-one-to-clear
    // bit) so the line can rise for the next event. Either way the caller
    // looks again. True = woken or the epoch moved, false = `timeout_ns`
    // passed. The acknowledgement never lands while another waiter looks
    // (both hold the lock): that race would leave the waiter asleep with
    // its event pending.
    virtual bool wait_irq_acking(uint64_t epoch, uint64_t timeout_ns, RegWrite ack);
    // Looks at the register at `offset` until a bit of `mask` is set or
    // `timeout_ns` has passed (kNoTimeout: no limit), sleeping between
    // looks as wait_irq_acking does. Once met, makes the write `once_met`
    // (unless null) with the look, under the lock: a waiter takes what it
    // found before another can. One request where the device is far away.
    virtual WaitResult wait_reg_acking(uint64_t offset, uint32_t mask, uint64_t timeout_ns, RegWrite ack,
                                       const RegWrite* once_met, uint32_t& last);

    // The calling thread idles for `ns` (simulated time in the simulator).
    virtual void sleep_ns(uint64_t ns) = 0;
    // A sleep of `ns` before the calling thread looks again at descriptors
    // the platform does not signal (a poll() of ordinary files, pipes and
    // sockets). A simulator may end a run in which nothing but such looks
    // has happened for long: nothing it simulates can make them ready.
    virtual void look_again_ns(uint64_t ns) { sleep_ns(ns); }

    // Monotonic time in nanoseconds (simulated time in the simulator).
    [[nodiscard]] virtual uint64_t now_ns() = 0;

    // Serialises the node's threads around sequences of register accesses
    // (staging and index registers, DMA descriptors). Recursive: the owner
    // may lock again. Held across accesses and waits, so it must be a lock of
    // the platform's threads (SystemC threads in the simulator).
    virtual void lock() = 0;
    virtual void unlock() = 0;

    // Installs the driver's interrupt handler (nullptr removes it). The
    // platform calls it each time the interrupt line rises, on a thread of
    // its own that may access registers and take the lock.
    using InterruptHandler = void (*)(void* context);
    virtual void set_interrupt_handler(InterruptHandler handler, void* context) = 0;

    // Pins [va, va+len) for device access (like an IOMMU mapping), as a
    // kernel locks pages: every page must be mapped in the calling process
    // (else Fault, EFAULT) and allow what the device will do (else Denied,
    // EACCES). On Ok, `bus_addr` is the range's bus address; the device can
    // reach exactly the pinned range with the pinned access, nothing else.
    // NoResources: the platform could not pin for want of resources.
    enum class PinResult { Ok, Fault, Denied, NoResources };
    [[nodiscard]] virtual PinResult dma_map(void* va, size_t len, DmaAccess access, uint64_t& bus_addr) = 0;
    virtual void dma_unmap(uint64_t bus_addr, size_t len) = 0;

    // librsm says which rsmapi call the calling thread enters and leaves
    // (with its return code; 0 for a void call). Calls do not nest. For the
    // platform's traces; nothing may depend on it.
    virtual void api_enter(ApiCall call) { (void)call; }
    virtual void api_leave(ApiCall call, int rc) { (void)call, (void)rc; }

private:
    uint64_t acks_ = 0;   // under lock()
};

// Holds a Bus's lock for a scope.
class BusLock {
public:
    explicit BusLock(Bus& b) : bus_(b) { bus_.lock(); }
    ~BusLock() { bus_.unlock(); }
    BusLock(const BusLock&) = delete;
    BusLock& operator=(const BusLock&) = delete;

private:
    Bus& bus_;
};

// How librsm finds the adapter of the calling node: the platform (the
// simulator, or a real OS port) installs a resolver that returns the Bus of
// the node the current thread of execution belongs to, or nullptr.
using BusResolver = Bus* (*)(void* context);
RSM_EXPORT void set_bus_resolver(BusResolver resolver, void* context);

}  // namespace rsm::hw
