// The implementations behind the public rsmapi functions (rsmlib.cpp,
// segid_file.cpp): impl_NAME for each rsm/api_functions.inc entry. The
// public functions themselves are the traced entries in api_entry.cpp.
#pragma once

#include "rsmapi.h"

#define RSM_FUNCTION(ret, name, params, args) ret impl_##name params;
#include "rsm/api_functions.inc"
#undef RSM_FUNCTION
