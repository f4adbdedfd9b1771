// Page-aligned, zeroed memory for the simulator's own workloads (exported
// segments and DMA buffers must be whole pages).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

#include "adapter_regs.h"

namespace rsmsim {

inline constexpr size_t kPage = rsm::regs::kPageSize;

// `n` rounded up to whole pages.
inline size_t whole_pages(size_t n) { return (n + kPage - 1) / kPage * kPage; }

// Fresh anonymous pages: zero without a memset, backed only as they are
// touched, and in huge pages where the kernel has them (a 64-node
// all-to-all's segments are 256 MiB: faulting them in 4 KiB pages took
// more host time than the fast fidelity's whole simulation). p is nullptr
// if the memory could not be had.
struct PageBuffer {
    explicit PageBuffer(size_t n) : len(whole_pages(n)), p(map(len)) {}
    ~PageBuffer() {
        if (p) ::munmap(p, len);
    }
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    size_t len;
    uint8_t* p;

private:
    static uint8_t* map(size_t len) {
        void* m = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return nullptr;
        (void)::madvise(m, len, MADV_HUGEPAGE);   // a hint: fine if refused
        return static_cast<uint8_t*>(m);
    }
};

}  // namespace rsmsim
