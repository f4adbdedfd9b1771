// Calibration: every profile's documented targets (docs/timing.md) come out
// of the whole stack -- driver, RTL DMA engine, adapter model and fabric --
// within 10 %. Measured the way the figures were measured on hardware:
// latency as half a 4-byte ping-pong between two nodes, bandwidth as one
// large DMA put (rsm_memseg_import_putv), start of the call to its return.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;

constexpr rsm_memseg_id_t kId = 0x4000C0;   // + node index
constexpr double kTolerance = 0.10;

rsmsim::ClusterConfig profile_config(const std::string& name) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    const auto p = rsmsim::model::find_profile(name);
    EXPECT_TRUE(p.has_value()) << name;
    if (p) cfg.timing = *p;
    return cfg;
}

// Spins on a word the other node writes, as a ping-pong program does; the
// 1 ns polling step bounds the measuring error.
void wait_for(volatile uint32_t* word, uint32_t value) {
    while (*word != value) Cluster::delay_ns(1);
}

class Calibration : public ::testing::TestWithParam<std::string> {};

TEST_P(Calibration, FourBytePutOneWayLatency) {
    const rsmsim::ClusterConfig cfg = profile_config(GetParam());
    constexpr uint32_t kRounds = 20;
    PageBuffer mem0(4096), mem1(4096);
    PageBuffer* mem[2] = {&mem0, &mem1};
    double t0 = 0, t1 = 0;
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        ASSERT_TRUE(
            rsmsim::test::export_segment(c, mem[i]->data(), mem[i]->len, kId + static_cast<unsigned>(i), ex));
        cl.sync();
        const int peer = 1 - i;
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, Cluster::node_id(peer), kId + static_cast<unsigned>(peer),
                                                RSM_PERM_RDWR, &im));
        // Plain stores, as a latency benchmark uses: no barrier per put.
        ASSERT_RSM_OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT));
        auto* mine = reinterpret_cast<volatile uint32_t*>(mem[i]->data());
        cl.sync();
        if (i == 0) t0 = Cluster::now_ns();
        for (uint32_t k = 1; k <= kRounds; ++k) {
            if (i == 0) {
                ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, &k, sizeof k));
                wait_for(mine, k);
            } else {
                wait_for(mine, k);
                ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, &k, sizeof k));
            }
        }
        if (i == 0) t1 = Cluster::now_ns();
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
    const double one_way = (t1 - t0) / (2.0 * kRounds);
    std::printf("%s: 4-byte put one-way latency %.1f ns (target %.0f ns)\n", GetParam().c_str(), one_way,
                cfg.timing.target_latency_ns);
    EXPECT_NEAR(one_way, cfg.timing.target_latency_ns, kTolerance * cfg.timing.target_latency_ns);
}

TEST_P(Calibration, LargeDmaPutBandwidth) {
    const rsmsim::ClusterConfig cfg = profile_config(GetParam());
    // Long enough that the chain set-up is a few per cent at most.
    const size_t len = cfg.timing.target_dma_MBps > 2000 ? (4u << 20) : (1u << 20);
    PageBuffer remote(len), local(len);
    for (size_t k = 0; k < len; ++k) local.data()[k] = static_cast<uint8_t>(k * 7 + 1);
    double elapsed = 0;
    rsmsim::test::run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_TRUE(rsmsim::test::export_segment(c, remote.data(), remote.len, kId, ex));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, Cluster::node_id(0), kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        rsm_iovec_t iov{};
        iov.io_type = RSM_VA_TYPE;
        iov.local.vaddr = reinterpret_cast<caddr_t>(local.data());
        iov.transfer_length = len;
        rsm_scat_gath_t sg{};
        sg.io_request_count = 1;
        sg.remote_handle = im;
        sg.iovec = &iov;
        const double t0 = Cluster::now_ns();
        ASSERT_RSM_OK(rsm_memseg_import_putv(&sg));
        elapsed = Cluster::now_ns() - t0;
        EXPECT_EQ(sg.io_residual_count, 0u);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();
    });
    ASSERT_GT(elapsed, 0);
    EXPECT_EQ(std::memcmp(remote.data(), local.data(), len), 0) << "every byte arrived";
    const double MBps = double(len) * 1000.0 / elapsed;
    std::printf("%s: %zu-byte DMA put %.1f MB/s in %.1f us (target %.0f MB/s)\n", GetParam().c_str(), len,
                MBps, elapsed / 1000.0, cfg.timing.target_dma_MBps);
    EXPECT_NEAR(MBps, cfg.timing.target_dma_MBps, kTolerance * cfg.timing.target_dma_MBps);
}

// Every built-in profile: a new one is calibrated or this fails.
std::vector<std::string> profile_names() {
    std::vector<std::string> names;
    for (const auto& p : rsmsim::model::timing_profiles()) names.push_back(p.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Profiles, Calibration, ::testing::ValuesIn(profile_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                             std::string n = p.param;
                             for (char& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

}  // namespace
