// Fuzz target: sequences of rsmapi calls on a 3-node cluster, with
// arguments drawn from live handles, stale ones (destroyed, disconnected,
// freed), NULL, garbage, another node's; offsets and lengths at and beyond
// every boundary; unmapped, read-only and misaligned memory; iovec counts
// 0/1/16/17; barrier and pollfd misuse. Each 5 input bytes are one call.
//
// Oracle: every call returns RSM_SUCCESS or a documented RSMERR_* code; the
// guard pages around every buffer given to librsm never change; no
// sanitizer report, no crash, no hang. After each input everything is torn
// down, so inputs do not depend on each other.
//
// SystemC elaborates once per process, so the cluster lives as long as the
// process: one worker program per node carries out the calls the input's
// sequencer hands it, and the simulation runs until the sequence is done.
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <poll.h>
#include <string>
#include <vector>

#include "rsmapi.h"
#include "rsmsim/cluster.h"
#include "rsmsim/errors.h"

namespace {

constexpr int kNodes = 3;
constexpr size_t kPage = 4096;
constexpr size_t kGuard = kPage;
constexpr uint8_t kGuardByte = 0xA5;
constexpr rsm_memseg_id_t kIds[] = {0x400100, 0x400101, 0x400102, 0};

[[noreturn]] void violated(const std::string& what) {
    std::fprintf(stderr, "oracle: %s\n", what.c_str());
    std::abort();
}

void check_code(int rc, const char* call) {
    if (std::strcmp(rsmsim::rsm_error_name(rc), "RSMERR_?") == 0)
        violated(std::string(call) + " returned " + std::to_string(rc) + ", not a documented code");
}

// Page-aligned memory with a guard page on each side, all of it ours.
struct Buffer {
    uint8_t* base = nullptr;
    size_t len = 0;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { std::free(base); }
    explicit Buffer(size_t n) : len(n) {
        base = static_cast<uint8_t*>(std::aligned_alloc(kPage, (n + 2 * kGuard + kPage - 1) / kPage * kPage));
        std::memset(base, kGuardByte, kGuard);
        std::memset(base + kGuard, 0, n);
        std::memset(base + kGuard + n, kGuardByte, kGuard);
    }
    uint8_t* data() const { return base + kGuard; }
    void check_guards() const {
        for (size_t i = 0; i < kGuard; ++i)
            if (base[i] != kGuardByte || base[kGuard + len + i] != kGuardByte)
                violated("a byte outside a buffer given to librsm changed");
    }
};

// Memory of a kind the input asks for.
struct Memory {
    std::vector<std::unique_ptr<Buffer>> buffers;
    void* hole = nullptr;        // pages without access (kept reserved, so nothing else lands there)
    void* read_only = nullptr;   // pages that cannot be written
    Memory() {
        hole = ::mmap(nullptr, 4 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        read_only = ::mmap(nullptr, 4 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    // kind: good, unmapped, read-only, misaligned, NULL.
    void* get(uint8_t kind, size_t len) {
        switch (kind % 5) {
        case 1: return hole;
        case 2: return read_only;
        case 3: buffers.push_back(std::make_unique<Buffer>(len + kPage)); return buffers.back()->data() + 1;
        case 4: return nullptr;
        default: buffers.push_back(std::make_unique<Buffer>(len)); return buffers.back()->data();
        }
    }
    void check_and_free() {
        for (auto& b : buffers) b->check_guards();
        buffers.clear();
    }
};

// A handle pool: live handles and ones that were valid once.
template <typename H>
struct Pool {
    std::vector<H> live, stale;
    // 0: NULL, 1: stale, 2: garbage, 3: another node's (given), else live.
    H pick(uint8_t b, const Pool* other) const {
        switch (b % 8) {
        case 0: return nullptr;
        case 1: return stale.empty() ? nullptr : stale[b % stale.size()];
        case 2: return reinterpret_cast<H>(uintptr_t{0x1000} + b);
        case 3: return other && !other->live.empty() ? other->live[b % other->live.size()] : nullptr;
        default: return live.empty() ? nullptr : live[b % live.size()];
        }
    }
    void retire(H h) {
        for (size_t i = 0; i < live.size(); ++i)
            if (live[i] == h) {
                live.erase(live.begin() + static_cast<long>(i));
                stale.push_back(h);
                return;
            }
    }
};

struct Op {
    uint8_t code, a, b, c, d;
};

struct NodeState {
    rsmapi_controller_handle_t ctl = nullptr;
    Pool<rsm_memseg_export_handle_t> exports;
    Pool<rsm_memseg_import_handle_t> imports;
    Pool<rsm_localmemory_handle_t> localmem;
    std::vector<std::unique_ptr<rsmapi_barrier_t>> barriers;
    std::vector<void*> polled;   // segments holding a pollfd reference
    std::vector<struct pollfd> fds;
    Memory memory;
};

struct World {
    std::unique_ptr<rsmsim::Cluster> cluster;
    NodeState nodes[kNodes];
    sc_core::sc_event go[kNodes], done, start;
    std::vector<Op> ops;   // the input being run
    Op pending[kNodes]{};
    bool tear_down[kNodes]{};
};

World& world();

off_t offset_class(uint8_t b, size_t size) {
    const off_t s = static_cast<off_t>(size);
    const off_t v[] = {0, 1, s - 1, s, s + 1, off_t{1} << 40, -1, 64, 8, s / 2};
    return v[b % 10];
}

size_t length_class(uint8_t b, size_t size) {
    const size_t v[] = {0, 1, 4, 8, 64, size, size + 1, SIZE_MAX, size - 1, 4096};
    return v[b % 10];
}

rsm_memseg_id_t id_class(uint8_t b) { return b % 8 == 7 ? 5 /* reserved */ : kIds[b % 4]; }
rsm_node_id_t node_class(uint8_t b) {
    const rsm_node_id_t v[] = {4, 8, 12, 16, 5, 0};
    return v[b % 6];
}

// An export or an import handle (the calls that take either).
void* any_segment(const NodeState& n, const NodeState& other, const Op& op) {
    return op.b & 1 ? static_cast<void*>(n.exports.pick(op.a, &other.exports))
                    : static_cast<void*>(n.imports.pick(op.a, &other.imports));
}

// One call on node `me`.
void execute(int me, const Op& op) {
    World& w = world();
    NodeState& n = w.nodes[me];
    const NodeState& other = w.nodes[(me + 1 + op.d % 2) % kNodes];
    int rc = RSM_SUCCESS;
    const char* call = "";
    rsmapi_access_entry_t acl[2] = {{8, RSM_PERM_RDWR}, {12, RSM_PERM_READ}};
    const uint_t acl_len = op.c % 4 == 0 ? 0 : 1 + op.c % 2;
    if (op.c % 4 == 2) acl[0] = {static_cast<rsm_node_id_t>(4 * (me + 1) + 4), 0};
    if (op.c % 4 == 3) acl[0] = {5, RSM_PERM_RDWR};   // not a node id
    switch (op.code % 17) {
    case 0: {
        const size_t len = kPage * (1 + op.a % 3);
        rsm_memseg_export_handle_t h = nullptr;
        call = "export_create";
        rc = rsm_memseg_export_create(n.ctl, &h, n.memory.get(op.b, len), op.d % 7 == 0 ? len + 1 : len,
                                      (op.c & 1 ? RSM_ALLOW_REBIND : 0) | (op.c & 0x80 ? 0x100 : 0));
        if (rc == RSM_SUCCESS) n.exports.live.push_back(h);
        break;
    }
    case 1: {
        rsm_memseg_id_t id = id_class(op.b);
        call = "export_publish";
        rc = rsm_memseg_export_publish(n.exports.pick(op.a, &other.exports), &id, acl, acl_len);
        break;
    }
    case 2: call = "export_unpublish"; rc = rsm_memseg_export_unpublish(n.exports.pick(op.a, &other.exports)); break;
    case 3:
        call = "export_republish";
        rc = rsm_memseg_export_republish(n.exports.pick(op.a, &other.exports), acl, acl_len);
        break;
    case 4: {
        auto h = n.exports.pick(op.a, &other.exports);
        call = "export_destroy";
        rc = rsm_memseg_export_destroy(h);
        if (rc == RSM_SUCCESS) n.exports.retire(h);
        break;
    }
    case 5: {
        rsm_memseg_import_handle_t h = nullptr;
        const rsm_permission_t perms[] = {RSM_PERM_NONE, RSM_PERM_READ, RSM_PERM_WRITE, RSM_PERM_RDWR, 01000};
        call = "import_connect";
        rc = rsm_memseg_import_connect(op.d % 5 == 0 ? nullptr : n.ctl, node_class(op.a), id_class(op.b),
                                       perms[op.c % 5], &h);
        if (rc == RSM_SUCCESS) n.imports.live.push_back(h);
        break;
    }
    case 6: {
        auto h = n.imports.pick(op.a, &other.imports);
        call = "import_disconnect";
        rc = rsm_memseg_import_disconnect(h);
        if (rc == RSM_SUCCESS) n.imports.retire(h);
        break;
    }
    case 7: {
        const size_t len = length_class(op.c, kPage);
        Buffer local(len <= 2 * kPage ? std::max<size_t>(len, 8) + 1 : 8);   // + 1: the misaligned case
        void* p = op.d % 6 == 0 ? nullptr : op.d % 6 == 1 ? local.data() + 1 : local.data();
        auto h = n.imports.pick(op.a, &other.imports);
        call = op.d & 0x40 ? "import_get" : "import_put";
        rc = op.d & 0x40 ? rsm_memseg_import_get(h, offset_class(op.b, kPage), p, len)
                         : rsm_memseg_import_put(h, offset_class(op.b, kPage), p, len);
        local.check_guards();
        break;
    }
    case 8: {
        const unsigned counts[] = {0, 1, 2, 16, 17};
        const unsigned count = counts[op.c % 5];
        std::vector<rsm_iovec_t> iov(std::max(1u, count));
        Buffer local(2 * kPage);
        for (unsigned i = 0; i < iov.size(); ++i) {
            rsm_iovec_t& v = iov[i];
            v = rsm_iovec_t{};
            const uint8_t k = static_cast<uint8_t>(op.d + 7 * i);
            v.io_type = k % 5 == 4 ? 3 : k % 2 ? RSM_HANDLE_TYPE : RSM_VA_TYPE;
            if (v.io_type == RSM_HANDLE_TYPE) v.local.handle = n.localmem.pick(k, &other.localmem);
            else v.local.vaddr = static_cast<caddr_t>(k % 3 == 0 ? n.memory.hole : local.data());
            v.local_offset = k % 7 == 0 ? SIZE_MAX - 8 : 64 * (i % 4);
            v.remote_offset = static_cast<size_t>(offset_class(static_cast<uint8_t>(op.b + i), kPage)) % (kPage * 4);
            v.transfer_length = length_class(static_cast<uint8_t>(k / 3), 256);
        }
        rsm_scat_gath_t sg{};
        sg.remote_handle = n.imports.pick(op.a, &other.imports);
        sg.io_request_count = count;
        sg.iovec = iov.data();
        sg.flags = op.b & 0x80 ? RSM_IMPLICIT_SIGPOST : 0;
        call = op.d & 0x80 ? "import_getv" : "import_putv";
        rc = op.d & 0x80 ? rsm_memseg_import_getv(&sg) : rsm_memseg_import_putv(&sg);
        if (sg.io_residual_count > count) violated("io_residual_count beyond io_request_count");
        local.check_guards();
        break;
    }
    case 9: {
        auto b = std::make_unique<rsmapi_barrier_t>();
        call = "init_barrier";
        rc = rsm_memseg_import_init_barrier(n.imports.pick(op.a, &other.imports), RSM_BAR_DEFAULT,
                                            op.b % 9 == 0 ? nullptr : b.get());
        if (rc == RSM_SUCCESS) n.barriers.push_back(std::move(b));
        break;
    }
    case 10: {
        rsmapi_barrier_t* b = n.barriers.empty() || op.a % 5 == 0 ? nullptr : n.barriers[op.a % n.barriers.size()].get();
        rsmapi_barrier_t* theirs =
            other.barriers.empty() ? nullptr : other.barriers[op.a % other.barriers.size()].get();
        if (op.a % 5 == 1) b = theirs;
        switch (op.b % 4) {
        case 0: call = "open_barrier"; rc = rsm_memseg_import_open_barrier(b); break;
        case 1: call = "close_barrier"; rc = rsm_memseg_import_close_barrier(b); break;
        case 2: call = "order_barrier"; rc = rsm_memseg_import_order_barrier(b); break;
        case 3: call = "destroy_barrier"; rc = rsm_memseg_import_destroy_barrier(b); break;
        }
        break;
    }
    case 11: {
        void* seg = any_segment(n, other, op);
        call = "signal_post";
        rc = rsm_intr_signal_post(seg, op.c & 1 ? RSM_SIGPOST_NO_ACCUMULATE : 0);
        break;
    }
    case 12: {
        void* seg = any_segment(n, other, op);
        call = "signal_wait";
        rc = rsm_intr_signal_wait(seg, op.c % 3 == 0 ? 1 : 0);
        break;
    }
    case 13: {
        auto h = n.imports.pick(op.a, &other.imports);
        if (op.d & 1) {
            call = "import_unmap";
            rc = rsm_memseg_import_unmap(h);
        } else {
            void* addr = nullptr;
            const rsm_permission_t perms[] = {RSM_PERM_NONE, RSM_PERM_READ, RSM_PERM_WRITE, RSM_PERM_RDWR, 0700};
            call = "import_map";
            rc = rsm_memseg_import_map(h, op.c % 7 == 0 ? nullptr : &addr, RSM_MAP_NONE, perms[op.c % 5],
                                       offset_class(op.b, kPage) & ~off_t{4095}, length_class(op.b, kPage));
        }
        break;
    }
    case 14:
        call = "set_mode";
        rc = rsm_memseg_import_set_mode(n.imports.pick(op.a, &other.imports),
                                        static_cast<rsm_barrier_mode_t>(op.b % 3));
        break;
    case 15: {
        if (op.d & 1) {
            auto h = n.localmem.pick(op.a, &other.localmem);
            call = "free_localmemory_handle";
            rc = rsm_free_localmemory_handle(n.ctl, h);
            if (rc == RSM_SUCCESS) n.localmem.retire(h);
        } else {
            rsm_localmemory_handle_t h = nullptr;
            call = "create_localmemory_handle";
            rc = rsm_create_localmemory_handle(n.ctl, &h, static_cast<caddr_t>(n.memory.get(op.b, 2 * kPage)),
                                               op.c % 5 == 0 ? 0 : 2 * kPage);
            if (rc == RSM_SUCCESS) n.localmem.live.push_back(h);
        }
        break;
    }
    case 16: {
        void* seg = any_segment(n, other, op);
        if (op.d % 3 == 0) {
            struct pollfd fd{};
            call = "get_pollfd";
            rc = rsm_memseg_get_pollfd(seg, &fd);
            if (rc == RSM_SUCCESS) {
                n.polled.push_back(seg);
                n.fds.push_back(fd);
            }
        } else if (op.d % 3 == 1) {
            call = "release_pollfd";
            rc = rsm_memseg_release_pollfd(seg);
        } else {
            int k = -1;
            call = "signal_wait_pollfd";
            rc = rsm_intr_signal_wait_pollfd(n.fds.empty() ? nullptr : n.fds.data(),
                                             static_cast<nfds_t>(op.c % (n.fds.size() + 1)), 0, &k);
        }
        break;
    }
    }
    check_code(rc, call);
    if (std::getenv("FUZZ_RSMAPI_TRACE")) std::fprintf(stderr, "node %d %s -> %s\n", me, call, rsmsim::rsm_error_name(rc));
}

// Everything the input made on node `me` goes away: imports first (phase
// 0, on every node), then exports (phase 1).
void tear_down(int me, int phase) {
    NodeState& n = world().nodes[me];
    if (phase == 0) {
        for (void* s : n.polled) (void)rsm_memseg_release_pollfd(s);
        n.polled.clear();
        n.fds.clear();
        for (auto& b : n.barriers) (void)rsm_memseg_import_destroy_barrier(b.get());
        n.barriers.clear();
        for (auto h : n.imports.live) {
            (void)rsm_memseg_import_unmap(h);
            check_code(rsm_memseg_import_disconnect(h), "import_disconnect (tear-down)");
        }
        for (auto h : n.localmem.live) check_code(rsm_free_localmemory_handle(n.ctl, h), "free_localmemory (tear-down)");
        return;
    }
    for (auto h : n.exports.live) {
        const int rc = rsm_memseg_export_destroy(h);
        if (rc != RSM_SUCCESS) violated("tear-down: export_destroy returned " + std::to_string(rc));
    }
    n.exports = {};
    n.imports = {};
    n.localmem = {};
    n.memory.check_and_free();
}

World& world() {
    static World w;
    if (!w.cluster) {
        rsmsim::ClusterConfig cfg;
        cfg.nodes = kNodes;
        w.cluster = std::make_unique<rsmsim::Cluster>(cfg);
        for (int i = 0; i < kNodes; ++i)
            w.cluster->spawn(i, [i] {
                World& ww = world();
                for (;;) {
                    sc_core::wait(ww.go[i]);   // no simulated time before the first wait: no call is missed
                    if (!ww.nodes[i].ctl)
                        check_code(rsm_get_controller(const_cast<char*>("sci0"), &ww.nodes[i].ctl), "get_controller");
                    if (ww.tear_down[i]) tear_down(i, ww.pending[i].code);
                    else execute(i, ww.pending[i]);
                    ww.done.notify(sc_core::SC_ZERO_TIME);
                }
            });
    }
    return w;
}

// Hands `op` to node `node`'s worker and waits until it is carried out.
void run_on(int node, const Op& op, bool teardown) {
    World& w = world();
    w.pending[node] = op;
    w.tear_down[node] = teardown;
    w.go[node].notify(sc_core::SC_ZERO_TIME);
    sc_core::wait(w.done);
}

// The sequencer, one for the process (a process per input would pile up in
// SystemC's bookkeeping): runs each input's calls in order, then tears down.
void sequencer() {
    World& w = world();
    for (;;) {
        sc_core::wait(w.start);
        for (const Op& op : w.ops) run_on(op.code / 17 % kNodes, op, false);
        for (uint8_t phase = 0; phase < 2; ++phase)
            for (int n = 0; n < kNodes; ++n) run_on(n, Op{phase, 0, 0, 0, 0}, true);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<Op> ops;
    for (size_t i = 0; i + 5 <= size && ops.size() < 64; i += 5)
        ops.push_back({data[i], data[i + 1], data[i + 2], data[i + 3], data[i + 4]});
    World& w = world();
    static bool first = true;
    if (first) {
        sc_core::sc_spawn(&sequencer, "fuzz_sequencer");
        sc_core::sc_start(sc_core::SC_ZERO_TIME);   // every process reaches its first wait
        first = false;
    }
    w.ops = std::move(ops);
    w.start.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();   // until the sequence is done and every worker waits again
    return 0;
}
