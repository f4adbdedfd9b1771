// Per-call latency statistics: exact nearest-rank percentiles while values
// repeat, bounded memory and three-digit percentiles when they do not.
#include <gtest/gtest.h>

#include "rsmsim/call_stats.h"

using rsmsim::CallStats;
using rsm::hw::ApiCall;

TEST(CallStats, PercentilesAreNearestRankAndMinMaxMeanExact) {
    CallStats s;
    for (int i = 1; i <= 100; ++i) s.record(ApiCall::rsm_memseg_import_put, 8, 10.0 * i, i % 10 == 0 ? -1 : 0);
    const auto k = s.kinds();
    ASSERT_EQ(k.size(), 1u);
    EXPECT_EQ(k[0].count, 100u);
    EXPECT_EQ(k[0].errors, 10u);
    EXPECT_EQ(k[0].min_ns, 10.0);
    EXPECT_EQ(k[0].max_ns, 1000.0);
    EXPECT_EQ(k[0].mean_ns, 505.0);
    EXPECT_EQ(k[0].p50_ns, 500.0);
    EXPECT_EQ(k[0].p99_ns, 990.0);
    EXPECT_EQ(s.nodes().at(8).calls, 100u);
}

TEST(CallStats, AMillionDistinctLatenciesKeepMemoryBoundedAndPercentilesClose) {
    CallStats s;
    const int n = 1'000'000;
    for (int i = 0; i < n; ++i) s.record(ApiCall::rsm_memseg_import_get, 4, 1000.0 + i * 0.731, 0);
    const auto k = s.kinds()[0];
    EXPECT_EQ(k.count, uint64_t(n));
    EXPECT_EQ(k.min_ns, 1000.0);
    EXPECT_DOUBLE_EQ(k.max_ns, 1000.0 + (n - 1) * 0.731);
    const double p50 = 1000.0 + (n / 2 - 1) * 0.731;
    EXPECT_NEAR(k.p50_ns, p50, p50 * 0.005) << "three significant digits";
    EXPECT_NEAR(k.mean_ns, 1000.0 + (n - 1) * 0.731 / 2, 1e-3);
    EXPECT_LE(s.distinct_latencies(ApiCall::rsm_memseg_import_get), 9u * 900u) << "bounded, not one per call";
}
