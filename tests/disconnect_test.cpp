// Unpublish while importers are connected (spec section 9): the adapter
// revokes the import at every node that connected; importers see
// CONN_ABORTED, their data up to the unpublish stays, and they recover by
// disconnecting and connecting again.
#include <gtest/gtest.h>

#include <cstring>

#include "adapter_regs.h"
#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400050;

TEST(ForcedDisconnect, ImportersSeeConnAbortedAndRecover) {
    PageBuffer mem(8192);
    run_nodes(3, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), mem.len, 0));
            rsm_memseg_id_t id = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
            cl.sync();   // 1: both importers connect and write
            cl.sync();   // 2
            namespace r = rsm::regs;
            uint64_t importers = 0;
            ASSERT_TRUE(cl.node(0).bus.write32(r::EXP_INDEX, 0));
            ASSERT_TRUE(cl.node(0).bus.read64(r::EXP_IMPORTERS_LO, importers));
            EXPECT_EQ(importers, 0b110u) << "nodes 8 and 12 looked the segment up";
            ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex));   // returns once both were told
            cl.sync();   // 3: importers find out
            cl.sync();   // 4: importers disconnected; publish again
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
            cl.sync();   // 5: they reconnect and write again
            cl.sync();   // 6
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        const off_t base = (i - 1) * 4096;
        cl.sync();   // 1
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        char before[16] = "before";
        ASSERT_RSM_OK(rsm_memseg_import_put(im, base, before, sizeof before));
        cl.sync();   // 2
        cl.sync();   // 3: unpublished
        namespace r = rsm::regs;
        uint64_t revoked = 0;
        ASSERT_TRUE(cl.node(i).bus.read64(r::ATT_REVOKED_LO, revoked));
        EXPECT_NE(revoked, 0u) << "the adapter revoked the import entry";
        char after[16] = "after";
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_put(im, base + 100, after, sizeof after));
        char back[16] = "untouched";
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_get(im, base, back, sizeof back));
        EXPECT_STREQ(back, "untouched");
        rsm_iovec_t iov{};
        iov.io_type = RSM_VA_TYPE;
        iov.local.vaddr = after;
        iov.transfer_length = sizeof after;
        rsm_scat_gath_t sg{};
        sg.io_request_count = 1;
        sg.remote_handle = im;
        sg.iovec = &iov;
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_intr_signal_post(im, 0));
        EXPECT_RSM(RSMERR_BARRIER_OPEN_FAILED, rsm_memseg_import_open_barrier(&bar));
        // Recovery: disconnect, then connect again once it is published.
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();   // 4
        cl.sync();   // 5
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        char again[16] = "again";
        ASSERT_RSM_OK(rsm_memseg_import_put(im, base + 200, again, sizeof again));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();   // 6
    });
    for (int i = 1; i < 3; ++i) {
        const char* slice = reinterpret_cast<const char*>(mem.data()) + (i - 1) * 4096;
        EXPECT_STREQ(slice, "before") << "data up to the unpublish stays";
        EXPECT_EQ(slice[100], 0) << "nothing after it landed";
        EXPECT_STREQ(slice + 200, "again");
    }
}

}  // namespace
