// The rsmapi functions as numbers, for a platform that shows which call a
// node is in (the simulator's waveform): made from rsm/api_functions.inc.
#pragma once

#include <cstdint>

namespace rsm::hw {

enum class ApiCall : uint16_t {
    None = 0,
#define RSM_FUNCTION(ret, name, params, args) name,
#include "rsm/api_functions.inc"
#undef RSM_FUNCTION
    Count
};

// "rsm_get_controller", ...; "-" for None.
inline const char* api_call_name(ApiCall c) {
    static const char* const names[] = {
        "-",
#define RSM_FUNCTION(ret, name, params, args) #name,
#include "rsm/api_functions.inc"
#undef RSM_FUNCTION
    };
    const auto i = static_cast<unsigned>(c);
    return i < static_cast<unsigned>(ApiCall::Count) ? names[i] : "?";
}

}  // namespace rsm::hw
