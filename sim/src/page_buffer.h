// Page-aligned, zeroed memory for the simulator's own workloads (exported
// segments and DMA buffers must be whole pages).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace rsmsim {

struct PageBuffer {
    explicit PageBuffer(size_t n)
        : len((n + 4095) / 4096 * 4096), p(static_cast<uint8_t*>(std::aligned_alloc(4096, len))) {
        if (p) std::memset(p, 0, len);
    }
    ~PageBuffer() { std::free(p); }
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    size_t len;
    uint8_t* p;
};

}  // namespace rsmsim
