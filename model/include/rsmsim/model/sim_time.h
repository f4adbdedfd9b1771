// Simulated time on the hot paths, at the kernel's 1 ps resolution: timing
// figures (double nanoseconds) as times, the current time, whole
// nanoseconds. A packet makes several conversions and reads of the time,
// and SystemC's constructor and sc_time_stamp() are out-of-line calls.
#pragma once

// The kernel's headers only: <systemc> would make verilated.h, included
// after this, expect SystemC's names in the global namespace.
#include <sysc/kernel/sc_simcontext.h>
#include <sysc/kernel/sc_time.h>

#include <cstdint>

namespace rsmsim::model {

// Exactly what sc_time(ns, SC_NS) gives at the kernel's 1 ps resolution:
// the value times 1000, plus one half, truncated (SystemC 2.3's rounding).
// (One picosecond scaled in place: sc_time's *= is inline and rounds the
// same way, where from_value is a library call.)
inline sc_core::sc_time ns_time(double ns) {
    static const sc_core::sc_time one_ps = sc_core::sc_time::from_value(1);
    sc_core::sc_time t = one_ps;
    return t *= ns * 1000.0;
}

// The current simulated time: SystemC's sc_time_stamp() is a library call,
// its simulation context's accessor inline.
inline const sc_core::sc_time& sim_now() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

// The nearest whole nanosecond of a time (at the 1 ps resolution).
inline uint64_t whole_ns(const sc_core::sc_time& t) { return (t.value() + 500) / 1000; }

// Throws std::logic_error unless the kernel's time resolution is the 1 ps
// that ns_time and whole_ns assume (rsmsim never changes it).
void check_time_resolution();

}  // namespace rsmsim::model
