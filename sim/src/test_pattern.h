// The bytes the built-in workloads write and then check: byte k of pattern
// `salt` is k * 13 + salt * 7 + 1 (mod 256). It repeats every 256 bytes,
// so it is written and checked a period at a time (byte by byte, checking
// was a third of a fast all-to-all and 7 % of an RTL bulk putv).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace rsmsim {

inline constexpr size_t kPatternPeriod = 256;

inline void fill_pattern(uint8_t* p, size_t len, size_t salt) {
    for (size_t k = 0; k < std::min(len, kPatternPeriod); ++k) p[k] = static_cast<uint8_t>(k * 13 + salt * 7 + 1);
    for (size_t k = kPatternPeriod; k < len; k += kPatternPeriod) std::memcpy(p + k, p, std::min(kPatternPeriod, len - k));
}

inline std::vector<uint8_t> pattern_bytes(size_t len, size_t salt) {
    std::vector<uint8_t> v(len);
    fill_pattern(v.data(), len, salt);
    return v;
}

inline bool holds_pattern(const uint8_t* p, size_t len, size_t salt) {
    uint8_t period[kPatternPeriod];
    fill_pattern(period, kPatternPeriod, salt);
    for (size_t k = 0; k < len; k += kPatternPeriod)
        if (std::memcmp(p + k, period, std::min(kPatternPeriod, len - k)) != 0) return false;
    return true;
}

}  // namespace rsmsim
