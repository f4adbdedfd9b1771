#include "rsmsim/call_stats.h"

#include <algorithm>
#include <cmath>

namespace rsmsim {

namespace {
double three_digits(double v) {
    if (v <= 0) return v;
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(v)));
    return std::round(v * scale) / scale;
}
}  // namespace

void CallStats::Latencies::add(double ns) {
    min = n == 0 ? ns : std::min(min, ns);
    max = n == 0 ? ns : std::max(max, ns);
    ++n;
    sum += ns;
    ++counts[coarse ? three_digits(ns) : ns];
    if (!coarse && counts.size() > kExactValues) {
        std::map<double, uint64_t> rounded;
        for (const auto& [v, k] : counts) rounded[three_digits(v)] += k;
        counts.swap(rounded);
        coarse = true;
    }
}

// The nearest-rank percentile.
double CallStats::Latencies::percentile(double p) const {
    const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n))));
    uint64_t seen = 0;
    for (const auto& [v, k] : counts)
        if ((seen += k) >= rank) return v;
    return max;
}

double CallStats::Latencies::mean() const {
    if (coarse) return sum / static_cast<double>(n);
    double s = 0;   // ascending, one term per call: the sum a sorted list of every latency gives
    for (const auto& [v, k] : counts)
        for (uint64_t i = 0; i < k; ++i) s += v;
    return s / static_cast<double>(n);
}

void CallStats::record(rsm::hw::ApiCall call, unsigned node, double ns, int rc) {
    const auto c = static_cast<size_t>(call);
    if (c >= kCalls) return;
    took_[c].add(ns);
    Node& n = nodes_[node];
    ++n.calls;
    if (call == rsm::hw::ApiCall::rsm_memseg_import_putv || call == rsm::hw::ApiCall::rsm_memseg_import_getv)
        ++n.dma_chains;
    if (rc != 0) {
        ++errors_[c];
        ++n.errors;
        ++n.codes[rc];
    }
}

size_t CallStats::distinct_latencies(rsm::hw::ApiCall call) const {
    const auto c = static_cast<size_t>(call);
    return c < kCalls ? took_[c].counts.size() : 0;
}

std::vector<CallStats::Kind> CallStats::kinds() const {
    std::vector<Kind> out;
    for (size_t c = 0; c < kCalls; ++c) {
        const Latencies& took = took_[c];
        if (took.n == 0) continue;
        Kind k;
        k.call = rsm::hw::api_call_name(static_cast<rsm::hw::ApiCall>(c));
        k.count = took.n;
        k.errors = errors_[c];
        k.min_ns = took.min;
        k.max_ns = took.max;
        k.mean_ns = took.mean();
        k.p50_ns = took.percentile(50);
        k.p99_ns = took.percentile(99);
        out.push_back(k);
    }
    return out;
}

}  // namespace rsmsim
