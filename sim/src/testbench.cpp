#include "rsmsim/testbench.h"
#include "rsmsim/trace_selection.h"

#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "rsmsim/cluster.h"
#include "rsmsim/profile_config.h"

// Programs built on rsmsim_run() have their own main(); libsystemc still
// needs an sc_main symbol. A program that defines sc_main (rsmsim, the tests)
// overrides this weak one, which therefore never runs.
extern "C" __attribute__((weak)) int sc_main(int, char*[]) {
    std::fprintf(stderr, "rsmsim: sc_main is not used by rsmsim_run() programs\n");
    return 1;
}

extern "C" void rsmsim_options_init(rsmsim_options* opts) {
    if (!opts) return;
    *opts = rsmsim_options{};
    opts->nodes = 2;
}

namespace {

// The options as a cluster configuration; false (message on stderr) if any is bad.
bool configure(const rsmsim_options& o, rsmsim::ClusterConfig& cfg) {
    std::string error;
    cfg.nodes = o.nodes;
    if (o.profile) {
        auto p = rsmsim::model::find_profile(o.profile);
        if (!p) {
            std::fprintf(stderr, "rsmsim_run: unknown timing profile '%s'\n", o.profile);
            return false;
        }
        cfg.timing = *p;
    }
    std::vector<std::string> overrides;
    if (o.overrides) {
        std::stringstream ss(o.overrides);
        std::string item;
        while (std::getline(ss, item, ';'))
            if (!item.empty()) overrides.push_back(item);
    }
    if (!rsmsim::adjust_profile(cfg.timing, o.profile_file ? o.profile_file : "", overrides, error)) {
        std::fprintf(stderr, "rsmsim_run: %s\n", error.c_str());
        return false;
    }
    if (o.topology) {
        auto t = rsmsim::model::parse_topology(o.topology);
        if (!t) {
            std::fprintf(stderr, "rsmsim_run: unknown topology '%s' (switch, ring or torus)\n", o.topology);
            return false;
        }
        cfg.topology = *t;
    }
    if (!rsmsim::check_crc_error_rate(o.crc_error_rate, error)) {
        std::fprintf(stderr, "rsmsim_run: %s\n", error.c_str());
        return false;
    }
    cfg.crc_error_rate = o.crc_error_rate;
    cfg.seed = o.seed;
    if (o.faults && !rsmsim::parse_faults(o.faults, cfg.faults, error)) {
        std::fprintf(stderr, "rsmsim_run: %s\n", error.c_str());
        return false;
    }
    if (o.vcd_path) cfg.vcd_path = o.vcd_path;
    if (!rsmsim::parse_trace_selection(o.trace_nodes ? o.trace_nodes : "", o.trace_blocks ? o.trace_blocks : "",
                                       o.trace_window ? o.trace_window : "", cfg.trace, error)) {
        std::fprintf(stderr, "rsmsim_run: %s\n", error.c_str());
        return false;
    }
    cfg.time_limit_ns = o.time_limit_us * 1000.0;   // checked by the Cluster
    return true;
}

}  // namespace

extern "C" int rsmsim_run(const rsmsim_options* opts, rsmsim_program program, void* arg) {
    if (!opts || !program) {
        std::fprintf(stderr, "rsmsim_run: options and program are required\n");
        return -1;
    }
    rsmsim::ClusterConfig cfg;
    if (!configure(*opts, cfg)) return -1;
    try {
        rsmsim::Cluster cluster(cfg);
        for (int i = 0; i < cluster.size(); ++i) cluster.spawn(i, [=] { program(i, arg); });
        return cluster.run() ? 0 : -1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rsmsim_run: %s\n", e.what());
        return -1;
    }
}

extern "C" void rsmsim_sync(void) {
    if (auto* c = rsmsim::Cluster::current()) c->sync();
}

extern "C" int rsmsim_spawn(rsmsim_program program, void* arg) {
    auto* c = rsmsim::Cluster::current();
    const int node = c ? c->current_node_index() : -1;
    if (!program || node < 0) return -1;
    c->spawn(node, [=] { program(node, arg); });
    return 0;
}

extern "C" void rsmsim_delay_ns(uint64_t ns) { rsmsim::Cluster::delay_ns(static_cast<double>(ns)); }

extern "C" uint64_t rsmsim_now_ns(void) {
    return static_cast<uint64_t>(rsmsim::Cluster::now_ns() + 0.5);
}

extern "C" rsm_node_id_t rsmsim_node_id(int node_index) { return rsmsim::Cluster::node_id(node_index); }

extern "C" int rsmsim_node_index(void) {
    auto* c = rsmsim::Cluster::current();
    return c ? c->current_node_index() : -1;
}
