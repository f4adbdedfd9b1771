// The Bus of a node program that runs as its own process under `rsmsim
// exec`: every call goes to the simulator through a channel the launcher
// passed (shared memory in RSMSIM_SHM, the socket in RSMSIM_FD; protocol:
// rsm/remote.h). Each thread the program starts gets a channel of its own
// (so the simulation knows when each of them computes, and serves their
// calls in a fixed order); the main thread, and threads started some other
// way, use channel 0, one call at a time.
#include "remote_bus.h"

#include <fcntl.h>
#include <pthread.h>
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
#include <thread>

#include "rsm/remote.h"

namespace rsm::hw {
namespace {

using remote::Op;
using remote::Reply;
using remote::Request;

// A request: its operands, and the bytes of payload that follow it.
Request request(Op op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint32_t payload = 0) {
    return {op, payload, a, b, c, 0, 0, 0, 0};
}

// The channel the calling thread uses (0 unless it was lent one at its start).
thread_local unsigned t_channel = 0;

// How deep the calling thread is in librsm (RuntimeScope).
thread_local int t_runtime_depth = 0;

// One thread's channel, as the process sees it.
struct Lane {
    remote::Channel* ch = nullptr;
    std::mutex mu;          // channel 0 may be shared; the others have one user each
    uint32_t seq = 0;       // the last request's number (under mu)
    uint32_t posted = 0;    // writes (and reads) queued in ch->posted (under mu)
    bool block_posted = false;   // one of them a window write (in ch->posted_block)
    uint32_t* read_into[remote::kMaxPosted] = {};   // a posted read's reader (nullptr: a write)
    std::atomic<uint64_t> last_now{0};   // simulated time of the last answer
    std::atomic<uint64_t> last_ack_epoch{0};   // the node's ack_epoch() then
};

class RemoteBus final : public Bus {
public:
    RemoteBus(int fd, remote::ChannelSet* set) : fd_(fd), set_(set) {
        for (unsigned i = 0; i < remote::kMaxThreads; ++i) lanes_[i].ch = &set->channel[i];
    }

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
    bool read32_each_deferred(const uint64_t* offsets, uint32_t* values, size_t count) override {
        for (size_t i = 0; i < count; ++i)
            if (!post(offsets[i], 0, remote::kPostedRead, nullptr, &values[i])) return false;
        return true;
    }
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
    // Up to kMaxPostedBlock bytes travel with the next request (one such
    // write per request); longer ones go at once.
    bool post_block(uint64_t offset, const void* src, size_t len) override {
        if (len == 0 || len > remote::kMaxPostedBlock) return write_block(offset, src, len);
        return post(offset, len, remote::kPostedBlock, src);
    }
    bool read_block(uint64_t offset, void* dst, size_t len) override {
        if (len == 0 || len > remote::kMaxPayload) return false;
        Reply r{};
        return call(request(Op::ReadBlock, offset, len), nullptr, dst, len, r) && r.status;
    }
    // A channel carries one call at a time. Channel 0, once several threads
    // share it, takes waits and sleeps in slices of simulated time, so
    // another thread's call is never held up behind them for longer than a
    // slice (a thread waiting for an event another thread of the process
    // causes would otherwise wait forever).
    bool wait_irq(uint64_t timeout_ns) override {
        if (!sliced()) return wait_once(timeout_ns);
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
            const uint64_t step = sliced() ? std::min(ns, kSliceNs) : ns;
            (void)simple(request(Op::SleepNs, step));
            ns -= step;
        }
    }
    void look_again_ns(uint64_t ns) override { (void)simple(request(Op::SleepNs, ns, remote::kLookAgain)); }
    // Simulated time stands still while a thread with a channel of its own
    // computes (the simulation waits for its next call), so the last
    // answer's time is the time now; on a shared channel another thread may
    // be in a call.
    uint64_t now_ns() override {
        if (!sliced()) return lane().last_now.load(std::memory_order_relaxed);
        Reply r{};
        return call(request(Op::Now), nullptr, nullptr, 0, r) ? r.value : 0;
    }
    void api_enter(ApiCall call) override { lane().ch->api_call.store(static_cast<uint32_t>(call)); }
    void api_leave(ApiCall, int rc) override {
        remote::Channel* ch = lane().ch;
        ch->api_rc.store(rc);
        ch->api_call.store(0);
    }
    // The driver's lock. Once the program has started threads, a thread
    // that waited for it in the process would hold simulated time still
    // while the holder's call needs it to pass: the simulator keeps the lock
    // then (Op::Lock; the release is posted). Recursive: only the outermost
    // lock and unlock of a thread go there. Until then a mutex of the
    // process does it (nobody holds it when the first thread starts).
    void lock() override {
        if (!remote_lock_.load()) {
            local_lock_.lock();
            return;
        }
        const std::thread::id me = std::this_thread::get_id();
        if (owner_.load() == me) {
            ++depth_;
            return;
        }
        // The simulator knows threads by channel: those that share channel 0
        // take turns here first.
        if (t_channel == 0) channel0_lock_.lock();
        (void)simple(request(Op::Lock, 0, remote::kNoDeadline));
        owner_.store(me);
        depth_ = 1;
    }
    void unlock() override {
        if (owner_.load() != std::this_thread::get_id()) {
            local_lock_.unlock();
            return;
        }
        if (--depth_ > 0) return;
        owner_.store(std::thread::id());
        (void)post(0, 0, remote::kPostedUnlock);   // before the next Lock on this channel
        if (t_channel == 0) channel0_lock_.unlock();
    }
    // The program's mutexes and condition variables, once it has threads
    // (see remote_bus.h); the interposer counts nesting and owners. A
    // thread that shares channel 0 waits in slices, as for an interrupt.
    bool sync_active() const { return remote_lock_.load(); }
    bool program_lock(uint64_t mutex, uint64_t deadline_ns) {
        if (!sliced()) return simple(request(Op::Lock, mutex, deadline_ns));
        for (;;) {
            const uint64_t now = now_ns();
            if (deadline_ns != remote::kNoDeadline && now >= deadline_ns) return false;
            if (simple(request(Op::Lock, mutex, std::min(deadline_ns, now + kSliceNs)))) return true;
        }
    }
    void program_unlock(uint64_t mutex) { (void)post(mutex, 0, remote::kPostedUnlock); }
    // Releases `mutex` and waits for a signal; the caller takes the mutex
    // again. On a shared channel, a slice's end is a spurious wake-up.
    WakeUp program_cond_wait(uint64_t cond, uint64_t mutex, uint64_t deadline_ns) {
        const uint64_t until = sliced() ? std::min(deadline_ns, now_ns() + kSliceNs) : deadline_ns;
        if (simple(request(Op::CondWait, cond, mutex, until))) return WakeUp::Signalled;
        return until == deadline_ns ? WakeUp::TimedOut : WakeUp::Spurious;
    }
    void program_cond_signal(uint64_t cond, bool all) {
        (void)post(cond, 0, all ? remote::kPostedBroadcast : remote::kPostedSignal);
    }

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
        if (sliced() && wake_on_irq) return Bus::wait_reg(offset, mask, set, timeout_ns, wake_on_irq, last);
        return wait_request(Op::WaitReg, offset, {mask, set, wake_on_irq}, timeout_ns, last, nullptr, nullptr, 0);
    }

    WaitResult wait_reg_then_read(uint64_t offset, uint32_t mask, bool set, uint64_t timeout_ns, bool wake_on_irq,
                                  uint32_t& last, const uint64_t* offsets, uint32_t* values, size_t count) override {
        if ((sliced() && wake_on_irq) || count == 0 || count > remote::kMaxPayload / sizeof(uint64_t))
            return Bus::wait_reg_then_read(offset, mask, set, timeout_ns, wake_on_irq, last, offsets, values, count);
        return wait_request(Op::WaitRegRead, offset, {mask, set, wake_on_irq}, timeout_ns, last, offsets, values,
                            count);
    }

    // The node's count as of the calling thread's last answer: simulated
    // time, and with it every waiter, stood still since (on a shared
    // channel the answer may be older: an epoch that moved since only makes
    // the wait look again).
    uint64_t ack_epoch() override { return lane().last_ack_epoch.load(std::memory_order_relaxed); }
    // The simulator keeps the count and makes the acknowledgement: one
    // request, in slices on a shared channel (a slice's end is a wake-up).
    bool wait_irq_acking(uint64_t epoch, uint64_t timeout_ns, RegWrite ack) override {
        if (!remote::RegWriteCode::fits(ack)) return Bus::wait_irq_acking(epoch, timeout_ns, ack);
        const uint64_t slice = sliced() ? std::min(timeout_ns, kSliceNs) : timeout_ns;
        Request q = request(Op::WaitIrqAcking, slice, epoch);
        q.d = remote::RegWriteCode::encode(ack);
        Reply r{};
        return call(q, nullptr, nullptr, 0, r) && (r.value != 0 || slice < timeout_ns);
    }
    WaitResult wait_reg_acking(uint64_t offset, uint32_t mask, uint64_t timeout_ns, RegWrite ack,
                               const RegWrite* once_met, uint32_t& last) override {
        if (sliced() || !remote::RegWriteCode::fits(ack) || (once_met && !remote::RegWriteCode::fits(*once_met)))
            return Bus::wait_reg_acking(offset, mask, timeout_ns, ack, once_met, last);
        Request q = request(Op::WaitRegAcking, offset, timeout_ns, mask | (once_met ? remote::kOnceMet : 0));
        q.d = remote::RegWriteCode::encode(ack);
        q.e = once_met ? remote::RegWriteCode::encode(*once_met) : 0;
        Reply r{};
        if (!call(q, nullptr, nullptr, 0, r)) return WaitResult::BusError;
        last = static_cast<uint32_t>(r.value);
        return static_cast<WaitResult>(r.status);
    }

    // The program's own clock (not the driver's, which times its waits and
    // may read the time before its last writes went out): it does not run
    // ahead of the thread's writes, which take simulated time.
    uint64_t program_now_ns() {
        flush();
        return now_ns();
    }
    // Sends the calling thread's posted writes now, if any (before the
    // program reads its clock, and when it exits).
    void flush() {
        {
            Lane& l = lane();
            std::lock_guard<std::mutex> g(l.mu);
            if (l.posted == 0) return;
        }
        (void)simple(request(Op::Flush));
    }
    // At exit: unless another thread is in a call on the channel (which would never end).
    void flush_at_exit() {
        {
            Lane& l = lane();
            std::unique_lock<std::mutex> g(l.mu, std::try_to_lock);
            if (!g.owns_lock() || l.posted == 0) return;
        }
        flush();
    }

    // A thread is about to start: from now on the process has threads (its
    // memory may change while one is in a call; the simulator keeps the
    // driver's lock). A channel for it (and its generation), or false when
    // all are lent (it then shares channel 0).
    bool lend_channel(unsigned& channel, uint32_t& generation) {
        threads_starting();
        Reply r{};
        if (!call(request(Op::Spawn), nullptr, nullptr, 0, r) || !r.status) return false;
        channel = static_cast<unsigned>(r.value & 0xffffffffu);
        generation = static_cast<uint32_t>(r.value >> 32);
        return channel > 0 && channel < remote::kMaxThreads;
    }
    void threads_starting() {
        set_->channel[0].threaded.store(1);
        remote_lock_.store(true);
    }
    // The calling thread ends: its channel is free again (anything posted
    // goes with the goodbye).
    void return_channel() {
        if (t_channel == 0) return;
        (void)simple(request(Op::Bye));
        t_channel = 0;
    }
    // A thread whose start failed never used its channel: the caller gives it back.
    void return_unused_channel(unsigned channel) {
        const unsigned mine = t_channel;
        t_channel = channel;
        return_channel();
        t_channel = mine;
    }
    // Waits (in simulated time) until the thread lent `channel` in
    // `generation` has ended (in slices on a shared channel, like a wait).
    void join(unsigned channel, uint32_t generation) {
        for (;;)
            if (simple(request(Op::Join, channel, generation, sliced() ? kSliceNs : 0))) return;
    }

private:
    static constexpr uint64_t kSliceNs = 10'000;

    Lane& lane() { return lanes_[t_channel]; }

    // A wait for a register as one request (and then `count` reads, their
    // offsets the payload).
    WaitResult wait_request(Op op, uint64_t offset, remote::WaitCondition cond, uint64_t timeout_ns, uint32_t& last,
                            const uint64_t* offsets, uint32_t* values, size_t count) {
        Reply r{};
        const auto bytes = static_cast<uint32_t>(count * sizeof(uint64_t));
        if (!call(request(op, offset, timeout_ns, cond.encode(), bytes), offsets, values, count * sizeof(uint32_t), r))
            return WaitResult::BusError;
        last = static_cast<uint32_t>(r.value);
        return static_cast<WaitResult>(r.status);
    }

    // Whether the calling thread shares channel 0 with others that called.
    bool sliced() {
        if (t_channel != 0) return false;
        thread_local const RemoteBus* counted = nullptr;
        if (counted != this) {
            counted = this;
            ++channel0_users_;
        }
        return channel0_users_ > 1;
    }

    bool wait_once(uint64_t timeout_ns) {
        Reply r{};
        return call(request(Op::WaitIrq, timeout_ns), nullptr, nullptr, 0, r) && r.value != 0;
    }

    bool simple(const Request& q) {
        Reply r{};
        return call(q, nullptr, nullptr, 0, r) && r.status;
    }

    // Queues a register write, a lock's release, a signal, a window write
    // (`block`: its `value` bytes) or a read (into `read_into`; see
    // rsm/remote.h); a full queue, or one that holds a window write when
    // another comes, is sent first.
    bool post(uint64_t offset, uint64_t value, uint32_t bytes, const void* block = nullptr,
              uint32_t* read_into = nullptr) {
        (void)sliced();
        Lane& l = lane();
        Reply r{};
        bool sent = false;
        {
            std::lock_guard<std::mutex> g(l.mu);
            if (l.posted == remote::kMaxPosted || (block && l.block_posted)) {
                exchange(l, request(Op::Flush), nullptr, nullptr, 0, r);
                sent = true;
            }
            if (!r.posted_failed) {
                if (block) {
                    std::memcpy(l.ch->posted_block, block, value);
                    l.block_posted = true;
                }
                l.read_into[l.posted] = read_into;
                l.ch->posted[l.posted++] = {offset, value, bytes, 0};
            }
        }
        if (sent) run_handler_if_rose(r.irq_rises);
        return !r.posted_failed;
    }

    // One round trip through the calling thread's channel. False: a posted
    // write before it was refused, and the call was not made.
    bool call(const Request& q, const void* out, void* in, size_t in_len, Reply& r) {
        (void)sliced();   // counts the calling thread
        Lane& l = lane();
        {
            std::lock_guard<std::mutex> g(l.mu);
            exchange(l, q, out, in, in_len, r);
        }
        run_handler_if_rose(r.irq_rises);
        return !r.posted_failed;
    }

    // The request with the writes posted before it, and its reply (under
    // l.mu). A lost simulator ends the process: its node is gone, and
    // nothing it could do would be true any more.
    void exchange(Lane& l, Request q, const void* out, void* in, size_t in_len, Reply& r) {
        remote::Channel* ch = l.ch;
        q.posted = l.posted;
        l.block_posted = false;
        if (q.payload) std::memcpy(ch->data, out, q.payload);
        ch->req = q;
        const uint32_t seq = ++l.seq;
        ch->req_seq.store(seq);
        if (ch->sim_sleeps.load()) remote::ring(fd_);
        if (!await_reply(*ch, seq) || ch->rep.payload > in_len) lost();
        r = ch->rep;
        l.last_now.store(r.now_ns, std::memory_order_relaxed);
        l.last_ack_epoch.store(r.ack_epoch, std::memory_order_relaxed);
        if (r.payload && in) std::memcpy(in, ch->data, r.payload);
        hand_over_posted_reads(l, r);
    }

    // The values of the reads posted before the request just answered.
    static void hand_over_posted_reads(Lane& l, const Reply& r) {
        for (uint32_t i = 0; i < l.posted; ++i) {
            if (l.read_into[i] && !r.posted_failed) *l.read_into[i] = l.ch->posted_read[i];
            l.read_into[i] = nullptr;
        }
        l.posted = 0;
    }

    // Looks, then sleeps on the channel's futex; every while asleep it
    // checks that the simulator is still there.
    bool await_reply(remote::Channel& ch, uint32_t seq) {
        auto answered = [&] { return ch.rep_seq.load() == seq; };
        if (remote::wait_for(answered, [&] { return ch.how_to_wait.load(std::memory_order_relaxed); })) return true;
        ch.proc_sleeps.store(1);
        for (;;) {
            const uint32_t seen = ch.rep_seq.load();
            if (seen == seq) break;
            remote::futex_sleep(ch.rep_seq, seen, kAliveCheckMs);
            if (ch.rep_seq.load() != seq && remote::peer_gone(fd_)) return false;
        }
        ch.proc_sleeps.store(0);
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
            if (rises <= seen_rises_ || in_handler_) return;
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

    static constexpr long kAliveCheckMs = 200;

    int fd_;
    remote::ChannelSet* set_;
    Lane lanes_[remote::kMaxThreads];
    std::atomic<int> channel0_users_{0};
    std::recursive_mutex local_lock_;
    std::atomic<bool> remote_lock_{false};
    std::mutex channel0_lock_;   // the simulator's lock, among the threads of channel 0
    std::atomic<std::thread::id> owner_{};   // holder of the simulator's lock
    int depth_ = 0;                          // its nesting (the holder's only)
    std::mutex isr_mu_;
    InterruptHandler isr_ = nullptr;
    void* isr_context_ = nullptr;
    uint64_t seen_rises_ = 0;
    bool in_handler_ = false;
};

RemoteBus* g_remote = nullptr;

// Gives the calling thread's channel back when it ends (also by pthread_exit).
struct ChannelReturn {
    bool armed = false;
    ~ChannelReturn() {
        RuntimeScope in;
        if (armed && g_remote && simulated_process()) g_remote->return_channel();
    }
};
thread_local ChannelReturn t_return;

}  // namespace

namespace {

// What the launcher gave this process: its connection and channel (-1:
// none, not started by `rsmsim exec`), read once, when librsm is loaded.
// Once the process has attached (it is the node's), they are taken out of
// the environment (with our preload) and closed on exec: a program it
// starts (system(), popen(), a shell) runs as an ordinary program instead
// of attaching to the node too. A child forked without exec is no node
// either. A process that never attaches, such as a shell that wraps the
// node program (`rsmsim exec -- sh -c ./prog`), passes them on.
struct Launch {
    int fd = -1;
    int shm = -1;
    bool forked = false;
};

void drop_our_preload() {
    const char* p = std::getenv("LD_PRELOAD");
    if (!p) return;
    std::string kept, item;
    const std::string all = p;
    for (size_t start = 0; start <= all.size();) {
        const size_t end = std::min(all.find_first_of(": ", start), all.size());
        item = all.substr(start, end - start);
        const bool ours = item == "librsmsim_clock.so" ||
                          (item.size() > 19 && item.compare(item.size() - 19, 19, "/librsmsim_clock.so") == 0);
        if (!item.empty() && !ours) kept += (kept.empty() ? "" : ":") + item;
        start = end + 1;
    }
    if (kept.empty()) ::unsetenv("LD_PRELOAD");
    else ::setenv("LD_PRELOAD", kept.c_str(), 1);
}

Launch read_launch() {
    Launch l;
    const char* fd = std::getenv(remote::kEnvFd);
    if (!fd || !*fd) return l;
    const char* shm = std::getenv(remote::kEnvShm);
    l.fd = std::atoi(fd);
    l.shm = shm && *shm ? std::atoi(shm) : -1;
    return l;
}

// The process is the node's now: its children are not.
void keep_launch_to_ourselves(const Launch& l) {
    (void)::fcntl(l.fd, F_SETFD, FD_CLOEXEC);
    ::unsetenv(remote::kEnvFd);
    ::unsetenv(remote::kEnvShm);
    drop_our_preload();
}

Launch& launch() {
    static Launch l = [] {
        Launch r = read_launch();
        if (r.fd >= 0) (void)::pthread_atfork(nullptr, nullptr, [] { launch().forked = true; });
        return r;
    }();
    return l;
}
[[maybe_unused]] const bool g_launch_read_at_load = (launch(), true);

}  // namespace

Bus* remote_bus() {
    RuntimeScope in;
    static std::once_flag once;
    if (launch().forked) return nullptr;
    std::call_once(once, [] {
        const Launch& l = launch();
        if (l.fd < 0) {
            std::fprintf(stderr, "rsm: no adapter here. librsm drives a simulated one when the program runs under "
                                 "rsmsim: rsmsim exec -n NODES -- PROGRAM [ARGS...]\n");
            return;
        }
        void* m = l.shm >= 0 ? ::mmap(nullptr, sizeof(remote::ChannelSet), PROT_READ | PROT_WRITE, MAP_SHARED, l.shm, 0)
                             : MAP_FAILED;
        if (m == MAP_FAILED) {
            std::fprintf(stderr, "rsm: %s is not rsmsim's channel\n", remote::kEnvShm);
            return;
        }
        ::close(l.shm);
        auto* b = new RemoteBus(l.fd, static_cast<remote::ChannelSet*>(m));
        if (b->attach()) {
            g_remote = b;
            keep_launch_to_ourselves(l);
            std::atexit([] {
                RuntimeScope at_exit;
                if (!launch().forked) g_remote->flush_at_exit();
            });
        } else {
            std::fprintf(stderr, "rsm: %s=%d is not a connection to rsmsim\n", remote::kEnvFd, l.fd);
        }
    });
    return g_remote;
}

bool simulated_process() { return launch().fd >= 0 && !launch().forked; }

Bus* attached_remote_bus() { return simulated_process() ? remote_bus() : nullptr; }

bool simulated_now_ns(uint64_t& ns) {
    RuntimeScope in;
    if (!attached_remote_bus()) return false;
    ns = g_remote->program_now_ns();
    return true;
}

bool simulated_thread_spawn(SimulatedThread& t) {
    RuntimeScope in;
    if (!attached_remote_bus()) return false;
    return g_remote->lend_channel(t.channel, t.generation);
}

void simulated_threads_starting() {
    RuntimeScope in;
    if (attached_remote_bus()) g_remote->threads_starting();
}

void simulated_thread_begin(const SimulatedThread& t) {
    t_channel = t.channel;
    t_return.armed = true;   // constructed now: its destructor runs when the thread ends
}

void simulated_thread_abandon(const SimulatedThread& t) {
    RuntimeScope in;
    if (g_remote) g_remote->return_unused_channel(t.channel);
}

void simulated_thread_join(const SimulatedThread& t) {
    RuntimeScope in;
    if (g_remote) g_remote->join(t.channel, t.generation);
}

bool simulated_sleep_ns(uint64_t ns) {
    RuntimeScope in;
    Bus* b = attached_remote_bus();
    if (!b) return false;
    b->sleep_ns(ns);
    return true;
}

bool in_runtime() { return t_runtime_depth > 0; }
void enter_runtime() { ++t_runtime_depth; }
void leave_runtime() { --t_runtime_depth; }

bool simulated_sync_active() { return g_remote && simulated_process() && g_remote->sync_active(); }

bool simulated_lock(const void* mutex, uint64_t deadline_ns) {
    RuntimeScope in;
    return g_remote->program_lock(reinterpret_cast<uint64_t>(mutex), deadline_ns);
}

void simulated_unlock(const void* mutex) {
    RuntimeScope in;
    g_remote->program_unlock(reinterpret_cast<uint64_t>(mutex));
}

WakeUp simulated_cond_wait(const void* cond, const void* mutex, uint64_t deadline_ns) {
    RuntimeScope in;
    if (!attached_remote_bus()) return WakeUp::Spurious;
    return g_remote->program_cond_wait(reinterpret_cast<uint64_t>(cond), reinterpret_cast<uint64_t>(mutex),
                                       deadline_ns);
}

void simulated_cond_signal(const void* cond, bool all) {
    RuntimeScope in;
    g_remote->program_cond_signal(reinterpret_cast<uint64_t>(cond), all);
}

}  // namespace rsm::hw
