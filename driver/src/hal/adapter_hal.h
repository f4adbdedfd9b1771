// AdapterHal: the adapter's operations expressed as register sequences.
// The only layer that knows register offsets (from the generated header).
#pragma once

#include <cstddef>
#include <cstdint>

#include "rsm/bus.h"

namespace rsm::hal {

// Outcome of a hardware operation, mirroring the adapter's ERR_CLASS plus
// the failures only the driver can see.
enum class HwStatus {
    Ok,
    NoEntry,      // no such import entry / no published export with that id
    NotToNode,    // exporter's access list does not list this node
    Rights,
    Bounds,
    Unreachable,
    HostBus,
    BadDescriptor,   // DMA chain or descriptor refused
    Crc,             // corrupted on the fabric beyond the link layer's retries
    BusFault,     // a register access itself was refused
    Timeout,      // the adapter did not answer in time
};

struct AclRight {
    uint32_t node;
    bool read;
    bool write;
};

struct LookupResult {
    HwStatus status;
    uint32_t size;
    bool read;
    bool write;
};

// What a barrier compares between open and close, for one remote node.
struct BarrierSnapshot {
    uint32_t errors;
    uint32_t route;
};

// One scatter-gather entry for the DMA engine.
struct DmaEntry {
    bool write;          // put: local -> remote
    uint64_t local;      // host bus address
    uint32_t remote;     // offset in the imported segment
    uint32_t len;
    unsigned slot;       // import entry
    bool barrier;        // complete before the next entry starts
};

struct DmaResult {
    HwStatus status;     // Ok, or the class that stopped the chain
    unsigned completed;  // leading entries that completed
};

class AdapterHal {
public:
    explicit AdapterHal(hw::Bus& bus) : bus_(bus) {}

    // Identifies the adapter and enables it. False if the ID or version is wrong.
    [[nodiscard]] bool attach();
    // Identifies the adapter without changing it: its node id.
    [[nodiscard]] bool identify(uint32_t& node);
    uint32_t node_id() const { return node_id_; }

    // Export table. write_export installs the access list first and sets VALID
    // last, so a half-written entry is never matched by an incoming request.
    [[nodiscard]] HwStatus write_export(unsigned index, uint32_t segid, uint64_t bus_addr,
                                        uint32_t size, const AclRight* acl, size_t acl_len,
                                        bool is_public, bool pub_read, bool pub_write);
    [[nodiscard]] HwStatus clear_export(unsigned index);
    // Replaces the access list of published entry `index`; rights already
    // granted to importers stay (republish governs new connections only).
    [[nodiscard]] HwStatus rewrite_acl(unsigned index, const AclRight* acl, size_t acl_len, bool is_public,
                                       bool pub_read, bool pub_write);
    // Points entry `index` at new host memory; id, size, rights and access
    // list stay as they are (one table write: no window without the entry).
    [[nodiscard]] HwStatus rebind_export(unsigned index, uint64_t bus_addr);

    // Importers recorded for export entry `index` (node slots).
    [[nodiscard]] bool export_importers(unsigned index, uint64_t& slots);
    // Waits until the REVOKE BELLs of a cleared entry have all been sent.
    [[nodiscard]] HwStatus wait_revoked_sent(uint64_t timeout_ns);
    // Import entries the exporters revoked.
    [[nodiscard]] bool revoked(uint64_t& slots);

    // Node slots (id / 4 - 1) the fabric reaches.
    [[nodiscard]] bool peers(uint64_t& mask);

    // Sends a LOOKUP for <node, segid> and waits (timeout_ns) for the answer.
    [[nodiscard]] LookupResult lookup(uint32_t node, uint32_t segid, uint64_t timeout_ns);

    // Whether the target of the last lookup revoked it since (CONN_STATUS.REVOKED).
    [[nodiscard]] bool lookup_revoked(bool& revoked);

    // Import translation table.
    [[nodiscard]] HwStatus write_import(unsigned index, uint32_t node, uint32_t segid,
                                        uint32_t size, bool read, bool write);
    [[nodiscard]] HwStatus clear_import(unsigned index);

    // Programmed I/O through window slot `index`.
    // `posted`: the write may be queued; a refusal then fails the caller's
    // next access (its barrier's flush), which it must make at once.
    [[nodiscard]] bool window_write(unsigned index, uint64_t offset, const void* src, size_t len,
                                    bool posted = false);
    [[nodiscard]] bool window_read(unsigned index, uint64_t offset, void* dst, size_t len);

    // Per-remote-node barrier counters. `deferred`: `out` is needed only
    // after the caller's next access that answers, and must live until then
    // (Bus::read32_each_deferred; a put's own barrier, closed at once).
    [[nodiscard]] bool bar_snapshot(uint32_t node, BarrierSnapshot& out, bool deferred = false);
    // Waits until every request to `node` has been answered.
    [[nodiscard]] HwStatus bar_flush(uint32_t node, uint64_t timeout_ns);
    // Both: the flush, then the snapshot (one request where the device is far away).
    [[nodiscard]] HwStatus bar_flush_snapshot(uint32_t node, uint64_t timeout_ns, BarrierSnapshot& out);


    // Signal posts: to the exporter behind import entry `slot`, or to every
    // importer of export entry `index`.
    [[nodiscard]] bool signal_import_side(unsigned slot, bool no_accumulate);
    [[nodiscard]] bool signal_export_side(unsigned index, bool no_accumulate);
    // Waits for the answer to the latest import-side post (its own, not any
    // other request's to that node): Ok, a refusal class, or Timeout.
    [[nodiscard]] HwStatus wait_post_answer(uint64_t timeout_ns);
    // Takes one pending event of an export entry (or, with `import`, of an
    // import entry). `taken` says whether one was pending.
    [[nodiscard]] bool signal_take(bool import, unsigned index, bool& taken);
    // signal_take once an event is pending (kNoTimeout: no limit), sleeping
    // on the SIGNAL interrupt meanwhile (whichever waiter wakes acknowledges
    // it). Ok, Timeout or BusFault.
    [[nodiscard]] HwStatus signal_take_waiting(bool import, unsigned index, uint64_t timeout_ns);
    // Which export entries and which import entries have events pending.
    [[nodiscard]] bool signal_pending(uint32_t& exports, uint64_t& imports);
    // For a waiter that looks at the pending events itself: read
    // signal_epoch() before looking, then sleep_until_signal(epoch, ...)
    // (see Bus::wait_irq_acking). False: the time passed.
    [[nodiscard]] uint64_t signal_epoch() { return bus_.ack_epoch(); }
    bool sleep_until_signal(uint64_t epoch, uint64_t timeout_ns);

    // Runs a DMA chain (1..16 entries) and waits for it to end.
    [[nodiscard]] DmaResult dma_run(const DmaEntry* entries, unsigned count, bool sigpost,
                                    bool no_accumulate, uint64_t timeout_ns);

    hw::Bus& bus() { return bus_; }

private:
    [[nodiscard]] bool wr(uint32_t reg, uint32_t value) { return bus_.write32(reg, value); }
    [[nodiscard]] bool rd(uint32_t reg, uint32_t& value) { return bus_.read32(reg, value); }

    [[nodiscard]] bool select_node(uint32_t node);
    // Waits until (reg & mask) is non-zero (`set`) or zero (!`set`), or
    // timeout_ns passes (Timeout). Interrupt: sleep on the interrupt line
    // between looks; Poll: look again at once (a register read takes time).
    // `last` receives the register's last value.
    enum class Wake { Interrupt, Poll };
    [[nodiscard]] HwStatus wait_until(uint32_t reg, uint32_t mask, bool set, uint64_t timeout_ns, Wake wake,
                                      uint32_t* last = nullptr);
    static HwStatus status_of(hw::Bus::WaitResult r);
    [[nodiscard]] bool set_acl(const AclRight* acl, size_t acl_len);

    hw::Bus& bus_;
    uint32_t node_id_ = 0;
    uint32_t bar_selected_ = ~0u;   // BAR_NODE as last written (this HAL is its only writer)
};

HwStatus from_err_class(uint32_t err_class);

}  // namespace rsm::hal
