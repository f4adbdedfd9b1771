// The SystemC model through its TLM sockets: register values, bus errors for
// malformed accesses, timing from the profile, reset, and the datapath's
// error reporting. Each test elaborates its own cluster (one per process).
#include <gtest/gtest.h>

#include <cstring>

#include "adapter_regs.h"
#include "rsmsim/model/register_table.h"
#include "rsmsim/model/sim_time.h"
#include "support/cluster_run.h"

namespace {

// Pins a test buffer for reading and writing by the adapter (0 on failure).
uint64_t pin(rsmsim::NodeBus& b, rsmsim::test::PageBuffer& m) {
    uint64_t ba = 0;
    return b.dma_map(m.data(), m.len, rsm::hw::DmaAccess::ReadWrite, ba) == rsm::hw::Bus::PinResult::Ok ? ba : 0;
}


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

TEST(Model, NsTimeRoundsAsSystemCDoes) {
    // Every figure a timing profile and its arithmetic can produce: whole,
    // fractional, half-picosecond boundaries, tiny and large.
    rsmsim::model::check_time_resolution();
    std::vector<double> values = {0.0, 0.0004, 0.0005, 0.0015, 1.0, 0.9, 2.5e-3, 1.0 / 3.0, 64.0 * 1000.0 / 1300.0,
                                  5e9, 123456.7894995, 1e12};
    uint64_t x = 88172645463325252ull;   // xorshift: a fixed spread of values
    for (int i = 0; i < 100000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        values.push_back(static_cast<double>(x % 100000000) / static_cast<double>(1 + x % 4096));
    }
    for (double v : values)
        ASSERT_EQ(rsmsim::model::ns_time(v).value(), sc_core::sc_time(v, sc_core::SC_NS).value()) << v;
}

TEST(Model, RegistersReadTheirResetValuesOverTlm) {
    run_nodes(2, [](int i, Cluster& c) {
        NodeBus& b = c.node(i).bus;
        for (const auto& reg : rsmsim::model::register_table()) {
            // NODE_ID, STATUS.LINK_UP and PEERS read the straps and the link layer.
            const uint32_t want = reg.offset == r::NODE_ID ? Cluster::node_id(i)
                                  : reg.offset == r::STATUS ? r::STATUS_f::LINK_UP_MASK
                                  : reg.offset == r::PEERS_LO ? 0x3u
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
        EXPECT_FALSE(b.read32(0x0B0, v)) << "unmapped register offset";
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
            const uint64_t ba = pin(b, mem);
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
    // The posted write crosses the host bus, streams 4 B, adapter egress, one hop, the packet's tail after one
    // wire time of its 34 bytes (cut-through), adapter ingress; then the DMA
    // writes host memory.
    const double wire = rsmsim::model::transfer_ns(34, t.link_MBps);
    const double expect = t.mmio_write_ns + rsmsim::model::transfer_ns(4, t.pio_MBps) + t.adapter_ns + t.hop_ns + wire + t.adapter_ns;
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
        EXPECT_EQ(c.node(0).adapter.core().cycles(), 3u) << "one clock per register write, none per read";
        c.node(0).adapter.core().reset();
        EXPECT_EQ(rd(b, r::SCRATCH), 0u);
        EXPECT_EQ(rd(b, r::INTR_ENABLE), 0u);
        EXPECT_EQ(rd(b, r::CTRL), 0u);
        EXPECT_EQ(c.node(1).adapter.core().cycles(), 0u) << "an idle adapter costs no cycles";
    });
}

// Node 4 exports a 64 KiB buffer as entry 0 / segment 0x400000 to node 8;
// node 8 maps it as import slot 0. Returns nothing; both sides sync once.
void share_segment(Cluster& c, int i, PageBuffer& mem) {
    NodeBus& b = c.node(i).bus;
    if (i == 0) {
        const uint64_t ba = pin(b, mem);
        program_export(b, 0, 0x400000, ba, static_cast<uint32_t>(mem.len), 8);
        wr(b, r::INTR_ENABLE, r::INTR_ENABLE_f::SIGNAL_MASK);
    } else {
        program_import(b, 0, 4, 0x400000, static_cast<uint32_t>(mem.len));
        wr(b, r::INTR_ENABLE, r::INTR_ENABLE_f::DMA_DONE_MASK | r::INTR_ENABLE_f::DMA_ERR_MASK);
    }
    c.sync();
}

void descriptor(NodeBus& b, unsigned i, uint64_t local, uint32_t remote, uint32_t len, uint32_t ctrl) {
    EXPECT_TRUE(b.write64(r::DESC_LOCAL_LO(i), local));
    wr(b, r::DESC_REMOTE(i), remote);
    wr(b, r::DESC_LEN(i), len);
    wr(b, r::DESC_CTRL(i), ctrl);
}

// Starts the chain and waits for its interrupt; returns DMA_STATUS.
uint32_t run_chain(NodeBus& b, unsigned count, uint32_t ctrl) {
    wr(b, r::DMA_COUNT, count);
    wr(b, r::DMA_CTRL, r::DMA_CTRL_f::GO_MASK | r::DMA_CTRL_f::IRQ_MASK | ctrl);
    EXPECT_TRUE(b.wait_irq(10'000'000)) << "no DMA interrupt";
    wr(b, r::INTR_STATE, r::INTR_STATE_f::DMA_DONE_MASK | r::INTR_STATE_f::DMA_ERR_MASK);
    return rd(b, r::DMA_STATUS);
}

TEST(Model, DmaChainPutsAndGetsThroughTheFabric) {
    PageBuffer mem(65536), src(8192), dst(8192);
    for (size_t k = 0; k < src.len; ++k) src.data()[k] = static_cast<uint8_t>(k * 7 + 3);
    run_nodes(2, [&](int i, Cluster& c) {
        share_segment(c, i, mem);
        if (i == 1) {
            NodeBus& b = c.node(1).bus;
            const uint64_t s = pin(b, src), d = pin(b, dst);
            const uint32_t put = r::DESC_CTRL_f::WRITE_MASK | r::DESC_CTRL_f::BARRIER_MASK;
            descriptor(b, 0, s, 100, 5000, put);             // put 5000 B at remote 100
            descriptor(b, 1, d + 8, 100, 5000, 0);           // get them back, after entry 0 landed
            descriptor(b, 2, s + 5000, 60000, 3000, put);    // and 3000 more near the end
            const double t0 = Cluster::now_ns();
            const uint32_t st = run_chain(b, 3, 0);
            EXPECT_EQ(st & 0x7, r::DMA_STATUS_f::DONE_MASK);
            EXPECT_EQ((st & r::DMA_STATUS_f::COMPLETED_MASK) >> r::DMA_STATUS_f::COMPLETED_SHIFT, 3u);
            EXPECT_GT(Cluster::now_ns() - t0, 0.0);
            wr(b, r::BAR_NODE, 4);
            EXPECT_EQ(rd(b, r::BAR_OUTSTANDING), 0u);
            // 5000 B at offset 100: 28 B to the 64-byte boundary, 77 full, 44 B
            // = 79 packets; the get the same; 3000 B at 60000: 32 + 46 x 64 + 24 = 48.
            EXPECT_EQ(rd(b, r::BAR_ISSUED), 79u + 79u + 48u);
            EXPECT_EQ(rd(b, r::BAR_ERRORS), 0u);
        }
        c.sync();
    });
    EXPECT_EQ(std::memcmp(mem.data() + 100, src.data(), 5000), 0);
    EXPECT_EQ(std::memcmp(dst.data() + 8, src.data(), 5000), 0);
    EXPECT_EQ(std::memcmp(mem.data() + 60000, src.data() + 5000, 3000), 0);
    EXPECT_EQ(mem.data()[99], 0);
    EXPECT_EQ(mem.data()[5100], 0);
}

TEST(Model, DmaErrorStopsTheChainAndNamesTheEntry) {
    PageBuffer mem(65536), src(8192);
    std::fill(src.data(), src.data() + src.len, uint8_t{0xAB});
    run_nodes(2, [&](int i, Cluster& c) {
        share_segment(c, i, mem);
        if (i == 1) {
            NodeBus& b = c.node(1).bus;
            const uint64_t s = pin(b, src);
            const uint32_t put = r::DESC_CTRL_f::WRITE_MASK | r::DESC_CTRL_f::BARRIER_MASK;
            descriptor(b, 0, s, 0, 256, put);
            descriptor(b, 1, s, 65536 - 64, 128, put);       // runs past the segment end
            descriptor(b, 2, s, 1024, 256, put);
            const uint32_t st = run_chain(b, 3, r::DMA_CTRL_f::SIGPOST_MASK);
            EXPECT_EQ(st & 0x7, r::DMA_STATUS_f::DONE_MASK | r::DMA_STATUS_f::ERROR_MASK);
            EXPECT_EQ((st & r::DMA_STATUS_f::FAIL_ENTRY_MASK) >> r::DMA_STATUS_f::FAIL_ENTRY_SHIFT, 1u);
            EXPECT_EQ((st & r::DMA_STATUS_f::COMPLETED_MASK) >> r::DMA_STATUS_f::COMPLETED_SHIFT, 1u);
            EXPECT_EQ((st & r::DMA_STATUS_f::CLASS_MASK) >> r::DMA_STATUS_f::CLASS_SHIFT, E(r::ErrClass::BOUNDS))
                << "the importer's own table refuses it before any packet";
            // A local buffer that was never mapped fails on the host side.
            descriptor(b, 0, 0x9000000000ull, 0, 64, put);
            const uint32_t st2 = run_chain(b, 1, 0);
            EXPECT_EQ((st2 & r::DMA_STATUS_f::CLASS_MASK) >> r::DMA_STATUS_f::CLASS_SHIFT, E(r::ErrClass::HOST_BUS));
        }
        c.sync();
        if (i == 0) {
            EXPECT_EQ(rd(c.node(0).bus, r::SIG_PENDING), 0u) << "no signal after a failed chain";
        }
    });
    EXPECT_EQ(mem.data()[0], 0xAB);
    EXPECT_EQ(mem.data()[255], 0xAB);
    EXPECT_EQ(mem.data()[1024], 0) << "entry 2 never started";
    EXPECT_EQ(mem.data()[65536 - 64], 0);
}

TEST(Model, SignalPostInterruptsTheExportingNode) {
    PageBuffer mem(4096);
    double posted = 0, woke = 0;
    run_nodes(2, [&](int i, Cluster& c) {
        share_segment(c, i, mem);
        NodeBus& b = c.node(i).bus;
        if (i == 1) {
            posted = Cluster::now_ns();
            wr(b, r::SIG_POST, 0);
            c.sync();   // the exporter saw it
            wr(b, r::SIG_POST, r::SIG_POST_f::NO_ACCUMULATE_MASK);
            wr(b, r::SIG_POST, r::SIG_POST_f::NO_ACCUMULATE_MASK);
            wr(b, r::BAR_NODE, 4);
            while (rd(b, r::BAR_OUTSTANDING) != 0) {}
            EXPECT_EQ(rd(b, r::BAR_ERRORS), 0u);
            wr(b, r::SIG_POST, 9);   // no such import entry
            EXPECT_EQ(rd(b, r::ERR_LAST), E(r::ErrClass::NO_ENTRY));
            c.sync();
        } else {
            EXPECT_TRUE(b.wait_irq(1'000'000));
            woke = Cluster::now_ns();
            EXPECT_EQ(rd(b, r::INTR_STATE) & r::INTR_STATE_f::SIGNAL_MASK, r::INTR_STATE_f::SIGNAL_MASK);
            EXPECT_EQ(rd(b, r::SIG_PENDING), 1u);
            wr(b, r::SIG_INDEX, 0);
            EXPECT_EQ(rd(b, r::SIG_COUNT), 1u);
            wr(b, r::SIG_CONSUME, 0);
            wr(b, r::INTR_STATE, r::INTR_STATE_f::SIGNAL_MASK);
            EXPECT_FALSE(c.node(0).adapter.irq_level());
            c.sync();
            c.sync();
            EXPECT_EQ(rd(b, r::SIG_COUNT), 1u) << "the second NO_ACCUMULATE post was dropped";
            EXPECT_EQ(rd(b, r::SIG_DROPPED), 1u);
        }
    });
    EXPECT_GT(woke - posted, 0.0);
}

}  // namespace
