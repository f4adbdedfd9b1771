// HostMemory: a node's memory as the adapter sees it through an IOMMU. The
// node program's buffers are real process memory; the driver pins ranges
// (Bus::dma_map) and gets bus addresses for them; the adapter's DMA may touch
// mapped bus addresses only. Any other access is a bus error (the adapter counts and reports it),
// never a wild write. Bus addresses are handed out in order from a fixed base,
// so runs are reproducible whatever the host's address-space layout.
#pragma once

#include <systemc>
#include <tlm>

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>

#include "rsmsim/model/blocking_target.h"
#include "rsmsim/model/process_memory.h"
#include "rsmsim/model/timing.h"

namespace rsmsim::model {

class HostMemory : public sc_core::sc_module, private BlockingTarget {
public:
    tlm::tlm_target_socket<> dma;   // the adapter's DMA initiator binds here

    HostMemory(sc_core::sc_module_name name, const TimingProfile& timing);

    static constexpr uint64_t kBusBase = 0x100000000ull;   // first bus address handed out
    // IOMMU entries: at most this many ranges are pinned at once (exported
    // segments, local memory handles, the entries of a putv/getv in flight).
    static constexpr size_t kMaxMappings = 1024;

    // What the adapter may do with pinned memory.
    enum class Access : unsigned { Read = 1, Write = 2, ReadWrite = 3 };
    // Fault: some byte is not mapped (or PROT_NONE); Denied: mapped, but some
    // page lacks a right the access needs; NoResources: every IOMMU entry is
    // in use, or the page table could not be read (no descriptor left, say).
    enum class PinStatus { Ok, Fault, Denied, NoResources };
    // Pin [va, va+len) for `access`: checks the host process's own page table
    // as a kernel locking pages would. Ok sets `bus_addr`.
    PinStatus pin(void* va, size_t len, Access access, uint64_t& bus_addr);
    void unpin(uint64_t bus_addr, size_t len);
    // The host pointer behind [bus_addr, bus_addr+len), or nullptr unless it
    // lies in one mapping pinned for `access`.
    uint8_t* host_pointer(uint64_t bus_addr, size_t len, Access access) const;
    // The same, and the end of the mapping it lies in.
    uint8_t* host_pointer(uint64_t bus_addr, size_t len, Access access, const uint8_t*& mapping_end) const;
    // From now on the memory is that of process `pid` (a node program that
    // runs as its own process): pinning reads its page table, DMA copies to
    // and from it with process_vm_readv/writev. Forgets every pinned range.
    // `threaded`: set by the process once it has started a thread (see
    // ProcessMemory); it outlives the attachment.
    void attach_process(pid_t pid, const std::atomic<uint32_t>* threaded);
    // The attached process computes again (its call is answered): every
    // DMA write reaches its memory now, and what DMA read before is read
    // again next time. False if the process is gone.
    bool process_resumes();

    // Whether host memory [va, va+len) lies in one pinned range.
    bool is_pinned(const void* va, size_t len) const;

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) override;
    // Copies between the node's memory at `host` and `data`; false if the
    // process is gone.
    bool copy(uint8_t* host, uint8_t* data, size_t len, bool to_host, const uint8_t* limit);
    void flush_on_timer();

    const TimingProfile& timing_;
    struct Mapping {
        uint8_t* va;
        size_t len;
        Access access;
    };
    std::map<uint64_t, Mapping> mappings_;   // bus address -> host range
    uint64_t next_bus_ = kBusBase;
    pid_t pid_ = 0;   // 0: this process
    std::unique_ptr<ProcessMemory> process_;   // when pid_ != 0
    sc_core::sc_event flush_due_;   // gathered writes wait at most ProcessMemory::kStaleNs
};

}  // namespace rsmsim::model
