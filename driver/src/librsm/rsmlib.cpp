// librsm: the rsmapi entry points. Each function checks its arguments in the
// order the spec documents and returns before touching the adapter when a
// check fails, so a rejected call changes nothing.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <poll.h>
#include <string>
#include <vector>

#include "adapter_regs.h"
#include "librsm/context.h"
#include "librsm/simulated_poll.h"
#include "remote_bus.h"


namespace rsm::lib {

uintptr_t next_handle_id() {
    // Far from any heap or stack address, so a handle never looks like a pointer.
    static std::atomic<uintptr_t> next{0x5253'4d00'0000'0001ull};
    return next++;
}

namespace {

constexpr size_t kPageSize = regs::kPageSize;
constexpr size_t kMaxSegment = size_t{1} << regs::kWindowSlotShift;   // one window slot
constexpr rsm_permission_t kDefaultMode = 0755;   // 0777 & ~umask(022), for unlisted publishes

// Process-wide registry: controllers per adapter, and every live handle.
// Guarded by mutexes that are never held across an adapter access.
struct Registry {
    std::mutex mu;
    std::map<hw::Bus*, std::unique_ptr<Controller>> controllers;
    HandleTable<Segment> segments;
    HandleTable<BarrierState> barriers;
    HandleTable<LocalMemory> localmem;
};

Registry& reg() {
    static Registry r;
    return r;
}

// A controller handle is valid for the node whose adapter it drives: a node
// cannot query, release or use another node's controller.
Controller* valid_controller(rsmapi_controller_handle_t h) {
    if (!h) return nullptr;
    hw::Bus* mine = hw::current_bus();
    std::lock_guard<std::mutex> g(reg().mu);
    for (auto& [bus, c] : reg().controllers)
        if (reinterpret_cast<rsmapi_controller_handle_t>(c.get()) == h) return bus == mine ? c.get() : nullptr;
    return nullptr;
}

// A segment handle is valid when it is live, of the expected kind, and belongs
// to the calling node (a node cannot drive another node's adapter).
template <typename T>
T* valid_segment(const void* h, SegKind kind) {
    Segment* s = reg().segments.find(h);
    if (!s || s->kind != kind || s->ctrl->bus != hw::current_bus()) return nullptr;
    return static_cast<T*>(s);
}

ExportSegment* as_export(rsm_memseg_export_handle_t h) {
    return valid_segment<ExportSegment>(h, SegKind::Export);
}
ImportSegment* as_import(rsm_memseg_import_handle_t h) {
    return valid_segment<ImportSegment>(h, SegKind::Import);
}

template <typename H>
H register_segment(Segment* s) {
    s->handle = reg().segments.add(s);
    return reinterpret_cast<H>(s->handle);
}

void destroy_segment(Segment* s) {
    reg().segments.remove(s->handle);
    delete s;
}

// Pins memory for the adapter; a page-locking failure as the spec maps it
// (EFAULT -> BAD_ADDR, EACCES -> PERM_DENIED, out of resources ->
// INSUFFICIENT_RESOURCES).
int pin(Controller& c, void* va, size_t len, hw::DmaAccess access, uint64_t& bus_addr) {
    switch (c.bus->dma_map(va, len, access, bus_addr)) {
    case hw::Bus::PinResult::Ok: return RSM_SUCCESS;
    case hw::Bus::PinResult::Denied: return RSMERR_PERM_DENIED;
    case hw::Bus::PinResult::NoResources: return RSMERR_INSUFFICIENT_RESOURCES;
    case hw::Bus::PinResult::Fault: break;
    }
    return RSMERR_BAD_ADDR;
}

bool valid_node_id(rsm_node_id_t n) {
    return regs::is_node_id(n);
}

void fill_attributes(rsmapi_controller_attr_t& a) {
    a.attr_direct_access_sizes = RSM_DAS8 | RSM_DAS16 | RSM_DAS32 | RSM_DAS64;
    a.attr_atomic_sizes = 0;   // no remote atomics on this adapter
    a.attr_page_size = kPageSize;
    a.attr_max_export_segment_size = kMaxSegment;
    a.attr_tot_export_segment_size = kMaxSegment * regs::kEttEntries;
    a.attr_max_export_segments = regs::kEttEntries;
    a.attr_max_import_map_size = kMaxSegment;
    a.attr_tot_import_map_size = kMaxSegment * regs::kAttEntries;
    a.attr_max_import_segments = regs::kAttEntries;
}

// Validates an access list (spec section 8) into the hardware's form: the
// owner read/write bits per node (the simulated cluster runs every node
// program as one user).
int parse_acl(const rsmapi_access_entry_t* list, uint_t n, hal::AclRight* out) {
    if (n > regs::kMaxNodes) return RSMERR_BAD_ACL;
    for (uint_t i = 0; i < n; ++i) {
        const auto& e = list[i];
        if (!valid_node_id(e.ae_node) || e.ae_permission > 0666) return RSMERR_BAD_ACL;
        out[i] = {e.ae_node, (e.ae_permission & RSM_PERM_READ) != 0, (e.ae_permission & RSM_PERM_WRITE) != 0};
    }
    return RSM_SUCCESS;
}

// ---- barriers over the adapter's per-node counters ----

// Open: remember the node's error counter and the route generation. Close:
// wait until every request to the node is answered; the span succeeded iff
// neither moved.
// `closed_next`: hw_close follows before the caller's snapshot goes (a
// put's implicit barrier), so the snapshot may travel with the flush.
int hw_open(Controller& c, uint32_t node, hal::BarrierSnapshot& snap, bool closed_next = false) {
    return c.hal.bar_snapshot(node, snap, closed_next) ? RSM_SUCCESS : RSMERR_BARRIER_OPEN_FAILED;
}

int hw_close(Controller& c, uint32_t node, const hal::BarrierSnapshot& snap) {
    hal::BarrierSnapshot now{};
    if (c.hal.bar_flush_snapshot(node, agent::kHwTimeoutNs, now) != hal::HwStatus::Ok || now.errors != snap.errors ||
        now.route != snap.route)
        return RSMERR_BARRIER_FAILURE;
    return RSM_SUCCESS;
}

// ---- put/get ----

enum class Dir { Put, Get };

int put_get(rsm_memseg_import_handle_t h, off_t offset, void* data, size_t nbytes, size_t item,
            Dir dir) {
    if (!h) return RSMERR_BAD_SEG_HNDL;
    if (!data) return RSMERR_BAD_ADDR;
    if (reinterpret_cast<uintptr_t>(data) % item != 0) return RSMERR_BAD_MEM_ALIGNMENT;
    if (offset >= 0 && static_cast<uint64_t>(offset) % item != 0) return RSMERR_BAD_MEM_ALIGNMENT;
    ImportSegment* s = as_import(h);
    if (!s || s->state != SegState::ImportConnected) return RSMERR_BAD_SEG_HNDL;
    const rsm_permission_t need = dir == Dir::Put ? RSM_PERM_WRITE : RSM_PERM_READ;
    if (!(s->perm & need)) return RSMERR_PERM_DENIED;
    if (offset < 0) return RSMERR_BAD_OFFSET;
    const uint64_t off = static_cast<uint64_t>(offset);
    if (s->map) {
        // Mapped: the access must lie in the mapped window.
        const Mapping& m = *s->map;
        if (off < m.seg_offset || off >= m.seg_offset + m.length || nbytes > m.seg_offset + m.length - off)
            return RSMERR_BAD_OFFSET;
    }
    if (nbytes == 0 || off > s->size || nbytes > s->size - off) return RSMERR_BAD_LENGTH;
    const bool implicit = s->mode == RSM_BARRIER_MODE_IMPLICIT;
    if (implicit && !s->barrier) return RSMERR_BARRIER_UNINITIALIZED;

    Controller& c = *s->ctrl;
    auto& hal = c.hal;
    hw::BusLock guard(*c.bus);
    const uint16_t gnum = s->gnum;
    if (gnum != c.agent.generation(s->slot)) return RSMERR_CONN_ABORTED;   // known forced disconnect
    hal::BarrierSnapshot snap{};
    if (implicit) {
        if (int e = hw_open(c, s->node, snap, true)) return e;
    }
    // An implicit barrier's flush comes next: a put's write may be posted.
    const bool ok = dir == Dir::Put ? hal.window_write(s->slot, off, data, nbytes, implicit)
                                    : hal.window_read(s->slot, off, data, nbytes);
    if (!implicit) return RSM_SUCCESS;   // explicit mode: errors surface at close_barrier
    int e = hw_close(c, s->node, snap);
    if (e == RSM_SUCCESS && !ok) e = RSMERR_BARRIER_FAILURE;
    // A failure may be the exporter having revoked the connection.
    if (e != RSM_SUCCESS) (void)c.agent.poll_revocation(s->slot);
    if (gnum != c.agent.generation(s->slot)) return RSMERR_CONN_ABORTED;
    return e;
}

template <typename T>
int put_get_items(rsm_memseg_import_handle_t h, off_t offset, T* datap, ulong_t rep_cnt, Dir dir) {
    if (rep_cnt > SIZE_MAX / sizeof(T)) return RSMERR_BAD_LENGTH;
    return put_get(h, offset, datap, rep_cnt * sizeof(T), sizeof(T), dir);
}

}  // namespace

Controller& controller_of(rsm::hw::Bus* bus) {
    std::lock_guard<std::mutex> g(reg().mu);
    auto& slot = reg().controllers[bus];
    if (!slot) slot = std::make_unique<Controller>(bus);
    return *slot;
}

unsigned segment_slot(const Segment& s) {
    return s.kind == SegKind::Export ? static_cast<const ExportSegment&>(s).slot
                                     : static_cast<const ImportSegment&>(s).slot;
}

bool segment_has_entry(const Segment& s) {
    return s.state == SegState::ExportPublished || s.state == SegState::ImportConnected;
}


}  // namespace rsm::lib

using namespace rsm::lib;

// ===================================================================== controller

int impl_rsm_get_controller(char* name, rsmapi_controller_handle_t* controller) {
    if (!controller) return RSMERR_BAD_CTLR_HNDL;
    // NULL means the loopback controller, which this adapter stack does not provide.
    if (!name) return RSMERR_CTLR_NOT_PRESENT;
    std::string s(name);
    size_t d = s.size();
    while (d > 0 && std::isdigit(static_cast<unsigned char>(s[d - 1]))) --d;
    std::string type = s.substr(0, d);
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const std::string digits = s.substr(d);
    if (digits.size() > 9) return RSMERR_CTLR_NOT_PRESENT;
    const long unit = digits.empty() ? 0 : std::stol(digits);
    rsm::hw::Bus* bus = rsm::hw::current_bus();
    if (type != "sci" || unit != 0 || !bus) return RSMERR_CTLR_NOT_PRESENT;

    Controller* c = &controller_of(bus);
    rsm::hw::BusLock guard(*bus);
    if (c->refcount == 0) {
        if (!c->agent.attach()) return RSMERR_CTLR_NOT_PRESENT;
        fill_attributes(c->attr);
    }
    ++c->refcount;
    *controller = reinterpret_cast<rsmapi_controller_handle_t>(c);
    return RSM_SUCCESS;
}

int impl_rsm_get_controller_attr(rsmapi_controller_handle_t chdl, rsmapi_controller_attr_t* attr) {
    if (!chdl) return RSMERR_BAD_CTLR_HNDL;
    Controller* c = valid_controller(chdl);
    if (!c) return RSMERR_BAD_CTLR_HNDL;
    if (!attr) return RSMERR_BAD_ADDR;
    if (c->refcount == 0) return RSMERR_CTLR_NOT_PRESENT;
    *attr = c->attr;
    return RSM_SUCCESS;
}

int impl_rsm_release_controller(rsmapi_controller_handle_t controller) {
    Controller* c = valid_controller(controller);
    if (!c || c->refcount == 0) return RSMERR_BAD_CTLR_HNDL;
    --c->refcount;   // the object stays: a later get_controller revives the same handle
    return RSM_SUCCESS;
}

static Controller* usable_controller(rsmapi_controller_handle_t h) {
    Controller* c = valid_controller(h);
    return (c && c->refcount > 0 && c->bus == rsm::hw::current_bus()) ? c : nullptr;
}

// ===================================================================== export side

int impl_rsm_memseg_export_create(rsmapi_controller_handle_t controller,
                                     rsm_memseg_export_handle_t* memseg, void* vaddr,
                                     size_t length, uint_t flags) {
    if (!controller) return RSMERR_BAD_CTLR_HNDL;
    Controller* c = usable_controller(controller);
    if (!c) return RSMERR_BAD_CTLR_HNDL;
    if (!memseg) return RSMERR_BAD_SEG_HNDL;
    *memseg = nullptr;
    if (!vaddr) return RSMERR_BAD_ADDR;
    if (length == 0) return RSMERR_BAD_LENGTH;
    if (reinterpret_cast<uintptr_t>(vaddr) % kPageSize || length % kPageSize)
        return RSMERR_BAD_MEM_ALIGNMENT;
    if (length > c->attr.attr_max_export_segment_size) return RSMERR_BAD_LENGTH;
    if (flags & RSM_LOCK_OPS) return RSMERR_LOCKS_NOT_SUPPORTED;
    // Lock the pages down: importers may read and write them.
    uint64_t bus_addr = 0;
    if (int e = pin(*c, vaddr, length, rsm::hw::DmaAccess::ReadWrite, bus_addr)) return e;
    auto* seg = new (std::nothrow) ExportSegment(c, vaddr, length, flags, bus_addr);
    if (!seg) {
        c->bus->dma_unmap(bus_addr, length);
        return RSMERR_INSUFFICIENT_MEM;
    }
    *memseg = register_segment<rsm_memseg_export_handle_t>(seg);
    return RSM_SUCCESS;
}

int impl_rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg, rsm_memseg_id_t* segment_id,
                                      rsmapi_access_entry_t access_list[], uint_t access_list_length) {
    if (!segment_id) return RSMERR_BAD_SEGID;
    ExportSegment* s = as_export(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (access_list_length > 0 && !access_list) return RSMERR_BAD_ACL;
    if (s->state != SegState::ExportBind) return RSMERR_SEG_ALREADY_PUBLISHED;
    const rsm_memseg_id_t want = *segment_id;
    if (want != 0 && (want <= RSM_DLPI_ID_END || want >= RSM_USER_APP_ID_BASE))
        return RSMERR_RESERVED_SEGID;
    rsm::hal::AclRight acl[rsm::regs::kMaxNodes];
    if (int e = parse_acl(access_list, access_list_length, acl)) return e;
    const bool is_public = access_list_length == 0;
    uint32_t id = want;
    unsigned slot = 0;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (s->state != SegState::ExportBind) return RSMERR_SEG_ALREADY_PUBLISHED;   // another thread was first
    int e = s->ctrl->agent.publish(id, s->bus_addr, static_cast<uint32_t>(s->length), acl,
                                   access_list_length, is_public,
                                   is_public && (kDefaultMode & RSM_PERM_READ),
                                   is_public && (kDefaultMode & RSM_PERM_WRITE), slot);
    if (e) return e;
    s->segid = id;
    s->slot = slot;
    s->state = SegState::ExportPublished;
    *segment_id = id;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg) {
    ExportSegment* s = as_export(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (s->state != SegState::ExportPublished) return RSMERR_SEG_NOT_PUBLISHED;
    if (s->pollfd_refs > 0) return RSMERR_POLLFD_IN_USE;   // as the man page says (the original did not check)
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (s->state != SegState::ExportPublished) return RSMERR_SEG_NOT_PUBLISHED;
    if (int e = s->ctrl->agent.unpublish(s->segid, s->slot)) return e;
    s->state = SegState::ExportBind;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg, rsmapi_access_entry_t access_list[],
                                        uint_t access_list_length) {
    ExportSegment* s = as_export(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (s->state != SegState::ExportPublished) return RSMERR_SEG_NOT_PUBLISHED;
    if (access_list_length > 0 && !access_list) return RSMERR_BAD_ACL;
    rsm::hal::AclRight acl[rsm::regs::kMaxNodes];
    if (int e = parse_acl(access_list, access_list_length, acl)) return e;
    const bool is_public = access_list_length == 0;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (s->state != SegState::ExportPublished) return RSMERR_SEG_NOT_PUBLISHED;
    if (s->ctrl->hal.rewrite_acl(s->slot, acl, access_list_length, is_public,
                                         is_public && (kDefaultMode & RSM_PERM_READ),
                                         is_public && (kDefaultMode & RSM_PERM_WRITE)) != rsm::hal::HwStatus::Ok)
        return RSMERR_INTERNAL_ERROR;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg, void* vaddr, offset_t off,
                                     size_t length) {
    (void)off;   // "currently unused" in the original
    ExportSegment* s = as_export(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (!vaddr) return RSMERR_BAD_ADDR;
    if (!(s->flags & RSM_ALLOW_REBIND)) return RSMERR_REBIND_NOT_ALLOWED;
    if (length != s->length) return RSMERR_BAD_LENGTH;
    if (reinterpret_cast<uintptr_t>(vaddr) % kPageSize) return RSMERR_BAD_ADDR;
    if (vaddr == s->vaddr) return RSM_SUCCESS;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    uint64_t bus_addr = 0;
    if (int e = pin(*s->ctrl, vaddr, length, rsm::hw::DmaAccess::ReadWrite, bus_addr)) return e;
    if (s->state == SegState::ExportPublished &&
        s->ctrl->hal.rebind_export(s->slot, bus_addr) != rsm::hal::HwStatus::Ok) {
        s->ctrl->bus->dma_unmap(bus_addr, length);
        return RSMERR_INTERNAL_ERROR;
    }
    s->ctrl->bus->dma_unmap(s->bus_addr, s->length);
    s->vaddr = vaddr;
    s->bus_addr = bus_addr;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg) {
    ExportSegment* s = as_export(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (s->pollfd_refs > 0) return RSMERR_POLLFD_IN_USE;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (s->state == SegState::ExportPublished) {
        if (int e = s->ctrl->agent.unpublish(s->segid, s->slot)) return e;
    }
    s->ctrl->bus->dma_unmap(s->bus_addr, s->length);
    destroy_segment(s);
    return RSM_SUCCESS;
}

// ===================================================================== import side

int impl_rsm_memseg_import_connect(rsmapi_controller_handle_t controller, rsm_node_id_t node_id,
                                      rsm_memseg_id_t segment_id, rsm_permission_t perm,
                                      rsm_memseg_import_handle_t* im_memseg) {
    if (!controller) return RSMERR_BAD_CTLR_HNDL;
    Controller* c = usable_controller(controller);
    if (!c) return RSMERR_BAD_CTLR_HNDL;
    // [PROJECT CHOICE] checked before use (the original wrote through it first).
    if (!im_memseg) return RSMERR_BAD_SEG_HNDL;
    if (perm & ~static_cast<rsm_permission_t>(RSM_PERM_RDWR)) return RSMERR_PERM_DENIED;
    if (!valid_node_id(node_id)) return RSMERR_REMOTE_NODE_UNREACHABLE;
    rsm::agent::ImportGrant g{};
    rsm::hw::BusLock guard(*c->bus);
    if (int e = c->agent.connect(node_id, segment_id, perm & RSM_PERM_READ, perm & RSM_PERM_WRITE, g))
        return e;
    auto* seg = new (std::nothrow)
        ImportSegment(c, node_id, segment_id, perm, g.size, g.slot, c->agent.generation(g.slot));
    if (!seg) {
        (void)c->agent.disconnect(g.slot);
        return RSMERR_INSUFFICIENT_MEM;
    }
    *im_memseg = register_segment<rsm_memseg_import_handle_t>(seg);
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_disconnect(rsm_memseg_import_handle_t im_memseg) {
    ImportSegment* s = as_import(im_memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (s->map) return RSMERR_SEG_STILL_MAPPED;
    if (s->pollfd_refs > 0) return RSMERR_POLLFD_IN_USE;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (int e = s->ctrl->agent.disconnect(s->slot)) return e;
    destroy_segment(s);
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_put(rsm_memseg_import_handle_t h, off_t off, void* src, size_t len) {
    return put_get(h, off, src, len, 1, Dir::Put);
}
int impl_rsm_memseg_import_get(rsm_memseg_import_handle_t h, off_t off, void* dst, size_t len) {
    return put_get(h, off, dst, len, 1, Dir::Get);
}
int impl_rsm_memseg_import_put8(rsm_memseg_import_handle_t h, off_t off, uint8_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Put);
}
int impl_rsm_memseg_import_put16(rsm_memseg_import_handle_t h, off_t off, uint16_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Put);
}
int impl_rsm_memseg_import_put32(rsm_memseg_import_handle_t h, off_t off, uint32_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Put);
}
int impl_rsm_memseg_import_put64(rsm_memseg_import_handle_t h, off_t off, uint64_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Put);
}
int impl_rsm_memseg_import_get8(rsm_memseg_import_handle_t h, off_t off, uint8_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Get);
}
int impl_rsm_memseg_import_get16(rsm_memseg_import_handle_t h, off_t off, uint16_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Get);
}
int impl_rsm_memseg_import_get32(rsm_memseg_import_handle_t h, off_t off, uint32_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Get);
}
int impl_rsm_memseg_import_get64(rsm_memseg_import_handle_t h, off_t off, uint64_t* d, ulong_t n) {
    return put_get_items(h, off, d, n, Dir::Get);
}

// ===================================================================== barriers

namespace {

// The state behind `b`, if `b` was initialised (and not destroyed) by this
// node: a barrier of another node is not one here.
BarrierState* barrier_state(const rsmapi_barrier_t* b) {
    BarrierState* st = reg().barriers.find(b->privdata);
    if (!st || st->owner != b || st->ctrl->bus != rsm::hw::current_bus()) return nullptr;
    return st;
}

void free_barrier_state(BarrierState* st) {
    reg().barriers.remove(st->handle);
    delete st;
}

// The barrier's segment if it is still connected; nullptr after a disconnect.
ImportSegment* barrier_segment(const rsmapi_barrier_t* b) {
    return as_import(static_cast<rsm_memseg_import_handle_t>(b->seg));
}

// Whether the connection is gone: disconnected and reconnected since
// `gnum`, or revoked by the exporter (read from the adapter, so a forced
// disconnect is seen without a failed access first). Bus lock held.
bool connection_lost(ImportSegment& s, uint16_t gnum) {
    return gnum != s.ctrl->agent.generation(s.slot) || s.ctrl->agent.poll_revocation(s.slot);
}

}  // namespace

int impl_rsm_memseg_import_init_barrier(rsm_memseg_import_handle_t memseg, rsm_barrier_type_t type,
                                           rsmapi_barrier_t* barrier) {
    (void)type;   // every type is a span over this adapter's counters
    ImportSegment* s = as_import(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (!barrier) return RSMERR_BAD_BARRIER_PTR;
    auto* st = new (std::nothrow) BarrierState{s->ctrl, barrier};
    if (!st) return RSMERR_INSUFFICIENT_MEM;
    // Initialising the same struct again replaces its state (else it leaked).
    if (BarrierState* old = barrier_state(barrier)) free_barrier_state(old);
    st->handle = reg().barriers.add(st);
    barrier->seg = memseg;
    barrier->gnum = s->gnum;
    barrier->privdata = reinterpret_cast<void*>(st->handle);
    s->barrier = barrier;   // a later init replaces it as the implicit-mode barrier
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_open_barrier(rsmapi_barrier_t* barrier) {
    if (!barrier) return RSMERR_BAD_BARRIER_PTR;
    BarrierState* st = barrier_state(barrier);
    if (!st) return RSMERR_BARRIER_UNINITIALIZED;
    ImportSegment* s = barrier_segment(barrier);
    if (!s) return RSMERR_CONN_ABORTED;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    barrier->gnum = s->gnum;
    // A connection the exporter revoked: the original reports this
    // CONN_ABORTED through BARRIER_OPEN_FAILED.
    if (s->gnum != s->ctrl->agent.generation(s->slot)) return RSMERR_BARRIER_OPEN_FAILED;
    if (hw_open(*s->ctrl, s->node, st->snap) != RSM_SUCCESS) return RSMERR_BARRIER_OPEN_FAILED;
    refresh_mapping(*s);   // mapped loads see the segment as of the open
    st->opened = true;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_order_barrier(rsmapi_barrier_t* barrier) {
    if (!barrier) return RSMERR_BAD_BARRIER_PTR;
    BarrierState* st = barrier_state(barrier);
    if (!st) return RSMERR_BARRIER_UNINITIALIZED;
    if (!st->opened) return RSMERR_BARRIER_NOT_OPENED;
    ImportSegment* s = barrier_segment(barrier);
    if (!s) return RSMERR_CONN_ABORTED;
    // Order = flush: everything issued so far completes before anything later.
    rsm::hw::BusLock guard(*s->ctrl->bus);
    flush_mapping(*s);
    if (s->ctrl->hal.bar_flush(s->node, rsm::agent::kHwTimeoutNs) != rsm::hal::HwStatus::Ok)
        return RSMERR_BARRIER_FAILURE;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_close_barrier(rsmapi_barrier_t* barrier) {
    if (!barrier) return RSMERR_BAD_BARRIER_PTR;
    BarrierState* st = barrier_state(barrier);
    if (!st) return RSMERR_BARRIER_UNINITIALIZED;
    ImportSegment* s = barrier_segment(barrier);
    if (!s) return RSMERR_CONN_ABORTED;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    if (barrier->gnum != s->ctrl->agent.generation(s->slot)) return RSMERR_CONN_ABORTED;
    if (!st->opened) return RSMERR_BARRIER_NOT_OPENED;
    st->opened = false;
    flush_mapping(*s);   // mapped stores join the span
    const int e = hw_close(*s->ctrl, s->node, st->snap);
    // A revocation during the span lost the accesses made after it, whether
    // or not one of them failed visibly (stores through a mapping are dropped
    // by the importer's own table).
    if (connection_lost(*s, barrier->gnum)) return RSMERR_CONN_ABORTED;
    return e;
}

int impl_rsm_memseg_import_destroy_barrier(rsmapi_barrier_t* barrier) {
    if (!barrier) return RSMERR_BAD_BARRIER_PTR;
    BarrierState* st = barrier_state(barrier);
    if (!st) return RSMERR_BARRIER_UNINITIALIZED;
    if (ImportSegment* s = barrier_segment(barrier); s && s->barrier == barrier) s->barrier = nullptr;
    free_barrier_state(st);
    barrier->privdata = nullptr;
    barrier->seg = nullptr;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_set_mode(rsm_memseg_import_handle_t memseg, rsm_barrier_mode_t mode) {
    ImportSegment* s = as_import(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (mode != RSM_BARRIER_MODE_EXPLICIT && mode != RSM_BARRIER_MODE_IMPLICIT) return RSMERR_BAD_MODE;
    s->mode = mode;
    return RSM_SUCCESS;
}

int impl_rsm_memseg_import_get_mode(rsm_memseg_import_handle_t memseg, rsm_barrier_mode_t* mode) {
    ImportSegment* s = as_import(memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (!mode) return RSMERR_BAD_ADDR;   // [PROJECT CHOICE] the original did not check
    *mode = s->mode;
    return RSM_SUCCESS;
}

// ===================================================================== scatter/gather

namespace rsm::lib {
namespace {

// The status of a stopped DMA chain as an rsmapi code.
int sgio_error(hal::HwStatus st) {
    switch (st) {
    case hal::HwStatus::Unreachable: return RSMERR_REMOTE_NODE_UNREACHABLE;
    case hal::HwStatus::HostBus: return RSMERR_BAD_ADDR;
    case hal::HwStatus::Bounds:
    case hal::HwStatus::BadDescriptor: return RSMERR_BAD_LENGTH;
    case hal::HwStatus::Rights: return RSMERR_PERM_DENIED;
    default: return RSMERR_BARRIER_FAILURE;   // the exporter refused or stopped answering
    }
}

LocalMemory* as_localmem(rsm_localmemory_handle_t h) { return reg().localmem.find(h); }

// The local address of a virtual-address entry, or 0 if vaddr + offset (+
// length) wraps the address space.
uintptr_t entry_address(const rsm_iovec_t& v) {
    const auto base = reinterpret_cast<uintptr_t>(v.local.vaddr);
    if (v.local_offset > UINTPTR_MAX - base || v.transfer_length > UINTPTR_MAX - base - v.local_offset) return 0;
    return base + v.local_offset;
}

// Checks one entry of a vector before anything is pinned or programmed.
int check_entry(const rsm_iovec_t& v, const ImportSegment& s, bool put) {
    if (v.transfer_length == 0) return RSMERR_BAD_LENGTH;
    if (v.remote_offset >= s.size) return RSMERR_BAD_OFFSET;
    if (v.transfer_length > s.size - v.remote_offset) return RSMERR_BAD_LENGTH;
    if (v.io_type == RSM_HANDLE_TYPE) {
        LocalMemory* lm = as_localmem(v.local.handle);
        if (!lm || lm->ctrl != s.ctrl) return RSMERR_BAD_SGIO;
        if (v.local_offset > lm->length || v.transfer_length > lm->length - v.local_offset)
            return RSMERR_BAD_LENGTH;
        if (!put && !lm->writable) return RSMERR_PERM_DENIED;   // getv lands in read-only pages
        return RSM_SUCCESS;
    }
    if (v.io_type == RSM_VA_TYPE) return v.local.vaddr && entry_address(v) ? RSM_SUCCESS : RSMERR_BAD_ADDR;
    return RSMERR_BAD_SGIO;
}

// The DMA entries of a vector; its virtual-address entries are pinned for
// the call (pinned[i] != 0; *npinned entries were tried).
int map_entries(Controller& c, const ImportSegment& s, const rsm_scat_gath_t& sg, bool put, hal::DmaEntry* entries,
                uint64_t* pinned, unsigned& npinned) {
    const bool barrier = s.mode == RSM_BARRIER_MODE_IMPLICIT;
    // put: the adapter reads local memory; get: it writes it.
    const hw::DmaAccess access = put ? hw::DmaAccess::Read : hw::DmaAccess::Write;
    int rc = RSM_SUCCESS;
    for (npinned = 0; npinned < sg.io_request_count && rc == RSM_SUCCESS; ++npinned) {
        const unsigned i = npinned;
        const rsm_iovec_t& v = sg.iovec[i];
        uint64_t local = 0;
        if (v.io_type == RSM_HANDLE_TYPE) {
            local = as_localmem(v.local.handle)->bus_addr + v.local_offset;
        } else {
            rc = pin(c, reinterpret_cast<void*>(entry_address(v)), v.transfer_length, access, pinned[i]);
            local = pinned[i];
        }
        entries[i] = {put, local, static_cast<uint32_t>(v.remote_offset), static_cast<uint32_t>(v.transfer_length),
                      s.slot, barrier};
    }
    return rc;
}

// Runs the chain: the residual is the entries it did not complete.
int run_chain(Controller& c, ImportSegment& s, rsm_scat_gath_t& sg, const hal::DmaEntry* entries) {
    const auto n = static_cast<unsigned>(sg.io_request_count);
    const bool sigpost = sg.flags & RSM_IMPLICIT_SIGPOST;
    const hal::DmaResult r =
        c.hal.dma_run(entries, n, sigpost, sg.flags & RSM_SIGPOST_NO_ACCUMULATE, agent::kHwTimeoutNs);
    sg.io_residual_count = n - std::min(r.completed, n);
    if (r.status != hal::HwStatus::Ok) return c.agent.poll_revocation(s.slot) ? RSMERR_BAD_SGIO : sgio_error(r.status);
    // The chain ends when its data is acknowledged; the implicit post
    // follows it. Return once that is answered too, as a post would.
    if (sigpost) (void)c.hal.bar_flush(s.node, agent::kHwTimeoutNs);
    return RSM_SUCCESS;
}

int scatter_gather(rsm_scat_gath_t* sg, bool put) {
    if (!sg) return RSMERR_BAD_SGIO;
    // Until the chain has run, no entry has completed (the man page: the
    // residual counts the entries not completed or not initiated).
    sg->io_residual_count = sg->io_request_count;
    ImportSegment* s = as_import(sg->remote_handle);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (sg->io_request_count == 0 || sg->io_request_count > RSM_MAX_SGIOREQS || !sg->iovec) return RSMERR_BAD_SGIO;
    // [PROJECT CHOICE] the connect-time permission is enforced here too.
    if (!(s->perm & (put ? RSM_PERM_WRITE : RSM_PERM_READ))) return RSMERR_PERM_DENIED;
    for (unsigned i = 0; i < sg->io_request_count; ++i)
        if (int e = check_entry(sg->iovec[i], *s, put)) return e;
    Controller& c = *s->ctrl;
    hw::BusLock guard(*c.bus);
    // A force-disconnected import gets BAD_SGIO, as from the original agent.
    if (s->gnum != c.agent.generation(s->slot)) return RSMERR_BAD_SGIO;
    hal::DmaEntry entries[RSM_MAX_SGIOREQS];
    uint64_t pinned[RSM_MAX_SGIOREQS] = {};
    unsigned npinned = 0;
    int rc = map_entries(c, *s, *sg, put, entries, pinned, npinned);
    if (rc == RSM_SUCCESS) rc = run_chain(c, *s, *sg, entries);
    for (unsigned i = 0; i < npinned; ++i)
        if (pinned[i]) c.bus->dma_unmap(pinned[i], sg->iovec[i].transfer_length);
    return rc;
}

}  // namespace
}  // namespace rsm::lib

int impl_rsm_memseg_import_putv(rsm_scat_gath_t* sg_io) { return scatter_gather(sg_io, true); }
int impl_rsm_memseg_import_getv(rsm_scat_gath_t* sg_io) { return scatter_gather(sg_io, false); }

int impl_rsm_create_localmemory_handle(rsmapi_controller_handle_t handle, rsm_localmemory_handle_t* l_handle,
                                          caddr_t local_vaddr, size_t length) {
    if (reinterpret_cast<uintptr_t>(local_vaddr) % kPageSize != 0 || !local_vaddr) return RSMERR_BAD_ADDR;
    if (!handle) return RSMERR_BAD_CTLR_HNDL;
    Controller* c = usable_controller(handle);
    if (!c) return RSMERR_BAD_CTLR_HNDL;
    if (!l_handle) return RSMERR_BAD_LOCALMEM_HNDL;
    if (length == 0) return RSMERR_BAD_LENGTH;
    // Read-only pages still serve putv; getv into them is refused (check_entry).
    uint64_t bus_addr = 0;
    bool writable = true;
    int e = pin(*c, local_vaddr, length, rsm::hw::DmaAccess::ReadWrite, bus_addr);
    if (e == RSMERR_PERM_DENIED) {
        writable = false;
        e = pin(*c, local_vaddr, length, rsm::hw::DmaAccess::Read, bus_addr);
    }
    if (e) return e;
    auto* lm = new (std::nothrow) LocalMemory{c, local_vaddr, length, bus_addr, writable};
    if (!lm) {
        c->bus->dma_unmap(bus_addr, length);
        return RSMERR_INSUFFICIENT_MEM;
    }
    lm->handle = reg().localmem.add(lm);
    *l_handle = reinterpret_cast<rsm_localmemory_handle_t>(lm->handle);
    return RSM_SUCCESS;
}

int impl_rsm_free_localmemory_handle(rsmapi_controller_handle_t handle, rsm_localmemory_handle_t l_handle) {
    if (!handle) return RSMERR_BAD_CTLR_HNDL;
    Controller* c = usable_controller(handle);
    if (!c) return RSMERR_BAD_CTLR_HNDL;
    LocalMemory* lm = as_localmem(l_handle);
    if (!lm || lm->ctrl != c) return RSMERR_BAD_LOCALMEM_HNDL;
    c->bus->dma_unmap(lm->bus_addr, lm->length);
    reg().localmem.remove(lm->handle);
    delete lm;
    return RSM_SUCCESS;
}

// ===================================================================== topology

int impl_rsm_get_interconnect_topology(rsm_topology_t** topology_data) {
    if (!topology_data) return RSMERR_BAD_TOPOLOGY_PTR;
    *topology_data = nullptr;
    rsm::hw::Bus* bus = rsm::hw::current_bus();
    if (!bus) return RSMERR_CTLR_NOT_PRESENT;
    // The adapter's own view: its node id and the fabric's peers.
    rsm::hal::AdapterHal& hal = controller_of(bus).hal;
    rsm::hw::BusLock guard(*bus);
    uint64_t peers = 0;
    uint32_t node = 0;
    if (!hal.identify(node) || !hal.peers(peers)) return RSMERR_CTLR_NOT_PRESENT;
    std::vector<rsm_node_id_t> remote;
    for (unsigned slot = 0; slot < rsm::regs::kMaxNodes; ++slot)
        if ((peers >> slot) & 1 && rsm::regs::node_id_of_slot(slot) != node) remote.push_back(rsm::regs::node_id_of_slot(slot));
    // One block: header with its pointer array, then the connections record
    // and its remote controllers (the layout the original KA returned).
    const size_t conn_off = (sizeof(rsm_topology_t) + 7) & ~size_t{7};
    const size_t conn_size = sizeof(rsm_connections_t) + (remote.empty() ? 0 : remote.size() - 1) * sizeof(rsm_remote_cntlr_t);
    auto* block = static_cast<char*>(std::calloc(1, conn_off + conn_size));
    if (!block) return RSMERR_INSUFFICIENT_MEM;
    auto* topo = reinterpret_cast<rsm_topology_t*>(block);
    auto* conn = reinterpret_cast<rsm_connections_t*>(block + conn_off);
    topo->topology_hdr.local_nodeid = node;
    topo->topology_hdr.local_cntlr_count = 1;
    topo->connections[0] = conn;
    std::snprintf(conn->hdr.cntlr_name, sizeof conn->hdr.cntlr_name, "sci0");
    conn->hdr.local_hwaddr = node;
    conn->hdr.remote_cntlr_count = static_cast<int>(remote.size());
    for (size_t i = 0; i < remote.size(); ++i) {
        rsm_remote_cntlr_t& rc = conn->remote_cntlr[i];
        rc.remote_nodeid = remote[i];
        std::snprintf(rc.remote_cntlrname, sizeof rc.remote_cntlrname, "sci0");
        rc.remote_hwaddr = remote[i];
        rc.connection_state = RSM_CONNECTION_ACTIVE;
    }
    *topology_data = topo;
    return RSM_SUCCESS;
}

void impl_rsm_free_interconnect_topology(rsm_topology_t* topology_data) { std::free(topology_data); }

// ===================================================================== events

int impl_rsm_intr_signal_post(void* memseg, uint_t flags) {
    if (!memseg) return RSMERR_BAD_SEG_HNDL;
    const bool noacc = flags & RSM_SIGPOST_NO_ACCUMULATE;
    if (ImportSegment* s = as_import(static_cast<rsm_memseg_import_handle_t>(memseg))) {
        Controller& c = *s->ctrl;
        rsm::hw::BusLock guard(*c.bus);
        // As a put: a revocation already seen fails at once; one not yet
        // seen is no reason to read the adapter first, since the signal
        // unit refuses a post on a revoked entry (NO_ENTRY) by itself.
        if (s->gnum != c.agent.generation(s->slot)) return RSMERR_CONN_ABORTED;
        if (!c.hal.signal_import_side(s->slot, noacc)) return RSMERR_INTERNAL_ERROR;
        // Delivered when its own answer is back without an error.
        switch (c.hal.wait_post_answer(rsm::agent::kHwTimeoutNs)) {
        case rsm::hal::HwStatus::Ok: return RSM_SUCCESS;
        case rsm::hal::HwStatus::Unreachable:
        case rsm::hal::HwStatus::Crc:
        case rsm::hal::HwStatus::Timeout: return RSMERR_REMOTE_NODE_UNREACHABLE;
        case rsm::hal::HwStatus::BusFault: return RSMERR_INTERNAL_ERROR;
        default:   // the exporter no longer has the segment for us, or revoked it
            (void)c.agent.poll_revocation(s->slot);
            return RSMERR_CONN_ABORTED;
        }
    }
    if (ExportSegment* s = as_export(static_cast<rsm_memseg_export_handle_t>(memseg))) {
        rsm::hw::BusLock guard(*s->ctrl->bus);
        if (s->state != SegState::ExportPublished) return RSM_SUCCESS;   // nobody can be importing it
        return s->ctrl->hal.signal_export_side(s->slot, noacc) ? RSM_SUCCESS : RSMERR_INTERNAL_ERROR;
    }
    return RSMERR_BAD_SEG_HNDL;
}

int impl_rsm_intr_signal_wait(void* memseg, int timeout) {
    if (!memseg) return RSMERR_BAD_SEG_HNDL;
    Controller* c = nullptr;
    bool import = false;
    unsigned index = 0;
    if (ImportSegment* s = as_import(static_cast<rsm_memseg_import_handle_t>(memseg))) {
        c = s->ctrl;
        import = true;
        index = s->slot;
    } else if (ExportSegment* e = as_export(static_cast<rsm_memseg_export_handle_t>(memseg))) {
        c = e->ctrl;
        index = e->slot;
        if (e->state != SegState::ExportPublished) index = ~0u;   // no entry: nothing can arrive
    } else {
        return RSMERR_BAD_SEG_HNDL;
    }
    // No timeout: sleep on the interrupt alone, so a run where nothing can
    // ever post ends (and says who waits) instead of spinning.
    const uint64_t limit = timeout < 0 ? rsm::hw::kNoTimeout : static_cast<uint64_t>(timeout) * 1'000'000ull;
    if (index == ~0u) {
        // Other segments' events still wake the node (and are acknowledged).
        for (const uint64_t start = c->bus->now_ns();;) {
            const uint64_t waited = c->bus->now_ns() - start;
            if (limit != rsm::hw::kNoTimeout && waited >= limit) return RSMERR_TIMEOUT;
            const uint64_t epoch = c->hal.signal_epoch();
            (void)c->hal.sleep_until_signal(epoch, limit == rsm::hw::kNoTimeout ? limit : limit - waited);
        }
    }
    switch (c->hal.signal_take_waiting(import, index, limit)) {
    case rsm::hal::HwStatus::Ok: break;
    case rsm::hal::HwStatus::Timeout: return RSMERR_TIMEOUT;
    default: return RSMERR_INTERNAL_ERROR;
    }
    rsm::hw::BusLock guard(*c->bus);
    sync_pollfds(*c);
    return RSM_SUCCESS;
}

// ===================================================================== pollfds

namespace {
Segment* any_segment(void* memseg) {
    if (ImportSegment* s = as_import(static_cast<rsm_memseg_import_handle_t>(memseg))) return s;
    if (ExportSegment* e = as_export(static_cast<rsm_memseg_export_handle_t>(memseg))) return e;
    return nullptr;
}
}  // namespace

int impl_rsm_memseg_get_pollfd(void* memseg, struct pollfd* fd) {
    Segment* s = memseg ? any_segment(memseg) : nullptr;
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (!fd) return RSMERR_BAD_ADDR;   // [PROJECT CHOICE] the original did not check
    return get_pollfd(*s, fd);
}

int impl_rsm_memseg_release_pollfd(void* memseg) {
    Segment* s = memseg ? any_segment(memseg) : nullptr;
    if (!s) return RSMERR_BAD_SEG_HNDL;
    release_pollfd(*s);
    return RSM_SUCCESS;
}

namespace {

// The segment behind pollfd `fd` if it is one of this node's (on `bus`).
Segment* own_segment_of_pollfd(int fd, rsm::hw::Bus* bus) {
    Segment* s = segment_of_pollfd(fd);
    return s && s->ctrl->bus == bus ? s : nullptr;
}

// The calling node's controller if one of `fds` is its pollfd: the one
// whose interrupt the wait can sleep on.
Controller* own_controller_among(const struct pollfd fds[], nfds_t nfds, rsm::hw::Bus* bus) {
    for (nfds_t i = 0; i < nfds; ++i)
        if (Segment* s = own_segment_of_pollfd(fds[i].fd, bus)) return s->ctrl;
    return nullptr;
}

int poll_error() {
    if (errno == EFAULT) return RSMERR_BAD_ADDR;
    if (errno == EINTR) return RSMERR_INTERRUPTED;
    if (errno == EAGAIN) return RSMERR_INSUFFICIENT_RESOURCES;
    return RSMERR_BAD_ARGS_ERRORS;
}

// After poll(): consumes one event per ready segment of this node (a lost
// race clears its revents), hides another node's pollfds (not this node's
// to consume) and counts the descriptors with events.
int consume_ready(struct pollfd fds[], nfds_t nfds, rsm::hw::Bus* bus) {
    int n = 0;
    for (nfds_t i = 0; i < nfds; ++i) {
        Segment* any = segment_of_pollfd(fds[i].fd);
        Segment* s = any && any->ctrl->bus == bus ? any : nullptr;
        if (any && !s) fds[i].revents = 0;   // another node's
        if (s && fds[i].revents == POLLRDNORM) {
            rsm::hw::BusLock guard(*s->ctrl->bus);
            bool taken = false;
            if (!segment_has_entry(*s) ||
                !s->ctrl->hal.signal_take(s->kind == SegKind::Import, segment_slot(*s), taken))
                taken = false;
            if (!taken) fds[i].revents = 0;
            sync_pollfds(*s->ctrl);
        }
        if (fds[i].revents) ++n;
    }
    return n;
}

// Waits in simulated time until one of `fds` has an event (the kernel's
// poll() looks at them, this node's pollfds brought up to date first) or
// `timeout_ns` pass (negative: none). The number ready (0: timed out), or
// -1 with errno from poll(). `consume`: this node's ready pollfds take
// their event (rsm_intr_signal_wait_pollfd); a program's own poll() only
// looks.
int wait_for_events(struct pollfd fds[], nfds_t nfds, int64_t timeout_ns, rsm::hw::Bus* bus, bool consume) {
    const uint64_t start = bus ? bus->now_ns() : 0;
    const bool forever = timeout_ns < 0;
    const uint64_t limit = forever ? 0 : static_cast<uint64_t>(timeout_ns);
    for (;;) {
        // Bring this node's descriptors up to date, then ask the kernel. A
        // pollfd of another node counts as an ordinary descriptor that never
        // reports an event here.
        Controller* mine = own_controller_among(fds, nfds, bus);
        uint64_t epoch = 0;
        if (mine) {
            rsm::hw::BusLock guard(*mine->bus);
            epoch = mine->hal.signal_epoch();
            sync_pollfds(*mine);
        }
        const int polled = ::poll(fds, nfds, 0);
        if (polled < 0) return -1;
        const int n = consume ? consume_ready(fds, nfds, bus) : polled;
        if (n != 0) return n;
        if (!bus) return 0;   // outside a node: nothing can make time pass
        const uint64_t waited = bus->now_ns() - start;
        if (!forever && waited >= limit) return 0;
        if (mine) {
            (void)mine->hal.sleep_until_signal(epoch, forever ? rsm::hw::kNoTimeout : limit - waited);
        } else if (nfds == 0 && !forever) {
            bus->sleep_ns(limit - waited);   // nothing to look at: a sleep
        } else {
            // Only ordinary descriptors: nothing of the adapter can wake us
            // (its line may well be up for other segments), so look again
            // after a while of simulated time.
            constexpr uint64_t kOrdinaryPollNs = 10'000;
            bus->look_again_ns(forever ? kOrdinaryPollNs : std::min(kOrdinaryPollNs, limit - waited));
        }
    }
}

}  // namespace

int impl_rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds, int timeout, int* numfdsp) {
    if (numfdsp) *numfdsp = 0;
    if (nfds > 0 && !fds) return RSMERR_BAD_ADDR;
    const int n = wait_for_events(fds, nfds, timeout < 0 ? -1 : int64_t{timeout} * 1'000'000, rsm::hw::current_bus(), true);
    if (n < 0) return poll_error();
    if (n == 0) return RSMERR_TIMEOUT;
    if (numfdsp) *numfdsp = n;
    return RSM_SUCCESS;
}

namespace rsm::hw {

bool simulated_poll(struct pollfd* fds, nfds_t nfds, int64_t timeout_ns, int& ready) {
    RuntimeScope in;
    Bus* bus = attached_remote_bus();
    if (!bus) return false;
    ready = wait_for_events(fds, nfds, timeout_ns, bus, false);
    return true;
}

}  // namespace rsm::hw

// ===================================================================== mapping

int impl_rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg, void** address, rsm_attribute_t attr,
                                  rsm_permission_t perm, off_t offset, size_t length) {
    if (!im_memseg) return RSMERR_BAD_SEG_HNDL;
    ImportSegment* s = as_import(im_memseg);
    if (!address) return RSMERR_BAD_ADDR;
    if (s && s->map) return RSMERR_SEG_ALREADY_MAPPED;
    // [DIFF] the man page says SEG_NOT_CONNECTED; the original returns BAD_SEG_HNDL.
    if (!s || s->state != SegState::ImportConnected) return RSMERR_BAD_SEG_HNDL;
    rsm::hw::BusLock guard(*s->ctrl->bus);
    return map_segment(*s, address, attr, perm, offset, length);
}

int impl_rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg) {
    ImportSegment* s = as_import(im_memseg);
    if (!s) return RSMERR_BAD_SEG_HNDL;
    if (!s->map) return RSMERR_SEG_NOT_MAPPED;
    if (s->pollfd_refs > 0) return RSMERR_POLLFD_IN_USE;   // as the man page says (the original did not check)
    rsm::hw::BusLock guard(*s->ctrl->bus);
    return unmap_segment(*s);
}
