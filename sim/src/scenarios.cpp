#include "rsmsim/scenarios.h"

#include <cstdlib>
#include <cstring>

#include "rsmapi.h"

namespace rsmsim {

namespace {

constexpr rsm_memseg_id_t kSweepId = 0x7E0000;
constexpr rsm_memseg_id_t kPingId = 0x7E0010;   // + node index

struct Pages {
    explicit Pages(size_t n)
        : len((n + 4095) / 4096 * 4096), p(static_cast<uint8_t*>(std::aligned_alloc(4096, len))) {
        if (p) std::memset(p, 0, len);
    }
    ~Pages() { std::free(p); }
    Pages(const Pages&) = delete;
    Pages& operator=(const Pages&) = delete;
    size_t len;
    uint8_t* p;
};

uint8_t pattern(size_t k, size_t salt) { return static_cast<uint8_t>(k * 13 + salt * 7 + 1); }

rsmapi_controller_handle_t controller(std::vector<ScenarioCall>& calls, int me) {
    rsmapi_controller_handle_t c = nullptr;
    calls.push_back({me, "rsm_get_controller", rsm_get_controller(const_cast<char*>("sci0"), &c)});
    return c;
}

}  // namespace

// ---- bandwidth sweep ----

struct BandwidthSweep::Buffers {
    explicit Buffers(size_t n) : remote(n), local(n) {}
    Pages remote, local;
};

BandwidthSweep::BandwidthSweep(size_t max_bytes)
    : buf_(std::make_unique<Buffers>(max_bytes < 4 ? 4 : max_bytes)), max_(max_bytes < 4 ? 4 : max_bytes) {}
BandwidthSweep::~BandwidthSweep() = default;

namespace {
const char* const kMethods[] = {"put", "get", "putv", "getv"};

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

void BandwidthSweep::measure(int method, size_t bytes, void* handle) {
    auto* im = static_cast<rsm_memseg_import_handle_t>(handle);
    uint8_t* remote = buf_->remote.p;
    uint8_t* local = buf_->local.p;
    const size_t salt = rows_.size();
    const bool writes = method == 0 || method == 2;
    // The side that is read holds a fresh pattern; the other is cleared.
    for (size_t k = 0; k < bytes; ++k) {
        (writes ? local : remote)[k] = pattern(k, salt);
        (writes ? remote : local)[k] = 0;
    }
    const double t0 = Cluster::now_ns();
    const int rc = transfer(method, im, local, bytes);
    const double ns = Cluster::now_ns() - t0;
    bool same = true;
    for (size_t k = 0; k < bytes && same; ++k) same = (writes ? remote : local)[k] == pattern(k, salt);
    rows_.push_back({kMethods[method], bytes, ns / 1000.0, ns > 0 ? bytes / (ns / 1000.0) : 0.0, same, rc});
}

void BandwidthSweep::run(Cluster& cl, int me) {
    if (me > 1) {
        cl.sync();
        cl.sync();
        return;
    }
    rsmapi_controller_handle_t c = controller(calls_, me);
    if (me == 0) {
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_id_t id = kSweepId;
        calls_.push_back({0, "rsm_memseg_export_create",
                          rsm_memseg_export_create(c, &ex, buf_->remote.p, buf_->remote.len, 0)});
        calls_.push_back({0, "rsm_memseg_export_publish", rsm_memseg_export_publish(ex, &id, nullptr, 0)});
        cl.sync();   // published
        cl.sync();   // measured
        calls_.push_back({0, "rsm_memseg_export_destroy", rsm_memseg_export_destroy(ex)});
        return;
    }
    cl.sync();
    rsm_memseg_import_handle_t im = nullptr;
    int rc = rsm_memseg_import_connect(c, Cluster::node_id(0), kSweepId, RSM_PERM_RDWR, &im);
    calls_.push_back({1, "rsm_memseg_import_connect", rc});
    rsmapi_barrier_t bar{};
    if (rc == RSM_SUCCESS) {   // puts and gets in the default (implicit) barrier mode need one
        rc = rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar);
        calls_.push_back({1, "rsm_memseg_import_init_barrier", rc});
    }
    if (rc == RSM_SUCCESS) {
        for (int m = 0; m < 4; ++m)
            for (size_t bytes = 4; bytes <= max_; bytes *= 4) measure(m, bytes, im);
        calls_.push_back({1, "rsm_memseg_import_destroy_barrier", rsm_memseg_import_destroy_barrier(&bar)});
        calls_.push_back({1, "rsm_memseg_import_disconnect", rsm_memseg_import_disconnect(im)});
    }
    cl.sync();
}

// ---- ping-pong ----

struct PingPong::Side {
    Pages page{4096};
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

}  // namespace rsmsim
