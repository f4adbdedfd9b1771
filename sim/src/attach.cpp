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

#include "rsm/remote.h"

namespace rsmsim {

namespace {

using rsm::remote::Op;
using rsm::remote::Reply;
using rsm::remote::Request;

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
    }
    return "an unknown request";
}

}  // namespace

struct Conn {
    AttachedProcess proc;
    enum class State { Computing, InCall, Closed } state = State::Computing;
    rsm::remote::Channel* ch = nullptr;   // shared with the process
    uint32_t seen = 0;                    // the last request's number
    Request req{};                        // a copy of it (its payload stays in ch->data)
    bool arrived = false;                 // collect_requests took its request
    sc_core::sc_event ready;
    bool stalled = false;
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

struct Attachments::Impl {
    Cluster& cluster;
    std::vector<std::unique_ptr<Conn>> conns;
    double stall_limit_s;
    sc_core::sc_event wake;   // a proxy replied: its process computes again
    unsigned cores;        // the processes share these
    bool crowded = false;  // more processes awake than cores, when last looked

    // The processes not asleep in the kernel.
    unsigned awake_processes() const {
        unsigned n = 0;
        for (auto& c : conns) n += c->state != Conn::State::Closed && !c->ch->proc_sleeps.load();
        return n;
    }

    Impl(Cluster& c, double limit, unsigned process_cores)
        : cluster(c), stall_limit_s(limit), cores(std::max(1u, process_cores)) {}

    // collect_requests' processes still computing, and the requests it took.
    std::vector<Conn*> waiting, arrivals;

    void gateway();
    const std::vector<Conn*>& collect_requests();
    void advise_waiters();
    void sleep_until_arrivals(const std::function<bool()>& take_arrivals,
                              std::chrono::steady_clock::time_point deadline);
    static bool admit(const std::vector<Conn*>& arrived);
    bool admit_inline(Conn& c);
    void cut_off(const std::vector<Conn*>& stalled);
    void close(Conn& c);
    void proxy(Conn& c);
    // The rsmapi call the process is in, as it says in the channel.
    void show_api(Conn& c) {
        cluster.node(c.proc.node_index)
            .bus.process_api_state(static_cast<rsm::hw::ApiCall>(c.ch->api_call.load()), c.ch->api_rc.load());
    }
    bool carry_out_posted(Conn& c);
    Reply serve(Conn& c);
};

// Admits requests: waits (in wall-clock time, the simulation standing
// still) for every computing process's next request, then starts them in
// node order; lets simulated time run only while no process computes.
void Attachments::Impl::gateway() {
    for (;;) {
        while (sc_core::sc_pending_activity_at_current_time()) sc_core::wait(sc_core::SC_ZERO_TIME);
        const bool admitted = admit(collect_requests());
        bool open = false;
        for (auto& c : conns) open = open || c->state != Conn::State::Closed;
        if (!open) return;
        if (!admitted) sc_core::wait(wake);
    }
}

// Starts the requests that arrived (in node order: collect_requests keeps it).
bool Attachments::Impl::admit(const std::vector<Conn*>& arrived) {
    for (Conn* c : arrived) {
        c->state = Conn::State::InCall;
        c->ready.notify(sc_core::SC_ZERO_TIME);
    }
    return !arrived.empty();
}

// The gateway's decision, taken by the proxy that just answered when the
// gateway would have waited for this one process only: nothing else is due
// at this simulated time and no other process computes. Same admission,
// same simulated time, without the delta cycles and process switches of a
// round through the gateway. False: the gateway decides.
bool Attachments::Impl::admit_inline(Conn& c) {
    if (sc_core::sc_pending_activity_at_current_time()) return false;
    for (auto& other : conns)
        if (other.get() != &c && other->state == Conn::State::Computing) return false;
    for (Conn* a : collect_requests()) a->state = Conn::State::InCall;   // only `c` can be among them
    return true;
}

// Runs once per request: no allocation (the vectors keep their room).
const std::vector<Conn*>& Attachments::Impl::collect_requests() {
    waiting.clear();
    for (auto& c : conns)
        if (c->state == Conn::State::Computing) waiting.push_back(c.get());
    // Moves the processes whose request is in out of `waiting` (marked
    // `arrived`); true when none is left.
    auto take_arrivals = [this] {
        size_t kept = 0;
        for (Conn* c : waiting) {
            const uint32_t seq = c->ch->req_seq.load();
            if (seq != c->seen) {
                c->seen = seq;
                c->req = c->ch->req;
                c->arrived = true;
            } else {
                waiting[kept++] = c;
            }
        }
        waiting.resize(kept);
        return waiting.empty();
    };
    advise_waiters();
    // A process usually calls again within microseconds: look a while
    // before sleeping in the kernel (a wake-up costs far more).
    if (!rsm::remote::wait_for(take_arrivals, [] { return rsm::remote::kWaitBusy; })) {
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(stall_limit_s));
        sleep_until_arrivals(take_arrivals, deadline);
    }
    // The order requests are started in is the node order, whichever came first.
    arrivals.clear();
    for (auto& c : conns)
        if (c->arrived) {
            c->arrived = false;
            c->ch->sim_sleeps.store(0);   // awake again: no rings needed
            arrivals.push_back(c.get());
        }
    return arrivals;
}

// Processes in a call wait for the ones computing: they leave the cores to
// them when there are more processes awake than cores. The simulator's own
// core is its own to look busily on.
void Attachments::Impl::advise_waiters() {
    crowded = awake_processes() > cores;
    for (auto& c : conns)
        if (c->state == Conn::State::InCall)
            c->ch->how_to_wait.store(crowded ? rsm::remote::kWaitSleep : rsm::remote::kWaitYield,
                                     std::memory_order_relaxed);
}

// Sleeps on the processes' sockets until every one in `waiting` has called,
// exited (closed) or stalled past `deadline` (cut off).
void Attachments::Impl::sleep_until_arrivals(const std::function<bool()>& take_arrivals,
                                             std::chrono::steady_clock::time_point deadline) {
    using clock = std::chrono::steady_clock;
    while (!waiting.empty()) {
        for (Conn* c : waiting) c->ch->sim_sleeps.store(1);
        if (take_arrivals()) break;
        std::vector<pollfd> fds;
        for (Conn* c : waiting) fds.push_back({c->proc.fd, POLLIN, 0});
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        const int n = left > 0 ? ::poll(fds.data(), fds.size(), static_cast<int>(left)) : 0;
        if (n < 0 && errno == EINTR) continue;
        for (Conn* c : waiting) c->ch->sim_sleeps.store(0);
        if (n == 0) {
            cut_off(waiting);
            break;
        }
        for (size_t i = 0; i < fds.size(); ++i)
            if (fds[i].revents && !rsm::remote::drain(waiting[i]->proc.fd) &&
                waiting[i]->ch->req_seq.load() == waiting[i]->seen)
                close(*waiting[i]);   // gone (exited or killed), with no request left
        std::vector<Conn*> open;
        for (Conn* c : waiting)
            if (c->state != Conn::State::Closed) open.push_back(c);
        waiting.swap(open);
        take_arrivals();
    }
}

void Attachments::Impl::cut_off(const std::vector<Conn*>& stalled) {
    for (Conn* c : stalled) {
        std::fprintf(stderr,
                     "rsmsim: node %u (%s, pid %d) has not called the simulation for %g s of wall time "
                     "(its last call: %s); it is cut off and its node crashes\n",
                     Cluster::node_id(c->proc.node_index), c->proc.name.c_str(), static_cast<int>(c->proc.pid),
                     stall_limit_s, c->last_call().c_str());
        c->stalled = true;
        ::kill(c->proc.pid, SIGKILL);
        close(*c);
    }
}

void Attachments::Impl::close(Conn& c) {
    if (c.state == Conn::State::Closed) return;
    c.state = Conn::State::Closed;
    ::close(c.proc.fd);
    c.ready.notify(sc_core::SC_ZERO_TIME);
}

// The node program of one process: carries out its requests on the node's
// Bus, in simulated time, and answers. When the process is gone its node
// crashes: its segments go away and every importer of them is revoked.
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
        r.irq_rises = cluster.node(c.proc.node_index).bus.irq_rises();
        r.now_ns = Cluster::now_ns();
        c.answered_any = true;
        c.last_op = c.req.op;
        c.last_ns = Cluster::now_ns();
        if (c.state == Conn::State::Closed) break;   // the process went away meanwhile
        (void)cluster.node(c.proc.node_index).memory.process_resumes();   // gone: its connection says so
        c.ch->rep = r;
        c.ch->how_to_wait.store(crowded ? rsm::remote::kWaitYield : rsm::remote::kWaitBusy, std::memory_order_relaxed);
        c.ch->rep_seq.store(c.seen);
        if (c.ch->proc_sleeps.load()) rsm::remote::ring(c.proc.fd);
        c.state = Conn::State::Computing;
        if (!admit_inline(c)) wake.notify(sc_core::SC_ZERO_TIME);
    }
    show_api(c);
    cluster.fabric().crash_node(Cluster::node_id(c.proc.node_index));
}

// The register writes the process posted before its request, in order;
// false at the first one refused (the rest, and the request, are dropped).
bool Attachments::Impl::carry_out_posted(Conn& c) {
    NodeBus& bus = cluster.node(c.proc.node_index).bus;
    const uint32_t n = std::min(c.req.posted, rsm::remote::kMaxPosted);
    for (uint32_t i = 0; i < n; ++i) {
        const rsm::remote::PostedWrite w = c.ch->posted[i];
        const bool ok = w.bytes == 8 ? bus.write64(w.offset, w.value)
                                     : w.bytes == 4 && bus.write32(w.offset, static_cast<uint32_t>(w.value));
        if (!ok) return false;
    }
    return true;
}

Reply Attachments::Impl::serve(Conn& c) {
    NodeBus& bus = cluster.node(c.proc.node_index).bus;
    const Request& q = c.req;
    Reply r{};
    switch (q.op) {
    case Op::Hello:
        cluster.node(c.proc.node_index).memory.attach_process(static_cast<pid_t>(q.a), &c.ch->threaded);
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
    case Op::SleepNs:
        bus.sleep_ns(q.a);
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
    case Op::ReadEach: {
        const uint64_t n = q.a;
        if (n == 0 || q.payload != n * sizeof(uint64_t)) break;
        // Offsets are read out before the values overwrite them.
        std::vector<uint64_t> offsets(n);
        std::memcpy(offsets.data(), c.ch->data, q.payload);
        std::vector<uint32_t> values(n);
        r.status = bus.read32_each(offsets.data(), values.data(), n);
        if (r.status) {
            std::memcpy(c.ch->data, values.data(), n * sizeof(uint32_t));
            r.payload = static_cast<uint32_t>(n * sizeof(uint32_t));
        }
        break;
    }
    case Op::Flush: r.status = 1; break;
    case Op::WaitReg: {
        uint32_t last = 0;
        r.status = static_cast<uint32_t>(bus.wait_reg(q.a, static_cast<uint32_t>(q.c), (q.c >> 32) & 1, q.b,
                                                      (q.c >> 33) & 1, last));
        r.value = last;
        break;
    }
    }
    return r;
}

Attachments::Attachments(Cluster& cluster, std::vector<AttachedProcess> procs, double stall_limit_s,
                         unsigned process_cores)
    : impl_(std::make_unique<Impl>(cluster, stall_limit_s, process_cores)) {
    for (auto& p : procs) {
        impl_->conns.push_back(std::make_unique<Conn>());
        impl_->conns.back()->ch = static_cast<rsm::remote::Channel*>(p.channel);
        impl_->conns.back()->proc = std::move(p);
    }
    for (auto& c : impl_->conns) {
        Conn* conn = c.get();
        cluster.spawn(conn->proc.node_index, [this, conn] { impl_->proxy(*conn); });
    }
    sc_core::sc_spawn([this] { impl_->gateway(); }, "attach_gateway");
}

Attachments::~Attachments() {
    for (auto& c : impl_->conns) {
        if (c->state != Conn::State::Closed) ::close(c->proc.fd);
        ::munmap(c->ch, sizeof(rsm::remote::Channel));
    }
}

std::vector<Attachments::Outcome> Attachments::outcomes() const {
    std::vector<Outcome> out;
    for (auto& c : impl_->conns)
        out.push_back({c->proc.node_index, c->proc.name, c->state == Conn::State::Closed, c->stalled, c->last_call()});
    return out;
}

}  // namespace rsmsim
