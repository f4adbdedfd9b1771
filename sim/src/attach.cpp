#include "rsmsim/attach.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <functional>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

#include "rsm/remote.h"

namespace rsmsim {

namespace {

using rsm::remote::Op;
using rsm::remote::Reply;
using rsm::remote::Request;
using rsm::remote::RegWriteCode;

const char* op_name(Op op) {
    switch (op) {
    case Op::Hello: return "attach";
    case Op::Read32: return "a register read";
    case Op::Write32: return "a register write";
    case Op::Read64: return "a 64-bit register read";
    case Op::Write64: return "a 64-bit register write";
    case Op::WriteBlock: return "a window write";
    case Op::ReadBlock: return "a window read";
    case Op::WaitIrq: return "a wait for the interrupt";
    case Op::SleepNs: return "a sleep";
    case Op::Now: return "reading the clock";
    case Op::DmaMap: return "pinning memory";
    case Op::DmaUnmap: return "unpinning memory";
    case Op::WaitReg: return "a wait for a register";
    case Op::ReadEach: return "register reads";
    case Op::Flush: return "register writes";
    case Op::Spawn: return "starting a thread";
    case Op::Bye: return "a thread's end";
    case Op::Join: return "joining a thread";
    case Op::Lock: return "taking a lock";
    case Op::CondWait: return "a wait on a condition variable";
    case Op::WaitRegRead: return "a wait for a register, then register reads";
    case Op::WaitIrqAcking: return "a wait for the interrupt, acknowledging it";
    case Op::WaitRegAcking: return "a wait for a register, acknowledging the interrupt";
    }
    return "an unknown request";
}

}  // namespace

struct Proc;

// One thread's channel: the thread computes, or is in a call, or the
// channel waits to be lent (Free), or the process is gone (Closed).
struct Conn {
    Proc* proc = nullptr;
    unsigned index = 0;                    // in the process's ChannelSet
    enum class State { Free, Computing, InCall, Closed } state = State::Free;
    rsm::remote::Channel* ch = nullptr;   // shared with the process
    uint32_t seen = 0;                    // the last request's number
    Request req{};                        // a copy of it (its payload stays in ch->data)
    bool arrived = false;                 // collect_requests took its request
    uint32_t generation = 0;              // how often it was lent
    sc_core::sc_event ready;
    // Its last answered call, put into words only for a report (formatting
    // it on every call cost a third of the simulator's share of a round trip).
    bool answered_any = false;
    Op last_op = Op::Hello;
    uint64_t last_ns = 0;
    std::string last_call() const {
        if (!answered_any) return "none yet";
        return std::string(op_name(last_op)) + ", answered at " + std::to_string(last_ns / 1000.0) + " us";
    }
};

// One node process: its channels (channel 0 at once, the others as its
// threads start), and what its threads share in the simulator.
struct Proc {
    AttachedProcess info;
    rsm::remote::ChannelSet* set = nullptr;
    std::unique_ptr<Conn> lanes[rsm::remote::kMaxThreads];
    bool closed = false;
    bool stalled = false;
    // The locks its threads wait for here, so that a thread that waits for
    // one is in a call and simulated time runs for the holder: the driver's
    // (address 0) and the program's mutexes once it has threads. The
    // channel holding each; the condition variables' waiters, oldest first.
    std::unordered_map<uint64_t, unsigned> lock_holders;
    struct CondWaiter {
        uint64_t cond;
        bool woken;
    };
    std::vector<CondWaiter*> cond_waiters;
    sc_core::sc_event sync_changed;  // a lock was released, a waiter woken (or the process is gone)
    sc_core::sc_event thread_ended;  // a thread said goodbye (or the process is gone)
    std::string describe(const Conn& c) const {
        std::string s = "node " + std::to_string(Cluster::node_id(info.node_index)) + " (" + info.name + ", pid " +
                        std::to_string(static_cast<int>(info.pid));
        if (c.index > 0) s += ", thread channel " + std::to_string(c.index);
        return s + ")";
    }
};

struct Attachments::Impl {
    Cluster& cluster;
    std::vector<std::unique_ptr<Proc>> procs;   // in node order
    std::vector<Conn*> conns;                   // every channel in use, in (node, channel) order
    double stall_limit_s;
    sc_core::sc_event wake;   // a proxy replied: its thread computes again
    unsigned cores;        // the processes share these
    bool crowded = false;  // more threads awake than cores, when last looked

    // The threads not asleep in the kernel.
    unsigned awake_threads() const {
        unsigned n = 0;
        for (Conn* c : conns) n += live(*c) && !c->ch->proc_sleeps.load();
        return n;
    }
    static bool live(const Conn& c) { return c.state == Conn::State::Computing || c.state == Conn::State::InCall; }

    Impl(Cluster& c, double limit, unsigned process_cores)
        : cluster(c), stall_limit_s(limit), cores(std::max(1u, process_cores)) {}

    // collect_requests' threads still computing, and the requests it took.
    std::vector<Conn*> waiting, arrivals;

    void gateway();
    const std::vector<Conn*>& collect_requests();
    void advise_waiters(bool long_wait);
    void sleep_until_arrivals(const std::function<bool()>& take_arrivals,
                              std::chrono::steady_clock::time_point since);
    // How long a thread may go without calling in: the stall limit, or
    // for a process that has not called yet, at least kStartUpSeconds
    // (loading a program, a sanitizer's start-up, a wrapper's own work
    // is not a program computing between calls).
    double limit_of(const Conn& c) const {
        return c.answered_any ? stall_limit_s : std::max(stall_limit_s, kStartUpSeconds);
    }
    static constexpr double kStartUpSeconds = 10;
    static bool admit(const std::vector<Conn*>& arrived);
    bool admit_inline(Conn& c);
    void cut_off(const std::vector<Conn*>& stalled);
    void close(Proc& p);
    Conn& open_lane(Proc& p, unsigned index);
    void list_conns();
    void proxy(Conn& c);
    void answer(Conn& c, Reply& r);
    static void release_lock(Conn& c, uint64_t lock);
    static void wake_waiters(Proc& p, uint64_t cond, bool all);
    static bool wait_until(Proc& p, uint64_t deadline_ns, const std::function<bool()>& done);
    // The rsmapi call the thread is in, as it says in its channel.
    void show_api(Conn& c) {
        cluster.node(c.proc->info.node_index)
            .bus.process_api_state(static_cast<rsm::hw::ApiCall>(c.ch->api_call.load()), c.ch->api_rc.load());
    }
    bool carry_out_posted(Conn& c);
    static bool read_each(Conn& c, NodeBus& bus, Reply& r);
    Reply serve(Conn& c);
    Reply serve_thread_op(Conn& c);
};

// Admits requests: waits (in wall-clock time, the simulation standing
// still) for every computing thread's next request, then starts them in
// (node, channel) order; lets simulated time run only while none computes.
void Attachments::Impl::gateway() {
    for (;;) {
        while (sc_core::sc_pending_activity_at_current_time()) sc_core::wait(sc_core::SC_ZERO_TIME);
        const bool admitted = admit(collect_requests());
        bool open = false;
        for (auto& p : procs) open = open || !p->closed;
        if (!open) return;
        if (!admitted) sc_core::wait(wake);
    }
}

// Starts the requests that arrived (in order: collect_requests keeps it).
bool Attachments::Impl::admit(const std::vector<Conn*>& arrived) {
    for (Conn* c : arrived) {
        c->state = Conn::State::InCall;
        c->ready.notify(sc_core::SC_ZERO_TIME);
    }
    return !arrived.empty();
}

// The gateway's decision, taken by the proxy that just answered when the
// gateway would have waited for this one thread only: nothing else is due
// at this simulated time and no other thread computes. Same admission,
// same simulated time, without the delta cycles and process switches of a
// round through the gateway. False: the gateway decides.
bool Attachments::Impl::admit_inline(Conn& c) {
    if (sc_core::sc_pending_activity_at_current_time()) return false;
    for (Conn* other : conns)
        if (other != &c && other->state == Conn::State::Computing) return false;
    for (Conn* a : collect_requests()) a->state = Conn::State::InCall;   // only `c` can be among them
    return true;
}

// Runs once per request: no allocation (the vectors keep their room).
const std::vector<Conn*>& Attachments::Impl::collect_requests() {
    waiting.clear();
    for (Conn* c : conns)
        if (c->state == Conn::State::Computing) waiting.push_back(c);
    // Moves the threads whose request is in out of `waiting` (marked
    // `arrived`); true when none is left.
    auto take_arrivals = [this] {
        size_t kept = 0;
        for (Conn* c : waiting) {
            const uint32_t seq = c->ch->req_seq.load();
            if (seq != c->seen) {
                c->seen = seq;
                c->req = c->ch->req;
                c->arrived = true;
            } else if (c->state == Conn::State::Computing) {
                waiting[kept++] = c;
            }
        }
        waiting.resize(kept);
        return waiting.empty();
    };
    // A thread usually calls again within microseconds: look a while
    // before sleeping in the kernel (a wake-up costs far more). Threads in
    // a call keep their cores meanwhile (a wake-up of theirs too costs more
    // than a short computation they might slow down); once the computation
    // proves long, they leave the cores to it if they are too many.
    advise_waiters(false);
    const auto busy = [] { return rsm::remote::kWaitBusy; };
    bool arrived = rsm::remote::look_busily(take_arrivals, busy);
    if (!arrived) {
        advise_waiters(true);
        arrived = rsm::remote::look_yielding(take_arrivals, busy, true);
    }
    if (!arrived) sleep_until_arrivals(take_arrivals, std::chrono::steady_clock::now());
    // The order requests are started in is (node, channel), whichever came first.
    arrivals.clear();
    for (Conn* c : conns)
        if (c->arrived) {
            c->arrived = false;
            c->ch->sim_sleeps.store(0);   // awake again: no rings needed
            if (c->state == Conn::State::Computing) arrivals.push_back(c);
        }
    return arrivals;
}

// Threads in a call wait for the ones computing: in a `long_wait` they
// leave the cores to them when there are more threads awake than cores.
// The simulator's own core is its own to look busily on.
void Attachments::Impl::advise_waiters(bool long_wait) {
    crowded = awake_threads() > cores;
    const auto how = crowded && long_wait ? rsm::remote::kWaitSleep : rsm::remote::kWaitYield;
    for (Conn* c : conns)
        if (c->state == Conn::State::InCall) c->ch->how_to_wait.store(how, std::memory_order_relaxed);
}

// Sleeps on the processes' sockets until every thread in `waiting` has
// called, its process exited (closed) or it stalled past its limit since
// `since` (its process is cut off).
void Attachments::Impl::sleep_until_arrivals(const std::function<bool()>& take_arrivals,
                                             std::chrono::steady_clock::time_point since) {
    using clock = std::chrono::steady_clock;
    auto deadline_of = [&](const Conn* c) {
        return since + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(limit_of(*c)));
    };
    std::vector<Proc*> who;
    while (!waiting.empty()) {
        for (Conn* c : waiting) c->ch->sim_sleeps.store(1);
        if (take_arrivals()) break;
        who.clear();
        for (Conn* c : waiting)
            if (std::find(who.begin(), who.end(), c->proc) == who.end()) who.push_back(c->proc);
        std::vector<pollfd> fds;
        for (Proc* p : who) fds.push_back({p->info.fd, POLLIN, 0});
        clock::time_point deadline = clock::time_point::max();
        for (const Conn* c : waiting) deadline = std::min(deadline, deadline_of(c));
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
        const int n = left > 0 ? ::poll(fds.data(), fds.size(), static_cast<int>(left)) : 0;
        if (n < 0 && errno == EINTR) continue;
        for (Conn* c : waiting) c->ch->sim_sleeps.store(0);
        if (n == 0) {
            std::vector<Conn*> stalled;
            for (Conn* c : waiting)
                if (deadline_of(c) <= clock::now()) stalled.push_back(c);
            cut_off(stalled);
        }
        take_arrivals();
        for (size_t i = 0; i < fds.size(); ++i)
            if (fds[i].revents && !rsm::remote::drain(who[i]->info.fd)) close(*who[i]);   // gone (exited or killed)
        std::vector<Conn*> open;
        for (Conn* c : waiting)
            if (c->state == Conn::State::Computing) open.push_back(c);
        waiting.swap(open);
    }
}

void Attachments::Impl::cut_off(const std::vector<Conn*>& stalled) {
    for (Conn* c : stalled) {
        Proc& p = *c->proc;
        if (p.closed) continue;
        // A thread of several most likely waits, in the process, for another
        // one that is in a call: say so.
        const bool threads = c->index > 0 || p.set->channel[0].threaded.load();
        std::fprintf(stderr,
                     "rsmsim: %s has not called the simulation for %g s of wall time "
                     "(its last call: %s); it is cut off and its node crashes%s\n",
                     p.describe(*c).c_str(), limit_of(*c), c->last_call().c_str(),
                     threads ? " (a thread that blocks in the process -- on I/O, or anything else the simulator "
                               "does not keep -- holds "
                               "simulated time still, so a thread in a call waiting for time to pass never returns)"
                             : "");
        p.stalled = true;
        ::kill(p.info.pid, SIGKILL);
        close(p);
    }
}

void Attachments::Impl::close(Proc& p) {
    if (p.closed) return;
    p.closed = true;
    ::close(p.info.fd);
    for (auto& l : p.lanes)
        if (l) {
            l->state = Conn::State::Closed;
            l->ready.notify(sc_core::SC_ZERO_TIME);
        }
    p.thread_ended.notify(sc_core::SC_ZERO_TIME);
    p.sync_changed.notify(sc_core::SC_ZERO_TIME);
}

// Lends channel `index` of `p` to a thread about to start: it computes (the
// simulation waits for its first call), and a proxy program serves it.
Conn& Attachments::Impl::open_lane(Proc& p, unsigned index) {
    auto& l = p.lanes[index];
    if (!l) {
        l = std::make_unique<Conn>();
        l->proc = &p;
        l->index = index;
        l->ch = &p.set->channel[index];
    }
    // `seen` stays as it is: 0 for a new channel (its thread may have
    // called already, before the simulation started), the last goodbye's
    // number for one lent again.
    l->state = Conn::State::Computing;
    ++l->generation;
    Conn* c = l.get();
    cluster.spawn(p.info.node_index, [this, c] { proxy(*c); });
    list_conns();
    return *c;
}

void Attachments::Impl::list_conns() {
    conns.clear();
    for (auto& p : procs)
        for (auto& l : p->lanes)
            if (l && l->state != Conn::State::Free) conns.push_back(l.get());
}

// The node program of one thread: carries out its requests on the node's
// Bus, in simulated time, and answers, until the thread says goodbye. When
// the process is gone its node crashes (channel 0's proxy sees to it): its
// segments go away and every importer of them is revoked.
void Attachments::Impl::proxy(Conn& c) {
    for (;;) {
        while (c.state == Conn::State::Computing) {
            Cluster::WaitingFor w("its process to call (it is computing)");
            sc_core::wait(c.ready);
        }
        if (c.state == Conn::State::Closed) break;
        show_api(c);
        Reply r{};
        if (carry_out_posted(c)) r = serve(c);
        else r.posted_failed = 1;
        if (c.state == Conn::State::Closed) break;   // the process went away meanwhile
        answer(c, r);
        if (c.req.op == Op::Bye && !r.posted_failed) {
            // Free before anything else runs: the gateway no longer waits for it.
            c.state = Conn::State::Free;
            list_conns();
            wake.notify(sc_core::SC_ZERO_TIME);
            return;
        }
        c.state = Conn::State::Computing;
        if (!admit_inline(c)) wake.notify(sc_core::SC_ZERO_TIME);
    }
    if (c.index != 0) return;
    show_api(c);
    cluster.fabric().crash_node(Cluster::node_id(c.proc->info.node_index));
}

// Hands the reply over; the thread computes from now on.
void Attachments::Impl::answer(Conn& c, Reply& r) {
    r.irq_rises = cluster.node(c.proc->info.node_index).bus.irq_rises();
    r.now_ns = Cluster::now_ns();
    r.ack_epoch = cluster.node(c.proc->info.node_index).bus.ack_epoch();
    c.answered_any = true;
    c.last_op = c.req.op;
    c.last_ns = r.now_ns;
    (void)cluster.node(c.proc->info.node_index).memory.process_resumes();   // gone: its connection says so
    c.ch->rep = r;
    c.ch->how_to_wait.store(crowded ? rsm::remote::kWaitYield : rsm::remote::kWaitBusy, std::memory_order_relaxed);
    c.ch->rep_seq.store(c.seen);
    if (c.ch->proc_sleeps.load()) rsm::remote::futex_wake(c.ch->rep_seq);
}

// The register writes (and reads) the process posted before its request, in order;
// false at the first one refused (the rest, and the request, are dropped).
bool Attachments::Impl::carry_out_posted(Conn& c) {
    NodeBus& bus = cluster.node(c.proc->info.node_index).bus;
    const uint32_t n = std::min(c.req.posted, rsm::remote::kMaxPosted);
    for (uint32_t i = 0; i < n; ++i) {
        const rsm::remote::PostedWrite w = c.ch->posted[i];
        if (w.bytes == rsm::remote::kPostedUnlock) {
            release_lock(c, w.offset);
            continue;
        }
        if (w.bytes == rsm::remote::kPostedBlock) {
            if (w.value > rsm::remote::kMaxPostedBlock || !bus.write_block(w.offset, c.ch->posted_block, w.value))
                return false;
            continue;
        }
        if (w.bytes == rsm::remote::kPostedSignal || w.bytes == rsm::remote::kPostedBroadcast) {
            wake_waiters(*c.proc, w.offset, w.bytes == rsm::remote::kPostedBroadcast);
            continue;
        }
        if (w.bytes == rsm::remote::kPostedRead) {
            uint32_t v = 0;
            if (!bus.read32(w.offset, v)) return false;
            c.ch->posted_read[i] = v;
            continue;
        }
        const bool ok = w.bytes == 8 ? bus.write64(w.offset, w.value)
                                     : w.bytes == 4 && bus.write32(w.offset, static_cast<uint32_t>(w.value));
        if (!ok) return false;
    }
    return true;
}

// The lock at `lock`, if `c`'s thread holds it, is free again.
void Attachments::Impl::release_lock(Conn& c, uint64_t lock) {
    Proc& p = *c.proc;
    const auto it = p.lock_holders.find(lock);
    if (it == p.lock_holders.end() || it->second != c.index) return;
    p.lock_holders.erase(it);
    p.sync_changed.notify(sc_core::SC_ZERO_TIME);
}

// A signal wakes the condition variable's oldest waiter, a broadcast all;
// with none waiting it is lost (as in POSIX).
void Attachments::Impl::wake_waiters(Proc& p, uint64_t cond, bool all) {
    for (Proc::CondWaiter* w : p.cond_waiters)
        if (w->cond == cond && !w->woken) {
            w->woken = true;
            p.sync_changed.notify(sc_core::SC_ZERO_TIME);
            if (!all) return;
        }
}

// Waits in simulated time until `done()` or the process is gone (true), or
// until `deadline_ns` (false; rsm::remote::kNoDeadline: none).
bool Attachments::Impl::wait_until(Proc& p, uint64_t deadline_ns, const std::function<bool()>& done) {
    while (!p.closed && !done()) {
        if (deadline_ns == rsm::remote::kNoDeadline) {
            sc_core::wait(p.sync_changed);
            continue;
        }
        const uint64_t now = Cluster::now_ns();
        if (now >= deadline_ns) return false;
        const Cluster::TimedWait timed;
        sc_core::wait(sc_core::sc_time(static_cast<double>(deadline_ns - now), sc_core::SC_NS), p.sync_changed);
    }
    return true;
}

// The requests about the process's threads: lending channels, goodbyes,
// joins, and the locks and condition variables kept here.
Reply Attachments::Impl::serve_thread_op(Conn& c) {
    Proc& p = *c.proc;
    const Request& q = c.req;
    Reply r{};
    switch (q.op) {
    case Op::Spawn:
        for (unsigned i = 1; i < rsm::remote::kMaxThreads; ++i)
            if (!p.lanes[i] || p.lanes[i]->state == Conn::State::Free) {
                Conn& lent = open_lane(p, i);
                r.value = i | (uint64_t{lent.generation} << 32);
                r.status = 1;
                break;
            }
        break;
    case Op::Bye:
        release_lock(c, 0);   // a thread that ends holding the driver's lock lets it go
        p.thread_ended.notify(sc_core::SC_ZERO_TIME);
        r.status = 1;
        break;
    case Op::Join: {
        const Conn* t = q.a < rsm::remote::kMaxThreads ? p.lanes[q.a].get() : nullptr;
        auto running = [&] { return !p.closed && t && t->generation == q.b && live(*t); };
        Cluster::WaitingFor w("a thread of its process to end (pthread_join)");
        if (q.c == 0) {
            while (running()) sc_core::wait(p.thread_ended);
        } else if (running()) {   // at most this long: the channel is shared
            const Cluster::TimedWait timed;
            sc_core::wait(sc_core::sc_time(static_cast<double>(q.c), sc_core::SC_NS), p.thread_ended);
        }
        r.status = !running();
        break;
    }
    case Op::Lock: {
        // The process takes each lock once per thread (it counts nesting):
        // a lock its own channel holds is another thread's of channel 0 or a
        // relock of a plain mutex, which waits (a deadlock, as in POSIX).
        Cluster::WaitingFor w(q.a == 0 ? "the driver's lock, which another thread of its process holds"
                                       : "a mutex of its program, which another of its threads holds");
        const bool free = wait_until(p, q.b, [&] { return p.lock_holders.count(q.a) == 0; });
        if (free && !p.closed) {
            p.lock_holders[q.a] = c.index;
            r.status = 1;
        }
        break;
    }
    case Op::CondWait: {
        // Released and waiting in one step: no signal falls in between.
        if (q.b != 0) release_lock(c, q.b);
        Proc::CondWaiter me{q.a, false};
        p.cond_waiters.push_back(&me);
        Cluster::WaitingFor w("a condition variable of its program to be signalled");
        (void)wait_until(p, q.c, [&] { return me.woken; });
        p.cond_waiters.erase(std::find(p.cond_waiters.begin(), p.cond_waiters.end(), &me));
        r.status = me.woken;
        break;
    }
    default: break;
    }
    return r;
}

// The registers whose offsets are the request's payload, read in order;
// their values become the reply's payload.
bool Attachments::Impl::read_each(Conn& c, NodeBus& bus, Reply& r) {
    const size_t n = c.req.payload / sizeof(uint64_t);
    // Offsets are read out before the values overwrite them.
    std::vector<uint64_t> offsets(n);
    std::memcpy(offsets.data(), c.ch->data, n * sizeof(uint64_t));
    std::vector<uint32_t> values(n);
    if (!bus.read32_each(offsets.data(), values.data(), n)) return false;
    std::memcpy(c.ch->data, values.data(), n * sizeof(uint32_t));
    r.payload = static_cast<uint32_t>(n * sizeof(uint32_t));
    return true;
}

Reply Attachments::Impl::serve(Conn& c) {
    NodeBus& bus = cluster.node(c.proc->info.node_index).bus;
    const Request& q = c.req;
    Reply r{};
    switch (q.op) {
    case Op::Spawn:
    case Op::Bye:
    case Op::Join:
    case Op::Lock:
    case Op::CondWait: cluster.note_activity(); return serve_thread_op(c);
    case Op::Hello:
        cluster.node(c.proc->info.node_index)
            .memory.attach_process(static_cast<pid_t>(q.a), &c.proc->set->channel[0].threaded);
        r.status = 1;
        break;
    case Op::Read32: {
        uint32_t v = 0;
        r.status = bus.read32(q.a, v);
        r.value = v;
        break;
    }
    case Op::Write32: r.status = bus.write32(q.a, static_cast<uint32_t>(q.b)); break;
    case Op::Read64: r.status = bus.read64(q.a, r.value); break;
    case Op::Write64: r.status = bus.write64(q.a, q.b); break;
    case Op::WriteBlock:
        r.status = q.payload <= rsm::remote::kMaxPayload && bus.write_block(q.a, c.ch->data, q.payload);
        break;
    case Op::ReadBlock:
        if (q.b > 0 && q.b <= rsm::remote::kMaxPayload) {
            r.status = bus.read_block(q.a, c.ch->data, q.b);
            r.payload = r.status ? static_cast<uint32_t>(q.b) : 0;
        }
        break;
    case Op::WaitIrq:
        r.value = bus.wait_irq(q.a);
        r.status = 1;
        break;
    case Op::WaitIrqAcking:
        r.value = bus.wait_irq_acking(q.b, q.a, RegWriteCode::decode(q.d));
        r.status = 1;
        break;
    case Op::WaitRegAcking: {
        uint32_t last = 0;
        const rsm::hw::Bus::RegWrite once_met = RegWriteCode::decode(q.e);
        r.status = static_cast<uint32_t>(bus.wait_reg_acking(q.a, static_cast<uint32_t>(q.c), q.b,
                                                             RegWriteCode::decode(q.d),
                                                             (q.c & rsm::remote::kOnceMet) ? &once_met : nullptr, last));
        r.value = last;
        break;
    }
    case Op::SleepNs:
        if (q.b == rsm::remote::kLookAgain) bus.look_again_ns(q.a);
        else bus.sleep_ns(q.a);
        r.status = 1;
        break;
    case Op::Now:
        r.value = bus.now_ns();
        r.status = 1;
        break;
    case Op::DmaMap: {
        uint64_t ba = 0;
        r.status = static_cast<uint32_t>(
            bus.dma_map(reinterpret_cast<void*>(q.a), q.b, static_cast<rsm::hw::DmaAccess>(q.c), ba));
        r.value = ba;
        break;
    }
    case Op::DmaUnmap:
        bus.dma_unmap(q.a, q.b);
        r.status = 1;
        break;
    case Op::ReadEach:
        if (q.a == 0 || q.payload != q.a * sizeof(uint64_t)) break;
        r.status = read_each(c, bus, r);
        break;
    case Op::Flush: r.status = 1; break;
    case Op::WaitReg:
    case Op::WaitRegRead: {
        uint32_t last = 0;
        const auto cond = rsm::remote::WaitCondition::decode(q.c);
        auto st = bus.wait_reg(q.a, cond.mask, cond.set, q.b, cond.wake_on_irq, last);
        if (q.op == Op::WaitRegRead && st == rsm::hw::Bus::WaitResult::Met &&
            (q.payload == 0 || q.payload % sizeof(uint64_t) != 0 || !read_each(c, bus, r)))
            st = rsm::hw::Bus::WaitResult::BusError;
        r.status = static_cast<uint32_t>(st);
        r.value = last;
        break;
    }
    }
    return r;
}

Attachments::Attachments(Cluster& cluster, std::vector<AttachedProcess> procs, double stall_limit_s,
                         unsigned process_cores)
    : impl_(std::make_unique<Impl>(cluster, stall_limit_s, process_cores)) {
    for (auto& info : procs) {
        auto p = std::make_unique<Proc>();
        p->set = static_cast<rsm::remote::ChannelSet*>(info.channel);
        p->info = std::move(info);
        impl_->procs.push_back(std::move(p));
    }
    for (auto& p : impl_->procs) impl_->open_lane(*p, 0);   // the main thread's
    sc_core::sc_spawn([this] { impl_->gateway(); }, "attach_gateway");
}

Attachments::~Attachments() {
    for (auto& p : impl_->procs) {
        if (!p->closed) ::close(p->info.fd);
        ::munmap(p->set, sizeof(rsm::remote::ChannelSet));
    }
}

std::vector<Attachments::Outcome> Attachments::outcomes() const {
    std::vector<Outcome> out;
    for (auto& p : impl_->procs)
        out.push_back({p->info.node_index, p->info.name, p->closed, p->stalled, p->lanes[0]->last_call()});
    return out;
}

}  // namespace rsmsim
