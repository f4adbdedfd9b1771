// Cluster: N simulated nodes joined by a Fabric, and the node programs that
// run on them. Each node program is a SystemC thread that calls the rsmapi as
// its node: librsm finds the calling node's adapter through the Bus resolver
// this class installs. SystemC elaborates once per process, so a process
// builds one Cluster.
#pragma once

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <systemc>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "rsmsim/faults.h"
#include "rsmsim/model/fabric.h"
#include "rsmsim/model/timing.h"
#include "rsmsim/model/topology.h"
#include "rsmsim/model/waves.h"
#include "rsmsim/node.h"

namespace rsmsim {

struct ClusterConfig {
    int nodes = 2;
    model::TimingProfile timing = model::timing_profiles().front();
    model::TopologyKind topology = model::TopologyKind::Switch;
    double crc_error_rate = 0;   // per request packet and attempt (fault injection)
    uint64_t seed = 1;           // for every random choice of the run
    // Link/node faults (rsmsim/faults.h); checked against the topology when
    // the cluster is built (std::invalid_argument names a bad one).
    FaultPlan faults;
    // Told of every fault as it happens (e.g. to print it).
    std::function<void(double now_ns, const FaultEvent&)> on_fault;
    // The waveform: empty for none. A name ending in ".fst" (or any name with
    // trace_fst) is written as FST, else as VCD (".vcd" is added when
    // missing). A GTKWave save file goes beside it (".gtkw"), and for VCD the
    // value-name filters it uses (NAME.vcd.names/).
    std::string vcd_path;
    bool trace_fst = false;
    model::WaveSelection trace;   // which nodes, blocks and time window are written
    double time_limit_ns = 0;   // > 0: run() stops there, reporting the programs still running
    // Wall-clock seconds a run may go on with nothing happening but node
    // programs looking again at descriptors nothing simulated signals (a
    // poll() of a pipe nobody writes): then run() stops and reports.
    double idle_look_limit_s = 60;
    // Which model runs each node's control core (rsmsim/model/adapter_core.h):
    // `fidelity` for every node but those in node_fidelity (node id ->
    // fidelity). Unset: $RSMSIM_FIDELITY (rtl, cycle, fast or lockstep; so a whole
    // test suite can run in another fidelity), else rtl.
    std::optional<model::Fidelity> fidelity;
    std::map<uint16_t, model::Fidelity> node_fidelity;
};

class Cluster {
public:
    static const int kMaxNodes;   // the register map's node slots

    explicit Cluster(const ClusterConfig& cfg);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    int size() const { return static_cast<int>(nodes_.size()); }
    // The node id of index `index` (the adapter's node slot; index 0 is node 4).
    static uint16_t node_id(int index);
    // The index of node `id` in a cluster of `nodes`, or -1 if it has none.
    static int node_index(unsigned id, int nodes);
    Node& node(int index) { return *nodes_.at(static_cast<size_t>(index)); }
    // The model that runs node `id`'s control core in this cluster.
    model::Fidelity fidelity_of(uint16_t id) const;
    model::Fabric& fabric() { return fabric_; }
    // Ends run() soon, from any OS thread (Ctrl-C): the simulation stops at
    // its next step, run() returns false and interrupted() says why.
    void request_stop();
    bool interrupted() const { return interrupted_; }
    // Every rsmapi call the programs made, timed.
    const CallStats& calls() const { return calls_; }
    const ClusterConfig& config() const { return cfg_; }

    // Adds a program on node `index`; it starts at time 0 of run().
    void spawn(int index, std::function<void()> program);
    // The faults of the configuration's plan, random ones drawn, by time.
    const std::vector<FaultEvent>& fault_schedule() const { return schedule_; }
    // Runs `fault` (for example fabric().set_link or crash_node) at simulated
    // time `at_ns`. Not a node program: sync() does not wait for it.
    void fault_at(double at_ns, std::function<void()> fault);

    // Runs until every program has returned and the fabric is idle. Returns
    // false if programs were left blocked: the simulation ran out of events
    // while some program still waited (for an interrupt with no time limit,
    // a rendezvous, ...). Then blocked_report() says who waits for what, and
    // run() prints it on stderr.
    bool run();
    std::string blocked_report() const;
    // A node program looked again at descriptors nothing simulated signals
    // (NodeBus::look_again_ns). When nothing else has happened anywhere for
    // idle_look_limit_s of wall time, nothing simulated ever will make them
    // ready: the run stops (run() returns false, blocked_report() says why).
    // True once it does.
    bool looked_again();
    // Something happened in a node process that no Bus call counts (a
    // thread's lock, condition variable, start or end): for looked_again.
    void note_activity() { ++activity_; }
    // Marks a timed wait (a sleep, a wait with a time limit, a fault to
    // come) while it lasts: its end is something happening, so a run with
    // one is not idle however long the looks around it take.
    class TimedWait {
    public:
        TimedWait();
        ~TimedWait();
        TimedWait(const TimedWait&) = delete;
        TimedWait& operator=(const TimedWait&) = delete;
    };
    // Whether run() stopped at ClusterConfig::time_limit_ns with work left.
    bool hit_time_limit() const { return hit_time_limit_; }

    // Marks what the calling node program waits for while it exists (for
    // blocked_report); outside a node program it does nothing.
    class WaitingFor {
    public:
        explicit WaitingFor(const char* what);
        ~WaitingFor();
        WaitingFor(const WaitingFor&) = delete;
        WaitingFor& operator=(const WaitingFor&) = delete;

    private:
        const char** slot_ = nullptr;
        const char* previous_ = nullptr;
    };

    // For node programs:
    static Cluster* current();
    // Node of the calling program; -1 outside one, including on an OS thread
    // the simulation does not run (a POSIX thread a node program started):
    // such a thread belongs to no node, so librsm refuses its calls.
    int current_node_index() const;
    // The SystemC process running now (null outside one): the kernel's own
    // record, without the reference counting of a process handle.
    static const sc_core::sc_object* current_process() { return sc_core::sc_get_current_process_b(); }
    void sync();                      // rendezvous of all running programs (no simulated cost)
    static double now_ns();
    // The calling program computes (or polls) for `ns` of simulated time.
    static void delay_ns(double ns);

private:
    static rsm::hw::Bus* resolve(void* self);
    void resolve_fidelity();
    void decouple_if_loosely_timed();
    void schedule_faults();
    void apply(const FaultEvent& e);
    void program_done();

    ClusterConfig cfg_;
    model::Fabric fabric_;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::unique_ptr<model::Waves> waves_;
    CallStats calls_;
    struct StopChannel;
    std::unique_ptr<StopChannel> stop_;
    bool interrupted_ = false;
    bool decoupled_ = false;   // every node fast: programs may run ahead (NodeBus::decouple)
    uint64_t activity() const;   // accesses, waits, packets and process requests so far
    uint64_t activity_ = 0;
    unsigned timed_waits_ = 0;
    uint64_t idle_activity_ = UINT64_MAX;   // activity() when the looks began
    std::chrono::steady_clock::time_point idle_since_;
    bool stopped_idle_ = false;
    void open_waveform();
    struct Program {
        int node;
        std::string name;
        const char* waiting = nullptr;   // set by WaitingFor
        bool done = false;
    };
    Program* current_program();
    NodeBus* current_bus();   // the calling program's node's, or null
    std::map<const sc_core::sc_object*, Program> programs_;   // process -> program
    mutable const sc_core::sc_object* seen_process_ = nullptr;   // the last process looked up,
    mutable int seen_node_ = -1;                                 // and its node index
    std::thread::id sim_thread_;   // the OS thread that runs every SystemC process
    std::vector<FaultEvent> schedule_;
    int spawned_ = 0;
    bool hit_time_limit_ = false;
    int running_ = 0;
    int arrived_ = 0;
    uint64_t sync_generation_ = 0;
    sc_core::sc_event sync_event_;
};

}  // namespace rsmsim
