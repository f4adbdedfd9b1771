#include "rsmsim/testbench.h"

#include <cstdio>
#include <exception>

#include "rsmsim/cluster.h"

// Programs built on rsmsim_run() have their own main(); libsystemc still
// needs an sc_main symbol. A program that defines sc_main (rsmsim, the tests)
// overrides this weak one, which therefore never runs.
extern "C" __attribute__((weak)) int sc_main(int, char*[]) {
    std::fprintf(stderr, "rsmsim: sc_main is not used by rsmsim_run() programs\n");
    return 1;
}

extern "C" int rsmsim_run(const rsmsim_options* opts, rsmsim_program program, void* arg) {
    if (!opts || !program) {
        std::fprintf(stderr, "rsmsim_run: options and program are required\n");
        return -1;
    }
    rsmsim::ClusterConfig cfg;
    cfg.nodes = opts->nodes;
    if (opts->profile) {
        auto p = rsmsim::model::find_profile(opts->profile);
        if (!p) {
            std::fprintf(stderr, "rsmsim_run: unknown timing profile '%s'\n", opts->profile);
            return -1;
        }
        cfg.timing = *p;
    }
    if (opts->vcd_path) cfg.vcd_path = opts->vcd_path;
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

extern "C" uint64_t rsmsim_now_ns(void) {
    return static_cast<uint64_t>(rsmsim::Cluster::now_ns() + 0.5);
}

extern "C" rsm_node_id_t rsmsim_node_id(int node_index) { return rsmsim::Cluster::node_id(node_index); }

extern "C" int rsmsim_node_index(void) {
    auto* c = rsmsim::Cluster::current();
    return c ? c->current_node_index() : -1;
}
