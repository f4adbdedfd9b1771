#include "rsmsim/model/timing.h"

namespace rsmsim::model {

// Figures and their sources: docs/timing.md (from shared/notes/hardware-figures.md).
const std::vector<TimingProfile>& timing_profiles() {
    static const std::vector<TimingProfile> profiles = {
        {"pci-sci",
         "PCI-SCI adapter (Dolphin D33x era): 64-bit/66 MHz PCI host bus, 400 MB/s SCI links",
         /*clk_ns*/ 6.0, /*mmio_write_ns*/ 200.0, /*mmio_read_ns*/ 900.0, /*pio_MBps*/ 264.0,
         /*link_MBps*/ 400.0, /*hop_ns*/ 300.0, /*adapter_ns*/ 400.0, /*host_mem_ns*/ 250.0,
         /*host_MBps*/ 528.0, /*crc_retries*/ 3,
         /*target_latency_ns*/ 1400.0, /*target_dma_MBps*/ 312.0},
        {"pcie-ntb",
         "PCIe Gen3 x16 NTB adapter (Dolphin PXH830 class)",
         /*clk_ns*/ 4.0, /*mmio_write_ns*/ 30.0, /*mmio_read_ns*/ 700.0, /*pio_MBps*/ 4000.0,
         /*link_MBps*/ 13300.0, /*hop_ns*/ 100.0, /*adapter_ns*/ 50.0, /*host_mem_ns*/ 150.0,
         /*host_MBps*/ 15750.0, /*crc_retries*/ 3,
         /*target_latency_ns*/ 300.0, /*target_dma_MBps*/ 10400.0},
    };
    return profiles;
}

std::optional<TimingProfile> find_profile(const std::string& name) {
    for (const auto& p : timing_profiles())
        if (p.name == name) return p;
    return std::nullopt;
}

}  // namespace rsmsim::model
