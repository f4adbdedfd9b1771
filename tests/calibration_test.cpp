// Calibration: every profile's documented targets (docs/timing.md) come out
// of the whole stack -- driver, RTL DMA engine, adapter model and fabric --
// within 10 %. ProfileProbe measures them the way the figures were measured
// on hardware (see rsmsim/profile_probe.h); `rsmsim -w calibrate` prints the
// same measurement for any profile a user builds.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "rsmsim/profile_probe.h"
#include "support/cluster_run.h"

namespace {

constexpr double kTolerance = 0.10;

class Calibration : public ::testing::TestWithParam<std::string> {};

TEST_P(Calibration, LatencyAndDmaBandwidthMeetTheProfileTargets) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    cfg.timing = *rsmsim::model::find_profile(GetParam());
    rsmsim::ProfileProbe probe(rsmsim::ProfileProbe::default_dma_bytes(cfg.timing));
    rsmsim::test::run_nodes(cfg, [&](int i, rsmsim::Cluster& cl) { probe.run(cl, i); });
    const rsmsim::ProfileMeasurement& m = probe.result();
    EXPECT_TRUE(m.allocated);
    for (const auto& c : m.failed_calls) ADD_FAILURE() << "node index " << c.node_index << ": " << c.what << " -> " << c.rc;
    std::printf("%s: 4-byte put one-way %.1f ns (target %.0f), %zu-byte putv %.1f MB/s (target %.0f)\n",
                GetParam().c_str(), m.one_way_ns, cfg.timing.target_latency_ns, m.dma_bytes, m.dma_MBps,
                cfg.timing.target_dma_MBps);
    EXPECT_TRUE(m.dma_data_ok) << "every byte of the putv arrived";
    EXPECT_NEAR(m.one_way_ns, cfg.timing.target_latency_ns, kTolerance * cfg.timing.target_latency_ns);
    EXPECT_NEAR(m.dma_MBps, cfg.timing.target_dma_MBps, kTolerance * cfg.timing.target_dma_MBps);
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
