#include "rsmsim/model/host_memory.h"

#include <cstring>

namespace rsmsim::model {

HostMemory::HostMemory(sc_core::sc_module_name name, const TimingProfile& timing)
    : sc_module(name), dma("dma"), timing_(timing) {
    dma.register_b_transport(this, &HostMemory::b_transport);
}

uint64_t HostMemory::pin(void* va, size_t len) {
    const auto addr = reinterpret_cast<uint64_t>(va);
    if (!va || len == 0 || addr + len < addr) return 0;
    pinned_.emplace(addr, len);
    return addr;
}

void HostMemory::unpin(uint64_t bus_addr, size_t len) {
    auto [lo, hi] = pinned_.equal_range(bus_addr);
    for (auto it = lo; it != hi; ++it) {
        if (it->second == len) {
            pinned_.erase(it);
            return;
        }
    }
}

bool HostMemory::is_pinned(uint64_t addr, size_t len) const {
    if (addr + len < addr) return false;
    // Ranges are few (one per export or DMA buffer): a scan is fine.
    for (const auto& [start, n] : pinned_)
        if (addr >= start && addr + len <= start + n) return true;
    return false;
}

void HostMemory::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    const uint64_t addr = t.get_address();
    const size_t len = t.get_data_length();
    if (t.get_byte_enable_ptr() || t.get_streaming_width() != len) {
        t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        ++refused_;
        return;
    }
    if (len == 0 || !is_pinned(addr, len)) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        ++refused_;
        return;
    }
    auto* host = reinterpret_cast<uint8_t*>(addr);
    if (t.is_write())
        std::memcpy(host, t.get_data_ptr(), len);
    else if (t.is_read())
        std::memcpy(t.get_data_ptr(), host, len);
    delay += sc_core::sc_time(timing_.host_mem_ns + transfer_ns(double(len), timing_.host_MBps),
                              sc_core::SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rsmsim::model
