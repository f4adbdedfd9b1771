// Fabric: the interconnect joining the nodes' adapters, in a Topology.
// Timing is computed per packet along its route, when it is sent: on every
// link it takes the first idle stretch at or after its head's arrival that
// fits its wire time (cut-through: the head moves on after the per-hop
// latency; a blocked packet waits in the node), so flows sharing a link
// share its bandwidth and a packet that reaches a link first is not held
// behind one sent earlier from further away. Delivery stays in order per
// source -> target (a packet never arrives before one sent earlier on the
// same flow). One delivery event per packet; idle links cost nothing. The
// fast fidelity's trains (Packet::train) take the same gaps at train
// granularity: a data train through each link's idle gaps as its packets
// would, a put's answers behind what is booked on their way back.
#pragma once

#include <systemc>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <unordered_map>
#include <vector>

#include "rsmsim/model/packet.h"
#include "rsmsim/model/stretches.h"
#include "rsmsim/model/timing.h"
#include "rsmsim/model/topology.h"

namespace rsmsim::model {

class Waves;

class FabricPort {
public:
    virtual ~FabricPort() = default;
    virtual uint16_t fabric_node_id() const = 0;
    // Called at the packet's arrival time; must not block.
    virtual void receive(const Packet& p) = 0;
    // The fabric changed its routes (a link failed or came back where the
    // topology can route around it).
    virtual void route_changed() {}
    // `node` crashed: nothing it exported exists any more.
    virtual void node_lost(uint16_t node) { (void)node; }
};

class Fabric : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Fabric);
    Fabric(sc_core::sc_module_name name, const TimingProfile& timing,
           TopologyKind topology = TopologyKind::Switch);

    void attach(FabricPort& port);
    // The bytes of trains (Packet::bulk), held by the fabric while they
    // travel: a new slot of `len` bytes, its bytes, and its release by
    // whoever consumes the packet (the fabric releases what it drops). A new
    // slot holds `bytes` if given, else `len` zero bytes.
    uint32_t bulk_new(size_t len, const uint8_t* bytes = nullptr);
    std::vector<uint8_t>& bulk(uint32_t slot) { return bulk_store_[slot]; }
    void bulk_release(uint32_t slot);
    // Sends p, leaving the sender `delay` after the current time. A packet to
    // an unknown node is answered by the fabric with ERR_CLASS UNREACHABLE.
    void send(Packet p, sc_core::sc_time delay);
    // Node slots (id / 4 - 1) of every attached node.
    uint64_t peer_mask() const;
    // Hops between two nodes in the topology (0 = same node). Valid once
    // every node is attached (after elaboration).
    unsigned hops(uint16_t src, uint16_t dst) const;
    TopologyKind topology_kind() const { return kind_; }

    // Fault injection: every request packet is corrupted on its way with
    // probability `rate` (per attempt, from a generator seeded with `seed`).
    // The link layer retransmits it up to the profile's crc_retries times
    // (each attempt costs the route again); after that the target discards
    // it and the sender gets a NACK with ERR_CLASS CRC.
    void set_crc_error_rate(double rate, uint64_t seed);
    // A link between neighbouring nodes (or between a node and the switch,
    // Topology::kSwitch) goes down or up. Packets take another route where
    // the topology has one (every adapter's ROUTE_GEN moves, so open
    // barriers fail), else they are answered UNREACHABLE. False if there is
    // no such link in this topology.
    bool set_link(uint16_t from, uint16_t to, bool up);
    // A slow link: its bandwidth is divided by `factor` (>= 1; 1 restores
    // full speed), as when a link trains down to fewer lanes. Packets keep
    // their route; only their wire time on that link grows. False if the
    // two nodes are not neighbours or the factor is below 1.
    bool set_link_speed(uint16_t from, uint16_t to, double factor);
    // A noisy link: from now on a request crossing it is corrupted with
    // probability `rate` per attempt (0 = clean again), on top of the
    // fabric-wide rate; retried and NACKed like any CRC error. False if the
    // two nodes are not neighbours or the rate is outside 0..1.
    bool set_link_error_rate(uint16_t from, uint16_t to, double rate);
    // The node pairs set_link/set_link_speed accept. Valid after elaboration.
    std::vector<std::pair<uint16_t, uint16_t>> neighbour_links();
    // A node crashes: its adapter stops answering and every other adapter
    // drops its imports from it (as a node-lost event); whatever software
    // still runs there sees its requests time out. Its link controller keeps
    // forwarding traffic that passes through (an SCI bypass is powered from
    // the card, not the host), so a ring or torus stays connected; a link
    // that fails as well is a separate fault (set_link).
    void crash_node(uint16_t node);
    bool alive(uint16_t node) const;
    uint64_t crc_errors() const { return crc_errors_; }

    uint64_t packets_delivered() const { return delivered_; }
    bool packets_in_flight() const { return !in_flight_.empty(); }
    // For a progress display on another OS thread: packets delivered and the
    // simulated time of the last delivery, as of the latest one.
    uint64_t progress_packets() const { return progress_packets_.load(std::memory_order_relaxed); }
    double progress_ns() const { return progress_ns_.load(std::memory_order_relaxed); }
    // The event the next delivery fires on, if it is due at `at` (else null):
    // a thread that waits exactly until then can wait on it rather than on
    // a notification of its own for the same time (NodeBus).
    const sc_core::sc_event* delivery_event_at(const sc_core::sc_time& at) const {
        return wake_at_ == at ? &wake_ : nullptr;
    }
    // Per link since the start: packets that crossed it (every attempt) and
    // the time it was busy with them, for reports of where the load went.
    struct LinkStats {
        uint16_t from, to;   // Topology::kSwitch (0) for the switch
        uint64_t packets;
        double busy_ns;      // wire time used up to now
        uint64_t bytes;      // on the wire: headers, payloads and CRCs
    };
    std::vector<LinkStats> link_stats();
    // Requests answered UNREACHABLE or timed out by the fabric.
    uint64_t unreachable_answers() const { return unreachable_; }
    void trace(Waves& w);

private:
    // A packet on its way: the queue holds small keys (a DMA chain keeps
    // thousands in flight, and sifting whole packets cost more than the
    // rest of their delivery); the packet waits in a parking slot.
    struct InFlight {
        sc_core::sc_time at;
        uint64_t seq;    // tie-break: equal arrival times deliver in send order
        uint32_t slot;   // in parked_
        bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    void deliver();
    // Answers `request` with UNREACHABLE at `at`, as the requester's timeout.
    void time_out(const Packet& request, sc_core::sc_time at);
    // send()'s cases: the first route whose links are all up (nullptr: none,
    // or no live target); an answer that cannot get back; a request nobody
    // can reach; a packet crossing its route (returns when it is acted on);
    // delivery in send order per source and target.
    const std::vector<int>* up_route(uint16_t src, uint16_t dst);
    void answer_lost(Packet p, sc_core::sc_time depart);
    void answer_unreachable(const Packet& p, sc_core::sc_time depart);
    sc_core::sc_time cross(Packet& p, const std::vector<int>& links, sc_core::sc_time depart);
    double corruption_chance(const std::vector<int>& links) const;
    void cross_links(const Packet& p, const std::vector<int>& links, sc_core::sc_time& head, sc_core::sc_time& tail,
                     double extra_bytes = 0);
    sc_core::sc_time cross_train(Packet& p, const std::vector<int>& links, double corrupt_p, int attempts_allowed,
                                 sc_core::sc_time& head, sc_core::sc_time& tail);
    sc_core::sc_time in_order(const Packet& p, sc_core::sc_time arrive);
    // A train's packets reaching a link: `count` of them, ready one per
    // `pace_ns` from `ready` on.
    struct Arrivals {
        sc_core::sc_time ready;
        double count;
        double pace_ns;
    };
    // How they left a link: the first one's start, the last one's end, and
    // the final run (`burst_count` packets from `burst` on, back to back or
    // at their own pace; `queued`: it waited for the link first); those
    // before it left earlier, in gaps others left.
    struct Departures {
        sc_core::sc_time first, burst, end;
        double burst_count;
        bool queued;
    };
    // A train reaching the next link: what left the last one in its gaps
    // (spread over the time they took), then its final run. Kept in two
    // parts, not as one average pace: a train held up behind another's
    // burst leaves behind it back to back, and spread evenly it would leave
    // the next links idle while it queued.
    struct TrainParts {
        Arrivals part[2];
        int parts = 1;
        double source_pace_ns = 0;   // no part is faster than its source
        static TrainParts after(const Departures& d, const TrainParts& in, double count, double wire_ns,
                                sc_core::sc_time hop);
    };
    // The last train crossed: how its packets left its last link, and the
    // share of them that left before its final run.
    Departures train_out_;
    double train_early_share_ = 0;
    // Delivers p at `at` (one event; ties in scheduling order).
    uint64_t schedule(Packet p, sc_core::sc_time at);   // its place in the queue (InFlight::seq)
    // Trains on their way: a link that goes down cuts those crossing it (the
    // packets that had not left by then never arrive) and the rest arrives
    // as early as their last packet would have.
    struct TrainOnWay {
        Packet packet;
        const std::vector<int>* links;
        sc_core::sc_time depart, end;   // when its first and its last packet leave
        sc_core::sc_time arrive;
        uint32_t cut;                   // packets that left before a link on the way went down
        uint64_t seq;                   // its entry in the queue
    };
    void cut_trains(int link);
    void arrive_cut(Packet& p);
    // A put train's answers: the target answers each packet as it arrives,
    // and an answer finding its way out busy with a burst booked earlier
    // waits behind it (the RTL books each answer when it is made). Over the
    // time the data train's packets arrive, its answers take their way back
    // in a few chunks, each when it begins, behind what is booked by then;
    // the answer train, sent when the data is in, arrives no earlier than
    // the last. (What flows alongside the data in idle gaps is not booked:
    // booked ahead, it would take gaps that later data could not use.)
    struct AnswerWindow {
        static constexpr int kChunks = 8;
        // When the data train's first packet arrives, its final run begins
        // and its last packet arrives; the packets before that run.
        sc_core::sc_time start, burst, end;
        double early;
        uint32_t packets;
        uint16_t src, dst;             // of the answers
        uint64_t key;                  // answer_key of the request
        int chunk = 0;                 // the next to take its way
        std::vector<sc_core::sc_time> link_free;   // per link of the way: the answers so far are through
        sc_core::sc_time arrival(double k) const {   // of packet k (0 .. packets), spread evenly in each part
            if (k < early) return start + (burst - start) * (k / early);
            return burst + (end - burst) * ((k - early) / std::max(1.0, packets - early));
        }
        sc_core::sc_time chunk_start() const { return arrival(double(packets) * chunk / kChunks); }
        bool operator>(const AnswerWindow& o) const { return chunk_start() > o.chunk_start(); }
    };
    static uint64_t answer_key(uint16_t requester, uint16_t target, uint32_t txn) {
        return uint64_t{flow(requester, target)} << 32 | txn;
    }
    void queue_answers();   // the process: the answer chunks that begin now
    void wake_answers();
    void forget_answers(const Packet& request);   // its answer train will not be sent
    // The chunk's `count` answers, made evenly over [from, to), cross `back`;
    // the last one's tail.
    sc_core::sc_time answers_through(sc_core::sc_time from, sc_core::sc_time to, double count,
                                     const std::vector<int>& back, std::vector<sc_core::sc_time>& link_free);
    std::priority_queue<AnswerWindow, std::vector<AnswerWindow>, std::greater<AnswerWindow>> answer_windows_;
    std::unordered_map<uint64_t, sc_core::sc_time> answers_done_;   // by answer_key: the last answer's arrival
    sc_core::sc_event answers_wake_;
    void end_of_elaboration() override;
    const Topology& topology();

    const TimingProfile& timing_;
    // Per-packet times, made once (the hot path): the receiving adapter's
    // ingress, a hop's latency, and the wire time of the smallest packet.
    const sc_core::sc_time ingress_, hop_, shortest_;
    // Per node id: its port (null: no node has that id), and whether it crashed.
    struct NodeEntry {
        FabricPort* port = nullptr;
        bool crashed = false;
        uint16_t place = 0;   // among the nodes in node-id order (set with the topology)
    };
    std::vector<NodeEntry> nodes_;   // indexed by node id
    const NodeEntry& node(uint16_t id) const {
        static const NodeEntry kNone;
        return id < nodes_.size() ? nodes_[id] : kNone;
    }
    template <typename Fn>
    void for_each_port(Fn&& fn) {   // in node-id order
        for (size_t id = 0; id < nodes_.size(); ++id)
            if (nodes_[id].port) fn(static_cast<uint16_t>(id), *nodes_[id].port);
    }
    TopologyKind kind_;
    std::unique_ptr<Topology> topology_;       // built once every node is attached
    // One directed link: when it is busy, its faults, its load.
    struct Link {
        // Busy stretches; those that ended before the current time are
        // dropped as packets are placed.
        Stretches busy;
        bool down = false;
        double slowdown = 1.0;     // wire-time factor (1 = full speed)
        double error_rate = 0.0;   // corruption probability per crossing
        uint64_t packets = 0;      // crossings
        double busy_ns = 0;        // wire time booked (used, or to be used)
        // Crossings, {end, start}, for what of busy_ns still lies ahead (a
        // run stopped early booked beyond its end). Those over by now are
        // dropped in batches, when the list has doubled since the last.
        std::vector<std::pair<sc_core::sc_time, sc_core::sc_time>> ahead;
        size_t ahead_drop_at = 64;
        uint64_t bytes = 0;        // wire bytes carried
        // The start of the first idle stretch of `length` at or after
        // `earliest`, taken. An idle gap shorter than `shortest` (the wire
        // time of the smallest packet there is) can never be used, so it is
        // counted as busy: the result is the same, the search shorter.
        sc_core::sc_time reserve(sc_core::sc_time earliest, sc_core::sc_time length, sc_core::sc_time shortest);
        // A train through the idle gaps, its packets each `wire_ns` on this
        // link, arriving in one or two parts (TrainParts) and leaving in
        // order: when they left (Departures), every gap used booked.
        Departures reserve_train(const TrainParts& in, double wire_ns, sc_core::sc_time shortest);
        // One part, not leaving before `not_before`; its two cases: a part
        // slower than the link by more than a packet, and the rest.
        Departures reserve_stream(const Arrivals& a, sc_core::sc_time not_before, double wire_ns,
                                  sc_core::sc_time shortest);
        Departures place_groups(const Arrivals& a, sc_core::sc_time not_before, double wire_ns,
                                sc_core::sc_time shortest);
        Departures fill_gaps(const Arrivals& a, sc_core::sc_time not_before, double wire_ns, sc_core::sc_time shortest);
        // A crossing's load, for link_stats (`extra_bytes`: resent after CRC errors).
        void count(const Packet& p, double extra_bytes, double link_MBps);
        void forget_past();   // drops the stretches and crossings over by now
        void book(sc_core::sc_time start, sc_core::sc_time length, sc_core::sc_time shortest);
    };
    // The link from -> to, or null if the topology has none.
    Link* link(uint16_t from, uint16_t to);
    std::vector<Link> links_;
    // A source -> target pair as one key.
    static uint32_t flow(uint16_t src, uint16_t dst) { return uint32_t{src} << 16 | dst; }
    // Per source -> target pair of nodes, by their places.
    struct Flow {
        sc_core::sc_time last_arrival;          // in-order delivery
        std::vector<std::vector<int>> routes;   // candidate routes, found at first use
        bool routed = false;
    };
    std::vector<Flow> flows_;
    size_t node_count_ = 0;
    Flow& flow_of(uint16_t src, uint16_t dst) { return flows_[node(src).place * node_count_ + node(dst).place]; }
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> in_flight_;
    std::vector<Packet> parked_;          // the packets of in_flight_, by slot
    std::vector<uint32_t> free_parking_;
    sc_core::sc_event wake_;
    // When wake_ is due (SC_MAX_TIME: not pending). SystemC leaves a
    // superseded notification in its queue until its time, so the fabric
    // notifies only when a packet becomes the earliest, and once after a
    // delivery run, not for each packet its deliveries send.
    const sc_core::sc_time never_ = sc_core::sc_max_time();
    sc_core::sc_time wake_at_ = never_;
    bool delivering_ = false;
    void wake_at(sc_core::sc_time at);
    uint64_t seq_ = 0;
    double crc_rate_ = 0;
    std::mt19937_64 rng_{0};
    uint64_t crc_errors_ = 0;   // corrupted attempts, retried or not
    uint64_t delivered_ = 0;
    std::atomic<uint64_t> progress_packets_{0};
    std::atomic<double> progress_ns_{0};
    uint64_t unreachable_ = 0;
    std::vector<TrainOnWay> trains_;
    std::set<uint64_t> superseded_;   // queue entries of trains cut and sent again, earlier
    std::vector<std::vector<uint8_t>> bulk_store_{1};   // slot 0: none
    std::vector<uint32_t> bulk_free_;

    // Faults in effect (counted for the waveform and reports).
    uint16_t links_down_ = 0, links_slow_ = 0, links_noisy_ = 0, nodes_crashed_ = 0;

    // Waveform: every link's packet on the wire and its faults; the packet
    // each node last received; which nodes crashed.
    void trace_crossing(int link, const Packet& p, sc_core::sc_time start, sc_core::sc_time end);
    void trace_link_faults(uint16_t from, uint16_t to);
    void trace_delivery(const Packet& p);
    Waves* waves_ = nullptr;
    uint64_t sent_ = 0;   // packets sent so far (Packet::id)
    struct LinkSignals {
        int down = -1, speed_pct = -1, noisy = -1;
        int lane = -1;   // the Waves::Lane of its packets (their fields' signals)
    };
    std::vector<LinkSignals> link_sigs_;                 // per link id
    std::vector<int> rx_lanes_;   // per node id: the Waves::Lane of the packet it last received
    std::map<uint16_t, int> crashed_sigs_;               // per node
    struct {
        int delivered = -1, links_down = -1, links_slow = -1, links_noisy = -1, nodes_crashed = -1, crc_errors = -1;
    } count_sigs_;
};

}  // namespace rsmsim::model
