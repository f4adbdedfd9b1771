// Timing parameters of one simulated hardware generation. Values live in
// named profiles (docs/timing.md cites where each figure comes from); code
// never hard-codes a latency.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rsmsim::model {

struct TimingProfile {
    std::string name;
    std::string description;
    double clk_ns;          // adapter core clock period (one RTL cycle)
    double mmio_write_ns;   // CPU posted write to an adapter register
    double mmio_read_ns;    // CPU read of an adapter register (round trip on the host bus)
    double pio_MBps;        // CPU -> adapter burst rate for window writes
    double link_MBps;       // fabric link bandwidth, per direction
    double hop_ns;          // latency per fabric hop (link + switch/bypass)
    double adapter_ns;      // per-packet processing in an adapter (each end)
    double host_mem_ns;     // fixed cost of one adapter DMA access to host memory
    double host_MBps;       // adapter <-> host memory DMA bandwidth
    int crc_retries;        // link-layer retransmissions of a corrupted packet before it is NACKed
    double response_timeout_ns;   // a request whose answer cannot come back fails after this
    // What the profile is calibrated to (docs/timing.md gives the sources);
    // tests/calibration_test.cpp measures both through the driver.
    double target_latency_ns;   // one-way latency of a 4-byte rsm_memseg_import_put (half a ping-pong)
    double target_dma_MBps;     // bandwidth of one large rsm_memseg_import_putv
};

// The built-in profiles; the first is the default.
const std::vector<TimingProfile>& timing_profiles();
std::optional<TimingProfile> find_profile(const std::string& name);

// Overrides one numeric parameter by its field name ("link_MBps", ...).
// Refuses unknown names and values out of range (times >= 0, rates > 0,
// crc_retries a whole number 0..100), leaving the profile unchanged, and
// says why in `error`.
bool set_parameter(TimingProfile& p, const std::string& name, double value, std::string& error);
// The names set_parameter accepts, in declaration order.
std::vector<std::string> parameter_names();
// The value of a parameter by name (nullopt if there is none).
std::optional<double> get_parameter(const TimingProfile& p, const std::string& name);

// Nanoseconds to move `bytes` at `MBps` (10^6 bytes per second).
inline double transfer_ns(double bytes, double MBps) { return bytes * 1000.0 / MBps; }

}  // namespace rsmsim::model
