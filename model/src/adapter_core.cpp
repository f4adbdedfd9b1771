// The fidelity choice, what both core models share, and the lockstep checker.
#include "rsmsim/model/adapter_core.h"

#include "rsmsim/model/adapter_fast.h"
#include "rsmsim/model/adapter_rtl.h"
#include "rsmsim/model/register_table.h"
#include "rsmsim/model/sim_time.h"

#include <systemc>

#include <cinttypes>
#include <cstdio>

#include "adapter_regs.h"

namespace rsmsim::model {

const char* fidelity_name(Fidelity f) {
    switch (f) {
    case Fidelity::Rtl: return "rtl";
    case Fidelity::Cycle: return "cycle";
    case Fidelity::Fast: return "fast";
    case Fidelity::Lockstep: return "lockstep";
    }
    return "?";
}

bool parse_fidelity(const std::string& s, Fidelity& f) {
    for (Fidelity c : {Fidelity::Rtl, Fidelity::Cycle, Fidelity::Fast, Fidelity::Lockstep})
        if (s == fidelity_name(c)) {
            f = c;
            return true;
        }
    return false;
}

ExportMatch AdapterCore::bell_export(uint32_t segid, uint16_t src) {
    // Checked like a data request, so an importer's connection keeps what its
    // lookup granted whatever a republish did to the list; a signal needs
    // neither right, only the connection (or a place in the list).
    ExportMatch m = query_export(segid, src, 0, 0, false, false);
    if (m.check.err == static_cast<uint8_t>(rsm::regs::ErrClass::RIGHTS)) m.check.err = 0;
    return m;
}

void AdapterCore::issued(uint16_t node, uint32_t packets) {
    for (uint32_t i = 0; i < packets; ++i) event(RtlEvent::Issue, node);
}

void AdapterCore::answered(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed) {
    for (uint32_t i = 0; i < packets; ++i)
        event(i + failed < packets ? RtlEvent::Ack : RtlEvent::RemoteError, node, i + failed < packets ? 0 : err_class);
}

void AdapterCore::dma_train_response(uint16_t node, uint8_t entry, uint8_t err_class, uint32_t packets,
                                     uint32_t failed) {
    for (uint32_t i = 0; i < packets; ++i) dma_response(node, entry, i + failed < packets ? 0 : err_class);
}

namespace {

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

std::string describe(const DmaPacket& p) {
    return std::string(p.write ? "put" : "get") + " entry " + std::to_string(p.entry) + " local " + hex(p.local) +
           " node " + std::to_string(p.node) + " segid " + hex(p.segid) + " offset " + hex(p.remote) + " len " +
           std::to_string(p.len) + " cycle " + std::to_string(p.cycle);
}
std::string describe(const BellRequest& b) {
    return "bell node " + std::to_string(b.node) + " segid " + hex(b.segid) + (b.no_accumulate ? " no-accumulate" : "") +
           (b.to_importer ? " to-importer" : "") + (b.revoke ? " revoke" : "");
}
template <typename T>
std::string describe(const std::vector<T>& v) {
    std::string s = std::to_string(v.size()) + " [";
    for (size_t i = 0; i < v.size() && i < 4; ++i) s += (i ? "; " : "") + describe(v[i]);
    return s + (v.size() > 4 ? "; ...]" : "]");
}
bool same(const DmaPacket& a, const DmaPacket& b) {
    return a.write == b.write && a.entry == b.entry && a.local == b.local && a.node == b.node && a.segid == b.segid &&
           a.remote == b.remote && a.len == b.len && a.cycle == b.cycle && a.packets == b.packets;
}
bool same(const BellRequest& a, const BellRequest& b) {
    return a.node == b.node && a.segid == b.segid && a.no_accumulate == b.no_accumulate &&
           a.to_importer == b.to_importer && a.revoke == b.revoke;
}
template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}
std::string describe(const ExportMatch& m) {
    return "err " + std::to_string(m.check.err) + " addr " + hex(m.check.addr) + " size " + hex(m.check.size) +
           " perm " + std::to_string(m.check.perm) + " index " + std::to_string(m.index);
}

// The RTL and the C++ core on the same calls. The RTL's answers drive the
// datapath (it is the reference); the C++ core's are compared with them,
// and after every clock edge the whole register file, the interrupt line
// and the cycle count too. The first difference ends the run
// (LockstepMismatch): the models have parted ways.
class AdapterLockstep final : public AdapterCore {
public:
    AdapterLockstep(uint16_t node_id, bool link_up)
        : node_(node_id), rtl_(node_id, link_up), fast_(node_id, link_up, false) {}

    void reset() override {
        rtl_.reset();
        fast_.reset();
        after_edge("reset");
    }
    void set_peers(uint64_t mask) override {
        rtl_.set_peers(mask);
        fast_.set_peers(mask);
    }
    bool reg_read(uint32_t offset, uint32_t& value) override {
        uint32_t v = 0;
        const bool ok = rtl_.reg_read(offset, value), fast_ok = fast_.reg_read(offset, v);
        expect(ok == fast_ok && value == v, "read of register " + hex(offset),
               (ok ? hex(value) : "bus error"), (fast_ok ? hex(v) : "bus error"));
        return ok;
    }
    bool reg_write(uint32_t offset, uint32_t value) override {
        const bool ok = rtl_.reg_write(offset, value), fast_ok = fast_.reg_write(offset, value);
        const std::string what = "write of " + hex(value) + " to register " + hex(offset);
        expect(ok == fast_ok, what, ok ? "accepted" : "refused", fast_ok ? "accepted" : "refused");
        after_edge(what);
        return ok;
    }
    bool peek_register(uint32_t offset, uint32_t& value) override { return rtl_.peek_register(offset, value); }
    Translation translate(unsigned slot, uint32_t offset, uint32_t len, bool write) override {
        const Translation a = rtl_.translate(slot, offset, len, write), b = fast_.translate(slot, offset, len, write);
        auto text = [](const Translation& t) {
            return "err " + std::to_string(t.err) + " node " + std::to_string(t.node) + " segid " + hex(t.segid);
        };
        expect(a.err == b.err && a.node == b.node && a.segid == b.segid,
               "translation of slot " + std::to_string(slot) + " offset " + hex(offset) + " len " + std::to_string(len),
               text(a), text(b));
        return a;
    }
    ExportMatch query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write,
                             bool probe) override {
        const ExportMatch a = rtl_.query_export(segid, src, offset, len, write, probe);
        const ExportMatch b = fast_.query_export(segid, src, offset, len, write, probe);
        const bool eq = a.check.err == b.check.err && a.check.addr == b.check.addr && a.check.size == b.check.size &&
                        a.check.perm == b.check.perm && a.index == b.index;
        expect(eq, "export check of segid " + hex(segid) + " from node " + std::to_string(src), describe(a), describe(b));
        return a;
    }
    uint64_t import_matches(uint16_t node, uint32_t segid, bool any_segment) override {
        const uint64_t a = rtl_.import_matches(node, segid, any_segment);
        const uint64_t b = fast_.import_matches(node, segid, any_segment);
        expect(a == b, "import entries of node " + std::to_string(node), hex(a), hex(b));
        return a;
    }
    void post_answered(uint8_t e) override { both("post answered", [&](AdapterCore& c) { c.post_answered(e); }); }
    void event(RtlEvent ev, uint16_t n, uint8_t e) override {
        both("datapath event for node " + std::to_string(n), [&](AdapterCore& c) { c.event(ev, n, e); });
    }
    void dma_response(uint16_t n, uint8_t entry, uint8_t e) override {
        both("DMA response for entry " + std::to_string(entry), [&](AdapterCore& c) { c.dma_response(n, entry, e); });
    }
    void bell_received(uint8_t i, bool na) override {
        both("bell for export entry " + std::to_string(i), [&](AdapterCore& c) { c.bell_received(i, na); });
    }
    void import_bell_received(uint8_t s, bool na) override {
        both("bell for import entry " + std::to_string(s), [&](AdapterCore& c) { c.import_bell_received(s, na); });
    }
    void revoke(uint64_t slots, uint16_t n, uint32_t segid, bool any) override {
        both("revocation from node " + std::to_string(n), [&](AdapterCore& c) { c.revoke(slots, n, segid, any); });
    }
    void importer_added(uint8_t i, uint16_t n, uint8_t perm) override {
        both("importer added", [&](AdapterCore& c) { c.importer_added(i, n, perm); });
    }
    void route_changed() override { both("route change", [](AdapterCore& c) { c.route_changed(); }); }
    void conn_response(uint8_t res, uint32_t size, uint8_t perm) override {
        both("lookup answer", [&](AdapterCore& c) { c.conn_response(res, size, perm); });
    }
    void run() override { both("run", [](AdapterCore& c) { c.run(); }); }
    bool take_conn_request(uint16_t& node, uint32_t& segid) override {
        uint16_t n = 0;
        uint32_t s = 0;
        const bool a = rtl_.take_conn_request(node, segid), b = fast_.take_conn_request(n, s);
        auto text = [](bool any, uint16_t nd, uint32_t sg) {
            return any ? "node " + std::to_string(nd) + " segid " + hex(sg) : std::string("none");
        };
        expect(a == b && (!a || (node == n && segid == s)), "lookup request", text(a, node, segid), text(b, n, s));
        return a;
    }
    void take_dma_packets(std::vector<DmaPacket>& out) override {
        rtl_.take_dma_packets(out);
        fast_.take_dma_packets(fast_packets_);
        expect(same(out, fast_packets_), "DMA packets issued", describe(out), describe(fast_packets_));
    }
    void take_bells(std::vector<BellRequest>& out) override {
        rtl_.take_bells(out);
        fast_.take_bells(fast_bells_);
        expect(same(out, fast_bells_), "bells sent", describe(out), describe(fast_bells_));
    }
    bool irq() const override { return rtl_.irq(); }
    uint64_t cycles() const override { return rtl_.cycles(); }
    void trace(Waves& w, const std::string& prefix, unsigned node) override { rtl_.trace(w, prefix, node); }

private:
    template <typename Fn>
    void both(const std::string& what, Fn&& fn) {
        fn(static_cast<AdapterCore&>(rtl_));
        fn(static_cast<AdapterCore&>(fast_));
        after_edge(what);
    }

    void expect(bool equal, const std::string& what, const std::string& rtl, const std::string& fast) const {
        if (equal) return;
        throw LockstepMismatch("lockstep: node " + std::to_string(node_) + " at " +
                               sim_now().to_string() + ", " + what + ": the RTL gave " + rtl +
                               ", the C++ core " + fast);
    }

    // The architectural state both must agree on after an edge.
    void after_edge(const std::string& what) {
        expect(rtl_.irq() == fast_.irq(), what + " (interrupt line)", std::to_string(rtl_.irq()),
               std::to_string(fast_.irq()));
        expect(rtl_.cycles() == fast_.cycles(), what + " (clock cycles)", std::to_string(rtl_.cycles()),
               std::to_string(fast_.cycles()));
        for (const RegInfo& reg : register_table()) {
            uint32_t a = 0, b = 0;
            rtl_.peek_register(reg.offset, a);
            fast_.peek_register(reg.offset, b);
            expect(a == b, what + " (register " + reg.name + ")", hex(a), hex(b));
        }
    }

    uint16_t node_;
    AdapterRtl rtl_;
    AdapterFast fast_;
    std::vector<DmaPacket> fast_packets_;
    std::vector<BellRequest> fast_bells_;
};

}  // namespace

std::unique_ptr<AdapterCore> make_adapter_core(Fidelity f, uint16_t node_id, bool link_up) {
    switch (f) {
    case Fidelity::Cycle: return std::make_unique<AdapterFast>(node_id, link_up, false);
    case Fidelity::Fast: return std::make_unique<AdapterFast>(node_id, link_up, true);
    case Fidelity::Lockstep: return std::make_unique<AdapterLockstep>(node_id, link_up);
    case Fidelity::Rtl: break;
    }
    return std::make_unique<AdapterRtl>(node_id, link_up);
}

}  // namespace rsmsim::model
