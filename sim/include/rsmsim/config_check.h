// `rsmsim --config FILE`: the file is real TOML, checked before the command
// line parser reads it, so a mistake is named with its line: a syntax error,
// an unknown key (with the nearest known one), a value of the wrong kind.
#pragma once

#include <string>
#include <vector>

namespace rsmsim {

struct ConfigKey {
    enum class Kind { Flag, Number, Text, List };
    std::string name;   // the long option's name, without "--"
    Kind kind;
};

// False with `error` ("FILE:LINE: what is wrong") if the file is not what
// the keys allow.
bool check_config_file(const std::string& path, const std::vector<ConfigKey>& keys, std::string& error);

}  // namespace rsmsim
