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
// I/O through the window), putv and getv (one DMA chain entry), map (stores
// into a mapped import between open_barrier and close_barrier), sizes 4 B,
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
    const std::vector<ScenarioCall>& calls() const { return calls_; }

private:
    struct Buffers;
    void measure(int method, size_t bytes, void* import_handle, void* barrier);
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

// Scatter-gather: one putv and one getv of `bytes` split into 1, 2, 4, 8
// and 16 entries, local memory given by address (VA) or by a local memory
// handle.
class ScatterGather {
public:
    explicit ScatterGather(size_t bytes);
    ~ScatterGather();
    void run(Cluster& cluster, int index);
    struct Row {
        std::string direction, local;   // putv/getv, va/handle
        int entries;
        double us;
        bool data_ok;
        int rc;
    };
    const std::vector<Row>& results() const { return rows_; }
    const std::vector<ScenarioCall>& calls() const { return calls_; }

private:
    struct Buffers;
    std::unique_ptr<Buffers> buf_;
    size_t bytes_;
    std::vector<Row> rows_;
    std::vector<ScenarioCall> calls_;
};

// A signal-post storm: node 8 posts `posts` signals back to back, first
// accumulating, then with RSM_SIGPOST_NO_ACCUMULATE; node 4 counts the
// events its waits return.
class SignalStorm {
public:
    explicit SignalStorm(int posts);
    ~SignalStorm();
    void run(Cluster& cluster, int index);
    struct Row {
        std::string mode;   // accumulate / no-accumulate
        int posted;
        int received;       // events node 4's waits returned
        double us_per_post;
    };
    const std::vector<Row>& results() const { return rows_; }
    const std::vector<ScenarioCall>& calls() const { return calls_; }

private:
    struct Shared;
    std::unique_ptr<Shared> sh_;
    int posts_;
    std::vector<Row> rows_;
    std::vector<ScenarioCall> calls_;
};

// Barriers under faults: node 8 writes `rounds` slots of node 4's segment,
// each inside open_barrier ... close_barrier, retrying a round its close
// reported failed (up to 5 tries); node 4 then checks every slot whose
// close succeeded. Give it faults (--fault): the verdict counts documented
// failures as reported and fails on data lost behind a successful close.
class BarrierUnderFaults {
public:
    explicit BarrierUnderFaults(int rounds);
    ~BarrierUnderFaults();
    void run(Cluster& cluster, int index);
    int rounds() const { return rounds_; }
    int landed() const { return landed_; }
    int lost() const { return lost_; }                   // closed fine, data wrong
    const std::vector<ScenarioCall>& calls() const { return calls_; }

private:
    struct Shared;
    std::unique_ptr<Shared> sh_;
    int rounds_, landed_ = 0, lost_ = 0;
    std::vector<ScenarioCall> calls_;
};

}  // namespace rsmsim
