#include "rsmsim/model/fabric.h"

#include <algorithm>

#include "adapter_regs.h"
#include "rsmsim/model/waves.h"

namespace rsmsim::model {

using sc_core::sc_time;
using sc_core::SC_NS;

Fabric::Fabric(sc_core::sc_module_name name, const TimingProfile& timing)
    : sc_module(name), timing_(timing) {
    SC_METHOD(deliver);
    sensitive << wake_;
    dont_initialize();
}

void Fabric::attach(FabricPort& port) { ports_[port.fabric_node_id()] = &port; }

uint64_t Fabric::peer_mask() const {
    uint64_t m = 0;
    for (const auto& [id, port] : ports_)
        if (id % 4 == 0 && id >= 4 && id <= 256) m |= uint64_t{1} << (id / 4 - 1);
    return m;
}

unsigned Fabric::hops(uint16_t src, uint16_t dst) const {
    if (src == dst) return 0;
    return ports_.size() <= 2 ? 1 : 2;   // two nodes: one cable; more: through a central switch
}

void Fabric::send(Packet p, sc_time delay) {
    const sc_time now = sc_core::sc_time_stamp();
    const sc_time depart = now + delay;
    sc_time arrive;
    if (!ports_.count(p.dst)) {
        // No such node: the fabric answers for it, as SCI's scrubber would.
        if (is_response(p.cmd)) return;   // a response to a vanished node is dropped
        Packet r = p.response(response_to(p.cmd), static_cast<uint8_t>(rsm::regs::ErrClass::UNREACHABLE));
        arrive = depart + sc_time(2 * timing_.hop_ns, SC_NS);
        p = std::move(r);
    } else {
        const unsigned h = hops(p.src, p.dst);
        // The receiving adapter's ingress decode is part of delivery, so the
        // packet is acted on at `arrive`.
        const sc_time ingress(timing_.adapter_ns, SC_NS);
        if (h == 0) {
            arrive = depart + ingress;   // loopback inside the adapter
        } else {
            // Serialise on the sender's link, cross h hops, serialise on the
            // receiver's link; both links are shared by every flow using them.
            const sc_time wire(transfer_ns(p.wire_bytes(), timing_.link_MBps), SC_NS);
            sc_time& tx = tx_free_[p.src];
            const sc_time tx_start = std::max(depart, tx);
            tx = tx_start + wire;
            sc_time& rx = rx_free_[p.dst];
            const sc_time rx_start = std::max(tx_start + sc_time(h * timing_.hop_ns, SC_NS), rx);
            rx = rx_start + wire;   // cut-through: the tail arrives one wire time after the head
            arrive = rx + ingress;
            wire_bytes_ += p.wire_bytes();
        }
    }
    const sc_time wake_in = arrive - now;
    in_flight_.push(InFlight{arrive, seq_++, std::move(p)});
    wake_.notify(wake_in);   // an earlier notification wins over a later pending one
}

void Fabric::deliver() {
    const sc_time now = sc_core::sc_time_stamp();
    while (!in_flight_.empty() && in_flight_.top().at <= now) {
        // Copy out before popping: receive() may send (and push) new packets.
        InFlight f = in_flight_.top();
        in_flight_.pop();
        const Packet& p = f.packet;
        tv_ = TraceView{static_cast<uint32_t>(++delivered_), p.segid, p.len, p.txn, p.offset,
                        p.src, p.dst, static_cast<uint8_t>(p.cmd), p.err};
        auto it = ports_.find(p.dst);
        if (it != ports_.end()) it->second->receive(p);
    }
    if (!in_flight_.empty()) wake_.notify(in_flight_.top().at - now);
}

void Fabric::trace(Waves& w) {
    const std::string p = name();
    w.trace(tv_.seq, p + ".pkt.seq", 32);
    w.trace(tv_.cmd, p + ".pkt.cmd", 4);
    w.trace(tv_.src, p + ".pkt.src", 16);
    w.trace(tv_.dst, p + ".pkt.dst", 16);
    w.trace(tv_.txn, p + ".pkt.txn", 32);
    w.trace(tv_.segid, p + ".pkt.segid", 32);
    w.trace(tv_.offset, p + ".pkt.offset", 64);
    w.trace(tv_.len, p + ".pkt.len", 32);
    w.trace(tv_.err, p + ".pkt.err", 4);
}

}  // namespace rsmsim::model
