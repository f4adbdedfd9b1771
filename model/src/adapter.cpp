#include "rsmsim/model/adapter.h"

#include "rsmsim/model/sim_time.h"
#include "rsmsim/model/wave_names.h"
#include "rsmsim/model/waves.h"

#include <algorithm>
#include <cstring>

#include "adapter_regs.h"
#include "rsmsim/model/waves.h"

namespace rsmsim::model {

namespace regs = rsm::regs;
using sc_core::sc_time;

namespace {
constexpr uint8_t kOk = static_cast<uint8_t>(regs::ErrClass::OK);
constexpr uint8_t kHostBus = static_cast<uint8_t>(regs::ErrClass::HOST_BUS);
}  // namespace

Adapter::Adapter(sc_core::sc_module_name name, uint16_t node_id, Fabric& fabric,
                 const TimingProfile& timing, Fidelity fidelity)
    : sc_module(name), mmio("mmio"), dma("dma"), node_id_(node_id), fabric_(fabric),
      timing_(timing), core_(make_adapter_core(fidelity, node_id, true)), trains_(fidelity == Fidelity::Fast),
      reg_read_time_(ns_time(timing.mmio_read_ns)),
      reg_write_time_{ns_time(timing.mmio_write_ns + timing.clk_ns), ns_time(timing.mmio_write_ns + timing.clk_ns * 2)} {
    mmio.bind(*this);
    fabric_.attach(*this);
}

void Adapter::end_of_elaboration() {
    // Every node is attached by now: the link layer knows who is out there.
    core_->set_peers(fabric_.peer_mask());
}

void Adapter::mark_mmio(uint8_t kind, uint64_t addr, uint32_t data, const sc_time& end_delay) {
    if (!waves_) return;
    const uint64_t now = Waves::now_ps();
    const uint64_t end = Waves::to_ps(sim_now() + end_delay);
    waves_->set(sig_.kind, kind);
    waves_->set(sig_.addr, addr);
    waves_->set(sig_.data, data);
    if (kind == RegRead || kind == RegWrite) waves_->set(sig_.reg, addr);
    // An access that overlaps the one shown (another thread's) outlasts its idle mark.
    if (mmio_end_ps_ > now && end > mmio_end_ps_) waves_->set_at(sig_.kind, mmio_end_ps_, kind);
    waves_->set_at(sig_.kind, end, Idle);
    mmio_end_ps_ = std::max(mmio_end_ps_, end);
}

void Adapter::b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    const uint64_t addr = t.get_address();
    tlm::tlm_response_status st;
    if (addr < regs::kRegSpace)
        st = register_access(t, delay);
    else if (addr >= regs::kWindowBase &&
             addr - regs::kWindowBase < (uint64_t{regs::kAttEntries} << regs::kWindowSlotShift))
        st = window_access(t, delay);
    else
        st = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (st != tlm::TLM_OK_RESPONSE) {
        delay += ns_time(timing_.mmio_write_ns);
        mark_mmio(BusError, addr, 0, delay);
    }
    t.set_response_status(st);
}

tlm::tlm_response_status Adapter::register_access(tlm::tlm_generic_payload& t, sc_time& delay) {
    const uint64_t addr = t.get_address();
    const unsigned len = t.get_data_length();
    // Registers take aligned 32-bit accesses, or 64-bit ones on a register
    // pair (low word first); anything else is refused before reaching the RTL.
    if (t.get_byte_enable_ptr() || t.get_streaming_width() != len || (len != 4 && len != 8) ||
        addr % len != 0)
        return tlm::TLM_BURST_ERROR_RESPONSE;
    const auto off = static_cast<uint32_t>(addr);
    uint8_t* data = t.get_data_ptr();
    if (t.is_read()) {
        uint32_t w[2] = {0, 0};
        if (!core_->reg_read(off, w[0]) || (len == 8 && !core_->reg_read(off + 4, w[1])))
            return tlm::TLM_ADDRESS_ERROR_RESPONSE;
        if (len == 4) std::memcpy(data, w, 4);   // fixed-size copies
        else std::memcpy(data, w, 8);
        delay += reg_read_time_;
        mark_mmio(RegRead, addr, w[0], delay);
        return tlm::TLM_OK_RESPONSE;
    }
    if (!t.is_write()) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    uint32_t w[2] = {0, 0};
    std::memcpy(w, data, len);
    if (len == 8) {
        // Check both halves first so a refused pair changes nothing.
        uint32_t dummy = 0;
        if (!core_->reg_read(off + 4, dummy)) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    for (unsigned i = 0; i < len / 4; ++i)
        if (!core_->reg_write(off + 4 * i, w[i])) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    delay += reg_write_time_[len / 8];
    mark_mmio(RegWrite, addr, w[0], delay);
    run_core(delay);
    return tlm::TLM_OK_RESPONSE;
}

void Adapter::run_core(const sc_time& delay) {
    // Clock the core until it waits for the outside world; a DMA packet that
    // fails locally is answered at once, which gives the core more to do.
    // Then carry out what it asked for: lookups, bells, the interrupt line.
    do {
        core_->run();
    } while (send_dma_packets(delay));
    uint16_t node = 0;
    uint32_t segid = 0;
    if (core_->take_conn_request(node, segid)) {
        send_request(Packet::request(Cmd::Lookup, node, segid), delay);
    }
    core_->take_bells(bells_);
    for (const BellRequest& b : bells_) {
        Packet p = Packet::request(Cmd::Bell, b.node, b.segid);
        p.no_accumulate = b.no_accumulate;
        p.to_importer = b.to_importer;
        p.revoke = b.revoke;
        send_request(std::move(p), delay);
    }
    const bool level = core_->irq();
    if (level && !irq_level_) irq_raised_.notify(delay);
    irq_level_ = level;
    if (waves_) waves_->set(sig_.irq, level);
}

void Adapter::send_request(Packet p, const sc_time& delay) {
    if (p.train > 1) core_->issued(p.dst, p.train);
    else core_->event(RtlEvent::Issue, p.dst);
    launch(std::move(p), delay);
}

void Adapter::launch(Packet p, const sc_time& delay) {
    p.src = node_id_;
    p.txn = next_txn_++;
    fabric_.send(std::move(p), delay + ns_time(timing_.adapter_ns));
}

uint8_t Adapter::train_host_dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len, uint32_t one,
                                sc_time& delay) {
    // The train's packets would each have waited for their own access, while
    // the others were on their way: only one packet's share is left to wait.
    sc_time whole = sc_core::SC_ZERO_TIME;
    const uint8_t err = host_dma(cmd, addr, data, len, whole);
    const sc_time overlapped = ns_time(transfer_ns(double(len - one), timing_.host_MBps));
    delay += whole > overlapped ? whole - overlapped : sc_core::SC_ZERO_TIME;   // a refused access took none
    return err;
}

bool Adapter::send_dma_train(const DmaPacket& d, const sc_time& issued, const sc_time& now) {
    Packet p = Packet::request(d.write ? Cmd::Write : Cmd::Read, d.node, d.segid, d.remote, d.len);
    p.dma_entry = d.entry;
    p.local = d.local;
    p.train = d.packets;
    sc_time depart = issued;
    if (d.write) {
        // Read from host memory as one access; the host bus paces the train.
        p.bulk = fabric_.bulk_new(d.len);
        const uint32_t first = std::min(d.len, Packet::kMaxPayload - d.remote % Packet::kMaxPayload);
        sc_time first_read = sc_core::SC_ZERO_TIME;
        const uint8_t err =
            train_host_dma(tlm::TLM_READ_COMMAND, d.local, fabric_.bulk(p.bulk).data(), d.len, first, first_read);
        const sc_time start = std::max(now + issued, dma_host_free_);
        p.pace_ns = transfer_ns(double(d.len), timing_.host_MBps);
        dma_host_free_ = start + ns_time(p.pace_ns);
        depart = start - now + first_read;
        if (err != kOk) {   // the local buffer is not readable: nothing leaves
            fabric_.bulk_release(p.bulk);
            core_->dma_train_response(p.dst, d.entry, err, p.train, p.train);
            return true;
        }
    }
    launch(std::move(p), depart);
    return false;
}

bool Adapter::send_dma_packets(const sc_time& delay) {
    bool answered_locally = false;
    // The core issued these packets in consecutive cycles; a put packet also
    // waits for its data from host memory, whose read channel is shared.
    const sc_time now = sim_now();
    if (dma_host_free_ < now) dma_host_free_ = now;
    core_->take_dma_packets(packets_);
    for (const DmaPacket& d : packets_) {
        const sc_time issued = delay + ns_time(timing_.clk_ns * double(d.cycle - std::min(d.cycle, dma_cycle_base_)));
        if (d.packets > 1) {
            answered_locally = send_dma_train(d, issued, now) || answered_locally;
            continue;
        }
        Packet p = Packet::request(d.write ? Cmd::Write : Cmd::Read, d.node, d.segid, d.remote, d.len);
        p.dma_entry = d.entry;
        p.local = d.local;
        sc_time depart = issued;
        if (d.write) {
            p.data.resize(d.len);
            sc_time read_time = sc_core::SC_ZERO_TIME;
            const uint8_t err = host_dma(tlm::TLM_READ_COMMAND, d.local, p.data.data(), d.len, read_time);
            const sc_time start = std::max(now + issued, dma_host_free_);
            dma_host_free_ = start + ns_time(transfer_ns(double(d.len), timing_.host_MBps));
            depart = start - now + read_time;
            if (err != kOk) {
                // The local buffer is not readable: the packet never leaves;
                // the entry fails as if the request had been refused.
                p.src = node_id_;
                core_->dma_response(p.dst, d.entry, err);
                answered_locally = true;
                continue;
            }
        }
        launch(std::move(p), depart);   // the core counted it as it issued it
    }
    dma_cycle_base_ = core_->cycles();
    return answered_locally;
}

namespace {
// Calls fn(segment offset, bytes before, bytes) for each SCI packet of an
// access: at most 64 bytes, never crossing a 64-byte boundary.
template <typename Fn>
void for_each_packet(uint32_t offset, uint32_t len, Fn&& fn) {
    uint32_t done = 0;
    while (done < len) {
        const uint64_t at = uint64_t{offset} + done;
        const uint32_t room = Packet::kMaxPayload - static_cast<uint32_t>(at % Packet::kMaxPayload);
        const uint32_t n = std::min(room, len - done);
        fn(at, done, n);
        done += n;
    }
}
}  // namespace

tlm::tlm_response_status Adapter::window_access(tlm::tlm_generic_payload& t, sc_time& delay) {
    const uint64_t rel = t.get_address() - regs::kWindowBase;
    const unsigned slot = static_cast<unsigned>(rel >> regs::kWindowSlotShift);
    const auto offset = static_cast<uint32_t>(rel & ((uint64_t{1} << regs::kWindowSlotShift) - 1));
    const uint32_t len = t.get_data_length();
    if (t.get_byte_enable_ptr() || t.get_streaming_width() != len || len == 0 ||
        !(t.is_read() || t.is_write()))
        return tlm::TLM_BURST_ERROR_RESPONSE;
    const Translation x = core_->translate(slot, offset, len, t.is_write());
    if (x.err != kOk) {
        // Refused before anything leaves the adapter: counted and flagged.
        core_->event(RtlEvent::XlateError, x.node, x.err);   // counted against the entry's node
        run_core(delay);
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    return t.is_write() ? window_write(t, x, offset, delay) : window_read(t, x, offset, delay);
}

tlm::tlm_response_status Adapter::window_write(tlm::tlm_generic_payload& t, const Translation& x, uint32_t offset,
                                               sc_time& delay) {
    // Posted: the CPU is done once the burst is in the adapter; packets
    // leave as the data streams in.
    const uint8_t* data = t.get_data_ptr();
    const uint32_t len = t.get_data_length();
    const sc_time start = delay;
    if (trains_ && Packet::packets_of(offset, len) > 1) {
        // One train, its head leaving once its first packet streamed in.
        const uint32_t first = std::min(len, Packet::kMaxPayload - offset % Packet::kMaxPayload);
        send_window_train(Cmd::Write, x, offset, data, len,
                          start + ns_time(timing_.mmio_write_ns + transfer_ns(double(first), timing_.pio_MBps)));
    } else {
        for_each_packet(offset, len, [&](uint64_t at, uint32_t done, uint32_t n) {
            Packet p = Packet::request(Cmd::Write, x.node, x.segid, at, n);
            p.data.assign(data + done, data + done + n);
            // The posted write reaches the adapter after the host-bus latency.
            const sc_time streamed =
                start + ns_time(timing_.mmio_write_ns + transfer_ns(double(done + n), timing_.pio_MBps));
            send_request(std::move(p), streamed);
        });
    }
    delay += ns_time(timing_.mmio_write_ns + transfer_ns(double(len), timing_.pio_MBps));
    mark_mmio(WinWrite, t.get_address(), len, delay);
    run_core(delay);
    return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status Adapter::window_read(tlm::tlm_generic_payload& t, const Translation& x, uint32_t offset,
                                              sc_time& delay) {
    // A round trip: issue every packet, then wait for all responses.
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    PendingRead pr{t.get_data_ptr(), 0, kOk, {}};
    mark_mmio(WinRead, t.get_address(), t.get_data_length(), ns_time(timing_.mmio_read_ns));
    const uint32_t len = t.get_data_length();
    if (trains_ && Packet::packets_of(offset, len) > 1) {
        reads_[next_txn_] = {&pr, 0};
        ++pr.remaining;
        send_window_train(Cmd::Read, x, offset, nullptr, len, sc_core::SC_ZERO_TIME);
    } else {
        for_each_packet(offset, len, [&](uint64_t at, uint32_t done, uint32_t n) {
            Packet p = Packet::request(Cmd::Read, x.node, x.segid, at, n);
            reads_[next_txn_] = {&pr, done};
            ++pr.remaining;
            send_request(std::move(p), sc_core::SC_ZERO_TIME);
        });
    }
    while (pr.remaining > 0) wait(pr.done);
    run_core(delay);
    delay += ns_time(timing_.mmio_read_ns);   // completion travels back over the host bus
    return pr.err == kOk ? tlm::TLM_OK_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE;
}

// The fast fidelity's window burst: one train of its packets (a write's
// bytes in the fabric's store, paced by the host bus they stream in over).
void Adapter::send_window_train(Cmd cmd, const Translation& x, uint32_t offset, const uint8_t* data, uint32_t len,
                                const sc_time& depart) {
    Packet p = Packet::request(cmd, x.node, x.segid, offset, len);
    p.train = Packet::packets_of(offset, len);
    if (data) {
        p.bulk = fabric_.bulk_new(len, data);
        p.pace_ns = transfer_ns(double(len), timing_.pio_MBps);
    }
    send_request(std::move(p), depart);
}

uint8_t Adapter::host_dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len,
                          sc_time& delay) {
    PayloadPool::Lease lease(payloads_, cmd, addr, data, len);
    tlm::tlm_generic_payload& t = *lease;
    dma->b_transport(t, delay);
    return t.is_response_ok() ? kOk : kHostBus;
}

void Adapter::receive(const Packet& p) {
    // Ingress latency is already in the arrival time.
    switch (p.cmd) {
    case Cmd::Write:
    case Cmd::Read:
        serve_access(p);
        return;   // host memory only: nothing for the core to do
    case Cmd::Lookup:
        answer_lookup(p);
        break;
    case Cmd::Bell:
        fabric_.send(p.response(Cmd::BellAck, p.to_importer ? bell_from_exporter(p) : bell_from_importer(p)),
                     sc_core::SC_ZERO_TIME);
        break;
    case Cmd::Ack:
    case Cmd::ReadResp:
    case Cmd::LookupResp:
    case Cmd::BellAck:
        on_response(p);
        break;
    }
    run_core(sc_core::SC_ZERO_TIME);
}

void Adapter::serve_access(const Packet& p) {
    if (p.train > 1) {
        serve_train(p);
        return;
    }
    // Host memory changes at the start of the DMA access; the access's
    // duration delays the response.
    sc_time delay = sc_core::SC_ZERO_TIME;
    const bool write = p.cmd == Cmd::Write;
    const ExportCheck c = core_->check_export(p.segid, p.src, static_cast<uint32_t>(p.offset), p.len, write, false);
    Packet r = p.response(response_to(p.cmd), c.err);
    if (c.err == kOk && write) {
        // A TLM write only reads its data pointer: the payload is lent, not copied.
        r.err = host_dma(tlm::TLM_WRITE_COMMAND, c.addr, const_cast<uint8_t*>(p.data.data()), p.len, delay);
    } else if (c.err == kOk) {
        r.data.resize(p.len);
        r.err = host_dma(tlm::TLM_READ_COMMAND, c.addr, r.data.data(), p.len, delay);
        if (r.err != kOk) r.data.clear();
    }
    fabric_.send(std::move(r), delay);
}

// A train's packets are checked as one access. Past the segment's end, the
// packets wholly inside it are served as they would be one by one, and the
// answer says how many failed.
void Adapter::serve_train(const Packet& p) {
    const bool write = p.cmd == Cmd::Write;
    const auto offset = static_cast<uint32_t>(p.offset);
    const ExportCheck c = core_->check_export(p.segid, p.src, offset, p.len, write, false);
    Packet r = p.response(response_to(p.cmd), c.err);
    uint32_t ok_len = c.err == kOk ? p.len : 0;
    if (c.err == static_cast<uint8_t>(regs::ErrClass::BOUNDS)) {
        const uint64_t whole = c.size / Packet::kMaxPayload * Packet::kMaxPayload;   // packets ending inside
        ok_len = whole > offset ? static_cast<uint32_t>(whole - offset) : 0;
        r.failed = p.train - Packet::packets_of(offset, ok_len);
    }
    if (p.failed > 0 && (c.err == kOk || p.failed > r.failed)) {
        // Its tail never came (a link on the way went down): that fails first.
        ok_len = std::min(ok_len, static_cast<uint32_t>(Packet::prefix_bytes(offset, p.len, p.train - p.failed)));
        r.err = p.err;
        r.failed = p.failed;
    }
    sc_time delay = sc_core::SC_ZERO_TIME;
    if (ok_len > 0) {
        uint8_t err = kOk;
        if (write) {
            const uint32_t last = (offset + ok_len) % Packet::kMaxPayload ? (offset + ok_len) % Packet::kMaxPayload
                                                                           : std::min(ok_len, Packet::kMaxPayload);
            std::vector<uint8_t>& data = fabric_.bulk(p.bulk);
            err = data.size() >= ok_len
                      ? train_host_dma(tlm::TLM_WRITE_COMMAND, c.addr, data.data(), ok_len, last, delay)
                      : kHostBus;
        } else {
            r.bulk = fabric_.bulk_new(ok_len);
            const uint32_t first = std::min(ok_len, Packet::kMaxPayload - offset % Packet::kMaxPayload);
            err = train_host_dma(tlm::TLM_READ_COMMAND, c.addr, fabric_.bulk(r.bulk).data(), ok_len, first, delay);
            r.pace_ns = transfer_ns(double(ok_len), timing_.host_MBps);
        }
        if (err != kOk) {
            r.err = err;
            r.failed = p.train;
            fabric_.bulk_release(r.bulk);
            r.bulk = 0;
        }
    }
    fabric_.bulk_release(p.bulk);   // consumed
    fabric_.send(std::move(r), delay);
}

void Adapter::answer_lookup(const Packet& p) {
    const ExportMatch m = core_->probe_export(p.segid, p.src);
    Packet r = p.response(Cmd::LookupResp, m.check.err);
    if (m.check.err == kOk) {
        r.size = m.check.size;
        r.perm = m.check.perm;
        core_->importer_added(m.index, p.src, m.check.perm);   // its rights from now on
    }
    fabric_.send(std::move(r), sc_core::SC_ZERO_TIME);
}

uint8_t Adapter::bell_from_exporter(const Packet& p) {
    // Every local import entry of that segment counts it.
    const uint64_t slots = core_->import_matches(p.src, p.segid);
    if (p.revoke) {
        // Nothing to revoke is no error: the importer may have left, or be
        // connecting (the lookup unit remembers the REVOKE).
        core_->revoke(slots, p.src, p.segid, false);
        return kOk;
    }
    for (unsigned s = 0; s < rsm::regs::kAttEntries; ++s)
        if ((slots >> s) & 1) core_->import_bell_received(static_cast<uint8_t>(s), p.no_accumulate);
    return slots == 0 ? static_cast<uint8_t>(regs::ErrClass::NO_ENTRY) : kOk;
}

uint8_t Adapter::bell_from_importer(const Packet& p) {
    const ExportMatch m = core_->bell_export(p.segid, p.src);
    if (m.check.err == kOk) core_->bell_received(m.index, p.no_accumulate);
    return m.check.err;
}

void Adapter::route_changed() {
    core_->route_changed();
    run_core(sc_core::SC_ZERO_TIME);
}

void Adapter::node_lost(uint16_t node) {
    // Like an unpublish of everything the node exported: revoke our imports.
    core_->revoke(core_->import_matches(node, 0, true), node, 0, true);
    run_core(sc_core::SC_ZERO_TIME);
}

// The bytes a packet carries: a train's in the fabric's store, a packet's
// inline (a TLM write only reads its data: they are lent, not copied).
std::pair<uint8_t*, uint32_t> Adapter::carried(const Packet& p) {
    if (p.bulk) {
        std::vector<uint8_t>& b = fabric_.bulk(p.bulk);
        return {b.data(), static_cast<uint32_t>(b.size())};
    }
    return {const_cast<uint8_t*>(p.data.data()), static_cast<uint32_t>(p.data.size())};
}

// A DMA request's answer. A get's data goes to host memory before the entry
// counts it: all of it, or (a train that failed part way) the packets that
// landed; an answer that says OK without all its bytes is a host-bus error.
void Adapter::dma_answered(const Packet& p) {
    uint8_t err = p.err;
    uint32_t failed = p.train > 1 ? p.failed : 1;
    if (p.cmd == Cmd::ReadResp) {
        const auto [bytes, n] = carried(p);
        sc_time ignored = sc_core::SC_ZERO_TIME;
        if ((err == kOk && n != p.len) ||
            (n > 0 && host_dma(tlm::TLM_WRITE_COMMAND, p.local, bytes, n, ignored) != kOk)) {
            err = kHostBus;
            failed = p.train;
        }
        fabric_.bulk_release(p.bulk);
    }
    core_->dma_train_response(p.src, static_cast<uint8_t>(p.dma_entry), err, p.train, failed);
}

void Adapter::on_response(const Packet& p) {
    if (p.dma_entry >= 0) {
        dma_answered(p);
        return;
    }
    if (p.cmd == Cmd::BellAck && p.to_importer) {
        // An export-side post or REVOKE is sent to every importer and answers
        // nobody's call: a refusal is no transfer error. NO_ENTRY says the
        // node imports the segment no longer (it disconnected): forget it.
        if (p.err == static_cast<uint8_t>(regs::ErrClass::NO_ENTRY)) {
            const ExportMatch m = core_->bell_export(p.segid, p.src);
            if (m.check.err == kOk) core_->importer_added(m.index, p.src, 0);
        }
        core_->event(RtlEvent::Ack, p.src, kOk);
        return;
    }
    // A lookup's answer is a result (CONN_STATUS), not a transfer error.
    const bool failed = p.err != kOk && p.cmd != Cmd::LookupResp;
    if (p.train > 1) core_->answered(p.src, p.err, p.train, failed ? p.failed : 0);
    else core_->event(failed ? RtlEvent::RemoteError : RtlEvent::Ack, p.src, p.err);
    if (p.cmd == Cmd::BellAck) core_->post_answered(p.err);   // an import-side post's own answer
    if (p.cmd == Cmd::ReadResp) {
        auto it = reads_.find(p.txn);
        if (it != reads_.end()) {
            auto [pr, at] = it->second;
            const auto [bytes, n] = carried(p);
            if (p.err == kOk && n == p.len)
                std::memcpy(pr->dst + at, bytes, n);
            else if (pr->err == kOk)
                pr->err = p.err != kOk ? p.err : kHostBus;
            reads_.erase(it);
            if (--pr->remaining == 0) pr->done.notify();
        }
        fabric_.bulk_release(p.bulk);
    } else if (p.cmd == Cmd::LookupResp) {
        core_->conn_response(p.err, p.size, p.perm);
    }
}

void Adapter::trace(Waves& w) {
    waves_ = &w;
    const std::string p = "node" + std::to_string(node_id_) + ".adapter";
    sig_.kind = w.declare(p + ".mmio", "kind", 4, node_id_, Block::Mmio, &mmio_kind_names());
    sig_.addr = w.declare(p + ".mmio", "addr", 64, node_id_, Block::Mmio);
    sig_.reg = w.declare(p + ".mmio", "reg", 12, node_id_, Block::Mmio, &register_names());
    sig_.data = w.declare(p + ".mmio", "data", 32, node_id_, Block::Mmio);
    sig_.irq = w.declare(p, "irq", 1, node_id_, Block::Mmio);
    core_->trace(w, p + ".rtl", node_id_);
}

}  // namespace rsmsim::model
