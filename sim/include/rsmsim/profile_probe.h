// ProfileProbe: measures what a timing profile's calibration targets
// describe, through the whole stack, the way the figures were measured on
// hardware. Run `run(cluster, index)` as the program of every node; nodes 0
// and 1 take part, others only rendezvous.
//   1. One-way latency of a 4-byte rsm_memseg_import_put: half the round
//      trip of a ping-pong (explicit barrier mode: plain posted stores; each
//      side polls its own memory every nanosecond).
//   2. Bandwidth of one large rsm_memseg_import_putv (node 1 -> node 0), from
//      the call to its return: chain set-up and implicit barrier included.
// Used by `rsmsim -w calibrate` and by tests/calibration_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rsmsim/cluster.h"
#include "rsmsim/scenarios.h"   // ScenarioCall

namespace rsmsim {

struct ProfileMeasurement {
    double one_way_ns = -1;
    double dma_MBps = -1;
    size_t dma_bytes = 0;
    bool dma_data_ok = false;          // every byte of the putv arrived
    bool allocated = true;                    // the buffers could be allocated
    std::vector<ScenarioCall> failed_calls;   // rsmapi calls that failed: node, call, code
};

class ProfileProbe {
public:
    static constexpr int kRounds = 20;
    // The putv length; the default suits the profile's target bandwidth
    // (long enough that set-up costs a few per cent at most).
    static size_t default_dma_bytes(const model::TimingProfile& t);

    explicit ProfileProbe(size_t dma_bytes);
    ~ProfileProbe();
    void run(Cluster& cluster, int index);
    const ProfileMeasurement& result() const { return result_; }

private:
    struct Buffers;
    // Records a failed call of node index `me`.
    bool ok(int me, int rc, const char* what);
    void ping_pong(Cluster& cl, int me);
    void dma(Cluster& cl, int me);

    std::unique_ptr<Buffers> buf_;
    ProfileMeasurement result_;
};

}  // namespace rsmsim
