#include "rsmsim/testbench.h"

#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "rsmsim/cluster.h"
#include "rsmsim/run_settings.h"

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

std::string text(const char* s) { return s ? s : ""; }

// "A;B;C" as {A, B, C}, empty items dropped.
std::vector<std::string> split_list(const char* list) {
    std::vector<std::string> items;
    std::stringstream ss(text(list));
    std::string item;
    while (std::getline(ss, item, ';'))
        if (!item.empty()) items.push_back(item);
    return items;
}

rsmsim::RunSettings settings_of(const rsmsim_options& o) {
    rsmsim::RunSettings s;
    s.nodes = o.nodes;
    s.profile = text(o.profile);
    s.profile_file = text(o.profile_file);
    s.overrides = split_list(o.overrides);
    s.topology = text(o.topology);
    s.crc_error_rate = o.crc_error_rate;
    s.seed = o.seed;
    if (o.faults) s.faults = {o.faults};
    s.waveform = text(o.vcd_path);
    s.trace_nodes = text(o.trace_nodes);
    s.trace_blocks = text(o.trace_blocks);
    s.trace_window = text(o.trace_window);
    s.time_limit_us = o.time_limit_us;
    if (o.fidelity) s.fidelity = {o.fidelity};
    return s;
}

// The options as a cluster configuration; false (message on stderr) if any is bad.
bool configure(const rsmsim_options& o, rsmsim::ClusterConfig& cfg) {
    std::string error;
    if (rsmsim::make_cluster_config(settings_of(o), cfg, error)) return true;
    std::fprintf(stderr, "rsmsim_run: %s\n", error.c_str());
    return false;
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
