// The waveform writer: grouped announcements write exactly what one call per
// signal writes (same values, same order within a time step, weak clears
// losing to any other change at their time).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <systemc>

#include "rsmsim/model/waves.h"

using rsmsim::model::Block;
using rsmsim::model::Waves;

namespace {

// Without the header's date line.
std::string body(const std::string& path) {
    std::ifstream f(path);
    std::stringstream out;
    std::string line;
    bool in_date = false;
    while (std::getline(f, line)) {
        if (line.rfind("$date", 0) == 0) in_date = true;
        if (!in_date) out << line << '\n';
        if (in_date && line.find("$end") != std::string::npos) in_date = false;
    }
    return out.str();
}

// Two "links" of three signals each; packets announced ahead, the idle
// mark of one at the time the next on its link starts.
void announce(Waves& w, bool grouped) {
    Waves::Signal s[2][3];
    for (int l = 0; l < 2; ++l)
        for (int k = 0; k < 3; ++k)
            s[l][k] = w.declare("fabric.link" + std::to_string(l), "f" + std::to_string(k), 16, 0, Block::Fabric);
    for (uint64_t p = 1; p <= 20; ++p) {
        const int l = static_cast<int>(p % 2);
        const uint64_t start = 100 * p, end = 100 * p + 200;   // the link's next packet starts at `end`
        const uint64_t v[3] = {p, p * 7, p * 13};
        const uint64_t zero[2] = {0, 0};
        if (grouped) {
            w.set_group_at(s[l], v, 3, start);
            w.set_group_at(s[l], zero, 2, end, false);
        } else {
            for (int k = 0; k < 3; ++k) w.set_at(s[l][k], start, v[k]);
            for (int k = 0; k < 2; ++k) w.clear_at(s[l][k], end, 0);
        }
    }
}

}  // namespace

TEST(Waves, AGroupWritesWhatOneCallPerSignalWrites) {
    Waves single("waves_test_single.vcd", Waves::Format::Vcd), grouped("waves_test_group.vcd", Waves::Format::Vcd);
    announce(single, false);
    announce(grouped, true);
    sc_core::sc_start(sc_core::sc_time(3, sc_core::SC_NS));   // past every change announced
    single.close();
    grouped.close();
    const std::string one = body("waves_test_single.vcd");
    const std::string group = body("waves_test_group.vcd");
    EXPECT_EQ(one, group);
    EXPECT_NE(one.find("#2000"), std::string::npos) << "the last packet was written";
    EXPECT_NE(one.find("b10100 "), std::string::npos) << "packet 20 on its link";
}
