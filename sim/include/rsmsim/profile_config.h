// Timing profiles a user adjusts: a profile file and NAME=VALUE overrides
// on top of a built-in profile (docs/timing.md lists the parameters).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsmsim/model/timing.h"

namespace rsmsim {

// A TOML profile file:
//   base = "pcie-ntb"            # optional: start from this built-in profile
//   name = "my-card"             # optional
//   description = "..."          # optional
//   link_MBps = 5000             # any parameter of the profile
// Keys are applied on top of `base` (or of the file's own base). Unknown
// keys, wrong types and out-of-range values are errors: nullopt, `error` says
// which key of which file.
std::optional<model::TimingProfile> load_profile_file(const std::string& path, const model::TimingProfile& base,
                                                      std::string& error);

// The same from the file's text; `path` names it in messages.
std::optional<model::TimingProfile> load_profile_text(std::string_view text, const std::string& path,
                                                      const model::TimingProfile& base, std::string& error);

// "NAME=VALUE" (a parameter and a number). False and `error` if malformed;
// the profile is then unchanged.
bool apply_override(model::TimingProfile& p, const std::string& assignment, std::string& error);

// Applies a profile file (if `file` is not empty), then each override, in
// order. False with `error` on the first bad one; `p` is then unchanged.
bool adjust_profile(model::TimingProfile& p, const std::string& file, const std::vector<std::string>& overrides,
                    std::string& error);

}  // namespace rsmsim
