#include "rsmsim/model/timing.h"

#include <sstream>

namespace rsmsim::model {

// Figures and their sources: docs/timing.md (from shared/notes/hardware-figures.md).
const std::vector<TimingProfile>& timing_profiles() {
    static const std::vector<TimingProfile> profiles = {
        {"pci-sci",
         "PCI-SCI adapter (Dolphin D33x era): 64-bit/66 MHz PCI host bus, 400 MB/s SCI links",
         /*clk_ns*/ 6.0, /*mmio_write_ns*/ 200.0, /*mmio_read_ns*/ 900.0, /*pio_MBps*/ 264.0,
         /*link_MBps*/ 400.0, /*hop_ns*/ 300.0, /*adapter_ns*/ 400.0, /*host_mem_ns*/ 250.0,
         /*host_MBps*/ 528.0, /*crc_retries*/ 3, /*response_timeout_ns*/ 20000.0,
         /*target_latency_ns*/ 1400.0, /*target_dma_MBps*/ 312.0},
        {"pcie-ntb",
         "PCIe Gen3 x16 NTB adapter (Dolphin PXH830 class)",
         /*clk_ns*/ 4.0, /*mmio_write_ns*/ 30.0, /*mmio_read_ns*/ 700.0, /*pio_MBps*/ 4000.0,
         /*link_MBps*/ 13300.0, /*hop_ns*/ 100.0, /*adapter_ns*/ 50.0, /*host_mem_ns*/ 150.0,
         /*host_MBps*/ 15750.0, /*crc_retries*/ 3, /*response_timeout_ns*/ 20000.0,
         /*target_latency_ns*/ 300.0, /*target_dma_MBps*/ 10400.0},
    };
    return profiles;
}

namespace {
// Time: a delay, 0..1 s. Period: a delay that must be > 0, because a polling
// loop advances simulated time only through it (a zero-time register read
// would spin forever at one instant). Rate: MB/s, bounded away from 0 so a
// transfer time stays finite. Count: a whole number 0..100.
enum class Range { Time, Period, Rate, Count };
struct Bounds {
    double lo, hi;
    bool lo_open;
    const char* text;
};
Bounds bounds(Range r) {
    switch (r) {
    case Range::Time: return {0, 1e9, false, "ns, 0..1e9"};
    case Range::Period: return {0, 1e9, true, "ns, > 0 and at most 1e9"};
    case Range::Rate: return {1e-3, 1e9, false, "1e-3..1e9"};
    case Range::Count: break;
    }
    return {0, 100, false, "a whole number 0..100"};
}
struct Param {
    const char* name;
    double TimingProfile::*field;   // null for crc_retries (an int)
    Range range;
};
const Param kParams[] = {
    {"clk_ns", &TimingProfile::clk_ns, Range::Period},
    {"mmio_write_ns", &TimingProfile::mmio_write_ns, Range::Period},
    {"mmio_read_ns", &TimingProfile::mmio_read_ns, Range::Period},
    {"pio_MBps", &TimingProfile::pio_MBps, Range::Rate},
    {"link_MBps", &TimingProfile::link_MBps, Range::Rate},
    {"hop_ns", &TimingProfile::hop_ns, Range::Time},
    {"adapter_ns", &TimingProfile::adapter_ns, Range::Time},
    {"host_mem_ns", &TimingProfile::host_mem_ns, Range::Time},
    {"host_MBps", &TimingProfile::host_MBps, Range::Rate},
    {"crc_retries", nullptr, Range::Count},
    {"response_timeout_ns", &TimingProfile::response_timeout_ns, Range::Period},
    {"target_latency_ns", &TimingProfile::target_latency_ns, Range::Period},
    {"target_dma_MBps", &TimingProfile::target_dma_MBps, Range::Rate},
};

const Param* find_param(const std::string& name) {
    for (const Param& k : kParams)
        if (name == k.name) return &k;
    return nullptr;
}
}  // namespace

bool set_parameter(TimingProfile& p, const std::string& name, double value, std::string& error) {
    const Param* k = find_param(name);
    if (!k) {
        error = "unknown timing parameter '" + name + "'";
        return false;
    }
    const Bounds b = bounds(k->range);
    const bool ok = (b.lo_open ? value > b.lo : value >= b.lo) && value <= b.hi &&
                    (k->range != Range::Count || value == static_cast<int>(value));   // false for NaN too
    if (!ok) {
        std::ostringstream v;
        v << value;
        error = name + " = " + v.str() + " is out of range (" + b.text + ")";
        return false;
    }
    if (k->field) p.*k->field = value;
    else p.crc_retries = static_cast<int>(value);
    return true;
}

std::vector<std::string> parameter_names() {
    std::vector<std::string> names;
    for (const Param& k : kParams) names.emplace_back(k.name);
    return names;
}

std::optional<double> get_parameter(const TimingProfile& p, const std::string& name) {
    const Param* k = find_param(name);
    if (!k) return std::nullopt;
    return k->field ? p.*k->field : double(p.crc_retries);
}

std::optional<TimingProfile> find_profile(const std::string& name) {
    for (const auto& p : timing_profiles())
        if (p.name == name) return p;
    return std::nullopt;
}

}  // namespace rsmsim::model
