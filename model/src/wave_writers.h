// The file formats behind Waves: each gets the header (scopes and signals,
// in order) and then time steps with the values that changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "rsmsim/model/waves.h"

namespace rsmsim::model {

class WaveWriter {
public:
    virtual ~WaveWriter() = default;
    virtual void scope_down(const std::string& name) = 0;
    virtual void scope_up() = 0;
    // Signal `index` (0, 1, ... in this order).
    virtual void var(int index, const std::string& name, int width, const ValueNames* names) = 0;
    virtual void end_header() = 0;
    // A time step: its time stamp (`stamp`: else the step goes on) and the
    // values that changed, in one call (most steps write three or four).
    using Value = WaveValue;
    virtual void step(uint64_t t_ps, bool stamp, const Value* values, size_t n) = 0;
    virtual void close() = 0;
};

// Both throw std::runtime_error("cannot write PATH: reason").
std::unique_ptr<WaveWriter> make_vcd_writer(const std::string& path);
std::unique_ptr<WaveWriter> make_fst_writer(const std::string& path);

}  // namespace rsmsim::model
