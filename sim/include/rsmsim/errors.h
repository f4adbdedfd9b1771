// Names of rsmapi status codes, for reports and test messages.
#pragma once

namespace rsmsim {
const char* rsm_error_name(int code);
}
