// Soak: a long random rsmapi workload on a large cluster with random faults,
// every operation's outcome accounted for. Not a CI test (minutes at full
// size); run it as
//
//   build/bench/soak [--nodes 64] [--ops 1000000] [--seed 1] [--faults PLAN]
//
// Each node exports one segment with a 256-byte slot per writer and imports
// every other node's. Each operation is drawn at random: put or putv of the
// node's own slot on a peer (implicit barrier mode: success means it landed),
// get or getv of it back (compared with what the node last wrote there
// successfully; a failed write leaves the slot unknown until the next
// successful one), a put inside an explicit barrier span, or a signal post.
// An outcome is a success (a read's data verified where known) or a code the
// rsmapi documents for that call; anything else is a violation. Resident
// memory is reported at 10^4, 10^5 and 10^6 operations. Exit status 1 on any
// violation or a run that did not finish.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "rsmapi.h"
#include "rsmsim/cluster.h"
#include "rsmsim/errors.h"
#include "rsmsim/faults.h"
#include "rsmsim/run_settings.h"
#include "page_buffer.h"

namespace {

constexpr size_t kSlot = 256;
constexpr rsm_memseg_id_t kSegId = 0x400a00;

enum Kind { Put, Putv, Get, Getv, SpanPut, Post, kKinds };
const char* const kKindNames[kKinds] = {"put", "putv", "get", "getv", "barrier span put", "signal post"};

// Codes the rsmapi documents for each kind in a run with faults (spec 6.6-6.9).
const std::set<int> kPutGet = {RSMERR_BARRIER_FAILURE, RSMERR_BARRIER_OPEN_FAILED, RSMERR_CONN_ABORTED,
                               RSMERR_REMOTE_NODE_UNREACHABLE};
const std::set<int> kVector = {RSMERR_BARRIER_FAILURE, RSMERR_BAD_SGIO, RSMERR_CONN_ABORTED,
                               RSMERR_REMOTE_NODE_UNREACHABLE};
const std::set<int> kSpan = {RSMERR_BARRIER_FAILURE, RSMERR_BARRIER_OPEN_FAILED, RSMERR_CONN_ABORTED};
const std::set<int> kPost = {RSMERR_REMOTE_NODE_UNREACHABLE, RSMERR_CONN_ABORTED};
const std::set<int>* const kDocumented[kKinds] = {&kPutGet, &kVector, &kPutGet, &kVector, &kSpan, &kPost};

struct Options {
    int nodes = 64;
    long ops = 1'000'000;
    uint64_t seed = 1;
    std::string faults = "random:down=4,slow=4,crc=4,crash=1@40000";
};

long rss_kib() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

struct Tally {
    long done = 0, verified = 0, unknown_reads = 0, violations = 0;
    std::map<int, long> by_code[kKinds];
    long next_report = 10'000;
    std::vector<std::pair<long, long>> rss;   // (operations, KiB)

    void count(Kind k, int rc, int node) {
        ++done;
        ++by_code[k][rc];
        if (rc != RSM_SUCCESS && !kDocumented[k]->count(rc)) {
            ++violations;
            if (violations <= 20)
                std::fprintf(stderr, "soak: node %d: %s returned %s, which the rsmapi does not document for it\n",
                             node, kKindNames[k], rsmsim::rsm_error_name(rc));
        }
        if (done == next_report) {
            rss.push_back({done, rss_kib()});
            std::printf("soak: %ld operations, resident %ld KiB\n", done, rss.back().second);
            std::fflush(stdout);
            next_report *= 10;
        }
    }
};

// One node's program: its own slot on every peer, what that slot holds.
class NodeProgram {
public:
    NodeProgram(int me, int nodes, long ops, uint64_t seed, Tally& t)
        : me_(me), nodes_(nodes), ops_(ops), rng_(seed * 1000003u + static_cast<unsigned>(me)), t_(t),
          seg_(kSlot * static_cast<size_t>(nodes)), known_(static_cast<size_t>(nodes)),
          peers_(static_cast<size_t>(nodes)) {}

    void run(rsmsim::Cluster& cl) {
        rsmapi_controller_handle_t c = nullptr;
        if (rsm_get_controller(const_cast<char*>("sci0"), &c) != RSM_SUCCESS) return note_setup("controller");
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_id_t id = kSegId + static_cast<rsm_memseg_id_t>(me_);
        if (rsm_memseg_export_create(c, &ex, seg_.p, seg_.len, 0) != RSM_SUCCESS ||
            rsm_memseg_export_publish(ex, &id, nullptr, 0) != RSM_SUCCESS)
            return note_setup("export");
        cl.sync();
        connect_all(c);
        for (long k = 0; k < ops_; ++k) one_operation();
        cl.sync();   // every node done: nobody uses the segments any more
        for (Peer& p : peers_)
            if (p.im) {
                (void)rsm_memseg_import_destroy_barrier(&p.bar);
                (void)rsm_memseg_import_disconnect(p.im);
            }
        (void)rsm_memseg_export_destroy(ex);
        (void)rsm_release_controller(c);
    }

private:
    struct Peer {
        rsm_memseg_import_handle_t im = nullptr;
        rsmapi_barrier_t bar{};
    };
    struct Slot {
        bool known = true;   // zero at the start
        std::vector<uint8_t> bytes = std::vector<uint8_t>(kSlot, 0);
    };

    void note_setup(const char* what) {
        std::fprintf(stderr, "soak: node %d: %s failed before the workload\n", me_, what);
        ++t_.violations;
    }

    void connect_all(rsmapi_controller_handle_t c) {
        for (int p = 0; p < nodes_; ++p) {
            if (p == me_) continue;
            Peer& peer = peers_[static_cast<size_t>(p)];
            int rc = RSMERR_REMOTE_NODE_UNREACHABLE;
            for (int tries = 0; tries < 5 && rc != RSM_SUCCESS; ++tries)   // faults may hit the lookup
                rc = rsm_memseg_import_connect(c, rsmsim::Cluster::node_id(p), kSegId + static_cast<rsm_memseg_id_t>(p),
                                               RSM_PERM_RDWR, &peer.im);
            if (rc != RSM_SUCCESS) peer.im = nullptr;   // a crashed or cut-off peer: left out
            else if (rsm_memseg_import_init_barrier(peer.im, RSM_BAR_DEFAULT, &peer.bar) != RSM_SUCCESS) note_setup("barrier");
        }
    }

    void one_operation() {
        int p = std::uniform_int_distribution<int>(0, nodes_ - 2)(rng_);
        if (p >= me_) ++p;
        Peer& peer = peers_[static_cast<size_t>(p)];
        if (!peer.im) return;
        const auto k = static_cast<Kind>(std::uniform_int_distribution<int>(0, kKinds - 1)(rng_));
        const off_t at = static_cast<off_t>(kSlot) * me_;
        Slot& slot = known_[static_cast<size_t>(p)];
        std::vector<uint8_t> buf(kSlot);
        for (auto& b : buf) b = static_cast<uint8_t>(rng_());
        int rc = RSM_SUCCESS;
        switch (k) {
        case Put: rc = rsm_memseg_import_put(peer.im, at, buf.data(), kSlot); break;
        case Putv: rc = vector_op(peer.im, at, buf.data(), true); break;
        case Get:
        case Getv:
            rc = k == Get ? rsm_memseg_import_get(peer.im, at, buf.data(), kSlot) : vector_op(peer.im, at, buf.data(), false);
            if (rc == RSM_SUCCESS && slot.known) {
                ++t_.verified;
                if (buf != slot.bytes) {
                    ++t_.violations;
                    std::fprintf(stderr, "soak: node %d: %s of its slot on node %d read other bytes than it wrote\n",
                                 me_, kKindNames[k], rsmsim::Cluster::node_id(p));
                }
            } else if (rc == RSM_SUCCESS) {
                ++t_.unknown_reads;
                slot = {true, buf};   // what is there now
            }
            break;
        case SpanPut: rc = span_put(peer, at, buf.data()); break;
        case Post: rc = rsm_intr_signal_post(peer.im, 0); break;
        case kKinds: break;
        }
        if (k == Put || k == Putv || k == SpanPut) {
            if (rc == RSM_SUCCESS) slot = {true, buf};
            else slot.known = false;   // it may have landed in part
        }
        t_.count(k, rc, me_);
    }

    // Two entries, by address: the slot's halves.
    static int vector_op(rsm_memseg_import_handle_t im, off_t at, uint8_t* buf, bool put) {
        rsm_iovec_t iov[2] = {};
        for (int e = 0; e < 2; ++e) {
            iov[e].io_type = RSM_VA_TYPE;
            iov[e].local.vaddr = reinterpret_cast<caddr_t>(buf);
            iov[e].local_offset = kSlot / 2 * static_cast<size_t>(e);
            iov[e].remote_offset = static_cast<size_t>(at) + iov[e].local_offset;
            iov[e].transfer_length = kSlot / 2;
        }
        rsm_scat_gath_t sg{};
        sg.io_request_count = 2;
        sg.remote_handle = im;
        sg.iovec = iov;
        return put ? rsm_memseg_import_putv(&sg) : rsm_memseg_import_getv(&sg);
    }

    // A put in explicit mode between open and close: close says whether it landed.
    static int span_put(Peer& peer, off_t at, uint8_t* buf) {
        int rc = rsm_memseg_import_set_mode(peer.im, RSM_BARRIER_MODE_EXPLICIT);
        if (rc == RSM_SUCCESS) rc = rsm_memseg_import_open_barrier(&peer.bar);
        if (rc == RSM_SUCCESS) {
            const int put = rsm_memseg_import_put(peer.im, at, buf, kSlot);
            rc = rsm_memseg_import_close_barrier(&peer.bar);
            if (rc == RSM_SUCCESS) rc = put;
        }
        (void)rsm_memseg_import_set_mode(peer.im, RSM_BARRIER_MODE_IMPLICIT);
        return rc;
    }

    int me_, nodes_;
    long ops_;
    std::mt19937_64 rng_;
    Tally& t_;
    rsmsim::PageBuffer seg_;   // page-aligned and zeroed, whole pages
    std::vector<Slot> known_;
    std::vector<Peer> peers_;
};

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--nodes") o.nodes = std::stoi(v);
        else if (k == "--ops") o.ops = std::stol(v);
        else if (k == "--seed") o.seed = std::stoull(v);
        else if (k == "--faults") o.faults = v;
        else return false;
    }
    return argc % 2 == 1 && o.nodes >= 2 && o.ops > 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr, "usage: soak [--nodes N] [--ops N] [--seed S] [--faults PLAN]\n");
        return 2;
    }
    rsmsim::RunSettings s;
    s.nodes = o.nodes;
    s.seed = o.seed;
    if (!o.faults.empty()) s.faults = {o.faults};
    rsmsim::ClusterConfig cfg;
    std::string error;
    if (!rsmsim::make_cluster_config(s, cfg, error)) {
        std::fprintf(stderr, "soak: %s\n", error.c_str());
        return 2;
    }
    cfg.on_fault = [](double ns, const rsmsim::FaultEvent& e) {
        std::printf("soak: [%10.1f us] fault %s\n", ns / 1000, rsmsim::describe(e).c_str());
    };
    Tally t;
    std::vector<std::unique_ptr<NodeProgram>> programs;
    const long per_node = (o.ops + o.nodes - 1) / o.nodes;
    rsmsim::Cluster cluster(cfg);
    for (int i = 0; i < o.nodes; ++i) {
        programs.push_back(std::make_unique<NodeProgram>(i, o.nodes, per_node, o.seed, t));
        cluster.spawn(i, [&cluster, p = programs.back().get()] { p->run(cluster); });
    }
    const bool finished = cluster.run();
    std::printf("soak: %d nodes, %ld operations in %.1f ms simulated, %s\n", o.nodes, t.done,
                rsmsim::Cluster::now_ns() / 1e6, finished ? "finished" : "NOT finished");
    for (int k = 0; k < kKinds; ++k) {
        std::printf("  %-17s", kKindNames[k]);
        for (auto [code, n] : t.by_code[k]) std::printf(" %s %ld", rsmsim::rsm_error_name(code), n);
        std::printf("\n");
    }
    std::printf("  reads verified against what was written: %ld (after a failed write, %ld reads re-learnt the slot)\n",
                t.verified, t.unknown_reads);
    std::printf("  violations (undocumented codes, wrong data, set-up failures): %ld\n", t.violations);
    std::printf("  resident at the end: %ld KiB\n", rss_kib());
    return finished && t.violations == 0 ? 0 : 1;
}
