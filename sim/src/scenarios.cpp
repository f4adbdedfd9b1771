#include "rsmsim/scenarios.h"

#include <cstdlib>
#include <cstring>

#include "page_buffer.h"
#include "test_pattern.h"
#include "rsmapi.h"

namespace rsmsim {

namespace {

constexpr rsm_memseg_id_t kSweepId = 0x7E0000;
constexpr rsm_memseg_id_t kPingId = 0x7E0010;   // + node index
constexpr rsm_memseg_id_t kSgId = 0x7E0020;
constexpr rsm_memseg_id_t kStormId = 0x7E0030;
constexpr rsm_memseg_id_t kBarrierId = 0x7E0040;

rsmapi_controller_handle_t controller(std::vector<ScenarioCall>& calls, int me) {
    rsmapi_controller_handle_t c = nullptr;
    calls.push_back({me, "rsm_get_controller", rsm_get_controller(const_cast<char*>("sci0"), &c)});
    return c;
}

// Node 0 exports `mem`, node 1 connects (with a barrier for puts and gets):
// the set-up every two-node scenario below shares. Nodes beyond 1 only
// rendezvous (twice). Returns the import handle on node 1.
struct TwoNodes {
    rsmapi_controller_handle_t ctl = nullptr;
    rsm_memseg_export_handle_t ex = nullptr;
    rsm_memseg_import_handle_t im = nullptr;
    rsmapi_barrier_t bar{};
    bool ok = false;

    TwoNodes(Cluster& cl, int me, PageBuffer& mem, rsm_memseg_id_t id, std::vector<ScenarioCall>& calls) {
        ctl = controller(calls, me);
        if (me == 0) {
            rsm_memseg_id_t want = id;
            calls.push_back({0, "rsm_memseg_export_create", rsm_memseg_export_create(ctl, &ex, mem.p, mem.len, 0)});
            calls.push_back({0, "rsm_memseg_export_publish", rsm_memseg_export_publish(ex, &want, nullptr, 0)});
            ok = calls.back().rc == RSM_SUCCESS;
        }
        cl.sync();   // published
        if (me != 1) return;
        int rc = rsm_memseg_import_connect(ctl, Cluster::node_id(0), id, RSM_PERM_RDWR, &im);
        calls.push_back({1, "rsm_memseg_import_connect", rc});
        if (rc == RSM_SUCCESS) {
            rc = rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar);
            calls.push_back({1, "rsm_memseg_import_init_barrier", rc});
        }
        ok = rc == RSM_SUCCESS;
    }
    // Node 1 disconnects; all meet; node 0 destroys its export.
    void finish(Cluster& cl, int me, std::vector<ScenarioCall>& calls) {
        if (me == 1 && im) {
            if (ok) calls.push_back({1, "rsm_memseg_import_destroy_barrier", rsm_memseg_import_destroy_barrier(&bar)});
            calls.push_back({1, "rsm_memseg_import_disconnect", rsm_memseg_import_disconnect(im)});
        }
        cl.sync();   // done
        if (me == 0 && ex) calls.push_back({0, "rsm_memseg_export_destroy", rsm_memseg_export_destroy(ex)});
    }
};

// The exported segment and the local buffer of a transfer scenario.
struct RemoteAndLocal {
    explicit RemoteAndLocal(size_t n) : remote(n), local(n) {}
    PageBuffer remote, local;
};

}  // namespace

// ---- bandwidth sweep ----

struct BandwidthSweep::Buffers : RemoteAndLocal {
    using RemoteAndLocal::RemoteAndLocal;
};

BandwidthSweep::BandwidthSweep(size_t max_bytes)
    : buf_(std::make_unique<Buffers>(max_bytes < 4 ? 4 : max_bytes)), max_(max_bytes < 4 ? 4 : max_bytes) {}
BandwidthSweep::~BandwidthSweep() = default;

namespace {
const char* const kMethods[] = {"put", "get", "putv", "getv", "map"};
constexpr int kMapped = 4;

// Stores into a mapped import: map the bytes' pages (not timed), then time
// what a program does: open_barrier (refills the mapping), the stores,
// close_barrier (writes back what changed); unmap.
int mapped_stores(rsm_memseg_import_handle_t im, rsmapi_barrier_t* bar, const uint8_t* local, size_t bytes,
                  double& ns) {
    void* addr = nullptr;
    int rc = rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, whole_pages(bytes));
    if (rc != RSM_SUCCESS) return rc;
    const double t0 = Cluster::now_ns();
    rc = rsm_memseg_import_open_barrier(bar);
    if (rc == RSM_SUCCESS) {
        std::memcpy(addr, local, bytes);
        rc = rsm_memseg_import_close_barrier(bar);
    }
    ns = Cluster::now_ns() - t0;
    const int unmapped = rsm_memseg_import_unmap(im);
    return rc != RSM_SUCCESS ? rc : unmapped;
}

int transfer(int method, rsm_memseg_import_handle_t im, uint8_t* local, size_t bytes) {
    if (method < 2)
        return method == 0 ? rsm_memseg_import_put(im, 0, local, bytes) : rsm_memseg_import_get(im, 0, local, bytes);
    rsm_iovec_t v{};
    v.io_type = RSM_VA_TYPE;
    v.local.vaddr = reinterpret_cast<caddr_t>(local);
    v.transfer_length = bytes;
    rsm_scat_gath_t sg{};
    sg.remote_handle = im;
    sg.io_request_count = 1;
    sg.iovec = &v;
    return method == 2 ? rsm_memseg_import_putv(&sg) : rsm_memseg_import_getv(&sg);
}
}  // namespace

void BandwidthSweep::measure(int method, size_t bytes, void* handle, void* barrier) {
    auto* im = static_cast<rsm_memseg_import_handle_t>(handle);
    uint8_t* remote = buf_->remote.p;
    uint8_t* local = buf_->local.p;
    const size_t salt = rows_.size();
    const bool writes = method == 0 || method == 2 || method == kMapped;
    // The side that is read holds a fresh pattern; the other is cleared.
    fill_pattern(writes ? local : remote, bytes, salt);
    std::memset(writes ? remote : local, 0, bytes);
    double ns = 0;
    int rc;
    if (method == kMapped) {
        rc = mapped_stores(im, static_cast<rsmapi_barrier_t*>(barrier), local, bytes, ns);
    } else {
        const double t0 = Cluster::now_ns();
        rc = transfer(method, im, local, bytes);
        ns = Cluster::now_ns() - t0;
    }
    const bool same = holds_pattern(writes ? remote : local, bytes, salt);
    rows_.push_back({kMethods[method], bytes, ns / 1000.0, ns > 0 ? bytes / (ns / 1000.0) : 0.0, same, rc});
}

void BandwidthSweep::run(Cluster& cl, int me) {
    TwoNodes two(cl, me, buf_->remote, kSweepId, calls_);
    if (me == 1 && two.ok)
        for (int m = 0; m <= kMapped; ++m)
            for (size_t bytes = 4; bytes <= max_; bytes *= 4) measure(m, bytes, two.im, &two.bar);
    two.finish(cl, me, calls_);
}

// ---- ping-pong ----

struct PingPong::Side {
    PageBuffer page{kPage};
    rsm_memseg_export_handle_t ex = nullptr;
    rsm_memseg_import_handle_t im = nullptr;
    rsmapi_barrier_t bar{};
};

PingPong::PingPong(int rounds) : rounds_(rounds) {
    side_[0] = std::make_unique<Side>();
    side_[1] = std::make_unique<Side>();
}
PingPong::~PingPong() = default;

void PingPong::run(Cluster& cl, int me) {
    if (me > 1) {
        cl.sync();
        cl.sync();
        return;
    }
    Side& s = *side_[me];
    const int peer = 1 - me;
    rsmapi_controller_handle_t c = controller(calls_, me);
    rsm_memseg_id_t id = kPingId + static_cast<rsm_memseg_id_t>(me);
    calls_.push_back({me, "rsm_memseg_export_create", rsm_memseg_export_create(c, &s.ex, s.page.p, s.page.len, 0)});
    calls_.push_back({me, "rsm_memseg_export_publish", rsm_memseg_export_publish(s.ex, &id, nullptr, 0)});
    cl.sync();   // both published
    int rc = rsm_memseg_import_connect(c, Cluster::node_id(peer), kPingId + static_cast<rsm_memseg_id_t>(peer),
                                       RSM_PERM_RDWR, &s.im);
    calls_.push_back({me, "rsm_memseg_import_connect", rc});
    if (rc == RSM_SUCCESS) {
        rc = rsm_memseg_import_init_barrier(s.im, RSM_BAR_DEFAULT, &s.bar);
        calls_.push_back({me, "rsm_memseg_import_init_barrier", rc});
    }
    auto* word = reinterpret_cast<volatile uint32_t*>(s.page.p);
    // One direction: the round number into the peer's segment, and a signal.
    auto send = [&](uint32_t round) {
        int r = rsm_memseg_import_put32(s.im, 0, &round, 1);
        if (r == RSM_SUCCESS) r = rsm_intr_signal_post(s.im, 0);
        if (r != RSM_SUCCESS) calls_.push_back({me, "put32 + rsm_intr_signal_post", r});
        return r == RSM_SUCCESS;
    };
    auto receive = [&](uint32_t round) {
        const int r = rsm_intr_signal_wait(s.ex, 10'000);
        if (r != RSM_SUCCESS) calls_.push_back({me, "rsm_intr_signal_wait", r});
        data_ok_ = data_ok_ && *word == round;
        return r == RSM_SUCCESS;
    };
    bool ok = rc == RSM_SUCCESS;
    for (int round = 1; ok && round <= rounds_; ++round) {
        const auto r = static_cast<uint32_t>(round);
        if (me == 1) {
            const double t0 = Cluster::now_ns();
            ok = send(r) && receive(r);
            if (ok) rtt_us_.push_back((Cluster::now_ns() - t0) / 1000.0);
        } else {
            ok = receive(r) && send(r);
        }
    }
    if (rc == RSM_SUCCESS) calls_.push_back({me, "rsm_memseg_import_destroy_barrier", rsm_memseg_import_destroy_barrier(&s.bar)});
    if (s.im) calls_.push_back({me, "rsm_memseg_import_disconnect", rsm_memseg_import_disconnect(s.im)});
    cl.sync();   // both done
    calls_.push_back({me, "rsm_memseg_export_destroy", rsm_memseg_export_destroy(s.ex)});
}

// ---- scatter-gather ----

struct ScatterGather::Buffers : RemoteAndLocal {
    using RemoteAndLocal::RemoteAndLocal;
};

ScatterGather::ScatterGather(size_t bytes)
    : buf_(std::make_unique<Buffers>(bytes < 64 ? 64 : bytes)), bytes_(bytes < 64 ? 64 : bytes) {}
ScatterGather::~ScatterGather() = default;

void ScatterGather::run(Cluster& cl, int me) {
    TwoNodes two(cl, me, buf_->remote, kSgId, calls_);
    if (me == 1 && two.ok) {
        rsm_localmemory_handle_t lh = nullptr;
        const int rc = rsm_create_localmemory_handle(two.ctl, &lh, reinterpret_cast<caddr_t>(buf_->local.p), bytes_);
        calls_.push_back({1, "rsm_create_localmemory_handle", rc});
        for (int handle = 0; handle < 2 && rc == RSM_SUCCESS; ++handle)
            for (int entries = 1; entries <= 16; entries *= 2)
                for (int put = 1; put >= 0; --put) {
                    uint8_t* remote = buf_->remote.p;
                    uint8_t* local = buf_->local.p;
                    const size_t salt = rows_.size();
                    fill_pattern(put ? local : remote, bytes_, salt);
                    std::memset(put ? remote : local, 0, bytes_);
                    // Entries in reverse order of their offsets: a chain need not be sorted.
                    std::vector<rsm_iovec_t> v(static_cast<size_t>(entries));
                    const size_t part = bytes_ / static_cast<size_t>(entries);
                    for (int e = 0; e < entries; ++e) {
                        rsm_iovec_t& io = v[static_cast<size_t>(entries - 1 - e)];
                        io = {};
                        io.io_type = handle ? RSM_HANDLE_TYPE : RSM_VA_TYPE;
                        if (handle) io.local.handle = lh;
                        else io.local.vaddr = reinterpret_cast<caddr_t>(local);
                        io.local_offset = io.remote_offset = static_cast<size_t>(e) * part;
                        io.transfer_length = e + 1 == entries ? bytes_ - io.local_offset : part;
                    }
                    rsm_scat_gath_t sg{};
                    sg.remote_handle = two.im;
                    sg.io_request_count = static_cast<ulong_t>(entries);
                    sg.iovec = v.data();
                    const double t0 = Cluster::now_ns();
                    const int r = put ? rsm_memseg_import_putv(&sg) : rsm_memseg_import_getv(&sg);
                    const double us = (Cluster::now_ns() - t0) / 1000.0;
                    const bool same = holds_pattern(put ? remote : local, bytes_, salt);
                    rows_.push_back({put ? "putv" : "getv", handle ? "handle" : "va", entries, us, same, r});
                }
        if (rc == RSM_SUCCESS) calls_.push_back({1, "rsm_free_localmemory_handle", rsm_free_localmemory_handle(two.ctl, lh)});
    }
    two.finish(cl, me, calls_);
}

// ---- signal-post storm ----

struct SignalStorm::Shared {
    PageBuffer mem{kPage};
    int received[2] = {0, 0};
    // The sender could not write "the storm is over" (a fault): the counter
    // stops at its next quiet millisecond instead of waiting for it forever.
    bool marker_lost[2] = {false, false};
};

SignalStorm::SignalStorm(int posts) : sh_(std::make_unique<Shared>()), posts_(posts) {}
SignalStorm::~SignalStorm() = default;

void SignalStorm::run(Cluster& cl, int me) {
    TwoNodes two(cl, me, sh_->mem, kStormId, calls_);
    auto* phase = reinterpret_cast<volatile uint32_t*>(sh_->mem.p);   // node 8 writes 1, 2 when a storm is over
    for (int mode = 0; mode < 2; ++mode) {
        if (me == 1 && two.ok) {
            const uint_t flags = mode ? RSM_SIGPOST_NO_ACCUMULATE : 0;
            const double t0 = Cluster::now_ns();
            int posted = 0;
            for (; posted < posts_; ++posted) {
                const int rc = rsm_intr_signal_post(two.im, flags);
                if (rc != RSM_SUCCESS) {
                    calls_.push_back({1, "rsm_intr_signal_post", rc});
                    break;
                }
            }
            const double us = (Cluster::now_ns() - t0) / 1000.0;
            const uint32_t over = static_cast<uint32_t>(mode + 1);
            calls_.push_back({1, "put32 (the storm is over)", rsm_memseg_import_put32(two.im, 0, const_cast<uint32_t*>(&over), 1)});
            sh_->marker_lost[mode] = calls_.back().rc != RSM_SUCCESS;
            calls_.push_back({1, "rsm_intr_signal_post", rsm_intr_signal_post(two.im, 0)});   // wakes the counter
            rows_.push_back({mode ? "no-accumulate" : "accumulate", posted, 0, posted ? us / posted : 0});
        } else if (me == 1) {
            sh_->marker_lost[mode] = true;   // not connected: nothing will come
        } else if (me == 0 && two.ok) {
            // Counts events until the storm is over and no event is left.
            for (;;) {
                const int rc = rsm_intr_signal_wait(two.ex, 1);
                if (rc == RSM_SUCCESS) ++sh_->received[mode];
                else if (rc != RSMERR_TIMEOUT) calls_.push_back({0, "rsm_intr_signal_wait", rc});
                if (rc != RSM_SUCCESS && (*phase == static_cast<uint32_t>(mode + 1) || sh_->marker_lost[mode])) break;
            }
        }
        cl.sync();   // this storm counted
        if (me == 1 && static_cast<size_t>(mode) < rows_.size()) rows_[static_cast<size_t>(mode)].received = sh_->received[mode] - 1;
    }
    two.finish(cl, me, calls_);
}

// ---- barriers under faults ----

struct BarrierUnderFaults::Shared {
    explicit Shared(int rounds) : mem(static_cast<size_t>(rounds) * 64), landed(static_cast<size_t>(rounds), false) {}
    PageBuffer mem;
    std::vector<bool> landed;   // the round's close_barrier succeeded
};

BarrierUnderFaults::BarrierUnderFaults(int rounds) : sh_(std::make_unique<Shared>(rounds)), rounds_(rounds) {}
BarrierUnderFaults::~BarrierUnderFaults() = default;

void BarrierUnderFaults::run(Cluster& cl, int me) {
    TwoNodes two(cl, me, sh_->mem, kBarrierId, calls_);
    if (me == 1 && two.ok) {
        calls_.push_back({1, "rsm_memseg_import_set_mode(explicit)", rsm_memseg_import_set_mode(two.im, RSM_BARRIER_MODE_EXPLICIT)});
        uint8_t slot[64];
        for (int r = 0; r < rounds_; ++r) {
            fill_pattern(slot, sizeof slot, static_cast<size_t>(r) + 1);
            for (int attempt = 0; attempt < 5 && !sh_->landed[static_cast<size_t>(r)]; ++attempt) {
                int rc = rsm_memseg_import_open_barrier(&two.bar);
                if (rc == RSM_SUCCESS) rc = rsm_memseg_import_put(two.im, static_cast<off_t>(r) * 64, slot, sizeof slot);
                const int closed = rsm_memseg_import_close_barrier(&two.bar);
                if (rc == RSM_SUCCESS) rc = closed;
                calls_.push_back({1, "round " + std::to_string(r + 1) + ": open, put 64 B, close", rc});
                sh_->landed[static_cast<size_t>(r)] = rc == RSM_SUCCESS;
                Cluster::delay_ns(2000);   // the rounds spread over the faults' time
            }
        }
    }
    cl.sync();   // written
    if (me == 0)
        for (int r = 0; r < rounds_; ++r) {
            if (!sh_->landed[static_cast<size_t>(r)]) continue;
            ++landed_;
            lost_ += !holds_pattern(sh_->mem.p + static_cast<size_t>(r) * 64, 64, static_cast<size_t>(r) + 1);
        }
    two.finish(cl, me, calls_);
}

}  // namespace rsmsim
