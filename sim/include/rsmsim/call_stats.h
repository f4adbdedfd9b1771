// Every rsmapi call the node programs made: how long it took in simulated
// time and what it returned, per call kind and per node (for reports).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rsm/api_calls.h"

namespace rsmsim {

class CallStats {
public:
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

private:
    std::map<rsm::hw::ApiCall, std::vector<double>> took_;
    std::map<rsm::hw::ApiCall, uint64_t> errors_;
    std::map<unsigned, Node> nodes_;
};

}  // namespace rsmsim
