// Plays a stimulus file (format: rtl/tb/tb_stimulus.v) on the verilated
// adapter core and returns the lines the Icarus testbench prints for it.
#pragma once

#include <cstdint>
#include <string>

class VerilatedVcdC;

namespace rsmsim::test {

struct PlayResult {
    std::string text;      // same lines as tb_stimulus.v
    uint64_t cycles = 0;
};

// `trace` (optional, already open) records every clock edge.
PlayResult play_stimulus(const std::string& path, VerilatedVcdC* trace = nullptr);

}  // namespace rsmsim::test
