// librsm internals: handle objects and the registry that validates handles
// before they are dereferenced (a stale or foreign pointer is an error code,
// never a crash).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "librsm/handles.h"
#include "rsm/bus.h"
#include "rsmapi.h"

namespace rsm::hw {
Bus* current_bus();          // the calling node's adapter, via the installed resolver
Bus* current_bus_if_any();   // the same, or nullptr without complaint (tracing)
}

namespace rsm::lib {

// One adapter as the library sees it. The HAL (registers, window, DMA,
// interrupts) and the agent (segment ids, table slots, connect protocol,
// generations) sit side by side: data operations go to `hal`, resource
// management to `agent`, which uses the same HAL.
struct Controller {
    hw::Bus* bus;
    hal::AdapterHal hal;
    agent::Agent agent;
    int refcount = 0;
    rsmapi_controller_attr_t attr{};
    std::set<struct Segment*> polled;   // segments with a pollfd
    bool isr_installed = false;
    explicit Controller(hw::Bus* b) : bus(b), hal(*b), agent(hal) {}
};

enum class SegKind { Export, Import };
enum class SegState { ExportBind, ExportPublished, ImportConnected };

struct Segment {
    SegKind kind;
    SegState state;
    Controller* ctrl;
    // pollfd: a pipe whose read end is readable while an event is pending.
    int poll_read = -1;
    int poll_write = -1;
    int pollfd_refs = 0;
    bool poll_ready = false;
    uintptr_t handle = 0;   // the application's handle (handles.h)
    Segment(SegKind k, SegState s, Controller* c) : kind(k), state(s), ctrl(c) {}
    virtual ~Segment() = default;
};

struct ExportSegment : Segment {
    void* vaddr;
    size_t length;
    uint_t flags;
    uint64_t bus_addr;
    rsm_memseg_id_t segid = 0;
    unsigned slot = 0;
    ExportSegment(Controller* c, void* va, size_t len, uint_t fl, uint64_t ba)
        : Segment(SegKind::Export, SegState::ExportBind, c), vaddr(va), length(len), flags(fl),
          bus_addr(ba) {}
};

// A mapping of (part of) an imported segment: local pages that loads and
// stores use, kept coherent at barrier boundaries (see mapping.cpp).
struct Mapping {
    uint8_t* addr;
    size_t length;       // bytes of the segment mapped
    size_t pages;        // bytes reserved (whole pages)
    size_t seg_offset;   // where in the segment the mapping starts
    bool readable;
    bool writable;
    std::vector<uint8_t> twin;   // contents as last read from / written to the segment
};

struct ImportSegment : Segment {
    rsm_node_id_t node;
    rsm_memseg_id_t segid;
    rsm_permission_t perm;        // connect-time permission
    size_t size;
    unsigned slot;
    uint16_t gnum;                // generation number obtained at connect
    rsm_barrier_mode_t mode = RSM_BARRIER_MODE_IMPLICIT;
    rsmapi_barrier_t* barrier = nullptr;   // registered by init_barrier
    std::unique_ptr<Mapping> map;          // set by rsm_memseg_import_map
    ImportSegment(Controller* c, rsm_node_id_t n, rsm_memseg_id_t id, rsm_permission_t p,
                  size_t sz, unsigned sl, uint16_t g)
        : Segment(SegKind::Import, SegState::ImportConnected, c), node(n), segid(id), perm(p),
          size(sz), slot(sl), gnum(g) {}
};

// Provider-level barrier state; rsmapi_barrier_t::privdata holds its handle.
struct BarrierState {
    Controller* ctrl;
    const rsmapi_barrier_t* owner;   // the application's struct it was initialised in
    uintptr_t handle = 0;
    bool opened = false;
    hal::BarrierSnapshot snap{};
};

// A local memory handle: a buffer pinned once for repeated putv/getv.
struct LocalMemory {
    Controller* ctrl;
    void* vaddr;
    size_t length;
    uint64_t bus_addr;
    bool writable;   // the device may write it (getv): the pages were writable when pinned
    uintptr_t handle = 0;
};

// The node's controller object (made on first use; attach() not yet done).
Controller& controller_of(hw::Bus* bus);
// Export entry or import slot of a segment, and whether it holds one now.
unsigned segment_slot(const Segment& s);
bool segment_has_entry(const Segment& s);

// pollfd.cpp. Callers hold the Bus lock.
// Re-reads the pending maps and updates every pollfd of the controller.
void sync_pollfds(Controller& c);
int get_pollfd(Segment& s, struct pollfd* fd);
void release_pollfd(Segment& s);
Segment* segment_of_pollfd(int fd);

// mapping.cpp. Callers hold the Bus lock.
int map_segment(ImportSegment& s, void** address, rsm_attribute_t attr, rsm_permission_t perm, off_t offset,
                size_t length);
int unmap_segment(ImportSegment& s);
// Writes the stores made through the mapping back to the segment.
void flush_mapping(ImportSegment& s);
// flush_mapping, then re-reads the mapped range from the segment.
void refresh_mapping(ImportSegment& s);

}  // namespace rsm::lib
