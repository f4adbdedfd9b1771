// Fault injection: packets corrupted on the fabric (CRC errors). Across
// seeds, nothing is lost silently: a put either lands or returns
// BARRIER_FAILURE, a putv reports how many entries did not complete, and no
// byte outside the written spans ever changes.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "rsmsim/model/topology.h"
#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;

constexpr rsm_memseg_id_t kId = 0x4000A0;
constexpr size_t kSlot = 128;   // puts go to every other slot; the gaps must stay zero

class CrcFaults : public ::testing::TestWithParam<int> {};

TEST_P(CrcFaults, ReportedNeverSilent) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    cfg.timing.crc_retries = 0;   // every corruption reaches the rsmapi
    cfg.crc_error_rate = 0.2;
    cfg.seed = static_cast<uint64_t>(GetParam());
    PageBuffer mem(65536);
    int put_failures = 0, putv_failures = 0;
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_NO_FATAL_FAILURE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr;
        int rc = RSMERR_REMOTE_NODE_UNREACHABLE;
        for (int tries = 0; tries < 20 && rc != RSM_SUCCESS; ++tries)   // the lookup may be corrupted too
            rc = rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im);
        ASSERT_RSM_OK(rc);
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
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
        rc = rsm_memseg_import_putv(&sg);
        if (rc != RSM_SUCCESS) {
            ++putv_failures;
            EXPECT_RSM(RSMERR_BARRIER_FAILURE, rc);
            ASSERT_GT(sg.io_residual_count, 0u);
            const size_t done = 8 - sg.io_residual_count;
            for (size_t k = 0; k < done; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k + 255], 0xEE) << k;
            for (size_t k = done + 1; k < 8; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k], 0) << "never started";
        } else {
            EXPECT_EQ(sg.io_residual_count, 0u);
            for (int k = 0; k < 8; ++k) EXPECT_EQ(mem.data()[32768 + 1024 * k + 255], 0xEE);
        }
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();
        EXPECT_GT(cl.fabric().crc_errors(), 0u);
    });
    EXPECT_GT(put_failures, 0) << "with 20% corruption and no retries, some puts must fail";
    for (int k = 0; k < 30; ++k) {
        for (size_t b = 0; b < 64; ++b) ASSERT_EQ(mem.data()[2 * k * kSlot + b], k + 1) << "put " << k;
        for (size_t b = 0; b < kSlot; ++b) ASSERT_EQ(mem.data()[(2 * k + 1) * kSlot + b], 0) << "gap after put " << k;
    }
    (void)putv_failures;
}

INSTANTIATE_TEST_SUITE_P(Seeds, CrcFaults, ::testing::Range(1, 11));

TEST(CrcFaults, TheLinkLayerRetriesTransparently) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);   // profile: 3 retries
    cfg.crc_error_rate = 0.05;
    cfg.seed = 42;
    PageBuffer mem(4096);
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 0) {
            ASSERT_NO_FATAL_FAILURE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
        }
        cl.sync();
        if (i == 1) {
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            std::vector<uint8_t> d(4096, 0x5A);
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, d.data(), d.size())) << "64 packets, retried where corrupted";
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            EXPECT_GT(cl.fabric().crc_errors(), 0u) << "some attempts were corrupted and retried";
        }
        cl.sync();
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        }
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
            ASSERT_NO_FATAL_FAILURE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
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
            ASSERT_NO_FATAL_FAILURE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
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
