// The verilated control core (rtl/src/adapter_core.v) driven cycle by cycle,
// checked against the register map it was generated from.
#include <gtest/gtest.h>

#include <verilated.h>

#include <deque>
#include <memory>

#include "Vadapter_core.h"
#include "adapter_regs.h"
#include "rsmsim/model/core_pins.h"
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
    std::unique_ptr<Vadapter_core> m;

    Core() {
        rsmsim::model::make_single_threaded(ctx);   // before the model is built
        m = std::make_unique<Vadapter_core>(&ctx);
    }

    void SetUp() override {
        m->node_id_i = 8;
        m->link_up_i = 1;
        rsmsim::model::reset_core(*m);
    }
    void TearDown() override { m->final(); }

    struct Pkt {
        bool write;
        unsigned entry;
        uint64_t local;
        unsigned node;
        uint32_t segid, remote, len;
    };
    std::deque<Pkt> pkts;        // DMA packets the core issued, oldest first
    unsigned bells = 0;          // BELL requests the core issued
    uint16_t bell_node = 0;
    uint32_t bell_segid = 0;
    bool bell_noacc = false;

    void idle() { rsmsim::model::idle_core_inputs(*m); }
    // One clock; collects the one-cycle request pulses like the datapath does.
    void tick() {
        m->clk = 1;
        m->eval();
        m->clk = 0;
        m->eval();
        if (m->dma_pkt_valid_o)
            pkts.push_back({m->dma_pkt_write_o != 0, m->dma_pkt_entry_o, m->dma_pkt_local_o,
                            m->dma_pkt_node_o, m->dma_pkt_segid_o, m->dma_pkt_remote_o, m->dma_pkt_len_o});
        if (m->bell_go_o) {
            ++bells;
            bell_node = m->bell_node_o;
            bell_segid = m->bell_segid_o;
            bell_noacc = m->bell_noacc_o;
        }
    }
    void run(int cycles) {
        for (int i = 0; i < cycles; ++i) tick();
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
        m->ex_query_i = 1;
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
    // The datapath answering the oldest DMA packet.
    void respond(uint8_t err = 0) {
        ASSERT_FALSE(pkts.empty());
        m->dma_resp_valid_i = 1;
        m->dma_resp_entry_i = pkts.front().entry;
        m->dma_resp_err_i = err;
        pkts.pop_front();
        tick();
        idle();
        m->eval();
    }
    void desc(unsigned i, uint64_t local, uint32_t remote, uint32_t len, uint32_t ctrl) {
        ASSERT_TRUE(wr(r::DESC_LOCAL_LO(i), static_cast<uint32_t>(local)));
        ASSERT_TRUE(wr(r::DESC_LOCAL_HI(i), static_cast<uint32_t>(local >> 32)));
        ASSERT_TRUE(wr(r::DESC_REMOTE(i), remote));
        ASSERT_TRUE(wr(r::DESC_LEN(i), len));
        ASSERT_TRUE(wr(r::DESC_CTRL(i), ctrl));
    }
    uint32_t status_field(uint32_t mask, uint32_t shift) { return (rd(r::DMA_STATUS) & mask) >> shift; }
    uint32_t completed() { return status_field(r::DMA_STATUS_f::COMPLETED_MASK, r::DMA_STATUS_f::COMPLETED_SHIFT); }
    uint32_t fail_entry() { return status_field(r::DMA_STATUS_f::FAIL_ENTRY_MASK, r::DMA_STATUS_f::FAIL_ENTRY_SHIFT); }
    uint32_t err_class() { return status_field(r::DMA_STATUS_f::CLASS_MASK, r::DMA_STATUS_f::CLASS_SHIFT); }
    // Enabled adapter with import entry 2 -> node 12, segment 0x77, 1 MiB, RW,
    // and import entry 3 read-only.
    void dma_setup() {
        ASSERT_TRUE(wr(r::CTRL, r::CTRL_f::ENABLE_MASK));
        ASSERT_TRUE(wr(r::INTR_ENABLE, 0x3F));
        const uint32_t rw = r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::READ_MASK | r::ATT_CTRL_f::WRITE_MASK;
        program_import(2, 12, 0x77, 1 << 20, rw);
        program_import(3, 12, 0x78, 1 << 20, r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::READ_MASK);
    }
    // Answers every packet until the chain ends; returns packets answered.
    int drain(uint8_t err_for_entry = 0xFF, uint8_t err = 0) {
        int n = 0;
        for (int guard = 0; guard < 100000 && (rd(r::DMA_STATUS) & r::DMA_STATUS_f::BUSY_MASK); ++guard) {
            if (pkts.empty()) {
                tick();
                continue;
            }
            respond(pkts.front().entry == err_for_entry ? err : 0);
            ++n;
        }
        while (m->active_o) tick();   // let the end-of-chain pulses land
        return n;
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
    for (uint32_t a : {0x0B0u, 0x0FCu, 0xFFCu, 0x002u, 0x021u}) {
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

constexpr uint32_t kWrite = r::DESC_CTRL_f::WRITE_MASK;
constexpr uint32_t kBarrier = r::DESC_CTRL_f::BARRIER_MASK;
constexpr uint32_t kGo = r::DMA_CTRL_f::GO_MASK;

TEST_F(Core, DmaRejectsAChainCountOutside1To16) {
    dma_setup();
    for (uint32_t count : {0u, 17u, 31u}) {
        ASSERT_TRUE(wr(r::INTR_STATE, 0x3F));
        ASSERT_TRUE(wr(r::DMA_COUNT, count));
        ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
        run(2);
        const uint32_t st = rd(r::DMA_STATUS);
        EXPECT_EQ(st & (r::DMA_STATUS_f::BUSY_MASK | r::DMA_STATUS_f::DONE_MASK | r::DMA_STATUS_f::ERROR_MASK),
                  r::DMA_STATUS_f::DONE_MASK | r::DMA_STATUS_f::ERROR_MASK) << count;
        EXPECT_EQ(err_class(), E(r::ErrClass::BAD_DESC));
        EXPECT_EQ(completed(), 0u);
        EXPECT_TRUE(pkts.empty());
        EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::DMA_ERR_MASK, r::INTR_STATE_f::DMA_ERR_MASK);
    }
}

TEST_F(Core, DmaSplitsAnEntryIntoAlignedPacketsOfAtMost64Bytes) {
    dma_setup();
    desc(0, 0x10000, 60, 200, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 1));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo | r::DMA_CTRL_f::IRQ_MASK));
    run(20);
    ASSERT_EQ(pkts.size(), 5u);
    const uint32_t lens[] = {4, 64, 64, 64, 4};
    uint32_t remote = 60;
    uint64_t local = 0x10000;
    for (size_t k = 0; k < 5; ++k) {
        EXPECT_EQ(pkts[k].len, lens[k]) << k;
        EXPECT_EQ(pkts[k].remote, remote) << k;
        EXPECT_EQ(pkts[k].local, local) << k;
        EXPECT_TRUE(pkts[k].write);
        EXPECT_EQ(pkts[k].node, 12u);
        EXPECT_EQ(pkts[k].segid, 0x77u);
        EXPECT_EQ((remote % 64) + lens[k] <= 64, true) << "crosses a 64-byte boundary";
        remote += lens[k];
        local += lens[k];
    }
    EXPECT_EQ(drain(), 5);
    EXPECT_EQ(rd(r::DMA_STATUS) & 0x7, r::DMA_STATUS_f::DONE_MASK);
    EXPECT_EQ(completed(), 1u);
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::DMA_DONE_MASK, r::INTR_STATE_f::DMA_DONE_MASK);
    EXPECT_TRUE(m->irq_o);
}

TEST_F(Core, DmaPacketsAreCountedAsIssuedAtTheEdgeThatIssuesThem) {
    dma_setup();
    ASSERT_TRUE(wr(r::BAR_NODE, 12));
    desc(0, 0x10000, 60, 200, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 1));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo | r::DMA_CTRL_f::IRQ_MASK));
    // No ev_issue_i pulse from the datapath: the engine's own issue counts.
    unsigned seen = 0;
    for (int i = 0; i < 20; ++i) {
        tick();
        seen = static_cast<unsigned>(pkts.size());
        EXPECT_EQ(rd(r::BAR_ISSUED), seen) << "counted at the edge the packet appears, cycle " << i;
    }
    ASSERT_EQ(seen, 5u);
    EXPECT_EQ(rd(r::TXN_ISSUED), 5u);
    EXPECT_EQ(rd(r::BAR_OUTSTANDING), 5u);
    EXPECT_EQ(drain(), 5);
    // A window access every cycle until, and in, the cycle the next chain's
    // one packet leaves, to the same node: both issues of that cycle count.
    desc(0, 0x20000, 0, 64, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    unsigned pulses = 0;
    while (pkts.empty() && pulses < 20) {
        m->ev_issue_i = 1;
        m->ev_node_i = 12;
        tick();
        idle();
        m->eval();
        ++pulses;
    }
    ASSERT_EQ(pkts.size(), 1u);
    EXPECT_EQ(rd(r::BAR_ISSUED), 5u + pulses + 1u);
    EXPECT_EQ(rd(r::TXN_ISSUED), 5u + pulses + 1u);
}

TEST_F(Core, DmaRunsAChainOf16EntriesAndSignalsTheExporter) {
    dma_setup();
    for (unsigned i = 0; i < 16; ++i) desc(i, 0x100000 + i * 0x1000, i * 100, 100 + i, 2 | (i % 2 ? kWrite : 0));
    ASSERT_TRUE(wr(r::DMA_COUNT, 16));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo | r::DMA_CTRL_f::SIGPOST_MASK | r::DMA_CTRL_f::NO_ACCUMULATE_MASK));
    drain();
    run(4);
    EXPECT_EQ(rd(r::DMA_STATUS) & 0x7, r::DMA_STATUS_f::DONE_MASK);
    EXPECT_EQ(completed(), 16u);
    EXPECT_EQ(bells, 1u) << "one signal post after the whole chain";
    EXPECT_EQ(bell_node, 12);
    EXPECT_EQ(bell_segid, 0x77u);
    EXPECT_TRUE(bell_noacc);
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::DMA_DONE_MASK, 0u) << "no IRQ flag, no DMA_DONE";
}

TEST_F(Core, DmaStopsAtTheFirstFailingEntryAndReportsIt) {
    dma_setup();
    for (unsigned i = 0; i < 4; ++i) desc(i, 0x1000 * i, 256 * i, 128, 2 | kWrite | kBarrier);
    ASSERT_TRUE(wr(r::DMA_COUNT, 4));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo | r::DMA_CTRL_f::SIGPOST_MASK));
    drain(2, E(r::ErrClass::BOUNDS));
    EXPECT_EQ(rd(r::DMA_STATUS) & 0x7, r::DMA_STATUS_f::DONE_MASK | r::DMA_STATUS_f::ERROR_MASK);
    EXPECT_EQ(fail_entry(), 2u);
    EXPECT_EQ(completed(), 2u) << "residual = 4 - 2";
    EXPECT_EQ(err_class(), E(r::ErrClass::BOUNDS));
    EXPECT_EQ(bells, 0u) << "no signal post after a failed chain";
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::DMA_ERR_MASK, r::INTR_STATE_f::DMA_ERR_MASK);
}

TEST_F(Core, DmaRejectsZeroOversizedAndUntranslatableEntries) {
    dma_setup();
    desc(0, 0, 0, 64, 2 | kWrite);
    desc(1, 0, 0, 0, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 2));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    drain();
    EXPECT_EQ(fail_entry(), 1u);
    EXPECT_EQ(err_class(), E(r::ErrClass::BAD_DESC)) << "zero length";
    EXPECT_EQ(completed(), 1u);
    desc(1, 0, 0, (1u << 28) + 1, 2);
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    drain();
    EXPECT_EQ(err_class(), E(r::ErrClass::BAD_DESC)) << "longer than a window slot";
    desc(1, 0, (1u << 20) - 8, 16, 2);
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    drain();
    EXPECT_EQ(err_class(), E(r::ErrClass::BOUNDS)) << "beyond the segment";
    desc(1, 0, 0, 16, 3 | kWrite);
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    drain();
    EXPECT_EQ(err_class(), E(r::ErrClass::RIGHTS)) << "put through a read-only entry";
    desc(1, 0, 0, 16, 9);
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    const size_t before = pkts.size();
    drain();
    EXPECT_EQ(err_class(), E(r::ErrClass::NO_ENTRY)) << "invalid import entry";
    EXPECT_EQ(fail_entry(), 1u);
    EXPECT_EQ(pkts.size(), before) << "a refused entry issues no packet";
}

TEST_F(Core, DmaBarrierEntryCompletesBeforeTheNextStarts) {
    dma_setup();
    desc(0, 0, 0, 192, 2 | kWrite | kBarrier);
    desc(1, 0, 1024, 64, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 2));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    run(20);
    ASSERT_EQ(pkts.size(), 3u) << "entry 1 waits for entry 0's answers";
    respond();
    respond();
    run(10);
    EXPECT_EQ(pkts.size(), 1u);
    respond();
    run(10);
    ASSERT_EQ(pkts.size(), 1u);
    EXPECT_EQ(pkts.front().entry, 1u);
    drain();
    EXPECT_EQ(completed(), 2u);
}

TEST_F(Core, DmaKeepsAtMost128PacketsInFlightAndStallsWithoutCost) {
    dma_setup();
    desc(0, 0, 0, 64 * 140, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 1));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    run(300);
    EXPECT_EQ(pkts.size(), 128u);
    EXPECT_FALSE(m->active_o) << "waiting for answers: nothing to clock";
    respond();
    EXPECT_EQ(pkts.size(), 128u) << "one answered, one more issued in the same cycle";
    EXPECT_FALSE(m->active_o) << "the window is full again";
    run(5);
    EXPECT_EQ(pkts.size(), 128u);
    EXPECT_EQ(drain(), 140 - 1);
    EXPECT_EQ(completed(), 1u);
}

TEST_F(Core, DmaIgnoresRegisterWritesWhileBusy) {
    dma_setup();
    desc(0, 0x5000, 0, 128, 2 | kWrite);
    ASSERT_TRUE(wr(r::DMA_COUNT, 1));
    ASSERT_TRUE(wr(r::DMA_CTRL, kGo));
    run(3);
    ASSERT_TRUE(rd(r::DMA_STATUS) & r::DMA_STATUS_f::BUSY_MASK);
    ASSERT_TRUE(wr(r::DESC_LEN(0), 4096));
    ASSERT_TRUE(wr(r::DMA_COUNT, 5));
    EXPECT_EQ(rd(r::DESC_LEN(0)), 128u);
    EXPECT_EQ(rd(r::DMA_COUNT), 1u);
    drain();
    EXPECT_EQ(completed(), 1u);
}

TEST_F(Core, BarrierCountersArePerNodeAndRouteGenerationMoves) {
    auto ev = [&](uint8_t& in, uint16_t node, uint8_t cls = 0) {
        m->ev_node_i = node;
        pulse(in, cls);
    };
    ev(m->ev_issue_i, 8);
    ev(m->ev_issue_i, 8);
    ev(m->ev_issue_i, 12);
    ev(m->ev_ack_i, 8);
    m->ev_err_i = 1;
    ev(m->ev_ack_i, 12, E(r::ErrClass::NO_ENTRY));
    ev(m->ev_issue_i, 7);   // not a node id: not counted per node
    ASSERT_TRUE(wr(r::BAR_NODE, 8));
    EXPECT_EQ(rd(r::BAR_ISSUED), 2u);
    EXPECT_EQ(rd(r::BAR_ACKED), 1u);
    EXPECT_EQ(rd(r::BAR_OUTSTANDING), 1u);
    EXPECT_EQ(rd(r::BAR_ERRORS), 0u);
    ASSERT_TRUE(wr(r::BAR_NODE, 12));
    EXPECT_EQ(rd(r::BAR_OUTSTANDING), 0u);
    EXPECT_EQ(rd(r::BAR_ERRORS), 1u);
    EXPECT_EQ(rd(r::BAR_LAST_ERR), E(r::ErrClass::NO_ENTRY));
    ASSERT_TRUE(wr(r::BAR_NODE, 256));
    EXPECT_EQ(rd(r::BAR_ISSUED), 0u);
    EXPECT_EQ(rd(r::TXN_ISSUED), 4u) << "the global counters see every node";
    EXPECT_EQ(rd(r::ROUTE_GEN), 0u);
    pulse(m->ev_route_i);
    pulse(m->ev_route_i);
    EXPECT_EQ(rd(r::ROUTE_GEN), 2u);
}

TEST_F(Core, SignalPostSendsABellOrFailsOnAnInvalidEntry) {
    dma_setup();
    ASSERT_TRUE(wr(r::SIG_POST, 2 | r::SIG_POST_f::NO_ACCUMULATE_MASK));
    run(2);
    EXPECT_EQ(bells, 1u);
    EXPECT_EQ(bell_node, 12);
    EXPECT_EQ(bell_segid, 0x77u);
    EXPECT_TRUE(bell_noacc);
    ASSERT_TRUE(wr(r::SIG_POST, 40));
    run(2);
    EXPECT_EQ(bells, 1u) << "no bell for an invalid entry";
    EXPECT_EQ(rd(r::ERR_COUNT), 1u);
    EXPECT_EQ(rd(r::ERR_LAST), E(r::ErrClass::NO_ENTRY));
    EXPECT_EQ(rd(r::INTR_STATE) & r::INTR_STATE_f::XLATE_ERR_MASK, r::INTR_STATE_f::XLATE_ERR_MASK);
}

TEST_F(Core, SignalEventsAccumulateDropConsumeAndClear) {
    ASSERT_TRUE(wr(r::INTR_ENABLE, r::INTR_ENABLE_f::SIGNAL_MASK));
    auto bell = [&](uint8_t idx, bool noacc) {
        m->bell_rx_i = 1;
        m->bell_idx_i = idx;
        m->bell_noacc_i = noacc;
        tick();
        idle();
        m->eval();
    };
    ASSERT_TRUE(wr(r::SIG_INDEX, 3));
    bell(3, false);
    bell(3, false);
    EXPECT_EQ(rd(r::SIG_COUNT), 2u);
    EXPECT_EQ(rd(r::SIG_PENDING), 1u << 3);
    EXPECT_TRUE(m->irq_o);
    bell(3, true);
    EXPECT_EQ(rd(r::SIG_COUNT), 2u) << "NO_ACCUMULATE drops while one is pending";
    EXPECT_EQ(rd(r::SIG_DROPPED), 1u);
    ASSERT_TRUE(wr(r::SIG_CONSUME, 3));
    ASSERT_TRUE(wr(r::SIG_CONSUME, 3));
    ASSERT_TRUE(wr(r::SIG_CONSUME, 3));
    EXPECT_EQ(rd(r::SIG_COUNT), 0u) << "never below zero";
    EXPECT_EQ(rd(r::SIG_PENDING), 0u);
    bell(3, true);
    EXPECT_EQ(rd(r::SIG_COUNT), 1u) << "NO_ACCUMULATE counts when none is pending";
    for (int i = 0; i < 300; ++i) bell(5, false);
    ASSERT_TRUE(wr(r::SIG_INDEX, 5));
    EXPECT_EQ(rd(r::SIG_COUNT), 300u) << "every post is counted (issue #9: 256 and more were lost)";
    ASSERT_TRUE(wr(r::EXP_INDEX, 5));
    ASSERT_TRUE(wr(r::EXP_CMD, Op(r::TableOp::CLEAR)));
    EXPECT_EQ(rd(r::SIG_COUNT), 0u) << "unpublishing drops the entry's events";
    EXPECT_EQ(rd(r::SIG_PENDING), 1u << 3);
}

}  // namespace
