#include "rsmsim/model/process_memory.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>

namespace rsmsim::model {

namespace {
bool intersects(const uint8_t* a, size_t alen, const uint8_t* b, size_t blen) {
    return alen > 0 && blen > 0 && a < b + blen && b < a + alen;
}
}  // namespace

bool ProcessMemory::overlaps_pending_write(const uint8_t* p, size_t len) const {
    return intersects(p, len, wbase_, wlen_);
}

bool ProcessMemory::overlaps_read_cache(const uint8_t* p, size_t len) const {
    return intersects(p, len, rbase_, rlen_);
}

bool ProcessMemory::read(const uint8_t* host, uint8_t* out, size_t len, const uint8_t* limit, uint64_t now_ns) {
    const bool cached = host >= rbase_ && host + len <= rbase_ + rlen_ && (!time_bound() || now_ns - rtime_ < kStaleNs);
    if (!cached) {
        const size_t want = std::max(len, std::min(kChunk, static_cast<size_t>(limit - host)));
        // Gathered writes anywhere in the chunk go out first, or the chunk
        // would keep the bytes from before them (a write after the fetch
        // drops the chunk instead).
        if (overlaps_pending_write(host, want) && !flush()) return false;
        rbuf_.resize(want);
        struct iovec local{rbuf_.data(), want}, remote{const_cast<uint8_t*>(host), want};
        rlen_ = 0;
        if (::process_vm_readv(pid_, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(want)) return false;
        rbase_ = host;
        rlen_ = want;
        rtime_ = now_ns;
    }
    std::memcpy(out, rbuf_.data() + (host - rbase_), len);
    return true;
}

bool ProcessMemory::write(uint8_t* host, const uint8_t* in, size_t len) {
    if (overlaps_read_cache(host, len)) rlen_ = 0;
    const bool extends = wlen_ > 0 && host == wbase_ + wlen_ && wlen_ + len <= kChunk;
    if (!extends) {
        if (!flush()) return false;
        wbase_ = host;
    }
    if (wbuf_.size() < wlen_ + len) wbuf_.resize(std::max(kChunk, wlen_ + len));
    std::memcpy(wbuf_.data() + wlen_, in, len);
    wlen_ += len;
    return true;
}

bool ProcessMemory::flush() {
    if (wlen_ == 0) return true;
    struct iovec local{wbuf_.data(), wlen_}, remote{wbase_, wlen_};
    const bool ok = ::process_vm_writev(pid_, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(wlen_);
    wlen_ = 0;
    return ok;
}

bool ProcessMemory::forget() {
    rlen_ = 0;
    return flush();
}

}  // namespace rsmsim::model
