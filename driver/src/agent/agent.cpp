#include "agent/agent.h"

#include "rsmapi.h"

namespace rsm::agent {

using hal::HwStatus;

template <size_t N>
static std::optional<unsigned> first_free(const std::bitset<N>& used) {
    for (unsigned i = 0; i < N; ++i)
        if (!used[i]) return i;
    return std::nullopt;
}

int Agent::publish(uint32_t& segid, uint64_t bus_addr, uint32_t size, const hal::AclRight* acl,
                   size_t acl_len, bool is_public, bool pub_read, bool pub_write,
                   unsigned& slot_out) {
    uint32_t id = segid;
    if (id == 0) {
        // Ids handed out from 0x80000000 upwards; the counter never reuses one.
        do {
            if (next_auto_id_ == 0) return RSMERR_INSUFFICIENT_RESOURCES;
            id = next_auto_id_++;
        } while (published_.count(id));
    } else if (published_.count(id)) {
        return RSMERR_SEGID_IN_USE;
    }
    auto slot = first_free(export_used_);
    if (!slot) return RSMERR_INSUFFICIENT_RESOURCES;
    if (hal_.write_export(*slot, id, bus_addr, size, acl, acl_len, is_public, pub_read,
                          pub_write) != HwStatus::Ok) {
        (void)hal_.clear_export(*slot);
        return RSMERR_INTERNAL_ERROR;
    }
    export_used_.set(*slot);
    published_[id] = *slot;
    segid = id;
    slot_out = *slot;
    return RSM_SUCCESS;
}

int Agent::unpublish(uint32_t segid, unsigned slot) {
    // New lookups fail from the CLEAR on; the adapter then revokes the entry
    // at every node that connected to it. Wait until they have all been told
    // (their REVOKEs answered) before reporting success.
    uint64_t importers = 0;
    if (!hal_.export_importers(slot, importers) || hal_.clear_export(slot) != HwStatus::Ok ||
        hal_.wait_revoked_sent(kHwTimeoutNs) != HwStatus::Ok)
        return RSMERR_INTERNAL_ERROR;
    for (unsigned n = 0; n < regs::kMaxNodes; ++n)
        if ((importers >> n) & 1) (void)hal_.bar_flush(regs::node_id_of_slot(n), kHwTimeoutNs);   // an unreachable node is gone anyway
    export_used_.reset(slot);
    published_.erase(segid);
    return RSM_SUCCESS;
}

bool Agent::poll_revocation(unsigned slot) {
    if (revoked_[slot]) return true;
    uint64_t map = 0;
    if (!hal_.revoked(map) || !((map >> slot) & 1)) return false;
    revoked_.set(slot);
    ++gen_[slot];
    return true;
}

namespace {
// A lookup's answer as the rsmapi code connect returns for it.
int lookup_error(HwStatus st) {
    switch (st) {
    case HwStatus::Ok: return RSM_SUCCESS;
    case HwStatus::NoEntry: return RSMERR_SEG_NOT_PUBLISHED;
    case HwStatus::NotToNode: return RSMERR_SEG_NOT_PUBLISHED_TO_NODE;
    case HwStatus::Rights: return RSMERR_PERM_DENIED;   // listed, but with no right at all
    case HwStatus::Unreachable:
    case HwStatus::Crc:   // the fabric kept corrupting the lookup
    case HwStatus::Timeout: return RSMERR_REMOTE_NODE_UNREACHABLE;
    default: return RSMERR_INTERNAL_ERROR;
    }
}
}  // namespace

int Agent::connect(uint32_t node, uint32_t segid, bool want_read, bool want_write,
                   ImportGrant& out) {
    auto slot = first_free(import_used_);
    if (!slot) return RSMERR_INSUFFICIENT_RESOURCES;
    // A REVOKE that arrives before the import entry exists has nothing to
    // revoke; the lookup unit keeps it (CONN_STATUS.REVOKED). Once the entry
    // is written a REVOKE finds it, so one look after writing closes the race
    // with unpublish (and with the exporter's crash). A revoked attempt asks
    // again: the answer then says why (not published, unreachable), or finds
    // a segment published anew under the id.
    constexpr int kAttempts = 3;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        const hal::LookupResult lr = hal_.lookup(node, segid, kHwTimeoutNs);
        if (int e = lookup_error(lr.status)) return e;
        // Credential check: every requested right must have been granted.
        if ((want_read && !lr.read) || (want_write && !lr.write)) return RSMERR_PERM_DENIED;
        bool revoked = false;
        if (hal_.write_import(*slot, node, segid, lr.size, want_read, want_write) != HwStatus::Ok ||
            !hal_.lookup_revoked(revoked)) {
            (void)hal_.clear_import(*slot);
            return RSMERR_INTERNAL_ERROR;
        }
        if (revoked) {
            (void)hal_.clear_import(*slot);
            continue;
        }
        import_used_.set(*slot);
        revoked_.reset(*slot);
        ++gen_[*slot];
        out = ImportGrant{*slot, lr.size, lr.read, lr.write};
        return RSM_SUCCESS;
    }
    return RSMERR_SEG_NOT_PUBLISHED;   // revoked again and again: it keeps going away
}

int Agent::disconnect(unsigned slot) {
    if (hal_.clear_import(slot) != HwStatus::Ok) return RSMERR_INTERNAL_ERROR;
    import_used_.reset(slot);
    revoked_.reset(slot);
    ++gen_[slot];
    return RSM_SUCCESS;
}

}  // namespace rsm::agent
