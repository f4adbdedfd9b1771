// The same RTL, the same stimulus, two simulators: Icarus Verilog (event
// driven, the tb_stimulus.v testbench) and Verilator (cycle based, driven by
// the C++ player). Their outputs must be identical line for line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/stimulus_player.h"
#include "support/temp_file.h"

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(IcarusVsVerilator, IdenticalOutputsOnASharedStimulus) {
    const rsmsim::test::TempFile file("icarus.out");
    const std::string& out = file.path;
    const std::string cmd = std::string(RSM_VVP) + " -n " RSM_ICARUS_TB " +stim=" RSM_STIMULUS " +out=" + out +
                            " > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const std::string icarus = slurp(out);
    const auto verilator = rsmsim::test::play_stimulus(RSM_STIMULUS);
    ASSERT_GT(verilator.cycles, 1000u) << "the stimulus should exercise the core";
    // The stimulus must have made the blocks do something worth comparing.
    EXPECT_NE(icarus.find("\nP "), std::string::npos) << "no DMA packets";
    EXPECT_NE(icarus.find("\nB "), std::string::npos) << "no signal posts";
    EXPECT_NE(icarus.find("\nC "), std::string::npos) << "no lookups";
    std::istringstream a(icarus), b(verilator.text);
    std::string la, lb;
    int line = 0;
    while (true) {
        const bool ga = static_cast<bool>(std::getline(a, la));
        const bool gb = static_cast<bool>(std::getline(b, lb));
        ++line;
        if (!ga || !gb) {
            EXPECT_EQ(ga, gb) << "one output ends early at line " << line;
            break;
        }
        ASSERT_EQ(la, lb) << "first difference at line " << line;
    }
}

}  // namespace
