#include "rsmsim/cluster.h"

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "adapter_regs.h"
#include "rsmsim/model/sim_time.h"

namespace rsmsim {

namespace {
Cluster* g_current = nullptr;

bool ends_with(const std::string& s, const std::string& sfx) {
    return s.size() > sfx.size() && s.compare(s.size() - sfx.size(), sfx.size(), sfx) == 0;
}

}  // namespace

const int Cluster::kMaxNodes = static_cast<int>(rsm::regs::kMaxNodes);

uint16_t Cluster::node_id(int index) { return rsm::regs::node_id_of_slot(static_cast<unsigned>(index)); }

int Cluster::node_index(unsigned id, int nodes) {
    if (!rsm::regs::is_node_id(id) || rsm::regs::slot_of_node_id(id) >= static_cast<unsigned>(nodes)) return -1;
    return static_cast<int>(rsm::regs::slot_of_node_id(id));
}

Cluster::Cluster(const ClusterConfig& cfg) : cfg_(cfg), fabric_("fabric", cfg_.timing, cfg_.topology) {
    if (g_current) throw std::logic_error("one Cluster per process (SystemC elaborates once)");
    if (cfg.nodes < 1 || cfg.nodes > kMaxNodes)
        throw std::invalid_argument("node count must be 1.." + std::to_string(kMaxNodes));
    if (!(cfg.time_limit_ns >= 0 && cfg.time_limit_ns <= kMaxFaultTimeUs * 1000))
        throw std::invalid_argument("the time limit must be within 0..1e9 us");
    resolve_fidelity();
    g_current = this;
    sim_thread_ = std::this_thread::get_id();
    fabric_.set_crc_error_rate(cfg.crc_error_rate, cfg.seed);
    for (int i = 0; i < cfg.nodes; ++i)
        nodes_.push_back(std::make_unique<Node>("node" + std::to_string(node_id(i)), node_id(i), fabric_,
                                                cfg_.timing, fidelity_of(node_id(i))));
    for (auto& n : nodes_) n->bus.count_calls(&calls_);
    decouple_if_loosely_timed();
    stop_ = std::make_unique<StopChannel>();
    open_waveform();
    rsm::hw::set_bus_resolver(&Cluster::resolve, this);
    try {
        schedule_faults();
    } catch (...) {
        rsm::hw::set_bus_resolver(nullptr, nullptr);
        g_current = nullptr;
        throw;
    }
}

// The fidelity for nodes the configuration does not name: its own, else the
// environment's (checked here, before anything is built), else rtl.
void Cluster::resolve_fidelity() {
    for (const auto& [id, f] : cfg_.node_fidelity)
        if (node_index(id, cfg_.nodes) < 0)
            throw std::invalid_argument("fidelity for node " + std::to_string(id) + ": no such node in the cluster");
    if (cfg_.fidelity) return;
    const char* env = std::getenv("RSMSIM_FIDELITY");
    model::Fidelity f = model::Fidelity::Rtl;
    if (env && *env && !model::parse_fidelity(env, f))
        throw std::invalid_argument(std::string("RSMSIM_FIDELITY=") + env + ": expected rtl, cycle, fast or lockstep");
    cfg_.fidelity = f;
}

// Temporal decoupling (NodeBus::decouple) only where every node is loosely
// timed: a run with an RTL node keeps exact timing, and its waveform probes
// (pending activity of their own) may not change what runs ahead.
void Cluster::decouple_if_loosely_timed() {
    for (const auto& n : nodes_)
        if (fidelity_of(n->id()) != model::Fidelity::Fast) return;
    for (auto& n : nodes_) n->bus.decouple(true);
    decoupled_ = true;
}

model::Fidelity Cluster::fidelity_of(uint16_t id) const {
    const auto it = cfg_.node_fidelity.find(id);
    return it != cfg_.node_fidelity.end() ? it->second : cfg_.fidelity.value_or(model::Fidelity::Rtl);
}

void Cluster::schedule_faults() {
    const auto links = fabric_.neighbour_links();
    std::vector<uint16_t> ids;
    for (int i = 0; i < size(); ++i) ids.push_back(node_id(i));
    for (const FaultEvent& e : cfg_.faults.events) {
        const bool known = e.kind == FaultEvent::Kind::Crash
                               ? std::find(ids.begin(), ids.end(), e.a) != ids.end()
                               : std::find(links.begin(), links.end(), std::make_pair(e.a, e.b)) != links.end();
        if (!known)
            throw std::invalid_argument("fault '" + describe(e) + "': no such " +
                                        (e.kind == FaultEvent::Kind::Crash ? "node" : "link in this topology"));
        schedule_.push_back(e);
    }
    if (cfg_.faults.random.any()) {
        std::string error;
        auto drawn = draw_faults(cfg_.faults.random, links, ids, cfg_.seed, error);
        if (!drawn) throw std::invalid_argument(error);
        schedule_.insert(schedule_.end(), drawn->begin(), drawn->end());
    }
    sort_by_time(schedule_);
    for (const FaultEvent& e : schedule_) fault_at(e.at_ns, [this, e] { apply(e); });
}

void Cluster::apply(const FaultEvent& e) {
    switch (e.kind) {
    case FaultEvent::Kind::LinkDown: fabric_.set_link(e.a, e.b, false); break;
    case FaultEvent::Kind::LinkUp: fabric_.set_link(e.a, e.b, true); break;
    case FaultEvent::Kind::SlowLink: fabric_.set_link_speed(e.a, e.b, e.factor); break;
    case FaultEvent::Kind::NoisyLink: fabric_.set_link_error_rate(e.a, e.b, e.factor); break;
    case FaultEvent::Kind::Crash: fabric_.crash_node(e.a); break;
    }
    if (cfg_.on_fault) cfg_.on_fault(now_ns(), e);
}

// Stops the simulation from another OS thread: SystemC runs update() in its
// own thread at the next update phase.
struct Cluster::StopChannel : sc_core::sc_prim_channel {
    StopChannel() : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("stop")) {}
    std::atomic<bool> requested{false};
    void update() override { sc_core::sc_stop(); }
};

void Cluster::request_stop() {
    if (!stop_->requested.exchange(true)) stop_->async_request_update();
}

// Opens the waveform (a path that cannot be written is one clear error
// before anything runs) and declares every model's signals.
void Cluster::open_waveform() {
    if (cfg_.vcd_path.empty()) return;
    for (unsigned id : cfg_.trace.nodes)
        if (node_index(id, size()) < 0)
            throw std::invalid_argument("--trace-nodes: node " + std::to_string(id) + " is not in the cluster (4.." +
                                        std::to_string(4 * size()) + ")");
    const bool fst = cfg_.trace_fst || ends_with(cfg_.vcd_path, ".fst");
    std::string path = cfg_.vcd_path;
    if (!ends_with(path, fst ? ".fst" : ".vcd")) path += fst ? ".fst" : ".vcd";
    const std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) throw std::invalid_argument("cannot write " + path + ": " + ec.message());
    try {
        waves_ = std::make_unique<model::Waves>(path, fst ? model::Waves::Format::Fst : model::Waves::Format::Vcd,
                                                cfg_.trace);
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument(e.what());
    }
    fabric_.trace(*waves_);
    for (auto& n : nodes_) n->adapter.trace(*waves_);
    for (int i = 0; i < size(); ++i) nodes_[static_cast<size_t>(i)]->bus.trace(*waves_);
}

Cluster::~Cluster() {
    rsm::hw::set_bus_resolver(nullptr, nullptr);
    if (waves_) {
        waves_->close();
        const std::string& w = waves_->path();
        try {
            waves_->write_gtkw(w.substr(0, w.size() - 4) + ".gtkw");
        } catch (const std::runtime_error& e) {
            std::fprintf(stderr, "rsmsim: %s\n", e.what());
        }
    }
    g_current = nullptr;
}

Cluster* Cluster::current() { return g_current; }

rsm::hw::Bus* Cluster::resolve(void* self) { return static_cast<Cluster*>(self)->current_bus(); }

int Cluster::current_node_index() const {
    if (std::this_thread::get_id() != sim_thread_) {
        // SystemC is not thread-safe: not even the current process may be
        // asked from another OS thread. Say so once, clearly.
        static std::atomic<bool> told{false};
        if (!told.exchange(true))
            std::fprintf(stderr, "rsmsim: an rsmapi or testbench call from an OS thread the simulator does not run "
                                 "(a POSIX thread started by a node program?) was refused: it belongs to no node. "
                                 "Start further programs on a node with rsmsim_spawn().\n");
        return -1;
    }
    // The same program asks again and again (twice per rsmapi call).
    const sc_core::sc_object* me = current_process();
    if (me != seen_process_) {
        const auto it = programs_.find(me);
        seen_process_ = me;
        seen_node_ = it == programs_.end() ? -1 : it->second.node;
    }
    return seen_node_;
}

Cluster::Program* Cluster::current_program() {
    if (current_node_index() < 0) return nullptr;
    return &programs_.find(current_process())->second;
}

Cluster::WaitingFor::WaitingFor(const char* what) {
    Program* p = g_current ? g_current->current_program() : nullptr;
    if (!p) return;
    slot_ = &p->waiting;
    previous_ = p->waiting;
    p->waiting = what;
}

Cluster::WaitingFor::~WaitingFor() {
    if (slot_) *slot_ = previous_;
}

void Cluster::spawn(int index, std::function<void()> program) {
    if (index < 0 || index >= size()) throw std::out_of_range("no node with index " + std::to_string(index));
    const std::string name = "prog_" + std::to_string(node_id(index)) + "_" + std::to_string(spawned_++);
    ++running_;
    if (NodeBus* parent = current_bus()) parent->catch_up();   // the program starts at its parent's time
    sc_core::sc_process_handle h = sc_core::sc_spawn(
        [this, index, program = std::move(program)]() {
            program();
            nodes_[static_cast<size_t>(index)]->bus.catch_up();   // it ends at its own time
            current_program()->done = true;
            program_done();
        },
        name.c_str());
    programs_[h.get_process_object()] = Program{index, name};
    seen_process_ = nullptr;   // a new program may have an ended one's process address
}

void Cluster::fault_at(double at_ns, std::function<void()> fault) {
    sc_core::sc_spawn(
        [at_ns, fault = std::move(fault)]() {
            {
                const TimedWait coming;
                sc_core::wait(sc_core::sc_time(at_ns, sc_core::SC_NS));
            }
            fault();
        },
        ("fault_" + std::to_string(spawned_++)).c_str());
}

void Cluster::program_done() {
    --running_;
    // A program that ends releases a rendezvous the others now complete.
    if (arrived_ > 0 && arrived_ >= running_) {
        arrived_ = 0;
        ++sync_generation_;
        sync_event_.notify(sc_core::SC_ZERO_TIME);
    }
}

NodeBus* Cluster::current_bus() {
    const int i = current_node_index();
    return i < 0 ? nullptr : &nodes_[static_cast<size_t>(i)]->bus;
}

void Cluster::sync() {
    NodeBus* bus = current_bus();
    if (!bus) return;   // not a node program: nothing to wait with
    bus->catch_up();    // it arrives at its own time
    if (++arrived_ >= running_) {
        arrived_ = 0;
        ++sync_generation_;
        sync_event_.notify(sc_core::SC_ZERO_TIME);
        return;
    }
    const uint64_t gen = sync_generation_;
    WaitingFor w("rsmsim_sync: the other programs to arrive");
    while (gen == sync_generation_) sc_core::wait(sync_event_);
}

double Cluster::now_ns() {
    // A node program's own time: a decoupled one may be ahead. Only then is
    // the program looked up (this serves every process-mode request).
    sc_core::sc_time t = model::sim_now();
    if (g_current && g_current->decoupled_)
        if (const NodeBus* bus = g_current->current_bus()) t += bus->ahead();
    return t.to_seconds() * 1e9;
}

void Cluster::delay_ns(double ns) {
    NodeBus* bus = g_current ? g_current->current_bus() : nullptr;
    if (!(ns > 0) || !bus) return;
    bus->catch_up();
    WaitingFor w("rsmsim_delay_ns");
    const TimedWait timed;
    sc_core::wait(sc_core::sc_time(ns, sc_core::SC_NS));
}

uint64_t Cluster::activity() const {
    uint64_t n = activity_ + fabric_.packets_delivered();
    for (const auto& node : nodes_) n += node->bus.accesses() + node->bus.waits();
    return n;
}

Cluster::TimedWait::TimedWait() {
    if (g_current) ++g_current->timed_waits_;
}
Cluster::TimedWait::~TimedWait() {
    if (g_current) --g_current->timed_waits_;
}

bool Cluster::looked_again() {
    // Something to come (a sleeper's end, a packet on its way) is as good as
    // something that happened.
    const uint64_t now = activity();
    const auto wall = std::chrono::steady_clock::now();
    if (now != idle_activity_ || timed_waits_ > 0 || fabric_.packets_in_flight()) {
        idle_activity_ = now;
        idle_since_ = wall;
        return false;
    }
    if (!stopped_idle_ && std::chrono::duration<double>(wall - idle_since_).count() >= cfg_.idle_look_limit_s) {
        stopped_idle_ = true;
        sc_core::sc_stop();
    }
    return stopped_idle_;
}

bool Cluster::run() {
    try {
        if (cfg_.time_limit_ns > 0) sc_core::sc_start(sc_core::sc_time(cfg_.time_limit_ns, sc_core::SC_NS));
        else sc_core::sc_start();
    } catch (const std::exception& e) {
        // A model stopped the simulation (the lockstep checker's first
        // difference): SystemC cannot go on after it.
        std::fprintf(stderr, "rsmsim: the simulation stopped at %g us: %s\n", now_ns() / 1000.0, e.what());
        return false;
    }
    interrupted_ = stop_->requested;
    if (running_ == 0 && !interrupted_) return true;
    hit_time_limit_ = !interrupted_ && cfg_.time_limit_ns > 0 && sc_core::sc_pending_activity();
    std::fprintf(stderr, "%s", blocked_report().c_str());
    return false;
}

namespace {
std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}
}  // namespace

std::string Cluster::blocked_report() const {
    const std::string why =
        interrupted_      ? "interrupted at "
        : hit_time_limit_ ? "the time limit was reached at "
        : stopped_idle_   ? "for " + seconds(cfg_.idle_look_limit_s) +
                              " of wall time nothing happened but looks at descriptors nothing simulated signals, "
                              "so nothing will make them ready; stopped at "
                          : "nothing left to simulate at ";
    std::string out = "rsmsim: " + why + std::to_string(now_ns() / 1000.0) + " us, but " +
                      std::to_string(running_) + " node program(s) have not ended:\n";
    std::vector<std::string> lines;   // by program name, not by process address: deterministic
    for (const auto& [process, p] : programs_)
        if (!p.done)
            lines.push_back("  node " + std::to_string(node_id(p.node)) + " (" + p.name + "): waiting for " +
                            (p.waiting ? p.waiting : "an adapter access to complete (or it was computing)") + "\n");
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) out += l;
    return out;
}

}  // namespace rsmsim
