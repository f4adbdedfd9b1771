// The waveform writer: lanes write exactly what one call per signal writes
// (same values, same order within a time step, weak clears losing to any
// other change at their time), in any order announced.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

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
// mark of one at the time the next on its link starts. `Laned`: each link
// a lane, the packets announced out of time order, some fields repeating
// the packet before; `Packets`: the same, a lane_packet_at call each.
enum class How { PerSignal, Laned, Packets };
void announce(Waves& w, How how, uint64_t base = 0) {
    Waves::Signal s[2][3];
    Waves::Lane lane[2] = {Waves::kNoLane, Waves::kNoLane};
    for (int l = 0; l < 2; ++l) {
        for (int k = 0; k < 3; ++k)
            s[l][k] = w.declare("fabric.link" + std::to_string(l), "f" + std::to_string(k), 16, 0, Block::Fabric);
        if (how != How::PerSignal) lane[l] = w.new_lane(s[l], 3, 0b011);
    }
    for (uint64_t i = 0; i < 20; ++i) {
        const uint64_t p = how != How::PerSignal ? (i * 7) % 20 + 1 : i + 1;   // 7 is prime to 20: each once
        const int l = static_cast<int>(p % 2);
        const uint64_t start = base + 100 * p, end = start + 200;   // the link's next packet starts at `end`
        const uint64_t v[3] = {p, p * 7, p / 6};                     // the third field repeats
        const uint64_t zero[2] = {0, 0};
        if (how == How::PerSignal) {
            for (int k = 0; k < 3; ++k) w.set_at(s[l][k], start, v[k]);
            for (int k = 0; k < 2; ++k) w.clear_at(s[l][k], end, 0);
        } else if (how == How::Laned) {
            w.lane_set_at(lane[l], start, 0b111, v);
            w.lane_set_at(lane[l], end, 0b011, zero, false);
        } else {
            w.lane_packet_at(lane[l], start, end, v);
        }
    }
}

}  // namespace

TEST(Waves, LanesWriteWhatOneCallPerSignalWritesInAnyAnnouncedOrder) {
    Waves single("waves_test_single2.vcd", Waves::Format::Vcd), laned("waves_test_laned.vcd", Waves::Format::Vcd),
        packets("waves_test_packets.vcd", Waves::Format::Vcd);
    const uint64_t base = Waves::now_ps();   // another test may have run the simulation before
    announce(single, How::PerSignal, base);
    announce(laned, How::Laned, base);
    announce(packets, How::Packets, base);
    sc_core::sc_start(sc_core::sc_time(3, sc_core::SC_NS));
    single.close();
    laned.close();
    packets.close();
    const std::string one = body("waves_test_single2.vcd");
    EXPECT_EQ(one, body("waves_test_laned.vcd"));
    EXPECT_EQ(one, body("waves_test_packets.vcd"));
    EXPECT_NE(one.find("b10100 "), std::string::npos) << "packet 20 on its link";
}

// Time stamps and vector values are formatted by hand (VcdWriter): every
// digit count, and values of every bit length, read back as written.
TEST(Waves, VcdTimesAndValuesReadBackAsWritten) {
    Waves w("waves_test_text.vcd", Waves::Format::Vcd);
    const Waves::Signal s = w.declare("top", "v", 64, 0, Block::Fabric);
    std::vector<std::pair<uint64_t, uint64_t>> written;   // (time, value), values never repeating
    const uint64_t base = Waves::now_ps();   // another test may have run the simulation before
    uint64_t t = 0, v = 1;
    for (int k = 0; k < 64; ++k) {
        written.emplace_back(base + t, v);
        w.set_at(s, base + t, v);
        t = t * 10 + 7;                  // 0, 7, 77, ... every digit count up to 19
        if (t > 1000000000000000000ull) t = 1000000000000000000ull + static_cast<uint64_t>(k);
        v = (v << 1) | (k % 3 == 0);     // every bit length up to 64
    }
    sc_core::sc_start(sc_core::sc_time::from_value(written.back().first - base + 1));   // past the last change
    w.close();
    std::ifstream f("waves_test_text.vcd");
    std::string line;
    std::vector<std::pair<uint64_t, uint64_t>> read;
    uint64_t at = 0;
    bool header = true;
    while (std::getline(f, line)) {
        if (line == "$enddefinitions $end") header = false;
        if (header || line.empty()) continue;
        if (line[0] == '#') at = std::stoull(line.substr(1));
        if (line[0] == 'b') read.emplace_back(at, std::stoull(line.substr(1, line.find(' ') - 1), nullptr, 2));
    }
    ASSERT_FALSE(read.empty());
    read.erase(read.begin());   // every signal's initial value, where the window opens
    EXPECT_EQ(read, written);
}
