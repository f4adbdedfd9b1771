#include "rsmsim/profile_config.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rsmsim {

std::optional<model::TimingProfile> load_profile_file(const std::string& path, const model::TimingProfile& base,
                                                      std::string& error) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
        error = path + ": cannot be read";
        return std::nullopt;
    }
    return load_profile_text(text.str(), path, base, error);
}

std::optional<model::TimingProfile> load_profile_text(std::string_view text, const std::string& path,
                                                      const model::TimingProfile& base, std::string& error) {
    toml::table t;
    try {
        t = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        error = path + ": " + std::string(e.description());
        if (e.source().begin) error += " (line " + std::to_string(e.source().begin.line) + ")";
        return std::nullopt;
    }
    model::TimingProfile p = base;
    if (const auto* b = t.get("base")) {
        const auto name = b->value<std::string>();
        const auto found = name ? model::find_profile(*name) : std::nullopt;
        if (!found) {
            error = path + ": base must name a built-in profile";
            return std::nullopt;
        }
        p = *found;
    }
    for (const auto& [key, value] : t) {
        const std::string k(key.str());
        if (k == "base") continue;
        if (k == "name" || k == "description") {
            const auto s = value.value<std::string>();
            if (!s) {
                error = path + ": " + k + " must be a string";
                return std::nullopt;
            }
            (k == "name" ? p.name : p.description) = *s;
            continue;
        }
        const auto v = value.value<double>();   // integers convert too
        if (!value.is_number() || !v) {
            error = path + ": " + k + " must be a number";
            return std::nullopt;
        }
        std::string why;
        if (!model::set_parameter(p, k, *v, why)) {
            error = path + ": " + why;
            return std::nullopt;
        }
    }
    return p;
}

bool apply_override(model::TimingProfile& p, const std::string& assignment, std::string& error) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) {
        error = "bad override '" + assignment + "': expected NAME=VALUE";
        return false;
    }
    const std::string name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end == text.c_str() || *end != '\0') {
        error = "bad override '" + assignment + "': '" + text + "' is not a number";
        return false;
    }
    model::TimingProfile q = p;
    if (!model::set_parameter(q, name, v, error)) return false;
    p = q;
    return true;
}

bool adjust_profile(model::TimingProfile& p, const std::string& file, const std::vector<std::string>& overrides,
                    std::string& error) {
    model::TimingProfile q = p;
    if (!file.empty()) {
        auto loaded = load_profile_file(file, q, error);
        if (!loaded) {
            error = "profile file " + error;
            return false;
        }
        q = *loaded;
    }
    for (const auto& o : overrides) {
        if (!apply_override(q, o, error)) {
            std::string names;
            for (const auto& n : model::parameter_names()) names += (names.empty() ? "" : ", ") + n;
            error += " (parameters: " + names + ")";
            return false;
        }
    }
    p = q;
    return true;
}

}  // namespace rsmsim
