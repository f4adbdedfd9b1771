#include "rsmsim/model/adapter_rtl.h"

#include "rsmsim/model/core_pins.h"
#include "rsmsim/model/wave_names.h"

#include <verilated.h>

#include <utility>

#include "Vadapter_core.h"
#include "Vadapter_core___024root.h"
#include "Vadapter_core_adapter_core.h"
#include "Vadapter_core_adapter_csr.h"
#include "Vadapter_core_barrier_counters.h"
#include "Vadapter_core_dma_engine.h"
#include "Vadapter_core_signal_unit.h"
#include "adapter_regs.h"
#include "rsmsim/model/waves.h"

namespace rsmsim::model {

namespace {
std::unique_ptr<VerilatedContext> single_threaded_context() {
    auto ctx = std::make_unique<VerilatedContext>();
    make_single_threaded(*ctx);
    return ctx;
}
}  // namespace

AdapterRtl::AdapterRtl(uint16_t node_id, bool link_up)
    : ctx_(single_threaded_context()), m_(std::make_unique<Vadapter_core>(ctx_.get())) {
    m_->node_id_i = node_id;
    m_->link_up_i = link_up;
    reset();
}

AdapterRtl::~AdapterRtl() { m_->final(); }

void AdapterRtl::set_peers(uint64_t mask) {
    m_->peers_i = mask;
    eval();
}

namespace {
// The core's input widths, from the register map.
namespace r = rsm::regs;
constexpr uint32_t kSlotMask = r::kAttEntries - 1;                          // an import entry
constexpr uint32_t kExportMask = r::kEttEntries - 1;                        // an export entry
constexpr uint32_t kOffsetMask = (uint32_t{1} << r::kWindowSlotShift) - 1;  // within a window slot
constexpr uint32_t kLenMask = (uint32_t{1} << (r::kWindowSlotShift + 1)) - 1;
constexpr uint32_t kClassMask = r::ERR_LAST_f::CLASS_MASK;                 // an ERR_CLASS
}  // namespace

void AdapterRtl::reset() {
    reset_core(*m_);
    unsettled_ = false;
    if (!probes_.empty()) probes_.sample();
    conn_pending_ = false;
}

void AdapterRtl::eval() {
    m_->eval();
    unsettled_ = false;
    probes_.sample_at_delta_end();
}

void AdapterRtl::inputs_idled(bool shown) {
    if (probes_.empty()) return;
    unsettled_ = unsettled_ || shown;
    probes_.sample_at_delta_end();
}

void AdapterRtl::tick() {
    // Verilator finds a rising edge against the clock's value at its last
    // evaluation; between edges the clock is low, evaluated or not (below),
    // so that value is told to it here. (An internal of the verilated
    // model: Verilator 5 names it so.)
    m_->rootp->__Vtrigrprev__TOP__clk = 0;
    m_->clk = 1;
    eval();
    ++cycles_;
    // One-cycle request pulses: collect them before the next edge.
    if (m_->conn_go_o) conn_pending_ = true;
    if (m_->dma_pkt_valid_o)
        dma_out_.push_back({m_->dma_pkt_write_o != 0, m_->dma_pkt_entry_o, m_->dma_pkt_local_o,
                            m_->dma_pkt_node_o, m_->dma_pkt_segid_o, m_->dma_pkt_remote_o,
                            m_->dma_pkt_len_o, cycles_});
    if (m_->bell_go_o)
        bells_out_.push_back({m_->bell_node_o, m_->bell_segid_o, m_->bell_noacc_o != 0, m_->bell_to_imp_o != 0,
                              m_->bell_revoke_o != 0});
    // Nothing happens on the falling edge: the clock goes low together with
    // the inputs going idle. What is read of the core between edges
    // (active_o, irq_o, the requests above) comes from its registers, so
    // that evaluation waits for the next access to the core, which has
    // inputs of its own to evaluate anyway, or for a waveform's sample.
    const bool shown = m_->reg_req_i || m_->ex_query_i;
    m_->clk = 0;
    idle_core_inputs(*m_);
    inputs_idled(shown);
}

void AdapterRtl::run() {
    // A chain of 16 maximal entries is ~4M packets; the bound only guards
    // against a core that never stalls.
    for (uint64_t n = 0; m_->active_o && n < (uint64_t{1} << 26); ++n) tick();
}

void AdapterRtl::take_dma_packets(std::vector<DmaPacket>& out) {
    out.clear();
    out.swap(dma_out_);
}
void AdapterRtl::take_bells(std::vector<BellRequest>& out) {
    out.clear();
    out.swap(bells_out_);
}

bool AdapterRtl::reg_read(uint32_t offset, uint32_t& value) {
    m_->reg_req_i = 1;
    m_->reg_we_i = 0;
    m_->reg_addr_i = offset & (rsm::regs::kRegSpace - 1);
    eval();
    const bool ok = offset < rsm::regs::kRegSpace && !m_->reg_err_o;
    value = ok ? m_->reg_rdata_o : 0;
    // A read changes no state: the strobe drops with the next evaluation,
    // or before a waveform samples the core.
    m_->reg_req_i = 0;
    inputs_idled();
    return ok;
}

bool AdapterRtl::peek_register(uint32_t offset, uint32_t& value) {
    const auto req = m_->reg_req_i, we = m_->reg_we_i;
    const auto addr = m_->reg_addr_i;
    m_->reg_req_i = 1;
    m_->reg_we_i = 0;
    m_->reg_addr_i = offset & (rsm::regs::kRegSpace - 1);
    m_->eval();
    const bool ok = offset < rsm::regs::kRegSpace && !m_->reg_err_o;
    value = ok ? m_->reg_rdata_o : 0;
    m_->reg_req_i = req;
    m_->reg_we_i = we;
    m_->reg_addr_i = addr;
    m_->eval();
    return ok;
}

bool AdapterRtl::reg_write(uint32_t offset, uint32_t value) {
    if (offset >= rsm::regs::kRegSpace) return false;
    m_->reg_req_i = 1;
    m_->reg_we_i = 1;
    m_->reg_addr_i = offset;
    m_->reg_wdata_i = value;
    eval();
    if (m_->reg_err_o) {   // refused: no clock edge, nothing changes
        idle_core_inputs(*m_);
        eval();
        return false;
    }
    tick();
    return true;
}

Translation AdapterRtl::translate(unsigned slot, uint32_t offset, uint32_t len, bool write) {
    m_->xl_slot_i = slot & kSlotMask;
    m_->xl_off_i = offset & kOffsetMask;
    m_->xl_len_i = len & kLenMask;
    m_->xl_write_i = write;
    eval();
    return {m_->xl_err_o, m_->xl_node_o, m_->xl_segid_o};
}

ExportMatch AdapterRtl::query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write,
                                     bool probe) {
    m_->ex_segid_i = segid;
    m_->ex_src_i = src;
    m_->ex_off_i = offset;
    m_->ex_len_i = len & 0x1FFFFFFFFull;
    m_->ex_write_i = write;
    m_->ex_probe_i = probe;
    m_->ex_query_i = 1;
    eval();
    const ExportMatch m{{m_->ex_err_o, m_->ex_addr_o, m_->ex_size_o, m_->ex_perm_o}, m_->ex_idx_o};
    m_->ex_query_i = 0;   // the search idles until the next query
    return m;
}

void AdapterRtl::event(RtlEvent ev, uint16_t node, uint8_t err_class) {
    m_->ev_node_i = node;
    switch (ev) {
    case RtlEvent::Issue: m_->ev_issue_i = 1; break;
    case RtlEvent::Ack: m_->ev_ack_i = 1; break;
    case RtlEvent::RemoteError:
        m_->ev_ack_i = 1;
        m_->ev_err_i = 1;
        break;
    case RtlEvent::XlateError: m_->ev_xlate_err_i = 1; break;
    }
    m_->ev_err_class_i = err_class & kClassMask;
    tick();
}

void AdapterRtl::dma_response(uint16_t node, uint8_t entry, uint8_t err_class) {
    m_->dma_resp_valid_i = 1;
    m_->dma_resp_entry_i = entry & 0xF;
    m_->dma_resp_err_i = err_class & kClassMask;
    event(err_class == 0 ? RtlEvent::Ack : RtlEvent::RemoteError, node, err_class);
}

void AdapterRtl::bell_received(uint8_t index, bool no_accumulate) {
    m_->bell_rx_i = 1;
    m_->bell_idx_i = index & kExportMask;
    m_->bell_noacc_i = no_accumulate;
    tick();
}

void AdapterRtl::post_answered(uint8_t err_class) {
    m_->post_resp_i = 1;
    m_->post_result_i = err_class & kClassMask;
    tick();
}

void AdapterRtl::import_bell_received(uint8_t slot, bool no_accumulate) {
    m_->bell_imp_rx_i = 1;
    m_->bell_imp_slot_i = slot & kSlotMask;
    m_->bell_noacc_i = no_accumulate;
    tick();
}

uint64_t AdapterRtl::import_matches(uint16_t node, uint32_t segid, bool any_segment) {
    m_->im_node_i = node;
    m_->im_segid_i = segid;
    m_->im_any_segid_i = any_segment;
    m_->im_query_i = 1;
    eval();
    const uint64_t match = m_->im_match_o;
    m_->im_query_i = 0;
    return match;
}

void AdapterRtl::revoke(uint64_t slots, uint16_t node, uint32_t segid, bool any_segment) {
    m_->revoke_rx_i = 1;
    m_->revoke_mask_i = slots;
    m_->revoke_node_i = node;
    m_->revoke_segid_i = segid;
    m_->revoke_any_i = any_segment;
    tick();
}

void AdapterRtl::importer_added(uint8_t index, uint16_t node, uint8_t perm) {
    m_->imp_add_i = 1;
    m_->imp_idx_i = index & kExportMask;
    m_->imp_node_i = node;
    m_->imp_perm_i = perm & 3;
    tick();
}

void AdapterRtl::route_changed() {
    m_->ev_route_i = 1;
    tick();
}

void AdapterRtl::conn_response(uint8_t result, uint32_t size, uint8_t perm) {
    m_->conn_resp_i = 1;
    m_->conn_result_i = result & kClassMask;
    m_->conn_size_i = size;
    m_->conn_perm_i = perm & 0x3;
    tick();
}

bool AdapterRtl::take_conn_request(uint16_t& node, uint32_t& segid) {
    if (!conn_pending_) return false;
    conn_pending_ = false;
    node = m_->conn_node_o;
    segid = m_->conn_segid_o;
    return true;
}

bool AdapterRtl::irq() const { return m_->irq_o; }

void AdapterRtl::trace(Waves& w, const std::string& p, unsigned node) {
    probes_.before_sampling([this] {
        if (!unsettled_) return;
        m_->eval();
        unsettled_ = false;
    });
    // The request strobes last less than a time step, so the trace (the
    // last value of each step) shows the address/data they leave behind.
    // Of these, reg_rdata and ex_err follow an idled input at once: a probe
    // of another such output needs tick()'s `shown` to name its input too.
    auto& t = probes_;
    const Block R = Block::Rtl, D = Block::Dma;
    t.add(&w, m_->reg_addr_i, p, "reg_addr", 12, node, R, &register_names());
    t.add(&w, m_->reg_wdata_i, p, "reg_wdata", 32, node, R);
    t.add(&w, m_->reg_rdata_o, p, "reg_rdata", 32, node, R);
    t.add(&w, m_->xl_slot_i, p, "xl_slot", 6, node, R);
    t.add(&w, m_->xl_err_o, p, "xl_err", 4, node, R, &map_enum_names("ERR_CLASS"));
    t.add(&w, m_->ex_segid_i, p, "ex_segid", 32, node, R);
    t.add(&w, m_->ex_err_o, p, "ex_err", 4, node, R, &map_enum_names("ERR_CLASS"));
    t.add(&w, m_->irq_o, p, "irq", 1, node, R);
    auto* csr = m_->adapter_core->csr;
    t.add(&w, csr->ctrl_enable, p + ".csr", "ctrl_enable", 1, node, R);
    t.add(&w, csr->intr_state, p + ".csr", "intr_state", 6, node, R);
    t.add(&w, csr->intr_enable, p + ".csr", "intr_enable", 6, node, R);
    t.add(&w, csr->txn_issued, p + ".csr", "txn_issued", 32, node, R);
    t.add(&w, csr->txn_acked, p + ".csr", "txn_acked", 32, node, R);
    t.add(&w, csr->err_count, p + ".csr", "err_count", 32, node, R);
    t.add(&w, csr->conn_busy, p + ".csr", "conn_busy", 1, node, R);
    auto* dma = m_->adapter_core->dma;
    t.add(&w, dma->busy, p + ".dma", "busy", 1, node, D);
    t.add(&w, dma->state, p + ".dma", "state", 3, node, D, &map_enum_names("DMA_STATE"));
    t.add(&w, dma->cur, p + ".dma", "entry", 4, node, D);
    t.add(&w, dma->total_out, p + ".dma", "in_flight", Vadapter_core_dma_engine::CW, node, D);   // the RTL says how wide
    t.add(&w, dma->completed, p + ".dma", "completed", 5, node, D);
    t.add(&w, m_->adapter_core->bar->route_gen, p + ".bar", "route_gen", 32, node, R);
    t.add(&w, m_->adapter_core->sig->dropped, p + ".sig", "dropped", 32, node, R);
}

}  // namespace rsmsim::model
