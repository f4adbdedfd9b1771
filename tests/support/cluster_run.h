// Runs one program per node on a fresh cluster and expects all to finish.
// One call per test process (see gtest_sc_main.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <memory>

#include "rsmsim/cluster.h"

namespace rsmsim::test {

inline rsmsim::ClusterConfig config(int nodes) {
    rsmsim::ClusterConfig cfg;
    cfg.nodes = nodes;
    return cfg;
}

// program(index, cluster) runs on every node.
inline void run_nodes(const rsmsim::ClusterConfig& cfg,
                      const std::function<void(int, rsmsim::Cluster&)>& program) {
    rsmsim::Cluster cluster(cfg);
    for (int i = 0; i < cluster.size(); ++i) cluster.spawn(i, [&, i] { program(i, cluster); });
    EXPECT_TRUE(cluster.run()) << "node programs were left blocked";
}

inline void run_nodes(int nodes, const std::function<void(int, rsmsim::Cluster&)>& program) {
    run_nodes(config(nodes), program);
}

// Page-aligned, zeroed memory for export segments.
struct PageBuffer {
    explicit PageBuffer(size_t n) : len(n), p(static_cast<uint8_t*>(std::aligned_alloc(4096, n)), &std::free) {
        std::fill(p.get(), p.get() + n, uint8_t{0});
    }
    uint8_t* data() { return p.get(); }
    size_t len;
    std::unique_ptr<uint8_t, decltype(&std::free)> p;
};

}  // namespace rsmsim::test
