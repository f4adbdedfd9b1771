// rsm_memseg_import_map/unmap: CPU loads and stores on an imported segment.
//
// The mapping is release-consistent, as in software distributed shared
// memory: the mapped pages are ordinary local memory, filled from the
// segment through the adapter's remote-access window when mapped and at every
// open_barrier of the import; stores reach the segment at the next
// close_barrier, order_barrier or unmap, when the bytes that changed since the
// last fill (found by comparing with a twin copy) are written back through
// the window. Every transfer to or from the segment therefore goes through the
// adapter and is timed and traced; the loads and stores themselves are
// ordinary memory accesses and cost no simulated time. Only changed bytes are
// written back, so stores of other nodes to other bytes are not overwritten.
#include <sys/mman.h>

#include <cstring>

#include "librsm/context.h"

namespace rsm::lib {

namespace {
constexpr size_t kPage = regs::kPageSize;
}

int map_segment(ImportSegment& s, void** address, rsm_attribute_t attr, rsm_permission_t perm, off_t offset,
                size_t length) {
    if (s.map) return RSMERR_SEG_ALREADY_MAPPED;
    if (perm & ~static_cast<rsm_permission_t>(RSM_PERM_RDWR)) return RSMERR_BAD_PERMS;
    if (offset < 0 || length == 0 || static_cast<uint64_t>(offset) > s.size ||
        length > s.size - static_cast<uint64_t>(offset))
        return RSMERR_BAD_LENGTH;
    if (static_cast<uint64_t>(offset) % kPage) return RSMERR_BAD_MEM_ALIGNMENT;
    if (attr == RSM_MAP_FIXED && reinterpret_cast<uintptr_t>(*address) % kPage) return RSMERR_BAD_MEM_ALIGNMENT;
    // The connection's rights cap the mapping's (the agent's EACCES check).
    if ((perm & RSM_PERM_READ && !(s.perm & RSM_PERM_READ)) || (perm & RSM_PERM_WRITE && !(s.perm & RSM_PERM_WRITE)))
        return RSMERR_BAD_PERMS;
    // [PROJECT CHOICE] The pages are kept coherent by reading the segment
    // (the twin is its content), so a mapping with access needs a connection
    // that may read. Mapping a write-only connection would have to guess what
    // the segment holds and would drop a store equal to the guess: refused.
    if (perm != RSM_PERM_NONE && !(s.perm & RSM_PERM_READ)) return RSMERR_BAD_PERMS;
    if (s.gnum != s.ctrl->agent.generation(s.slot) || s.ctrl->agent.poll_revocation(s.slot)) return RSMERR_CONN_ABORTED;

    const size_t pages = (length + kPage - 1) / kPage * kPage;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    void* want = nullptr;
    if (attr == RSM_MAP_FIXED) {
        flags |= MAP_FIXED;
        want = *address;
    }
    void* p = ::mmap(want, pages, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return errno == ENOMEM ? RSMERR_BAD_LENGTH : RSMERR_MAP_FAILED;
    auto m = std::make_unique<Mapping>(Mapping{static_cast<uint8_t*>(p), length, pages,
                                               static_cast<size_t>(offset), (perm & RSM_PERM_READ) != 0,
                                               (perm & RSM_PERM_WRITE) != 0,
                                               std::vector<uint8_t>(length, 0)});   // fresh pages are zero
    s.map = std::move(m);
    refresh_mapping(s);
    // Protection as asked: no write bit, no stores (a store faults like one
    // to any read-only mapping).
    int prot = (s.map->readable ? PROT_READ : 0) | (s.map->writable ? PROT_READ | PROT_WRITE : 0);
    if (::mprotect(p, pages, prot) != 0) {
        ::munmap(p, pages);
        s.map.reset();
        return RSMERR_MAP_FAILED;
    }
    *address = p;
    return RSM_SUCCESS;
}

void flush_mapping(ImportSegment& s) {
    Mapping* m = s.map.get();
    if (!m || !m->writable || !(s.perm & RSM_PERM_WRITE)) return;
    auto& hal = s.ctrl->hal;
    // Write back each run of bytes that differs from the twin.
    size_t i = 0;
    while (i < m->length) {
        if (m->addr[i] == m->twin[i]) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < m->length && m->addr[j] != m->twin[j]) ++j;
        // A refused write shows at the barrier close (the adapter counts it).
        (void)hal.window_write(s.slot, m->seg_offset + i, m->addr + i, j - i);
        std::memcpy(m->twin.data() + i, m->addr + i, j - i);
        i = j;
    }
}

void refresh_mapping(ImportSegment& s) {
    Mapping* m = s.map.get();
    // A mapping without access (RSM_PERM_NONE, PROT_NONE pages) has nothing
    // to fill or compare; touching its pages would fault.
    if (!m || !(m->readable || m->writable)) return;
    flush_mapping(s);
    if (s.perm & RSM_PERM_READ) {
        // The segment's content, even for a write-only mapping: its twin must
        // be what the segment holds, or a store equal to a stale twin byte
        // would never be written. Read into a staging copy: the pages may be
        // read-only for the CPU.
        std::vector<uint8_t> fresh(m->length);
        if (s.ctrl->hal.window_read(s.slot, m->seg_offset, fresh.data(), fresh.size())) {
            const bool ro = !m->writable;
            if (ro) (void)::mprotect(m->addr, m->pages, PROT_READ | PROT_WRITE);
            std::memcpy(m->addr, fresh.data(), fresh.size());
            if (ro) (void)::mprotect(m->addr, m->pages, PROT_READ);
        }
    }
    m->twin.assign(m->addr, m->addr + m->length);
}

int unmap_segment(ImportSegment& s) {
    if (!s.map) return RSMERR_SEG_NOT_MAPPED;
    flush_mapping(s);
    ::munmap(s.map->addr, s.map->pages);
    s.map.reset();
    return RSM_SUCCESS;
}

}  // namespace rsm::lib
