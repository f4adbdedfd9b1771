// Several threads of one node program use the rsmapi at once (MT-Safe):
// concurrent connects share the adapter's lookup unit, concurrent put/get
// share the register file, and a thread blocked in signal_wait does not
// block the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
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

namespace {

// Three threads of node 4 wait for signals on three segments X, Y, Z; each
// round node 8 posts Z and node 12 posts Y a little later, the gap swept
// over the time the waiters spend looking at the pending bits. Every wait
// must end within microseconds of its post. (A waiter woken by someone
// else's signal used to acknowledge the interrupt while the last waiter was
// still reading the pending bits; that one then slept with its own event
// pending until the next interrupt, a round later. This test failed on 8
// of 800 rounds before the fix.)
TEST(Threads, EveryWaiterWakesPromptlyWhenSignalsArriveTogether) {
    constexpr int kRounds = 800;
    constexpr double kRoundNs = 60'000;
    constexpr double kStartNs = 100'000;   // after everyone connected
    PageBuffer mx(4096), my(4096), mz(4096);
    PageBuffer* mem[3] = {&mx, &my, &mz};
    rsm_memseg_export_handle_t ex[3] = {nullptr, nullptr, nullptr};
    std::vector<double> posted_y(kRounds), posted_z(kRounds), woke_y(kRounds, -1), woke_z(kRounds, -1);
    rsmsim::Cluster cl(rsmsim::test::config(3));
    bool setup = false;
    cl.spawn(0, [&] {   // node 4: export X, Y, Z
        rsmapi_controller_handle_t c = controller();
        for (int k = 0; k < 3; ++k)
            ASSERT_TRUE(rsmsim::test::export_segment(c, mem[k]->data(), mem[k]->len, kId + 1 + static_cast<unsigned>(k), ex[k]));
        setup = true;
        cl.sync();   // 1: published
        cl.sync();   // 2: all rounds done, X posted to release its waiter
        for (auto* e : ex) ASSERT_RSM_OK(rsm_memseg_export_destroy(e));
    });
    // Node 4's waiters: X (woken by everything, never its own until the end), Y, Z.
    for (int k = 0; k < 3; ++k) {
        cl.spawn(0, [&, k] {
            cl.sync();   // 1
            if (!setup) return;
            const int rounds = k == 0 ? 1 : kRounds;
            for (int r = 0; r < rounds; ++r) {
                const int rc = rsm_intr_signal_wait(ex[k], 1000);   // ms: a lost wake-up shows as a late one
                ASSERT_RSM_OK(rc) << "segment " << k << " round " << r;
                if (k == 1) woke_y[static_cast<size_t>(r)] = Cluster::now_ns();
                if (k == 2) woke_z[static_cast<size_t>(r)] = Cluster::now_ns();
            }
            cl.sync();   // 2
        });
    }
    // Node 8 posts Z at the start of each round, node 12 posts Y 0..10 us
    // later (two nodes: one node's posts are further apart than that).
    for (int poster = 1; poster <= 2; ++poster) {
        cl.spawn(poster, [&, poster] {
            rsmapi_controller_handle_t c = controller();
            cl.sync();   // 1
            const int k = poster == 1 ? 2 : 1;   // node 8 -> Z, node 12 -> Y
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 1 + static_cast<unsigned>(k), RSM_PERM_RDWR, &im));
            rsm_memseg_import_handle_t release = nullptr;
            if (poster == 1) {
                ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 1, RSM_PERM_RDWR, &release));
            }
            for (int r = 0; r < kRounds; ++r) {
                const double start = kStartNs + kRoundNs * r + (poster == 2 ? 12.5 * r : 0.0);
                Cluster::delay_ns(start - Cluster::now_ns());
                (k == 2 ? posted_z : posted_y)[static_cast<size_t>(r)] = Cluster::now_ns();
                ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));
            }
            if (release) {   // X's waiter: its one event, after every round
                Cluster::delay_ns(kStartNs + kRoundNs * kRounds - Cluster::now_ns());
                ASSERT_RSM_OK(rsm_intr_signal_post(release, 0));
                ASSERT_RSM_OK(rsm_memseg_import_disconnect(release));
            }
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();   // 2
        });
    }
    ASSERT_TRUE(cl.run());
    double worst = 0;
    for (int r = 0; r < kRounds; ++r) {
        const auto i = static_cast<size_t>(r);
        ASSERT_GE(woke_y[i], posted_y[i]) << "round " << r;
        ASSERT_GE(woke_z[i], posted_z[i]) << "round " << r;
        worst = std::max({worst, woke_y[i] - posted_y[i], woke_z[i] - posted_z[i]});
        EXPECT_LT(woke_z[i] - posted_z[i], 20'000) << "round " << r << ": Z's waiter slept through its event";
        EXPECT_LT(woke_y[i] - posted_y[i], 20'000) << "round " << r << ": Y's waiter slept through its event";
    }
    std::printf("worst wake-up after a post: %.2f us; node 4 register accesses: %llu\n", worst / 1000,
                static_cast<unsigned long long>(cl.node(0).bus.accesses()));
}

}  // namespace
