// Page-aligned, zeroed memory for the simulator's own workloads (exported
// segments and DMA buffers must be whole pages).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "adapter_regs.h"

namespace rsmsim {

inline constexpr size_t kPage = rsm::regs::kPageSize;

// `n` rounded up to whole pages.
inline size_t whole_pages(size_t n) { return (n + kPage - 1) / kPage * kPage; }

struct PageBuffer {
    explicit PageBuffer(size_t n) : len(whole_pages(n)), p(static_cast<uint8_t*>(std::aligned_alloc(kPage, len))) {
        if (p) std::memset(p, 0, len);
    }
    ~PageBuffer() { std::free(p); }
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    size_t len;
    uint8_t* p;
};

}  // namespace rsmsim
