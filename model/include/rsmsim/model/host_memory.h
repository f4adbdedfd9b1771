// HostMemory: a node's memory as the adapter sees it through an IOMMU. The
// node program's buffers are real process memory; the driver pins ranges
// (Bus::dma_map) and gets bus addresses for them; the adapter's DMA may touch
// mapped bus addresses only. Any other access is a bus error (the adapter counts and reports it),
// never a wild write. Bus addresses are handed out in order from a fixed base,
// so runs are reproducible whatever the host's address-space layout.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <map>

#include "rsmsim/model/timing.h"

namespace rsmsim::model {

class HostMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostMemory> dma;   // the adapter's DMA initiator binds here

    HostMemory(sc_core::sc_module_name name, const TimingProfile& timing);

    static constexpr uint64_t kBusBase = 0x100000000ull;   // first bus address handed out

    // Pin [va, va+len). Returns its bus address, or 0 if the range is empty or wraps.
    uint64_t pin(void* va, size_t len);
    void unpin(uint64_t bus_addr, size_t len);
    // The host pointer behind [bus_addr, bus_addr+len), or nullptr if not all mapped.
    uint8_t* host_pointer(uint64_t bus_addr, size_t len) const;
    // Whether host memory [va, va+len) lies in one pinned range.
    bool is_pinned(const void* va, size_t len) const;

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);

    const TimingProfile& timing_;
    struct Mapping {
        uint8_t* va;
        size_t len;
    };
    std::map<uint64_t, Mapping> mappings_;   // bus address -> host range
    uint64_t next_bus_ = kBusBase;
};

}  // namespace rsmsim::model
