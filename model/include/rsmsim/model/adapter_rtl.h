// AdapterRtl: the verilated control core (rtl/src/adapter_core.v) behind a
// small C++ interface. The block is clocked only when something happens (a
// register write, a datapath event), so an idle adapter costs nothing.
#pragma once

#include "rsmsim/model/waves.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class Vadapter_core;
class VerilatedContext;

namespace rsmsim::model {


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
};

// A signal post the core asks the datapath to send.
struct BellRequest {
    uint16_t node;
    uint32_t segid;
    bool no_accumulate;
    bool to_importer;   // an export-side post: the receiver matches its import entries
    bool revoke;        // ... and revokes them (the exporter unpublished the segment)
};

class AdapterRtl {
public:
    AdapterRtl(uint16_t node_id, bool link_up);
    ~AdapterRtl();
    AdapterRtl(const AdapterRtl&) = delete;
    AdapterRtl& operator=(const AdapterRtl&) = delete;

    void reset();
    // The node slots the fabric reaches (the link layer's view; an input pin).
    void set_peers(uint64_t mask);

    // Register access (offset inside the register space). False = bus error;
    // a refused write changes nothing. Writes take one clock.
    bool reg_read(uint32_t offset, uint32_t& value);
    bool reg_write(uint32_t offset, uint32_t value);

    // Combinational lookups: no clock, no state change.
    Translation translate(unsigned slot, uint32_t offset, uint32_t len, bool write);
    ExportCheck check_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len,
                             bool write, bool probe);
    ExportMatch probe_export(uint32_t segid, uint16_t src);
    // The export entry a BELL from importer `src` signals, if it may.
    ExportMatch bell_export(uint32_t segid, uint16_t src);
    // The answer to this node's latest import-side BELL arrived (one clock).
    void post_answered(uint8_t err_class);

    // Datapath events feeding the counters and interrupt causes (one clock).
    // `node` is the remote node the request went to / the response came from.
    void event(RtlEvent ev, uint16_t node, uint8_t err_class = 0);
    // A response to a DMA packet: counters and the DMA engine in one clock.
    void dma_response(uint16_t node, uint8_t entry, uint8_t err_class);
    // A BELL arrived for export entry `index` (one clock).
    void bell_received(uint8_t index, bool no_accumulate);
    // A BELL from an exporter arrived for import entry `slot` (one clock).
    void import_bell_received(uint8_t slot, bool no_accumulate);
    // Import entries that import <node, segid>, or every segment of `node`
    // with any_segment (combinational).
    uint64_t import_matches(uint16_t node, uint32_t segid, bool any_segment = false);
    // Node `node` revoked segment `segid` (any_segment: all of them, it was
    // lost): these import entries, and a lookup of it in progress (one clock).
    void revoke(uint64_t slots, uint16_t node, uint32_t segid, bool any_segment);
    // Node `node` looked export entry `index` up and was granted `perm` (one clock).
    void importer_added(uint8_t index, uint16_t node, uint8_t perm);
    // The fabric rerouted: ROUTE_GEN moves (one clock).
    void route_changed();
    // Clocks the core while it can make progress on its own (a DMA chain not
    // waiting for answers, a signal post to resolve, a cause to latch).
    void run();
    // A segment-lookup answer (one clock).
    void conn_response(uint8_t result, uint32_t size, uint8_t perm);

    // Requests the core made that the datapath has not sent yet.
    bool take_conn_request(uint16_t& node, uint32_t& segid);
    std::vector<DmaPacket> take_dma_packets();
    std::vector<BellRequest> take_bells();

    bool irq() const;
    uint64_t cycles() const { return cycles_; }

    // Ports and selected internals into the run's waveform under `prefix`,
    // as node `node`'s; they are sampled after every evaluation.
    void trace(Waves& w, const std::string& prefix, unsigned node);

private:
    void eval();   // evaluates the core (and samples what is traced)
    void tick();   // one rising clock edge
    ExportMatch query_export(uint32_t segid, uint16_t src, uint32_t offset, uint64_t len, bool write, bool probe);

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vadapter_core> m_;
    uint64_t cycles_ = 0;
    Probes probes_;
    bool conn_pending_ = false;
    std::vector<DmaPacket> dma_out_;
    std::vector<BellRequest> bells_out_;
};

}  // namespace rsmsim::model
