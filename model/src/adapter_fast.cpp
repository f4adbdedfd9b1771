// The control core of rtl/src/*.v in C++ (see adapter_fast.h). Each tick_*
// is one block's always @(posedge clk): it reads only values from before
// the edge -- its own (read before written) and other blocks' (gathered in
// Cross first) -- so the blocks update in place in any order, as
// non-blocking assignments do. Where a block assigns a register twice in
// one edge, the later assignment is written later here too.
#include "rsmsim/model/adapter_fast.h"

#include "rsmsim/model/packet.h"
#include "rsmsim/model/register_table.h"
#include "rsmsim/model/wave_names.h"

#include <utility>

#include "adapter_regs.h"

namespace rsmsim::model {

namespace r = rsm::regs;

namespace {

// A field of a register word, and a value placed in its field.
#define GET(REG, F, v) ((uint32_t(v) & r::REG##_f::F##_MASK) >> r::REG##_f::F##_SHIFT)
#define PUT(REG, F, x) ((uint32_t(x) << r::REG##_f::F##_SHIFT) & r::REG##_f::F##_MASK)

constexpr uint8_t kOk = static_cast<uint8_t>(r::ErrClass::OK);
constexpr uint8_t cls(r::ErrClass c) { return static_cast<uint8_t>(c); }
constexpr uint32_t op(r::TableOp o) { return static_cast<uint32_t>(o); }
constexpr uint8_t st(r::DmaState s) { return static_cast<uint8_t>(s); }

// The node-id rule (generated) at the RTL's widths: node_slot of a bad id
// is some slot, as the RTL's 6-bit result is; its users check node_ok.
bool node_ok(uint16_t n) { return r::is_node_id(n); }
unsigned node_slot(uint16_t n) { return r::slot_of_node_id(n) & (r::kMaxNodes - 1); }

constexpr uint32_t kMaxLen = uint32_t{1} << r::kWindowSlotShift;   // one window slot
constexpr uint8_t kWindow = 128;                                    // DMA packets in flight
constexpr uint32_t kCntMax = 0xFFFFFFFFu;
constexpr unsigned kSlotMask = r::kAttEntries - 1;
constexpr unsigned kExportMask = r::kEttEntries - 1;
constexpr unsigned kClassMask = r::ERR_LAST_f::CLASS_MASK;
namespace dc = r::DESC_CTRL_f;
constexpr uint32_t kDescCtrlBits = dc::SLOT_MASK | dc::WRITE_MASK | dc::BARRIER_MASK | dc::IRQ_MASK;
namespace is = r::INTR_STATE_f;
constexpr uint32_t kCauses = is::CONN_DONE_MASK | is::XLATE_ERR_MASK | is::REMOTE_ERR_MASK | is::SIGNAL_MASK |
                             is::DMA_DONE_MASK | is::DMA_ERR_MASK;

// The generated decode: each register word's access, or none. Made when
// the library loads, so an access reads it without a guard.
enum class Decode : uint8_t { None, RO, Writable };
using DecodeTable = std::array<Decode, r::kRegSpace / 4>;
DecodeTable make_decode_table() {
    DecodeTable t{};
    for (const RegInfo& i : register_table())
        t[i.offset / 4] = i.access == RegAccess::RO ? Decode::RO : Decode::Writable;
    return t;
}
const DecodeTable kDecode = make_decode_table();

// Index of a register array's instance at `addr`, or -1 (hit_/index_ of the map).
int desc_index(uint32_t addr, uint32_t first) {
    if (addr < first || addr >= first + r::DESC_CTRL_COUNT * r::DESC_CTRL_STRIDE) return -1;
    if ((addr - first) % r::DESC_CTRL_STRIDE != 0) return -1;
    return static_cast<int>((addr - first) / r::DESC_CTRL_STRIDE);
}

int lowest_bit(uint64_t m) { return m ? __builtin_ctzll(m) : 0; }

}  // namespace

// The DMA engine's wires at an edge: its current entry and what it issues.
struct AdapterFast::DmaEdge {
    uint8_t cur;
    uint32_t c_len, c_rem, c_ctl, raddr, n, packets;
    bool last_pkt, last_ent, resp_bad, issue_now;
};

// What the blocks read of each other at an edge.
struct AdapterFast::Cross {
    bool att_cmd, exp_cmd;
    uint32_t att_op, exp_op;
    // Import table entry ATT_INDEX, export table entry EXP_INDEX (for READ).
    uint16_t att_rd_node;
    uint32_t att_rd_segid, att_rd_size;
    uint8_t att_rd_ctrl;
    uint32_t exp_rd_segid, exp_rd_size;
    uint64_t exp_rd_base;
    uint8_t exp_rd_ctrl;
    // The signal unit's lookups: importers of an export entry, a post's import entry.
    uint64_t ip_importers;
    uint32_t ip_segid;
    bool pl_valid;
    uint16_t pl_node;
    uint32_t pl_segid;
    // The DMA engine's check of its current entry.
    uint8_t dx_err;
    uint16_t dx_node;
    uint32_t dx_segid;
    // Registered pulses between blocks.
    bool post_err, signal, dma_done, dma_err, dma_post;
    uint8_t dma_post_slot, dma_post_noacc;
    // The DMA engine's wires at this edge, worked out once (the engine and
    // the counters read them) unless the engine idles; the packets it issues
    // (0: none) and their node, which the counters count at the same edge.
    bool dma_active;
    DmaEdge dma;
    uint32_t dma_issued;
    uint16_t dma_issue_node;
};

AdapterFast::AdapterFast(uint16_t node_id, bool link_up, bool whole_entries)
    : node_id_(node_id), link_up_(link_up), whole_entries_(whole_entries) {
    reset();
}

void AdapterFast::reset() {
    csr_ = {};
    att_ = {};
    ett_ = {};
    bar_ = {};
    sig_ = {};
    desc_ = {};
    dma_ = {};
    conn_pending_ = false;
    sample();
}

void AdapterFast::set_peers(uint64_t mask) {
    peers_ = mask;
    sample();
}

// An importer is a node with granted rights.
uint64_t AdapterFast::importers(unsigned entry) const { return ett_.grant_rd[entry] | ett_.grant_wr[entry]; }

uint8_t AdapterFast::import_check(unsigned slot, uint32_t off, uint32_t len, bool write) const {
    // 33-bit sum: offset + length never wraps, so huge lengths fail BOUNDS.
    const uint64_t end = uint64_t{off} + len;
    const uint8_t ctrl = att_.ctrl[slot];
    if (!csr_.enable) return cls(r::ErrClass::UNREACHABLE);
    if (!(ctrl & r::ATT_CTRL_f::VALID_MASK)) return cls(r::ErrClass::NO_ENTRY);
    if (write ? !(ctrl & r::ATT_CTRL_f::WRITE_MASK) : !(ctrl & r::ATT_CTRL_f::READ_MASK))
        return cls(r::ErrClass::RIGHTS);
    if (end > att_.size[slot]) return cls(r::ErrClass::BOUNDS);
    return kOk;
}

AdapterFast::Cross AdapterFast::cross(const Pins& in) const {
    Cross x{};
    x.att_cmd = in.reg_wr && in.reg_addr == r::ATT_CMD;
    x.exp_cmd = in.reg_wr && in.reg_addr == r::EXP_CMD;
    x.att_op = GET(ATT_CMD, OP, in.reg_wdata);
    x.exp_op = GET(EXP_CMD, OP, in.reg_wdata);
    // Only what some block reads at this edge is looked up.
    if (x.att_cmd) {
        const unsigned ai = csr_.att_index;
        x.att_rd_node = att_.node[ai];
        x.att_rd_segid = att_.segid[ai];
        x.att_rd_size = att_.size[ai];
        x.att_rd_ctrl = att_.ctrl[ai];
    }
    if (x.exp_cmd || (in.reg_wr && in.reg_addr == r::SIG_POST_EXPORT)) {
        const unsigned ei = csr_.exp_index;
        x.exp_rd_segid = ett_.segid[ei];
        x.exp_rd_size = ett_.size[ei];
        x.exp_rd_base = ett_.base[ei];
        x.exp_rd_ctrl = ett_.ctrl[ei];
        const bool exp_clear = x.exp_cmd && x.exp_op == op(r::TableOp::CLEAR);
        const unsigned ip = exp_clear ? ei : GET(SIG_POST_EXPORT, IDX, in.reg_wdata);
        x.ip_importers = importers(ip);
        x.ip_segid = ett_.segid[ip];
    }
    if (sig_.dma_pend || sig_.csr_pend) {
        const unsigned pl = sig_.dma_pend ? sig_.dma_slot : sig_.csr_slot;
        x.pl_valid = csr_.enable && (att_.ctrl[pl] & r::ATT_CTRL_f::VALID_MASK);
        x.pl_node = att_.node[pl];
        x.pl_segid = att_.segid[pl];
    }
    if (dma_.state == st(r::DmaState::CHECK)) {
        const uint32_t ctl = desc_.ctl[dma_.cur];
        const unsigned dslot = GET(DESC_CTRL, SLOT, ctl);
        x.dx_err = import_check(dslot, desc_.rem[dma_.cur] & (kMaxLen - 1), desc_.len[dma_.cur] & (2 * kMaxLen - 1),
                                ctl & r::DESC_CTRL_f::WRITE_MASK);
        x.dx_node = att_.node[dslot];
        x.dx_segid = att_.segid[dslot];
    }
    const Dma& d = dma_;
    x.dma_active = d.busy || in.reg_wr || in.dma_resp || (d.done | d.err | d.post | d.pkt_valid);
    if (x.dma_active) {
        x.dma = dma_edge(in);
        x.dma_issued = x.dma.issue_now ? x.dma.packets : 0;
        x.dma_issue_node = d.node;
    }
    x.post_err = sig_.post_err;
    x.signal = sig_.signal;
    x.dma_done = dma_.done;
    x.dma_err = dma_.err;
    x.dma_post = dma_.post;
    x.dma_post_slot = dma_.post_slot;
    x.dma_post_noacc = dma_.post_noacc;
    return x;
}

void AdapterFast::tick(const Pins& in) {
    const Cross x = cross(in);
    // The tables read the register file's staging registers as they were
    // before the edge: it goes last. Blocks with nothing to do keep their state.
    if (x.att_cmd || in.revoke_rx) tick_import(in, x);
    if (x.exp_cmd || in.imp_add) tick_export(in, x);
    if (in.reg_wr || in.ev_issue || in.ev_ack || in.ev_err || in.ev_xlate_err || in.ev_route || x.dma_issued)
        tick_barrier(in, x);
    tick_signal(in, x);
    tick_dma(in, x);
    tick_csr(in, x);
    ++cycles_;
    // Registered request pulses: collected after the edge, as the RTL wrapper does.
    if (csr_.conn_go) conn_pending_ = true;
    if (dma_.pkt_valid) {
        dma_out_.push_back(dma_.pkt);
        dma_out_.back().cycle = cycles_;
    }
    if (sig_.bell_go)
        bells_out_.push_back({sig_.bell_node, sig_.bell_segid, sig_.bell_noacc != 0, sig_.bell_to_imp != 0,
                              sig_.bell_revoke != 0});
}

void AdapterFast::tick_csr(const Pins& in, const Cross& x) {
    Csr& c = csr_;
    auto hit = [&](uint32_t reg) { return in.reg_wr && in.reg_addr == reg; };
    const uint32_t w = in.reg_wdata;
    c.conn_go = 0;
    if (hit(r::CTRL)) c.enable = GET(CTRL, ENABLE, w);
    if (hit(r::INTR_ENABLE)) c.intr_enable = w & kCauses;
    if (hit(r::SCRATCH)) c.scratch = w;
    const bool xlate_err = in.ev_xlate_err || x.post_err;
    uint8_t hw_set = 0;
    hw_set |= in.conn_resp ? is::CONN_DONE_MASK : 0;
    hw_set |= xlate_err ? is::XLATE_ERR_MASK : 0;
    hw_set |= in.ev_err ? is::REMOTE_ERR_MASK : 0;
    hw_set |= x.signal ? is::SIGNAL_MASK : 0;
    hw_set |= x.dma_done ? is::DMA_DONE_MASK : 0;
    hw_set |= x.dma_err ? is::DMA_ERR_MASK : 0;
    // Hardware causes win over a simultaneous clear, so no event is lost.
    c.intr_state = hw_set | (c.intr_state & ~(hit(r::INTR_STATE) ? w & kCauses : 0u)) |
                   (hit(r::INTR_TEST) ? w & kCauses : 0u);
    c.txn_issued += (in.ev_issue ? in.packets : 0) + x.dma_issued;
    if (in.ev_ack) c.txn_acked += in.packets;
    c.err_count += (in.ev_err ? in.failed : 0) + uint32_t{xlate_err};
    if (in.ev_err || in.ev_xlate_err) c.err_last = in.ev_err_class;
    else if (x.post_err) c.err_last = cls(r::ErrClass::NO_ENTRY);

    if (in.reg_wr) write_staging(in, x);
    const uint16_t conn_node = c.conn_node;   // before this edge's write
    const uint32_t conn_segid = c.conn_segid;
    if (hit(r::CONN_NODE)) c.conn_node = GET(CONN_NODE, NODE, w);
    if (hit(r::CONN_SEGID)) c.conn_segid = w;
    if (in.revoke_rx && (c.conn_busy || c.conn_done) && in.revoke_node == conn_node &&
        (in.revoke_any || in.revoke_segid == conn_segid))
        c.conn_revoked = 1;
    if (hit(r::CONN_CMD) && GET(CONN_CMD, GO, w) && !c.conn_busy) {
        c.conn_busy = 1;
        c.conn_done = 0;
        c.conn_revoked = 0;
        c.conn_go = 1;
    } else if (in.conn_resp && c.conn_busy) {
        c.conn_busy = 0;
        c.conn_done = 1;
        c.conn_result = in.conn_result;
        c.conn_size = in.conn_size;
        c.conn_perm = in.conn_perm;
    }
}

// The tables' staging registers: written by software, or loaded by a READ.
void AdapterFast::write_staging(const Pins& in, const Cross& x) {
    Csr& c = csr_;
    auto hit = [&](uint32_t reg) { return in.reg_addr == reg; };
    const uint32_t w = in.reg_wdata;
    if (hit(r::ATT_INDEX)) c.att_index = GET(ATT_INDEX, IDX, w);
    if (hit(r::ATT_NODE)) c.att_node = GET(ATT_NODE, NODE, w);
    if (hit(r::ATT_SEGID)) c.att_segid = w;
    if (hit(r::ATT_SIZE)) c.att_size = w;
    if (hit(r::ATT_CTRL)) c.att_ctrl = w & 7;
    if (x.att_cmd && x.att_op == op(r::TableOp::READ)) {
        c.att_node = x.att_rd_node;
        c.att_segid = x.att_rd_segid;
        c.att_size = x.att_rd_size;
        c.att_ctrl = x.att_rd_ctrl;
    }
    if (hit(r::EXP_INDEX)) c.exp_index = GET(EXP_INDEX, IDX, w);
    if (hit(r::EXP_SEGID)) c.exp_segid = w;
    if (hit(r::EXP_BASE_LO)) c.exp_base_lo = w;
    if (hit(r::EXP_BASE_HI)) c.exp_base_hi = w;
    if (hit(r::EXP_SIZE)) c.exp_size = w;
    if (hit(r::EXP_CTRL)) c.exp_ctrl = w & 0xF;
    if (hit(r::EXP_ACL_NODE)) c.exp_acl_node = GET(EXP_ACL_NODE, NODE, w);
    if (hit(r::EXP_ACL_PERM)) c.exp_acl_perm = w & 3;
    if (x.exp_cmd && x.exp_op == op(r::TableOp::READ)) {
        c.exp_segid = x.exp_rd_segid;
        c.exp_base_lo = static_cast<uint32_t>(x.exp_rd_base);
        c.exp_base_hi = static_cast<uint32_t>(x.exp_rd_base >> 32);
        c.exp_size = x.exp_rd_size;
        c.exp_ctrl = x.exp_rd_ctrl;
    }
}

void AdapterFast::tick_import(const Pins& in, const Cross& x) {
    ImportTable& t = att_;
    // Revocation first: a table command in the same edge wins.
    if (in.revoke_rx)
        for (uint64_t m = in.revoke_mask; m; m &= m - 1) {
            const int i = __builtin_ctzll(m);
            if (t.ctrl[i] & r::ATT_CTRL_f::VALID_MASK) {
                t.ctrl[i] = 0;
                t.revoked |= uint64_t{1} << i;
            }
        }
    if (!x.att_cmd) return;
    const unsigned i = csr_.att_index;
    if (x.att_op == op(r::TableOp::WRITE) || x.att_op == op(r::TableOp::CLEAR)) t.revoked &= ~(uint64_t{1} << i);
    if (x.att_op == op(r::TableOp::WRITE)) {
        t.node[i] = csr_.att_node;
        t.segid[i] = csr_.att_segid;
        t.size[i] = csr_.att_size;
        t.ctrl[i] = csr_.att_ctrl;
    } else if (x.att_op == op(r::TableOp::CLEAR)) {
        t.ctrl[i] = 0;
    }
}

void AdapterFast::tick_export(const Pins& in, const Cross& x) {
    ExportTable& t = ett_;
    // A new importer; a table command in the same edge comes after it.
    if (in.imp_add && node_ok(in.imp_node)) {
        const unsigned i = in.imp_idx & kExportMask;
        const uint64_t bit = uint64_t{1} << node_slot(in.imp_node);
        const bool any = in.imp_perm != 0;
        const bool rd = any && ((in.imp_perm & r::EXP_ACL_PERM_f::READ_MASK) || (t.grant_rd[i] & bit));
        const bool wr = any && ((in.imp_perm & r::EXP_ACL_PERM_f::WRITE_MASK) || (t.grant_wr[i] & bit));
        t.grant_rd[i] = rd ? t.grant_rd[i] | bit : t.grant_rd[i] & ~bit;
        t.grant_wr[i] = wr ? t.grant_wr[i] | bit : t.grant_wr[i] & ~bit;
    }
    if (!x.exp_cmd) return;
    const unsigned i = csr_.exp_index;
    if (x.exp_op == op(r::TableOp::WRITE)) {
        t.segid[i] = csr_.exp_segid;
        t.base[i] = uint64_t{csr_.exp_base_hi} << 32 | csr_.exp_base_lo;
        t.size[i] = csr_.exp_size;
        t.ctrl[i] = csr_.exp_ctrl;
    } else if (x.exp_op == op(r::TableOp::CLEAR)) {
        t.ctrl[i] = 0;
        t.acl[i] = {};
        t.named[i] = t.grant_rd[i] = t.grant_wr[i] = 0;
    } else if (x.exp_op == op(r::TableOp::ACL_CLEAR)) {
        t.acl[i] = {};
        t.named[i] = 0;
    } else if (x.exp_op == op(r::TableOp::ACL_SET) && node_ok(csr_.exp_acl_node)) {
        t.acl[i][node_slot(csr_.exp_acl_node)] = csr_.exp_acl_perm;
        t.named[i] |= uint64_t{1} << node_slot(csr_.exp_acl_node);
    }
}

void AdapterFast::tick_barrier(const Pins& in, const Cross& x) {
    Barrier& b = bar_;
    if (in.reg_wr && in.reg_addr == r::BAR_NODE) b.sel = GET(BAR_NODE, NODE, in.reg_wdata);
    if (in.ev_route) ++b.route_gen;
    if (x.dma_issued && node_ok(x.dma_issue_node)) b.issued[node_slot(x.dma_issue_node)] += x.dma_issued;
    if (!node_ok(in.ev_node)) return;
    const unsigned s = node_slot(in.ev_node);
    if (in.ev_issue) b.issued[s] += in.packets;
    if (in.ev_ack) b.acked[s] += in.packets;
    // A refused access is an error of the span too: it never left.
    if (in.ev_err || in.ev_xlate_err) {
        b.errors[s] += in.ev_err ? in.failed : 1;
        b.last[s] = in.ev_err_class;
    }
}

void AdapterFast::tick_signal(const Pins& in, const Cross& x) {
    Signal& g = sig_;
    const bool pulses = g.bell_go | g.post_err | g.signal | g.bell_to_imp | g.bell_revoke;
    if (!in.reg_wr && !in.post_resp && !in.bell_rx && !in.bell_imp_rx && !x.dma_post && !g.dma_pend && !g.csr_pend &&
        !pulses && !g.walk_mask && !g.rv_mask)
        return;   // nothing to do at this edge
    const uint64_t rv_before = g.rv_mask;
    g.bell_go = g.post_err = g.signal = g.bell_to_imp = g.bell_revoke = 0;
    if (in.reg_wr && in.reg_addr == r::SIG_INDEX) g.sig_index = GET(SIG_INDEX, IDX, in.reg_wdata);
    if (in.reg_wr && in.reg_addr == r::SIG_IMP_INDEX) g.imp_index = GET(SIG_IMP_INDEX, SLOT, in.reg_wdata);
    signal_walk(in, x);     // reads the posts pending before the edge,
    signal_post(in, x);     // which this one resolves and takes in
    signal_receive(in, x, rv_before);
}

// Export-side posts and revocations: a post snapshots the entry's
// importers, then one BELL leaves per edge when no importer-side post is
// waiting (revocations first).
void AdapterFast::signal_walk(const Pins& in, const Cross& x) {
    Signal& g = sig_;
    const uint32_t w = in.reg_wdata;
    const bool rv_turn = g.rv_mask != 0;
    const uint64_t next_mask = rv_turn ? g.rv_mask : g.walk_mask;
    if (in.reg_wr && in.reg_addr == r::SIG_POST_EXPORT && g.walk_mask == 0) {
        g.walk_mask = x.ip_importers;
        g.walk_idx = GET(SIG_POST_EXPORT, IDX, w);
        g.walk_noacc = GET(SIG_POST_EXPORT, NO_ACCUMULATE, w);
        g.walk_segid = x.ip_segid;
    } else if (!g.dma_pend && !g.csr_pend && next_mask != 0) {
        const int slot = lowest_bit(next_mask);
        g.bell_go = g.bell_to_imp = 1;
        g.bell_revoke = rv_turn;
        g.bell_node = r::node_id_of_slot(slot);
        g.bell_segid = rv_turn ? g.rv_segid : g.walk_segid;
        g.bell_noacc = rv_turn ? 0 : g.walk_noacc;
        (rv_turn ? g.rv_mask : g.walk_mask) &= ~(uint64_t{1} << slot);
    }
}

// Importer-side posts: the answer to the latest; one pending post resolved
// through the import table per edge (the DMA engine's first); new ones.
void AdapterFast::signal_post(const Pins& in, const Cross& x) {
    Signal& g = sig_;
    const uint32_t w = in.reg_wdata;
    if (in.post_resp && g.post_busy) {
        g.post_busy = 0;
        g.post_done = 1;
        g.post_result = in.post_result;
    }
    if (g.dma_pend || g.csr_pend) {
        const bool use_dma = g.dma_pend;
        if (x.pl_valid) {
            g.bell_go = 1;
            g.bell_node = x.pl_node;
            g.bell_segid = x.pl_segid;
            g.bell_noacc = use_dma ? g.dma_noacc : g.csr_noacc;
        } else {
            g.post_err = 1;
        }
        g.post_busy = x.pl_valid;
        g.post_done = !x.pl_valid;
        g.post_result = x.pl_valid ? 0 : cls(r::ErrClass::NO_ENTRY);
        (use_dma ? g.dma_pend : g.csr_pend) = 0;
    }
    if (in.reg_wr && in.reg_addr == r::SIG_POST) {
        g.csr_pend = 1;
        g.csr_slot = GET(SIG_POST, SLOT, w);
        g.csr_noacc = GET(SIG_POST, NO_ACCUMULATE, w);
    }
    if (x.dma_post) {
        g.dma_pend = 1;
        g.dma_slot = x.dma_post_slot;
        g.dma_noacc = x.dma_post_noacc;
    }
}

// Receive side: the export entries' counts and the import entries'; entries
// cleared lose theirs, and an unpublished one stops its post and revokes
// its importers.
void AdapterFast::signal_receive(const Pins& in, const Cross& x, uint64_t rv_before) {
    Signal& g = sig_;
    const uint32_t w = in.reg_wdata;
    const bool drop = count_bell(g.count.data(), in.bell_rx, in.bell_idx, in.bell_noacc,
                                 in.reg_wr && in.reg_addr == r::SIG_CONSUME, GET(SIG_CONSUME, IDX, w));
    const bool idrop = count_bell(g.icount.data(), in.bell_imp_rx, in.bell_imp_slot, in.bell_noacc,
                                  in.reg_wr && in.reg_addr == r::SIG_IMP_CONSUME, GET(SIG_IMP_CONSUME, SLOT, w));
    if ((in.bell_rx && !drop) || (in.bell_imp_rx && !idrop)) g.signal = 1;
    if (drop || idrop) ++g.dropped;
    if (x.att_cmd && x.att_op == op(r::TableOp::CLEAR)) g.icount[csr_.att_index] = 0;
    if (x.exp_cmd && x.exp_op == op(r::TableOp::CLEAR)) {
        g.count[csr_.exp_index] = 0;
        // (An export-side post and a clear are never in one edge: walk_idx is the one from before.)
        if (csr_.exp_index == g.walk_idx) g.walk_mask = 0;
        // Tell every recorded importer (software waits for REVOKING to drop
        // before clearing another entry).
        if (x.ip_importers != 0) {
            g.rv_mask = rv_before | x.ip_importers;
            g.rv_segid = x.ip_segid;
        }
    }
}

// One edge of a list of pending-signal counts: a BELL for entry `bell_idx`
// counts (saturating; with no_accumulate only if none is pending), a
// consume of `consume_idx` takes one; both on one entry cancel out. True if
// the BELL was dropped (no_accumulate with one pending).
bool AdapterFast::count_bell(uint32_t* counts, bool bell, unsigned bell_idx, bool no_accumulate, bool consume,
                             unsigned consume_idx) {
    const uint32_t at_bell = counts[bell_idx], at_consume = counts[consume_idx];
    const bool dropped = bell && no_accumulate && at_bell != 0;
    const bool counts_up = bell && !dropped && at_bell != kCntMax;
    if (counts_up && consume && consume_idx == bell_idx) return dropped;
    if (counts_up) counts[bell_idx] = at_bell + 1;
    if (consume && at_consume != 0) counts[consume_idx] = at_consume - 1;
    return dropped;
}

bool AdapterFast::dma_waiting() const {
    const Dma& d = dma_;
    return (d.state == st(r::DmaState::ISSUE) && d.total_out >= kWindow) ||
           (d.state == st(r::DmaState::WAIT) && d.outstanding[d.cur] != 0) ||
           (d.state == st(r::DmaState::DRAIN) && d.total_out != 0);
}


AdapterFast::DmaEdge AdapterFast::dma_edge(const Pins& in) const {
    const Dma& d = dma_;
    DmaEdge e{};
    e.cur = d.cur;
    e.c_len = desc_.len[e.cur];
    e.c_rem = desc_.rem[e.cur];
    e.c_ctl = desc_.ctl[e.cur];
    e.raddr = e.c_rem + d.off;
    const uint32_t left = e.c_len - d.off;
    const uint32_t room = 64 - (e.raddr & 63);
    // One packet per clock, or (whole entries) the rest of the entry as a train.
    e.n = whole_entries_ ? left : left < room ? left & 0x7F : room;
    e.packets = whole_entries_ ? Packet::packets_of(e.raddr, e.n) : 1;
    e.last_pkt = e.n == left;
    e.last_ent = e.cur + 1u == d.count;
    e.resp_bad = in.dma_resp && in.dma_resp_err != kOk;
    // A train is one request: the in-flight window does not hold it back.
    // A response frees its place in the window in the cycle it arrives.
    e.issue_now = d.state == st(r::DmaState::ISSUE) && !d.error_st &&
                  (whole_entries_ || d.total_out < kWindow || in.dma_resp) && !e.resp_bad;
    return e;
}

void AdapterFast::tick_dma(const Pins& in, const Cross& x) {
    Dma& d = dma_;
    if (!x.dma_active) return;   // idle
    const Dma old = d;   // small: counters and the state machine
    const DmaEdge& e = x.dma;
    d.pkt_valid = d.post = d.done = d.err = 0;
    if (!old.busy && in.reg_wr) write_descriptor(in);   // register writes are ignored while busy

    // Packets in flight: this edge's issue and response together.
    const unsigned re = in.dma_resp_entry;
    const uint32_t answered = in.dma_resp ? in.packets : 0;
    if (e.issue_now) d.outstanding[e.cur] += e.packets;
    if (in.dma_resp) d.outstanding[re] -= answered;
    d.total_out = old.total_out + (e.issue_now ? e.packets : 0) - answered;
    if (e.resp_bad) dma_fail(old, in.dma_resp_err, static_cast<uint8_t>(re));

    // Progress: leading entries fully issued and fully answered.
    const unsigned ce = old.completed & 0xF;
    if (old.busy && old.completed < old.count && (old.issued_all >> ce & 1) && old.outstanding[ce] == 0 &&
        !(old.error_st && ce >= old.fail_entry)) {
        d.completed = old.completed + 1;
        if (desc_.ctl[ce] & r::DESC_CTRL_f::IRQ_MASK) d.done = 1;
    }
    dma_step(in, x, old, e);
}

void AdapterFast::write_descriptor(const Pins& in) {
    Descriptors& ds = desc_;
    const uint32_t a = in.reg_addr, w = in.reg_wdata;
    int i = -1;
    if (a == r::DMA_COUNT) dma_.count = GET(DMA_COUNT, COUNT, w);
    else if ((i = desc_index(a, r::DESC_LOCAL_LO(0))) >= 0) ds.lo[i] = w;
    else if ((i = desc_index(a, r::DESC_LOCAL_HI(0))) >= 0) ds.hi[i] = w;
    else if ((i = desc_index(a, r::DESC_REMOTE(0))) >= 0) ds.rem[i] = w;
    else if ((i = desc_index(a, r::DESC_LEN(0))) >= 0) ds.len[i] = w;
    else if ((i = desc_index(a, r::DESC_CTRL(0))) >= 0) ds.ctl[i] = w & kDescCtrlBits;
}

// The lowest failing entry is kept (compared with the values before the edge).
void AdapterFast::dma_fail(const Dma& old, uint8_t cls_, uint8_t entry) {
    if (!old.error_st || entry < old.fail_entry) {
        dma_.fail_entry = entry;
        dma_.err_class = cls_;
    }
    dma_.error_st = 1;
}

// The state machine (dma_engine.v's case statement).
void AdapterFast::dma_step(const Pins& in, const Cross& x, const Dma& old, const DmaEdge& e) {
    Dma& d = dma_;
    const bool stop = old.error_st || e.resp_bad;   // an error ends issuing at once
    switch (static_cast<r::DmaState>(old.state)) {
    case r::DmaState::IDLE:
        if (in.reg_wr && in.reg_addr == r::DMA_CTRL && GET(DMA_CTRL, GO, in.reg_wdata)) dma_go(in, old);
        break;
    case r::DmaState::CHECK:
        if (stop) d.state = st(r::DmaState::DRAIN);
        else dma_check(x, old, e);
        break;
    case r::DmaState::ISSUE:
        if (stop) d.state = st(r::DmaState::DRAIN);
        else if (e.issue_now) dma_issue(old, e);
        break;
    case r::DmaState::WAIT:
        if (stop) d.state = st(r::DmaState::DRAIN);
        else if (old.outstanding[e.cur] == 0) dma_next_entry(e);
        break;
    case r::DmaState::DRAIN:
        if (old.total_out == 0 && !in.dma_resp) dma_end(old);
        break;
    default: d.state = st(r::DmaState::IDLE); break;
    }
}

void AdapterFast::dma_go(const Pins& in, const Dma& old) {
    Dma& d = dma_;
    d.f_sigpost = GET(DMA_CTRL, SIGPOST, in.reg_wdata);
    d.f_noacc = GET(DMA_CTRL, NO_ACCUMULATE, in.reg_wdata);
    d.f_irq = GET(DMA_CTRL, IRQ, in.reg_wdata);
    d.done_st = 0;
    d.error_st = 0;
    d.err_class = kOk;
    d.fail_entry = 0;
    d.completed = 0;
    d.issued_all = 0;
    d.cur = 0;
    d.off = 0;
    if (old.count == 0 || old.count > kDescs) {   // rejected before anything starts
        d.error_st = 1;
        d.err_class = cls(r::ErrClass::BAD_DESC);
        d.done_st = 1;
        d.err = 1;
    } else {
        d.busy = 1;
        d.state = st(r::DmaState::CHECK);
    }
}

void AdapterFast::dma_check(const Cross& x, const Dma& old, const DmaEdge& e) {
    Dma& d = dma_;
    uint8_t err = kOk;
    if (e.c_len == 0 || e.c_len > kMaxLen) err = cls(r::ErrClass::BAD_DESC);
    else if (e.c_rem >= kMaxLen) err = cls(r::ErrClass::BOUNDS);
    else err = x.dx_err;
    if (err != kOk) {
        dma_fail(old, err, e.cur);
        d.state = st(r::DmaState::DRAIN);
        return;
    }
    d.node = x.dx_node;
    d.segid = x.dx_segid;
    d.off = 0;
    d.state = st(r::DmaState::ISSUE);
}

void AdapterFast::dma_issue(const Dma& old, const DmaEdge& e) {
    Dma& d = dma_;
    d.pkt_valid = 1;
    d.pkt = {(e.c_ctl & r::DESC_CTRL_f::WRITE_MASK) != 0,
             e.cur,
             (uint64_t{desc_.hi[e.cur]} << 32 | desc_.lo[e.cur]) + old.off,
             old.node,
             old.segid,
             e.raddr,
             e.n,
             0,
             e.packets};
    d.off = old.off + e.n;
    if (!e.last_pkt) return;
    d.issued_all = old.issued_all | uint16_t(1u << e.cur);
    if (e.c_ctl & r::DESC_CTRL_f::BARRIER_MASK) d.state = st(r::DmaState::WAIT);
    else dma_next_entry(e);
}

void AdapterFast::dma_next_entry(const DmaEdge& e) {
    if (e.last_ent) {
        dma_.state = st(r::DmaState::DRAIN);
    } else {
        dma_.cur = e.cur + 1;
        dma_.state = st(r::DmaState::CHECK);
    }
}

// Every answer is in: the chain ends, done or failed.
void AdapterFast::dma_end(const Dma& old) {
    Dma& d = dma_;
    d.busy = 0;
    d.done_st = 1;
    d.state = st(r::DmaState::IDLE);
    if (old.error_st) {
        d.completed = old.fail_entry;
        d.err = 1;
        return;
    }
    d.completed = old.count;
    if (old.f_irq) d.done = 1;
    if (old.f_sigpost) {
        d.post = 1;
        d.post_slot = GET(DESC_CTRL, SLOT, desc_.ctl[(old.count - 1) & 0xF]);
        d.post_noacc = old.f_noacc;
    }
}

// --- register reads: each block answers its own registers (kNotHere elsewhere).

uint64_t AdapterFast::read_csr(uint32_t a) const {
    const Csr& c = csr_;
    switch (a) {
    case r::ID: return r::kIdent;
    case r::VERSION: return r::kVersion;
    case r::NODE_ID: return PUT(NODE_ID, ID, node_id_);
    case r::CTRL: return PUT(CTRL, ENABLE, c.enable);
    case r::STATUS:
        return PUT(STATUS, LINK_UP, link_up_) | PUT(STATUS, CONN_BUSY, c.conn_busy) |
               PUT(STATUS, REVOKING, sig_.rv_mask != 0);
    case r::INTR_STATE: return c.intr_state;
    case r::INTR_ENABLE: return c.intr_enable;
    case r::SCRATCH: return c.scratch;
    case r::TXN_ISSUED: return c.txn_issued;
    case r::TXN_ACKED: return c.txn_acked;
    case r::OUTSTANDING: return c.txn_issued - c.txn_acked;
    case r::ERR_COUNT: return c.err_count;
    case r::ERR_LAST: return PUT(ERR_LAST, CLASS, c.err_last);
    case r::PEERS_LO: return static_cast<uint32_t>(peers_);
    case r::PEERS_HI: return static_cast<uint32_t>(peers_ >> 32);
    case r::ATT_INDEX: return PUT(ATT_INDEX, IDX, c.att_index);
    case r::ATT_NODE: return PUT(ATT_NODE, NODE, c.att_node);
    case r::ATT_SEGID: return c.att_segid;
    case r::ATT_SIZE: return c.att_size;
    case r::ATT_CTRL: return c.att_ctrl;
    case r::ATT_REVOKED_LO: return static_cast<uint32_t>(att_.revoked);
    case r::ATT_REVOKED_HI: return static_cast<uint32_t>(att_.revoked >> 32);
    case r::EXP_INDEX: return PUT(EXP_INDEX, IDX, c.exp_index);
    case r::EXP_SEGID: return c.exp_segid;
    case r::EXP_BASE_LO: return c.exp_base_lo;
    case r::EXP_BASE_HI: return c.exp_base_hi;
    case r::EXP_SIZE: return c.exp_size;
    case r::EXP_CTRL: return c.exp_ctrl;
    case r::EXP_ACL_NODE: return PUT(EXP_ACL_NODE, NODE, c.exp_acl_node);
    case r::EXP_ACL_PERM: return c.exp_acl_perm;
    case r::EXP_IMPORTERS_LO: return static_cast<uint32_t>(importers(c.exp_index));
    case r::EXP_IMPORTERS_HI: return static_cast<uint32_t>(importers(c.exp_index) >> 32);
    case r::CONN_NODE: return PUT(CONN_NODE, NODE, c.conn_node);
    case r::CONN_SEGID: return c.conn_segid;
    case r::CONN_STATUS:
        return PUT(CONN_STATUS, BUSY, c.conn_busy) | PUT(CONN_STATUS, DONE, c.conn_done) |
               PUT(CONN_STATUS, REVOKED, c.conn_revoked) | PUT(CONN_STATUS, RESULT, c.conn_result);
    case r::CONN_SIZE: return c.conn_size;
    case r::CONN_PERM: return c.conn_perm;
    default: return kNotHere;
    }
}

uint64_t AdapterFast::read_barrier(uint32_t a) const {
    const Barrier& b = bar_;
    const bool ok = node_ok(b.sel);
    const unsigned s = node_slot(b.sel);
    switch (a) {
    case r::BAR_NODE: return PUT(BAR_NODE, NODE, b.sel);
    case r::BAR_ISSUED: return ok ? b.issued[s] : 0;
    case r::BAR_ACKED: return ok ? b.acked[s] : 0;
    case r::BAR_OUTSTANDING: return ok ? b.issued[s] - b.acked[s] : 0;
    case r::BAR_ERRORS: return ok ? b.errors[s] : 0;
    case r::BAR_LAST_ERR: return ok ? PUT(BAR_LAST_ERR, CLASS, b.last[s]) : 0;
    case r::ROUTE_GEN: return b.route_gen;
    default: return kNotHere;
    }
}

uint64_t AdapterFast::read_signal(uint32_t a) const {
    const Signal& g = sig_;
    auto pending = [](const uint32_t* counts) {
        uint32_t v = 0;
        for (unsigned i = 0; i < 32; ++i) v |= uint32_t{counts[i] != 0} << i;
        return v;
    };
    switch (a) {
    case r::SIG_PENDING: return pending(g.count.data());
    case r::SIG_INDEX: return PUT(SIG_INDEX, IDX, g.sig_index);
    case r::SIG_COUNT: return g.count[g.sig_index];
    case r::SIG_DROPPED: return g.dropped;
    case r::SIG_IMP_PENDING_LO: return pending(g.icount.data());
    case r::SIG_IMP_PENDING_HI: return pending(g.icount.data() + 32);
    case r::SIG_IMP_INDEX: return PUT(SIG_IMP_INDEX, SLOT, g.imp_index);
    case r::SIG_IMP_COUNT: return g.icount[g.imp_index];
    case r::SIG_POST_STATUS:
        return PUT(SIG_POST_STATUS, BUSY, g.post_busy) | PUT(SIG_POST_STATUS, DONE, g.post_done) |
               PUT(SIG_POST_STATUS, RESULT, g.post_result);
    default: return kNotHere;
    }
}

uint64_t AdapterFast::read_dma(uint32_t a) const {
    const Dma& d = dma_;
    const Descriptors& ds = desc_;
    if (a == r::DMA_COUNT) return PUT(DMA_COUNT, COUNT, d.count);
    if (a == r::DMA_STATUS)
        return PUT(DMA_STATUS, BUSY, d.busy) | PUT(DMA_STATUS, DONE, d.done_st) | PUT(DMA_STATUS, ERROR, d.error_st) |
               PUT(DMA_STATUS, CLASS, d.err_class) | PUT(DMA_STATUS, FAIL_ENTRY, d.fail_entry) |
               PUT(DMA_STATUS, COMPLETED, d.completed);
    int i = -1;
    if ((i = desc_index(a, r::DESC_LOCAL_LO(0))) >= 0) return ds.lo[i];
    if ((i = desc_index(a, r::DESC_LOCAL_HI(0))) >= 0) return ds.hi[i];
    if ((i = desc_index(a, r::DESC_REMOTE(0))) >= 0) return ds.rem[i];
    if ((i = desc_index(a, r::DESC_LEN(0))) >= 0) return ds.len[i];
    if ((i = desc_index(a, r::DESC_CTRL(0))) >= 0) return ds.ctl[i];
    return kNotHere;
}

// Each register is one block's: the first that has it answers (the
// barrier's first, the registers a put polls).
uint32_t AdapterFast::read_register(uint32_t a) const {
    uint64_t v = read_barrier(a);
    if (v == kNotHere) v = read_csr(a);
    if (v == kNotHere) v = read_signal(a);
    if (v == kNotHere) v = read_dma(a);
    return v == kNotHere ? 0 : static_cast<uint32_t>(v);
}

bool AdapterFast::reg_read(uint32_t offset, uint32_t& value) {
    const uint32_t a = offset & (r::kRegSpace - 1);
    shown_.reg_addr = static_cast<uint16_t>(a);
    const bool ok = offset < r::kRegSpace && (a & 3) == 0 && kDecode[a / 4] != Decode::None;
    value = ok ? read_register(a) : 0;
    sample();
    return ok;
}

bool AdapterFast::peek_register(uint32_t offset, uint32_t& value) {
    const bool ok = offset < r::kRegSpace && (offset & 3) == 0 && kDecode[offset / 4] != Decode::None;
    value = ok ? read_register(offset) : 0;
    return ok;
}

bool AdapterFast::reg_write(uint32_t offset, uint32_t value) {
    if (offset >= r::kRegSpace) return false;
    shown_.reg_addr = static_cast<uint16_t>(offset);
    shown_.reg_wdata = value;
    const Decode acc = kDecode[offset / 4];
    if ((offset & 3) != 0 || acc != Decode::Writable) {   // refused: no clock edge, nothing changes
        sample();
        return false;
    }
    Pins p;
    p.reg_wr = true;
    p.reg_addr = static_cast<uint16_t>(offset);
    p.reg_wdata = value;
    clock(p);
    return true;
}

void AdapterFast::clock(const Pins& p) {
    tick(p);
    sample();
}

// --- combinational lookups

Translation AdapterFast::translate(unsigned slot, uint32_t offset, uint32_t len, bool write) {
    shown_.xl_slot = static_cast<uint8_t>(slot & kSlotMask);
    shown_.xl_off = offset & (kMaxLen - 1);
    shown_.xl_len = len & (2 * kMaxLen - 1);
    shown_.xl_write = write;
    const Translation t{import_check(shown_.xl_slot, shown_.xl_off, shown_.xl_len, write), att_.node[shown_.xl_slot],
                        att_.segid[shown_.xl_slot]};
    sample();
    return t;
}

ExportMatch AdapterFast::query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write,
                                      bool probe) {
    shown_.ex_segid = segid;
    len &= 0x1FFFFFFFFull;   // the port's width
    const ExportTable& t = ett_;
    // Associative search: the lowest valid entry with a matching segment id.
    int hit = -1;
    for (unsigned e = 0; e < kEtt && hit < 0; ++e)
        if ((t.ctrl[e] & r::EXP_CTRL_f::VALID_MASK) && t.segid[e] == segid) hit = static_cast<int>(e);
    const unsigned h = hit < 0 ? 0 : static_cast<unsigned>(hit);
    const unsigned s = node_slot(src);
    const uint8_t ctrl = t.ctrl[h];
    const bool pub = ctrl & r::EXP_CTRL_f::PUBLIC_MASK;
    // Rights as in EXP_ACL_PERM and CONN_PERM.
    const uint8_t rd = r::EXP_ACL_PERM_f::READ_MASK, wr = r::EXP_ACL_PERM_f::WRITE_MASK;
    const uint8_t pub_perm = ((ctrl & r::EXP_CTRL_f::PUB_READ_MASK) ? rd : 0) | ((ctrl & r::EXP_CTRL_f::PUB_WRITE_MASK) ? wr : 0);
    const uint8_t grant = ((t.grant_rd[h] >> s & 1) ? rd : 0) | ((t.grant_wr[h] >> s & 1) ? wr : 0);
    // The access list decides lookups (new connections); an importer's data
    // requests use what its lookup granted, a non-importer's the list.
    const uint8_t listed = pub ? pub_perm : t.acl[h][s];
    const bool named = pub || (t.named[h] >> s & 1);
    const uint8_t perm = (hit < 0 || !node_ok(src)) ? 0 : (!probe && grant != 0) ? grant : listed;
    const uint64_t end = uint64_t{offset} + len;
    uint8_t err = kOk;
    if (!csr_.enable) err = cls(r::ErrClass::UNREACHABLE);
    else if (hit < 0) err = cls(r::ErrClass::NO_ENTRY);
    else if (perm == 0) err = named && node_ok(src) ? cls(r::ErrClass::RIGHTS) : cls(r::ErrClass::NOT_TO_NODE);
    else if (probe) err = kOk;
    else if (write ? !(perm & wr) : !(perm & rd)) err = cls(r::ErrClass::RIGHTS);
    else if (end > t.size[h]) err = cls(r::ErrClass::BOUNDS);
    const ExportMatch m{{err, t.base[h] + offset, t.size[h], perm}, static_cast<uint8_t>(h)};
    if (!probes_.empty()) {   // the port shows the answer until the core is next evaluated
        refresh_shown();
        shown_.ex_err = err;
        probes_.sample();
    }
    return m;
}

uint64_t AdapterFast::import_matches(uint16_t node, uint32_t segid, bool any_segment) {
    uint64_t match = 0;
    for (unsigned i = 0; i < kAtt; ++i)
        if ((att_.ctrl[i] & r::ATT_CTRL_f::VALID_MASK) && att_.node[i] == node && (any_segment || att_.segid[i] == segid))
            match |= uint64_t{1} << i;
    sample();
    return match;
}

// --- clocked events

void AdapterFast::event(RtlEvent ev, uint16_t node, uint8_t err_class) {
    Pins p;
    p.ev_node = node;
    p.ev_err_class = err_class & kClassMask;
    p.ev_issue = ev == RtlEvent::Issue;
    p.ev_ack = ev == RtlEvent::Ack || ev == RtlEvent::RemoteError;
    p.ev_err = ev == RtlEvent::RemoteError;
    p.ev_xlate_err = ev == RtlEvent::XlateError;
    clock(p);
}

// The answers to `packets` requests to `node`, the last `failed` of them with
// `err_class` (one packet: failed 1 means "if it carries an error").
AdapterFast::Pins AdapterFast::answer_pins(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed) {
    Pins p;
    p.ev_node = node;
    p.ev_err_class = err_class & kClassMask;
    p.ev_ack = true;
    p.ev_err = err_class != 0 && failed > 0;
    p.packets = packets;
    p.failed = failed;
    return p;
}

void AdapterFast::dma_response(uint16_t node, uint8_t entry, uint8_t err_class) {
    dma_train_response(node, entry, err_class, 1, 1);
}

void AdapterFast::issued(uint16_t node, uint32_t packets) {
    Pins p;
    p.ev_node = node;
    p.ev_issue = true;
    p.packets = packets;
    clock(p);
}

void AdapterFast::answered(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed) {
    clock(answer_pins(node, err_class, packets, failed));
}

void AdapterFast::dma_train_response(uint16_t node, uint8_t entry, uint8_t err_class, uint32_t packets,
                                     uint32_t failed) {
    Pins p = answer_pins(node, err_class, packets, failed);
    p.dma_resp = true;
    p.dma_resp_entry = entry & 0xF;
    p.dma_resp_err = p.ev_err_class;
    clock(p);
}

void AdapterFast::bell_received(uint8_t index, bool no_accumulate) {
    Pins p;
    p.bell_rx = true;
    p.bell_idx = index & kExportMask;
    p.bell_noacc = no_accumulate;
    clock(p);
}

void AdapterFast::post_answered(uint8_t err_class) {
    Pins p;
    p.post_resp = true;
    p.post_result = err_class & kClassMask;
    clock(p);
}

void AdapterFast::import_bell_received(uint8_t slot, bool no_accumulate) {
    Pins p;
    p.bell_imp_rx = true;
    p.bell_imp_slot = slot & kSlotMask;
    p.bell_noacc = no_accumulate;
    clock(p);
}

void AdapterFast::revoke(uint64_t slots, uint16_t node, uint32_t segid, bool any_segment) {
    Pins p;
    p.revoke_rx = true;
    p.revoke_mask = slots;
    p.revoke_node = node;
    p.revoke_segid = segid;
    p.revoke_any = any_segment;
    clock(p);
}

void AdapterFast::importer_added(uint8_t index, uint16_t node, uint8_t perm) {
    Pins p;
    p.imp_add = true;
    p.imp_idx = index & kExportMask;
    p.imp_node = node;
    p.imp_perm = perm & 3;
    clock(p);
}

void AdapterFast::route_changed() {
    Pins p;
    p.ev_route = true;
    clock(p);
}

void AdapterFast::conn_response(uint8_t result, uint32_t size, uint8_t perm) {
    Pins p;
    p.conn_resp = true;
    p.conn_result = result & kClassMask;
    p.conn_size = size;
    p.conn_perm = perm & 3;
    clock(p);
}

bool AdapterFast::active() const {
    const Dma& d = dma_;
    const Signal& g = sig_;
    const bool dma_active = (d.busy && !dma_waiting()) || d.done || d.err || d.post;
    const bool sig_active = g.dma_pend || g.csr_pend || g.walk_mask || g.rv_mask || g.signal || g.post_err;
    return dma_active || sig_active;
}

void AdapterFast::run() {
    static const Pins idle;
    // The same bound as the RTL wrapper's: a guard against a core that never stalls.
    for (uint64_t n = 0; active() && n < (uint64_t{1} << 26); ++n) tick(idle);
    sample();
}

bool AdapterFast::take_conn_request(uint16_t& node, uint32_t& segid) {
    if (!conn_pending_) return false;
    conn_pending_ = false;
    node = csr_.conn_node;
    segid = csr_.conn_segid;
    return true;
}

void AdapterFast::take_dma_packets(std::vector<DmaPacket>& out) {
    out.clear();
    out.swap(dma_out_);
}
void AdapterFast::take_bells(std::vector<BellRequest>& out) {
    out.clear();
    out.swap(bells_out_);
}

bool AdapterFast::irq() const { return (csr_.intr_state & csr_.intr_enable) != 0; }

// --- waveform: the signals AdapterRtl traces, under the same names

// The RTL's ports as they stand between calls: strobes low, so the read
// data is 0 and the export search shows no hit.
void AdapterFast::refresh_shown() {
    shown_.xl_err = import_check(shown_.xl_slot, shown_.xl_off, shown_.xl_len, shown_.xl_write);
    shown_.ex_err = csr_.enable ? cls(r::ErrClass::NO_ENTRY) : cls(r::ErrClass::UNREACHABLE);
    shown_.irq = irq();
}

void AdapterFast::sample() {
    if (probes_.empty()) return;
    refresh_shown();
    probes_.sample();
}

void AdapterFast::trace(Waves& w, const std::string& p, unsigned node) {
    refresh_shown();
    auto& t = probes_;
    const Block R = Block::Rtl, D = Block::Dma;
    t.add(&w, shown_.reg_addr, p, "reg_addr", 12, node, R, &register_names());
    t.add(&w, shown_.reg_wdata, p, "reg_wdata", 32, node, R);
    t.add(&w, shown_.reg_rdata, p, "reg_rdata", 32, node, R);
    t.add(&w, shown_.xl_slot, p, "xl_slot", 6, node, R);
    t.add(&w, shown_.xl_err, p, "xl_err", 4, node, R, &map_enum_names("ERR_CLASS"));
    t.add(&w, shown_.ex_segid, p, "ex_segid", 32, node, R);
    t.add(&w, shown_.ex_err, p, "ex_err", 4, node, R, &map_enum_names("ERR_CLASS"));
    t.add(&w, shown_.irq, p, "irq", 1, node, R);
    t.add(&w, csr_.enable, p + ".csr", "ctrl_enable", 1, node, R);
    t.add(&w, csr_.intr_state, p + ".csr", "intr_state", 6, node, R);
    t.add(&w, csr_.intr_enable, p + ".csr", "intr_enable", 6, node, R);
    t.add(&w, csr_.txn_issued, p + ".csr", "txn_issued", 32, node, R);
    t.add(&w, csr_.txn_acked, p + ".csr", "txn_acked", 32, node, R);
    t.add(&w, csr_.err_count, p + ".csr", "err_count", 32, node, R);
    t.add(&w, csr_.conn_busy, p + ".csr", "conn_busy", 1, node, R);
    t.add(&w, dma_.busy, p + ".dma", "busy", 1, node, D);
    t.add(&w, dma_.state, p + ".dma", "state", 3, node, D, &map_enum_names("DMA_STATE"));
    t.add(&w, dma_.cur, p + ".dma", "entry", 4, node, D);
    // The RTL's width ($clog2(WINDOW + 1)); a train may hold more in flight.
    t.add(&w, dma_.total_out, p + ".dma", "in_flight", whole_entries_ ? 32 : 8, node, D);
    t.add(&w, dma_.completed, p + ".dma", "completed", 5, node, D);
    t.add(&w, bar_.route_gen, p + ".bar", "route_gen", 32, node, R);
    t.add(&w, sig_.dropped, p + ".sig", "dropped", 32, node, R);
}

}  // namespace rsmsim::model
