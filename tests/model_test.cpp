// The SystemC model through its TLM sockets: register values, bus errors for
// malformed accesses, timing from the profile, reset, and the datapath's
// error reporting. Each test elaborates its own cluster (one per process).
#include <gtest/gtest.h>

#include <cstring>

#include "adapter_regs.h"
#include "rsmsim/model/register_table.h"
#include "support/cluster_run.h"

namespace {

namespace r = rsm::regs;
using rsmsim::Cluster;
using rsmsim::NodeBus;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr uint32_t E(r::ErrClass e) { return static_cast<uint32_t>(e); }
constexpr uint32_t Op(r::TableOp o) { return static_cast<uint32_t>(o); }

uint32_t rd(NodeBus& b, uint32_t reg) {
    uint32_t v = 0xDEADBEEF;
    EXPECT_TRUE(b.read32(reg, v)) << std::hex << reg;
    return v;
}
void wr(NodeBus& b, uint32_t reg, uint32_t v) { EXPECT_TRUE(b.write32(reg, v)) << std::hex << reg; }

void program_export(NodeBus& b, unsigned idx, uint32_t segid, uint64_t base, uint32_t size,
                    uint32_t acl_node) {
    wr(b, r::CTRL, r::CTRL_f::ENABLE_MASK);
    wr(b, r::EXP_INDEX, idx);
    wr(b, r::EXP_ACL_NODE, acl_node);
    wr(b, r::EXP_ACL_PERM, r::EXP_ACL_PERM_f::READ_MASK | r::EXP_ACL_PERM_f::WRITE_MASK);
    wr(b, r::EXP_CMD, Op(r::TableOp::ACL_SET));
    EXPECT_TRUE(b.write64(r::EXP_BASE_LO, base));
    wr(b, r::EXP_SEGID, segid);
    wr(b, r::EXP_SIZE, size);
    wr(b, r::EXP_CTRL, r::EXP_CTRL_f::VALID_MASK);
    wr(b, r::EXP_CMD, Op(r::TableOp::WRITE));
}

void program_import(NodeBus& b, unsigned idx, uint32_t node, uint32_t segid, uint32_t size) {
    wr(b, r::CTRL, r::CTRL_f::ENABLE_MASK);
    wr(b, r::ATT_INDEX, idx);
    wr(b, r::ATT_NODE, node);
    wr(b, r::ATT_SEGID, segid);
    wr(b, r::ATT_SIZE, size);
    wr(b, r::ATT_CTRL, r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::READ_MASK | r::ATT_CTRL_f::WRITE_MASK);
    wr(b, r::ATT_CMD, Op(r::TableOp::WRITE));
}

uint64_t window(unsigned idx, uint64_t off) { return r::kWindowBase + (uint64_t{idx} << r::kWindowSlotShift) + off; }

TEST(Model, RegistersReadTheirResetValuesOverTlm) {
    run_nodes(2, [](int i, Cluster& c) {
        NodeBus& b = c.node(i).bus;
        for (const auto& reg : rsmsim::model::register_table()) {
            // NODE_ID and STATUS.LINK_UP read the board straps / link state.
            const uint32_t want = reg.offset == r::NODE_ID ? Cluster::node_id(i)
                                  : reg.offset == r::STATUS ? r::STATUS_f::LINK_UP_MASK
                                  : reg.access == rsmsim::model::RegAccess::WO ? 0 : reg.reset;
            EXPECT_EQ(rd(b, reg.offset), want) << reg.name;
        }
    });
}

TEST(Model, MalformedAccessesAreBusErrorsAndChangeNothing) {
    run_nodes(1, [](int, Cluster& c) {
        NodeBus& b = c.node(0).bus;
        uint32_t v = 0;
        uint64_t q = 0;
        uint8_t buf[8] = {};
        EXPECT_FALSE(b.read32(0x03C, v)) << "unmapped register offset";
        EXPECT_FALSE(b.read32(0x2000, v)) << "between registers and window";
        EXPECT_FALSE(b.read32(0x022, v)) << "unaligned";
        EXPECT_FALSE(b.read64(0x024, q)) << "64-bit access must be 8-aligned";
        EXPECT_FALSE(b.read_block(r::SCRATCH, buf, 2)) << "16-bit register access";
        EXPECT_FALSE(b.write32(r::ID, 0)) << "read-only";
        EXPECT_FALSE(b.write64(r::CONN_STATUS, ~0ull)) << "pair with a read-only half";
        EXPECT_FALSE(b.write32(r::kWindowBase + (uint64_t{r::kAttEntries} << r::kWindowSlotShift), 1))
            << "beyond the window";
        EXPECT_EQ(rd(b, r::ID), r::kIdent);
        EXPECT_EQ(rd(b, r::CONN_SIZE), 0u);
        EXPECT_EQ(rd(b, r::ERR_COUNT), 0u) << "register bus errors are not fabric errors";
        // A window access through an invalid import entry is refused and counted.
        wr(b, r::CTRL, r::CTRL_f::ENABLE_MASK);
        EXPECT_FALSE(b.write_block(window(3, 0), buf, 4));
        EXPECT_EQ(rd(b, r::ERR_COUNT), 1u);
        EXPECT_EQ(rd(b, r::ERR_LAST), E(r::ErrClass::NO_ENTRY));
        EXPECT_EQ(rd(b, r::INTR_STATE) & r::INTR_STATE_f::XLATE_ERR_MASK, r::INTR_STATE_f::XLATE_ERR_MASK);
        EXPECT_EQ(rd(b, r::TXN_ISSUED), 0u) << "nothing left the adapter";
    });
}

TEST(Model, RegisterAccessTimeFollowsTheProfile) {
    rsmsim::ClusterConfig cfg = rsmsim::test::config(1);
    cfg.timing = *rsmsim::model::find_profile("pcie-ntb");
    const auto t = cfg.timing;
    run_nodes(cfg, [t](int, Cluster& c) {
        NodeBus& b = c.node(0).bus;
        uint64_t t0 = b.now_ns();
        (void)rd(b, r::SCRATCH);
        EXPECT_EQ(b.now_ns() - t0, static_cast<uint64_t>(t.mmio_read_ns));
        t0 = b.now_ns();
        wr(b, r::SCRATCH, 1);
        EXPECT_EQ(b.now_ns() - t0, static_cast<uint64_t>(t.mmio_write_ns + t.clk_ns));
    });
}

TEST(Model, RemoteWriteLandsAtTheTimeTheProfileGives) {
    PageBuffer mem(4096);
    const auto t = rsmsim::model::timing_profiles().front();
    double landed_ns = -1, issued_ns = -1;
    run_nodes(2, [&](int i, Cluster& c) {
        NodeBus& b = c.node(i).bus;
        if (i == 0) {
            const uint64_t ba = b.dma_map(mem.data(), mem.len);
            ASSERT_NE(ba, 0u);
            program_export(b, 0, 0x400000, ba, 4096, 8);
            c.sync();
            while (mem.data()[100] == 0) sc_core::wait(sc_core::sc_time(1, sc_core::SC_PS));
            landed_ns = Cluster::now_ns();
            c.sync();
        } else {
            program_import(b, 0, 4, 0x400000, 4096);
            c.sync();
            const uint32_t word = 0x11223344;
            issued_ns = Cluster::now_ns();
            EXPECT_TRUE(b.write_block(window(0, 100), &word, 4));
            c.sync();
            while (rd(b, r::OUTSTANDING) != 0) {}   // the ack is on its way back
            EXPECT_EQ(rd(b, r::TXN_ISSUED), 1u);
            EXPECT_EQ(rd(b, r::ERR_COUNT), 0u);
        }
    });
    uint32_t got = 0;
    std::memcpy(&got, mem.data() + 100, 4);
    EXPECT_EQ(got, 0x11223344u);
    // Stream 4 B over PIO, adapter egress, one hop, the packet's tail after one
    // wire time of its 34 bytes (cut-through), adapter ingress; then the DMA
    // writes host memory.
    const double wire = rsmsim::model::transfer_ns(34, t.link_MBps);
    const double expect = rsmsim::model::transfer_ns(4, t.pio_MBps) + t.adapter_ns + t.hop_ns + wire + t.adapter_ns;
    EXPECT_NEAR(landed_ns - issued_ns, expect, 0.01);
}

TEST(Model, DmaToUnpinnedHostMemoryIsRefusedAndReported) {
    PageBuffer mem(4096);
    run_nodes(2, [&](int i, Cluster& c) {
        NodeBus& b = c.node(i).bus;
        if (i == 0) {
            // Export entry pointing at a bus address nobody mapped (even the
            // buffer's own host address is not a bus address).
            program_export(b, 0, 0x400000, reinterpret_cast<uint64_t>(mem.data()), 4096, 8);
            c.sync();
            c.sync();
        } else {
            program_import(b, 0, 4, 0x400000, 4096);
            c.sync();
            const uint32_t word = 0xFFFFFFFF;
            EXPECT_TRUE(b.write_block(window(0, 0), &word, 4)) << "posted: accepted locally";
            while (rd(b, r::OUTSTANDING) != 0) {}
            EXPECT_EQ(rd(b, r::ERR_COUNT), 1u);
            EXPECT_EQ(rd(b, r::ERR_LAST), E(r::ErrClass::HOST_BUS));
            c.sync();
        }
    });
    for (size_t k = 0; k < mem.len; ++k) ASSERT_EQ(mem.data()[k], 0) << "host memory written at " << k;
}

TEST(Model, RequestToAMissingNodeIsAnsweredUnreachable) {
    run_nodes(2, [&](int i, Cluster& c) {
        if (i != 1) return;
        NodeBus& b = c.node(i).bus;
        program_import(b, 2, 40, 0x400000, 4096);
        uint32_t word = 1;
        EXPECT_TRUE(b.write_block(window(2, 0), &word, 4));
        EXPECT_FALSE(b.read_block(window(2, 0), &word, 4)) << "a read needs its data";
        while (rd(b, r::OUTSTANDING) != 0) {}
        EXPECT_EQ(rd(b, r::ERR_COUNT), 2u);
        EXPECT_EQ(rd(b, r::ERR_LAST), E(r::ErrClass::UNREACHABLE));
    });
}

TEST(Model, ResetRestoresDefaultsAndIdleAdaptersAreNotClocked) {
    run_nodes(2, [](int i, Cluster& c) {
        if (i != 0) return;
        NodeBus& b = c.node(0).bus;
        wr(b, r::SCRATCH, 0x55);
        wr(b, r::INTR_ENABLE, 7);
        wr(b, r::CTRL, 1);
        EXPECT_EQ(c.node(0).adapter.rtl().cycles(), 3u) << "one clock per register write, none per read";
        c.node(0).adapter.rtl().reset();
        EXPECT_EQ(rd(b, r::SCRATCH), 0u);
        EXPECT_EQ(rd(b, r::INTR_ENABLE), 0u);
        EXPECT_EQ(rd(b, r::CTRL), 0u);
        EXPECT_EQ(c.node(1).adapter.rtl().cycles(), 0u) << "an idle adapter costs no cycles";
    });
}

}  // namespace
