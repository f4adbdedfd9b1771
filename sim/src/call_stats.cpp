#include "rsmsim/call_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rsmsim {

void CallStats::record(rsm::hw::ApiCall call, unsigned node, double ns, int rc) {
    took_[call].push_back(ns);
    Node& n = nodes_[node];
    ++n.calls;
    if (call == rsm::hw::ApiCall::rsm_memseg_import_putv || call == rsm::hw::ApiCall::rsm_memseg_import_getv)
        ++n.dma_chains;
    if (rc != 0) {
        ++errors_[call];
        ++n.errors;
        ++n.codes[rc];
    }
}

namespace {
// The nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
    const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}
}  // namespace

std::vector<CallStats::Kind> CallStats::kinds() const {
    std::vector<Kind> out;
    for (const auto& [call, took] : took_) {
        std::vector<double> v = took;
        std::sort(v.begin(), v.end());
        Kind k;
        k.call = rsm::hw::api_call_name(call);
        k.count = v.size();
        auto e = errors_.find(call);
        k.errors = e == errors_.end() ? 0 : e->second;
        k.min_ns = v.front();
        k.max_ns = v.back();
        k.mean_ns = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
        k.p50_ns = percentile(v, 50);
        k.p99_ns = percentile(v, 99);
        out.push_back(k);
    }
    return out;
}

}  // namespace rsmsim
