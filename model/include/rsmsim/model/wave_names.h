// Names for the values waveforms show as numbers: register offsets and the
// register map's enums (generated from rtl/regmap/adapter.toml), packet
// commands, MMIO access kinds. One table per kind, built once.
#pragma once

#include <string>

#include "rsmsim/model/waves.h"

namespace rsmsim::model {

const ValueNames& register_names();                       // offset -> "INTR_STATE"
const ValueNames& map_enum_names(const std::string& enum_name);   // e.g. "ERR_CLASS", "DMA_STATE"
const ValueNames& packet_command_names();                 // Cmd -> "WRITE", ... (0: idle)
const ValueNames& mmio_kind_names();                      // Adapter::MmioKind

}  // namespace rsmsim::model
