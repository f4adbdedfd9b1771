// One waveform file per run: SystemC-level variables and the verilated
// blocks' internals share the SystemC VCD, so everything is on one time axis.
// A null Waves (or no file) makes every call a no-op.
#pragma once

#include <systemc>
#include <string>

namespace rsmsim::model {

class Waves {
public:
    // `path` without the .vcd suffix; SystemC appends it.
    explicit Waves(const std::string& path_without_suffix);
    ~Waves();
    Waves(const Waves&) = delete;
    Waves& operator=(const Waves&) = delete;

    template <typename T>
    void trace(const T& value, const std::string& name, int width) {
        sc_core::sc_trace(file_, value, name, width);
    }
    void trace(const bool& value, const std::string& name) { sc_core::sc_trace(file_, value, name); }
    void close();

private:
    sc_core::sc_trace_file* file_;
};

// Helper for modules that may or may not be traced.
template <typename T>
inline void trace_if(Waves* w, const T& v, const std::string& name, int width) {
    if (w) w->trace(v, name, width);
}

}  // namespace rsmsim::model
