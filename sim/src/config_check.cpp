#include "rsmsim/config_check.h"

#include <toml++/toml.h>

#include <algorithm>

namespace rsmsim {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string where(const std::string& path, const toml::node& n) {
    return path + ":" + std::to_string(n.source().begin.line);
}

const char* kind_name(ConfigKey::Kind k) {
    switch (k) {
    case ConfigKey::Kind::Flag: return "true or false";
    case ConfigKey::Kind::Number: return "a number";
    case ConfigKey::Kind::Text: return "a string in quotes";
    case ConfigKey::Kind::List: return "a string or a list of strings";
    }
    return "";
}

bool fits(const toml::node& v, ConfigKey::Kind k) {
    switch (k) {
    case ConfigKey::Kind::Flag: return v.is_boolean();
    case ConfigKey::Kind::Number: return v.is_number();
    case ConfigKey::Kind::Text: return v.is_string();
    case ConfigKey::Kind::List:
        if (v.is_string()) return true;
        if (const auto* a = v.as_array()) return std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); });
        return false;
    }
    return false;
}

}  // namespace

bool check_config_file(const std::string& path, const std::vector<ConfigKey>& keys, std::string& error) {
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        error = path + ":" + std::to_string(e.source().begin.line) + ": not TOML: " + std::string(e.description());
        return false;
    }
    for (const auto& [key, value] : t) {
        const std::string k(key.str());
        auto known = std::find_if(keys.begin(), keys.end(), [&](const ConfigKey& c) { return c.name == k; });
        if (known == keys.end()) {
            const ConfigKey* best = nullptr;
            for (const auto& c : keys)
                if (!best || edit_distance(k, c.name) < edit_distance(k, best->name)) best = &c;
            error = where(path, value) + ": unknown key '" + k + "'";
            if (best && edit_distance(k, best->name) <= 2) error += " (did you mean '" + best->name + "'?)";
            return false;
        }
        if (!fits(value, known->kind)) {
            error = where(path, value) + ": " + k + " must be " + kind_name(known->kind);
            return false;
        }
    }
    return true;
}

}  // namespace rsmsim
