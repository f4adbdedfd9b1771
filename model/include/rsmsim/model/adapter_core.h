// AdapterCore: the adapter's control core (register file, import and export
// tables, barrier counters, signal unit, DMA engine) as the packet datapath
// sees it. Two models implement it, chosen per node (Fidelity):
//  - AdapterRtl: the verilated RTL (rtl/src/adapter_core.v), clocked only
//    when something happens;
//  - AdapterFast: the same architecture written in C++ (adapter_fast.cpp),
//    cycle for cycle the same registers, packets, bells and interrupt, with
//    no Verilator evaluation (the cycle fidelity); with whole_entries, its
//    DMA engine issues each entry as one train (the fast fidelity: the
//    datapath and the fabric carry trains, model/packet.h);
// and AdapterLockstep runs the first two on the same traffic and stops at
// the first difference. The driver cannot tell them apart except by speed.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace rsmsim::model {

class Waves;

struct Translation {
    uint8_t err;       // ERR_CLASS
    uint16_t node;
    uint32_t segid;
};

struct ExportCheck {
    uint8_t err;       // ERR_CLASS
    uint64_t addr;     // host bus address of the first byte
    uint32_t size;     // segment size
    uint8_t perm;      // {WRITE, READ} granted to the requester
};

struct ExportMatch {
    ExportCheck check;
    uint8_t index;     // export entry that matched (valid when check.err is OK)
};

enum class RtlEvent { Issue, Ack, RemoteError, XlateError };

// A packet the DMA engine asks the datapath to carry.
struct DmaPacket {
    bool write;        // put: host -> remote
    uint8_t entry;     // descriptor index, echoed in the response
    uint64_t local;    // host bus address
    uint16_t node;
    uint32_t segid;
    uint32_t remote;   // offset in the remote segment
    uint32_t len;
    uint64_t cycle;    // core cycle it was issued in (for timing)
    uint32_t packets = 1;   // > 1: a train, the whole rest of the entry (fast fidelity)
};

// A signal post the core asks the datapath to send.
struct BellRequest {
    uint16_t node;
    uint32_t segid;
    bool no_accumulate;
    bool to_importer;   // an export-side post: the receiver matches its import entries
    bool revoke;        // ... and revokes them (the exporter unpublished the segment)
};

// Which model runs a node's core: the verilated RTL; the C++ core, cycle for
// cycle; the C++ core with whole DMA entries as trains (loosely timed); both
// of the first two side by side, compared.
enum class Fidelity { Rtl, Cycle, Fast, Lockstep };
const char* fidelity_name(Fidelity f);
// "rtl", "cycle", "fast" or "lockstep"; false for anything else.
bool parse_fidelity(const std::string& s, Fidelity& f);

// Thrown by the lockstep checker at the first difference between the two
// models: what was called, when, and what each answered. It ends the run.
struct LockstepMismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class AdapterCore {
public:
    virtual ~AdapterCore() = default;

    virtual void reset() = 0;
    // The node slots the fabric reaches (the link layer's view; an input pin).
    virtual void set_peers(uint64_t mask) = 0;

    // Register access (offset inside the register space). False = bus error;
    // a refused write changes nothing. Writes take one clock.
    virtual bool reg_read(uint32_t offset, uint32_t& value) = 0;
    virtual bool reg_write(uint32_t offset, uint32_t value) = 0;
    // A register's value with nothing else touched: no pin moves, nothing
    // shows in the waveform (for the lockstep checker).
    virtual bool peek_register(uint32_t offset, uint32_t& value) = 0;

    // Combinational lookups: no clock, no state change.
    virtual Translation translate(unsigned slot, uint32_t offset, uint32_t len, bool write) = 0;
    // The export check of an incoming request (probe: a LOOKUP, existence
    // and access list only).
    virtual ExportMatch query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write,
                                     bool probe) = 0;
    ExportCheck check_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write, bool probe) {
        return query_export(segid, src, offset, len, write, probe).check;
    }
    ExportMatch probe_export(uint32_t segid, uint16_t src) { return query_export(segid, src, 0, 0, false, true); }
    // The export entry a BELL from importer `src` signals, if it may.
    ExportMatch bell_export(uint32_t segid, uint16_t src);
    // Import entries that import <node, segid>, or every segment of `node`
    // with any_segment.
    virtual uint64_t import_matches(uint16_t node, uint32_t segid, bool any_segment = false) = 0;

    // The answer to this node's latest import-side BELL arrived (one clock).
    virtual void post_answered(uint8_t err_class) = 0;
    // Datapath events feeding the counters and interrupt causes (one clock).
    // `node` is the remote node the request went to / the response came from.
    virtual void event(RtlEvent ev, uint16_t node, uint8_t err_class = 0) = 0;
    // A response to a DMA packet: counters and the DMA engine in one clock.
    virtual void dma_response(uint16_t node, uint8_t entry, uint8_t err_class) = 0;
    // The fast fidelity's trains (model/packet.h): `packets` requests issued
    // to `node` at once, and the answers to a train of `packets`, the last
    // `failed` of them with `err_class`. By default one event per packet;
    // the C++ core counts them in one clock.
    virtual void issued(uint16_t node, uint32_t packets);
    virtual void answered(uint16_t node, uint8_t err_class, uint32_t packets, uint32_t failed);
    virtual void dma_train_response(uint16_t node, uint8_t entry, uint8_t err_class, uint32_t packets,
                                    uint32_t failed);
    // A BELL arrived for export entry `index` (one clock).
    virtual void bell_received(uint8_t index, bool no_accumulate) = 0;
    // A BELL from an exporter arrived for import entry `slot` (one clock).
    virtual void import_bell_received(uint8_t slot, bool no_accumulate) = 0;
    // Node `node` revoked segment `segid` (any_segment: all of them, it was
    // lost): these import entries, and a lookup of it in progress (one clock).
    virtual void revoke(uint64_t slots, uint16_t node, uint32_t segid, bool any_segment) = 0;
    // Node `node` looked export entry `index` up and was granted `perm` (one clock).
    virtual void importer_added(uint8_t index, uint16_t node, uint8_t perm) = 0;
    // The fabric rerouted: ROUTE_GEN moves (one clock).
    virtual void route_changed() = 0;
    // A segment-lookup answer (one clock).
    virtual void conn_response(uint8_t result, uint32_t size, uint8_t perm) = 0;
    // Clocks the core while it can make progress on its own (a DMA chain not
    // waiting for answers, a signal post to resolve, a cause to latch).
    virtual void run() = 0;

    // Requests the core made that the datapath has not sent yet. The lists
    // replace `out`'s contents (its buffer is reused: no allocation per packet).
    virtual bool take_conn_request(uint16_t& node, uint32_t& segid) = 0;
    virtual void take_dma_packets(std::vector<DmaPacket>& out) = 0;
    virtual void take_bells(std::vector<BellRequest>& out) = 0;

    virtual bool irq() const = 0;
    // Clock edges so far (DMA packets' issue cycles count from the same origin).
    virtual uint64_t cycles() const = 0;

    // Ports and selected internals into the run's waveform under `prefix`,
    // as node `node`'s; they are sampled after every change.
    virtual void trace(Waves& w, const std::string& prefix, unsigned node) = 0;
};

std::unique_ptr<AdapterCore> make_adapter_core(Fidelity f, uint16_t node_id, bool link_up);

}  // namespace rsmsim::model
