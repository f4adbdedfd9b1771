// SCI-flavoured fabric packets: a 16-byte header, a 0/16/64-byte payload and
// a 2-byte CRC. Every request is answered by exactly one response.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace rsmsim::model {

// A packet's payload, kept inline: SCI packets carry at most 64 bytes, and a
// heap block per packet cost more than the bytes themselves.
class Payload {
public:
    static constexpr size_t kCapacity = 64;
    size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    uint8_t* data() { return b_.data(); }
    const uint8_t* data() const { return b_.data(); }
    void clear() { n_ = 0; }
    // New bytes are zero, as a vector's would be.
    void resize(size_t n) {
        const size_t old = n_;
        n_ = fit(n);
        if (n_ > old) std::memset(b_.data() + old, 0, n_ - old);
    }
    void assign(size_t n, uint8_t v) { std::memset(b_.data(), v, n_ = fit(n)); }
    void assign(const uint8_t* first, const uint8_t* last) {
        n_ = fit(static_cast<size_t>(last - first));
        if (n_) std::memcpy(b_.data(), first, n_);
    }

private:
    static uint8_t fit(size_t n) {
        if (n > kCapacity) throw std::length_error("packet payload beyond 64 bytes");
        return static_cast<uint8_t>(n);
    }
    std::array<uint8_t, kCapacity> b_;
    uint8_t n_ = 0;
};

enum class Cmd : uint8_t {
    Write = 1,        // request: payload to <segid, offset>
    Read = 2,         // request: len bytes from <segid, offset>
    ReadResp = 3,     // response: data or error class
    Ack = 4,          // response to Write: error class
    Lookup = 5,       // request: does <segid> exist for me, how big, which rights
    LookupResp = 6,   // response: error class, size, rights
    Bell = 7,         // request: a signal post for <segid>
    BellAck = 8,      // response: error class
};

inline bool is_response(Cmd c) {
    return c == Cmd::ReadResp || c == Cmd::Ack || c == Cmd::LookupResp || c == Cmd::BellAck;
}

struct Packet {
    Cmd cmd{};
    uint16_t src = 0;
    uint16_t dst = 0;
    uint32_t txn = 0;        // transaction id, echoed in the response
    uint32_t segid = 0;
    uint64_t offset = 0;
    uint32_t len = 0;        // bytes written or requested
    uint8_t err = 0;         // ERR_CLASS in responses
    uint32_t size = 0;       // LookupResp: segment size
    uint8_t perm = 0;        // LookupResp: {WRITE, READ}
    bool no_accumulate = false;   // Bell
    bool to_importer = false;     // Bell: from an exporter to its importers
    bool revoke = false;          // Bell to importers: the segment was unpublished
    Payload data;
    // Simulation bookkeeping, not on the wire (the hardware keeps it in its
    // transaction table): the DMA descriptor and host address of a DMA
    // packet, echoed in the response.
    int dma_entry = -1;
    uint64_t local = 0;
    bool corrupt = false;   // arrives with a bad CRC: the target discards it
    uint64_t id = 0;        // the fabric's number for it (waveforms: on every link it crosses)
    // The fast fidelity's trains: a whole DMA entry as one message standing
    // for `train` packets (their SCI split of <offset, len>), its bytes in
    // the fabric's store (`bulk`: a slot, 0 for none; a plain number keeps
    // packets cheap to move); its answer says how many of them failed. A
    // source slower than the link stretches the train to `pace_ns`.
    uint32_t train = 1;
    uint32_t failed = 0;   // an answer: its last `failed` packets failed; a request: the last ones never came

    uint32_t bulk = 0;
    double pace_ns = 0;

    static constexpr uint32_t kHeaderBytes = 16;
    static constexpr uint32_t kCrcBytes = 2;
    static constexpr uint32_t kMaxPayload = 64;

    // Bytes on the wire: payloads travel in 16- or 64-byte SCI data blocks.
    uint32_t wire_bytes() const {
        if (train > 1) return carries_data() ? data_train_bytes(offset, len) : train * (kHeaderBytes + kCrcBytes);
        uint32_t payload = data.empty() ? 0 : (data.size() <= 16 ? 16 : kMaxPayload);
        return kHeaderBytes + payload + kCrcBytes;
    }
    // What a train holds a link for: a train without data (a put's answers,
    // a get's requests) flows alongside the data train it belongs to, so
    // only its last packet is left when the data is through.
    uint32_t occupancy_bytes() const {
        return train > 1 && !carries_data() ? kHeaderBytes + kCrcBytes : wire_bytes();
    }
    bool carries_data() const { return cmd == Cmd::Write || (cmd == Cmd::ReadResp && err == 0); }

    // The SCI packets of <offset, len>: at most 64 bytes, never crossing a
    // 64-byte boundary. Their number, and their bytes on the wire.
    static uint32_t packets_of(uint64_t offset, uint64_t len) {
        if (len == 0) return 0;
        return static_cast<uint32_t>((offset + len - 1) / kMaxPayload - offset / kMaxPayload + 1);
    }
    // The bytes of the first `k` of them.
    static uint64_t prefix_bytes(uint64_t offset, uint64_t len, uint32_t k) {
        if (k == 0) return 0;
        const uint64_t first = std::min<uint64_t>(len, kMaxPayload - offset % kMaxPayload);
        return std::min<uint64_t>(len, first + uint64_t{k - 1} * kMaxPayload);
    }
    static uint32_t data_train_bytes(uint64_t offset, uint64_t len) {
        auto block = [](uint64_t n) { return n <= 16 ? 16u : kMaxPayload; };
        const uint64_t first = std::min<uint64_t>(len, kMaxPayload - offset % kMaxPayload);
        const uint64_t rest = len - first;
        uint64_t bytes = kHeaderBytes + block(first) + kCrcBytes;
        bytes += rest / kMaxPayload * (kHeaderBytes + kMaxPayload + kCrcBytes);
        if (rest % kMaxPayload) bytes += kHeaderBytes + block(rest % kMaxPayload) + kCrcBytes;
        return static_cast<uint32_t>(bytes);
    }

    // A request to <dst, segid, offset>; the adapter fills in src and txn.
    static Packet request(Cmd c, uint16_t dst, uint32_t segid, uint64_t offset = 0, uint32_t len = 0) {
        Packet p;
        p.cmd = c;
        p.dst = dst;
        p.segid = segid;
        p.offset = offset;
        p.len = len;
        return p;
    }

    Packet response(Cmd c, uint8_t err_class) const {
        Packet r;
        r.cmd = c;
        r.src = dst;
        r.dst = src;
        r.txn = txn;
        r.segid = segid;
        r.offset = offset;
        r.len = len;
        r.err = err_class;
        r.dma_entry = dma_entry;
        r.local = local;
        r.to_importer = to_importer;   // whose BELL this answers
        r.train = train;
        r.failed = err_class ? train : 0;
        return r;
    }
};

// The response command that answers a request.
inline Cmd response_to(Cmd c) {
    switch (c) {
    case Cmd::Write: return Cmd::Ack;
    case Cmd::Read: return Cmd::ReadResp;
    case Cmd::Bell: return Cmd::BellAck;
    default: return Cmd::LookupResp;
    }
}

}  // namespace rsmsim::model
