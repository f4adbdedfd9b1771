#include "rsmsim/model/host_memory.h"

#include "rsmsim/model/sim_time.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace rsmsim::model {

HostMemory::HostMemory(sc_core::sc_module_name name, const TimingProfile& timing)
    : sc_module(name), dma("dma"), timing_(timing) {
    dma.bind(*this);
    SC_HAS_PROCESS(HostMemory);
    SC_METHOD(flush_on_timer);
    sensitive << flush_due_;
    dont_initialize();
}

namespace {

using Access = HostMemory::Access;
using PinStatus = HostMemory::PinStatus;

bool allows(Access have, Access want) {
    return (static_cast<unsigned>(have) & static_cast<unsigned>(want)) == static_cast<unsigned>(want);
}

// What the node's process's page table allows over [begin, end): Fault if
// any byte is unmapped or inaccessible (PROT_NONE), Denied if some page lacks
// a right `want` needs. Read from /proc/PID/maps, the kernel's view.
PinStatus host_pages(const std::string& maps_file, uintptr_t begin, uintptr_t end, Access want) {
    std::ifstream maps(maps_file);
    if (!maps) return PinStatus::NoResources;
    std::string line;
    uintptr_t covered = begin;   // everything below is mapped with the rights wanted
    PinStatus result = PinStatus::Ok;
    while (covered < end && std::getline(maps, line)) {
        unsigned long lo = 0, hi = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
        if (hi <= covered) continue;
        if (lo > covered) return PinStatus::Fault;   // a hole (the file is sorted by address)
        const bool r = perms[0] == 'r', w = perms[1] == 'w';
        if (!r && !w) return PinStatus::Fault;
        const Access have = static_cast<Access>((r ? 1u : 0u) | (w ? 2u : 0u));
        if (!allows(have, want)) result = PinStatus::Denied;
        covered = hi;
    }
    return covered >= end ? result : PinStatus::Fault;
}

}  // namespace

HostMemory::PinStatus HostMemory::pin(void* va, size_t len, Access access, uint64_t& bus_addr) {
    const auto addr = reinterpret_cast<uintptr_t>(va);
    if (!va || len == 0 || addr + len < addr) return PinStatus::Fault;
    if (mappings_.size() >= kMaxMappings) return PinStatus::NoResources;
    const std::string maps = pid_ ? "/proc/" + std::to_string(pid_) + "/maps" : "/proc/self/maps";
    if (PinStatus r = host_pages(maps, addr, addr + len, access); r != PinStatus::Ok) return r;
    // Bus addresses depend only on the order and sizes of mappings, never on
    // where the host put the buffer (that would make runs differ). An
    // unmapped guard page separates mappings, so an overrun is a bus error,
    // not a neighbour's data.
    const uint64_t page = 4096;
    bus_addr = next_bus_;
    next_bus_ += (len + page - 1) / page * page + page;
    mappings_[bus_addr] = Mapping{static_cast<uint8_t*>(va), len, access};
    return PinStatus::Ok;
}

void HostMemory::unpin(uint64_t bus_addr, size_t len) {
    auto it = mappings_.find(bus_addr);
    if (it != mappings_.end() && it->second.len == len) mappings_.erase(it);
}

void HostMemory::attach_process(pid_t pid, const std::atomic<uint32_t>* threaded) {
    pid_ = pid;
    process_ = std::make_unique<ProcessMemory>(pid, threaded);
    mappings_.clear();
}

bool HostMemory::process_resumes() { return !process_ || process_->forget(); }

void HostMemory::flush_on_timer() {
    if (process_) (void)process_->flush();   // a process that is gone is noticed on its connection
}

bool HostMemory::copy(uint8_t* host, uint8_t* data, size_t len, bool to_host, const uint8_t* limit) {
    if (!process_) {
        if (to_host) std::memcpy(host, data, len);
        else std::memcpy(data, host, len);
        return true;
    }
    // Another process's memory: the kernel copies it directly, no socket.
    if (!to_host) {
        const uint64_t now = whole_ns(sim_now());
        return process_->read(host, data, len, limit, now);
    }
    if (!process_->write(host, data, len)) return false;
    // An earlier flush already due stays as it is (sc_event keeps the earliest).
    if (process_->time_bound() && process_->has_pending_writes())
        flush_due_.notify(sc_core::sc_time(double(ProcessMemory::kStaleNs), sc_core::SC_NS));
    return true;
}

uint8_t* HostMemory::host_pointer(uint64_t bus_addr, size_t len, Access access) const {
    const uint8_t* end = nullptr;
    return host_pointer(bus_addr, len, access, end);
}

uint8_t* HostMemory::host_pointer(uint64_t bus_addr, size_t len, Access access, const uint8_t*& mapping_end) const {
    auto it = mappings_.upper_bound(bus_addr);
    if (it == mappings_.begin() || bus_addr + len < bus_addr) return nullptr;
    --it;
    if (!allows(it->second.access, access)) return nullptr;
    const uint64_t off = bus_addr - it->first;
    if (off > it->second.len || len > it->second.len - off) return nullptr;
    mapping_end = it->second.va + it->second.len;
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
    // The IOMMU refuses a write to memory pinned for reading only.
    const Access need = t.is_write() ? Access::Write : Access::Read;
    const uint8_t* end = nullptr;
    uint8_t* host = len == 0 ? nullptr : host_pointer(addr, len, need, end);
    if (!host) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (!copy(host, t.get_data_ptr(), len, t.is_write(), end)) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);   // the process went away
        return;
    }
    delay += ns_time(timing_.host_mem_ns + transfer_ns(double(len), timing_.host_MBps));
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rsmsim::model
