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

}  // namespace rsmsim::model
