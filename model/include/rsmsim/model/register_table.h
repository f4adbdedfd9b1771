// The register map as a table for the model and its tests, generated from
// rtl/regmap/adapter.toml (adapter_regs_table.inc).
#pragma once

#include <cstdint>
#include <vector>

namespace rsmsim::model {

enum class RegAccess { RO, RW, WO, W1C, W1S };

struct RegInfo {
    const char* name;
    uint32_t offset;
    RegAccess access;
    uint32_t reset;
    uint32_t mask;   // implemented bits
};

const std::vector<RegInfo>& register_table();

}  // namespace rsmsim::model
