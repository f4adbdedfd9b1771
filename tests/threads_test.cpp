// Several threads of one node program use the rsmapi at once (MT-Safe):
// concurrent connects share the adapter's lookup unit, concurrent put/get
// share the register file, and a thread blocked in signal_wait does not
// block the others.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;

constexpr rsm_memseg_id_t kId = 0x400060;

TEST(Threads, ThreeThreadsOfOneNodeShareItsAdapter) {
    PageBuffer mem(16384);
    rsmsim::Cluster cl(rsmsim::test::config(2));
    rsm_memseg_export_handle_t ex = nullptr;
    int waiter_woke = 0;
    // Node 4: export, then (after the writers) signal every importer.
    cl.spawn(0, [&] {
        rsmapi_controller_handle_t c = controller();
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), mem.len, 0));
        rsm_memseg_id_t id = kId;
        ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
        cl.sync();   // 1: published
        cl.sync();   // 2: writers done
        ASSERT_RSM_OK(rsm_intr_signal_post(ex, 0));
        cl.sync();   // 3
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
    // Node 8, thread A and B: connect at the same time, then 20 put/get rounds each.
    for (int t = 0; t < 2; ++t) {
        cl.spawn(1, [&, t] {
            rsmapi_controller_handle_t c = controller();
            cl.sync();   // 1
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            std::vector<uint8_t> out(300), back(300);
            for (int round = 0; round < 20; ++round) {
                for (size_t k = 0; k < out.size(); ++k) out[k] = static_cast<uint8_t>(k + round * 7 + t * 100);
                const off_t at = t * 8192 + round * 300;
                ASSERT_RSM_OK(rsm_memseg_import_put(im, at, out.data(), out.size()));
                ASSERT_RSM_OK(rsm_memseg_import_get(im, at, back.data(), back.size()));
                ASSERT_EQ(back, out) << "thread " << t << " round " << round;
            }
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            cl.sync();   // 2
            cl.sync();   // 3
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        });
    }
    // Node 8, thread C: connects and waits for the exporter's signal
    // while A and B work.
    cl.spawn(1, [&] {
        rsmapi_controller_handle_t c = controller();
        cl.sync();   // 1
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &im));
        cl.sync();   // 2
        ASSERT_RSM_OK(rsm_intr_signal_wait(im, 1000));
        waiter_woke = 1;
        cl.sync();   // 3
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
    ASSERT_TRUE(cl.run()) << "node programs were left blocked";
    EXPECT_EQ(waiter_woke, 1);
    for (int t = 0; t < 2; ++t)
        for (size_t k = 0; k < 300; ++k)
            ASSERT_EQ(mem.data()[t * 8192 + 19 * 300 + k], static_cast<uint8_t>(k + 19 * 7 + t * 100));
}

}  // namespace
