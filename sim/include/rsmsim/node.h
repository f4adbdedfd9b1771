// Node: one simulated machine = host memory + adapter + NodeBus, the
// simulator's implementation of the driver's Bus seam (CPU accesses become
// TLM transactions on the adapter's MMIO socket; simulated time advances by
// each access's annotated delay).
#pragma once

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "rsm/bus.h"
#include "rsmsim/call_stats.h"
#include "rsmsim/model/adapter.h"
#include "rsmsim/model/fabric.h"
#include "rsmsim/model/host_memory.h"
#include "rsmsim/model/payload_pool.h"
#include "rsmsim/model/waves.h"

namespace rsmsim {

class NodeBus : public sc_core::sc_module, public rsm::hw::Bus {
public:
    tlm_utils::simple_initiator_socket<NodeBus> cpu;

    SC_HAS_PROCESS(NodeBus);
    NodeBus(sc_core::sc_module_name name, model::Adapter& adapter, model::HostMemory& memory,
            const model::Fabric& fabric);

    bool read32(uint64_t offset, uint32_t& value) override;
    bool write32(uint64_t offset, uint32_t value) override;
    bool read64(uint64_t offset, uint64_t& value) override;
    bool write64(uint64_t offset, uint64_t value) override;
    bool write_block(uint64_t offset, const void* src, size_t len) override;
    bool read_block(uint64_t offset, void* dst, size_t len) override;
    bool wait_irq(uint64_t timeout_ns) override;
    void sleep_ns(uint64_t ns) override;
    void look_again_ns(uint64_t ns) override;
    uint64_t now_ns() override;
    PinResult dma_map(void* va, size_t len, rsm::hw::DmaAccess access, uint64_t& bus_addr) override;
    void dma_unmap(uint64_t bus_addr, size_t len) override;
    void lock() override;
    void unlock() override;
    void set_interrupt_handler(InterruptHandler handler, void* context) override;
    // An in-process program's rsmapi calls (per SystemC process: a node may run several).
    void api_enter(rsm::hw::ApiCall call) override;
    void api_leave(rsm::hw::ApiCall call, int rc) override;
    // A node process's: the call it is in now and the last one's return
    // code, as its channel says at each request.
    void process_api_state(rsm::hw::ApiCall current, int last_rc);

    // Calls are counted and timed into `stats`, and shown in the waveform
    // (node NODE.api, NODE.api_rc).
    void count_calls(CallStats* stats) { stats_ = stats; }
    void trace(model::Waves& w);

    // Loosely-timed runs (Cluster: every node Fidelity::Fast): the thread
    // holding the driver lock runs ahead of simulated time through its
    // register accesses while nothing else is due, and waits only before
    // something else would happen (first until the delivery due, if that is
    // what it is), before it waits for anything, and before another program
    // of the node takes the lock. The same accesses at the same simulated
    // times, with one wait instead of one per access; only the order of
    // activity due at the very same time may differ (SystemC runs it in the
    // order it was scheduled).
    void decouple(bool on) { decoupled_ = on; }
    // Lets simulated time reach the decoupled thread's own (a program about
    // to sync, sleep, spawn or end), and how far ahead it is.
    void catch_up();
    sc_core::sc_time ahead() const { return ahead_; }

    uint64_t accesses() const { return accesses_; }
    // How often an access made its program wait for simulated time: once
    // per access, fewer when decoupled.
    uint64_t access_waits() const { return access_waits_; }
    // Sleeps and interrupt waits begun (not counting look_again_ns).
    uint64_t waits() const { return waits_; }
    // How often the interrupt line rose (a process-per-node program runs its
    // handler when this moved: see rsm/remote.h).
    uint64_t irq_rises() const { return irq_rises_; }

private:
    void interrupt_thread();
    bool transact(tlm::tlm_command cmd, uint64_t offset, void* data, size_t len);
    void catch_up_if_due();
    bool due_by_own_time();   // anything due before the thread's time, or at it

    bool decoupled_ = false;
    sc_core::sc_time ahead_;   // the lock owner's time beyond simulated time
    // The time from simulated time to the kernel's next pending activity,
    // as asked in delta cycle `due_delta_` (asking costs ~130 instructions;
    // a put would ask ten times, and asks three). While the thread runs on,
    // nothing else does, so the answer holds until the thread makes
    // something happen or waits: it is dropped after an access other than a
    // register read (a remote read waits inside the adapter), when another
    // program of the node takes the lock, and at every catch-up (which
    // comes first in every other wait of a decoupled program); a wait that
    // ends in a later delta cycle drops it too. (A
    // waveform schedules nothing in a decoupled run: only the RTL's probes
    // sample at a delta cycle's end.)
    sc_core::sc_time due_in_;
    uint64_t due_delta_ = kDueUnknown;
    static constexpr uint64_t kDueUnknown = ~uint64_t{0};
    void forget_due() { due_delta_ = kDueUnknown; }

    model::Adapter& adapter_;
    model::HostMemory& memory_;
    const model::Fabric& fabric_;
    model::PayloadPool payloads_;
    uint64_t accesses_ = 0;
    uint64_t access_waits_ = 0;
    uint64_t waits_ = 0;
    uint64_t irq_rises_ = 0;
    const sc_core::sc_object* owner_ = nullptr;   // thread holding the lock
    const sc_core::sc_object* last_owner_ = nullptr;   // ... or who held it last
    unsigned depth_ = 0;
    unsigned lock_waiters_ = 0;
    sc_core::sc_event unlocked_;
    sc_core::sc_event never_;   // notified by nobody
    InterruptHandler isr_ = nullptr;
    void* isr_context_ = nullptr;
    void call_started(const void* caller, rsm::hw::ApiCall call);
    void call_ended(const void* caller, int rc);
    struct OpenCall {
        const void* caller;   // SystemC process, or the node's process
        rsm::hw::ApiCall call;
        uint64_t since_ns;
    };
    // A node's programs are few: a list, not a map (no allocation per call).
    std::vector<OpenCall> open_calls_;
    std::vector<OpenCall>::iterator open_call_of(const void* caller);   // end() if none
    CallStats* stats_ = nullptr;
    model::Waves* waves_ = nullptr;
    int api_sig_ = -1, rc_sig_ = -1;
    rsm::hw::ApiCall remote_call_ = rsm::hw::ApiCall::None;   // a node process's, as last seen
};

class Node {
public:
    Node(const std::string& name, uint16_t node_id, model::Fabric& fabric,
         const model::TimingProfile& timing, model::Fidelity fidelity);

    uint16_t id() const { return id_; }
    model::HostMemory memory;
    model::Adapter adapter;
    NodeBus bus;

private:
    uint16_t id_;
};

}  // namespace rsmsim
