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
    // Bus addresses depend only on the order and sizes of mappings, never on
    // where the host put the buffer (that would make runs differ). An
    // unmapped guard page separates mappings, so an overrun is a bus error,
    // not a neighbour's data.
    const uint64_t page = 4096;
    const uint64_t bus = next_bus_;
    next_bus_ += (len + page - 1) / page * page + page;
    mappings_[bus] = Mapping{static_cast<uint8_t*>(va), len};
    return bus;
}

void HostMemory::unpin(uint64_t bus_addr, size_t len) {
    auto it = mappings_.find(bus_addr);
    if (it != mappings_.end() && it->second.len == len) mappings_.erase(it);
}

uint8_t* HostMemory::host_pointer(uint64_t bus_addr, size_t len) const {
    auto it = mappings_.upper_bound(bus_addr);
    if (it == mappings_.begin() || bus_addr + len < bus_addr) return nullptr;
    --it;
    const uint64_t off = bus_addr - it->first;
    if (off > it->second.len || len > it->second.len - off) return nullptr;
    return it->second.va + off;
}

bool HostMemory::is_pinned(const void* va, size_t len) const {
    const auto* p = static_cast<const uint8_t*>(va);
    for (const auto& [bus, m] : mappings_)
        if (p >= m.va && p + len <= m.va + m.len) return true;
    return false;
}

void HostMemory::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    const uint64_t addr = t.get_address();
    const size_t len = t.get_data_length();
    if (t.get_byte_enable_ptr() || t.get_streaming_width() != len) {
        t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    uint8_t* host = len == 0 ? nullptr : host_pointer(addr, len);
    if (!host) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (t.is_write())
        std::memcpy(host, t.get_data_ptr(), len);
    else if (t.is_read())
        std::memcpy(t.get_data_ptr(), host, len);
    delay += sc_core::sc_time(timing_.host_mem_ns + transfer_ns(double(len), timing_.host_MBps),
                              sc_core::SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rsmsim::model
