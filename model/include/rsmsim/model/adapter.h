// Adapter: one node's interconnect adapter. MMIO comes in on a TLM target
// socket (registers at BAR offset 0, the remote-access window above), DMA
// goes out to host memory on an initiator socket, packets go to the Fabric,
// and the interrupt line is a level plus an event. The control decisions
// (register file, translation, export checks, counters) are made by the
// control core -- the verilated RTL or its C++ twin, per the fidelity
// (adapter_core.h); this class is the packet datapath around it.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "rsmsim/model/adapter_core.h"
#include "rsmsim/model/blocking_target.h"
#include "rsmsim/model/fabric.h"
#include "rsmsim/model/payload_pool.h"
#include "rsmsim/model/timing.h"

namespace rsmsim::model {

class Waves;

// The CPU's accesses: blocking transport (no direct memory pointer:
// registers have side effects and the window is remote memory).
class Adapter : public sc_core::sc_module, public FabricPort, private BlockingTarget {
public:
    tlm::tlm_target_socket<> mmio;
    tlm_utils::simple_initiator_socket<Adapter> dma;

    SC_HAS_PROCESS(Adapter);
    Adapter(sc_core::sc_module_name name, uint16_t node_id, Fabric& fabric,
            const TimingProfile& timing, Fidelity fidelity = Fidelity::Rtl);

    uint16_t fabric_node_id() const override { return node_id_; }
    void receive(const Packet& p) override;
    void route_changed() override;
    void node_lost(uint16_t node) override;

    bool irq_level() const { return irq_level_; }
    const sc_core::sc_event& irq_raised() const { return irq_raised_; }

    AdapterCore& core() { return *core_; }
    // Declares this adapter's signals (scope = its name): CPU accesses, the
    // interrupt line, the verilated core.
    void trace(Waves& w);

    // MMIO access kinds shown in the waveform.
    enum MmioKind : uint8_t { Idle = 0, RegRead = 1, RegWrite = 2, WinRead = 3, WinWrite = 4, BusError = 15 };

private:
    void end_of_elaboration() override;
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) override;
    tlm::tlm_response_status register_access(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
    tlm::tlm_response_status window_access(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
    // A translated window access: posted writes stream out as packets; a
    // read waits for every packet's answer.
    tlm::tlm_response_status window_write(tlm::tlm_generic_payload& t, const Translation& x, uint32_t offset,
                                          sc_core::sc_time& delay);
    tlm::tlm_response_status window_read(tlm::tlm_generic_payload& t, const Translation& x, uint32_t offset,
                                         sc_core::sc_time& delay);
    // Runs the core until it waits, then sends what it asked for and
    // updates the interrupt line (after anything that changed its inputs).
    void run_core(const sc_core::sc_time& delay);
    // receive()'s cases: a remote read or write of an exported segment, a
    // segment lookup, and a signal BELL from an exporter or an importer
    // (these return the ERR_CLASS of the answer).
    void serve_access(const Packet& p);
    void serve_train(const Packet& p);
    void answer_lookup(const Packet& p);
    uint8_t bell_from_exporter(const Packet& p);
    uint8_t bell_from_importer(const Packet& p);
    // A request the core is told of as it leaves (the barrier counters count
    // it), and one the core issued itself (a DMA packet: counted already).
    void send_request(Packet p, const sc_core::sc_time& delay);
    void launch(Packet p, const sc_core::sc_time& delay);
    // Sends the packets the DMA engine issued; true if some were answered locally.
    bool send_dma_packets(const sc_core::sc_time& delay);
    void send_window_train(Cmd cmd, const Translation& x, uint32_t offset, const uint8_t* data, uint32_t len,
                           const sc_core::sc_time& depart);
    // The fast fidelity: a whole entry as one train (true: answered locally).
    bool send_dma_train(const DmaPacket& d, const sc_core::sc_time& issued, const sc_core::sc_time& now);
    // One host-memory access for a train; adds one packet's share of its time.
    uint8_t train_host_dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len, uint32_t one,
                           sc_core::sc_time& delay);
    void on_response(const Packet& p);
    void dma_answered(const Packet& p);
    std::pair<uint8_t*, uint32_t> carried(const Packet& p);
    // One DMA access to host memory; returns ERR_CLASS and adds its time to delay.
    uint8_t host_dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len,
                     sc_core::sc_time& delay);
    // Shows a CPU access in the waveform, from now (the initiator's local
    // time) until `end_delay` after simulated time (its annotated delay).
    void mark_mmio(uint8_t kind, uint64_t addr, uint32_t data, const sc_core::sc_time& end_delay);

    uint16_t node_id_;
    Fabric& fabric_;
    const TimingProfile& timing_;
    std::unique_ptr<AdapterCore> core_;
    bool trains_;                      // the fast fidelity: window bursts travel as trains too
    // A register access's time on the host bus, made once (the hot path).
    const sc_core::sc_time reg_read_time_, reg_write_time_[2];   // [0]: 32-bit, [1]: 64-bit
    PayloadPool payloads_;             // for host-memory accesses
    std::vector<DmaPacket> packets_;   // what the core asked for, taken (buffers reused)
    std::vector<BellRequest> bells_;
    bool irq_level_ = false;
    sc_core::sc_event irq_raised_;
    uint32_t next_txn_ = 1;
    sc_core::sc_time dma_host_free_;   // when the DMA's host-read channel is free
    uint64_t dma_cycle_base_ = 0;      // core cycle matching the current time

    // Window reads waiting for their responses.
    struct PendingRead {
        uint8_t* dst;
        uint32_t remaining;    // packets not yet answered
        uint8_t err;           // first error class seen
        sc_core::sc_event done;
    };
    std::map<uint32_t, std::pair<PendingRead*, uint32_t>> reads_;   // txn -> read, offset in it

    // Waveform view of the CPU's accesses and the interrupt line.
    Waves* waves_ = nullptr;
    struct {
        int kind, addr, reg, data, irq;
    } sig_{-1, -1, -1, -1, -1};
    uint64_t mmio_end_ps_ = 0;   // when the access shown last ends
};

}  // namespace rsmsim::model
