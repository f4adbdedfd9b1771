#include "rsmsim/model/waves.h"

#include <sys/stat.h>

#include <systemc>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <tuple>

#include "wave_writers.h"

namespace rsmsim::model {

namespace {
constexpr std::pair<Block, const char*> kBlocks[] = {
    {Block::Api, "api"}, {Block::Mmio, "mmio"}, {Block::Rtl, "rtl"}, {Block::Dma, "dma"}, {Block::Fabric, "fabric"}};

std::vector<std::string> split_scope(const std::string& scope) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = scope.find('.', start)) != std::string::npos; start = dot + 1)
        parts.push_back(scope.substr(start, dot - start));
    parts.push_back(scope.substr(start));
    return parts;
}

uint64_t mask_of(int width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }
}  // namespace

bool parse_block(const std::string& name, Block& block) {
    for (auto [b, n] : kBlocks)
        if (name == n) {
            block = b;
            return true;
        }
    return false;
}

const char* block_name(Block b) {
    for (auto [bb, n] : kBlocks)
        if (bb == b) return n;
    return "?";
}

bool WaveSelection::wants(unsigned node, Block b) const {
    if (!(blocks & static_cast<unsigned>(b))) return false;
    return node == 0 || nodes.empty() || nodes.count(node);
}

class Waves::DeltaEnd final : public sc_core::sc_prim_channel {
public:
    DeltaEnd() : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("waves_delta_end")) {}
    void add(Probes& p) {
        if (queued_.empty()) request_update();
        queued_.push_back(&p);
    }
    // Also when the waveform closes: nothing queued is lost.
    void update() override {
        for (Probes* p : queued_) {
            p->queued_ = false;
            p->sample();
        }
        queued_.clear();
    }

private:
    std::vector<Probes*> queued_;
};

Waves::Waves(const std::string& path, Format format, WaveSelection selection)
    : path_(path), format_(format), sel_(std::move(selection)),
      out_(format == Format::Fst ? make_fst_writer(path) : make_vcd_writer(path)) {}

Waves::~Waves() { close(); }

uint64_t Waves::units_to_ps_slow(uint64_t units) {
    // With a resolution of 1 ps or finer, integer arithmetic gives the same
    // rounding as the double one, cheaper.
    const uint64_t per_ps = sc_core::sc_time(1, sc_core::SC_PS).value();
    if (per_ps == 0) return static_cast<uint64_t>(double(units) / sc_core::sc_time(1, sc_core::SC_PS).to_double() + 0.5);
    units_per_ps_ = per_ps;
    return (units + per_ps / 2) / per_ps;
}

Waves::Signal Waves::declare(const std::string& scope, const std::string& name, int width, unsigned node, Block block,
                             const ValueNames* names, uint64_t initial) {
    if (started_ || width < 1 || width > 64 || !sel_.wants(node, block)) return kNone;
    decls_.push_back({scope, name, width, node, block, names});
    const uint64_t mask = mask_of(width);
    sig_.push_back({mask, initial & mask, 0, initial & mask, 0, width});
    step_.push_back({});
    return static_cast<Signal>(decls_.size() - 1);
}

void Waves::set(Signal s, uint64_t value, uint64_t now) {
    if (s == kNone || closed_) return;
    const SignalState& g = sig_[static_cast<size_t>(s)];
    value &= g.mask;
    if (g.latest == value && g.latest_at <= now) return;   // nothing announced ahead: no change
    announce(s, now, value, true, now);
}

void Waves::set_at(Signal s, uint64_t at_ps, uint64_t value) { announce(s, at_ps, value, true); }
void Waves::clear_at(Signal s, uint64_t at_ps, uint64_t value) { announce(s, at_ps, value, false); }

void Waves::announce(Signal s, uint64_t at_ps, uint64_t value, bool strong) {
    announce(s, at_ps, value, strong, now_ps());
}

void Waves::announce(Signal s, uint64_t at_ps, uint64_t value, bool strong, uint64_t now) {
    if (s == kNone || closed_) return;
    ready_for_change(now);
    SignalState& g = sig_[static_cast<size_t>(s)];
    value &= g.mask;
    g.latest = value;
    g.latest_at = std::max(g.latest_at, std::max(at_ps, now));
    // Most changes are for now: they wait in a plain list (written when time
    // moves on), only those announced ahead go through the heap.
    if (at_ps <= now) {
        now_batch_at_ = now;
        now_batch_.push_back({now, rank(strong, ++seq_), value, s});
    } else {
        pending_.push({at_ps, rank(strong, ++seq_), value, s});
    }
}

Waves::Lane Waves::new_lane(const Signal* sigs, size_t n, uint32_t idle) {
    if (n > kMaxLaneSignals)
        throw std::invalid_argument("a waveform lane has at most " + std::to_string(kMaxLaneSignals) + " signals");
    if (std::all_of(sigs, sigs + n, [](Signal s) { return s == kNone; })) return kNoLane;
    LaneState lane{};
    lane.n = n;
    lane.idle = idle & lane.every_field();
    for (size_t i = 0; i < n; ++i) {
        lane.sig[i] = sigs[i];
        const SignalState* g = sigs[i] == kNone ? nullptr : &sig_[static_cast<size_t>(sigs[i])];
        lane.mask[i] = g ? g->mask : 0;
        lane.shown[i] = g ? g->current : 0;
    }
    lanes_.push_back(std::move(lane));
    return static_cast<Lane>(lanes_.size() - 1);
}

inline void Waves::LaneHeads::pick(size_t i) {
    const size_t w = at_[2 * i + 1] < at_[2 * i] ? 2 * i + 1 : 2 * i;
    at_[i] = at_[w];
    lane_[i] = lane_[w];
}

size_t Waves::LaneHeads::add(Lane lane) {
    // Rarely (once per lane): the tree is made anew.
    std::vector<std::pair<uint64_t, Lane>> leaf;
    for (size_t k = 0; k < count_; ++k) leaf.emplace_back(at_[leaves_ + k], lane_[leaves_ + k]);
    leaf.emplace_back(UINT64_MAX, lane);
    ++count_;
    leaves_ = 1;
    while (leaves_ < count_) leaves_ *= 2;
    at_.assign(2 * leaves_, UINT64_MAX);
    lane_.assign(2 * leaves_, 0);
    for (size_t k = 0; k < count_; ++k) std::tie(at_[leaves_ + k], lane_[leaves_ + k]) = leaf[k];
    for (size_t i = leaves_ - 1; i >= 1; --i) pick(i);
    return count_ - 1;
}

void Waves::LaneHeads::set(size_t slot, uint64_t at) {
    size_t i = leaves_ + slot;
    at_[i] = at;
    for (i /= 2; i >= 1; i /= 2) pick(i);
}

void Waves::ready_for_change(uint64_t now) {
    if (!started_) start();
    flush_before(now);
}

void Waves::lane_set_at(Lane id, uint64_t at_ps, uint32_t which, const uint64_t* values, bool strong) {
    if (id == kNoLane || closed_) return;
    const uint64_t now = now_ps();
    ready_for_change(now);
    put_in_lane(id, at_ps, which, values, strong, now);
}

void Waves::lane_packet_at(Lane id, uint64_t from_ps, uint64_t to_ps, const uint64_t* values) {
    if (id == kNoLane || closed_) return;
    const uint64_t now = now_ps();
    ready_for_change(now);
    LaneState& lane = lanes_[static_cast<size_t>(id)];
    put_in_lane(id, from_ps, lane.every_field(), values, true, now);
    static constexpr uint64_t kZero[kMaxLaneSignals] = {};
    put_in_lane(id, to_ps, lane.idle, kZero, false, now);
}

void Waves::put_in_lane(Lane id, uint64_t at_ps, uint32_t which, const uint64_t* values, bool strong, uint64_t now) {
    LaneState& lane = lanes_[static_cast<size_t>(id)];
    which &= lane.every_field();
    if (at_ps <= now && lane.count == 0 && lane.late.empty()) {
        // For now, nothing of the lane waiting: straight into this step's
        // changes, those that change something (a node's last packet received).
        for (uint32_t bits = which; bits; bits &= bits - 1) {
            const auto i = static_cast<size_t>(__builtin_ctz(bits));
            uint64_t v = 0;
            if (!lane.show(i, values[i], v) || lane.sig[i] == kNone) continue;
            now_batch_at_ = now;
            now_batch_.push_back({now, rank(strong, ++seq_), v, lane.sig[i]});
        }
        return;
    }
    const uint64_t at = std::max(at_ps, now);
    if (lane.slot == kNoSlot) lane.slot = lane_heads_.add(id);
    const uint64_t head_was = lane.head_at();
    LaneEntry* const in_ring = ring_slot(lane, at, strong);
    LaneEntry late_entry;
    LaneEntry& e = in_ring ? *in_ring : late_entry;
    e.at = at;
    e.strong = strong;
    e.seq = ++seq_;
    e.which = which;
    // As given: take_lane_entry masks them to their widths.
    if (which == lane.every_field()) {   // a packet's start: one copy
        std::memcpy(e.value, values, lane.n * sizeof *values);
    } else {
        for (uint32_t bits = which; bits; bits &= bits - 1) {
            const auto i = static_cast<size_t>(__builtin_ctz(bits));
            e.value[i] = values[i];
        }
    }
    if (!in_ring) lane.late.insert(late_entry);
    if (at < head_was) lane_heads_.set(lane.slot, at);
}

Waves::LaneEntry* Waves::ring_slot(LaneState& lane, uint64_t at, bool strong) {
    if (lane.count) {   // before the last one waiting (announced later: `seq` decides no tie)
        const LaneEntry& last = lane.waiting(lane.count - 1);
        if (at < last.at || (at == last.at && !strong && last.strong)) return nullptr;
    }
    if (lane.ring.empty() || lane.count > lane.wrap) {   // full: twice the size, in order from the front
        std::vector<LaneEntry> bigger(std::max<size_t>(16, 2 * lane.ring.size()));
        for (size_t k = 0; k < lane.count; ++k) bigger[k] = lane.waiting(k);
        lane.ring.swap(bigger);
        lane.wrap = lane.ring.size() - 1;
        lane.head = 0;
    }
    return &lane.waiting(lane.count++);
}

void Waves::take_lanes_at(uint64_t at, uint64_t lane_at) {
    for (; lane_at == at; lane_at = next_lane_at()) {
        const Lane id = lane_heads_.earliest_lane();
        LaneState& lane = lanes_[static_cast<size_t>(id)];
        for (;;) {   // the ring's and the late ones of this time, merged
            const bool ring = lane.count && lane.waiting(0).at == at;
            const bool late = !lane.late.empty() && lane.late.begin()->at == at;
            const bool from_ring = ring && (!late || lane.waiting(0).before(*lane.late.begin()));
            if (!from_ring && !late) break;
            take_lane_entry(lane, from_ring ? lane.waiting(0) : *lane.late.begin());
            if (from_ring) {
                lane.head = (lane.head + 1) & lane.wrap;
                --lane.count;
            } else {
                lane.late.erase(lane.late.begin());
            }
        }
        lane_heads_.set(lane.slot, lane.head_at());
    }
}

// Listed whatever its value: write_step skips a signal that ends its step unchanged.
inline void Waves::note_last(Signal s, uint64_t value) {
    StepEntry& e = step_[static_cast<size_t>(s)];
    e.step = step_no_;
    e.rank = UINT64_MAX;
    e.value = value;
    if (e.listed != step_no_) {
        e.listed = step_no_;
        touched_[touched_n_++] = s;
    }
}

// The fields `e` changes, noted for the step. Only the lane writes its
// signals: the last entry of a step wins, and a field set to the value it
// shows already is no change.
void Waves::take_lane_entry(LaneState& lane, const LaneEntry& e) {
    const auto take = [&](size_t i) {
        uint64_t v = 0;
        if (lane.show(i, e.value[i], v) && lane.sig[i] != kNone) note_last(lane.sig[i], v);
    };
    if (e.which == lane.every_field()) {   // a packet's start: a plain loop
        for (size_t i = 0; i < lane.n; ++i) take(i);
        return;
    }
    for (uint32_t bits = e.which; bits; bits &= bits - 1) take(static_cast<size_t>(__builtin_ctz(bits)));
}

// The step's change of `s` if it wins over the one noted so far (ranks).
// A signal is listed for the step once a change to another value than its
// current one wins (half the changes noted set the value a signal has).
void Waves::note(Signal s, uint64_t value, uint64_t r) {
    StepEntry& e = step_[static_cast<size_t>(s)];
    if (e.step != step_no_) e.step = step_no_;
    else if (r < e.rank) return;
    e.rank = r;
    e.value = value;
    if (e.listed != step_no_ && value != sig_[static_cast<size_t>(s)].current) {
        e.listed = step_no_;
        touched_[touched_n_++] = s;
    }
}

// The header, in scope order (signals of one scope together, in the order
// they were declared), and every signal's value at the start.
void Waves::start() {
    started_ = true;
    touched_.resize(sig_.size());
    step_values_.resize(sig_.size());
    std::vector<int> order(decls_.size());
    std::vector<std::vector<std::string>> scopes(decls_.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<int>(i);
        scopes[i] = split_scope(decls_[i].scope);
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scopes[a] < scopes[b]; });
    // Writers number signals in header order.
    std::vector<Decl> sorted;
    std::vector<int> new_index(decls_.size());
    for (size_t i = 0; i < order.size(); ++i) {
        sorted.push_back(decls_[order[i]]);
        new_index[order[i]] = static_cast<int>(i);
    }
    for (size_t i = 0; i < sig_.size(); ++i) sig_[i].index = new_index[i];
    std::vector<std::string> open;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const auto& parts = scopes[order[i]];
        size_t common = 0;
        while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
        while (open.size() > common) {
            out_->scope_up();
            open.pop_back();
        }
        for (size_t k = common; k < parts.size(); ++k) {
            out_->scope_down(parts[k]);
            open.push_back(parts[k]);
        }
        out_->var(static_cast<int>(i), sorted[i].name, sorted[i].width, sorted[i].names);
    }
    while (!open.empty()) {
        out_->scope_up();
        open.pop_back();
    }
    out_->end_header();
}

// Writes every time step before `t` (later changes may still come for `t`).
void Waves::flush_before(uint64_t t) {
    // Changes are announced for now or later: once flushed up to t, nothing
    // lies before t until time moves on (most calls come at the same time).
    if (t <= flushed_to_) return;
    for (;;) {
        const uint64_t heap_at = pending_.empty() ? UINT64_MAX : pending_.top().at;
        const uint64_t batch_at = now_batch_.empty() ? UINT64_MAX : now_batch_at_;
        const uint64_t lane_at = next_lane_at();
        const uint64_t at = std::min({heap_at, batch_at, lane_at});
        if (at >= t) {
            flushed_to_ = t;
            return;
        }
        // This step's winning change per signal, from both.
        ++step_no_;
        touched_n_ = 0;
        while (!pending_.empty() && pending_.top().at == at) {
            const Change& c = pending_.top();
            note(c.sig, c.value, c.rank);
            pending_.pop();
        }
        take_lanes_at(at, lane_at);
        if (batch_at == at) {
            for (const Change& c : now_batch_) note(c.sig, c.value, c.rank);
            now_batch_.clear();
        }
        write_step(at);
        end_ps_ = at;
    }
}

// A step touches a few signals (3.4 on average in an 8-node all-to-all):
// insertion sort without std::sort's set-up, which cost a fifth of writing.
void Waves::sort_touched() {
    Signal* const t = touched_.data();
    if (touched_n_ > 32) {
        std::sort(t, t + touched_n_);
        return;
    }
    for (size_t i = 1; i < touched_n_; ++i) {
        const Signal s = t[i];
        size_t j = i;
        for (; j > 0 && t[j - 1] > s; --j) t[j] = t[j - 1];
        t[j] = s;
    }
}

// Writes the signals noted for this step whose value changed, in signal order.
void Waves::write_step(uint64_t t) {
    if (!window_open_ && t >= sel_.from_ps) {
        // The window opens: every signal's value as it stands.
        window_open_ = true;
        for (size_t i = 0; i < sig_.size(); ++i) step_values_[i] = {sig_[i].current, sig_[i].index, sig_[i].width};
        out_->step(sel_.from_ps, true, step_values_.data(), sig_.size());
    }
    sort_touched();
    size_t n = 0;
    for (size_t k = 0; k < touched_n_; ++k) {
        const Signal s = touched_[k];
        const uint64_t v = step_[static_cast<size_t>(s)].value;
        SignalState& g = sig_[static_cast<size_t>(s)];
        if (g.current == v) continue;   // a later change of the step set it back
        g.current = v;
        step_values_[n++] = {v, g.index, g.width};
    }
    if (n == 0 || !window_open_ || t > sel_.to_ps) return;
    out_->step(t, t > sel_.from_ps, step_values_.data(), n);
}

void Waves::prepare_deferred_sampling() {
    if (!delta_end_) delta_end_ = std::make_unique<DeltaEnd>();
}

void Waves::sample_later(Probes& p) { delta_end_->add(p); }

void Waves::close() {
    if (closed_) return;
    if (delta_end_) delta_end_->update();
    if (!started_) start();
    // Up to now: a run stopped early (Ctrl-C) had announced changes beyond it.
    flush_before(now_ps() + 1);
    if (!window_open_) {
        touched_n_ = 0;
        write_step(std::max(sel_.from_ps, now_ps()));
    }
    closed_ = true;
    out_->close();
}

std::string Waves::filter_path(const ValueNames& n) const { return path_ + ".names/" + n.id + ".txt"; }

void Waves::write_gtkw(const std::string& gtkw_path) const {
    std::ofstream g(gtkw_path);
    if (!g) throw std::runtime_error("cannot write " + gtkw_path + ": " + std::strerror(errno));
    // Zoomed to show the whole run in the ~800 pixels of the wave pane
    // (GTKWave 3.3 shows 2^-zoom / 200 time units per pixel, measured).
    const uint64_t span = std::max<uint64_t>(1000, std::min(sel_.to_ps, end_ps_) - sel_.from_ps);
    g << "[dumpfile] \"" << path_ << "\"\n[timestart] " << sel_.from_ps << "\n[size] 1400 900\n[sst_width] 260\n"
      << "[signals_width] 300\n*" << -std::log2(double(span) / 4.0) << " " << sel_.from_ps << "\n";
    // VCD: GTKWave translate filter files, one per names table.
    std::map<std::string, const ValueNames*> tables;
    for (const auto& d : decls_)
        if (d.names) tables[d.names->id] = d.names;
    if (format_ == Format::Vcd && !tables.empty()) {
        ::mkdir((path_ + ".names").c_str(), 0777);
        for (const auto& [id, n] : tables) {
            std::ofstream f(filter_path(*n));
            for (const auto& [v, name] : n->values) f << v << ' ' << name << '\n';
        }
    }
    // Groups: fabric-wide first, then per node in node order, each by block.
    std::map<std::pair<unsigned, unsigned>, std::vector<size_t>> groups;
    for (size_t i = 0; i < decls_.size(); ++i)
        groups[{decls_[i].node, static_cast<unsigned>(decls_[i].block)}].push_back(i);
    unsigned open_node = UINT32_MAX;
    for (const auto& [key, members] : groups) {
        const auto [node, block] = key;
        const std::string node_group = node ? "node" + std::to_string(node) : std::string("fabric");
        if (node != open_node) {
            if (open_node != UINT32_MAX) g << "@1000200\n-" << (open_node ? "node" + std::to_string(open_node) : "fabric") << "\n";
            g << "@800200\n-" << node_group << "\n";
            open_node = node;
        }
        const bool sub = node != 0;   // the fabric-wide group is one block already
        if (sub) g << "@800200\n-" << block_name(static_cast<Block>(block)) << "\n";
        for (size_t i : members) {
            const Decl& d = decls_[i];
            const std::string full = d.scope + "." + d.name + (d.width > 1 ? "[" + std::to_string(d.width - 1) + ":0]" : "");
            if (d.names && format_ == Format::Vcd)
                g << "@2024\n^1 " << filter_path(*d.names) << "\n";
            else
                g << (d.width > 1 ? "@24\n" : "@28\n");
            g << full << "\n";
        }
        if (sub) g << "@1000200\n-" << block_name(static_cast<Block>(block)) << "\n";
    }
    if (open_node != UINT32_MAX) g << "@1000200\n-" << (open_node ? "node" + std::to_string(open_node) : "fabric") << "\n";
}

void Probes::sample_at_delta_end() {
    if (queued_ || empty()) return;
    queued_ = true;
    waves_->sample_later(*this);
}

// A variable's value is its low bytes (little-endian hosts). Verilator keeps
// signals in 1-, 2-, 4- or 8-byte variables: fixed-size copies.
template <typename U>
void Probes::sample_each(std::vector<Probe>& probes, uint64_t& now) {
    for (Probe& p : probes) {
        U v;
        std::memcpy(&v, p.var, sizeof v);
        if (v == p.last) continue;
        p.last = v;
        if (now == UINT64_MAX) now = Waves::now_ps();
        p.waves->set(p.sig, v, now);
    }
}

void Probes::sample() {
    if (settle_) settle_();
    uint64_t now = UINT64_MAX;   // read once, if anything changed
    sample_each<uint8_t>(by_size_[0], now);
    sample_each<uint16_t>(by_size_[1], now);
    sample_each<uint32_t>(by_size_[2], now);
    sample_each<uint64_t>(by_size_[3], now);
}

}  // namespace rsmsim::model
