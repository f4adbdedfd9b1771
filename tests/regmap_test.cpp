// The register map's generated views agree with each other: the Verilog
// include the RTL is built from, the C++ header the driver uses, and the
// table the model uses. (regmap.doc_is_fresh checks docs/registers.md.)
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "adapter_regs.h"
#include "rsmsim/model/register_table.h"

namespace {

namespace r = rsm::regs;

std::map<std::string, unsigned long long> verilog_params() {
    std::ifstream f(RSM_GEN_DIR "/adapter_regs.vh");
    EXPECT_TRUE(f.good()) << "cannot read the generated Verilog include";
    std::map<std::string, unsigned long long> out;
    const std::regex hex(R"(localparam \[\d+:0\] (\w+) = \d+'h([0-9A-Fa-f]+);)");
    const std::regex dec(R"(localparam (?:integer|\[\d+:0\]) (\w+) = (?:\d+'d)?(\d+);)");
    std::string line;
    std::smatch m;
    while (std::getline(f, line)) {
        if (std::regex_search(line, m, hex)) out[m[1]] = std::stoull(m[2], nullptr, 16);
        else if (std::regex_search(line, m, dec)) out[m[1]] = std::stoull(m[2]);
    }
    return out;
}

TEST(RegisterMap, VerilogAndModelTableAgreeOnEveryRegister) {
    auto v = verilog_params();
    ASSERT_FALSE(rsmsim::model::register_table().empty());
    for (const auto& reg : rsmsim::model::register_table()) {
        // Array instances are "NAME[i]": base + i * stride in the Verilog view.
        std::string n = reg.name;
        unsigned long long index = 0;
        if (auto br = n.find('['); br != std::string::npos) {
            index = std::stoull(n.substr(br + 1));
            n = n.substr(0, br);
            ASSERT_TRUE(v.count(n + "_STRIDE")) << n;
            EXPECT_LT(index, v[n + "_COUNT"]) << reg.name;
        }
        ASSERT_TRUE(v.count("REG_" + n)) << n << " missing from the Verilog include";
        EXPECT_EQ(v["REG_" + n] + index * v[n + "_STRIDE"], reg.offset) << reg.name;
        EXPECT_EQ(v["RST_" + n], reg.reset) << reg.name;
    }
}

TEST(RegisterMap, CppHeaderAgreesWithVerilog) {
    auto v = verilog_params();
    EXPECT_EQ(v["REG_ID"], r::ID);
    EXPECT_EQ(v["REG_CONN_PERM"], r::CONN_PERM);
    EXPECT_EQ(v["REG_EXP_CMD"], r::EXP_CMD);
    EXPECT_EQ(v["DEV_IDENT"], r::kIdent);
    EXPECT_EQ(v["DEV_VERSION"], r::kVersion);
    EXPECT_EQ(v["ATT_ENTRIES"], r::kAttEntries);
    EXPECT_EQ(v["ETT_ENTRIES"], r::kEttEntries);
    EXPECT_EQ(v["WINDOW_SLOT_SHIFT"], r::kWindowSlotShift);
    EXPECT_EQ(v["CONN_STATUS_RESULT_LSB"], r::CONN_STATUS_f::RESULT_SHIFT);
    EXPECT_EQ(v["ERR_CLASS_BOUNDS"], static_cast<unsigned>(r::ErrClass::BOUNDS));
    EXPECT_EQ(v["TABLE_OP_ACL_SET"], static_cast<unsigned>(r::TableOp::ACL_SET));
    EXPECT_EQ(v["REG_DESC_CTRL"], r::DESC_CTRL(0));
    EXPECT_EQ(v["REG_DESC_CTRL"] + 15 * v["DESC_CTRL_STRIDE"], r::DESC_CTRL(15));
    EXPECT_EQ(v["DESC_CTRL_COUNT"], r::DESC_CTRL_COUNT);
}

TEST(RegisterMap, OffsetsAreUniqueAlignedAndInsideTheRegisterSpace) {
    std::set<uint32_t> seen;
    for (const auto& reg : rsmsim::model::register_table()) {
        EXPECT_EQ(reg.offset % 4, 0u) << reg.name;
        EXPECT_LT(reg.offset, r::kRegSpace) << reg.name;
        EXPECT_TRUE(seen.insert(reg.offset).second) << reg.name << " overlaps";
        EXPECT_EQ(reg.reset & ~reg.mask, 0u) << reg.name << " resets unimplemented bits";
    }
    EXPECT_GE(r::kWindowBase, r::kRegSpace) << "window must not overlap the registers";
}

}  // namespace
