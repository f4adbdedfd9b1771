// The Bus seam over a socket: how a node program running as its own OS
// process (`rsmsim exec`) reaches its node's adapter in the simulator. One
// connection per process; every Bus call is one request and one reply, in
// order. The simulator's side is sim/src/attach.cpp; librsm's is
// driver/src/remote_bus.cpp. Bulk data never travels here: DMA reads and
// writes the process's memory directly (process_vm_readv/writev), only
// programmed I/O bursts (window put/get) carry their bytes.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace rsm::remote {

// The environment the launcher gives each node process.
inline constexpr const char* kEnvFd = "RSMSIM_FD";         // the connection's descriptor
inline constexpr const char* kEnvNode = "RSMSIM_NODE";     // the node id (4, 8, ...)

enum class Op : uint32_t {
    Hello = 1,      // a = pid: the process attaches (first request)
    Read32,         // a = offset
    Write32,        // a = offset, b = value
    Read64,
    Write64,
    WriteBlock,     // a = offset, payload = bytes
    ReadBlock,      // a = offset, b = length; reply payload = bytes
    WaitIrq,        // a = timeout ns (UINT64_MAX: none); reply value = level
    SleepNs,        // a = ns
    Now,            // reply value = ns
    DmaMap,         // a = va, b = len, c = access; reply value = bus address, status = PinResult
    DmaUnmap,       // a = bus address, b = len
};

struct Request {
    Op op;
    uint32_t payload;   // bytes that follow
    uint64_t a, b, c;
};

struct Reply {
    uint32_t status;      // 1 = ok (Bus calls' bool), or a PinResult for DmaMap
    uint32_t payload;     // bytes that follow
    uint64_t value;
    uint64_t irq_rises;   // how often the node's interrupt line rose so far
};

// A burst is at most one window slot (256 MiB); neither side accepts more.
inline constexpr uint32_t kMaxPayload = 1u << 28;

// Whole messages over the stream socket; false if the other side is gone.
inline bool send_all(int fd, const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    while (n > 0) {
        const ssize_t w = ::send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        b += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

inline bool recv_all(int fd, void* p, size_t n) {
    auto* b = static_cast<uint8_t*>(p);
    while (n > 0) {
        const ssize_t r = ::recv(fd, b, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        b += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

}  // namespace rsm::remote
