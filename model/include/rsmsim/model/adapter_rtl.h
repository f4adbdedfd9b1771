// AdapterRtl: the verilated control core (rtl/src/adapter_core.v) behind
// the AdapterCore interface. The block is clocked only when something happens (a
// register write, a datapath event), so an idle adapter costs nothing.
#pragma once

#include "rsmsim/model/adapter_core.h"
#include "rsmsim/model/waves.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class Vadapter_core;
class VerilatedContext;

namespace rsmsim::model {

class AdapterRtl final : public AdapterCore {
public:
    AdapterRtl(uint16_t node_id, bool link_up);
    ~AdapterRtl() override;
    AdapterRtl(const AdapterRtl&) = delete;
    AdapterRtl& operator=(const AdapterRtl&) = delete;

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
    void eval();   // evaluates the core (and samples what is traced)
    // The inputs went idle (a strobe dropped, the clock fell). Nothing the
    // model reads of the core changes with them (it reads registers between
    // accesses), so only a waveform needs the core evaluated with them: at
    // the end of the delta cycle, unless an evaluation comes first. Of the
    // traced signals only reg_rdata and ex_err follow an idled input at once
    // (the register strobe, the export query): with `shown` false neither
    // was high, the values traced stand, and no evaluation is needed.
    void inputs_idled(bool shown = true);
    void tick();   // one rising clock edge

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vadapter_core> m_;
    uint64_t cycles_ = 0;
    Probes probes_;
    bool unsettled_ = false;   // inputs_idled() since the last evaluation
    bool conn_pending_ = false;
    std::vector<DmaPacket> dma_out_;
    std::vector<BellRequest> bells_out_;
};

}  // namespace rsmsim::model
