// Plays a stimulus file (format: rtl/tb/tb_stimulus.v) on the verilated
// adapter core and returns the lines the Icarus testbench prints for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rsmsim::test {

struct PlayResult {
    std::string text;      // same lines as tb_stimulus.v
    uint64_t cycles = 0;
};

struct StimulusOp {
    uint64_t op, a, b, c;
};

std::vector<StimulusOp> load_stimulus(const std::string& path);

// With `vcd_path` (only in builds whose core was verilated with --trace),
// every clock edge is also written to that VCD file.
PlayResult play_stimulus(const std::vector<StimulusOp>& ops, const char* vcd_path = nullptr);
PlayResult play_stimulus(const std::string& path, const char* vcd_path = nullptr);

}  // namespace rsmsim::test
