// What users type: fault texts, random fault draws, profile files and
// NAME=VALUE overrides. Bad input is refused with a message and changes
// nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <string>

#include "rsmsim/faults.h"
#include "rsmsim/profile_config.h"
#include "rsmsim/run_settings.h"
#include "support/temp_file.h"
#include "rsmsim/testbench.h"

namespace {

using rsmsim::FaultEvent;
using rsmsim::FaultPlan;
using Kind = rsmsim::FaultEvent::Kind;

// The one translation of run settings (CLI and C API alike) into a cluster.
TEST(RunSettings, BecomeTheClusterConfiguration) {
    rsmsim::RunSettings s;
    s.nodes = 9;
    s.profile = "pcie-ntb";
    s.overrides = {"hop_ns=123"};
    s.topology = "torus";
    s.crc_error_rate = 0.25;
    s.seed = 7;
    s.faults = {"down:4-8@20", "crash:12@5;up:4-8@40"};
    s.waveform = "w.vcd";
    s.trace_nodes = "4,8";
    s.time_limit_us = 300;
    rsmsim::ClusterConfig cfg;
    std::string err;
    ASSERT_TRUE(rsmsim::make_cluster_config(s, cfg, err)) << err;
    EXPECT_EQ(cfg.nodes, 9);
    EXPECT_EQ(cfg.timing.name, "pcie-ntb");
    EXPECT_EQ(cfg.timing.hop_ns, 123.0);
    EXPECT_EQ(cfg.topology, rsmsim::model::TopologyKind::Torus);
    EXPECT_EQ(cfg.crc_error_rate, 0.25);
    EXPECT_EQ(cfg.seed, 7u);
    EXPECT_EQ(cfg.faults.events.size(), 3u) << "single faults and ';' lists alike";
    EXPECT_EQ(cfg.vcd_path, "w.vcd");
    EXPECT_EQ(cfg.trace.nodes, (std::set<unsigned>{4, 8}));
    EXPECT_EQ(cfg.time_limit_ns, 300e3);
}

TEST(RunSettings, EachBadSettingIsNamed) {
    const std::vector<std::pair<std::function<void(rsmsim::RunSettings&)>, std::string>> bad = {
        {[](auto& s) { s.profile = "pci-x"; }, "unknown timing profile 'pci-x'"},
        {[](auto& s) { s.overrides = {"hop_ns=-1"}; }, "hop_ns"},
        {[](auto& s) { s.topology = "mesh"; }, "unknown topology 'mesh'"},
        {[](auto& s) { s.crc_error_rate = 1.5; }, "out of range"},
        {[](auto& s) { s.faults = {"melt:4@1"}; }, "melt"},
        {[](auto& s) { s.trace_nodes = "6"; }, "--trace-nodes: '6'"},
    };
    for (const auto& [spoil, want] : bad) {
        rsmsim::RunSettings s;
        spoil(s);
        rsmsim::ClusterConfig cfg;
        std::string err;
        EXPECT_FALSE(rsmsim::make_cluster_config(s, cfg, err)) << want;
        EXPECT_NE(err.find(want), std::string::npos) << err;
    }
}

TEST(FaultText, EveryKindParses) {
    FaultPlan plan;
    std::string err;
    ASSERT_TRUE(rsmsim::parse_faults("down:8-12@20; up:8-12@40.5;slow:4-8@10/4 ; crash:16@7", plan, err)) << err;
    ASSERT_EQ(plan.events.size(), 4u);
    EXPECT_EQ(plan.events[0].kind, Kind::LinkDown);
    EXPECT_EQ(plan.events[0].a, 8);
    EXPECT_EQ(plan.events[0].b, 12);
    EXPECT_DOUBLE_EQ(plan.events[0].at_ns, 20000);
    EXPECT_EQ(plan.events[1].kind, Kind::LinkUp);
    EXPECT_DOUBLE_EQ(plan.events[1].at_ns, 40500);
    EXPECT_EQ(plan.events[2].kind, Kind::SlowLink);
    EXPECT_DOUBLE_EQ(plan.events[2].factor, 4);
    EXPECT_EQ(plan.events[3].kind, Kind::Crash);
    EXPECT_EQ(plan.events[3].a, 16);
    EXPECT_EQ(rsmsim::describe(plan.events[2]), "link 4->8 slowed 4x");
    ASSERT_TRUE(rsmsim::parse_fault("crc:8-12@5/0.25", plan, err)) << err;
    EXPECT_EQ(plan.events.back().kind, Kind::NoisyLink);
    EXPECT_DOUBLE_EQ(plan.events.back().factor, 0.25);
    EXPECT_EQ(rsmsim::describe(plan.events.back()), "link 8->12 corrupts requests with probability 0.25");
    ASSERT_TRUE(rsmsim::parse_fault("random:down=2,slow=1,crc=3,crash=1@250", plan, err)) << err;
    EXPECT_EQ(plan.random.link_down, 2);
    EXPECT_EQ(plan.random.slow_link, 1);
    EXPECT_EQ(plan.random.noisy_link, 3);
    EXPECT_EQ(plan.random.crash, 1);
    EXPECT_DOUBLE_EQ(plan.random.window_ns, 250000);
}

TEST(FaultText, MalformedIsRefusedAndAddsNothing) {
    for (const char* bad : {"down:8-12", "down:8@20", "slow:4-8@10", "slow:4-8@10/0.5", "crash:x@3", "crash:4@-1",
                            "flood:4@1", "down:8-12@20junk", "crc:8-12@5", "crc:8-12@5/1.5", "crc:8-12@5/-0.1", "random:", "random:down=x", "random:melt=1",
                            "random:down=1@0", "4-8@3", "down:70000-4@1"}) {
        FaultPlan plan;
        std::string err;
        EXPECT_FALSE(rsmsim::parse_fault(bad, plan, err)) << bad;
        EXPECT_FALSE(err.empty()) << bad;
        EXPECT_TRUE(plan.events.empty()) << bad;
    }
    FaultPlan plan;
    std::string err;
    EXPECT_FALSE(rsmsim::parse_faults("down:4-8@1;crash:oops", plan, err));
    EXPECT_NE(err.find("crash:oops"), std::string::npos) << err;
}

TEST(RandomFaults, SameSeedSameDrawAndEveryFaultHealsInTheWindow) {
    const std::vector<std::pair<uint16_t, uint16_t>> links = {{4, 8}, {8, 12}, {12, 4}};
    const std::vector<uint16_t> nodes = {4, 8, 12};
    rsmsim::RandomFaults r;
    r.link_down = 3;
    r.slow_link = 2;
    r.noisy_link = 1;
    r.crash = 2;
    r.window_ns = 50000;
    std::string err;
    const auto a = rsmsim::draw_faults(r, links, nodes, 7, err);
    const auto b = rsmsim::draw_faults(r, links, nodes, 7, err);
    const auto c = rsmsim::draw_faults(r, links, nodes, 8, err);
    ASSERT_TRUE(a && b && c) << err;
    ASSERT_EQ(a->size(), 3u * 2 + 2u * 2 + 1u * 2 + 2u);
    bool differs = false;
    for (size_t k = 0; k < a->size(); ++k) {
        EXPECT_EQ((*a)[k].at_ns, (*b)[k].at_ns);
        EXPECT_EQ((*a)[k].a, (*b)[k].a);
        differs = differs || (*a)[k].at_ns != (*c)[k].at_ns;
    }
    EXPECT_TRUE(differs) << "another seed, another draw";
    int down = 0, up = 0, crashes = 0, noisy = 0, clean = 0;
    std::vector<uint16_t> crashed;
    for (size_t k = 0; k < a->size(); ++k) {
        const FaultEvent& e = (*a)[k];
        EXPECT_GE(e.at_ns, 0);
        EXPECT_LT(e.at_ns, r.window_ns);
        if (k) {
            EXPECT_GE(e.at_ns, (*a)[k - 1].at_ns) << "sorted by time";
        }
        if (e.kind == Kind::LinkDown) ++down;
        if (e.kind == Kind::LinkUp) ++up;
        if (e.kind == Kind::NoisyLink) {
            ++(e.factor > 0 ? noisy : clean);
            EXPECT_LE(e.factor, 1.0);
        }
        if (e.kind == Kind::Crash) {
            ++crashes;
            crashed.push_back(e.a);
        }
    }
    EXPECT_EQ(down, 3);
    EXPECT_EQ(up, 3) << "every downed link comes back";
    EXPECT_EQ(noisy, 1);
    EXPECT_EQ(clean, 1) << "a noisy link gets clean again";
    EXPECT_EQ(crashes, 2);
    EXPECT_NE(crashed[0], crashed[1]) << "a node crashes once";
    // Three flaps on three links use each link once (two flaps of one link
    // would overlap, and the first recovery would end both), whatever the seed.
    for (uint64_t seed = 1; seed <= 50; ++seed) {
        const auto d = rsmsim::draw_faults(r, links, nodes, seed, err);
        ASSERT_TRUE(d) << err;
        std::set<std::pair<uint16_t, uint16_t>> flapped;
        for (const FaultEvent& e : *d)
            if (e.kind == Kind::LinkDown) flapped.insert({e.a, e.b});
        EXPECT_EQ(flapped.size(), 3u) << "seed " << seed;
    }
    r.crash = 3;
    EXPECT_FALSE(rsmsim::draw_faults(r, links, nodes, 7, err)) << "someone must survive";
    r.crash = 0;
    EXPECT_FALSE(rsmsim::draw_faults(r, {}, nodes, 7, err)) << "no links to fail";
    EXPECT_NE(err.find("need links"), std::string::npos) << err;
}

using rsmsim::test::TempFile;

TEST(ProfileFile, OverridesOnTopOfABase) {
    const auto base = *rsmsim::model::find_profile("pci-sci");
    std::string err;
    const TempFile p1("p1.toml", "# a slower card\nbase = \"pcie-ntb\"\nname = \"half\"\nlink_MBps = 6650\n"
                                 "crc_retries = 0\nhop_ns = 150.5\n");
    const auto p = rsmsim::load_profile_file(p1.path, base, err);
    ASSERT_TRUE(p) << err;
    EXPECT_EQ(p->name, "half");
    EXPECT_DOUBLE_EQ(p->link_MBps, 6650);
    EXPECT_EQ(p->crc_retries, 0);
    EXPECT_DOUBLE_EQ(p->hop_ns, 150.5);
    EXPECT_DOUBLE_EQ(p->adapter_ns, rsmsim::model::find_profile("pcie-ntb")->adapter_ns) << "the rest from the base";
    const TempFile p2("p2.toml", "adapter_ns = 10\n");
    const auto q = rsmsim::load_profile_file(p2.path, base, err);
    ASSERT_TRUE(q) << err;
    EXPECT_EQ(q->name, "pci-sci") << "no base: on top of the one given";
    EXPECT_DOUBLE_EQ(q->adapter_ns, 10);
}

TEST(ProfileFile, BadFilesAreRefusedWithTheReason) {
    const auto base = rsmsim::model::timing_profiles().front();
    const std::pair<const char*, const char*> cases[] = {
        {"link_MBps = \"fast\"\n", "link_MBps must be a number"},
        {"warp = 9\n", "unknown timing parameter 'warp'"},
        {"link_MBps = 0\n", "out of range"},
        {"crc_retries = 1.5\n", "out of range"},
        {"base = \"nosuch\"\n", "base must name"},
        {"link_MBps = = 3\n", "line 1"},
    };
    int k = 0;
    for (const auto& [text, why] : cases) {
        std::string err;
        const TempFile bad("bad" + std::to_string(k++) + ".toml", text);
        EXPECT_FALSE(rsmsim::load_profile_file(bad.path, base, err)) << text;
        EXPECT_NE(err.find(why), std::string::npos) << text << " -> " << err;
    }
    std::string err;
    EXPECT_FALSE(rsmsim::load_profile_file(::testing::TempDir() + "missing.toml", base, err));
}

TEST(Overrides, NameEqualsValue) {
    auto p = rsmsim::model::timing_profiles().front();
    const auto before = p;
    std::string err;
    ASSERT_TRUE(rsmsim::apply_override(p, "hop_ns=120", err)) << err;
    EXPECT_DOUBLE_EQ(p.hop_ns, 120);
    for (const char* bad : {"hop_ns", "=3", "hop_ns=", "hop_ns=fast", "hop_ns=-1", "nosuch=1", "host_MBps=0"}) {
        auto q = before;
        EXPECT_FALSE(rsmsim::apply_override(q, bad, err)) << bad;
        EXPECT_FALSE(err.empty());
        EXPECT_DOUBLE_EQ(q.hop_ns, before.hop_ns) << bad << ": unchanged";
        EXPECT_DOUBLE_EQ(q.host_MBps, before.host_MBps) << bad << ": unchanged";
    }
    // Every listed parameter reads back what was set.
    for (const auto& name : rsmsim::model::parameter_names()) {
        auto q = before;
        ASSERT_TRUE(rsmsim::model::set_parameter(q, name, 3, err)) << name << ": " << err;
        EXPECT_DOUBLE_EQ(*rsmsim::model::get_parameter(q, name), 3) << name;
    }
}

// The C testbench API refuses bad options before it builds anything (so
// several refusals fit in one process) and never runs the program.
TEST(TestbenchOptions, BadOptionsAreRefused) {
    int ran = 0;
    auto program = [](int, void* arg) { ++*static_cast<int*>(arg); };
    rsmsim_options o;
    rsmsim_options_init(&o);
    EXPECT_EQ(o.nodes, 2);
    EXPECT_EQ(o.faults, nullptr);
    EXPECT_EQ(rsmsim_run(nullptr, program, &ran), -1);
    const auto refused = [&](void (*set)(rsmsim_options&)) {
        rsmsim_options b;
        rsmsim_options_init(&b);
        set(b);
        return rsmsim_run(&b, program, &ran) == -1;
    };
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.profile = "nosuch"; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.topology = "mesh"; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.overrides = "hop_ns=1;link_MBps=-3"; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.profile_file = "/nonexistent/p.toml"; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.crc_error_rate = 1.5; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.faults = "down:4-8@1;melt:8@2"; }));
    EXPECT_TRUE(refused([](rsmsim_options& b) { b.time_limit_us = -1; }));   // refused by the Cluster itself
    EXPECT_EQ(ran, 0);
}

}  // namespace
