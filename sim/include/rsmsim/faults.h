// Fault plans: link down/up, slow links and node crashes on a schedule, or
// drawn at random from a seed. One text syntax serves the rsmsim command
// line (--fault), the C testbench API (rsmsim_options.faults) and C++
// testbenches (ClusterConfig::faults):
//
//   down:A-B@T     the link from node A to its neighbour B fails at T us
//                  (in the switch topology: node and switch, B or A = 0)
//   up:A-B@T       it works again
//   slow:A-B@T/F   its bandwidth drops by the factor F >= 1 (1: full speed)
//   crc:A-B@T/P    it corrupts a request crossing it with probability P
//                  (0..1, per attempt; 0: clean again), retried and NACKed
//                  as the profile's crc_retries says
//   crash:N@T      node N crashes
//   random:KIND=COUNT[,KIND=COUNT...][@T]
//                  COUNT faults of each KIND (down, slow, crc, crash) at
//                  times drawn uniformly in [0, T) us (default 100): a downed
//                  link comes back up, and a slowed or noisy one recovers, at
//                  a later random time in the window. Drawn from the
//                  cluster's seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rsmsim {

// Bounds of every number in a fault plan, so a plan can neither saturate
// the simulated clock nor exhaust memory.
inline constexpr double kMaxFaultTimeUs = 1e9;   // 1,000 s of simulated time
inline constexpr double kMaxSlowFactor = 1e6;
inline constexpr int kMaxRandomFaults = 1000;     // per plan, all kinds together

struct FaultEvent {
    enum class Kind { LinkDown, LinkUp, SlowLink, NoisyLink, Crash };
    Kind kind = Kind::LinkDown;
    uint16_t a = 0, b = 0;   // link a -> b, or the crashing node a
    double at_ns = 0;
    double factor = 1;       // SlowLink: the slowdown; NoisyLink: the error rate
};

struct RandomFaults {
    int link_down = 0, slow_link = 0, noisy_link = 0, crash = 0;
    double window_ns = 100'000;
    bool any() const { return link_down + slow_link + noisy_link + crash > 0; }
};

// What a fault text says: fixed events and/or a random draw.
struct FaultPlan {
    std::vector<FaultEvent> events;
    RandomFaults random;
    bool any() const { return !events.empty() || random.any(); }
};

// Adds one fault text to `plan`. On a syntax error returns false and sets
// `error` to a message naming the text and the expected form.
bool parse_fault(const std::string& text, FaultPlan& plan, std::string& error);
// The fabric-wide CRC error rate: a probability (NaN refused). False sets
// `error`. Used by the command line, config files and the C API alike.
bool check_crc_error_rate(double rate, std::string& error);
// Several texts separated by ';' (the C API's form). Empty: nothing.
bool parse_faults(const std::string& list, FaultPlan& plan, std::string& error);

// The random draw: events over `links` (node pairs) and `nodes`, sorted by
// time. Empty `links` with link faults requested, or crashes with fewer than
// two nodes, is an error (returns nullopt, sets `error`).
std::optional<std::vector<FaultEvent>> draw_faults(const RandomFaults& r,
                                                   const std::vector<std::pair<uint16_t, uint16_t>>& links,
                                                   const std::vector<uint16_t>& nodes, uint64_t seed,
                                                   std::string& error);

// Orders events by time; events at the same time keep their order.
void sort_by_time(std::vector<FaultEvent>& events);

// "link 8->12 down", "node 12 crashed", ...
std::string describe(const FaultEvent& e);

}  // namespace rsmsim
