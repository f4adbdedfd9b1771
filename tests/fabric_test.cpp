// The fabric on its own: routes of each topology, per-hop and per-link
// timing, contention on a shared link, in-order delivery; and the whole stack
// on 64 nodes in each topology.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "rsmsim/model/fabric.h"
#include "rsmsim/model/topology.h"
#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using namespace rsmsim::model;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

TEST(Routes, OfEachTopology) {
    std::vector<uint16_t> ids;
    for (int k = 1; k <= 9; ++k) ids.push_back(static_cast<uint16_t>(4 * k));
    Topology ring(TopologyKind::Ring, ids), sw(TopologyKind::Switch, ids), torus(TopologyKind::Torus, ids);
    EXPECT_EQ(ring.route(4, 8).size(), 1u);
    EXPECT_EQ(ring.route(8, 4).size(), 8u) << "unidirectional: all the way round";
    EXPECT_EQ(ring.route(4, 36).size(), 8u);
    EXPECT_EQ(sw.route(4, 36).size(), 2u);
    EXPECT_TRUE(sw.route(12, 12).empty());
    // 3 x 3 torus: node 4 is (0,0), node 36 is (2,2): two along the row, two along the column.
    EXPECT_EQ(torus.route(4, 36).size(), 4u);
    EXPECT_EQ(torus.route(4, 8).size(), 1u);
    EXPECT_EQ(torus.route(8, 4).size(), 2u) << "row ringlet is unidirectional";
    Topology two(TopologyKind::Switch, {4, 8});
    EXPECT_EQ(two.route(4, 8).size(), 1u) << "two nodes: a cable";
    // A partial last row (10 nodes, 4 columns): every pair has a route.
    ids.push_back(40);
    Topology t10(TopologyKind::Torus, ids);
    for (uint16_t a : ids)
        for (uint16_t b : ids)
            if (a != b) {
                EXPECT_FALSE(t10.route(a, b).empty()) << a << "->" << b;
            }
    // Links a fault can name: ring neighbours; node and switch (kSwitch = 0)
    // in a switch of more than two nodes; unknown ids are no link.
    EXPECT_EQ(ring.link_between(4, 8), 0);
    EXPECT_EQ(ring.link_between(8, 4), -1) << "unidirectional";
    EXPECT_EQ(sw.link_between(8, Topology::kSwitch), 1) << "8's link up";
    EXPECT_EQ(sw.link_between(Topology::kSwitch, 8), 9 + 1) << "the switch's link down to 8";
    EXPECT_EQ(sw.route(8, 12), (std::vector<int>{1, 9 + 2}));
    EXPECT_EQ(sw.link_between(4, 8), -1) << "no node-to-node link through a switch";
    EXPECT_EQ(sw.link_between(99, Topology::kSwitch), -1);
    EXPECT_EQ(ring.link_between(4, 99), -1);
    EXPECT_EQ(sw.neighbour_links().size(), 18u);
    EXPECT_EQ(two.link_between(4, Topology::kSwitch), -1) << "two nodes: a cable, no switch";
    EXPECT_EQ(two.link_between(8, 4), 1);
    EXPECT_EQ(parse_topology("ring"), TopologyKind::Ring);
    EXPECT_FALSE(parse_topology("mesh").has_value());
}

// A port that records when packets arrive.
struct Probe : FabricPort {
    uint16_t id;
    std::vector<std::pair<double, uint32_t>> got;   // arrival ns, txn
    explicit Probe(uint16_t i) : id(i) {}
    uint16_t fabric_node_id() const override { return id; }
    void receive(const Packet& p) override { got.push_back({sc_core::sc_time_stamp().to_seconds() * 1e9, p.txn}); }
};

// A fabric joining four probes in a ring (4 -> 8 -> 12 -> 16 -> 4), elaborated.
struct ProbeRing {
    TimingProfile t = timing_profiles().front();
    Fabric fabric{"fabric", t, TopologyKind::Ring};
    std::vector<std::unique_ptr<Probe>> ports;
    ProbeRing() {
        for (int k = 1; k <= 4; ++k) {
            ports.push_back(std::make_unique<Probe>(static_cast<uint16_t>(4 * k)));
            fabric.attach(*ports.back());
        }
        sc_core::sc_start(SC_ZERO_TIME);   // elaboration: the topology is built
    }
};

Packet write_packet(uint16_t src, uint16_t dst, uint32_t txn, uint32_t len = 64) {
    Packet p = Packet::request(Cmd::Write, dst, 1, 0, len);
    p.src = src;
    p.txn = txn;
    p.data.assign(len, 0);
    return p;
}

TEST(Fabric, HopLatencyContentionAndOrderOnARing) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    Fabric& fabric = r.fabric;
    const auto& ports = r.ports;
    const double wire = transfer_ns(82, t.link_MBps), hop = t.hop_ns, in = t.adapter_ns;
    // 4 -> 16 crosses three links; 8 -> 16 the last two of them.
    fabric.send(write_packet(4, 16, 1), SC_ZERO_TIME);
    fabric.send(write_packet(8, 16, 2), SC_ZERO_TIME);
    for (uint32_t k = 0; k < 5; ++k) fabric.send(write_packet(4, 12, 10 + k), SC_ZERO_TIME);
    for (const auto& s : fabric.link_stats())
        EXPECT_NEAR(s.busy_ns, 0.0, 1e-6) << "booked ahead is not busy yet: " << s.from << "->" << s.to;
    sc_core::sc_start();
    const auto& g16 = ports[3]->got;
    ASSERT_EQ(g16.size(), 2u);
    // 8 -> 16 starts one hop nearer: it crosses 8->12 and 12->16 while they
    // are idle, before 4 -> 16's head gets there (a link serves packets as
    // they reach it, not in the order they were sent), and neither waits.
    EXPECT_EQ(g16[0].second, 2u);
    EXPECT_NEAR(g16[0].first, 2 * hop + wire + in, 1e-3) << "two hops, no contention";
    EXPECT_EQ(g16[1].second, 1u);
    EXPECT_NEAR(g16[1].first, 3 * hop + wire + in, 1e-3) << "three hops, no contention";
    // The five 4 -> 12 share link 4->8 with 4 -> 16: the first waits one
    // wire time for it, then they leave back to back, in order.
    const auto& g12 = ports[2]->got;
    ASSERT_EQ(g12.size(), 5u);
    EXPECT_NEAR(g12[0].first, wire + 2 * hop + wire + in, 1e-3);
    for (size_t k = 0; k < 5; ++k) EXPECT_EQ(g12[k].second, 10 + k) << "in order per source and target";
    for (size_t k = 1; k < 5; ++k) EXPECT_NEAR(g12[k].first - g12[k - 1].first, wire, 1e-3) << "back to back on the link";
    EXPECT_EQ(fabric.hops(4, 16), 3u);
    EXPECT_EQ(fabric.hops(16, 4), 1u);
    // Where the load went: 4->8 carried 4->16 and the five 4->12; 8->12 also
    // 8->16; 12->16 the two flows to 16; nothing went round to 4.
    const std::vector<uint64_t> crossings = {6, 7, 2, 0};
    const auto stats = fabric.link_stats();
    ASSERT_EQ(stats.size(), 4u);
    for (size_t l = 0; l < 4; ++l) {
        EXPECT_EQ(stats[l].packets, crossings[l]) << stats[l].from << "->" << stats[l].to;
        EXPECT_NEAR(stats[l].busy_ns, double(crossings[l]) * wire, 1e-6);
    }
    EXPECT_EQ(fabric.unreachable_answers(), 0u);
}

// A slow link stretches only its own wire time; a link that fails answers
// UNREACHABLE and, once up again, carries packets as before; a crashed
// node's own requests time out. Ring of four: 4 -> 8 -> 12 -> 16 -> 4.
TEST(Fabric, SlowLinkLinkUpAgainAndACrashedSender) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    Fabric& fabric = r.fabric;
    const auto& ports = r.ports;
    const std::vector<std::pair<uint16_t, uint16_t>> ring = {{4, 8}, {8, 12}, {12, 16}, {16, 4}};
    EXPECT_EQ(fabric.neighbour_links(), ring);
    const double wire = transfer_ns(82, t.link_MBps), hop = t.hop_ns, in = t.adapter_ns;
    auto last_arrival = [&](int index) { return ports[static_cast<size_t>(index)]->got.back().first; };

    // 8 -> 12 four times slower: 4 -> 16 crosses it in the middle. The tail
    // leaves the slow link 4 wires after its head entered it, and the fast
    // link after it cannot make up for that.
    EXPECT_FALSE(fabric.set_link_speed(4, 12, 2.0)) << "not neighbours";
    EXPECT_FALSE(fabric.set_link_speed(8, 12, 0.5)) << "a factor below 1 is not a slowdown";
    ASSERT_TRUE(fabric.set_link_speed(8, 12, 4.0));
    double t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
    fabric.send(write_packet(4, 16, 1), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_NEAR(last_arrival(3) - t0, 3 * hop + 4 * wire + in, 1e-3);
    ASSERT_TRUE(fabric.set_link_speed(8, 12, 1.0));
    t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
    fabric.send(write_packet(4, 16, 2), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_NEAR(last_arrival(3) - t0, 3 * hop + wire + in, 1e-3) << "full speed again";

    // Down: the fabric answers the sender UNREACHABLE; up: delivered again.
    ASSERT_TRUE(fabric.set_link(8, 12, false));
    const size_t before = ports[3]->got.size();
    fabric.send(write_packet(4, 16, 3), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_EQ(ports[3]->got.size(), before) << "nothing crosses a dead link";
    ASSERT_EQ(ports[0]->got.back().second, 3u) << "the sender got an answer";
    ASSERT_TRUE(fabric.set_link(8, 12, true));
    fabric.send(write_packet(4, 16, 4), SC_ZERO_TIME);
    sc_core::sc_start();
    ASSERT_EQ(ports[3]->got.size(), before + 1);
    EXPECT_EQ(ports[3]->got.back().second, 4u);

    // A noisy link: every attempt corrupted, so after the profile's retries
    // the sender gets a NACK (CRC) instead of a delivery; clean again, it
    // delivers.
    EXPECT_FALSE(fabric.set_link_error_rate(8, 12, 1.5));
    ASSERT_TRUE(fabric.set_link_error_rate(8, 12, 1.0));
    const uint64_t crc_before = fabric.crc_errors();
    const size_t at16 = ports[3]->got.size();
    fabric.send(write_packet(4, 16, 6), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_EQ(ports[3]->got.size(), at16) << "a corrupt packet is discarded";
    EXPECT_EQ(ports[0]->got.back().second, 6u) << "the sender got the NACK";
    EXPECT_EQ(fabric.crc_errors() - crc_before, uint64_t(1 + t.crc_retries)) << "every attempt failed";
    ASSERT_TRUE(fabric.set_link_error_rate(8, 12, 0.0));
    fabric.send(write_packet(4, 16, 7), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_EQ(ports[3]->got.back().second, 7u);
    EXPECT_EQ(fabric.crc_errors() - crc_before, uint64_t(1 + t.crc_retries)) << "clean again";

    // A crashed node's request is answered by its own timeout.
    fabric.crash_node(12);
    EXPECT_FALSE(fabric.alive(12));
    t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
    fabric.send(write_packet(12, 16, 5), SC_ZERO_TIME);
    sc_core::sc_start();
    EXPECT_EQ(ports[3]->got.back().second, 7u) << "a dead node sends nothing";
    ASSERT_EQ(ports[2]->got.back().second, 5u);
    EXPECT_NEAR(last_arrival(2) - t0, t.response_timeout_ns, 1e-3);
    EXPECT_EQ(fabric.unreachable_answers(), 2u) << "the dead link's answer and the crashed sender's timeout";
}

// A small packet may fit an idle stretch of a link that a larger one sent
// before it on the same flow could not use; it still arrives after it.
// Ring 4 -> 8 -> 12 -> 16 -> 4, link 8->12 four times slower (P1 needs 820
// ns there, P2 340); node 8's own traffic keeps that link busy until 820 and
// again from 1420, leaving a 600 ns stretch P2 fits into and P1 does not.
TEST(Fabric, InOrderPerFlowEvenWhenASmallPacketFitsAnEarlierGap) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    Fabric& fabric = r.fabric;
    const auto& ports = r.ports;
    ASSERT_TRUE(fabric.set_link_speed(8, 12, 4.0));
    const double wire = transfer_ns(82, t.link_MBps);   // 205 ns at full speed
    ASSERT_NEAR(4 * wire, 820, 1e-6) << "the numbers below assume pci-sci";
    fabric.send(write_packet(8, 12, 1), SC_ZERO_TIME);                 // 8->12 busy [0, 820)
    fabric.send(write_packet(8, 12, 2), sc_time(1420, SC_NS));         // and [1420, 2240)
    fabric.send(write_packet(4, 12, 3), sc_time(510, SC_NS));          // P1: reaches 8->12 at 810
    fabric.send(write_packet(4, 12, 4, 4), sc_time(510, SC_NS));      // P2: 34 bytes on the wire
    sc_core::sc_start();
    const auto& g12 = ports[2]->got;
    ASSERT_EQ(g12.size(), 4u);
    std::vector<uint32_t> order;
    for (const auto& g : g12) order.push_back(g.second);
    EXPECT_EQ(order, (std::vector<uint32_t>{1, 2, 3, 4})) << "P2 (4) never before P1 (3)";
    EXPECT_DOUBLE_EQ(g12[3].first, g12[2].first) << "held back to P1's arrival, not later";
    const auto stats = fabric.link_stats();
    EXPECT_EQ(stats[1].packets, 4u) << "all four crossed 8->12";
}

// The fast fidelity's trains: 16 packets of 64 bytes as one message, paced
// by their source at `pace_ns` a packet.
Packet write_train(uint16_t src, uint16_t dst, uint32_t txn, double pace_ns) {
    Packet p = Packet::request(Cmd::Write, dst, 1, 0, 1024);
    p.src = src;
    p.txn = txn;
    p.train = Packet::packets_of(0, 1024);
    p.pace_ns = pace_ns * p.train;
    return p;
}

// A train takes a link as its packets would, one by one: a burst booked
// first holds the link (its packets' gaps are too short for another's), the
// next one's packets queue meanwhile and then follow back to back.
TEST(Fabric, ATrainQueuesBehindABurstAndFollowsBackToBack) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    const double wire = transfer_ns(82, t.link_MBps), pace = transfer_ns(64, t.pio_MBps), hop = t.hop_ns,
                 in = t.adapter_ns;
    ASSERT_LT(pace - wire, transfer_ns(18, t.link_MBps)) << "the numbers below assume pci-sci";
    r.fabric.send(write_train(4, 8, 1, pace), SC_ZERO_TIME);    // 4 -> 8: link 4->8
    r.fabric.send(write_train(16, 8, 2, pace), SC_ZERO_TIME);   // 16 -> 4 -> 8: the same link, one hop later
    sc_core::sc_start();
    const auto& g8 = r.ports[1]->got;
    ASSERT_EQ(g8.size(), 2u);
    const double first_end = 15 * pace + wire;   // the first burst's last packet leaves 4->8
    EXPECT_EQ(g8[0].second, 1u);
    EXPECT_NEAR(g8[0].first, first_end + hop + in, 1e-2) << "paced by its source, alone on the link";
    EXPECT_EQ(g8[1].second, 2u);
    EXPECT_NEAR(g8[1].first, first_end + 16 * wire + hop + in, 1e-2) << "queued, then back to back";
}

// A train much slower than the link leaves room between its packets: a
// packet sent meanwhile crosses in a gap instead of waiting for its end.
TEST(Fabric, ASlowTrainLeavesRoomForOthers) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    const double wire = transfer_ns(82, t.link_MBps), pace = 3 * wire, hop = t.hop_ns, in = t.adapter_ns;
    r.fabric.send(write_train(4, 8, 1, pace), SC_ZERO_TIME);
    r.fabric.send(write_packet(16, 8, 2), sc_time(1000, SC_NS));   // reaches 4->8 at 1300 ns
    sc_core::sc_start();
    const auto& g8 = r.ports[1]->got;
    ASSERT_EQ(g8.size(), 2u);
    EXPECT_EQ(g8[0].second, 2u) << "the packet does not wait for the train";
    EXPECT_LT(g8[0].first, 1300 + 2 * pace + wire + hop + in) << "at most one of the train's packets ahead of it";
    EXPECT_EQ(g8[1].second, 1u);
    EXPECT_NEAR(g8[1].first, 15 * pace + wire + hop + in, 1e-2) << "the train ends at its own pace";
}

// A train held up midway reaches the next link as it left the last one:
// the packets that crossed in a gap before another's burst, spread out, then
// its final run back to back. Booked there as one even stream instead, it
// would take room on the next link before its packets could be there.
TEST(Fabric, ATrainHeldUpMidwayKeepsItsFinalRunTogether) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    const double w = transfer_ns(82, t.link_MBps), hop = t.hop_ns, in = t.adapter_ns;
    // 8 -> 12 takes link 8->12 once 4 of the next train's packets are through.
    r.fabric.send(write_train(8, 12, 1, w), sc_time(hop + 4.5 * w, SC_NS));
    r.fabric.send(write_train(4, 16, 2, w), SC_ZERO_TIME);   // 4->8, 8->12, 12->16
    // Sent when the 4 -> 16 train's packets, spread evenly over their time
    // on 8->12, would be on 12->16.
    r.fabric.send(write_packet(12, 16, 3), sc_time(2 * hop + 2 * w, SC_NS));
    sc_core::sc_start();
    const auto& g16 = r.ports[3]->got;
    ASSERT_EQ(g16.size(), 2u);
    EXPECT_EQ(g16[0].second, 3u);
    EXPECT_NEAR(g16[0].first, 2 * hop + 3 * w + hop + in, 1e-2) << "12->16 is free: the train's run has not come";
    EXPECT_EQ(g16[1].second, 2u);
    // 4 packets, then the other train's 16, then its last 12 back to back.
    EXPECT_NEAR(g16[1].first, 3 * hop + 32.5 * w + in, 1e-2) << "its last packet as it left 8->12, one hop on";
}

// A slow train that queued behind a burst drains after it at the link's
// speed, then catches up with its source's pace; on the next link it is not
// held back to that pace again (a queue's backlog leaves back to back).
TEST(Fabric, ATrainThatQueuedIsNotSlowedAgainAfter) {
    ProbeRing r;
    const TimingProfile& t = r.t;
    const double w = transfer_ns(82, t.link_MBps), hop = t.hop_ns, in = t.adapter_ns;
    r.fabric.send(write_train(8, 12, 1, w), SC_ZERO_TIME);       // holds 8->12 for 16 packets
    r.fabric.send(write_train(4, 16, 2, 3 * w), SC_ZERO_TIME);   // three times slower than the link
    sc_core::sc_start();
    const auto& g16 = r.ports[3]->got;
    ASSERT_EQ(g16.size(), 1u);
    // Its last packet leaves 8->12 as it came, one packet every 3 wire
    // times from the first (45 w after it, which left at `hop`), and
    // follows cut-through: two more hops.
    EXPECT_NEAR(g16[0].first, hop + 46 * w + 2 * hop + in, 1e-2) << "as its last packet left 8->12, two hops on";
}

// 64 nodes, each importing from node 4 and writing its own slice.
void all_to_one(TopologyKind kind) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(64);
    cfg.topology = kind;
    rsmsim::test::PageBuffer mem(64 * 256);
    rsm_memseg_id_t seg = 0x400090;
    rsmsim::test::run_nodes(cfg, [&](int i, rsmsim::Cluster& cl) {
        rsmapi_controller_handle_t c = rsmsim::test::controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), mem.len, 0));
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &seg, nullptr, 0));
        }
        cl.sync();
        if (i > 0) {
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, seg, RSM_PERM_RDWR, &im));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            std::vector<uint8_t> d(256, static_cast<uint8_t>(i));
            ASSERT_RSM_OK(rsm_memseg_import_put(im, i * 256, d.data(), d.size()));
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        }
    });
    for (int i = 1; i < 64; ++i)
        for (int k = 0; k < 256; k += 51) ASSERT_EQ(mem.data()[i * 256 + k], i) << "node " << 4 * (i + 1);
}

TEST(Fabric, SixtyFourNodesThroughASwitch) { all_to_one(TopologyKind::Switch); }
TEST(Fabric, SixtyFourNodesOnARing) { all_to_one(TopologyKind::Ring); }
TEST(Fabric, SixtyFourNodesInATorus) { all_to_one(TopologyKind::Torus); }

}  // namespace
