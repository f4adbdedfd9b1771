#include "wave_writers.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>
#include <vector>

#include "fstapi.h"

namespace rsmsim::model {

namespace {

std::string today() {
    const std::time_t t = std::time(nullptr);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    return buf;
}

// `width` binary digits of v, most significant first.
void to_bits(uint64_t v, int width, char* out) {
    for (int i = 0; i < width; ++i) out[i] = ((v >> (width - 1 - i)) & 1) ? '1' : '0';
    out[width] = '\0';
}

// "00".."99", and each byte's eight binary digits: VCD text without a
// division or a shift per digit.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
struct ByteBits {
    char digits[256][8];
    constexpr ByteBits() : digits() {
        for (int b = 0; b < 256; ++b)
            for (int i = 0; i < 8; ++i) digits[b][i] = ((b >> (7 - i)) & 1) ? '1' : '0';
    }
};
constexpr ByteBits kByteBits;

size_t decimal_digits(uint64_t v) {
    static constexpr uint64_t kPow10[] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
        10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
        100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};
    // log10 from log2 (1233 / 4096 ~ log10 2), corrected by one compare.
    if (v < 10) return 1;
    const int bits = 64 - __builtin_clzll(v);
    const size_t guess = static_cast<size_t>((bits * 1233) >> 12);
    return guess + (v >= kPow10[guess] ? 1 : 0);
}

class VcdWriter final : public WaveWriter {
public:
    explicit VcdWriter(const std::string& path) : f_(std::fopen(path.c_str(), "w")), path_(path) {
        if (!f_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
        std::fprintf(f_, "$date\n    %s\n$end\n$version\n    rsmsim\n$end\n$timescale\n    1 ps\n$end\n\n",
                     today().c_str());
    }
    ~VcdWriter() override { close(); }
    void scope_down(const std::string& name) override { std::fprintf(f_, "$scope module %s $end\n", name.c_str()); }
    void scope_up() override { std::fputs("$upscope $end\n", f_); }
    void var(int index, const std::string& name, int width, const ValueNames*) override {
        const std::string c = code(index);
        Id id{};
        std::memcpy(id.code, c.data(), c.size());
        id.length = static_cast<uint8_t>(c.size());
        ids_.push_back(id);
        if (width == 1)
            std::fprintf(f_, "$var wire 1 %s %s $end\n", c.c_str(), name.c_str());
        else
            std::fprintf(f_, "$var wire %d %s %s [%d:0] $end\n", width, c.c_str(), name.c_str(), width - 1);
    }
    void end_header() override { std::fputs("$enddefinitions $end\n", f_); }
    // Time stamps and value changes are most of what a traced run writes:
    // formatted by hand straight into our own buffer, written in 1 MiB blocks.
    void step(uint64_t t, bool stamp, const Value* values, size_t n) override {
        if (stamp) write_stamp(t);
        for (size_t done = 0; done < n;) {   // in parts that fit the buffer
            const size_t part = std::min(n - done, kBlock / kMaxLine);
            char* const start = room(part * kMaxLine);
            char* p = start;
            for (size_t k = done; k < done + part; ++k) p = write_value(p, values[k]);
            used_ += static_cast<size_t>(p - start);
            done += part;
        }
    }
    void close() override {
        if (!f_) return;
        drain();
        std::fclose(f_);
        f_ = nullptr;
    }

private:
    // A stamp almost always shares all but its last six digits with the
    // one before (steps are nanoseconds apart, in picoseconds): the line is
    // kept, and only those six digits are written again.
    void write_stamp(uint64_t t) {
        const uint64_t high = t / kLowSpan;
        if (high != 0 && high == stamp_high_) {
            // Six digits in 32-bit arithmetic, a pair at a time.
            const auto low = static_cast<uint32_t>(t - high * kLowSpan);
            char* const end = stamp_.data() + stamp_len_ - 1;
            std::memcpy(end - 6, kDigitPairs + 2 * (low / 10000), 2);
            std::memcpy(end - 4, kDigitPairs + 2 * (low / 100 % 100), 2);
            std::memcpy(end - 2, kDigitPairs + 2 * (low % 100), 2);
        } else {
            stamp_high_ = high;
            const size_t n = decimal_digits(t);
            stamp_[0] = '#';
            stamp_[n + 1] = '\n';
            write_digits(stamp_.data() + 1 + n, t, n);
            stamp_len_ = n + 2;
        }
        std::memcpy(room(stamp_.size()), stamp_.data(), stamp_.size());   // a fixed-size copy; stamp_len_ counts
        used_ += stamp_len_;
    }
    static constexpr size_t kBlock = size_t{1} << 20;
    // The longest value line: 'b', 64 digits (and the 7 a step may copy
    // past them), ' ', the code, '\n'.
    static constexpr size_t kMaxLine = 1 + 64 + 7 + 1 + 7 + 1 + 8;
    // "b<digits> <code>\n" (or "<digit><code>\n") at p; its end.
    char* write_value(char* p, const Value& c) const {
        const Id& id = ids_[static_cast<size_t>(c.index)];
        const uint64_t v = c.v;
        if (c.width == 1) {
            *p++ = (v & 1) ? '1' : '0';
        } else {
            // Leading zeros go (VCD left-extends with 0); eight digits a
            // step, most significant first. Each step copies eight bytes:
            // the first step's surplus (from the table's next row) is
            // overwritten by the next step, or lies past the line's end.
            *p++ = 'b';
            const int bits = v ? 64 - __builtin_clzll(v) : 1;
            const int head = (bits - 1) % 8 + 1;   // digits of the first step
            int shift = bits - head;
            std::memcpy(p, kByteBits.digits[v >> shift] + (8 - head), 8);
            p += head;
            for (shift -= 8; shift >= 0; shift -= 8, p += 8) std::memcpy(p, kByteBits.digits[(v >> shift) & 255], 8);
            *p++ = ' ';
        }
        std::memcpy(p, id.code, sizeof id.code);   // a fixed-size copy; only `length` of it counts
        p += id.length;
        *p++ = '\n';
        return p;
    }
    // Space for `n` more bytes at the end of the buffer.
    char* room(size_t n) {
        if (used_ + n > buf_.size()) drain();
        return buf_.data() + used_;
    }
    void drain() {
        if (used_) fwrite_unlocked(buf_.data(), 1, used_, f_);
        used_ = 0;
    }
    std::vector<char> buf_ = std::vector<char>(kBlock);
    size_t used_ = 0;

    // The `n` decimal digits of `v` (zero-padded), ending just before `end`,
    // two a step from the least significant end.
    static void write_digits(char* end, uint64_t v, size_t n) {
        for (; n >= 2; n -= 2, v /= 100) {
            end -= 2;
            std::memcpy(end, kDigitPairs + 2 * (v % 100), 2);
        }
        if (n == 1) end[-1] = static_cast<char>('0' + v % 10);
    }
    static constexpr uint64_t kLowSpan = 1'000'000;   // six digits
    std::array<char, 24> stamp_{};   // the last "#<time>\n" (20 digits at most)
    size_t stamp_len_ = 0;
    uint64_t stamp_high_ = 0;        // its time / kLowSpan

    // Identifier codes: printable ASCII '!'..'~', shortest first.
    static std::string code(int i) {
        std::string s;
        do {
            s += static_cast<char>('!' + i % 94);
            i /= 94;
        } while (i > 0);
        return s;
    }
    std::FILE* f_;
    std::string path_;
    struct Id {
        char code[7];   // 94^7 signals: more than a run declares
        uint8_t length;
    };
    std::vector<Id> ids_;
};

// GTKWave's FST writer (fstapi.c, as Verilator ships it).
class FstWriter final : public WaveWriter {
public:
    explicit FstWriter(const std::string& path) : path_(path) {
        // fstapi writes beside the file first; check the target can be written.
        std::FILE* probe = std::fopen(path.c_str(), "w");
        if (!probe) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        std::fclose(probe);
        ctx_ = fstWriterCreate(path.c_str(), 1);
        if (!ctx_) throw std::runtime_error("cannot write " + path + ": the FST writer could not start");
        fstWriterSetPackType(ctx_, FST_WR_PT_LZ4);
        fstWriterSetTimescale(ctx_, -12);
        fstWriterSetDate(ctx_, today().c_str());
        fstWriterSetVersion(ctx_, "rsmsim");
    }
    ~FstWriter() override { close(); }
    void scope_down(const std::string& name) override {
        fstWriterSetScope(ctx_, FST_ST_VCD_MODULE, name.c_str(), nullptr);
    }
    void scope_up() override { fstWriterSetUpscope(ctx_); }
    void var(int, const std::string& name, int width, const ValueNames* names) override {
        if (names) fstWriterEmitEnumTableRef(ctx_, table(*names, width));
        // As Verilator names vectors in FST: the range is part of the name.
        const std::string full = width > 1 ? name + " [" + std::to_string(width - 1) + ":0]" : name;
        handles_.push_back(fstWriterCreateVar(ctx_, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, static_cast<uint32_t>(width),
                                              full.c_str(), 0));
    }
    void end_header() override {}
    void step(uint64_t t, bool stamp, const Value* values, size_t n) override {
        if (stamp) fstWriterEmitTimeChange(ctx_, t);
        for (const Value* c = values; c != values + n; ++c) {
            char bits[65];
            to_bits(c->v, c->width, bits);
            fstWriterEmitValueChange(ctx_, handles_[static_cast<size_t>(c->index)], bits);
        }
    }
    void close() override {
        if (ctx_) fstWriterClose(ctx_);
        ctx_ = nullptr;
    }

private:
    // One enum table per names table and width.
    fstEnumHandle table(const ValueNames& n, int width) {
        const auto key = std::make_pair(&n, width);
        auto it = tables_.find(key);
        if (it != tables_.end()) return it->second;
        std::vector<std::string> vals;
        std::vector<const char*> lits, valp;
        for (const auto& [v, name] : n.values) {
            char bits[65];
            to_bits(v, width, bits);
            vals.emplace_back(bits);
        }
        for (size_t i = 0; i < n.values.size(); ++i) {
            lits.push_back(n.values[i].second.c_str());
            valp.push_back(vals[i].c_str());
        }
        const fstEnumHandle h = fstWriterCreateEnumTable(ctx_, n.id.c_str(), static_cast<uint32_t>(lits.size()),
                                                         static_cast<unsigned>(width), lits.data(), valp.data());
        tables_.emplace(key, h);
        return h;
    }
    std::string path_;
    void* ctx_ = nullptr;
    std::vector<fstHandle> handles_;
    std::map<std::pair<const ValueNames*, int>, fstEnumHandle> tables_;
};

}  // namespace

std::unique_ptr<WaveWriter> make_vcd_writer(const std::string& path) { return std::make_unique<VcdWriter>(path); }
std::unique_ptr<WaveWriter> make_fst_writer(const std::string& path) { return std::make_unique<FstWriter>(path); }

}  // namespace rsmsim::model
