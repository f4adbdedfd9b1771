// Timing figures (double nanoseconds) as simulated time, without a library
// call: a packet makes several conversions, and SystemC's constructor is an
// out-of-line call of ~36 instructions.
#pragma once

#include <systemc>

#include <cstdint>

namespace rsmsim::model {

// Exactly what sc_time(ns, SC_NS) gives at the kernel's 1 ps resolution:
// the value times 1000, plus one half, truncated (SystemC 2.3's rounding).
inline sc_core::sc_time ns_time(double ns) {
    return sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(static_cast<int64_t>(ns * 1000.0 + 0.5)));
}

// Throws std::logic_error unless the kernel's time resolution is the 1 ps
// that ns_time assumes (rsmsim never changes it).
void check_time_resolution();

}  // namespace rsmsim::model
