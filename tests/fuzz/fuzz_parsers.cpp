// Fuzz target: every parser of user input -- fault plans, timing overrides,
// profile files, segment-id files, --node programs. The first byte picks
// the parser, the rest is its text. Oracle: the parser accepts (and what it
// built stays within the documented bounds) or refuses with a message and
// changes nothing; it never crashes, hangs or grows without bound.
// Built with libFuzzer under clang (RSMSIM_FUZZ=ON), and always as a replay
// of the seed corpus (replay_main.cpp).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rsmapi.h"
#include "rsmsim/faults.h"
#include "rsmsim/launcher.h"
#include "rsmsim/profile_config.h"

namespace {

[[noreturn]] void violated(const char* what, const std::string& input) {
    std::fprintf(stderr, "oracle: %s\ninput: %s\n", what, input.c_str());
    std::abort();
}

void fault_plan(const std::string& text) {
    rsmsim::FaultPlan plan;
    std::string error;
    if (!rsmsim::parse_faults(text, plan, error)) {
        if (error.empty()) violated("a refused fault plan has no message", text);
        return;
    }
    if (plan.events.size() > text.size()) violated("more fault events than the text can say", text);
    const auto& r = plan.random;
    if (r.link_down + r.slow_link + r.noisy_link + r.crash > rsmsim::kMaxRandomFaults)
        violated("random fault counts beyond the bound", text);
    for (const auto& e : plan.events)
        if (!(e.at_ns >= 0 && e.at_ns <= rsmsim::kMaxFaultTimeUs * 1000) || !(e.factor >= 0 && e.factor <= rsmsim::kMaxSlowFactor))
            violated("a fault time or factor beyond the bound", text);
}

bool same(const rsmsim::model::TimingProfile& a, const rsmsim::model::TimingProfile& b) {
    for (const auto& n : rsmsim::model::parameter_names())
        if (rsmsim::model::get_parameter(a, n) != rsmsim::model::get_parameter(b, n)) return false;
    return a.name == b.name;
}

void overrides(const std::string& text) {
    const auto base = rsmsim::model::timing_profiles().front();
    auto p = base;
    std::string error;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t nl = text.find('\n', start);
        const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        const auto before = p;
        if (!rsmsim::apply_override(p, line, error) && !same(before, p))
            violated("a refused override changed the profile", text);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
}

void profile_file(const std::string& text) {
    std::string error;
    const auto p = rsmsim::load_profile_text(text, "fuzz.toml", rsmsim::model::timing_profiles().front(), error);
    if (!p && error.empty()) violated("a refused profile file has no message", text);
}

void segid_file(const std::string& text) {
    char path[] = "/tmp/rsmsim-fuzz-segid-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) return;
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    ::setenv("RSM_SEGMENTID_FILE", path, 1);
    rsm_memseg_id_t base = 0;
    uint32_t len = 0;
    const int rc = rsm_get_segmentid_range("app", &base, &len);
    ::unlink(path);
    if (written && rc != RSM_SUCCESS && rc != RSMERR_BAD_CONF && rc != RSMERR_BAD_APPID)
        violated("rsm_get_segmentid_range returned a code the spec does not document for it", text);
}

void node_program(const std::string& text) {
    rsmsim::NodeProgram p;
    std::string error;
    if (!rsmsim::parse_node_program(text, p, error) && error.empty()) violated("a refused --node has no message", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || size > 4096) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 5) {
    case 0: fault_plan(text); break;
    case 1: overrides(text); break;
    case 2: profile_file(text); break;
    case 3: segid_file(text); break;
    case 4: node_program(text); break;
    }
    return 0;
}
