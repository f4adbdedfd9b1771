// Fault injection through the rsmapi: corrupted packets, slow and noisy
// links, links down and up, node crashes, on a schedule and drawn from many
// seeds. Nothing is lost silently: a call either succeeds with its data in
// place or returns the documented failure (a putv its residual), and no byte
// outside the written spans ever changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "rsmsim/model/topology.h"
#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;

constexpr rsm_memseg_id_t kId = 0x4000A0;
constexpr size_t kSlot = 128;   // puts go to every other slot; the gaps must stay zero

// Node 4 exports `mem` as kId; node 8 connects (retrying: with CRC faults on,
// the lookup may be corrupted too), sets up a barrier, runs `body`, then
// tears both down.
void export_and_import(const rsmsim::ClusterConfig& cfg, PageBuffer& mem,
                       const std::function<void(Cluster&, rsm_memseg_import_handle_t)>& body) {
    rsmsim::test::export_scenario(cfg, {{mem.data(), mem.len, kId}}, [&](int, Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        int rc = RSMERR_REMOTE_NODE_UNREACHABLE;
        for (int tries = 0; tries < 20 && rc != RSM_SUCCESS; ++tries)
            rc = rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im);
        ASSERT_RSM_OK(rc);
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        body(cl, im);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

class CrcFaults : public ::testing::TestWithParam<int> {};

TEST_P(CrcFaults, ReportedNeverSilent) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    cfg.timing.crc_retries = 0;   // every corruption reaches the rsmapi
    cfg.crc_error_rate = 0.2;
    cfg.seed = static_cast<uint64_t>(GetParam());
    PageBuffer mem(65536);
    int put_failures = 0;
    export_and_import(cfg, mem, [&](Cluster& cl, rsm_memseg_import_handle_t im) {
        for (int k = 0; k < 30; ++k) {
            std::vector<uint8_t> d(64, static_cast<uint8_t>(k + 1));
            int r = RSMERR_BARRIER_FAILURE;
            for (int tries = 0; tries < 50 && r != RSM_SUCCESS; ++tries) {
                r = rsm_memseg_import_put(im, static_cast<off_t>(2 * k * kSlot), d.data(), d.size());
                ASSERT_TRUE(r == RSM_SUCCESS || r == RSMERR_BARRIER_FAILURE) << rsmsim::rsm_error_name(r);
                if (r != RSM_SUCCESS) ++put_failures;
            }
            ASSERT_RSM_OK(r) << "retrying the span completes it";
        }
        // A putv of 8 entries: on failure the completed ones landed, the rest
        // (entries complete in order in implicit mode) did not start.
        std::vector<uint8_t> src(256, 0xEE);
        rsm_iovec_t iov[8];
        for (int k = 0; k < 8; ++k) {
            iov[k] = {};
            iov[k].io_type = RSM_VA_TYPE;
            iov[k].local.vaddr = reinterpret_cast<caddr_t>(src.data());
            iov[k].remote_offset = 32768 + 1024 * k;
            iov[k].transfer_length = src.size();
        }
        rsm_scat_gath_t sg{};
        sg.io_request_count = 8;
        sg.remote_handle = im;
        sg.iovec = iov;
        const int rc = rsm_memseg_import_putv(&sg);
        if (rc != RSM_SUCCESS) {
            EXPECT_RSM(RSMERR_BARRIER_FAILURE, rc);
            ASSERT_GT(sg.io_residual_count, 0u);
            const size_t done = 8 - sg.io_residual_count;
            for (size_t k = 0; k < done; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k + 255], 0xEE) << k;
            for (size_t k = done + 1; k < 8; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k], 0) << "never started";
        } else {
            EXPECT_EQ(sg.io_residual_count, 0u);
            for (int k = 0; k < 8; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k + 255], 0xEE);
        }
        EXPECT_GT(cl.fabric().crc_errors(), 0u);
    });
    EXPECT_GT(put_failures, 0) << "with 20% corruption and no retries, some puts must fail";
    for (int k = 0; k < 30; ++k) {
        for (size_t b = 0; b < 64; ++b) ASSERT_EQ(mem.data()[2 * k * kSlot + b], k + 1) << "put " << k;
        for (size_t b = 0; b < kSlot; ++b) ASSERT_EQ(mem.data()[(2 * k + 1) * kSlot + b], 0) << "gap after put " << k;
    }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CrcFaults, ::testing::Range(1, 11));

TEST(CrcFaults, TheLinkLayerRetriesTransparently) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);   // profile: 3 retries
    cfg.crc_error_rate = 0.05;
    cfg.seed = 42;
    PageBuffer mem(4096);
    export_and_import(cfg, mem, [&](Cluster& cl, rsm_memseg_import_handle_t im) {
        std::vector<uint8_t> d(4096, 0x5A);
        ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, d.data(), d.size())) << "64 packets, retried where corrupted";
        EXPECT_GT(cl.fabric().crc_errors(), 0u) << "some attempts were corrupted and retried";
    });
    for (size_t b = 0; b < 4096; ++b) ASSERT_EQ(mem.data()[b], 0x5A);
}

}  // namespace

namespace {

using rsmsim::model::TopologyKind;

// Node 20 exports; node 4 imports it. In a 3 x 3 torus the route 4 -> 20
// goes 4 -> 8 (row) then 8 -> 20 (column); with link 4 -> 8 down it goes
// 4 -> 16 (column) then 16 -> 20 (row).
TEST(LinkFaults, TorusReroutesAndFailsTheBarrierThatSpannedIt) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(9);
    cfg.topology = TopologyKind::Torus;
    PageBuffer mem(4096);
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        if (i != 0 && i != 4) {   // node 4 (index 0) imports, node 20 (index 4) exports
            cl.sync();
            cl.sync();
            if (i == 8) {
                ASSERT_TRUE(cl.fabric().set_link(4, 8, false));   // the operator pulls a cable
            }
            cl.sync();
            cl.sync();
            return;
        }
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 4) {
            ASSERT_TRUE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
        }
        cl.sync();   // 1
        rsm_memseg_import_handle_t im = nullptr;
        rsmapi_barrier_t bar{};
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 20, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, const_cast<char*>("first"), 6));
        }
        cl.sync();   // 2
        cl.sync();   // 3: the link is down, routes changed
        if (i == 0) {
            EXPECT_RSM(RSMERR_BARRIER_FAILURE, rsm_memseg_import_close_barrier(&bar)) << "ROUTE_GEN moved";
            ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 100, const_cast<char*>("second"), 7));
            ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar)) << "the rerouted span is clean";
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();   // 4
        if (i == 4) {
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        }
    });
    EXPECT_STREQ(reinterpret_cast<char*>(mem.data()), "first") << "it did land; the span just cannot vouch for it";
    EXPECT_STREQ(reinterpret_cast<char*>(mem.data()) + 100, "second");
}

TEST(LinkFaults, ABrokenRingMakesNodesUnreachable) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(4);
    cfg.topology = TopologyKind::Ring;
    PageBuffer mem(4096);
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_import_handle_t im = nullptr;
        rsmapi_barrier_t bar{};
        if (i == 0) {
            ASSERT_TRUE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
        }
        cl.sync();   // 1
        if (i == 1) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        }
        cl.sync();   // 2
        if (i == 3) {
            ASSERT_TRUE(cl.fabric().set_link(12, 16, false));   // 8 -> 4 runs 8, 12, 16, 4
        }
        cl.sync();   // 3
        if (i == 1) {
            EXPECT_RSM(RSMERR_BARRIER_FAILURE, rsm_memseg_import_put(im, 0, const_cast<char*>("lost"), 5));
            rsm_memseg_import_handle_t again = nullptr;
            EXPECT_RSM(RSMERR_REMOTE_NODE_UNREACHABLE, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &again));
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();   // 4
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        }
    });
    for (size_t b = 0; b < mem.len; ++b) ASSERT_EQ(mem.data()[b], 0) << "nothing landed";
}

TEST(NodeFaults, ACrashedExporterAbortsItsImportersAndOthersContinue) {
    PageBuffer a(4096), b(4096);
    rsmsim::test::run_nodes(3, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i < 2) {   // nodes 4 and 8 each export a segment
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, i == 0 ? a.data() : b.data(), 4096, 0));
            rsm_memseg_id_t id = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
        }
        cl.sync();   // 1
        if (i == 2) {   // node 12 imports both
            rsm_memseg_import_handle_t from4 = nullptr, from8 = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &from4));
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 8, kId, RSM_PERM_RDWR, &from8));
            rsmapi_barrier_t b4{}, b8{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(from4, RSM_BAR_DEFAULT, &b4));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(from8, RSM_BAR_DEFAULT, &b8));
            ASSERT_RSM_OK(rsm_memseg_import_put(from4, 0, const_cast<char*>("before"), 7));
            cl.sync();   // 2
            cl.fabric().crash_node(4);
            EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_put(from4, 16, const_cast<char*>("after"), 6));
            ASSERT_RSM_OK(rsm_memseg_import_put(from8, 0, const_cast<char*>("others"), 7)) << "node 8 continues";
            rsm_memseg_import_handle_t again = nullptr;
            EXPECT_RSM(RSMERR_REMOTE_NODE_UNREACHABLE, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &again));
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&b4));
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&b8));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(from4));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(from8));
            cl.sync();   // 3
            return;
        }
        cl.sync();   // 2
        cl.sync();   // 3
        // Node 4's program outlives its adapter's crash: destroying its
        // segment still frees it (the revocations it sends go nowhere).
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
    EXPECT_STREQ(reinterpret_cast<char*>(a.data()), "before") << "data before the crash stays";
    EXPECT_EQ(a.data()[16], 0);
    EXPECT_STREQ(reinterpret_cast<char*>(b.data()), "others");
}

}  // namespace

namespace {

using rsmsim::FaultEvent;
using rsmsim::model::TopologyKind;

// A slow link stretches a link-bound transfer by its factor, and nothing is
// lost: the data arrives, only later.
TEST(SlowLink, ALargePutvTakesFactorTimesLonger) {
    constexpr size_t kLen = 256 * 1024;
    PageBuffer remote(2 * kLen), local(kLen);
    for (size_t k = 0; k < kLen; ++k) local.data()[k] = static_cast<uint8_t>(k * 13 + 5);
    double fast_ns = 0, slow_ns = 0;
    export_and_import(rsmsim::test::config(2), remote, [&](Cluster& cl, rsm_memseg_import_handle_t im) {
        auto putv_at = [&](size_t remote_offset) {
            rsm_iovec_t iov{};
            iov.io_type = RSM_VA_TYPE;
            iov.local.vaddr = reinterpret_cast<caddr_t>(local.data());
            iov.remote_offset = remote_offset;
            iov.transfer_length = kLen;
            rsm_scat_gath_t sg{};
            sg.io_request_count = 1;
            sg.remote_handle = im;
            sg.iovec = &iov;
            const double t0 = Cluster::now_ns();
            EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_putv(&sg));
            return Cluster::now_ns() - t0;
        };
        fast_ns = putv_at(0);
        ASSERT_TRUE(cl.fabric().set_link_speed(8, 4, 4.0));   // the link the data crosses
        slow_ns = putv_at(kLen);
    });
    EXPECT_EQ(std::memcmp(remote.data(), local.data(), kLen), 0);
    EXPECT_EQ(std::memcmp(remote.data() + kLen, local.data(), kLen), 0) << "slow, but all there";
    std::printf("putv of %zu B: %.1f us at full speed, %.1f us on a 4x slower link\n", kLen, fast_ns / 1000, slow_ns / 1000);
    EXPECT_NEAR(slow_ns / fast_ns, 4.0, 0.2) << "fast " << fast_ns << " ns, slow " << slow_ns << " ns";
}

// A noisy link on a schedule: while it corrupts every request and the
// profile allows no retries, puts fail visibly (BARRIER_FAILURE) and the
// barrier counters record CRC errors; once it is clean, puts land again.
TEST(NoisyLink, FailsVisiblyThenRecovers) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    cfg.timing.crc_retries = 0;
    std::string err;
    ASSERT_TRUE(rsmsim::parse_faults("crc:8-4@40/1; crc:8-4@120/0", cfg.faults, err)) << err;
    PageBuffer mem(4096);
    std::vector<int> rcs;
    std::vector<double> at;
    export_and_import(cfg, mem, [&](Cluster&, rsm_memseg_import_handle_t im) {
        for (int k = 0; Cluster::now_ns() < 160'000; ++k) {
            const uint32_t v = static_cast<uint32_t>(k + 1);
            at.push_back(Cluster::now_ns());
            rcs.push_back(rsm_memseg_import_put(im, static_cast<off_t>(8 * k), const_cast<uint32_t*>(&v), 4));
        }
    });
    int failed = 0;
    for (size_t k = 0; k < rcs.size(); ++k) {
        uint32_t got = 0;
        std::memcpy(&got, mem.data() + 8 * k, 4);
        const bool noisy = at[k] >= 40'000 && at[k] + 10'000 < 120'000;   // wholly inside the noisy span
        const bool clean = at[k] + 10'000 < 40'000 || at[k] >= 120'000;
        if (noisy) {
            EXPECT_RSM(RSMERR_BARRIER_FAILURE, rcs[k]) << "put " << k;
            EXPECT_EQ(got, 0u) << "a corrupted request is discarded";
        }
        if (clean) {
            EXPECT_RSM(RSM_SUCCESS, rcs[k]) << "put " << k;
            EXPECT_EQ(got, k + 1);
        }
        if (rcs[k] != RSM_SUCCESS) ++failed;
        EXPECT_EQ(mem.data()[8 * k + 4], 0) << "gap after put " << k;
    }
    EXPECT_GT(failed, 3);
    EXPECT_LT(static_cast<size_t>(failed), rcs.size() - 3);
}

// Random link flaps, slow links, a noisy link and a node crash, drawn from
// the seed, while every node puts into every other node. Every call either succeeds -- and
// then its data is there -- or returns one of the documented failures; a
// failed span holds its old or its new bytes, never anything else; bytes
// outside every span never change; once the faults have healed, every
// surviving pair works again.
struct RandomCase {
    TopologyKind topology;
    int nodes;
    int seed;
    friend void PrintTo(const RandomCase& c, std::ostream* os) {
        *os << c.nodes << " nodes, " << rsmsim::model::topology_name(c.topology) << ", seed " << c.seed;
    }
};

class RandomFaultsThroughTheRsmapi : public ::testing::TestWithParam<RandomCase> {};

constexpr int kRounds = 6;
constexpr size_t kSpan = 64, kStride = 128;   // a span, then a gap that must stay zero
constexpr double kWindowNs = 150'000;

uint8_t pattern(int writer, int round, size_t b) { return static_cast<uint8_t>(writer * 37 + round * 11 + b + 1); }

TEST_P(RandomFaultsThroughTheRsmapi, NothingIsLostSilently) {
    const RandomCase rc = GetParam();
    rsmsim::ClusterConfig cfg = rsmsim::test::config(rc.nodes);
    cfg.topology = rc.topology;
    cfg.seed = static_cast<uint64_t>(rc.seed);
    std::string err;
    ASSERT_TRUE(rsmsim::parse_fault("random:down=2,slow=2,crc=1,crash=1@150", cfg.faults, err)) << err;
    const int n = rc.nodes;
    const size_t seg = (static_cast<size_t>(n) * (kRounds + 1) * kStride + 4095) / 4096 * 4096;
    std::vector<std::unique_ptr<PageBuffer>> mem;
    for (int i = 0; i < n; ++i) mem.push_back(std::make_unique<PageBuffer>(seg));
    // outcome[writer][target][round]: the last return code (round kRounds: after healing).
    std::vector<std::vector<std::vector<int>>> outcome(
        static_cast<size_t>(n), std::vector<std::vector<int>>(static_cast<size_t>(n), std::vector<int>(kRounds + 1, -1)));
    double crash_ns = -1, end_ns = 0;
    uint16_t crashed = 0;
    rsmsim::test::run_nodes(cfg, [&](int me, Cluster& cl) {
        for (const FaultEvent& e : cl.fault_schedule())
            if (e.kind == FaultEvent::Kind::Crash) {
                crash_ns = e.at_ns;
                crashed = e.a;
            }
        const bool i_crash = Cluster::node_id(me) == crashed;
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem[static_cast<size_t>(me)]->data(), seg, 0));
        rsm_memseg_id_t id = kId + static_cast<rsm_memseg_id_t>(me);
        ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
        cl.sync();
        std::vector<rsm_memseg_import_handle_t> im(static_cast<size_t>(n), nullptr);
        std::vector<rsmapi_barrier_t> bar(static_cast<size_t>(n));
        auto allowed = [](int r) {
            return r == RSM_SUCCESS || r == RSMERR_BARRIER_FAILURE || r == RSMERR_CONN_ABORTED ||
                   r == RSMERR_REMOTE_NODE_UNREACHABLE;
        };
        // False on a failure that must stop this program (reported already).
        auto put = [&](int target, int round) -> bool {
            int& out = outcome[static_cast<size_t>(me)][static_cast<size_t>(target)][static_cast<size_t>(round)];
            auto& h = im[static_cast<size_t>(target)];
            for (int tries = 0; tries < 3; ++tries) {
                if (!h) {
                    out = rsm_memseg_import_connect(c, Cluster::node_id(target), kId + static_cast<rsm_memseg_id_t>(target),
                                                    RSM_PERM_RDWR, &h);
                    EXPECT_TRUE(allowed(out)) << rsmsim::rsm_error_name(out);
                    if (!allowed(out)) return false;
                    if (out != RSM_SUCCESS) continue;
                    const int rb = rsm_memseg_import_init_barrier(h, RSM_BAR_DEFAULT, &bar[static_cast<size_t>(target)]);
                    EXPECT_RSM(RSM_SUCCESS, rb);
                    if (rb != RSM_SUCCESS) return false;
                }
                uint8_t d[kSpan];
                for (size_t b = 0; b < kSpan; ++b) d[b] = pattern(me, round, b);
                const auto off = static_cast<off_t>((static_cast<size_t>(me) * (kRounds + 1) + static_cast<size_t>(round)) * kStride);
                out = rsm_memseg_import_put(h, off, d, kSpan);
                EXPECT_TRUE(allowed(out)) << rsmsim::rsm_error_name(out);
                if (!allowed(out)) return false;
                if (out == RSM_SUCCESS || out == RSMERR_CONN_ABORTED) return true;
            }
            return true;
        };
        for (int round = 0; round < kRounds; ++round)
            for (int k = 1; k < n; ++k) ASSERT_TRUE(put((me + k) % n, round));
        // After the window every fault has healed but the crash.
        while (Cluster::now_ns() < kWindowNs) Cluster::delay_ns(1000);
        if (!i_crash) {
            for (int k = 1; k < n; ++k) ASSERT_TRUE(put((me + k) % n, kRounds));
        }
        cl.sync();
        for (int t = 0; t < n; ++t) {
            auto& h = im[static_cast<size_t>(t)];
            if (!h) continue;
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar[static_cast<size_t>(t)]));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(h));
        }
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        end_ns = std::max(end_ns, Cluster::now_ns());
    });
    ASSERT_GE(crash_ns, 0) << "the draw has a crash";
    // Every failure is reported within the fabric's timeouts, on the crashed
    // node too: nobody waits out the driver's 1 s hardware timeout.
    EXPECT_LT(end_ns, 100e6) << "simulated end " << end_ns / 1e6 << " ms";
    int failures = 0, successes = 0;
    for (int w = 0; w < n; ++w)
        for (int t = 0; t < n; ++t) {
            if (w == t) continue;
            const uint8_t* m = mem[static_cast<size_t>(t)]->data();
            for (int r = 0; r <= kRounds; ++r) {
                const int out = outcome[static_cast<size_t>(w)][static_cast<size_t>(t)][static_cast<size_t>(r)];
                const size_t at = (static_cast<size_t>(w) * (kRounds + 1) + static_cast<size_t>(r)) * kStride;
                bool all_new = true, all_old = true;
                for (size_t b = 0; b < kSpan; ++b) {
                    all_new = all_new && m[at + b] == pattern(w, r, b);
                    all_old = all_old && m[at + b] == 0;
                }
                for (size_t b = kSpan; b < kStride; ++b) ASSERT_EQ(m[at + b], 0) << "gap after " << w << "->" << t;
                if (out == RSM_SUCCESS) {
                    ++successes;
                    EXPECT_TRUE(all_new) << "node " << Cluster::node_id(w) << " -> " << Cluster::node_id(t)
                                         << " round " << r << " reported success";
                } else {
                    EXPECT_TRUE(all_new || all_old) << "a failed span holds old or new bytes only";
                    if (r < kRounds || out != -1) ++failures;
                }
                const bool survivors = Cluster::node_id(w) != crashed && Cluster::node_id(t) != crashed;
                if (r == kRounds && survivors) {
                    EXPECT_EQ(out, RSM_SUCCESS) << "after healing: node " << Cluster::node_id(w) << " -> "
                                                << Cluster::node_id(t) << " got " << rsmsim::rsm_error_name(out);
                }
                if (r == kRounds && Cluster::node_id(t) == crashed && Cluster::node_id(w) != crashed) {
                    EXPECT_TRUE(out == RSMERR_CONN_ABORTED || out == RSMERR_REMOTE_NODE_UNREACHABLE)
                        << "imports from the crashed node: " << rsmsim::rsm_error_name(out);
                }
            }
        }
    EXPECT_GT(successes, 0);
    EXPECT_GT(failures, 0) << "the faults were felt";
}

std::vector<RandomCase> random_cases() {
    std::vector<RandomCase> v;
    for (int s = 1; s <= 16; ++s) v.push_back({TopologyKind::Ring, 4, s});
    for (int s = 1; s <= 16; ++s) v.push_back({TopologyKind::Torus, 6, s});
    for (int s = 1; s <= 8; ++s) v.push_back({TopologyKind::Switch, 5, s});   // links to and from the switch
    v.push_back({TopologyKind::Torus, 64, 1});   // the largest cluster
    v.push_back({TopologyKind::Ring, 16, 2});
    return v;
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomFaultsThroughTheRsmapi, ::testing::ValuesIn(random_cases()),
                         [](const ::testing::TestParamInfo<RandomCase>& p) {
                             return std::string(rsmsim::model::topology_name(p.param.topology)) +
                                    std::to_string(p.param.nodes) + "_seed" + std::to_string(p.param.seed);
                         });

}  // namespace

// A link that goes down while a putv crosses it, in every fidelity: the call
// fails as documented, what landed is a prefix of the data and nothing past
// it changed. In the fast fidelity the entry is one train, cut where its
// packets stopped leaving.
TEST(LinkFaults, ALinkLostDuringAPutvLeavesAPrefixAndFailsTheCall) {
    constexpr size_t kLen = 256 * 1024;
    PageBuffer remote(kLen), local(kLen);
    for (size_t k = 0; k < kLen; ++k) local.data()[k] = static_cast<uint8_t>(k * 7 + 3);
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    std::string err;
    ASSERT_TRUE(rsmsim::parse_faults("down:8-4@200", cfg.faults, err)) << err;
    int rc = RSM_SUCCESS;
    export_and_import(cfg, remote, [&](Cluster&, rsm_memseg_import_handle_t im) {
        rsm_iovec_t iov{};
        iov.io_type = RSM_VA_TYPE;
        iov.local.vaddr = reinterpret_cast<caddr_t>(local.data());
        iov.transfer_length = kLen;
        rsm_scat_gath_t sg{};
        sg.io_request_count = 1;
        sg.remote_handle = im;
        sg.iovec = &iov;
        rc = rsm_memseg_import_putv(&sg);
        EXPECT_EQ(sg.io_residual_count, 1u) << "the one entry did not complete";
    });
    EXPECT_EQ(rc, RSMERR_REMOTE_NODE_UNREACHABLE);
    size_t landed = 0;
    while (landed < kLen && remote.data()[landed] == local.data()[landed]) ++landed;
    EXPECT_GT(landed, 0u) << "the link went down well after the transfer started";
    EXPECT_LT(landed, kLen) << "and well before it ended";
    EXPECT_TRUE(std::all_of(remote.data() + landed, remote.data() + kLen, [](uint8_t b) { return b == 0; }))
        << "nothing past the prefix that landed (" << landed << " bytes)";
}
