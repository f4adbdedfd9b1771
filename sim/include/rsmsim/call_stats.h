// Every rsmapi call the node programs made: how long it took in simulated
// time and what it returned, per call kind and per node (for reports).
// Memory stays bounded however long the run: latencies are kept as counts
// per distinct value, exact while a call kind has at most kExactValues
// distinct latencies, then to three significant digits (min, max and mean
// stay exact).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rsm/api_calls.h"

namespace rsmsim {

class CallStats {
public:
    static constexpr size_t kExactValues = 4096;

    void record(rsm::hw::ApiCall call, unsigned node, double ns, int rc);

    struct Kind {
        std::string call;
        uint64_t count = 0, errors = 0;
        double min_ns = 0, mean_ns = 0, p50_ns = 0, p99_ns = 0, max_ns = 0;
    };
    // The kinds called at least once, in rsm/api_functions.inc order.
    std::vector<Kind> kinds() const;

    struct Node {
        uint64_t calls = 0, errors = 0;
        uint64_t dma_chains = 0;         // putv and getv calls (one DMA chain each)
        std::map<int, uint64_t> codes;   // error code -> how often
    };
    const std::map<unsigned, Node>& nodes() const { return nodes_; }
    // How many latency values are kept for `call` (the memory bound's measure).
    size_t distinct_latencies(rsm::hw::ApiCall call) const;

private:
    struct Latencies {
        std::map<double, uint64_t> counts;   // latency (ns) -> calls
        uint64_t n = 0;
        double min = 0, max = 0, sum = 0;    // `sum` in call order: used once coarse
        bool coarse = false;
        void add(double ns);
        double percentile(double p) const;
        double mean() const;
    };
    // By call (ApiCall's value): a call's record is one index, not a search.
    static constexpr size_t kCalls = static_cast<size_t>(rsm::hw::ApiCall::Count);
    std::array<Latencies, kCalls> took_;
    std::array<uint64_t, kCalls> errors_{};
    std::map<unsigned, Node> nodes_;
};

}  // namespace rsmsim
