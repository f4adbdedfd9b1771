// rsm_intr_signal_post / rsm_intr_signal_wait across nodes, both directions,
// over the adapter's signal-post unit and interrupt line.
#include <gtest/gtest.h>

#include "adapter_regs.h"
#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400040;

TEST(Signals, ImporterToExporterAccumulatesOrDrops) {
    PageBuffer mem(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_TRUE(rsmsim::test::export_segment(c, mem.data(), 4096, kId, ex));
            cl.sync();   // 1: published
            // Blocks until the importer's first post arrives, in simulated time.
            const double t0 = Cluster::now_ns();
            ASSERT_RSM_OK(rsm_intr_signal_wait(ex, -1));
            EXPECT_GT(Cluster::now_ns(), t0);
            cl.sync();   // 2
            cl.sync();   // 3: the importer posted 3 more (accumulating)
            for (int k = 0; k < 3; ++k) ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0)) << k;
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait(ex, 0)) << "N posts, N waits";
            cl.sync();   // 4
            cl.sync();   // 5: the importer posted 3 with NO_ACCUMULATE
            ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0));
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait(ex, 0)) << "the 2nd and 3rd were dropped";
            const double t1 = Cluster::now_ns();
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait(ex, 10));
            EXPECT_GE(Cluster::now_ns() - t1, 10e6) << "a 10 ms timeout waits 10 ms of simulated time";
            ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex));
            cl.sync();   // 6: unpublished
            cl.sync();   // 7: the importer's post failed
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        } else {
            cl.sync();   // 1
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_intr_signal_post(nullptr, 0));
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_intr_signal_wait(nullptr, 0));
            ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));
            cl.sync();   // 2
            for (int k = 0; k < 3; ++k) ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));
            cl.sync();   // 3
            cl.sync();   // 4
            for (int k = 0; k < 3; ++k) ASSERT_RSM_OK(rsm_intr_signal_post(im, RSM_SIG_POST_NO_ACCUMULATE));
            cl.sync();   // 5
            cl.sync();   // 6
            EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_intr_signal_post(im, 0)) << "the segment was unpublished";
            cl.sync();   // 7
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
    });
}

TEST(Signals, ExporterToEveryImporter) {
    PageBuffer mem(4096);
    auto exporter = [](Cluster& cl, const std::vector<rsm_memseg_export_handle_t>& ex) {
        cl.sync();   // nodes 8 and 12 connected; node 16 did not
        ASSERT_RSM_OK(rsm_intr_signal_post(ex[0], 0));
        ASSERT_RSM_OK(rsm_intr_signal_post(ex[0], 0));
        cl.sync();
    };
    rsmsim::test::export_scenario(4, {{mem.data(), 4096, kId}}, [&](int i, Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        if (i < 3) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &im));
        }
        cl.sync();
        cl.sync();
        if (im) {
            ASSERT_RSM_OK(rsm_intr_signal_wait(im, 1));
            ASSERT_RSM_OK(rsm_intr_signal_wait(im, 1));
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait(im, 0));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        } else {
            namespace r = rsm::regs;
            uint64_t pending = 1;
            ASSERT_TRUE(cl.node(i).bus.read64(r::SIG_IMP_PENDING_LO, pending));
            EXPECT_EQ(pending, 0u) << "a node that never connected gets nothing";
        }
    }, exporter);
}

}  // namespace
