// AdapterFast: the adapter's control core (rtl/src/*.v) written in C++ at
// the AdapterCore interface, for the cycle and fast fidelities. It keeps the RTL's
// registers and its clock (one edge per event, the same cycle counts, the
// same packets in the same cycles), so every register read, packet, bell and
// interrupt is the RTL's -- AdapterLockstep checks that -- but a clock edge
// touches only the blocks whose inputs moved instead of evaluating all of
// them, and a lookup reads the tables directly.
#pragma once

#include "rsmsim/model/adapter_core.h"
#include "rsmsim/model/waves.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rsmsim::model {

class AdapterFast final : public AdapterCore {
public:
    // whole_entries: the DMA engine issues each entry as one train (the fast
    // fidelity's loosely-timed datapath) instead of one packet per clock.
    AdapterFast(uint16_t node_id, bool link_up, bool whole_entries);

    // What each call does: adapter_core.h.
    void reset() override;
    void set_peers(uint64_t mask) override;
    bool reg_read(uint32_t offset, uint32_t& value) override;
    bool reg_write(uint32_t offset, uint32_t value) override;
    bool peek_register(uint32_t offset, uint32_t& value) override;
    Translation translate(unsigned slot, uint32_t offset, uint32_t len, bool write) override;
    ExportMatch query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write,
                             bool probe) override;
    uint64_t import_matches(uint16_t node, uint32_t segid, bool any_segment = false) override;
    void post_answered(uint8_t err_class) override;
    void event(RtlEvent ev, uint16_t node, uint8_t err_class = 0) override;
    void dma_response(uint16_t node, uint8_t entry, uint8_t err_class) override;
    void issued(uint16_t node, uint32_t packets) override;
    void answered(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed) override;
    void dma_train_response(uint16_t node, uint8_t entry, uint8_t err_class, uint32_t packets,
                            uint32_t failed) override;
    void bell_received(uint8_t index, bool no_accumulate) override;
    void import_bell_received(uint8_t slot, bool no_accumulate) override;
    void revoke(uint64_t slots, uint16_t node, uint32_t segid, bool any_segment) override;
    void importer_added(uint8_t index, uint16_t node, uint8_t perm) override;
    void route_changed() override;
    void conn_response(uint8_t result, uint32_t size, uint8_t perm) override;
    void run() override;
    bool take_conn_request(uint16_t& node, uint32_t& segid) override;
    void take_dma_packets(std::vector<DmaPacket>& out) override;
    void take_bells(std::vector<BellRequest>& out) override;
    bool irq() const override;
    uint64_t cycles() const override { return cycles_; }
    void trace(Waves& w, const std::string& prefix, unsigned node) override;

private:
    static constexpr unsigned kAtt = 64, kEtt = 32, kNodes = 64, kDescs = 16;

    // The strobes and data of one clock edge (the core's input pins; all
    // strobes low between edges).
    struct Pins {
        bool reg_wr = false;
        uint16_t reg_addr = 0;
        uint32_t reg_wdata = 0;
        bool imp_add = false;
        uint8_t imp_idx = 0, imp_perm = 0;
        uint16_t imp_node = 0;
        bool ev_issue = false, ev_ack = false, ev_err = false, ev_xlate_err = false, ev_route = false;
        uint8_t ev_err_class = 0;
        uint16_t ev_node = 0;
        bool conn_resp = false;
        uint8_t conn_result = 0, conn_perm = 0;
        uint32_t conn_size = 0;
        bool revoke_rx = false, revoke_any = false;
        uint64_t revoke_mask = 0;
        uint16_t revoke_node = 0;
        uint32_t revoke_segid = 0;
        bool bell_rx = false, bell_imp_rx = false, bell_noacc = false, post_resp = false;
        uint8_t bell_idx = 0, bell_imp_slot = 0, post_result = 0;
        bool dma_resp = false;
        uint8_t dma_resp_entry = 0, dma_resp_err = 0;
        // Packets an issue, answer or DMA response stands for (a train's), and
        // how many of the answers carried the error.
        uint32_t packets = 1, failed = 1;
    };

    struct Csr {
        uint8_t enable = 0, intr_state = 0, intr_enable = 0;
        uint32_t scratch = 0, txn_issued = 0, txn_acked = 0, err_count = 0;
        uint8_t err_last = 0;
        uint8_t att_index = 0, att_ctrl = 0;
        uint16_t att_node = 0;
        uint32_t att_segid = 0, att_size = 0;
        uint8_t exp_index = 0, exp_ctrl = 0, exp_acl_perm = 0;
        uint32_t exp_segid = 0, exp_size = 0, exp_base_lo = 0, exp_base_hi = 0;
        uint16_t exp_acl_node = 0;
        uint8_t conn_go = 0, conn_busy = 0, conn_done = 0, conn_revoked = 0, conn_result = 0, conn_perm = 0;
        uint16_t conn_node = 0;
        uint32_t conn_segid = 0, conn_size = 0;
    };
    struct ImportTable {
        std::array<uint16_t, kAtt> node{};
        std::array<uint32_t, kAtt> segid{}, size{};
        std::array<uint8_t, kAtt> ctrl{};
        uint64_t revoked = 0;
    };
    struct ExportTable {
        std::array<uint32_t, kEtt> segid{}, size{};
        std::array<uint64_t, kEtt> base{};
        std::array<uint8_t, kEtt> ctrl{};
        std::array<std::array<uint8_t, kNodes>, kEtt> acl{};   // EXP_ACL_PERM rights per node slot
        std::array<uint64_t, kEtt> named{}, grant_rd{}, grant_wr{};
    };
    struct Barrier {
        std::array<uint32_t, kNodes> issued{}, acked{}, errors{};
        std::array<uint8_t, kNodes> last{};
        uint32_t route_gen = 0;
        uint16_t sel = 0;
    };
    struct Signal {
        std::array<uint32_t, kEtt> count{};
        std::array<uint32_t, kAtt> icount{};
        uint8_t imp_index = 0, sig_index = 0, walk_idx = 0;
        uint64_t walk_mask = 0, rv_mask = 0;
        uint8_t walk_noacc = 0;
        uint32_t walk_segid = 0, rv_segid = 0, dropped = 0;
        uint8_t post_busy = 0, post_done = 0, post_result = 0;
        uint8_t csr_pend = 0, dma_pend = 0, csr_slot = 0, dma_slot = 0, csr_noacc = 0, dma_noacc = 0;
        // Registered outputs.
        uint8_t bell_go = 0, bell_to_imp = 0, bell_revoke = 0, bell_noacc = 0, post_err = 0, signal = 0;
        uint16_t bell_node = 0;
        uint32_t bell_segid = 0;
    };
    // The descriptors: written only while the engine is idle, so an edge
    // reads them as they were before it.
    struct Descriptors {
        std::array<uint32_t, kDescs> lo{}, hi{}, rem{}, len{}, ctl{};
    };
    struct Dma {
        std::array<uint32_t, kDescs> outstanding{};   // the RTL's are 8 bits: a train may hold more
        uint8_t count = 0, state = 0, cur = 0;
        uint32_t off = 0;
        uint16_t node = 0;
        uint32_t segid = 0;
        uint32_t total_out = 0;
        uint16_t issued_all = 0;
        uint8_t busy = 0, done_st = 0, error_st = 0, err_class = 0, fail_entry = 0, completed = 0;
        uint8_t f_sigpost = 0, f_noacc = 0, f_irq = 0;
        // Registered outputs.
        uint8_t pkt_valid = 0, post = 0, post_slot = 0, post_noacc = 0, done = 0, err = 0;
        DmaPacket pkt{};
    };

    // What the traced pins show (the RTL's sticky inputs and their outputs).
    struct Shown {
        uint16_t reg_addr = 0;
        uint32_t reg_wdata = 0, reg_rdata = 0;
        uint8_t xl_slot = 0, xl_err = 0, ex_err = 0, irq = 0;
        uint32_t xl_off = 0, xl_len = 0, ex_segid = 0;
        uint8_t xl_write = 0;
    };

    // What the blocks read of each other at an edge: values before it.
    struct Cross;
    Cross cross(const Pins& in) const;
    static Pins answer_pins(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed);
    void tick(const Pins& in);
    void clock(const Pins& in);   // one edge, then the waveform's sample
    // One edge of each block, in place; `x` holds what it reads of others.
    void tick_csr(const Pins& in, const Cross& x);
    void write_staging(const Pins& in, const Cross& x);
    void tick_import(const Pins& in, const Cross& x);
    void tick_export(const Pins& in, const Cross& x);
    void tick_barrier(const Pins& in, const Cross& x);
    void tick_signal(const Pins& in, const Cross& x);
    void signal_walk(const Pins& in, const Cross& x);
    void signal_post(const Pins& in, const Cross& x);
    void signal_receive(const Pins& in, const Cross& x, uint64_t rv_before);
    void tick_dma(const Pins& in, const Cross& x);
    // The DMA engine's edge, in parts.
    struct DmaEdge;
    DmaEdge dma_edge(const Pins& in) const;
    void write_descriptor(const Pins& in);
    void dma_fail(const Dma& old, uint8_t cls, uint8_t entry);
    void dma_step(const Pins& in, const Cross& x, const Dma& old, const DmaEdge& e);
    void dma_go(const Pins& in, const Dma& old);
    void dma_check(const Cross& x, const Dma& old, const DmaEdge& e);
    void dma_issue(const Dma& old, const DmaEdge& e);
    void dma_next_entry(const DmaEdge& e);
    void dma_end(const Dma& old);
    static bool count_bell(uint32_t* counts, bool bell, unsigned bell_idx, bool no_accumulate, bool consume,
                           unsigned consume_idx);
    bool active() const;
    bool dma_waiting() const;

    uint32_t read_register(uint32_t offset) const;
    // A block's register at `offset`, or kNotHere when the block has none there.
    static constexpr uint64_t kNotHere = uint64_t{1} << 32;
    uint64_t read_csr(uint32_t offset) const;
    uint64_t read_barrier(uint32_t offset) const;
    uint64_t read_signal(uint32_t offset) const;
    uint64_t read_dma(uint32_t offset) const;
    uint8_t import_check(unsigned slot, uint32_t off, uint32_t len, bool write) const;
    uint64_t importers(unsigned entry) const;
    void refresh_shown();
    void sample();

    uint16_t node_id_;
    bool link_up_;
    bool whole_entries_;
    uint64_t peers_ = 0;
    Csr csr_;
    ImportTable att_;
    ExportTable ett_;
    Barrier bar_;
    Signal sig_;
    Descriptors desc_;
    Dma dma_;
    Shown shown_;
    uint64_t cycles_ = 0;
    bool conn_pending_ = false;
    std::vector<DmaPacket> dma_out_;
    std::vector<BellRequest> bells_out_;
    Probes probes_;
};

}  // namespace rsmsim::model
