#include "rsmsim/profile_probe.h"

#include <cstdlib>
#include <cstring>

#include "page_buffer.h"
#include "rsmapi.h"
#include "rsmsim/errors.h"

namespace rsmsim {

namespace {
constexpr rsm_memseg_id_t kPingId = 0x7F0000;   // + node index
constexpr rsm_memseg_id_t kDmaId = 0x7F0010;
constexpr int kSyncs = 6;   // rendezvous per run: four in ping_pong, two in dma

}  // namespace

struct ProfileProbe::Buffers {
    explicit Buffers(size_t dma) : ping0(kPage), ping1(kPage), remote(dma), local(dma) {}
    PageBuffer ping0, ping1, remote, local;
};

size_t ProfileProbe::default_dma_bytes(const model::TimingProfile& t) {
    return t.target_dma_MBps > 2000 ? (size_t{4} << 20) : (size_t{1} << 20);
}

ProfileProbe::ProfileProbe(size_t dma_bytes) : buf_(std::make_unique<Buffers>(dma_bytes)) {
    result_.dma_bytes = dma_bytes;
    for (size_t k = 0; k < dma_bytes && buf_->local.p; ++k) buf_->local.p[k] = static_cast<uint8_t>(k * 7 + 1);
}

ProfileProbe::~ProfileProbe() = default;

bool ProfileProbe::ok(int me, int rc, const char* what) {
    if (rc != RSM_SUCCESS) result_.failed_calls.push_back({me, what, rc});
    return rc == RSM_SUCCESS;
}

void ProfileProbe::run(Cluster& cl, int me) {
    if (me > 1 || !buf_->local.p || !buf_->remote.p || !buf_->ping0.p || !buf_->ping1.p) {
        if (me == 0 && (!buf_->local.p || !buf_->remote.p)) result_.allocated = false;
        for (int k = 0; k < kSyncs; ++k) cl.sync();
        return;
    }
    ping_pong(cl, me);
    dma(cl, me);
}

void ProfileProbe::ping_pong(Cluster& cl, int me) {
    rsmapi_controller_handle_t c = nullptr;
    ok(me, rsm_get_controller(const_cast<char*>("sci0"), &c), "rsm_get_controller");
    PageBuffer& mine = me == 0 ? buf_->ping0 : buf_->ping1;
    rsm_memseg_export_handle_t ex = nullptr;
    rsm_memseg_id_t id = kPingId + static_cast<rsm_memseg_id_t>(me);
    const bool exported = ok(me, rsm_memseg_export_create(c, &ex, mine.p, mine.len, 0), "rsm_memseg_export_create") &&
                          ok(me, rsm_memseg_export_publish(ex, &id, nullptr, 0), "rsm_memseg_export_publish");
    cl.sync();   // 1: both published
    const int peer = 1 - me;
    rsm_memseg_import_handle_t im = nullptr;
    bool ready = exported && ok(me, rsm_memseg_import_connect(c, Cluster::node_id(peer), kPingId + static_cast<rsm_memseg_id_t>(peer),
                                                          RSM_PERM_RDWR, &im),
                                "rsm_memseg_import_connect");
    ready = ready && ok(me, rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT), "rsm_memseg_import_set_mode");
    auto* word = reinterpret_cast<volatile uint32_t*>(mine.p);
    // A side whose set-up failed still takes part, so the other never spins forever.
    auto wait_for = [&](uint32_t v) {
        for (int spins = 0; ready && *word != v && spins < 1'000'000; ++spins) Cluster::delay_ns(1);
    };
    cl.sync();   // 2: both connected
    const double t0 = Cluster::now_ns();
    for (uint32_t k = 1; ready && k <= kRounds; ++k) {
        if (me == 0) {
            ready = ok(me, rsm_memseg_import_put(im, 0, &k, sizeof k), "rsm_memseg_import_put");
            wait_for(k);
        } else {
            wait_for(k);
            ready = ok(me, rsm_memseg_import_put(im, 0, &k, sizeof k), "rsm_memseg_import_put");
        }
    }
    if (me == 0 && ready && *word == kRounds) result_.one_way_ns = (Cluster::now_ns() - t0) / (2.0 * kRounds);
    cl.sync();   // 3: done
    if (im) ok(me, rsm_memseg_import_disconnect(im), "rsm_memseg_import_disconnect");
    cl.sync();   // 4: nobody imports any more
    if (ex) ok(me, rsm_memseg_export_destroy(ex), "rsm_memseg_export_destroy");
    ok(me, rsm_release_controller(c), "rsm_release_controller");
}

void ProfileProbe::dma(Cluster& cl, int me) {
    rsmapi_controller_handle_t c = nullptr;
    ok(me, rsm_get_controller(const_cast<char*>("sci0"), &c), "rsm_get_controller");
    const size_t len = result_.dma_bytes;
    if (me == 0) {
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_id_t id = kDmaId;
        if (ok(me, rsm_memseg_export_create(c, &ex, buf_->remote.p, buf_->remote.len, 0), "rsm_memseg_export_create"))
            ok(me, rsm_memseg_export_publish(ex, &id, nullptr, 0), "rsm_memseg_export_publish");
        cl.sync();
        cl.sync();
        if (ex) ok(me, rsm_memseg_export_destroy(ex), "rsm_memseg_export_destroy");
        result_.dma_data_ok = std::memcmp(buf_->remote.p, buf_->local.p, len) == 0;
    } else {
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr;
        rsmapi_barrier_t bar{};
        if (ok(me, rsm_memseg_import_connect(c, Cluster::node_id(0), kDmaId, RSM_PERM_RDWR, &im), "rsm_memseg_import_connect") &&
            ok(me, rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar), "rsm_memseg_import_init_barrier")) {
            rsm_iovec_t iov{};
            iov.io_type = RSM_VA_TYPE;
            iov.local.vaddr = reinterpret_cast<caddr_t>(buf_->local.p);
            iov.transfer_length = len;
            rsm_scat_gath_t sg{};
            sg.io_request_count = 1;
            sg.remote_handle = im;
            sg.iovec = &iov;
            const double t0 = Cluster::now_ns();
            if (ok(me, rsm_memseg_import_putv(&sg), "rsm_memseg_import_putv") && sg.io_residual_count == 0)
                result_.dma_MBps = double(len) * 1000.0 / (Cluster::now_ns() - t0);
            ok(me, rsm_memseg_import_destroy_barrier(&bar), "rsm_memseg_import_destroy_barrier");
        }
        if (im) ok(me, rsm_memseg_import_disconnect(im), "rsm_memseg_import_disconnect");
        cl.sync();
    }
    ok(me, rsm_release_controller(c), "rsm_release_controller");
}

}  // namespace rsmsim
