#include "rsmsim/faults.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "rsmsim/model/topology.h"

namespace rsmsim {

namespace {

bool valid_time_us(double us) { return us >= 0 && us <= kMaxFaultTimeUs; }

// A whole number 0..kMaxRandomFaults, all of `text`.
bool parse_count(const std::string& text, int& n) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    const long v = std::stol(text);
    if (v > kMaxRandomFaults) return false;
    n = static_cast<int>(v);
    return true;
}

bool parse_random(const std::string& spec, RandomFaults& r, std::string& error) {
    std::string counts = spec;
    const auto at = spec.find('@');
    if (at != std::string::npos) {
        counts = spec.substr(0, at);
        double us = 0;
        char tail = 0;
        if (std::sscanf(spec.c_str() + at + 1, "%lf%c", &us, &tail) != 1 || !(us > 0) || !valid_time_us(us)) {
            error = "bad window in 'random:" + spec + "': expected @MICROSECONDS, > 0 and at most " +
                    std::to_string(static_cast<long long>(kMaxFaultTimeUs));
            return false;
        }
        r.window_ns = us * 1000.0;
    }
    std::stringstream ss(counts);
    std::string item;
    bool some = false;
    while (std::getline(ss, item, ',')) {
        const auto eq = item.find('=');
        int n = 0;
        if (eq == std::string::npos || !parse_count(item.substr(eq + 1), n)) {
            error = "bad item '" + item + "' in 'random:" + spec + "': expected KIND=COUNT, COUNT 0.." +
                    std::to_string(kMaxRandomFaults);
            return false;
        }
        const std::string k = item.substr(0, eq);
        if (k == "down") r.link_down += n;
        else if (k == "slow") r.slow_link += n;
        else if (k == "crc") r.noisy_link += n;
        else if (k == "crash") r.crash += n;
        else {
            error = "unknown random fault kind '" + k + "': expected down, slow, crc or crash";
            return false;
        }
        some = true;
    }
    if (!some) {
        error = "'random:" + spec + "' names no fault";
        return false;
    }
    if (r.link_down + r.slow_link + r.noisy_link + r.crash > kMaxRandomFaults) {
        error = "'random:" + spec + "': at most " + std::to_string(kMaxRandomFaults) + " random faults in all";
        return false;
    }
    return true;
}

}  // namespace

bool parse_fault(const std::string& text, FaultPlan& plan, std::string& error) {
    const auto colon = text.find(':');
    const std::string kind = colon == std::string::npos ? "" : text.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (kind == "random") return parse_random(rest, plan.random, error);
    FaultEvent e;
    unsigned a = 0, b = 0;
    double us = -1;
    char tail = 0;
    bool ok = false;
    if (kind == "down" || kind == "up") {
        e.kind = kind == "down" ? FaultEvent::Kind::LinkDown : FaultEvent::Kind::LinkUp;
        ok = std::sscanf(rest.c_str(), "%u-%u@%lf%c", &a, &b, &us, &tail) == 3;
    } else if (kind == "slow") {
        e.kind = FaultEvent::Kind::SlowLink;
        ok = std::sscanf(rest.c_str(), "%u-%u@%lf/%lf%c", &a, &b, &us, &e.factor, &tail) == 4 && e.factor >= 1 &&
             e.factor <= kMaxSlowFactor;
    } else if (kind == "crc") {
        e.kind = FaultEvent::Kind::NoisyLink;
        ok = std::sscanf(rest.c_str(), "%u-%u@%lf/%lf%c", &a, &b, &us, &e.factor, &tail) == 4 && e.factor >= 0 &&
             e.factor <= 1;
    } else if (kind == "crash") {
        e.kind = FaultEvent::Kind::Crash;
        ok = std::sscanf(rest.c_str(), "%u@%lf%c", &a, &us, &tail) == 2;
    }
    ok = ok && valid_time_us(us) && a <= 0xFFFF && b <= 0xFFFF;
    if (!ok) {
        error = "bad fault '" + text + "': expected down:A-B@US, up:A-B@US, slow:A-B@US/FACTOR (FACTOR 1.." +
                std::to_string(static_cast<long long>(kMaxSlowFactor)) +
                "), crc:A-B@US/RATE (RATE 0..1), crash:NODE@US or random:KIND=COUNT[,...][@US], US 0.." +
                std::to_string(static_cast<long long>(kMaxFaultTimeUs));
        return false;
    }
    e.a = static_cast<uint16_t>(a);
    e.b = static_cast<uint16_t>(b);
    e.at_ns = us * 1000.0;
    plan.events.push_back(e);
    return true;
}

bool check_crc_error_rate(double rate, std::string& error) {
    if (rate >= 0 && rate <= 1) return true;   // also false for NaN
    std::ostringstream v;
    v << rate;
    error = "crc error rate " + v.str() + " is out of range (a probability, 0..1)";
    return false;
}

bool parse_faults(const std::string& list, FaultPlan& plan, std::string& error) {
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ';')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty() && !parse_fault(item, plan, error)) return false;
    }
    return true;
}

std::optional<std::vector<FaultEvent>> draw_faults(const RandomFaults& r,
                                                   const std::vector<std::pair<uint16_t, uint16_t>>& links,
                                                   const std::vector<uint16_t>& nodes, uint64_t seed,
                                                   std::string& error) {
    std::vector<FaultEvent> out;
    if ((r.link_down > 0 || r.slow_link > 0 || r.noisy_link > 0) && links.empty()) {
        error = "random link faults need links: this topology has none";
        return std::nullopt;
    }
    if (r.crash > 0 && static_cast<size_t>(r.crash) >= nodes.size()) {
        error = "random crashes must leave at least one node running";
        return std::nullopt;
    }
    // Its own stream, so adding faults does not change the CRC draws.
    std::mt19937_64 rng(seed ^ 0x6661756c74730000ULL);
    auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
    auto pick = [&](size_t n) { return static_cast<size_t>(std::uniform_int_distribution<size_t>(0, n - 1)(rng)); };
    const double w = r.window_ns;
    // A link not yet given a fault of this kind, while there is one: two
    // random flaps of one link would overlap, and the first recovery would
    // end both.
    std::vector<std::vector<size_t>> unused(3);
    for (auto& u : unused)
        for (size_t i = 0; i < links.size(); ++i) u.push_back(i);
    auto pick_link = [&](int kind) {
        auto& u = unused[static_cast<size_t>(kind)];
        if (u.empty())
            for (size_t i = 0; i < links.size(); ++i) u.push_back(i);
        const size_t at = pick(u.size());
        const size_t l = u[at];
        u.erase(u.begin() + static_cast<std::ptrdiff_t>(at));
        return links[l];
    };
    for (int k = 0; k < r.link_down; ++k) {
        const auto [a, b] = pick_link(0);
        const double down = uniform(0, w);
        out.push_back({FaultEvent::Kind::LinkDown, a, b, down, 1});
        out.push_back({FaultEvent::Kind::LinkUp, a, b, uniform(down, w), 1});
    }
    for (int k = 0; k < r.slow_link; ++k) {
        const auto [a, b] = pick_link(1);
        const double slow = uniform(0, w);
        out.push_back({FaultEvent::Kind::SlowLink, a, b, slow, std::floor(uniform(2, 17))});
        out.push_back({FaultEvent::Kind::SlowLink, a, b, uniform(slow, w), 1});
    }
    for (int k = 0; k < r.noisy_link; ++k) {
        const auto [a, b] = pick_link(2);
        const double noisy = uniform(0, w);
        out.push_back({FaultEvent::Kind::NoisyLink, a, b, noisy, uniform(0.05, 0.5)});
        out.push_back({FaultEvent::Kind::NoisyLink, a, b, uniform(noisy, w), 0});
    }
    std::vector<uint16_t> alive = nodes;
    for (int k = 0; k < r.crash; ++k) {
        const size_t i = pick(alive.size());
        out.push_back({FaultEvent::Kind::Crash, alive[i], 0, uniform(0, w), 1});
        alive.erase(alive.begin() + static_cast<std::ptrdiff_t>(i));
    }
    sort_by_time(out);
    return out;
}

void sort_by_time(std::vector<FaultEvent>& events) {
    std::stable_sort(events.begin(), events.end(),
                     [](const FaultEvent& x, const FaultEvent& y) { return x.at_ns < y.at_ns; });
}

std::string describe(const FaultEvent& e) {
    const std::string link = "link " + model::link_end_name(e.a) + "->" + model::link_end_name(e.b);
    switch (e.kind) {
    case FaultEvent::Kind::LinkDown: return link + " down";
    case FaultEvent::Kind::LinkUp: return link + " up";
    case FaultEvent::Kind::SlowLink: {
        char f[32];
        std::snprintf(f, sizeof f, "%g", e.factor);
        return e.factor == 1 ? link + " back to full speed" : link + " slowed " + f + "x";
    }
    case FaultEvent::Kind::NoisyLink: {
        char r[32];
        std::snprintf(r, sizeof r, "%g", e.factor);
        return e.factor == 0 ? link + " clean again" : link + " corrupts requests with probability " + r;
    }
    case FaultEvent::Kind::Crash: return "node " + std::to_string(e.a) + " crashed";
    }
    return "?";
}

}  // namespace rsmsim
