#include "rsmsim/model/fabric.h"

#include "rsmsim/model/sim_time.h"
#include "rsmsim/model/wave_names.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <iterator>

#include "adapter_regs.h"
#include "rsmsim/model/waves.h"

namespace rsmsim::model {

using sc_core::sc_time;
using sc_core::SC_NS;

Fabric::Fabric(sc_core::sc_module_name name, const TimingProfile& timing, TopologyKind topology)
    : sc_module(name),
      timing_(timing),
      ingress_(timing.adapter_ns, SC_NS),
      hop_(timing.hop_ns, SC_NS),
      // No packet is shorter on the wire than a header and its CRC at full speed.
      shortest_(transfer_ns(Packet::kHeaderBytes + Packet::kCrcBytes, timing.link_MBps), SC_NS),
      kind_(topology) {
    check_time_resolution();
    SC_METHOD(deliver);
    sensitive << wake_;
    dont_initialize();
    SC_METHOD(queue_answers);
    sensitive << answers_wake_;
    dont_initialize();
}

void Fabric::attach(FabricPort& port) {
    const uint16_t id = port.fabric_node_id();
    if (nodes_.size() <= id) nodes_.resize(size_t{id} + 1);
    nodes_[id].port = &port;
}

uint64_t Fabric::peer_mask() const {
    uint64_t m = 0;
    for (size_t id = 0; id < nodes_.size(); ++id)
        if (nodes_[id].port && rsm::regs::is_node_id(static_cast<uint16_t>(id)))
            m |= uint64_t{1} << rsm::regs::slot_of_node_id(static_cast<uint16_t>(id));
    return m;
}

void Fabric::end_of_elaboration() { (void)topology(); }

Fabric::Link* Fabric::link(uint16_t from, uint16_t to) {
    const int l = topology().link_between(from, to);
    return l < 0 ? nullptr : &links_[static_cast<size_t>(l)];
}

bool Fabric::set_link(uint16_t from, uint16_t to, bool up) {
    Link* k = link(from, to);
    if (!k) return false;
    if (k->down == !up) return true;
    k->down = !up;
    links_down_ = static_cast<uint16_t>(up ? links_down_ - 1 : links_down_ + 1);
    if (!up) cut_trains(static_cast<int>(k - links_.data()));
    trace_link_faults(from, to);
    if (topology().has_alternatives())
        for_each_port([](uint16_t, FabricPort& port) { port.route_changed(); });
    return true;
}

bool Fabric::set_link_speed(uint16_t from, uint16_t to, double factor) {
    Link* k = factor >= 1.0 ? link(from, to) : nullptr;
    if (!k) return false;
    if ((k->slowdown == 1.0) != (factor == 1.0))
        links_slow_ = static_cast<uint16_t>(factor == 1.0 ? links_slow_ - 1 : links_slow_ + 1);
    k->slowdown = factor;
    trace_link_faults(from, to);
    return true;
}

bool Fabric::set_link_error_rate(uint16_t from, uint16_t to, double rate) {
    Link* k = rate >= 0.0 && rate <= 1.0 ? link(from, to) : nullptr;
    if (!k) return false;
    if ((k->error_rate == 0.0) != (rate == 0.0))
        links_noisy_ = static_cast<uint16_t>(rate == 0.0 ? links_noisy_ - 1 : links_noisy_ + 1);
    k->error_rate = rate;
    trace_link_faults(from, to);
    return true;
}

std::vector<std::pair<uint16_t, uint16_t>> Fabric::neighbour_links() { return topology().neighbour_links(); }

bool Fabric::alive(uint16_t id) const {
    const NodeEntry& n = node(id);
    return n.port && !n.crashed;
}

void Fabric::crash_node(uint16_t node) {
    if (!alive(node)) return;
    // Its host is dead but the link controller still forwards what passes
    // through (a ringlet stays closed); see fabric.h.
    nodes_[node].crashed = true;   // requests to it are answered UNREACHABLE from now on
    ++nodes_crashed_;
    if (waves_) {
        waves_->set(count_sigs_.nodes_crashed, nodes_crashed_);
        waves_->set(crashed_sigs_[node], 1);
    }
    for_each_port([&](uint16_t id, FabricPort& port) {
        if (alive(id)) port.node_lost(node);
    });
}

void Fabric::Link::forget_past() {
    const sc_time now = sim_now();
    busy.drop_ended(now);
    if (ahead.size() < ahead_drop_at) return;
    ahead.erase(std::remove_if(ahead.begin(), ahead.end(), [&](const auto& crossing) { return crossing.first <= now; }),
                ahead.end());
    ahead_drop_at = std::max<size_t>(64, 2 * ahead.size());
}

sc_time Fabric::Link::reserve(sc_time earliest, sc_time length, sc_time shortest) {
    forget_past();
    sc_time t = earliest;
    auto it = busy.upper_bound(t);
    if (it != busy.begin() && std::prev(it)->second > t) t = std::prev(it)->second;
    for (; it != busy.end() && it->first < t + length; ++it) t = std::max(t, it->second);
    if (length == sc_core::SC_ZERO_TIME) return t;
    book(t, length, shortest);
    return t;
}

void Fabric::Link::book(sc_time t, sc_time length, sc_time shortest) {
    ahead.emplace_back(t + length, t);
    // Back-to-back stretches, and those with a gap too short for any packet
    // between them (mostly picoseconds of rounding), are kept as one: a
    // packet looking for a gap then steps over a busy run in one step, not one
    // per packet in it (a DMA chain reserves thousands ahead; walking them
    // made the cost per packet grow with the packets in flight). The usual
    // case, a packet right behind a run, extends the run in place.
    const auto next = busy.upper_bound(t);   // the stretch before it ends at or before t
    auto at = next;
    if (next != busy.begin() && t - std::prev(next)->second < shortest) {
        at = std::prev(next);
        at->second = t + length;
    } else {
        at = busy.insert(next, t, t + length);
    }
    if (auto after = std::next(at); after != busy.end() && after->first - at->second < shortest) {
        at->second = after->second;
        busy.erase(after);
    }
}

Fabric::Departures Fabric::Link::reserve_train(const TrainParts& in, double wire_ns, sc_time shortest) {
    forget_past();
    const Departures early = reserve_stream(in.part[0], sc_core::SC_ZERO_TIME, wire_ns, shortest);
    if (in.parts == 1) return early;
    // In order: the final run leaves once the early packets are through.
    const Departures run = reserve_stream(in.part[1], early.end, wire_ns, shortest);
    return {early.first, run.burst, run.end, run.burst_count, run.queued};
}

Fabric::TrainParts Fabric::TrainParts::after(const Departures& d, const TrainParts& in, double count, double wire_ns,
                                             sc_time hop) {
    // A run that left as its packets came keeps their pace; one that
    // queued first left as its first and last packets were apart (a queue
    // drains at the link's speed); what left in gaps no faster than the
    // source.
    const double early = count - d.burst_count;
    TrainParts out;
    out.source_pace_ns = in.source_pace_ns;
    const double run_ns = (d.end - d.burst).to_seconds() * 1e9;
    const double run_pace_ns = d.queued && d.burst_count > 1
                                   ? std::max(wire_ns, (run_ns - wire_ns) / (d.burst_count - 1))
                                   : std::max(in.part[in.parts - 1].pace_ns, run_ns / d.burst_count);
    if (early < 1 || d.burst <= d.first) {
        out.part[0] = {d.first + hop, count, run_pace_ns};
        return out;
    }
    const double early_ns = (d.burst - d.first).to_seconds() * 1e9;
    out.part[0] = {d.first + hop, early, std::max(in.source_pace_ns, early_ns / early)};
    out.part[1] = {d.burst + hop, d.burst_count, run_pace_ns};
    out.parts = 2;
    return out;
}

Fabric::Departures Fabric::Link::reserve_stream(const Arrivals& a, sc_time not_before, double wire_ns,
                                                sc_time shortest) {
    // Slower than the link by more than a packet: others' packets fit
    // between its own.
    if (a.pace_ns >= 2 * wire_ns && a.count >= 2) return place_groups(a, not_before, wire_ns, shortest);
    return fill_gaps(a, not_before, wire_ns, shortest);
}

Fabric::Departures Fabric::Link::place_groups(const Arrivals& a, sc_time not_before, double wire_ns,
                                              sc_time shortest) {
    // In groups, each back to back and as late as its last packet would
    // end; the room between them stays free.
    const double groups = std::min(a.count, 64.0);
    const double per = a.count / groups;
    const sc_time group = ns_time(per * wire_ns);
    sc_time first = sc_core::sc_max_time(), end = std::max(a.ready, not_before);
    bool queued = false;
    for (int g = 0; g < static_cast<int>(groups); ++g) {
        const double last_ready_ns = ((g + 1) * per - 1) * a.pace_ns;
        const sc_time at = std::max(end, a.ready + ns_time(last_ready_ns + wire_ns - per * wire_ns));
        const sc_time start = reserve(at, group, shortest);
        queued = queued || start > at;
        first = std::min(first, start);
        end = start + group;
    }
    return {first, first, end, a.count, queued};   // spread at its own pace: one run
}

Fabric::Departures Fabric::Link::fill_gaps(const Arrivals& a, sc_time not_before, double wire_ns,
                                           sc_time shortest) {
    // The packets queue while the link is busy and leave back to back when
    // it frees, then at their own pace (the gaps a paced train leaves are
    // too short for another's packet: it holds the link). Each gap it uses
    // is booked.
    const sc_time wire = ns_time(wire_ns);
    const sc_time ready = a.ready;
    const double count = a.count, pace_ns = a.pace_ns;
    auto ready_by = [&](sc_time at) { return std::min(count, (at - ready).to_seconds() * 1e9 / pace_ns + 1.0); };
    double sent = 0;
    sc_time t = std::max(ready, not_before), first = sc_core::sc_max_time();
    for (;;) {
        auto it = busy.upper_bound(t);
        if (it != busy.begin() && std::prev(it)->second > t) {   // busy at t
            t = std::prev(it)->second;
            continue;
        }
        const sc_time gap_end = it == busy.end() ? sc_core::sc_max_time() : it->first;
        if (gap_end - t < wire) {   // too short for a packet
            t = it->second;
            continue;
        }
        // Where the train would end in this gap were it long enough: a queue
        // served back to back ends with its first packet's start plus all
        // their wire times, or with the last one's, whichever is later.
        const double left = count - sent;
        const double last_ready_ns = (count - 1) * pace_ns - (t - ready).to_seconds() * 1e9;   // t >= ready
        const sc_time end = t + ns_time(std::max(left * wire_ns, last_ready_ns + wire_ns));
        if (end <= gap_end) {
            book(t, end - t, shortest);
            // Queued: its next packet was ready before the link was free.
            const bool queued = t > ready + ns_time(sent * pace_ns);
            return {std::min(first, t), t, end, left, queued};
        }
        // Whole packets only: those ready in time to fit before the gap ends.
        const double fit = std::floor((gap_end - t).to_seconds() * 1e9 / wire_ns);
        const double more = std::floor(std::min(fit, ready_by(gap_end - wire) - sent));
        if (more >= 1) {
            book(t, gap_end - t, shortest);
            first = std::min(first, t);
            sent += more;
        }
        t = gap_end;
    }
}

std::vector<Fabric::LinkStats> Fabric::link_stats() {
    std::vector<LinkStats> out;
    const sc_time now = sim_now();
    for (const auto& [a, b] : topology().neighbour_links()) {
        const Link& k = *link(a, b);
        double ahead_ns = 0;   // booked, not yet on the wire
        for (const auto& [end, start] : k.ahead)
            if (end > now) ahead_ns += (end - std::max(start, now)).to_seconds() * 1e9;
        out.push_back({a, b, k.packets, ahead_ns > 0 ? k.busy_ns - ahead_ns : k.busy_ns, k.bytes});
    }
    return out;
}

void Fabric::time_out(const Packet& request, sc_time at) {
    ++unreachable_;
    schedule(request.response(response_to(request.cmd), static_cast<uint8_t>(rsm::regs::ErrClass::UNREACHABLE)), at);
}

void Fabric::wake_at(sc_time at) {
    if (at >= wake_at_) return;   // SystemC would keep the earlier one anyway
    wake_at_ = at;
    wake_.notify(at - sim_now());
}

uint64_t Fabric::schedule(Packet p, sc_time at) {
    uint32_t slot;
    if (free_parking_.empty()) {
        slot = static_cast<uint32_t>(parked_.size());
        parked_.push_back(std::move(p));
    } else {
        slot = free_parking_.back();
        free_parking_.pop_back();
        parked_[slot] = std::move(p);
    }
    in_flight_.push(InFlight{at, seq_, slot});
    if (!delivering_) wake_at(at);
    return seq_++;
}

void Fabric::set_crc_error_rate(double rate, uint64_t seed) {
    crc_rate_ = rate;
    rng_.seed(seed);
}

const Topology& Fabric::topology() {
    if (!topology_) {
        std::vector<uint16_t> ids;
        for_each_port([&](uint16_t id, FabricPort&) {
            nodes_[id].place = static_cast<uint16_t>(ids.size());
            ids.push_back(id);
        });
        node_count_ = ids.size();
        flows_.assign(node_count_ * node_count_, Flow{});
        topology_ = std::make_unique<Topology>(kind_, ids);
        links_.clear();
        links_.resize(static_cast<size_t>(topology_->link_count()));
    }
    return *topology_;
}

unsigned Fabric::hops(uint16_t src, uint16_t dst) const {
    return topology_ ? static_cast<unsigned>(topology_->route(src, dst).size()) : 0;
}

uint32_t Fabric::bulk_new(size_t len, const uint8_t* bytes) {
    uint32_t slot = 0;
    if (bulk_free_.empty()) {
        slot = static_cast<uint32_t>(bulk_store_.size());
        bulk_store_.emplace_back();
    } else {
        slot = bulk_free_.back();
        bulk_free_.pop_back();
    }
    // Copied in, not zero-filled first (a window burst's bytes are at hand).
    if (bytes) bulk_store_[slot].assign(bytes, bytes + len);
    else bulk_store_[slot].resize(len);
    return slot;
}

void Fabric::bulk_release(uint32_t slot) {
    if (slot == 0) return;
    bulk_store_[slot].clear();   // the capacity stays for the next train
    bulk_free_.push_back(slot);
}

void Fabric::send(Packet p, sc_time delay) {
    const sc_time depart = sim_now() + delay;
    if (node(p.src).crashed) {
        // A crashed node's adapter answers nothing; what its software still
        // sends gets no echo, and its own link layer times it out.
        if (!is_response(p.cmd)) time_out(p, depart + ns_time(timing_.response_timeout_ns));
        bulk_release(p.bulk);
        return;
    }
    p.id = ++sent_;
    if (const std::vector<int>* links = up_route(p.src, p.dst)) {
        sc_time arrive = cross(p, *links, depart);
        if (p.cmd == Cmd::Ack && p.train > 1) {   // not before the last answer got through
            const auto done = answers_done_.find(answer_key(p.dst, p.src, p.txn));
            if (done != answers_done_.end()) {
                arrive = std::max(arrive, done->second);
                answers_done_.erase(done);
            }
        }
        arrive = in_order(p, arrive);
        if (p.train > 1 && !links->empty()) {
            // Its packets leave over the time its source needs for them.
            const sc_time spread = train_out_.end - train_out_.first;
            if (p.cmd == Cmd::Write) {
                const sc_time run = train_out_.end - train_out_.burst;
                answer_windows_.push({arrive - std::min(arrive, spread), arrive - std::min(arrive, run), arrive,
                                      train_early_share_ * p.train, p.train, p.dst, p.src,
                                      answer_key(p.src, p.dst, p.txn), 0, {}});
                wake_answers();
            }
            trains_.push_back({p, links, depart, depart + spread, arrive, p.train, 0});
            trains_.back().seq = schedule(std::move(p), arrive);
            return;
        }
        schedule(std::move(p), arrive);
    } else if (is_response(p.cmd)) {
        answer_lost(std::move(p), depart);
    } else {
        answer_unreachable(p, depart);
        bulk_release(p.bulk);
    }
}

const std::vector<int>* Fabric::up_route(uint16_t src, uint16_t dst) {
    static const std::vector<int> kLoopback;   // inside the adapter: no links
    if (!alive(dst)) return nullptr;
    if (src == dst) return &kLoopback;
    // A topology's candidate routes never change; which of them are up does.
    if (!topology_) (void)topology();   // places the nodes
    Flow& f = flow_of(src, dst);
    if (!f.routed) {
        f.routes = topology().routes(src, dst);
        f.routed = true;
    }
    for (const auto& r : f.routes)
        if (std::none_of(r.begin(), r.end(), [&](int l) { return links_[static_cast<size_t>(l)].down; })) return &r;
    return nullptr;
}

void Fabric::answer_lost(Packet p, sc_time depart) {
    // The answer cannot get back: the requester's adapter times the
    // transaction out and counts it as an error (a crashed requester's
    // too: whatever software still runs there must not wait forever).
    if (!node(p.dst).port) return;
    p.err = static_cast<uint8_t>(rsm::regs::ErrClass::UNREACHABLE);
    p.data.clear();
    bulk_release(p.bulk);
    p.bulk = 0;
    p.failed = p.train;
    ++unreachable_;
    schedule(std::move(p), depart + ns_time(timing_.response_timeout_ns));
}

void Fabric::answer_unreachable(const Packet& p, sc_time depart) {
    // No such node, or no way to it: the fabric answers, as SCI's scrubber would.
    if (!alive(p.src)) return;   // nobody to tell
    Packet r = p.response(response_to(p.cmd), static_cast<uint8_t>(rsm::regs::ErrClass::UNREACHABLE));
    ++unreachable_;
    r.id = ++sent_;
    schedule(std::move(r), depart + ns_time(2 * timing_.hop_ns));
}

sc_time Fabric::cross(Packet& p, const std::vector<int>& links, sc_time depart) {
    // The receiving adapter's ingress decode is part of delivery, so the
    // packet is acted on at the time returned.
    if (links.empty()) return depart + ingress_;
    // A request corrupted on the way is sent again by the link layer (the
    // route again); past the retries it arrives corrupt.
    const int attempts_allowed = is_response(p.cmd) ? 1 : 1 + std::max(0, timing_.crc_retries);
    const double corrupt_p = corruption_chance(links);
    sc_time head = depart;   // when the packet's head reaches the next link
    sc_time tail = depart;   // when its tail has crossed the last link so far
    if (p.train > 1) return cross_train(p, links, corrupt_p, attempts_allowed, head, tail) + ingress_;
    for (int attempt = 0; attempt < attempts_allowed; ++attempt) {
        cross_links(p, links, head, tail);
        const bool bad = corrupt_p > 0 && !is_response(p.cmd) &&
                         std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < corrupt_p;
        if (!bad) break;
        ++crc_errors_;
        if (waves_) waves_->set(count_sigs_.crc_errors, crc_errors_);
        if (attempt + 1 == attempts_allowed) p.corrupt = true;
        head = tail;   // the tail must arrive before the CRC is checked
    }
    return tail + ingress_;
}

// A train crosses as one stretch per link. Each of its packets may be
// corrupted and sent again (its wire time added to the train's); one past
// the retries makes the target discard the whole train (its answer says
// CRC for every packet).
sc_time Fabric::cross_train(Packet& p, const std::vector<int>& links, double corrupt_p, int attempts_allowed,
                            sc_time& head, sc_time& tail) {
    double resent_bytes = 0;
    if (corrupt_p > 0 && !is_response(p.cmd)) {
        std::uniform_real_distribution<double> draw(0.0, 1.0);
        const double one = double(p.wire_bytes()) / p.train;
        for (uint32_t k = 0; k < p.train; ++k)
            for (int attempt = 0; attempt < attempts_allowed && draw(rng_) < corrupt_p; ++attempt) {
                ++crc_errors_;
                if (attempt + 1 == attempts_allowed) p.corrupt = true;
                else resent_bytes += one;
            }
        if (waves_) waves_->set(count_sigs_.crc_errors, crc_errors_);
    }
    if (!p.carries_data()) {   // alongside its data train: one packet's worth
        cross_links(p, links, head, tail, resent_bytes);
        train_out_ = {head, head, tail, double(p.train), false};
        train_early_share_ = 0;
        return tail;
    }
    // Packet by packet through each link's idle gaps, as the RTL books them;
    // what leaves a link paces the next.
    const double packets = p.train + resent_bytes * p.train / p.wire_bytes();
    const double wire_ns = transfer_ns(p.wire_bytes(), timing_.link_MBps) / p.train;
    TrainParts in;
    in.source_pace_ns = p.pace_ns > 0 ? p.pace_ns / p.train : wire_ns;
    in.part[0] = {head, packets, in.source_pace_ns};
    for (int l : links) {
        Link& k = links_[static_cast<size_t>(l)];
        const Departures d = k.reserve_train(in, wire_ns * k.slowdown, shortest_);
        if (waves_) trace_crossing(l, p, d.first, d.end);
        k.count(p, resent_bytes, timing_.link_MBps);
        head = d.first + hop_;
        tail = std::max(d.end + hop_, tail + hop_);
        in = TrainParts::after(d, in, packets, wire_ns * k.slowdown, hop_);
        train_out_ = d;
        train_early_share_ = in.parts == 2 ? in.part[0].count / packets : 0.0;
    }
    return tail;
}

void Fabric::cut_trains(int link) {
    const sc_time now = sim_now();
    for (TrainOnWay& t : trains_) {
        if (now >= t.end || std::find(t.links->begin(), t.links->end(), link) == t.links->end()) continue;
        const double gone = now <= t.depart ? 0.0 : (now - t.depart) / (t.end - t.depart);
        const auto cut = static_cast<uint32_t>(gone * t.packet.train);
        if (cut >= t.cut) continue;
        t.cut = cut;
        // What left arrives as it would have; the queue's entry is replaced.
        const sc_time at = std::max(now, t.depart) + (t.arrive - t.end);
        if (at >= t.arrive) continue;
        superseded_.insert(t.seq);
        t.arrive = at;
        t.seq = schedule(t.packet, at);
    }
}

// A train arrives: what a link going down cut off it never came. The
// target serves the rest (a request's `failed`); an answer loses its tail.
void Fabric::arrive_cut(Packet& p) {
    auto it = std::find_if(trains_.begin(), trains_.end(), [&](const TrainOnWay& t) { return t.packet.id == p.id; });
    if (it == trains_.end()) return;
    const uint32_t cut = it->cut;
    *it = trains_.back();
    trains_.pop_back();
    if (cut >= p.train) return;
    const uint8_t unreachable = static_cast<uint8_t>(rsm::regs::ErrClass::UNREACHABLE);
    if (p.err == 0) p.err = unreachable;
    p.failed = std::max(p.failed, p.train - cut);
    if (is_response(p.cmd) && p.bulk)
        bulk_store_[p.bulk].resize(std::min<uint64_t>(bulk_store_[p.bulk].size(),
                                                      Packet::prefix_bytes(p.offset, p.len, cut)));
}

void Fabric::forget_answers(const Packet& request) {
    if (request.cmd == Cmd::Write && request.train > 1)
        answers_done_.erase(answer_key(request.src, request.dst, request.txn));
}

void Fabric::wake_answers() {
    // SystemC keeps the earlier of two notifications.
    if (!answer_windows_.empty()) answers_wake_.notify(answer_windows_.top().chunk_start() - sim_now());
}

void Fabric::queue_answers() {
    const sc_time now = sim_now();
    while (!answer_windows_.empty() && answer_windows_.top().chunk_start() <= now) {
        AnswerWindow w = answer_windows_.top();
        answer_windows_.pop();
        const std::vector<int>* back = up_route(w.src, w.dst);
        if (!back || back->empty()) continue;
        w.link_free.resize(back->size());
        const sc_time from = w.chunk_start();
        ++w.chunk;
        const sc_time done = answers_through(from, w.chunk_start(), double(w.packets) / AnswerWindow::kChunks, *back,
                                             w.link_free);
        if (w.chunk < AnswerWindow::kChunks) answer_windows_.push(std::move(w));
        else answers_done_[w.key] = done + ingress_;
    }
    wake_answers();
}

// The answers cross each link in turn: on an idle link they flow as they
// are made; behind a busy stretch (or the chunk before) they queue, then
// follow it back to back (booked, for others to see).
sc_time Fabric::answers_through(sc_time from, sc_time to, double count, const std::vector<int>& back,
                                std::vector<sc_time>& link_free) {
    const double one_ns = transfer_ns(Packet::kHeaderBytes + Packet::kCrcBytes, timing_.link_MBps);
    for (size_t i = 0; i < back.size(); ++i) {
        Link& k = links_[static_cast<size_t>(back[i])];
        const double wire_ns = one_ns * k.slowdown;
        const double per_ns = count / std::max((to - from).to_seconds() * 1e9, wire_ns);
        auto made = [&](sc_time a, sc_time b) {   // answers made in [a, b)
            return (std::clamp(b, from, to) - std::clamp(a, from, to)).to_seconds() * 1e9 * per_ns;
        };
        sc_time t = std::max(from, link_free[i]);   // those made before t have crossed, or wait
        double queued = made(from, t);
        while (t < to || queued > 0) {
            const auto next = k.busy.upper_bound(t);
            if (next != k.busy.begin() && std::prev(next)->second > t) {   // busy
                queued += made(t, std::prev(next)->second);
                t = std::prev(next)->second;
            } else if (queued >= 1) {   // idle: the queue drains
                const sc_time drain = ns_time(queued * wire_ns);
                const sc_time drained = k.reserve(t, drain, shortest_) + drain;
                queued = made(t, drained);   // made meanwhile: they wait their turn
                t = drained;
            } else {   // idle, nothing waits: they flow until the next stretch
                queued = 0;
                t = next == k.busy.end() ? to : std::min(to, next->first);
                if (t == to) break;
            }
        }
        link_free[i] = t;
        from = from + hop_;
        to = std::max(to, t) + hop_;
    }
    return to + ns_time(one_ns);
}

double Fabric::corruption_chance(const std::vector<int>& links) const {
    // The fabric-wide rate and every noisy link on the route.
    if (!links_noisy_) return crc_rate_;
    double clean = 1.0 - crc_rate_;
    for (int l : links) clean *= 1.0 - links_[static_cast<size_t>(l)].error_rate;
    return 1.0 - clean;
}

void Fabric::Link::count(const Packet& p, double extra_bytes, double link_MBps) {
    packets += p.train;
    // Busy for the bytes it carried: a train may hold the link longer
    // (paced by its source) or shorter (alongside its data train).
    busy_ns += transfer_ns(p.wire_bytes() + extra_bytes, link_MBps) * slowdown;
    bytes += p.wire_bytes() + static_cast<uint64_t>(extra_bytes);
}

void Fabric::cross_links(const Packet& p, const std::vector<int>& links, sc_time& head, sc_time& tail,
                         double extra_bytes) {
    const double wire_ns = transfer_ns(p.occupancy_bytes() + extra_bytes, timing_.link_MBps);
    for (int l : links) {
        Link& k = links_[static_cast<size_t>(l)];
        const double link_wire_ns = std::max(wire_ns * k.slowdown, p.pace_ns);
        const sc_time wire = ns_time(link_wire_ns);
        const sc_time start = k.reserve(head, wire, shortest_);
        if (waves_) trace_crossing(l, p, start, start + wire);
        k.count(p, extra_bytes, timing_.link_MBps);
        head = start + hop_;
        // Cut-through: the tail follows one wire time behind the head, and
        // no faster than it crossed a slower link before.
        tail = std::max(head + wire, tail + hop_);
    }
}

sc_time Fabric::in_order(const Packet& p, sc_time arrive) {
    // Never before what this source sent this target earlier.
    sc_time& last = flow_of(p.src, p.dst).last_arrival;
    last = std::max(arrive, last);
    return last;
}

void Fabric::deliver() {
    const sc_time now = sim_now();
    wake_at_ = never_;   // it fired
    delivering_ = true;
    while (!in_flight_.empty() && in_flight_.top().at <= now) {
        // Out of the queue and its slot first: receive() may send (and park) new packets.
        const InFlight f = in_flight_.top();
        in_flight_.pop();
        Packet p = std::move(parked_[f.slot]);
        free_parking_.push_back(f.slot);
        if (!superseded_.empty() && superseded_.erase(f.seq)) continue;   // a cut train, sent again earlier
        if (p.train > 1) arrive_cut(p);
        delivered_ += p.train;
        progress_packets_.store(delivered_, std::memory_order_relaxed);
        if (waves_) trace_delivery(p);
        if (node(p.dst).crashed && !is_response(p.cmd)) {
            // It crashed while the request was on its way: no answer comes.
            time_out(p, now + ns_time(timing_.response_timeout_ns));
            forget_answers(p);
            bulk_release(p.bulk);
            continue;
        }
        if (p.corrupt) {
            // The target's link layer discards it and NACKs the sender.
            send(p.response(response_to(p.cmd), static_cast<uint8_t>(rsm::regs::ErrClass::CRC)), sc_core::SC_ZERO_TIME);
            bulk_release(p.bulk);
            continue;
        }
        FabricPort* port = node(p.dst).port;
        if (!port) {
            forget_answers(p);
            bulk_release(p.bulk);
            continue;
        }
        port->receive(p);
        forget_answers(p);   // answered by now, or never
        // An answer that left before its sender crashed (a connect's lookup,
        // say) may set up state the node-lost event has already swept:
        // repeat the event after it.
        if (node(p.src).crashed && alive(p.dst)) port->node_lost(p.src);
    }
    delivering_ = false;
    progress_ns_.store(static_cast<double>(now.value()) / 1000.0, std::memory_order_relaxed);   // at 1 ps
    if (!in_flight_.empty()) wake_at(in_flight_.top().at);
}

namespace {
uint64_t ps(sc_time t) { return Waves::to_ps(t); }

// A packet's fields, as signals (declared in this order) and as values.
constexpr size_t kPacketFields = 9;
std::array<uint64_t, kPacketFields> packet_values(const Packet& p) {
    return {p.id, static_cast<uint64_t>(p.cmd), p.src, p.dst, p.txn, p.segid, p.offset, p.len, p.err};
}
constexpr uint32_t kAllPacketFields = (1u << kPacketFields) - 1;
constexpr uint32_t kIdleFields = 1u << 0 | 1u << 1;   // id and cmd

// The signals of one packet view under `scope`, as node `node`'s, and the
// lane that writes them (`idle`: the fields a packet's end clears).
Waves::Lane declare_packet_lane(Waves& w, const std::string& scope, unsigned node, uint32_t idle) {
    const ValueNames* err = &map_enum_names("ERR_CLASS");
    const std::array<Waves::Signal, kPacketFields> sigs = {
        w.declare(scope, "id", 32, node, Block::Fabric),
        w.declare(scope, "cmd", 4, node, Block::Fabric, &packet_command_names()),
        w.declare(scope, "src", 16, node, Block::Fabric),
        w.declare(scope, "dst", 16, node, Block::Fabric),
        w.declare(scope, "txn", 32, node, Block::Fabric),
        w.declare(scope, "segid", 32, node, Block::Fabric),
        w.declare(scope, "offset", 64, node, Block::Fabric),
        w.declare(scope, "len", 32, node, Block::Fabric),
        w.declare(scope, "err", 4, node, Block::Fabric, err)};
    return w.new_lane(sigs.data(), sigs.size(), idle);
}
}  // namespace

void Fabric::trace(Waves& w) {
    waves_ = &w;
    const std::string p = name();
    count_sigs_.delivered = w.declare(p, "delivered", 32, 0, Block::Fabric);
    count_sigs_.links_down = w.declare(p + ".fault", "links_down", 16, 0, Block::Fabric);
    count_sigs_.links_slow = w.declare(p + ".fault", "links_slow", 16, 0, Block::Fabric);
    count_sigs_.links_noisy = w.declare(p + ".fault", "links_noisy", 16, 0, Block::Fabric);
    count_sigs_.nodes_crashed = w.declare(p + ".fault", "nodes_crashed", 16, 0, Block::Fabric);
    count_sigs_.crc_errors = w.declare(p + ".fault", "crc_errors", 64, 0, Block::Fabric);
    const auto neighbours = topology().neighbour_links();   // builds the links
    link_sigs_.assign(links_.size(), LinkSignals{});
    for (const auto& [a, b] : neighbours) {
        // A link belongs to the node it leaves (to the node it enters, from the switch).
        const unsigned owner = a != Topology::kSwitch ? a : b;
        const std::string scope = p + ".link_" + link_end_name(a) + "_" + link_end_name(b);
        LinkSignals& s = link_sigs_[static_cast<size_t>(topology().link_between(a, b))];
        s.lane = declare_packet_lane(w, scope, owner, kIdleFields);
        s.down = w.declare(scope, "down", 1, owner, Block::Fabric);
        s.speed_pct = w.declare(scope, "speed_pct", 8, owner, Block::Fabric, nullptr, 100);
        s.noisy = w.declare(scope, "noisy", 1, owner, Block::Fabric);
    }
    for_each_port([&](uint16_t id, FabricPort&) {
        const std::string scope = "node" + std::to_string(id) + ".fabric";
        if (rx_lanes_.size() <= id) rx_lanes_.resize(id + 1u, Waves::kNoLane);
        rx_lanes_[id] = declare_packet_lane(w, scope + ".rx", id, 0);
        crashed_sigs_[id] = w.declare(scope, "crashed", 1, id, Block::Fabric);
    });
}

// The packet is on the link's wire from `start` to `end`; the link is idle
// after it unless the next packet starts there too.
void Fabric::trace_crossing(int link, const Packet& p, sc_time start, sc_time end) {
    waves_->lane_packet_at(link_sigs_[static_cast<size_t>(link)].lane, ps(start), ps(end), packet_values(p).data());
}

void Fabric::trace_link_faults(uint16_t from, uint16_t to) {
    if (!waves_) return;
    waves_->set(count_sigs_.links_down, links_down_);
    waves_->set(count_sigs_.links_slow, links_slow_);
    waves_->set(count_sigs_.links_noisy, links_noisy_);
    const int l = topology().link_between(from, to);
    const Link& k = links_[static_cast<size_t>(l)];
    const LinkSignals& s = link_sigs_[static_cast<size_t>(l)];
    waves_->set(s.down, k.down);
    waves_->set(s.speed_pct, static_cast<uint64_t>(100.0 / k.slowdown + 0.5));
    waves_->set(s.noisy, k.error_rate > 0);
}

void Fabric::trace_delivery(const Packet& p) {
    const uint64_t now = Waves::now_ps();
    waves_->set(count_sigs_.delivered, delivered_, now);
    if (p.dst < rx_lanes_.size()) waves_->lane_set_at(rx_lanes_[p.dst], now, kAllPacketFields, packet_values(p).data());
}

}  // namespace rsmsim::model
