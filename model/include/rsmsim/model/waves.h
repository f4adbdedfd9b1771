// One waveform file per run (VCD or FST), every signal on one simulated time
// axis: the rsmapi call in progress, MMIO, interrupts, the verilated core's
// internals, the DMA engine, every fabric link's packet on the wire, faults.
//
// Value-change based: a model says when a value changes (set, set_at) or
// samples the variables it registered when it may have changed them
// (Probes::sample, e.g. after each evaluation of its core); nothing is
// scanned per time step. Changes may be announced ahead of time (a packet's
// time on a link is known when it is sent); they are written in time order,
// the last one of a signal per time step winning. Values are at most 64
// bits wide.
//
// What is written can be selected by node, by block and by a simulated
// time window; a signal not selected costs nothing (its id is kNone). Enum-
// like signals carry their value names: FST files embed them (enum tables),
// VCD files get GTKWave translate filter files, and `write_gtkw` writes a
// save file that opens with the signals grouped by node and block, names
// shown. Runs are deterministic: the file is the same byte for byte apart
// from the header's date.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sysc/kernel/sc_simcontext.h>
#include <sysc/kernel/sc_time.h>

#include "rsmsim/model/sim_time.h"

namespace rsmsim::model {

// Value -> name, for a signal that carries an enum, a register offset, a
// command. `id` names the table (and its filter file).
struct ValueNames {
    std::string id;
    std::vector<std::pair<uint64_t, std::string>> values;
};

// What a signal belongs to, for trace selection.
enum class Block : unsigned { Api = 1, Mmio = 2, Rtl = 4, Dma = 8, Fabric = 16 };
inline constexpr unsigned kAllBlocks = 31;
// "api", "mmio", "rtl", "dma", "fabric"; false for another name.
bool parse_block(const std::string& name, Block& block);
const char* block_name(Block b);

struct WaveSelection {
    std::set<unsigned> nodes;        // node ids; empty: every node (fabric-wide signals always)
    unsigned blocks = kAllBlocks;    // a mask of Block
    uint64_t from_ps = 0;            // the window written
    uint64_t to_ps = UINT64_MAX;
    bool wants(unsigned node, Block b) const;
};

class WaveWriter;   // a file format (wave_writers.cpp)
struct WaveValue {  // what Waves hands a WaveWriter: signal `index`, `width` bits, now `v`
    uint64_t v;
    int index;
    int width;
};

class Waves {
public:
    using Signal = int;
    static constexpr Signal kNone = -1;
    enum class Format { Vcd, Fst };

    // Opens `path` now (a file that cannot be written throws
    // std::runtime_error naming it and the reason).
    Waves(const std::string& path, Format format, WaveSelection selection = {});
    ~Waves();
    Waves(const Waves&) = delete;
    Waves& operator=(const Waves&) = delete;

    // Declares `scope`.`name` (scope dotted: "node4.adapter.mmio"), `width`
    // bits, of `node` (0: fabric-wide), holding `initial`. kNone when not
    // selected. Declare everything before the first change.
    Signal declare(const std::string& scope, const std::string& name, int width, unsigned node, Block block,
                   const ValueNames* names = nullptr, uint64_t initial = 0);

    // The value from now on / from `at_ps` (not before now) on.
    void set(Signal s, uint64_t value) { set(s, value, now_ps()); }
    // The same, `now` being now_ps() (for callers setting many at once).
    void set(Signal s, uint64_t value, uint64_t now);
    void set_at(Signal s, uint64_t at_ps, uint64_t value);
    // The same, but any other change of the signal at `at_ps` wins, whenever
    // announced (an idle mark at the end of a packet that another starts at).
    void clear_at(Signal s, uint64_t at_ps, uint64_t value);
    // A lane: signals written only through it (a link's packet fields),
    // whose changes come mostly in time order. Its entries wait in a queue
    // of their own rather than in the one heap of every change ahead (a run
    // books thousands of packets ahead, and a heap that large misses the
    // caches), and it writes only the fields an entry changes: a packet
    // sets nine fields, of which four or five differ from the packet before.
    using Lane = int;
    static constexpr Lane kNoLane = -1;
    static constexpr size_t kMaxLaneSignals = 12;
    // `n` signals (at most kMaxLaneSignals), written from now on only
    // through the lane; `idle`: the fields (bits) that return to 0 at a
    // packet's end. kNoLane when none of the signals is selected.
    Lane new_lane(const Signal* sigs, size_t n, uint32_t idle = 0);
    // From `at_ps` (not before now) on, the lane's signal i holds values[i]
    // for each bit i of `which` (values[i] is read for those i only). Of the
    // entries of one time, a weak one (`strong` false: an idle mark at a
    // packet's end) comes before every strong one whenever announced;
    // entries of one kind in the order announced.
    void lane_set_at(Lane lane, uint64_t at_ps, uint32_t which, const uint64_t* values, bool strong = true);
    // A packet on the lane (a wire) from `from_ps` to `to_ps`: every field
    // (values[0..n)) from `from_ps`, the idle fields 0 from `to_ps` (weak:
    // a packet starting then wins). The same as the two lane_set_at calls.
    void lane_packet_at(Lane lane, uint64_t from_ps, uint64_t to_ps, const uint64_t* values);

    // Writes everything announced and closes the file (also on destruction).
    void close();
    const std::string& path() const { return path_; }
    Format format() const { return format_; }

    // A GTKWave save file for this waveform: every selected signal, grouped
    // by node and block, named values shown by name.
    void write_gtkw(const std::string& gtkw_path) const;

    // Simulated time, or an initiator's local time during its transaction
    // (LocalTime).
    static uint64_t now_ps() { return to_ps(sim_now()) + units_to_ps(local_ahead_); }
    static uint64_t to_ps(const sc_core::sc_time& t) { return units_to_ps(t.value()); }

    // An initiator running ahead of simulated time (NodeBus in a loosely
    // timed run) opens one around a transaction: what the models trace
    // meanwhile happens at its local time, `ahead` after sc_time_stamp().
    // Kept as the time's raw value: converted only when something is traced.
    class LocalTime {
    public:
        explicit LocalTime(const sc_core::sc_time& ahead) : saved_(local_ahead_) { local_ahead_ = ahead.value(); }
        ~LocalTime() { local_ahead_ = saved_; }
        LocalTime(const LocalTime&) = delete;
        LocalTime& operator=(const LocalTime&) = delete;

    private:
        uint64_t saved_;
    };

    // For Probes: `p` samples once at the end of the current delta cycle
    // (its update phase), however often its model changed in it. Requires
    // prepare_deferred_sampling() during elaboration.
    void prepare_deferred_sampling();
    void sample_later(class Probes& p);

private:
    // LocalTime's `ahead` (SystemC runs one process at a time: one is enough).
    static inline uint64_t local_ahead_ = 0;
    // Resolution units per picosecond once known (SystemC fixes the
    // resolution when the first time is made, before any Waves); 0 until then.
    static inline uint64_t units_per_ps_ = 0;
    static uint64_t units_to_ps(uint64_t units) { return units_per_ps_ == 1 ? units : units_to_ps_slow(units); }
    static uint64_t units_to_ps_slow(uint64_t units);
    class DeltaEnd;   // a SystemC primitive channel: its update() samples
    std::unique_ptr<DeltaEnd> delta_end_;
    struct Decl {
        std::string scope, name;
        int width;
        unsigned node;
        Block block;
        const ValueNames* names;
    };
    // A change's rank in its step: a strong one after (over) every weak one,
    // then in the order announced. A clear_at is weak.
    static uint64_t rank(bool strong, uint64_t seq) { return (strong ? uint64_t{1} << 63 : 0) | seq; }
    struct Change {
        uint64_t at;
        uint64_t rank;
        uint64_t value;
        Signal sig;
        bool operator>(const Change& o) const { return at != o.at ? at > o.at : rank > o.rank; }
    };
    void announce(Signal s, uint64_t at_ps, uint64_t value, bool strong);
    void announce(Signal s, uint64_t at_ps, uint64_t value, bool strong, uint64_t now_ps);
    void note(Signal s, uint64_t value, uint64_t r);
    void start();
    void flush_before(uint64_t t);
    void write_step(uint64_t t);
    std::string filter_path(const ValueNames& n) const;

    std::string path_;
    Format format_;
    WaveSelection sel_;
    std::unique_ptr<WaveWriter> out_;
    std::vector<Decl> decls_;
    // What each change of a signal needs, together (one cache line).
    struct SignalState {
        uint64_t mask;        // of its width
        uint64_t latest;      // the last value announced (cheap no-change test)
        uint64_t latest_at;   // the latest time a change of it was announced for
        uint64_t current;     // the value as of the last step written (or held before the window)
        int index;            // its number in the file (header order)
        int width;
    };
    std::vector<SignalState> sig_;
    std::priority_queue<Change, std::vector<Change>, std::greater<Change>> pending_;   // announced ahead
    struct LaneEntry {
        LaneEntry() {}   // values not zeroed: lane_set_at fills what is read
        uint64_t at = 0;
        uint64_t seq = 0;     // announced as the seq-th change
        uint32_t which = 0;   // the fields it sets
        bool strong = false;
        uint64_t value[kMaxLaneSignals];   // as given (wider than a field, maybe)
        // Taken first: the earlier; of one time a weak one, then the first announced.
        bool before(const LaneEntry& o) const {
            return at != o.at ? at < o.at : strong != o.strong ? !strong : seq < o.seq;
        }
        struct Before {
            bool operator()(const LaneEntry& a, const LaneEntry& b) const { return a.before(b); }
        };
    };
    static constexpr size_t kNoSlot = SIZE_MAX;
    struct LaneState {
        size_t n;
        uint32_t idle;   // the fields a packet's end sets to 0
        Signal sig[kMaxLaneSignals];
        uint64_t mask[kMaxLaneSignals];
        uint64_t shown[kMaxLaneSignals];   // each field's value after the entries taken so far
        // The entries waiting: those announced in order in a ring (a power
        // of two in size: no allocation once grown), the few that go before
        // one of them (a packet in a gap between two booked before it) in
        // `late`.
        std::vector<LaneEntry> ring;
        size_t wrap = 0;   // ring.size() - 1, kept (a size is a division by the entry's size)
        size_t head = 0, count = 0;
        std::multiset<LaneEntry, LaneEntry::Before> late;
        size_t slot = kNoSlot;   // in lane_heads_, once it queues an entry
        uint32_t every_field() const { return (uint32_t{1} << n) - 1; }   // as a `which`
        // Field i set to `raw` (masked to its width into `v`): false when it
        // shows that already, which is no change.
        bool show(size_t i, uint64_t raw, uint64_t& v) {
            v = raw & mask[i];
            if (v == shown[i]) return false;
            shown[i] = v;
            return true;
        }
        LaneEntry& waiting(size_t k) { return ring[(head + k) & wrap]; }
        uint64_t head_at() {
            const uint64_t r = count ? waiting(0).at : UINT64_MAX;
            return late.empty() ? r : std::min(r, late.begin()->at);
        }
    };
    std::vector<LaneState> lanes_;
    // The head time (UINT64_MAX: none) of each lane that ever queued an
    // entry (a slot each: the others cost nothing) and the earliest of them
    // (of those tied, the one in the lowest slot): a tournament tree, a
    // change of one slot a walk from its leaf to the root.
    class LaneHeads {
    public:
        size_t add(Lane lane);   // its slot
        void set(size_t slot, uint64_t at);
        uint64_t earliest() const { return at_[1]; }
        Lane earliest_lane() const { return lane_[1]; }

    private:
        size_t count_ = 0, leaves_ = 1;
        // Per node of the tree (leaves at [leaves_, 2 * leaves_)): the
        // earliest time under it and its lane, apart: a pick moves two words.
        std::vector<uint64_t> at_ = std::vector<uint64_t>(2, UINT64_MAX);
        std::vector<Lane> lane_ = std::vector<Lane>(2, 0);
        void pick(size_t i);   // node i from its children (ties to the left: the lower slot)
    };
    LaneHeads lane_heads_;
    // The ring's next place for an entry at `at`; nullptr when the entry
    // goes before one waiting (it is late).
    LaneEntry* ring_slot(LaneState& lane, uint64_t at, bool strong);
    // lane_set_at, once the waveform is started and flushed up to `now`.
    void put_in_lane(Lane id, uint64_t at_ps, uint32_t which, const uint64_t* values, bool strong, uint64_t now);
    // Before a change announced at `now`: the header written, every step before it.
    void ready_for_change(uint64_t now);
    void take_lane_entry(LaneState& lane, const LaneEntry& e);
    // note() for a lane's signal: only its lane writes it, the last change of a step wins.
    void note_last(Signal s, uint64_t value);
    uint64_t next_lane_at() const { return lane_heads_.earliest(); }   // UINT64_MAX: none
    void take_lanes_at(uint64_t at, uint64_t lane_at);   // lane_at: next_lane_at(), just read
    std::vector<Change> now_batch_;   // announced for the current time, at now_batch_at_
    uint64_t now_batch_at_ = 0;
    // The step being written: per signal, the step it was last noted in and
    // its winning change so far; the signals noted.
    struct StepEntry {
        uint64_t step = 0, rank = 0, value = 0;
        uint64_t listed = 0;   // the step it went into touched_ (a value other than the current one)
    };
    std::vector<StepEntry> step_;   // per signal
    uint64_t step_no_ = 0;
    // The signals listed in this step and what write_step writes of them:
    // each signal at most once, so both have room for every signal (sized
    // by start()) and fill without a capacity check.
    std::vector<Signal> touched_;
    size_t touched_n_ = 0;
    std::vector<WaveValue> step_values_;
    void sort_touched();
    uint64_t seq_ = 0;
    uint64_t end_ps_ = 0;   // the last time step written
    uint64_t flushed_to_ = 0;   // no change waits before this time
    bool started_ = false, window_open_ = false, closed_ = false;
};

// Variables of a model read when the model says they may have changed.
class Probes {
public:
    template <typename T>
    void add(Waves* w, const T& var, const std::string& scope, const std::string& name, int width, unsigned node,
             Block block, const ValueNames* names = nullptr) {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8, "a probe is 1-8 bytes");
        if (!w) return;
        uint64_t initial = 0;
        std::memcpy(&initial, &var, sizeof(T));   // little-endian hosts: the low bytes
        const Waves::Signal s = w->declare(scope, name, width, node, block, names, initial);
        if (s == Waves::kNone) return;
        by_size_[size_index(sizeof(T))].push_back({w, &var, s, initial});
        waves_ = w;
        w->prepare_deferred_sampling();
    }
    // Samples now.
    void sample();
    // Samples at the end of this delta cycle: a trace shows the last value
    // of each time step anyway, and a model evaluated many times in one
    // step (a clock edge, a register read) is sampled once.
    void sample_at_delta_end();
    bool empty() const { return waves_ == nullptr; }
    // Called before each sample: a model whose inputs changed since its last
    // evaluation (and whose own reads do not need it) evaluates now.
    void before_sampling(std::function<void()> settle) { settle_ = std::move(settle); }

private:
    struct Probe {
        Waves* waves;
        const void* var;
        Waves::Signal sig;
        uint64_t last;   // as last sampled: most samples change nothing, and cost one compare
    };
    // By size (1, 2, 4, 8 bytes): a sample reads each kind in a loop of its
    // own, not through a switch per probe.
    static constexpr size_t size_index(size_t bytes) { return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3; }
    template <typename U>
    static void sample_each(std::vector<Probe>& probes, uint64_t& now);
    std::vector<Probe> by_size_[4];
    Waves* waves_ = nullptr;
    bool queued_ = false;
    std::function<void()> settle_;
    friend class Waves;
};

}  // namespace rsmsim::model
