#include "rsmsim/run_settings.h"

#include "rsmsim/faults.h"
#include "rsmsim/profile_config.h"
#include "rsmsim/trace_selection.h"

#include <cstdlib>
#include <sstream>

#include "adapter_regs.h"

namespace rsmsim {

namespace {

bool set_timing(const RunSettings& s, ClusterConfig& cfg, std::string& error) {
    if (!s.profile.empty()) {
        auto p = model::find_profile(s.profile);
        if (!p) {
            error = "unknown timing profile '" + s.profile + "'";
            return false;
        }
        cfg.timing = *p;
    }
    return adjust_profile(cfg.timing, s.profile_file, s.overrides, error);
}

bool set_fabric(const RunSettings& s, ClusterConfig& cfg, std::string& error) {
    if (!s.topology.empty()) {
        auto t = model::parse_topology(s.topology);
        if (!t) {
            error = "unknown topology '" + s.topology + "' (switch, ring or torus)";
            return false;
        }
        cfg.topology = *t;
    }
    if (!check_crc_error_rate(s.crc_error_rate, error)) return false;
    cfg.crc_error_rate = s.crc_error_rate;
    cfg.seed = s.seed;
    for (const auto& f : s.faults)
        if (!parse_faults(f, cfg.faults, error)) return false;
    return true;
}

bool set_waveform(const RunSettings& s, ClusterConfig& cfg, std::string& error) {
    cfg.vcd_path = s.waveform;
    cfg.trace_fst = s.trace_fst;
    return parse_trace_selection(s.trace_nodes, s.trace_blocks, s.trace_window, cfg.trace, error);
}

bool set_fidelity(const RunSettings& s, ClusterConfig& cfg, std::string& error) {
    for (const std::string& list : s.fidelity) {
        std::stringstream ss(list);
        std::string item;
        while (std::getline(ss, item, list.find(';') != std::string::npos ? ';' : ',')) {
            if (item.empty()) continue;
            const size_t eq = item.find('=');
            model::Fidelity f{};
            if (!model::parse_fidelity(eq == std::string::npos ? item : item.substr(eq + 1), f)) {
                error = "--fidelity '" + item + "': expected rtl, cycle, fast or lockstep, or NODE=one of them";
                return false;
            }
            if (eq == std::string::npos) {
                cfg.fidelity = f;
                continue;
            }
            const std::string id = item.substr(0, eq);
            char* end = nullptr;
            const unsigned long node = std::strtoul(id.c_str(), &end, 10);
            if (id.empty() || *end != '\0' || !rsm::regs::is_node_id(node)) {
                error = "--fidelity '" + item + "': '" + id + "' is not a node id (4, 8, ... 256)";
                return false;
            }
            cfg.node_fidelity[static_cast<uint16_t>(node)] = f;
        }
    }
    return true;   // node ids beyond the cluster are the Cluster's to refuse
}

}  // namespace

bool make_cluster_config(const RunSettings& s, ClusterConfig& cfg, std::string& error) {
    cfg.nodes = s.nodes;   // the range is the Cluster's to check
    cfg.time_limit_ns = s.time_limit_us * 1000.0;
    return set_timing(s, cfg, error) && set_fabric(s, cfg, error) && set_waveform(s, cfg, error) &&
           set_fidelity(s, cfg, error);
}

}  // namespace rsmsim
