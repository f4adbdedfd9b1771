// Fabric: the interconnect joining the nodes' adapters. Timing is computed
// per packet (serialisation on the sender's link and on the receiver's link,
// plus per-hop latency), with one delivery event per packet; idle links cost
// nothing. Delivery is in order per source -> target.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <queue>
#include <vector>

#include "rsmsim/model/packet.h"
#include "rsmsim/model/timing.h"

namespace rsmsim::model {

class Waves;

class FabricPort {
public:
    virtual ~FabricPort() = default;
    virtual uint16_t fabric_node_id() const = 0;
    // Called at the packet's arrival time; must not block.
    virtual void receive(const Packet& p) = 0;
};

class Fabric : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Fabric);
    Fabric(sc_core::sc_module_name name, const TimingProfile& timing);

    void attach(FabricPort& port);
    // Sends p, leaving the sender `delay` after the current time. A packet to
    // an unknown node is answered by the fabric with ERR_CLASS UNREACHABLE.
    void send(Packet p, sc_core::sc_time delay);
    // Node slots (id / 4 - 1) of every attached node.
    uint64_t peer_mask() const;
    // Hops between two nodes in the topology (0 = same node).
    unsigned hops(uint16_t src, uint16_t dst) const;

    uint64_t packets_delivered() const { return delivered_; }
    uint64_t bytes_on_wire() const { return wire_bytes_; }
    void trace(Waves& w);

private:
    struct InFlight {
        sc_core::sc_time at;
        uint64_t seq;   // tie-break: equal arrival times deliver in send order
        Packet packet;
        bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    void deliver();

    const TimingProfile& timing_;
    std::map<uint16_t, FabricPort*> ports_;
    std::map<uint16_t, sc_core::sc_time> tx_free_;   // sender link busy until
    std::map<uint16_t, sc_core::sc_time> rx_free_;   // receiver link busy until
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> in_flight_;
    sc_core::sc_event wake_;
    uint64_t seq_ = 0;
    uint64_t delivered_ = 0;
    uint64_t wire_bytes_ = 0;

    // Waveform view of the last delivered packet.
    struct TraceView {
        uint32_t seq = 0, segid = 0, len = 0, txn = 0;
        uint64_t offset = 0;
        uint16_t src = 0, dst = 0;
        uint8_t cmd = 0, err = 0;
    } tv_;
};

}  // namespace rsmsim::model
