// Fuzz target: raw register-bus traffic into one adapter (node 4) -- reads
// and writes of any offset, size and value, window bursts, DMA descriptors
// pointing anywhere -- while nodes 8 and 12 run a put/get exchange through
// the rsmapi. Each 8 input bytes are one bus access.
//
// Oracle: no crash, no hang, no sanitizer report; node 8's puts and gets
// into node 12's segment (published to node 8 only) still succeed with the
// right bytes after every input, and node 12's segment holds exactly what
// node 8 wrote: nothing node 4 sends reaches it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "adapter_regs.h"
#include "rsmapi.h"
#include "rsmsim/cluster.h"

// LeakSanitizer's interface, present only in sanitizer builds: the witness's
// connection and node 12's export live as long as the process, on purpose.
extern "C" void __lsan_disable() __attribute__((weak));
extern "C" void __lsan_enable() __attribute__((weak));

namespace {

void keep_for_good(bool start) {
    if (start && __lsan_disable) __lsan_disable();
    if (!start && __lsan_enable) __lsan_enable();
}

namespace r = rsm::regs;
constexpr rsm_memseg_id_t kWitnessId = 0x400200;
constexpr size_t kSeg = 8192;

[[noreturn]] void violated(const std::string& what) {
    std::fprintf(stderr, "oracle: %s\n", what.c_str());
    std::abort();
}

struct World {
    std::unique_ptr<rsmsim::Cluster> cluster;
    sc_core::sc_event start, fuzzed, witnessed;
    std::vector<uint8_t> input;
    alignas(4096) uint8_t segment[kSeg] = {};   // node 12's exported memory
    uint8_t shadow[kSeg] = {};                  // what node 8 wrote into it
    uint32_t round = 0;
};
World& world();

// Node 4: the input's accesses, raw, then a quiet moment and a reset.
void fuzzer() {
    World& w = world();
    rsmsim::NodeBus& bus = w.cluster->node(0).bus;
    for (;;) {
        sc_core::wait(w.start);
        if (std::getenv("FUZZ_MMIO_TRACE")) std::fprintf(stderr, "input of %zu bytes\n", w.input.size());
        const auto& in = w.input;
        for (size_t i = 0; i + 8 <= in.size() && i < 8 * 256; i += 8) {
            const uint8_t kind = in[i];
            uint64_t off = in[i + 1] | (uint64_t{in[i + 2]} << 8);
            uint32_t value = 0;
            std::memcpy(&value, &in[i + 4], 4);
            switch (kind >> 5) {
            case 0: off %= r::kRegSpace; break;                                          // registers
            case 1: off = r::kWindowBase + (static_cast<uint64_t>(in[i + 3] % 64) << r::kWindowSlotShift) + off; break;   // window
            case 2: off = off << 20 | value; break;                                       // anywhere
            default: off = (off % r::kRegSpace) & ~uint64_t{3}; break;                    // aligned registers
            }
            uint32_t v32 = 0;
            uint64_t v64 = 0;
            uint8_t burst[256];
            std::memset(burst, in[i + 3], sizeof burst);
            switch (kind % 6) {
            case 0: (void)bus.read32(off, v32); break;
            case 1: (void)bus.write32(off, value); break;
            case 2: (void)bus.read64(off, v64); break;
            case 3: (void)bus.write64(off, uint64_t{value} << 32 | value); break;
            case 4: (void)bus.write_block(off, burst, 1 + in[i + 3] % sizeof burst); break;
            case 5: (void)bus.read_block(off, burst, 1 + in[i + 3] % sizeof burst); break;
            }
        }
        sc_core::wait(sc_core::sc_time(200, sc_core::SC_US));   // whatever it started runs out
        w.cluster->node(0).adapter.core().reset();
        w.fuzzed.notify(sc_core::SC_ZERO_TIME);
    }
}

// Node 8: one put and one get into node 12's segment per input, verified.
void witness() {
    World& w = world();
    rsmapi_controller_handle_t c = nullptr;
    rsm_memseg_import_handle_t im = nullptr;
    rsmapi_barrier_t bar{};
    for (;;) {
        sc_core::wait(w.fuzzed);
        if (!c) {
            keep_for_good(true);
            if (rsm_get_controller(const_cast<char*>("sci0"), &c) ||
                rsm_memseg_import_connect(c, 12, kWitnessId, RSM_PERM_RDWR, &im) ||
                rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar))
                violated("node 8 could not connect to node 12");
            keep_for_good(false);
        }
        uint8_t out[64], back[64] = {};
        std::memset(out, static_cast<int>(w.round & 0xFF), sizeof out);
        const off_t at = static_cast<off_t>(64 * (w.round % (kSeg / 64)));
        if (int rc = rsm_memseg_import_put(im, at, out, sizeof out))
            violated("node 8's put failed with " + std::to_string(rc) + " after node 4's traffic");
        if (int rc = rsm_memseg_import_get(im, at, back, sizeof back))
            violated("node 8's get failed with " + std::to_string(rc));
        if (std::memcmp(out, back, sizeof out) != 0) violated("node 8 read back other bytes than it wrote");
        std::memcpy(w.shadow + at, out, sizeof out);
        if (std::memcmp(w.segment, w.shadow, kSeg) != 0) violated("node 12's segment holds bytes node 8 did not write");
        if (std::getenv("FUZZ_MMIO_TRACE")) std::fprintf(stderr, "input %u: node 8's put and get ok\n", w.round);
        ++w.round;
        w.witnessed.notify(sc_core::SC_ZERO_TIME);
    }
}

World& world() {
    static World w;
    if (!w.cluster) {
        rsmsim::ClusterConfig cfg;
        cfg.nodes = 3;
        w.cluster = std::make_unique<rsmsim::Cluster>(cfg);
        w.cluster->spawn(0, fuzzer);
        w.cluster->spawn(1, witness);
        w.cluster->spawn(2, [] {
            World& ww = world();
            rsmapi_controller_handle_t c = nullptr;
            rsm_memseg_export_handle_t ex = nullptr;
            rsm_memseg_id_t id = kWitnessId;
            rsmapi_access_entry_t only8[] = {{8, RSM_PERM_RDWR}};
            keep_for_good(true);
            if (rsm_get_controller(const_cast<char*>("sci0"), &c) ||
                rsm_memseg_export_create(c, &ex, ww.segment, kSeg, 0) ||
                rsm_memseg_export_publish(ex, &id, only8, 1))
                violated("node 12 could not export");
            keep_for_good(false);
            for (;;) sc_core::wait(ww.witnessed);   // keeps the segment for good
        });
    }
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    World& w = world();
    static bool first = true;
    if (first) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);   // every program reaches its first wait
        first = false;
    }
    w.input.assign(data, data + size);
    w.start.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();   // the input, the quiet moment, the witness
    return 0;
}
