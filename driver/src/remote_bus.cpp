// The Bus of a node program that runs as its own process under `rsmsim
// exec`: every call goes to the simulator through the channel the launcher
// passed (shared memory in RSMSIM_SHM, its socket in RSMSIM_FD; protocol:
// rsm/remote.h). Threads of the process share the channel; a call is one
// request and its reply, under a mutex.
#include "remote_bus.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

#include "rsm/remote.h"

namespace rsm::hw {
namespace {

using remote::Op;
using remote::Reply;
using remote::Request;

// A request: its operands, and the bytes of payload that follow it.
Request request(Op op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint32_t payload = 0) {
    return {op, payload, a, b, c, 0, 0};
}

class RemoteBus final : public Bus {
public:
    RemoteBus(int fd, remote::Channel* ch) : fd_(fd), ch_(ch) {}

    // Sends the process's hello; false if the simulator is not there.
    bool attach() {
        Reply r{};
        return call(request(Op::Hello, static_cast<uint64_t>(::getpid())), nullptr, nullptr, 0, r) && r.status;
    }

    bool read32(uint64_t offset, uint32_t& value) override {
        Reply r{};
        if (!call(request(Op::Read32, offset), nullptr, nullptr, 0, r) || !r.status) return false;
        value = static_cast<uint32_t>(r.value);
        return true;
    }
    bool write32(uint64_t offset, uint32_t value) override { return post(offset, value, 4); }
    bool read64(uint64_t offset, uint64_t& value) override {
        Reply r{};
        if (!call(request(Op::Read64, offset), nullptr, nullptr, 0, r) || !r.status) return false;
        value = r.value;
        return true;
    }
    bool write64(uint64_t offset, uint64_t value) override { return post(offset, value, 8); }
    bool read32_each(const uint64_t* offsets, uint32_t* values, size_t count) override {
        if (count == 0) return true;
        if (count > remote::kMaxPayload / sizeof(uint64_t)) return Bus::read32_each(offsets, values, count);
        Reply r{};
        return call(request(Op::ReadEach, count, 0, 0, static_cast<uint32_t>(count * sizeof(uint64_t))), offsets,
                    values, count * sizeof(uint32_t), r) &&
               r.status;
    }
    bool write_block(uint64_t offset, const void* src, size_t len) override {
        if (len == 0 || len > remote::kMaxPayload) return false;
        Reply r{};
        return call(request(Op::WriteBlock, offset, 0, 0, static_cast<uint32_t>(len)), src, nullptr, 0, r) && r.status;
    }
    bool read_block(uint64_t offset, void* dst, size_t len) override {
        if (len == 0 || len > remote::kMaxPayload) return false;
        Reply r{};
        return call(request(Op::ReadBlock, offset, len), nullptr, dst, len, r) && r.status;
    }
    // The connection carries one call at a time. While only one thread of
    // the process uses it, a wait is one request; once several do, waits and
    // sleeps go in slices of simulated time, so another thread's call is
    // never held up behind them for longer than a slice (a thread waiting
    // for an event another thread of the process causes would otherwise
    // wait forever).
    bool wait_irq(uint64_t timeout_ns) override {
        if (!shared()) return wait_once(timeout_ns);
        const bool forever = timeout_ns == kNoTimeout;
        const uint64_t end = forever ? 0 : now_ns() + timeout_ns;
        for (;;) {
            const uint64_t now = forever ? 0 : now_ns();
            if (!forever && now >= end) return false;
            if (wait_once(forever ? kSliceNs : std::min(kSliceNs, end - now))) return true;
        }
    }
    void sleep_ns(uint64_t ns) override {
        while (ns > 0) {
            const uint64_t step = shared() ? std::min(ns, kSliceNs) : ns;
            (void)simple(request(Op::SleepNs, step));
            ns -= step;
        }
    }
    // Simulated time stands still while the process computes (the simulation
    // waits for its next call), so the last answer's time is the time now --
    // for the only thread that calls; with several, another may be in a call.
    uint64_t now_ns() override {
        if (!shared()) return last_now_.load(std::memory_order_relaxed);
        Reply r{};
        return call(request(Op::Now), nullptr, nullptr, 0, r) ? r.value : 0;
    }
    void api_enter(ApiCall call) override { ch_->api_call.store(static_cast<uint32_t>(call)); }
    void api_leave(ApiCall, int rc) override {
        ch_->api_rc.store(rc);
        ch_->api_call.store(0);
    }
    void lock() override { lock_.lock(); }
    void unlock() override { lock_.unlock(); }
    void set_interrupt_handler(InterruptHandler handler, void* context) override {
        std::lock_guard<std::mutex> g(isr_mu_);
        isr_ = handler;
        isr_context_ = context;
    }
    PinResult dma_map(void* va, size_t len, DmaAccess access, uint64_t& bus_addr) override {
        Reply r{};
        if (!call(request(Op::DmaMap, reinterpret_cast<uint64_t>(va), len, static_cast<uint64_t>(access)), nullptr,
                  nullptr, 0, r))
            return PinResult::Fault;
        bus_addr = r.value;
        return static_cast<PinResult>(r.status);
    }
    void dma_unmap(uint64_t bus_addr, size_t len) override { (void)simple(request(Op::DmaUnmap, bus_addr, len)); }
    // One request instead of one per look: the simulator runs the loop.
    WaitResult wait_reg(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns, bool wake_on_irq,
                        uint32_t& last) override {
        if (shared() && wake_on_irq) return Bus::wait_reg(offset, mask, set, timeout_ns, wake_on_irq, last);
        Reply r{};
        const uint64_t how = mask | (uint64_t{set} << 32) | (uint64_t{wake_on_irq} << 33);
        if (!call(request(Op::WaitReg, offset, timeout_ns, how), nullptr, nullptr, 0, r)) return WaitResult::BusError;
        last = static_cast<uint32_t>(r.value);
        return static_cast<WaitResult>(r.status);
    }

    // The program's own clock (not the driver's, which times its waits and
    // may read the time before its last writes went out): it does not run
    // ahead of the process's writes, which take simulated time.
    uint64_t program_now_ns() {
        flush();
        return now_ns();
    }
    // Sends the posted writes now, if any (before the program reads its
    // clock, and when it exits).
    void flush() {
        {
            std::lock_guard<std::mutex> g(io_mu_);
            if (posted_ == 0) return;
        }
        (void)simple(request(Op::Flush));
    }
    // At exit: unless another thread is in a call (which would never end).
    void flush_at_exit() {
        {
            std::unique_lock<std::mutex> g(io_mu_, std::try_to_lock);
            if (!g.owns_lock() || posted_ == 0) return;
        }
        flush();
    }

private:
    static constexpr uint64_t kSliceNs = 10'000;

    // Queues a register write (see rsm/remote.h); a full queue is sent first.
    bool post(uint64_t offset, uint64_t value, uint32_t bytes) {
        (void)shared();
        Reply r{};
        bool sent = false;
        {
            std::lock_guard<std::mutex> g(io_mu_);
            if (posted_ == remote::kMaxPosted) {
                exchange(request(Op::Flush), nullptr, nullptr, 0, r);
                sent = true;
            }
            if (!r.posted_failed) ch_->posted[posted_++] = {offset, value, bytes, 0};
        }
        if (sent) run_handler_if_rose(r.irq_rises);
        return !r.posted_failed;
    }

    bool wait_once(uint64_t timeout_ns) {
        Reply r{};
        return call(request(Op::WaitIrq, timeout_ns), nullptr, nullptr, 0, r) && r.value != 0;
    }

    // Whether more than one thread of the process has called.
    bool shared() {
        thread_local const RemoteBus* registered = nullptr;
        if (registered != this) {
            registered = this;
            ++threads_;
        }
        return threads_ > 1;
    }

    bool simple(const Request& q) {
        Reply r{};
        return call(q, nullptr, nullptr, 0, r) && r.status;
    }

    // One round trip through the channel. A lost simulator ends the
    // process: its node is gone, and nothing it could do would be true any
    // more.
    // False: a posted write before it was refused, and the call was not made.
    bool call(const Request& q, const void* out, void* in, size_t in_len, Reply& r) {
        (void)shared();   // counts the calling thread
        {
            std::lock_guard<std::mutex> g(io_mu_);
            exchange(q, out, in, in_len, r);
        }
        run_handler_if_rose(r.irq_rises);
        return !r.posted_failed;
    }

    // The request with the writes posted before it, and its reply (under io_mu_).
    void exchange(Request q, const void* out, void* in, size_t in_len, Reply& r) {
        q.posted = posted_;
        posted_ = 0;
        if (q.payload) std::memcpy(ch_->data, out, q.payload);
        ch_->req = q;
        const uint32_t seq = ++seq_;
        ch_->req_seq.store(seq);
        if (ch_->sim_sleeps.load()) remote::ring(fd_);
        if (!await_reply(seq) || ch_->rep.payload > in_len) lost();
        r = ch_->rep;
        last_now_.store(r.now_ns, std::memory_order_relaxed);
        if (r.payload && in) std::memcpy(in, ch_->data, r.payload);
    }

    bool await_reply(uint32_t seq) {
        auto answered = [&] { return ch_->rep_seq.load() == seq; };
        if (remote::wait_for(answered, [&] { return ch_->how_to_wait.load(std::memory_order_relaxed); }))
            return true;
        for (;;) {
            ch_->proc_sleeps.store(1);
            if (answered()) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, -1) < 0 && errno != EINTR) return false;
            if (!remote::drain(fd_) && !answered()) return false;
            if (answered()) break;
        }
        ch_->proc_sleeps.store(0);
        return true;
    }

    [[noreturn]] static void lost() {
        std::fprintf(stderr, "rsm: lost the connection to the rsmsim simulation; exiting\n");
        std::_Exit(70);
    }

    // The platform runs the driver's interrupt handler when the line rose:
    // here, on the calling thread, after the call that saw it rise.
    void run_handler_if_rose(uint64_t rises) {
        InterruptHandler h = nullptr;
        void* ctx = nullptr;
        {
            std::lock_guard<std::mutex> g(isr_mu_);
            if (rises == seen_rises_ || in_handler_) return;
            seen_rises_ = rises;
            h = isr_;
            ctx = isr_context_;
            in_handler_ = h != nullptr;
        }
        if (!h) return;
        h(ctx);
        std::lock_guard<std::mutex> g(isr_mu_);
        in_handler_ = false;
    }

    int fd_;
    remote::Channel* ch_;
    uint32_t seq_ = 0;      // the last request's number (under io_mu_)
    uint32_t posted_ = 0;   // writes queued in ch_->posted (under io_mu_)
    std::atomic<int> threads_{0};
    std::atomic<uint64_t> last_now_{0};   // simulated time of the last answer
    std::mutex io_mu_;
    std::recursive_mutex lock_;
    std::mutex isr_mu_;
    InterruptHandler isr_ = nullptr;
    void* isr_context_ = nullptr;
    uint64_t seen_rises_ = 0;
    bool in_handler_ = false;
};

RemoteBus* g_remote = nullptr;
// For note_thread_started: whether a thread was started, and the channel once mapped.
std::atomic<bool> g_threaded{false};
std::atomic<remote::Channel*> g_channel{nullptr};

}  // namespace

Bus* remote_bus() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char* fd = std::getenv(remote::kEnvFd);
        const char* shm = std::getenv(remote::kEnvShm);
        if (!fd || !*fd) {
            std::fprintf(stderr, "rsm: no adapter here. librsm drives a simulated one when the program runs under "
                                 "rsmsim: rsmsim exec -n NODES -- PROGRAM [ARGS...]\n");
            return;
        }
        void* ch = shm ? ::mmap(nullptr, sizeof(remote::Channel), PROT_READ | PROT_WRITE, MAP_SHARED, std::atoi(shm), 0)
                       : MAP_FAILED;
        if (ch == MAP_FAILED) {
            std::fprintf(stderr, "rsm: %s is not rsmsim's channel\n", remote::kEnvShm);
            return;
        }
        ::close(std::atoi(shm));
        auto* channel = static_cast<remote::Channel*>(ch);
        g_channel.store(channel);
        if (g_threaded.load()) channel->threaded.store(1);
        auto* b = new RemoteBus(std::atoi(fd), channel);
        if (b->attach()) {
            g_remote = b;
            std::atexit([] { g_remote->flush_at_exit(); });
        }
        else std::fprintf(stderr, "rsm: %s=%s is not a connection to rsmsim\n", remote::kEnvFd, fd);
    });
    return g_remote;
}

// The environment is read once: the interposed clock calls this on every
// clock_gettime.
Bus* attached_remote_bus() {
    static const bool launched = [] {
        const char* fd = std::getenv(remote::kEnvFd);
        return fd && *fd;
    }();
    return launched ? remote_bus() : nullptr;
}

bool simulated_now_ns(uint64_t& ns) {
    if (!attached_remote_bus()) return false;
    ns = g_remote->program_now_ns();
    return true;
}

void note_thread_started() {
    g_threaded.store(true);
    if (remote::Channel* ch = g_channel.load()) ch->threaded.store(1);
}

bool simulated_sleep_ns(uint64_t ns) {
    Bus* b = attached_remote_bus();
    if (!b) return false;
    b->sleep_ns(ns);
    return true;
}

}  // namespace rsm::hw
