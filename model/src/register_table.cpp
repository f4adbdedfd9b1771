#include "rsmsim/model/register_table.h"

namespace rsmsim::model {

const std::vector<RegInfo>& register_table() {
    static const std::vector<RegInfo> table = {
#define REGDEF(name, offset, access, reset, mask) {name, offset, RegAccess::access, reset, mask},
#include "adapter_regs_table.inc"
#undef REGDEF
    };
    return table;
}

const RegInfo* find_register(uint32_t offset) {
    for (const auto& r : register_table())
        if (r.offset == offset) return &r;
    return nullptr;
}

}  // namespace rsmsim::model
