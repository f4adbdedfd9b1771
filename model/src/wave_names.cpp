#include "rsmsim/model/wave_names.h"

#include <map>
#include <stdexcept>

#include "rsmsim/model/adapter.h"
#include "rsmsim/model/packet.h"

namespace rsmsim::model {

const ValueNames& register_names() {
    static const ValueNames names = [] {
        ValueNames n{"register", {}};
#define REGDEF(name, offset, access, reset, mask) n.values.emplace_back(offset, name);
#include "adapter_regs_table.inc"
#undef REGDEF
        return n;
    }();
    return names;
}

const ValueNames& map_enum_names(const std::string& enum_name) {
    static const std::map<std::string, ValueNames> all = [] {
        std::map<std::string, ValueNames> m;
#define ENUMDEF(e, value, name)       \
    m[e].id = e;                      \
    m[e].values.emplace_back(value, name);
#include "adapter_enums_table.inc"
#undef ENUMDEF
        return m;
    }();
    auto it = all.find(enum_name);
    if (it == all.end()) throw std::logic_error("no enum " + enum_name + " in the register map");
    return it->second;
}

const ValueNames& packet_command_names() {
    static const ValueNames names{"packet_cmd",
                                  {{0, "-"},
                                   {static_cast<uint64_t>(Cmd::Write), "WRITE"},
                                   {static_cast<uint64_t>(Cmd::Read), "READ"},
                                   {static_cast<uint64_t>(Cmd::ReadResp), "READ_RESP"},
                                   {static_cast<uint64_t>(Cmd::Ack), "ACK"},
                                   {static_cast<uint64_t>(Cmd::Lookup), "LOOKUP"},
                                   {static_cast<uint64_t>(Cmd::LookupResp), "LOOKUP_RESP"},
                                   {static_cast<uint64_t>(Cmd::Bell), "BELL"},
                                   {static_cast<uint64_t>(Cmd::BellAck), "BELL_ACK"}}};
    return names;
}

const ValueNames& mmio_kind_names() {
    static const ValueNames names{"mmio_kind",
                                  {{Adapter::Idle, "-"},
                                   {Adapter::RegRead, "REG_READ"},
                                   {Adapter::RegWrite, "REG_WRITE"},
                                   {Adapter::WinRead, "WIN_READ"},
                                   {Adapter::WinWrite, "WIN_WRITE"},
                                   {Adapter::BusError, "BUS_ERROR"}}};
    return names;
}

}  // namespace rsmsim::model
