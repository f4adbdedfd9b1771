// The verilated control core (rtl/src/adapter_core.v) driven cycle by cycle,
// checked against the register map it was generated from.
#include <gtest/gtest.h>

#include <verilated.h>

#include <memory>

#include "Vadapter_core.h"
#include "adapter_regs.h"
#include "rsmsim/model/register_table.h"

namespace {

namespace r = rsm::regs;
using rsmsim::model::RegAccess;
using rsmsim::model::register_table;

constexpr uint8_t E(r::ErrClass e) { return static_cast<uint8_t>(e); }
constexpr uint32_t Op(r::TableOp o) { return static_cast<uint32_t>(o); }

class Core : public ::testing::Test {
protected:
    VerilatedContext ctx;
    std::unique_ptr<Vadapter_core> m = std::make_unique<Vadapter_core>(&ctx);

    void SetUp() override {
        m->node_id_i = 8;
        m->link_up_i = 1;
        idle();
        m->clk = 0;
        m->rst_n = 0;
        m->eval();
        m->rst_n = 1;
        m->eval();
    }
    void TearDown() override { m->final(); }

    void idle() {
        m->reg_req_i = 0;
        m->reg_we_i = 0;
        m->ev_issue_i = 0;
        m->ev_ack_i = 0;
        m->ev_err_i = 0;
        m->ev_xlate_err_i = 0;
        m->conn_resp_i = 0;
    }
    void tick() {
        m->clk = 1;
        m->eval();
        m->clk = 0;
        m->eval();
    }
    // A write always gets its clock edge, even when refused: the RTL itself
    // must ignore a refused write, not rely on the wrapper.
    bool wr(uint32_t addr, uint32_t data) {
        m->reg_req_i = 1;
        m->reg_we_i = 1;
        m->reg_addr_i = addr;
        m->reg_wdata_i = data;
        m->eval();
        const bool err = m->reg_err_o;
        tick();
        idle();
        m->eval();
        return !err;
    }
    uint32_t rd(uint32_t addr, bool* err = nullptr) {
        m->reg_req_i = 1;
        m->reg_we_i = 0;
        m->reg_addr_i = addr;
        m->eval();
        const uint32_t v = m->reg_rdata_o;
        if (err) *err = m->reg_err_o;
        idle();
        m->eval();
        return v;
    }
    void pulse(uint8_t& input, uint8_t err_class = 0) {
        input = 1;
        m->ev_err_class_i = err_class;
        tick();
        idle();
        m->eval();
    }
    uint8_t translate(unsigned slot, uint32_t off, uint32_t len, bool write) {
        m->xl_slot_i = slot;
        m->xl_off_i = off;
        m->xl_len_i = len;
        m->xl_write_i = write;
        m->eval();
        return m->xl_err_o;
    }
    uint8_t check(uint32_t segid, uint16_t src, uint32_t off, uint64_t len, bool write, bool probe = false) {
        m->ex_segid_i = segid;
        m->ex_src_i = src;
        m->ex_off_i = off;
        m->ex_len_i = len;
        m->ex_write_i = write;
        m->ex_probe_i = probe;
        m->eval();
        return m->ex_err_o;
    }
    void program_import(unsigned idx, uint32_t node, uint32_t segid, uint32_t size, uint32_t ctrl) {
        ASSERT_TRUE(wr(r::ATT_INDEX, idx));
        ASSERT_TRUE(wr(r::ATT_NODE, node));
        ASSERT_TRUE(wr(r::ATT_SEGID, segid));
        ASSERT_TRUE(wr(r::ATT_SIZE, size));
        ASSERT_TRUE(wr(r::ATT_CTRL, ctrl));
        ASSERT_TRUE(wr(r::ATT_CMD, Op(r::TableOp::WRITE)));
    }
    void program_export(unsigned idx, uint32_t segid, uint64_t base, uint32_t size, uint32_t ctrl) {
        ASSERT_TRUE(wr(r::EXP_INDEX, idx));
        ASSERT_TRUE(wr(r::EXP_SEGID, segid));
        ASSERT_TRUE(wr(r::EXP_BASE_LO, static_cast<uint32_t>(base)));
        ASSERT_TRUE(wr(r::EXP_BASE_HI, static_cast<uint32_t>(base >> 32)));
        ASSERT_TRUE(wr(r::EXP_SIZE, size));
        ASSERT_TRUE(wr(r::EXP_CTRL, ctrl));
        ASSERT_TRUE(wr(r::EXP_CMD, Op(r::TableOp::WRITE)));
    }
    void acl_set(unsigned idx, uint32_t node, uint32_t perm) {
        ASSERT_TRUE(wr(r::EXP_INDEX, idx));
        ASSERT_TRUE(wr(r::EXP_ACL_NODE, node));
        ASSERT_TRUE(wr(r::EXP_ACL_PERM, perm));
        ASSERT_TRUE(wr(r::EXP_CMD, Op(r::TableOp::ACL_SET)));
    }
};

TEST_F(Core, ResetValuesMatchTheRegisterMap) {
    for (const auto& reg : register_table()) {
        bool err = true;
        const uint32_t v = rd(reg.offset, &err);
        EXPECT_FALSE(err) << reg.name;
        if (reg.offset == r::NODE_ID) {
            EXPECT_EQ(v, 8u) << "NODE_ID reads the strap";
        } else if (reg.offset == r::STATUS) {
            EXPECT_EQ(v, r::STATUS_f::LINK_UP_MASK) << "LINK_UP follows link_up_i";
        } else if (reg.access == RegAccess::WO) {
            EXPECT_EQ(v, 0u) << reg.name << " is write-only and reads as 0";
        } else {
            EXPECT_EQ(v, reg.reset) << reg.name;
        }
    }
}

TEST_F(Core, WriteToReadOnlyRegisterIsBusErrorAndChangesNothing) {
    pulse(m->ev_issue_i);
    for (const auto& reg : register_table()) {
        if (reg.access != RegAccess::RO) continue;
        const uint32_t before = rd(reg.offset);
        EXPECT_FALSE(wr(reg.offset, ~before)) << reg.name;
        EXPECT_EQ(rd(reg.offset), before) << reg.name;
    }
}

TEST_F(Core, UnmappedAndUnalignedOffsetsAreBusErrors) {
    for (uint32_t a : {0x03Cu, 0x0FCu, 0xFFCu, 0x002u, 0x021u}) {
        bool err = false;
        EXPECT_EQ(rd(a, &err), 0u);
        EXPECT_TRUE(err) << std::hex << a;
        EXPECT_FALSE(wr(a, 0xFFFFFFFF)) << std::hex << a;
    }
    EXPECT_EQ(rd(r::SCRATCH), 0u) << "a refused write must not land anywhere";
}

TEST_F(Core, ReadWriteRegistersHoldExactlyTheirImplementedBits) {
    for (const auto& reg : register_table()) {
        if (reg.access != RegAccess::RW) continue;
        ASSERT_TRUE(wr(reg.offset, 0xFFFFFFFF)) << reg.name;
        EXPECT_EQ(rd(reg.offset), reg.mask) << reg.name;
        ASSERT_TRUE(wr(reg.offset, 0)) << reg.name;
        EXPECT_EQ(rd(reg.offset), 0u) << reg.name;
    }
}

TEST_F(Core, InterruptStateIsW1CWithTestAndEnableDrivingTheLine) {
    ASSERT_TRUE(wr(r::INTR_TEST, r::INTR_STATE_f::XLATE_ERR_MASK | r::INTR_STATE_f::REMOTE_ERR_MASK));
    EXPECT_EQ(rd(r::INTR_STATE), r::INTR_STATE_f::XLATE_ERR_MASK | r::INTR_STATE_f::REMOTE_ERR_MASK);
    EXPECT_FALSE(m->irq_o) << "causes without enable do not interrupt";
    ASSERT_TRUE(wr(r::INTR_ENABLE, r::INTR_ENABLE_f::REMOTE_ERR_MASK));
    EXPECT_TRUE(m->irq_o);
    ASSERT_TRUE(wr(r::INTR_STATE, r::INTR_STATE_f::REMOTE_ERR_MASK));
    EXPECT_EQ(rd(r::INTR_STATE), r::INTR_STATE_f::XLATE_ERR_MASK) << "W1C clears only the written bit";
    EXPECT_FALSE(m->irq_o);
}

TEST_F(Core, HardwareCauseWinsOverASimultaneousClear) {
    ASSERT_TRUE(wr(r::INTR_TEST, r::INTR_STATE_f::REMOTE_ERR_MASK));
    // Same cycle: the driver clears REMOTE_ERR while a new remote error arrives.
    m->reg_req_i = 1;
    m->reg_we_i = 1;
    m->reg_addr_i = r::INTR_STATE;
    m->reg_wdata_i = r::INTR_STATE_f::REMOTE_ERR_MASK;
    m->ev_ack_i = 1;
    m->ev_err_i = 1;
    m->ev_err_class_i = E(r::ErrClass::BOUNDS);
    m->eval();
    tick();
    idle();
    m->eval();
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::REMOTE_ERR_MASK, r::INTR_STATE_f::REMOTE_ERR_MASK);
}

TEST_F(Core, TransactionAndErrorCountersTrackDatapathEvents) {
    for (int i = 0; i < 3; ++i) pulse(m->ev_issue_i);
    pulse(m->ev_ack_i);
    EXPECT_EQ(rd(r::TXN_ISSUED), 3u);
    EXPECT_EQ(rd(r::TXN_ACKED), 1u);
    EXPECT_EQ(rd(r::OUTSTANDING), 2u);
    m->ev_err_i = 1;
    pulse(m->ev_ack_i, E(r::ErrClass::RIGHTS));
    EXPECT_EQ(rd(r::OUTSTANDING), 1u);
    EXPECT_EQ(rd(r::ERR_COUNT), 1u);
    EXPECT_EQ(rd(r::ERR_LAST), E(r::ErrClass::RIGHTS));
    pulse(m->ev_xlate_err_i, E(r::ErrClass::BOUNDS));
    EXPECT_EQ(rd(r::ERR_COUNT), 2u);
    EXPECT_EQ(rd(r::ERR_LAST), E(r::ErrClass::BOUNDS));
    EXPECT_EQ(rd(r::INTR_STATE), r::INTR_STATE_f::XLATE_ERR_MASK | r::INTR_STATE_f::REMOTE_ERR_MASK);
}

TEST_F(Core, ImportTableTranslatesAndEnforcesBoundsAndRights) {
    const uint32_t rw = r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::READ_MASK | r::ATT_CTRL_f::WRITE_MASK;
    program_import(5, 4, 0x1234, 4096, rw);
    program_import(6, 12, 0x99, 8192, r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::READ_MASK);
    EXPECT_EQ(translate(5, 0, 4, true), E(r::ErrClass::UNREACHABLE)) << "adapter not enabled yet";
    ASSERT_TRUE(wr(r::CTRL, r::CTRL_f::ENABLE_MASK));
    EXPECT_EQ(translate(5, 4000, 96, true), E(r::ErrClass::OK));
    EXPECT_EQ(m->xl_node_o, 4);
    EXPECT_EQ(m->xl_segid_o, 0x1234u);
    EXPECT_EQ(translate(5, 4000, 97, true), E(r::ErrClass::BOUNDS));
    EXPECT_EQ(translate(5, 4096, 1, false), E(r::ErrClass::BOUNDS));
    EXPECT_EQ(translate(5, 0x0FFFFFFF, 0x1FFFFFFF, false), E(r::ErrClass::BOUNDS)) << "no wrap-around";
    EXPECT_EQ(translate(6, 0, 64, false), E(r::ErrClass::OK));
    EXPECT_EQ(m->xl_node_o, 12);
    EXPECT_EQ(translate(6, 0, 64, true), E(r::ErrClass::RIGHTS)) << "read-only entry";
    EXPECT_EQ(translate(7, 0, 4, false), E(r::ErrClass::NO_ENTRY));
    // READ loads an entry into the staging registers; CLEAR invalidates it.
    ASSERT_TRUE(wr(r::ATT_INDEX, 5));
    ASSERT_TRUE(wr(r::ATT_CMD, Op(r::TableOp::READ)));
    EXPECT_EQ(rd(r::ATT_SEGID), 0x1234u);
    EXPECT_EQ(rd(r::ATT_SIZE), 4096u);
    EXPECT_EQ(rd(r::ATT_CTRL), rw);
    ASSERT_TRUE(wr(r::ATT_CMD, Op(r::TableOp::CLEAR)));
    EXPECT_EQ(translate(5, 0, 4, true), E(r::ErrClass::NO_ENTRY));
    EXPECT_EQ(translate(6, 0, 4, false), E(r::ErrClass::OK)) << "other entries untouched";
}

TEST_F(Core, ExportTableChecksAccessListRightsAndBounds) {
    ASSERT_TRUE(wr(r::CTRL, r::CTRL_f::ENABLE_MASK));
    acl_set(3, 8, r::EXP_ACL_PERM_f::READ_MASK);
    acl_set(3, 16, r::EXP_ACL_PERM_f::READ_MASK | r::EXP_ACL_PERM_f::WRITE_MASK);
    program_export(3, 0x400001, 0x7f0000001000ull, 8192, r::EXP_CTRL_f::VALID_MASK);
    EXPECT_EQ(check(0x400001, 8, 100, 28, false), E(r::ErrClass::OK));
    EXPECT_EQ(m->ex_addr_o, 0x7f0000001000ull + 100);
    EXPECT_EQ(check(0x400001, 8, 100, 28, true), E(r::ErrClass::RIGHTS));
    EXPECT_EQ(check(0x400001, 16, 8000, 192, true), E(r::ErrClass::OK));
    EXPECT_EQ(check(0x400001, 16, 8000, 193, true), E(r::ErrClass::BOUNDS));
    EXPECT_EQ(check(0x400001, 12, 0, 4, false), E(r::ErrClass::NOT_TO_NODE));
    EXPECT_EQ(check(0x400001, 6, 0, 4, false), E(r::ErrClass::NOT_TO_NODE)) << "not a valid node id";
    EXPECT_EQ(check(0x400002, 8, 0, 4, false), E(r::ErrClass::NO_ENTRY));
    EXPECT_EQ(check(0x400001, 16, 0, 0, false, true), E(r::ErrClass::OK));
    EXPECT_EQ(m->ex_size_o, 8192u);
    EXPECT_EQ(m->ex_perm_o, 3);
    // A public entry grants its rights to every valid node.
    program_export(4, 0x500000, 0x2000, 4096,
                   r::EXP_CTRL_f::VALID_MASK | r::EXP_CTRL_f::PUBLIC_MASK | r::EXP_CTRL_f::PUB_READ_MASK);
    EXPECT_EQ(check(0x500000, 252, 0, 4096, false), E(r::ErrClass::OK));
    EXPECT_EQ(check(0x500000, 252, 0, 4, true), E(r::ErrClass::RIGHTS));
    // CLEAR unpublishes and forgets the access list.
    ASSERT_TRUE(wr(r::EXP_INDEX, 3));
    ASSERT_TRUE(wr(r::EXP_CMD, Op(r::TableOp::CLEAR)));
    EXPECT_EQ(check(0x400001, 8, 0, 4, false), E(r::ErrClass::NO_ENTRY));
    program_export(3, 0x400001, 0x1000, 8192, r::EXP_CTRL_f::VALID_MASK);
    EXPECT_EQ(check(0x400001, 8, 0, 4, false), E(r::ErrClass::NOT_TO_NODE));
    ASSERT_TRUE(wr(r::CTRL, 0));
    EXPECT_EQ(check(0x500000, 8, 0, 4, false), E(r::ErrClass::UNREACHABLE)) << "disabled adapter";
}

TEST_F(Core, SegmentLookupHandshake) {
    ASSERT_TRUE(wr(r::CONN_NODE, 4));
    ASSERT_TRUE(wr(r::CONN_SEGID, 0x80000001));
    EXPECT_FALSE(m->conn_go_o);
    ASSERT_TRUE(wr(r::CONN_CMD, r::CONN_CMD_f::GO_MASK));
    EXPECT_TRUE(m->conn_go_o) << "one-cycle request to the datapath";
    EXPECT_EQ(m->conn_node_o, 4);
    EXPECT_EQ(m->conn_segid_o, 0x80000001u);
    tick();
    EXPECT_FALSE(m->conn_go_o);
    EXPECT_EQ(rd(r::CONN_STATUS), r::CONN_STATUS_f::BUSY_MASK);
    EXPECT_EQ(rd(r::STATUS) & r::STATUS_f::CONN_BUSY_MASK, r::STATUS_f::CONN_BUSY_MASK);
    ASSERT_TRUE(wr(r::CONN_CMD, r::CONN_CMD_f::GO_MASK));
    EXPECT_FALSE(m->conn_go_o) << "GO while busy is ignored";
    m->conn_resp_i = 1;
    m->conn_result_i = E(r::ErrClass::OK);
    m->conn_size_i = 65536;
    m->conn_perm_i = 2;
    tick();
    idle();
    m->eval();
    EXPECT_EQ(rd(r::CONN_STATUS), r::CONN_STATUS_f::DONE_MASK);
    EXPECT_EQ(rd(r::CONN_SIZE), 65536u);
    EXPECT_EQ(rd(r::CONN_PERM), 2u);
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::CONN_DONE_MASK, r::INTR_STATE_f::CONN_DONE_MASK);
}

TEST_F(Core, BackToBackWritesOnConsecutiveCyclesAllLand) {
    for (uint32_t i = 0; i < 16; ++i) {
        m->reg_req_i = 1;
        m->reg_we_i = 1;
        m->reg_addr_i = (i % 2) ? r::ATT_SEGID : r::SCRATCH;
        m->reg_wdata_i = 0xA0000000u + i;
        tick();
    }
    idle();
    m->eval();
    EXPECT_EQ(rd(r::SCRATCH), 0xA000000Eu);
    EXPECT_EQ(rd(r::ATT_SEGID), 0xA000000Fu);
}

}  // namespace
