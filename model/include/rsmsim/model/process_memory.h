// ProcessMemory: DMA into the memory of another OS process (a node program
// under `rsmsim exec`), with the kernel's cross-process copies
// (process_vm_readv/writev). A system call per 64-byte packet cost more than
// the rest of the simulation of a bulk transfer, so reads fetch a chunk
// ahead and writes gather contiguous bytes.
//
// Exact for a program of one thread: while it is in a call its memory
// changes only by DMA, and HostMemory::process_resumes() writes everything
// out and forgets what was read before it computes again; in between, what
// was read stays valid and writes wait. Once the program has started a
// thread (`threaded`, which the process sets), another thread may look at
// or change memory while one is in a call: then it sees DMA writes at most
// kStaleNs of simulated time late, and a DMA read sees no store older than
// that (HostMemory flushes on a timer).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rsmsim::model {

class ProcessMemory {
public:
    static constexpr size_t kChunk = 64 * 1024;
    static constexpr uint64_t kStaleNs = 1000;

    ProcessMemory(pid_t pid, const std::atomic<uint32_t>* threaded) : pid_(pid), threaded_(threaded) {}

    // Copies [host, host+len) into `out`; may read ahead up to `limit` (the
    // end of the pinned range). False if the process is gone.
    bool read(const uint8_t* host, uint8_t* out, size_t len, const uint8_t* limit, uint64_t now_ns);
    // Copies `in` to [host, host+len), perhaps later (by flush()). False if
    // the process is gone.
    bool write(uint8_t* host, const uint8_t* in, size_t len);
    // Writes out what write() gathered. False if the process is gone.
    bool flush();
    // Writes out, and forgets what was read: the process may change its memory now.
    bool forget();
    bool has_pending_writes() const { return wlen_ > 0; }
    // Whether copies may be at most kStaleNs old (else until the process resumes).
    bool time_bound() const { return threaded_ && threaded_->load(std::memory_order_relaxed) != 0; }

private:
    bool overlaps_pending_write(const uint8_t* p, size_t len) const;
    bool overlaps_read_cache(const uint8_t* p, size_t len) const;

    pid_t pid_;
    const std::atomic<uint32_t>* threaded_;
    std::vector<uint8_t> rbuf_;
    const uint8_t* rbase_ = nullptr;   // what rbuf_ holds: [rbase_, rbase_+rlen_), read at rtime_
    size_t rlen_ = 0;
    uint64_t rtime_ = 0;
    std::vector<uint8_t> wbuf_;
    uint8_t* wbase_ = nullptr;         // what wbuf_ holds: [wbase_, wbase_+wlen_)
    size_t wlen_ = 0;
};

}  // namespace rsmsim::model
