// rsmsim: build a cluster, run a workload (put/get, all-to-all, or the
// profile calibration), inject the faults asked for, print what happened
// with simulated times, and write a waveform.
//
// The default put/get scenario: node 4 exports and publishes a segment with one slice per
// importer; every other node connects, puts a 4-byte word and then its
// pattern into its slice; node 4 verifies every slice byte for byte; each
// importer gets its slice back and compares, then writes a second pattern
// with putv (four scatter-gather entries, one DMA chain) and reads it back
// with getv; node 4 verifies that too; everything is torn down.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rsmapi.h"
#include "rsmsim/cluster.h"
#include "rsmsim/config_check.h"
#include "rsmsim/errors.h"
#include "rsmsim/faults.h"
#include "rsmsim/interrupt.h"
#include "rsmsim/launcher.h"
#include "rsmsim/profile_config.h"
#include "rsmsim/plot.h"
#include "rsmsim/profile_probe.h"
#include "rsmsim/run_settings.h"
#include "rsmsim/scenarios.h"
#include "rsmsim/verdict.h"
#include "page_buffer.h"
#include "test_pattern.h"

namespace {

struct Options {
    int nodes = 2;
    std::string profile = "pci-sci";
    std::string topology = "switch";
    std::string workload = "putget";
    double crc_error_rate = 0;
    uint64_t seed = 1;
    std::vector<std::string> faults;      // rsmsim/faults.h syntax
    std::vector<std::string> link_down;   // "A-B@US": shorthand for down:A-B@US
    std::vector<std::string> crash;       // "N@US": shorthand for crash:N@US
    std::string profile_file;
    std::vector<std::string> overrides;   // "NAME=VALUE"
    std::string vcd = "waveforms/rsmsim.vcd";
    bool no_vcd = false;
    bool trace_fst = false;
    std::string trace_nodes, trace_blocks, trace_window;
    size_t bytes = 256;
    size_t max_bytes = size_t{4} << 20;   // -w sweep
    int rounds = 100;                     // -w pingpong
    std::string csv, plot;                // -w sweep / pingpong: the data, and its picture
    std::vector<std::string> fidelity;    // "fast", "8=rtl", ... (run_settings.h)
};

// The report lines and the verdict (rsmsim/verdict.h) of a workload.
struct Report {
    rsmsim::Verdict verdict;
    double put4_ns = -1;   // one 4-byte put, measured by the first importer
    struct Entry {
        std::string name, result;
        double at_us;
        bool failed, reported;
    };
    std::vector<Entry> entries;   // every line, for --junit

    // One call's outcome; `rewrites`: on success it rewrote all the node's data.
    void line(int node_index, const std::string& what, int rc, double took_ns = -1, bool rewrites = false) {
        const int failed_before = verdict.failures();
        const bool reported = verdict.call(node_index, rc, rewrites);
        remember(node_index, what, rsmsim::rsm_error_name(rc), verdict.failures() > failed_before, reported);
        const std::string t = took_ns >= 0 ? fmt::format("  ({:.3f} us)", took_ns / 1000.0) : "";
        print(node_index, what, rsmsim::rsm_error_name(rc), t + (reported ? "  [reported: fault]" : ""));
    }
    // A check of data written by `writer` (default: the checking node).
    void check(int node_index, const std::string& what, bool ok, int writer = -1) {
        check_excused(node_index, what, ok, verdict.told(writer < 0 ? node_index : writer));
    }
    // A check whose failure the caller knows to be excused (or not).
    void check_excused(int node_index, const std::string& what, bool ok, bool excused) {
        const int failed_before = verdict.failures();
        const bool reported = verdict.check_excused(ok, excused);
        remember(node_index, what, ok ? "ok" : "MISMATCH", verdict.failures() > failed_before, reported);
        print(node_index, what, ok ? "ok" : "MISMATCH", reported ? "  [reported: fault]" : "");
    }
    void remember(int node_index, const std::string& what, const std::string& result, bool failed, bool reported) {
        entries.push_back({fmt::format("node {}: {}", rsmsim::Cluster::node_id(node_index), what), result,
                           rsmsim::Cluster::now_ns() / 1000.0, failed, reported});
    }
    void print(int node_index, const std::string& what, const std::string& result, const std::string& tail) {
        fmt::print("[{:>11.3f} us] node {:<3} {:<58} -> {}{}\n", rsmsim::Cluster::now_ns() / 1000.0,
                   rsmsim::Cluster::node_id(node_index), what, result, tail);
    }
};

// Times one rsmapi call in simulated nanoseconds.
template <typename F>
int timed(double& took_ns, F&& f) {
    const double t0 = rsmsim::Cluster::now_ns();
    const int rc = f();
    took_ns = rsmsim::Cluster::now_ns() - t0;
    return rc;
}

struct Scenario {
    Options opt;
    Report report;
    size_t seg_len = 0;
    uint8_t* seg_mem = nullptr;
    rsm_memseg_id_t segid = 0;   // published by node 4, read by the importers

    void exporter(rsmsim::Cluster& c) {
        rsmapi_controller_handle_t ctl = nullptr;
        report.line(0, "rsm_get_controller(\"sci0\")", rsm_get_controller(const_cast<char*>("sci0"), &ctl));
        rsm_memseg_export_handle_t ex = nullptr;
        report.line(0, fmt::format("rsm_memseg_export_create({} B)", seg_len),
                    rsm_memseg_export_create(ctl, &ex, seg_mem, seg_len, 0));
        std::vector<rsmapi_access_entry_t> acl;
        for (int i = 1; i < c.size(); ++i) acl.push_back({rsmsim::Cluster::node_id(i), RSM_PERM_RDWR});
        rsm_memseg_id_t id = 0;
        int rc = rsm_memseg_export_publish(ex, &id, acl.data(), static_cast<uint_t>(acl.size()));
        report.line(0, fmt::format("rsm_memseg_export_publish(acl: {} nodes) id=0x{:x}", acl.size(), id), rc);
        segid = id;
        c.sync();   // published
        c.sync();   // importers have put
        for (int i = 1; i < c.size(); ++i) {
            const uint8_t* slice = seg_mem + (i - 1) * opt.bytes;
            const bool ok = rsmsim::holds_pattern(slice, opt.bytes, static_cast<size_t>(i));
            report.check(0, fmt::format("verify slice of node {} ({} B)", rsmsim::Cluster::node_id(i), opt.bytes), ok, i);
        }
        c.sync();   // verified
        c.sync();   // importers have got, written with putv, and disconnected
        for (int i = 1; i < c.size(); ++i) {
            const uint8_t* slice = seg_mem + (i - 1) * opt.bytes;
            const bool ok = rsmsim::holds_pattern(slice, opt.bytes, static_cast<size_t>(i) + 100);
            report.check(0, fmt::format("verify putv data of node {} ({} B)", rsmsim::Cluster::node_id(i), opt.bytes), ok, i);
        }
        report.line(0, "rsm_memseg_export_unpublish", rsm_memseg_export_unpublish(ex));
        report.line(0, "rsm_memseg_export_destroy", rsm_memseg_export_destroy(ex));
        report.line(0, "rsm_release_controller", rsm_release_controller(ctl));
    }

    void importer(rsmsim::Cluster& c, int me) {
        rsmapi_controller_handle_t ctl = nullptr;
        report.line(me, "rsm_get_controller(\"sci0\")", rsm_get_controller(const_cast<char*>("sci0"), &ctl));
        c.sync();   // published
        // A connect that failed (reported: a fault took the exporter) leaves
        // nothing to transfer through; the node still keeps the rendezvous.
        rsm_memseg_import_handle_t im = connect(ctl, me);
        rsmapi_barrier_t bar{};
        const off_t base = static_cast<off_t>((me - 1) * opt.bytes);
        std::vector<uint8_t> data = rsmsim::pattern_bytes(opt.bytes, static_cast<size_t>(me));
        if (im) {
            report.line(me, "rsm_memseg_import_init_barrier", rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            put_slice(im, me, base, data);
        }
        c.sync();   // importers have put
        c.sync();   // verified
        if (im) {
            get_slice_back(im, me, base, data);
            data = rsmsim::pattern_bytes(opt.bytes, static_cast<size_t>(me) + 100);
            putv_getv_slice(im, me, base, data);
            report.line(me, "rsm_memseg_import_destroy_barrier", rsm_memseg_import_destroy_barrier(&bar));
            report.line(me, "rsm_memseg_import_disconnect", rsm_memseg_import_disconnect(im));
        }
        report.line(me, "rsm_release_controller", rsm_release_controller(ctl));
        c.sync();   // importers done
    }

    rsm_memseg_import_handle_t connect(rsmapi_controller_handle_t ctl, int me) {
        rsm_memseg_import_handle_t im = nullptr;
        double took = 0;
        const int rc = timed(took, [&] {
            return rsm_memseg_import_connect(ctl, rsmsim::Cluster::node_id(0), segid, RSM_PERM_RDWR, &im);
        });
        report.line(me, fmt::format("rsm_memseg_import_connect(node 4, 0x{:x}, RDWR)", segid), rc, took);
        return im;
    }

    // A 4-byte put first (the latency figure), then the whole slice.
    void put_slice(rsm_memseg_import_handle_t im, int me, off_t base, const std::vector<uint8_t>& data) {
        double took = 0;
        int rc = RSM_SUCCESS;
        auto* src = const_cast<uint8_t*>(data.data());
        if (opt.bytes >= 4) {
            rc = timed(took, [&] { return rsm_memseg_import_put(im, base, src, 4); });
            report.line(me, fmt::format("rsm_memseg_import_put(4 B @ 0x{:x})", base), rc, took);
            if (me == 1 && rc == RSM_SUCCESS) report.put4_ns = took;
        }
        rc = timed(took, [&] { return rsm_memseg_import_put(im, base, src, opt.bytes); });
        report.line(me, fmt::format("rsm_memseg_import_put({} B @ 0x{:x})", opt.bytes, base), rc, took, true);
    }

    void get_slice_back(rsm_memseg_import_handle_t im, int me, off_t base, const std::vector<uint8_t>& data) {
        std::vector<uint8_t> back(opt.bytes, 0);
        double took = 0;
        const int rc = timed(took, [&] { return rsm_memseg_import_get(im, base, back.data(), opt.bytes); });
        report.line(me, fmt::format("rsm_memseg_import_get({} B @ 0x{:x})", opt.bytes, base), rc, took);
        report.check(me, "compare got data with the pattern put", back == data);
    }

    // The same slice again as four scatter-gather entries, out and back.
    void putv_getv_slice(rsm_memseg_import_handle_t im, int me, off_t base, std::vector<uint8_t>& data) {
        std::vector<uint8_t> back(opt.bytes, 0);
        rsm_iovec_t iov[4];
        const size_t quarter = (opt.bytes + 3) / 4;
        ulong_t n = 0;
        for (size_t at = 0; at < opt.bytes; at += quarter, ++n) {
            iov[n] = {};
            iov[n].io_type = RSM_VA_TYPE;
            iov[n].local.vaddr = reinterpret_cast<caddr_t>(data.data());
            iov[n].local_offset = at;
            iov[n].remote_offset = static_cast<size_t>(base) + at;
            iov[n].transfer_length = std::min(quarter, opt.bytes - at);
        }
        rsm_scat_gath_t sg{};
        sg.io_request_count = n;
        sg.remote_handle = im;
        sg.iovec = iov;
        double took = 0;
        int rc = timed(took, [&] { return rsm_memseg_import_putv(&sg); });
        report.line(me, fmt::format("rsm_memseg_import_putv({} entries, {} B) residual {}", n, opt.bytes,
                                    sg.io_residual_count), rc, took, true);
        for (ulong_t k = 0; k < n; ++k) iov[k].local.vaddr = reinterpret_cast<caddr_t>(back.data());
        rc = timed(took, [&] { return rsm_memseg_import_getv(&sg); });
        report.line(me, fmt::format("rsm_memseg_import_getv({} entries, {} B) residual {}", n, opt.bytes,
                                    sg.io_residual_count), rc, took);
        report.check(me, "compare getv data with the pattern putv wrote", back == data);
    }
};

// Every node exports one slot per node and puts `bytes` into its slot on
// every other node; then each node verifies what arrived.
struct AllToAll {
    Options opt;
    Report& report;
    std::vector<uint8_t*> mem;   // one segment per node
    size_t seg_len = 0;
    std::set<std::pair<int, int>> failed;   // (writer, target): the writer's put there reported failure

    static rsm_memseg_id_t id_of(int node_index) { return 0x500000u + static_cast<rsm_memseg_id_t>(node_index); }

    void run(rsmsim::Cluster& c, int me) {
        const int n = c.size();
        rsmapi_controller_handle_t ctl = nullptr;
        int rc = rsm_get_controller(const_cast<char*>("sci0"), &ctl);
        if (rc) return report.line(me, "rsm_get_controller", rc);
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_id_t id = id_of(me);
        rc = rsm_memseg_export_create(ctl, &ex, mem[static_cast<size_t>(me)], seg_len, 0);
        if (!rc) rc = rsm_memseg_export_publish(ex, &id, nullptr, 0);
        if (rc) report.line(me, "export", rc);
        c.sync();
        std::vector<uint8_t> data = rsmsim::pattern_bytes(opt.bytes, static_cast<size_t>(me));
        int failures = 0, first_rc = RSM_SUCCESS;
        for (int peer = 0; peer < n; ++peer) {
            if (peer == me) continue;
            rsm_memseg_import_handle_t im = nullptr;
            rsmapi_barrier_t bar{};
            rc = rsm_memseg_import_connect(ctl, rsmsim::Cluster::node_id(peer), id_of(peer), RSM_PERM_RDWR, &im);
            if (!rc) rc = rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar);
            if (!rc) rc = rsm_memseg_import_put(im, static_cast<off_t>(static_cast<size_t>(me) * opt.bytes), data.data(), data.size());
            if (rc) {
                ++failures;
                failed.insert({me, peer});
                // The line shows the first failure no fault explains, else the first.
                if (first_rc == RSM_SUCCESS || (rsmsim::is_fault_outcome(first_rc) && !rsmsim::is_fault_outcome(rc)))
                    first_rc = rc;
            }
            if (im) {
                (void)rsm_memseg_import_destroy_barrier(&bar);
                (void)rsm_memseg_import_disconnect(im);
            }
        }
        report.line(me, fmt::format("put {} B to each of {} nodes ({} failed)", opt.bytes, n - 1, failures), first_rc);
        c.sync();
        bool ok = true, excused = true;   // a wrong slot is excused if its writer was told its put failed
        for (int peer = 0; peer < n; ++peer) {
            if (peer == me) continue;
            const uint8_t* slot = mem[static_cast<size_t>(me)] + static_cast<size_t>(peer) * opt.bytes;
            const bool slot_ok = rsmsim::holds_pattern(slot, opt.bytes, static_cast<size_t>(peer));
            ok = ok && slot_ok;
            excused = excused && (slot_ok || failed.count({peer, me}));
        }
        report.check_excused(me, fmt::format("verify the slots of {} nodes", n - 1), ok, !ok && excused);
        c.sync();
        (void)rsm_memseg_export_destroy(ex);
        (void)rsm_release_controller(ctl);
    }
};

void print_parameters(const rsmsim::model::TimingProfile& p) {
    for (const auto& name : rsmsim::model::parameter_names())
        fmt::print("    {:<18} {:g}\n", name, *rsmsim::model::get_parameter(p, name));
}

// Every option as the run used it (after --config, --profile-file, --set).
nlohmann::json options_in_effect(const Options& opt, const rsmsim::ClusterConfig& cfg, double time_limit_us) {
    nlohmann::json timing = nlohmann::json::object();
    for (const auto& name : rsmsim::model::parameter_names()) timing[name] = *rsmsim::model::get_parameter(cfg.timing, name);
    nlohmann::json trace_nodes = nlohmann::json::array();
    for (unsigned n : cfg.trace.nodes) trace_nodes.push_back(n);
    return {{"nodes", opt.nodes}, {"topology", opt.topology}, {"workload", opt.workload}, {"bytes", opt.bytes},
            {"max_bytes", opt.max_bytes}, {"rounds", opt.rounds}, {"profile", cfg.timing.name}, {"timing", timing},
            {"faults", opt.faults}, {"crc_error_rate", opt.crc_error_rate}, {"seed", opt.seed},
            {"time_limit_us", time_limit_us}, {"waveform", cfg.vcd_path}, {"trace_fst", cfg.trace_fst},
            {"trace_nodes", trace_nodes}, {"trace_blocks", opt.trace_blocks}, {"trace_window", opt.trace_window},
            {"fidelity", opt.fidelity}};
}

// What the programs called (per kind: count, errors, simulated latency) and
// each node's share: calls, errors by code, register accesses, interrupts.
void report_calls(rsmsim::Cluster& cluster, nlohmann::json& json) {
    json["calls"] = nlohmann::json::array();
    for (const auto& k : cluster.calls().kinds())
        json["calls"].push_back({{"call", k.call}, {"count", k.count}, {"errors", k.errors},
                                 {"latency_us", {{"min", k.min_ns / 1000.0}, {"mean", k.mean_ns / 1000.0},
                                                 {"p50", k.p50_ns / 1000.0}, {"p99", k.p99_ns / 1000.0},
                                                 {"max", k.max_ns / 1000.0}}}});
    json["per_node"] = nlohmann::json::array();
    for (int i = 0; i < cluster.size(); ++i) {
        const unsigned id = rsmsim::Cluster::node_id(i);
        const auto& all = cluster.calls().nodes();
        const auto it = all.find(id);
        const rsmsim::CallStats::Node n = it == all.end() ? rsmsim::CallStats::Node{} : it->second;
        nlohmann::json codes = nlohmann::json::object();
        for (const auto& [code, count] : n.codes) codes[rsmsim::rsm_error_name(code)] = count;
        json["per_node"].push_back({{"node", id}, {"calls", n.calls}, {"errors", n.errors}, {"error_codes", codes},
                                    {"dma_chains", n.dma_chains},
                                    {"register_accesses", cluster.node(i).bus.accesses()},
                                    {"interrupts", cluster.node(i).bus.irq_rises()}});
    }
}

// Where the load went: the busiest links, and what the fabric had to answer.
void report_links(rsmsim::Cluster& cluster, nlohmann::json& json) {
    auto stats = cluster.fabric().link_stats();
    const double run_ns = rsmsim::Cluster::now_ns();
    for (const auto& l : stats)
        json["links"].push_back({{"from", rsmsim::model::link_end_name(l.from)},
                                 {"to", rsmsim::model::link_end_name(l.to)},
                                 {"packets", l.packets},
                                 {"bytes", l.bytes},
                                 {"busy_percent", run_ns > 0 ? 100.0 * l.busy_ns / run_ns : 0.0}});
    std::stable_sort(stats.begin(), stats.end(), [](const auto& x, const auto& y) { return x.busy_ns > y.busy_ns; });
    const double now = rsmsim::Cluster::now_ns();
    std::string busiest;
    for (size_t k = 0; k < stats.size() && k < 3 && stats[k].packets > 0; ++k) {
        busiest += fmt::format("{}{}->{} {:.1f} % busy ({} packets)", k ? ", " : "",
                               rsmsim::model::link_end_name(stats[k].from), rsmsim::model::link_end_name(stats[k].to), now > 0 ? 100.0 * stats[k].busy_ns / now : 0.0, stats[k].packets);
    }
    fmt::print("busiest links: {}; requests answered UNREACHABLE or timed out: {}\n", busiest.empty() ? "none" : busiest,
               cluster.fabric().unreachable_answers());
}

// What -w calibrate measured, against the profile's documented targets.
void report_calibration(const rsmsim::ProfileMeasurement& m, const rsmsim::model::TimingProfile& t, Report& report) {
    if (!m.allocated) report.check(0, "calibrate: the buffers could be allocated", false);
    // Failed calls count like any workload's: documented fault codes are reported, not failures.
    for (const auto& c : m.failed_calls) report.line(c.node_index, "calibrate: " + c.what, c.rc);
    auto line = [](const std::string& what, double got, double target, const char* unit) {
        const double dev = 100.0 * (got - target) / target;
        fmt::print("{:<44} {:>10.1f} {:<5} (profile target {:g} {}: {:+.1f} %, {})\n", what, got, unit, target, unit,
                   dev, std::abs(dev) <= 10.0 ? "within 10 %" : "OFF by more than 10 %");
    };
    if (m.one_way_ns > 0) line("4-byte put one-way latency (ping-pong / 2):", m.one_way_ns, t.target_latency_ns, "ns");
    if (m.dma_MBps > 0)
        line(fmt::format("DMA put bandwidth (one {} B putv):", m.dma_bytes), m.dma_MBps, t.target_dma_MBps, "MB/s");
    report.check(1, "calibrate: the putv data arrived intact", m.dma_data_ok);
}

// The --config file (if any), checked against the options the file may set.
bool check_config(const CLI::App& app, int argc, char** argv) {
    std::string path;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--config" && i + 1 < argc) path = argv[i + 1];
        else if (a.rfind("--config=", 0) == 0) path = a.substr(9);
    }
    if (path.empty()) return true;
    std::vector<rsmsim::ConfigKey> keys;
    for (const CLI::Option* o : app.get_options()) {
        using K = rsmsim::ConfigKey::Kind;
        const K kind = o->get_type_name().empty() ? K::Flag   // flags show no type
                       : o->get_expected_max() > 1 ? K::List
                       : o->get_type_name().rfind("TEXT", 0) == 0 ? K::Text
                                                                   : K::Number;
        for (const auto& n : o->get_lnames()) keys.push_back({n, kind});
    }
    std::string error;
    if (rsmsim::check_config_file(path, keys, error)) return true;
    fmt::print(stderr, "rsmsim: --config {}\n", error);
    return false;
}

}  // namespace

std::string xml_escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// The report's lines as a JUnit XML test suite (one case per call or check;
// failures reported as documented for injected faults are passed cases
// that say so), for test frameworks and CI systems.
void write_junit(const std::string& path, const Options& opt, const Report& r, bool finished, bool interrupted) {
    std::ofstream x(path);
    int failures = 0;
    for (const auto& e : r.entries) failures += e.failed;
    const bool run_failed = !finished;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
      << fmt::format("  <testsuite name=\"rsmsim {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                     xml_escaped(opt.workload), r.entries.size() + 1, failures, run_failed ? 1 : 0);
    for (const auto& e : r.entries) {
        x << fmt::format("    <testcase classname=\"rsmsim.{}\" name=\"{}\" time=\"0\">", xml_escaped(opt.workload),
                         xml_escaped(e.name));
        if (e.failed)
            x << fmt::format("<failure message=\"{}\">at {:.3f} us simulated</failure>", xml_escaped(e.result), e.at_us);
        else if (e.reported)
            x << fmt::format("<system-out>{}: reported as documented for the injected faults</system-out>",
                             xml_escaped(e.result));
        x << "</testcase>\n";
    }
    x << "    <testcase classname=\"rsmsim." << xml_escaped(opt.workload) << "\" name=\"the run ends\" time=\"0\">";
    if (run_failed)
        x << "<error message=\"" << (interrupted ? "interrupted" : "programs left blocked or stopped by the time limit")
          << "\"/>";
    x << "</testcase>\n  </testsuite>\n</testsuites>\n";
}

// --csv and --plot: only for the scenarios that measure; writable; gnuplot there.
bool check_scenario_outputs(Options& opt) {
    const bool measures = opt.workload == "sweep" || opt.workload == "pingpong";
    if (!measures && (!opt.csv.empty() || !opt.plot.empty())) {
        fmt::print(stderr, "rsmsim: --csv and --plot go with -w sweep or -w pingpong\n");
        return false;
    }
    if (!opt.plot.empty() && opt.csv.empty()) opt.csv = opt.plot.substr(0, opt.plot.rfind('.')) + ".csv";
    for (const auto& [flag, path] : {std::pair{"--csv", opt.csv}, std::pair{"--plot", opt.plot}})
        if (!path.empty() && !std::ofstream(path, std::ios::app)) {
            fmt::print(stderr, "rsmsim: {} {}: cannot be written\n", flag, path);
            return false;
        }
    if (!opt.plot.empty() && !rsmsim::gnuplot_available()) {
        fmt::print(stderr, "rsmsim: --plot {}: gnuplot is not installed (Debian: apt-get install gnuplot-nox)\n",
                   opt.plot);
        return false;
    }
    return true;
}

// A measured transfer: counted in the verdict (node 8 made it); its status word.
const char* count_transfer(Report& report, int rc, bool data_ok) {
    (void)report.verdict.call(1, rc);
    (void)report.verdict.check(data_ok, 1);
    return rc ? rsmsim::rsm_error_name(rc) : data_ok ? "ok" : "MISMATCH";
}

// The set-up calls of a scenario, as report lines.
void report_scenario_calls(const std::vector<rsmsim::ScenarioCall>& calls, Report& report) {
    for (const auto& c : calls)
        if (c.rc != RSM_SUCCESS) report.line(c.node_index, c.what, c.rc);
}

void report_sweep(const rsmsim::BandwidthSweep& sw, const Options& opt, const std::string& profile, Report& report,
                  nlohmann::json& json) {
    report_scenario_calls(sw.calls(), report);
    std::ofstream csv;
    if (!opt.csv.empty()) csv.open(opt.csv);
    csv << "method,bytes,us,MBps,data_ok\n";
    json["sweep"] = nlohmann::json::array();
    fmt::print("node 8 -> node 4   bytes        us (simulated)      MB/s  data\n");
    for (const auto& r : sw.results()) {
        fmt::print("  {:<4} {:>12} {:>17.3f} {:>11.1f}  {}\n", r.method, r.bytes, r.us, r.MBps,
                   count_transfer(report, r.rc, r.data_ok));
        csv << r.method << ',' << r.bytes << ',' << r.us << ',' << r.MBps << ',' << (r.data_ok ? 1 : 0) << '\n';
        json["sweep"].push_back({{"method", r.method}, {"bytes", r.bytes}, {"us", r.us}, {"MBps", r.MBps},
                                 {"data_ok", r.data_ok}});
    }
    csv.close();
    std::string error;
    if (!opt.plot.empty() && !rsmsim::plot_sweep(opt.csv, opt.plot, "rsmsim bandwidth sweep, profile " + profile, error)) {
        fmt::print(stderr, "rsmsim: {}\n", error);
        report.verdict.fail();
    }
}

void report_pingpong(const rsmsim::PingPong& pp, const Options& opt, const std::string& profile, Report& report,
                     nlohmann::json& json) {
    report_scenario_calls(pp.calls(), report);
    std::vector<double> v = pp.round_trips_us();
    report.check(1, fmt::format("{} of {} round trips, each 4 bytes landed", v.size(), opt.rounds),
                 pp.data_ok() && v.size() == static_cast<size_t>(opt.rounds));
    if (v.empty()) return;
    std::ofstream csv;
    if (!opt.csv.empty()) csv.open(opt.csv);
    csv << "round,rtt_us\n";
    for (size_t i = 0; i < v.size(); ++i) csv << i + 1 << ',' << v[i] << '\n';
    csv.close();
    std::sort(v.begin(), v.end());
    auto at = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * v.size()))]; };
    double mean = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    fmt::print("round trip (put 4 B + signal post, each way): min {:.3f} / p50 {:.3f} / p99 {:.3f} / max {:.3f} us, "
               "mean {:.3f} us\n", v.front(), at(50), at(99), v.back(), mean);
    json["pingpong"] = {{"rounds", v.size()}, {"rtt_us", {{"min", v.front()}, {"mean", mean}, {"p50", at(50)},
                                                          {"p99", at(99)}, {"max", v.back()}}}};
    const double bin = std::max(0.001, (v.back() - v.front()) / 20.0);
    std::string error;
    if (!opt.plot.empty() &&
        !rsmsim::plot_latency(opt.csv, opt.plot, "rsmsim ping-pong round trips, profile " + profile, bin, error)) {
        fmt::print(stderr, "rsmsim: {}\n", error);
        report.verdict.fail();
    }
}

void report_sg(const rsmsim::ScatterGather& sg, Report& report, nlohmann::json& json) {
    report_scenario_calls(sg.calls(), report);
    json["sg"] = nlohmann::json::array();
    fmt::print("node 8 <-> node 4   local   entries   us (simulated)  data\n");
    for (const auto& r : sg.results()) {
        fmt::print("  {:<4} {:>14} {:>9} {:>16.3f}  {}\n", r.direction, r.local, r.entries, r.us,
                   count_transfer(report, r.rc, r.data_ok));
        json["sg"].push_back({{"direction", r.direction}, {"local", r.local}, {"entries", r.entries}, {"us", r.us},
                              {"data_ok", r.data_ok}});
    }
}

void report_storm(const rsmsim::SignalStorm& st, Report& report, nlohmann::json& json) {
    report_scenario_calls(st.calls(), report);
    json["storm"] = nlohmann::json::array();
    for (const auto& r : st.results()) {
        fmt::print("signal storm, {:<13}: {} posts, {} events received, {:.3f} us per post\n", r.mode, r.posted,
                   r.received, r.us_per_post);
        json["storm"].push_back({{"mode", r.mode}, {"posted", r.posted}, {"received", r.received},
                                 {"us_per_post", r.us_per_post}});
    }
    // Accumulated posts are all received; unaccumulated ones may merge, never more than posted.
    const auto& v = st.results();
    report.check(1, "accumulating posts: every one received", v.size() == 2 && v[0].received == v[0].posted);
    report.check(1, "non-accumulating posts: at least one, at most every one received",
                 v.size() == 2 && v[1].received >= 1 && v[1].received <= v[1].posted);
}

void report_barrier(const rsmsim::BarrierUnderFaults& b, Report& report, nlohmann::json& json) {
    report_scenario_calls(b.calls(), report);
    fmt::print("barrier rounds: {} of {} landed (close_barrier succeeded), {} of them lost\n", b.landed(),
               b.rounds(), b.lost());
    report.check_excused(0, "every round whose close succeeded holds its data", b.lost() == 0, false);
    json["barrier"] = {{"rounds", b.rounds()}, {"landed", b.landed()}, {"lost", b.lost()}};
}

// ---- the workloads: one interface, so the run spawns and reports them alike ----

class Workload {
public:
    virtual ~Workload() = default;
    virtual void run(rsmsim::Cluster& cluster, int index) = 0;
    virtual void report(Report& report, nlohmann::json& json) = 0;
};

// Buffers of the built-in putget and all-to-all workloads (page-aligned, zeroed).
using Memory = std::unique_ptr<rsmsim::PageBuffer>;
Memory page_memory(size_t len) { return std::make_unique<rsmsim::PageBuffer>(len); }

class PutGetWorkload : public Workload {
public:
    PutGetWorkload(const Options& opt, const Report& report) {
        s_.opt = opt;
        s_.report.verdict = report.verdict;   // faults injected or not
        s_.seg_len = rsmsim::whole_pages(opt.bytes * static_cast<size_t>(opt.nodes - 1));
        mem_ = page_memory(s_.seg_len);
        s_.seg_mem = mem_->p;
    }
    bool ready() const { return mem_->p != nullptr; }
    void run(rsmsim::Cluster& c, int i) override {
        if (i == 0) s_.exporter(c);
        else s_.importer(c, i);
    }
    void report(Report& r, nlohmann::json& json) override {
        r = s_.report;
        if (r.put4_ns >= 0) {
            fmt::print("one 4-byte put (implicit barrier): {:.3f} us\n", r.put4_ns / 1000.0);
            json["put4_us"] = r.put4_ns / 1000.0;
        }
    }

private:
    Scenario s_;
    Memory mem_;
};

class AllToAllWorkload : public Workload {
public:
    AllToAllWorkload(const Options& opt, Report& report)
        : a2a_{opt, report, {}, rsmsim::whole_pages(opt.bytes * static_cast<size_t>(opt.nodes)), {}} {
        for (int i = 0; i < opt.nodes; ++i) {
            mem_.push_back(page_memory(a2a_.seg_len));
            a2a_.mem.push_back(mem_.back()->p);
        }
    }
    bool ready() const { return std::all_of(mem_.begin(), mem_.end(), [](const Memory& m) { return m->p != nullptr; }); }
    void run(rsmsim::Cluster& c, int i) override { a2a_.run(c, i); }
    void report(Report&, nlohmann::json&) override {}

private:
    AllToAll a2a_;
    std::vector<Memory> mem_;
};

// A measuring scenario (rsmsim/scenarios.h or the calibration probe) and how its results are reported.
template <typename S>
class ScenarioWorkload : public Workload {
public:
    template <typename... Args>
    ScenarioWorkload(std::function<void(const S&, Report&, nlohmann::json&)> report, Args&&... args)
        : scenario_(std::forward<Args>(args)...), report_(std::move(report)) {}
    void run(rsmsim::Cluster& c, int i) override { scenario_.run(c, i); }
    void report(Report& r, nlohmann::json& json) override { report_(scenario_, r, json); }

private:
    S scenario_;
    std::function<void(const S&, Report&, nlohmann::json&)> report_;
};

std::unique_ptr<Workload> make_workload(const Options& opt, const rsmsim::ClusterConfig& cfg, Report& report) {
    using namespace rsmsim;
    const Options o = opt;
    const std::string profile = cfg.timing.name;
    if (opt.workload == "all-to-all") {
        auto w = std::make_unique<AllToAllWorkload>(opt, report);
        return w->ready() ? std::move(w) : nullptr;
    }
    if (opt.workload == "calibrate") {
        const model::TimingProfile timing = cfg.timing;
        return std::make_unique<ScenarioWorkload<ProfileProbe>>(
            [timing](const ProfileProbe& p, Report& r, nlohmann::json&) { report_calibration(p.result(), timing, r); },
            ProfileProbe::default_dma_bytes(cfg.timing));
    }
    if (opt.workload == "sweep")
        return std::make_unique<ScenarioWorkload<BandwidthSweep>>(
            [o, profile](const BandwidthSweep& s, Report& r, nlohmann::json& j) { report_sweep(s, o, profile, r, j); },
            opt.max_bytes);
    if (opt.workload == "pingpong")
        return std::make_unique<ScenarioWorkload<PingPong>>(
            [o, profile](const PingPong& s, Report& r, nlohmann::json& j) { report_pingpong(s, o, profile, r, j); },
            opt.rounds);
    if (opt.workload == "sg")
        return std::make_unique<ScenarioWorkload<ScatterGather>>(report_sg, opt.bytes);
    if (opt.workload == "storm")
        return std::make_unique<ScenarioWorkload<SignalStorm>>(report_storm, opt.rounds);
    if (opt.workload == "barrier")
        return std::make_unique<ScenarioWorkload<BarrierUnderFaults>>(report_barrier, opt.rounds);
    auto w = std::make_unique<PutGetWorkload>(opt, report);
    return w->ready() ? std::move(w) : nullptr;
}

// ---- the command line ----

// Everything the command line says besides the cluster and workload options.
struct Cli {
    Options opt;
    std::string segid_file, json_path, junit_path;
    bool list_profiles = false;
    double time_limit_us = 0;
    CLI::App* exec = nullptr;
    std::vector<std::string> exec_command, exec_nodes;
    double stall_limit_s = 60;
};

const char* const kRunGroup = "Cluster and workload";

void add_run_options(CLI::App& app, Cli& cli) {
    Options& opt = cli.opt;
    app.add_option("-n,--nodes", opt.nodes, "number of nodes (one exporter, the rest import)")
        ->check(CLI::Range(2, rsmsim::Cluster::kMaxNodes))
        ->group(kRunGroup);
    app.add_option("-t,--topology", opt.topology, "switch (two nodes: a cable), ring, or torus")
        ->check(CLI::IsMember({"switch", "ring", "torus"}))
        ->group(kRunGroup);
    app.add_option("-w,--workload", opt.workload,
                   "putget: node 4 exports, the others put/get/putv/getv; all-to-all: every node puts into every "
                   "other; calibrate: measure the profile's 4-byte put latency and DMA bandwidth (nodes 4 and 8); "
                   "sweep: bandwidth of put, get, putv, getv and mapped stores from 4 B to --max-bytes (node 8 to node 4); "
                   "pingpong: round trips of a 4-byte put and a signal post each way (--rounds); sg: putv and getv "
                   "of --bytes in 1..16 entries, by address and by local memory handle; storm: --rounds signal "
                   "posts back to back, accumulating and not; barrier: --rounds puts each inside a barrier, "
                   "retried when the close fails (give it --fault)")
        ->check(CLI::IsMember({"putget", "all-to-all", "calibrate", "sweep", "pingpong", "sg", "storm", "barrier"}))
        ->group(kRunGroup);
    app.add_option("--max-bytes", opt.max_bytes, "-w sweep: the largest transfer (sizes 4 B, 16 B, ... up to it)")
        ->check(CLI::Range(size_t{4}, size_t{16} << 20))
        ->group(kRunGroup);
    app.add_option("--rounds", opt.rounds, "-w pingpong, storm, barrier: round trips, posts, barrier rounds")
        ->check(CLI::Range(1, 100000))
        ->group(kRunGroup);
    app.add_option("-b,--bytes", opt.bytes, "bytes each importer puts and gets back")
        ->check(CLI::Range(size_t{1}, size_t{1} << 20))
        ->group(kRunGroup);
    app.add_option("--segid-file", cli.segid_file,
                   "segment-id file for rsm_get_segmentid_range (else $RSM_SEGMENTID_FILE or /etc/rsm/rsm.segmentid)")
        ->group(kRunGroup);
}

void add_timing_options(CLI::App& app, Cli& cli) {
    Options& opt = cli.opt;
    const char* const timing = "Timing";
    std::vector<std::string> names;
    for (const auto& p : rsmsim::model::timing_profiles()) names.push_back(p.name);
    app.add_option("-p,--profile", opt.profile, "timing profile")->check(CLI::IsMember(names))->group(timing);
    app.add_option("--profile-file", opt.profile_file,
                   "TOML file of timing parameters applied on top of --profile (may name its own base)")
        ->check(CLI::ExistingFile)
        ->group(timing);
    app.add_option("--set", opt.overrides, "override one timing parameter, NAME=VALUE (after --profile-file); repeatable")
        ->group(timing);
    app.add_flag("--list-profiles", cli.list_profiles, "print the timing profiles and their parameters, and exit")->group(timing);
}

void add_fault_options(CLI::App& app, Options& opt) {
    const char* const faults = "Faults";
    app.add_option("--fault", opt.faults,
                   "down:A-B@US, up:A-B@US, slow:A-B@US/FACTOR, crc:A-B@US/RATE (B or A = 0: the switch), "
                   "crash:NODE@US, or random:down=N,slow=N,crc=N,crash=N[@WINDOW_US] (drawn from --seed); repeatable")
        ->group(faults);
    app.add_option("--crc-error-rate", opt.crc_error_rate,
                   "probability that a request packet is corrupted anywhere on the fabric (per attempt)")
        ->check(CLI::Range(0.0, 1.0))
        ->group(faults);
    app.add_option("--seed", opt.seed, "seed of every random choice (CRC errors, random faults)")->group(faults);
    app.add_option("--link-down", opt.link_down, "shorthand for --fault down:A-B@US (A-B@US)")->group(faults);
    app.add_option("--crash", opt.crash, "shorthand for --fault crash:NODE@US (NODE@US)")->group(faults);
}

void add_output_options(CLI::App& app, Cli& cli) {
    Options& opt = cli.opt;
    const char* const output = "Output";
    app.add_option("--vcd", opt.vcd, "waveform file to write (.vcd, or .fst for FST), with a GTKWave save file beside it (.gtkw)")->group(output);
    app.add_flag("--trace-fst", opt.trace_fst, "write the waveform as FST (whatever its name)")->group(output);
    app.add_option("--trace-nodes", opt.trace_nodes, "only these nodes' signals in the waveform, e.g. 4,8")->group(output);
    app.add_option("--trace-blocks", opt.trace_blocks,
                   "only these blocks' signals: api, mmio, rtl, dma, fabric (comma-separated)")->group(output);
    app.add_option("--trace-window", opt.trace_window,
                   "only this stretch of simulated time in the waveform, FROM:TO in us (either may be empty)")->group(output);
    app.add_option("--json", cli.json_path, "also write the run's report to this file as JSON")->group(output);
    app.add_option("--junit", cli.junit_path, "also write the run's checks to this file as JUnit XML")->group(output);
    app.add_option("--csv", opt.csv, "-w sweep / pingpong: write the measurements to this CSV file")->group(output);
    app.add_option("--plot", opt.plot,
                   "-w sweep / pingpong: draw them with gnuplot into this SVG file (the CSV goes beside it unless "
                   "--csv names one)")->group(output);
    app.add_flag("--no-vcd", opt.no_vcd, "write no waveform")->group(output);
}

// rsmsim exec: the user's own programs, one process per node, instead of a workload.
void add_exec_command(CLI::App& app, Cli& cli) {
    CLI::App* exec = cli.exec = app.add_subcommand("exec", "run your own rsmapi programs (their own main(), linked with -lrsm), one "
                                            "process per node, on the cluster the other options describe");
    exec->fallthrough();
    exec->add_option("--node", cli.exec_nodes, "ID=PROGRAM [ARGS...]: this program on node ID (repeatable)");
    exec->add_option("--stall-limit", cli.stall_limit_s,
                     "wall-clock seconds a node process may compute without calling the simulation (before its "
                     "first call, while it starts: at least 10), and a run "
                     "may go on with nothing happening but polls of pipes, sockets or files nothing simulated "
                     "writes (then it stops and says who waits)")
        ->check(CLI::Range(0.1, 86400.0));
    exec->add_option("command", cli.exec_command, "-- PROGRAM [ARGS...]: run on every node no --node names");
}

// Every option of the command line (and of --config files), in one place;
// within a group, --help lists them in the order added.
void add_options(CLI::App& app, Cli& cli) {
    app.footer("Exit status: 0 the run passed (with injected faults: every failure was reported as the rsmapi "
               "documents it, and no data was lost); 1 a check failed, or programs were left blocked or stopped by "
               "--time-limit; 2 bad options or files; 130 interrupted (Ctrl-C).");
    add_run_options(app, cli);
    add_timing_options(app, cli);
    add_fault_options(app, cli.opt);
    add_output_options(app, cli);
    app.add_option("--fidelity", cli.opt.fidelity,
                   "the adapter core's model: rtl (the verilated RTL, default); cycle (the same architecture in C++, "
                   "cycle for cycle: the same results); fast (the C++ core, loosely timed: a DMA entry crosses the "
                   "fabric as one train, simulated times the RTL's where links are free, mostly within 5 % where "
                   "bulk transfers contend); lockstep (rtl and cycle side by "
                   "side, stopping at the first difference); NODE=MODEL for one node (repeatable, e.g. --fidelity "
                   "fast --fidelity 8=rtl)")
        ->group(kRunGroup);
    app.add_option("--time-limit", cli.time_limit_us,
                   "stop at this simulated time (us); programs still running then make the run fail")
        ->check(CLI::Range(0.0, rsmsim::kMaxFaultTimeUs))
        ->group(kRunGroup);
    app.set_version_flag("--version", std::string("rsmsim ") + RSMSIM_VERSION + " (librsm 2, SystemC 2.3.4, verilated RTL)");
    // Every long option can come from a TOML file instead (the command line
    // wins): nodes = 9, topology = "torus", fault = ["down:4-8@20", ...].
    app.set_config("--config", "", "read options from a TOML file: long option names as keys, lists for repeatable ones")
        ->check(CLI::ExistingFile);
    app.allow_config_extras(CLI::config_extras_mode::error);   // a misspelt key is an error, not ignored
    add_exec_command(app, cli);
}

// The command line's run settings (their checks and translation: run_settings.h).
rsmsim::RunSettings settings_of(const Cli& cli) {
    const Options& opt = cli.opt;
    rsmsim::RunSettings s;
    s.nodes = opt.nodes;
    s.profile = opt.profile;
    s.profile_file = opt.profile_file;
    s.overrides = opt.overrides;
    s.topology = opt.topology;
    s.crc_error_rate = opt.crc_error_rate;
    s.seed = opt.seed;
    s.faults = opt.faults;
    if (!opt.no_vcd) s.waveform = opt.vcd;
    s.trace_fst = opt.trace_fst;
    s.trace_nodes = opt.trace_nodes;
    s.trace_blocks = opt.trace_blocks;
    s.trace_window = opt.trace_window;
    s.time_limit_us = cli.time_limit_us;
    s.fidelity = opt.fidelity;
    return s;
}

// The options as a cluster configuration: false (message on stderr) if one is bad.
bool make_config(Cli& cli, rsmsim::ClusterConfig& cfg) {
    Options& opt = cli.opt;
    std::string error;
    auto refuse = [&](const std::string& why) {
        fmt::print(stderr, "rsmsim: {}\n", why);
        return false;
    };
    if (!cli.segid_file.empty()) {
        // Check the file now, so a bad one is reported before the run.
        setenv("RSM_SEGMENTID_FILE", cli.segid_file.c_str(), 1);
        rsm_memseg_id_t base = 0;
        uint32_t len = 0;
        if (rsm_get_segmentid_range("rsmsim-probe", &base, &len) == RSMERR_BAD_CONF)
            return refuse(fmt::format("--segid-file {}: missing or malformed (lines: reserved APPID BASEHEX COUNT; "
                                      "'#' comments; no blank lines)", cli.segid_file));
    }
    for (const auto& f : opt.link_down) opt.faults.push_back("down:" + f);
    for (const auto& f : opt.crash) opt.faults.push_back("crash:" + f);
    if (!rsmsim::make_cluster_config(settings_of(cli), cfg, error)) return refuse(error);
    return true;
}

void list_profiles(const Options& opt, const rsmsim::model::TimingProfile& in_effect) {
    for (const auto& p : rsmsim::model::timing_profiles()) {
        fmt::print("{:<10} {}\n", p.name, p.description);
        print_parameters(p);
    }
    if (!opt.profile_file.empty() || !opt.overrides.empty()) {
        fmt::print("{:<10} (in effect: --profile, then --profile-file, then --set)\n", in_effect.name);
        print_parameters(in_effect);
    }
}

// rsmsim exec: the user's programs, one process per node, instead of a workload.
int run_exec(const Cli& cli, rsmsim::ClusterConfig cfg) {
    rsmsim::LaunchOptions lo;
    lo.stall_limit_s = cli.stall_limit_s;
    cfg.idle_look_limit_s = cli.stall_limit_s;
    std::string error;
    for (const auto& text : cli.exec_nodes) {
        rsmsim::NodeProgram p;
        if (!rsmsim::parse_node_program(text, p, error)) {
            fmt::print(stderr, "rsmsim: {}\n", error);
            return 2;
        }
        lo.programs.push_back(p);
    }
    if (!cli.exec_command.empty())
        for (int i = 0; i < cli.opt.nodes; ++i) {
            const auto id = rsmsim::Cluster::node_id(i);
            if (std::none_of(lo.programs.begin(), lo.programs.end(),
                             [id](const rsmsim::NodeProgram& p) { return p.node_id == id; }))
                lo.programs.push_back({id, cli.exec_command});
        }
    std::sort(lo.programs.begin(), lo.programs.end(),
              [](const rsmsim::NodeProgram& a, const rsmsim::NodeProgram& b) { return a.node_id < b.node_id; });
    return rsmsim::run_processes(cfg, lo);
}

// Every file the run will write can be written: checked before it starts.
bool check_outputs(Cli& cli) {
    for (const auto& [flag, path] : {std::pair{"--json", cli.json_path}, std::pair{"--junit", cli.junit_path}})
        if (!path.empty() && !std::ofstream(path, std::ios::app)) {
            fmt::print(stderr, "rsmsim: {} {}: cannot be written\n", flag, path);
            return false;
        }
    return check_scenario_outputs(cli.opt);
}

// How the run ended, as the cluster saw it.
struct RunEnd {
    bool finished = false, timed_out = false, interrupted = false;
};

// ", fidelity fast" (or "... node 8 rtl") unless every node runs the RTL.
std::string fidelity_note(const rsmsim::Cluster& cluster) {
    std::map<std::string, std::vector<std::string>> by_model;
    for (int i = 0; i < cluster.size(); ++i) {
        const uint16_t id = rsmsim::Cluster::node_id(i);
        by_model[rsmsim::model::fidelity_name(cluster.fidelity_of(id))].push_back(std::to_string(id));
    }
    if (by_model.size() == 1) return by_model.count("rtl") ? "" : ", fidelity " + by_model.begin()->first;
    std::string note = ", fidelity";
    for (const auto& [name, ids] : by_model) note += fmt::format(" {} on {};", name, fmt::join(ids, ","));
    note.pop_back();
    return note;
}

RunEnd simulate(rsmsim::Cluster& cluster, Workload& w, const Options& opt, const rsmsim::ClusterConfig& cfg,
                nlohmann::json& json) {
    fmt::print("rsmsim: {} nodes ({}), workload {}, profile {} ({}), {} B per transfer, waveform {}{}\n", opt.nodes,
               opt.topology, opt.workload, cfg.timing.name, cfg.timing.description, opt.bytes,
               opt.no_vcd ? "off" : opt.vcd, fidelity_note(cluster));
    for (int i = 0; i < cluster.size(); ++i) cluster.spawn(i, [&, i] { w.run(cluster, i); });
    rsmsim::stop_on_interrupt(cluster);
    RunEnd end;
    {
        rsmsim::ProgressLine progress(cluster);
        end.finished = cluster.run();
    }
    end.timed_out = cluster.hit_time_limit();
    end.interrupted = cluster.interrupted();
    fmt::print("simulated time: {:.3f} us; fabric packets delivered: {}; corrupted attempts: {}\n",
               rsmsim::Cluster::now_ns() / 1000.0, cluster.fabric().packets_delivered(), cluster.fabric().crc_errors());
    json["simulated_us"] = rsmsim::Cluster::now_ns() / 1000.0;
    json["packets_delivered"] = cluster.fabric().packets_delivered();
    json["corrupted_attempts"] = cluster.fabric().crc_errors();
    json["unreachable_answers"] = cluster.fabric().unreachable_answers();
    report_links(cluster, json);
    report_calls(cluster, json);
    return end;
}

// The verdict, the JSON and JUnit files; the exit status.
int conclude(const Cli& cli, const Report& report, const RunEnd& end, nlohmann::json& json) {
    if (!end.finished)
        fmt::print(end.interrupted ? "interrupted: the report so far\n"
                   : end.timed_out ? "the time limit was reached with node programs still running\n"
                                   : "node programs were left blocked\n");
    const rsmsim::Verdict& v = report.verdict;
    const bool ok = end.finished && v.failures() == 0;
    fmt::print("result: {} ({} failures{})\n", ok ? "PASS" : "FAIL", v.failures(),
               v.reported() ? fmt::format("; {} reported as documented for the injected faults", v.reported()) : "");
    if (!cli.json_path.empty()) {
        json["finished"] = end.finished;
        json["time_limit_reached"] = end.timed_out;
        json["interrupted"] = end.interrupted;
        json["failures"] = v.failures();
        json["reported_fault_failures"] = v.reported();
        json["result"] = ok ? "PASS" : "FAIL";
        std::ofstream(cli.json_path) << json.dump(2) << "\n";
    }
    if (!cli.junit_path.empty()) write_junit(cli.junit_path, cli.opt, report, end.finished, end.interrupted);
    if (!end.finished) {
        // Programs left blocked still hold what they made (segments, buffers):
        // end here rather than in exit handlers that would call that a leak.
        std::fflush(nullptr);
        std::_Exit(end.interrupted ? rsmsim::kInterruptedStatus : 1);
    }
    return ok ? 0 : 1;
}

int run_workload(Cli& cli, rsmsim::ClusterConfig& cfg, const std::shared_ptr<nlohmann::json>& faults_applied) {
    Options& opt = cli.opt;
    nlohmann::json json = {{"rsmsim", RSMSIM_VERSION}, {"nodes", opt.nodes}, {"topology", opt.topology},
                           {"workload", opt.workload}, {"profile", cfg.timing.name}, {"bytes", opt.bytes},
                           {"seed", opt.seed}, {"links", nlohmann::json::array()}};
    json["options"] = options_in_effect(opt, cfg, cli.time_limit_us);
    if (!check_outputs(cli)) return 2;
    Report report;
    report.verdict.set_faults_injected(cfg.faults.any() || cfg.crc_error_rate > 0);
    const std::unique_ptr<Workload> w = make_workload(opt, cfg, report);
    if (!w) {
        fmt::print(stderr, "rsmsim: cannot allocate the workload's memory\n");
        return 1;
    }
    RunEnd end;
    {
        std::unique_ptr<rsmsim::Cluster> cluster;
        try {
            cluster = std::make_unique<rsmsim::Cluster>(cfg);
        } catch (const std::invalid_argument& e) {
            fmt::print(stderr, "rsmsim: {}\n", e.what());
            return 2;
        }
        end = simulate(*cluster, *w, opt, cfg, json);
        json["faults_applied"] = *faults_applied;
    }   // the waveform is complete here
    w->report(report, json);
    return conclude(cli, report, end, json);
}

// rsmsim's own entry, before SystemC's: its banner would open the output of
// every run (and of --help); --version names the SystemC release instead.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
    rsmsim::block_interrupts();   // before any thread starts: one takes Ctrl-C (rsmsim/interrupt.h)
    std::setvbuf(stdout, nullptr, _IOLBF, 0);   // a report line is out when it is printed
    CLI::App app{"rsmsim: simulate an SCI-style cluster and the rsmapi running on it (put/get, all-to-all or "
                 "calibration workloads), with fault injection; writes a VCD"};
    Cli cli;
    add_options(app, cli);
    if (!check_config(app, argc, argv)) return 2;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end well; every refusal is exit status 2.
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    if (cli.opt.workload == "sg" && !app.get_option("--bytes")->count()) cli.opt.bytes = 65536;
    rsmsim::ClusterConfig cfg;
    if (!make_config(cli, cfg)) return 2;
    if (cli.list_profiles) {
        list_profiles(cli.opt, cfg.timing);
        return 0;
    }
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    auto faults_applied = std::make_shared<nlohmann::json>(nlohmann::json::array());
    cfg.on_fault = [faults_applied](double now_ns, const rsmsim::FaultEvent& e) {
        fmt::print("[{:>11.3f} us] fault: {}\n", now_ns / 1000.0, rsmsim::describe(e));
        faults_applied->push_back({{"at_us", now_ns / 1000.0}, {"fault", rsmsim::describe(e)}});
    };
    if (cli.exec->parsed()) return run_exec(cli, cfg);
    return run_workload(cli, cfg, faults_applied);
}
