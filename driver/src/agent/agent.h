// Agent: the per-node resource manager between librsm and the adapter, in the
// role of Solaris' RSM kernel agent: segment ids, adapter table slots, the
// connect protocol, and per-import generation numbers.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>

#include "adapter_regs.h"
#include "hal/adapter_hal.h"

namespace rsm::agent {

struct ImportGrant {
    unsigned slot;      // import translation entry = window slot
    uint32_t size;
    bool read;          // rights the exporter granted this node
    bool write;
};

class Agent {
public:
    // Uses the controller's HAL; the agent keeps no register state of its own.
    explicit Agent(hal::AdapterHal& hal) : hal_(hal) {}

    [[nodiscard]] bool attach() { return hal_.attach(); }
    uint32_t node_id() const { return hal_.node_id(); }

    // Export side. publish() resolves id 0 to a fresh id (written back),
    // rejects an id published already (RSMERR_SEGID_IN_USE) and programs a
    // free export entry. Returns an RSMERR_* code or 0.
    int publish(uint32_t& segid, uint64_t bus_addr, uint32_t size, const hal::AclRight* acl,
                size_t acl_len, bool is_public, bool pub_read, bool pub_write, unsigned& slot_out);
    int unpublish(uint32_t segid, unsigned slot);

    // Import side: LOOKUP over the fabric, then an import entry limited to
    // the requested rights. Returns an RSMERR_* code or 0.
    int connect(uint32_t node, uint32_t segid, bool want_read, bool want_write, ImportGrant& out);
    int disconnect(unsigned slot);

    // Generation numbers, one per import slot, bumped on connect, on
    // disconnect and when the exporter revokes the connection (forced
    // disconnect): a barrier or implicit access that straddles one fails.
    uint16_t generation(unsigned slot) const { return gen_[slot]; }

    // Whether the exporter revoked import `slot` (it unpublished). Polls the
    // adapter's revoked map and records a revocation the first time it is
    // seen, bumping the slot's generation: a state change, not a query.
    bool poll_revocation(unsigned slot);

private:
    hal::AdapterHal& hal_;
    std::bitset<regs::kEttEntries> export_used_;
    std::bitset<regs::kAttEntries> import_used_;
    std::map<uint32_t, unsigned> published_;   // segment id -> export slot
    uint32_t next_auto_id_ = 0x80000000u;
    uint16_t gen_[regs::kAttEntries] = {};
    std::bitset<regs::kAttEntries> revoked_;
};

// How long the driver waits for the adapter to answer a lookup or a flush.
inline constexpr uint64_t kHwTimeoutNs = 1'000'000'000;   // 1 s of simulated time

}  // namespace rsm::agent
