// The Bus seam between processes: how a node program running as its own OS
// process (`rsmsim exec`) reaches its node's adapter in the simulator. One
// channel per thread of the process (kMaxThreads of them in one shared
// memory object), and one socket per process to wake the simulator and to
// notice a side that is gone; every Bus call is one request and one reply,
// in order, on the calling thread's channel. The simulator's side is
// sim/src/attach.cpp; librsm's is driver/src/remote_bus.cpp. Bulk data never
// travels here: DMA reads and writes the process's memory directly
// (process_vm_readv/writev); only programmed I/O bursts (window put/get)
// carry their bytes.
#pragma once

#include <poll.h>
#include <sched.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>

#include "rsm/bus.h"

namespace rsm::remote {

// The environment the launcher gives each node process.
inline constexpr const char* kEnvFd = "RSMSIM_FD";         // the connection's descriptor
inline constexpr const char* kEnvNode = "RSMSIM_NODE";     // the node id (4, 8, ...)
inline constexpr const char* kEnvShm = "RSMSIM_SHM";       // the channel's shared memory (a memfd)

enum class Op : uint32_t {
    Hello = 1,      // a = pid: the process attaches (first request)
    Read32,         // a = offset
    Write32,        // a = offset, b = value
    Read64,
    Write64,
    WriteBlock,     // a = offset, payload = bytes
    ReadBlock,      // a = offset, b = length; reply payload = bytes
    WaitIrq,        // a = timeout ns (UINT64_MAX: none); reply value = level
    SleepNs,        // a = ns, b = kLookAgain: Bus::look_again_ns
    Now,            // reply value = ns
    DmaMap,         // a = va, b = len, c = access; reply value = bus address, status = PinResult
    DmaUnmap,       // a = bus address, b = len
    WaitReg,        // a = offset, b = timeout ns, c = a WaitCondition (encoded);
                    // reply status = Bus::WaitResult, value = the last value read
    ReadEach,       // a = count, payload = the offsets (uint64_t each); reply payload = the values (uint32_t each)
    Flush,          // nothing but the posted writes before it
    Spawn,          // a thread is about to start: reply value = its channel | generation << 32, status 0 if none is free
    Bye,            // (on the thread's own channel) the thread ends; its channel is free again
    Join,           // a = channel, b = generation, c = at most this long (ns; 0: no limit):
                    // answered once that thread has said Bye (status 1), or the time is up (0)
    Lock,           // a = the lock (0: the driver's, Bus::lock; else a program mutex's address), b = deadline
                    // (simulated ns; kNoDeadline: none): status 1 once this thread holds it, 0 at the deadline
    CondWait,       // a = a condition variable's address, b = the program mutex released first (0: none),
                    // c = deadline: status 1 when signalled, 0 at the deadline (the mutex is not taken again)
    WaitRegRead,    // WaitReg, then (once met) ReadEach of the offsets in the payload; reply payload = the values
    WaitIrqAcking,  // a = timeout ns, b = epoch, d = the acknowledgement (a RegWriteCode):
                    // Bus::wait_irq_acking; reply value = its result
    WaitRegAcking,  // a = offset, b = timeout ns, c = mask | kOnceMet, d = the acknowledgement, e = the
                    // write once met (if kOnceMet): Bus::wait_reg_acking, replied as WaitReg
};
inline constexpr uint64_t kNoDeadline = UINT64_MAX;
inline constexpr uint64_t kLookAgain = 1;

// Op::WaitReg's and Op::WaitRegRead's `c`: what the wait looks for.
struct WaitCondition {
    uint32_t mask;
    bool set;           // (value & mask) non-zero, or zero
    bool wake_on_irq;   // sleep on the interrupt between looks
    uint64_t encode() const { return mask | (uint64_t{set} << 32) | (uint64_t{wake_on_irq} << 33); }
    static WaitCondition decode(uint64_t c) {
        return {static_cast<uint32_t>(c), ((c >> 32) & 1) != 0, ((c >> 33) & 1) != 0};
    }
};

// A Bus::RegWrite in a request's operand (BAR offsets are 32-bit).
struct RegWriteCode {
    static bool fits(const rsm::hw::Bus::RegWrite& w) { return w.offset <= UINT32_MAX; }
    static uint64_t encode(const rsm::hw::Bus::RegWrite& w) { return w.offset | (uint64_t{w.value} << 32); }
    static rsm::hw::Bus::RegWrite decode(uint64_t v) { return {v & UINT32_MAX, static_cast<uint32_t>(v >> 32)}; }
};
inline constexpr uint64_t kOnceMet = uint64_t{1} << 32;   // in Op::WaitRegAcking's `c`

// Register writes are posted: the process queues them in the channel and
// goes on; they travel with its next request, which the simulator serves
// only after carrying them out in order. The process computes in zero
// simulated time, so a write done then or at the next request is done at
// the same simulated time; only the process's clock must not run ahead of
// its writes (reading it sends them first).
// A lock's release and a condition variable's signal need no answer
// either: they are posted the same way, in order with the writes. So are
// reads whose values the caller needs only after its next request (a put's
// barrier snapshot): the simulator reads at the same simulated time, in the
// same order, and the values come back with that request's reply.
struct PostedWrite {
    uint64_t offset;   // the register; for the others, the lock's or condition variable's address (as in Op::Lock)
    uint64_t value;
    uint32_t bytes;    // 4 or 8; or one of the kinds below
    uint32_t reserved;
};
inline constexpr uint32_t kPostedUnlock = 0;      // the lock at `offset` is released
inline constexpr uint32_t kPostedSignal = 1;      // the condition variable at `offset` wakes its first waiter
inline constexpr uint32_t kPostedBroadcast = 2;   // ... every waiter
inline constexpr uint32_t kPostedBlock = 3;       // a window write of `value` bytes (in Channel::posted_block)
inline constexpr uint32_t kPostedRead = 5;        // a register read (Bus::read32_each_deferred): its value in
                                                  // Channel::posted_read, at the same place as in `posted`
                                                  // (not 4 or 8: those are writes of that many bytes)
inline constexpr uint32_t kMaxPosted = 64;
inline constexpr uint32_t kMaxPostedBlock = 64u << 10;   // at most one such write per request, this long

struct Request {
    Op op;
    uint32_t payload;   // bytes that follow
    uint64_t a, b, c, d, e;
    uint32_t posted;    // posted writes before this request (in Channel::posted)
    uint32_t reserved;
};

struct Reply {
    uint32_t status;      // 1 = ok (Bus calls' bool), or a PinResult for DmaMap
    uint32_t payload;     // bytes that follow
    uint64_t value;
    uint64_t irq_rises;   // how often the node's interrupt line rose so far
    uint64_t now_ns;      // simulated time when answered: it stands still until the process calls again
    uint64_t ack_epoch;   // the node's Bus::ack_epoch() then
    uint32_t posted_failed;   // a posted write was refused: the request itself was not carried out
    uint32_t reserved;
};

// A burst is at most one window slot (256 MiB); neither side accepts more.
inline constexpr uint32_t kMaxPayload = 1u << 28;

// One call at a time passes through a channel: the thread writes `req`
// (its payload in `data`) and then bumps req_seq; the simulator answers in
// `rep` (its payload in `data`) and sets rep_seq to the same value. Each
// side looks for the other's message a while and then sleeps, saying so in
// sim_sleeps / proc_sleeps: the simulator on the process's socket (a thread
// rings it with one byte), the thread on a futex on rep_seq (the simulator
// wakes it). Both flags are set, then the message re-checked, with
// sequentially consistent order, so no wake-up is missed.
struct Channel {
    std::atomic<uint32_t> req_seq{0}, rep_seq{0}, sim_sleeps{0}, proc_sleeps{0};
    std::atomic<uint32_t> how_to_wait{0};   // a WaitHow, set by the simulator
    // The rsmapi call the process is in (rsm::hw::ApiCall; 0: none) and the
    // last one's return code, for the waveform: the simulator reads them at
    // each request (simulated time stands still in between).
    std::atomic<uint32_t> api_call{0};
    std::atomic<int32_t> api_rc{0};
    // Set (in channel 0) by the process once it has started a thread: then
    // its memory may change while one of its threads is in a call
    // (model/process_memory.h).
    std::atomic<uint32_t> threaded{0};
    Request req;
    Reply rep;
    PostedWrite posted[kMaxPosted];
    uint32_t posted_read[kMaxPosted];
    alignas(64) uint8_t posted_block[kMaxPostedBlock];
    alignas(64) uint8_t data[kMaxPayload];
};
static_assert(std::atomic<uint32_t>::is_always_lock_free, "atomics shared between processes");
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "a futex word");

// Channel 0 is the main thread's, and that of threads the process did not
// start through pthread_create (they share it, one call at a time); the
// others are lent to threads as they start (Op::Spawn). The memory is
// sparse: only the pages a call touches are ever there.
inline constexpr unsigned kMaxThreads = 64;
struct ChannelSet {
    Channel channel[kMaxThreads];
};

// Tells the core this is a busy-wait loop (cheaper for a sibling thread).
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// How one side waits for the other: busy looks, then looks with a yield of
// the core between them, then sleeping on the socket. A sched_yield costs
// ~1.2 us in a VM and a sleep and wake-up 5-14 us, so a busy look is best
// while the other side answers at once. But only one party of a run (the
// simulator or one process) does useful work at a time, and a waiter that
// shares its core takes the core away from it. The simulator runs on a core
// of its own and looks busily; it tells each process how to wait for its
// pending call (`how_to_wait`): busily while it is the only process awake
// per core, with yields while it shares a core, and asleep at once while
// its call waits for another process that shares its core.
enum WaitHow : uint32_t { kWaitBusy = 0, kWaitYield = 1, kWaitSleep = 2 };

// The host's own clock (never the simulated one, even in a node process).
inline uint64_t host_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

// Yielding for this long before sleeping: a waiter stays awake through the
// few dozen microseconds another party usually computes (a post and its
// handling), and goes to sleep soon in a long wait, where it would hold a
// core that other parties need.
inline constexpr uint64_t kYieldNs = 200'000;

// A yield that kept the caller off its core this long means another
// program (not a party of the run) holds the core: the scheduler gives a
// sleeper that wakes the core back at once, a yielder only after that
// program's time slice (milliseconds).
inline constexpr uint64_t kCoreTakenNs = 50'000;
// After such a yield the process sleeps instead of yielding for a while
// (host time it may yield again: one per process).
inline constexpr uint64_t kNoYieldNs = 100'000'000;
inline std::atomic<uint64_t> g_yield_again_at{0};

// Busy looks for `ready()` while `how()` says so, for at most ~20 us (a
// pause is ~19 ns on this machine's cores).
template <typename Ready, typename How>
bool look_busily(Ready ready, How how) {
    for (int i = 0; i < 1000 && how() == kWaitBusy; ++i) {
        if (ready()) return true;
        relax();
    }
    return ready();
}

// Looks for `ready()` with a yield of the core between looks, until `how()`
// says to sleep or the yields run out; false: the caller sleeps. A caller
// on a `core_of_its_own` (the simulator) takes a long yield as another
// program's (kCoreTakenNs); elsewhere it may be a party that computes.
template <typename Ready, typename How>
bool look_yielding(Ready ready, How how, bool core_of_its_own = false) {
    const uint64_t start = host_ns();
    if (core_of_its_own && start < g_yield_again_at.load(std::memory_order_relaxed)) return ready();
    for (uint64_t now = start; now - start < kYieldNs && how() != kWaitSleep;) {
        if (ready()) return true;
        ::sched_yield();
        const uint64_t after = host_ns();
        if (core_of_its_own && after - now > kCoreTakenNs) {
            g_yield_again_at.store(after + kNoYieldNs, std::memory_order_relaxed);
            break;
        }
        now = after;
    }
    return ready();
}

// Looks for `ready()` as `how()` says, until it says to sleep or the yields
// run out; false: the caller sleeps on the socket.
template <typename Ready, typename How>
bool wait_for(Ready ready, How how) {
    return look_busily(ready, how) || look_yielding(ready, how);
}

// Wakes the side sleeping on `fd`.
inline void ring(int fd) {
    const char b = 1;
    (void)::send(fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Reads the rings that woke us; false if the other side is gone.
inline bool drain(int fd) {
    char buf[64];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) continue;
        if (n == 0) return false;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
}

// Sleeps while `word` holds `expected`, for at most `timeout_ms`: the
// simulator wakes a thread that sleeps for its reply (shared memory, so not
// a private futex).
inline void futex_sleep(const std::atomic<uint32_t>& word, uint32_t expected, long timeout_ms) {
    const timespec t{timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000};
    (void)::syscall(SYS_futex, reinterpret_cast<const uint32_t*>(&word), FUTEX_WAIT, expected, &t, nullptr, 0);
}
inline void futex_wake(std::atomic<uint32_t>& word) {
    (void)::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
}

// Whether the other end of the socket closed (without reading anything:
// only the processes write to it).
inline bool peer_gone(int fd) {
    char b;
    return ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace rsm::remote
