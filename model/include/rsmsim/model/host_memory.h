// HostMemory: a node's memory as the adapter sees it through an IOMMU. The
// node program's buffers are real process memory; the driver pins ranges
// (Bus::dma_map) and the adapter's DMA may touch pinned ranges only. Any other
// access is a bus error that is counted, never a wild write.
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

    // Pin [va, va+len). Returns the bus address (identity: the VA) or 0.
    uint64_t pin(void* va, size_t len);
    void unpin(uint64_t bus_addr, size_t len);
    bool is_pinned(uint64_t addr, size_t len) const;
    uint64_t refused() const { return refused_; }

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);

    const TimingProfile& timing_;
    std::multimap<uint64_t, size_t> pinned_;   // start -> length
    uint64_t refused_ = 0;
};

}  // namespace rsmsim::model
