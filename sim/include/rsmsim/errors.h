// Names of rsmapi status codes, for reports and test messages.
#pragma once

namespace rsmsim {
const char* rsm_error_name(int code);
// The codes the rsmapi documents for a fabric failure, a lost connection or
// a crashed peer (what injected faults may cause).
bool is_fault_outcome(int code);
}
