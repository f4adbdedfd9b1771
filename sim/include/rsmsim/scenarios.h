// Built-in measurement scenarios (rsmsim -w sweep, -w pingpong): node 8
// (index 1) against node 4 (index 0), the other nodes only rendezvous. Run
// `run(cluster, index)` as the program of every node; results() after the
// run. Each measures in simulated time and verifies every byte it moves.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rsmsim/cluster.h"
#include "rsmsim/verdict.h"

namespace rsmsim {

// One call's outcome for a report: what, its return code, its time.
struct ScenarioCall {
    int node_index;
    std::string what;
    int rc;
};

// Bandwidth against transfer size, per method: put and get (programmed
// I/O through the window), putv and getv (one DMA chain entry), sizes 4 B,
// 16 B, ... up to max_bytes (powers of 4).
class BandwidthSweep {
public:
    explicit BandwidthSweep(size_t max_bytes);
    ~BandwidthSweep();
    void run(Cluster& cluster, int index);

    struct Row {
        std::string method;
        size_t bytes;
        double us;       // simulated, call to return
        double MBps;
        bool data_ok;    // every byte arrived
        int rc;
    };
    const std::vector<Row>& results() const { return rows_; }
    const std::vector<ScenarioCall>& setup_calls() const { return calls_; }

private:
    struct Buffers;
    void measure(int method, size_t bytes, void* import_handle);
    std::unique_ptr<Buffers> buf_;
    size_t max_;
    std::vector<Row> rows_;
    std::vector<ScenarioCall> calls_;
};

// Round-trip latency: node 8 puts 4 bytes into node 4's segment and posts
// a signal; node 4 waits for it and answers the same way; `rounds` times.
class PingPong {
public:
    explicit PingPong(int rounds);
    ~PingPong();
    void run(Cluster& cluster, int index);
    const std::vector<double>& round_trips_us() const { return rtt_us_; }
    const std::vector<ScenarioCall>& calls() const { return calls_; }
    bool data_ok() const { return data_ok_; }

private:
    struct Side;
    int rounds_;
    std::vector<double> rtt_us_;
    std::vector<ScenarioCall> calls_;
    bool data_ok_ = true;
    std::unique_ptr<Side> side_[2];
};

}  // namespace rsmsim
