#include "rsmsim/node.h"

#include <algorithm>

#include "adapter_regs.h"
#include "rsmsim/cluster.h"
#include "rsmsim/errors.h"
#include "rsmsim/model/sim_time.h"
#include "rsmsim/model/timing.h"

namespace rsmsim {

using sc_core::sc_time;

NodeBus::NodeBus(sc_core::sc_module_name name, model::Adapter& adapter, model::HostMemory& memory,
                 const model::Fabric& fabric)
    : sc_module(name), cpu("cpu"), adapter_(adapter), memory_(memory), fabric_(fabric) {
    cpu.bind(adapter.mmio);
    SC_THREAD(interrupt_thread);
}

void NodeBus::interrupt_thread() {
    // The node's interrupt context: runs the driver's handler on each rising
    // edge of the adapter's interrupt line. Waiting costs nothing.
    for (;;) {
        wait(adapter_.irq_raised());
        ++irq_rises_;
        if (isr_) isr_(isr_context_);
    }
}

void NodeBus::set_interrupt_handler(InterruptHandler handler, void* context) {
    isr_ = handler;
    isr_context_ = context;
}

bool NodeBus::transact(tlm::tlm_command cmd, uint64_t offset, void* data, size_t len) {
    model::PayloadPool::Lease lease(payloads_, cmd, offset, data, len);
    tlm::tlm_generic_payload& t = *lease;
    if (!decoupled_ || depth_ == 0) {
        catch_up();   // a decoupled program outside the lock
        sc_time delay = sc_core::SC_ZERO_TIME;
        cpu->b_transport(t, delay);
        ++accesses_;
        // The CPU is blocked for the access: consume its time now, which
        // keeps every node's view of time exact.
        wait(delay);   // not marked for reports (Cluster::WaitingFor): this is the hot path
        ++access_waits_;
        return t.is_response_ok();
    }
    // A read of a remote segment waits for its answer inside the adapter:
    // simulated time first catches up.
    const bool remote_read = cmd == tlm::TLM_READ_COMMAND && offset >= rsm::regs::kWindowBase;
    if (remote_read) catch_up();
    else catch_up_if_due();
    sc_time delay = ahead_;
    {
        const model::Waves::LocalTime local(ahead_);
        cpu->b_transport(t, delay);
    }
    ++accesses_;
    ahead_ = delay;
    // A register read changes nothing; anything else may have scheduled activity.
    if (cmd != tlm::TLM_READ_COMMAND || offset >= rsm::regs::kRegSpace) forget_due();
    return t.is_response_ok();
}

bool NodeBus::due_by_own_time() {
    const uint64_t delta = sc_core::sc_delta_count();
    if (due_delta_ != delta) {
        due_in_ = sc_core::sc_time_to_pending_activity();
        due_delta_ = delta;
    }
    return due_in_ <= ahead_;
}

void NodeBus::catch_up_if_due() {
    // Ahead of simulated time only while nothing else is due before the
    // thread's time (nor at its very time): nobody could see or change
    // anything meanwhile.
    if (ahead_ == sc_core::SC_ZERO_TIME || !due_by_own_time()) return;
    // Mostly what is due is a delivery, often the answer the thread polls
    // for: woken by the delivery's own event, the thread shares its time
    // step, and stays ahead if nothing more is due. Else it goes all the way:
    // stepping through each activity would wake it once for every one (with
    // 64 busy nodes, a third more host work).
    // (Not when it is due now: the event may have fired, its delivery not run yet.)
    const sc_time step = due_in_;
    const sc_core::sc_event* delivery = step > sc_core::SC_ZERO_TIME && step < ahead_
                                            ? fabric_.delivery_event_at(model::sim_now() + step)
                                            : nullptr;
    if (delivery) {
        ahead_ -= step;
        forget_due();
        wait(*delivery);
        ++access_waits_;
        if (!due_by_own_time()) return;
    }
    catch_up();
}

void NodeBus::catch_up() {
    forget_due();
    if (ahead_ == sc_core::SC_ZERO_TIME) return;
    const sc_time d = ahead_;
    ahead_ = sc_core::SC_ZERO_TIME;
    wait(d);
    ++access_waits_;
}

bool NodeBus::read32(uint64_t offset, uint32_t& value) {
    return transact(tlm::TLM_READ_COMMAND, offset, &value, 4);
}
bool NodeBus::write32(uint64_t offset, uint32_t value) {
    return transact(tlm::TLM_WRITE_COMMAND, offset, &value, 4);
}
bool NodeBus::read64(uint64_t offset, uint64_t& value) {
    return transact(tlm::TLM_READ_COMMAND, offset, &value, 8);
}
bool NodeBus::write64(uint64_t offset, uint64_t value) {
    return transact(tlm::TLM_WRITE_COMMAND, offset, &value, 8);
}
bool NodeBus::write_block(uint64_t offset, const void* src, size_t len) {
    return len != 0 && transact(tlm::TLM_WRITE_COMMAND, offset, const_cast<void*>(src), len);
}
bool NodeBus::read_block(uint64_t offset, void* dst, size_t len) {
    return len != 0 && transact(tlm::TLM_READ_COMMAND, offset, dst, len);
}

bool NodeBus::wait_irq(uint64_t timeout_ns) {
    catch_up();
    ++waits_;
    if (adapter_.irq_level()) return true;
    if (timeout_ns == rsm::hw::kNoTimeout) {
        // No timed event: a run in which everyone waits like this runs out of
        // events and ends, reporting who waits (Cluster::run).
        Cluster::WaitingFor w("an interrupt, with no time limit");
        wait(adapter_.irq_raised());
    } else {
        Cluster::WaitingFor w("an interrupt, or a timeout");
        const Cluster::TimedWait timed;
        wait(sc_time(static_cast<double>(timeout_ns), sc_core::SC_NS), adapter_.irq_raised());
    }
    return adapter_.irq_level();
}

void NodeBus::sleep_ns(uint64_t ns) {
    catch_up();
    ++waits_;
    Cluster::WaitingFor w("time to pass");
    const Cluster::TimedWait timed;
    wait(sc_time(static_cast<double>(ns), sc_core::SC_NS));
}

void NodeBus::look_again_ns(uint64_t ns) {
    catch_up();
    Cluster::WaitingFor w("descriptors to become ready (a poll() of files, pipes or sockets, which nothing "
                          "simulated signals: looked at again every few microseconds of simulated time)");
    wait(sc_time(static_cast<double>(ns), sc_core::SC_NS));
    Cluster* c = Cluster::current();
    if (c && c->looked_again()) wait(never_);   // the run stops: the report finds this thread here
}

uint64_t NodeBus::now_ns() { return model::whole_ns(model::sim_now() + ahead_); }

static_assert(static_cast<unsigned>(rsm::hw::DmaAccess::ReadWrite) ==
              static_cast<unsigned>(model::HostMemory::Access::ReadWrite));

NodeBus::PinResult NodeBus::dma_map(void* va, size_t len, rsm::hw::DmaAccess access, uint64_t& bus_addr) {
    using M = model::HostMemory;
    switch (memory_.pin(va, len, static_cast<M::Access>(access), bus_addr)) {   // same bit values
    case M::PinStatus::Ok: return PinResult::Ok;
    case M::PinStatus::Denied: return PinResult::Denied;
    case M::PinStatus::NoResources: return PinResult::NoResources;
    case M::PinStatus::Fault: break;
    }
    return PinResult::Fault;
}
void NodeBus::dma_unmap(uint64_t bus_addr, size_t len) { memory_.unpin(bus_addr, len); }

void NodeBus::lock() {
    const sc_core::sc_object* me = Cluster::current_process();
    while (owner_ && owner_ != me) {
        Cluster::WaitingFor w("the node's driver lock, held by another program of the node");
        ++lock_waiters_;
        wait(unlocked_);
        --lock_waiters_;
    }
    owner_ = me;
    ++depth_;
    // What another program saw due may be this one's own wake-up: it asks anew.
    if (me != last_owner_) forget_due();
    last_owner_ = me;
}

void NodeBus::unlock() {
    if (depth_ > 0 && --depth_ == 0) {
        // The next owner starts at this one's time. Without one, the program
        // keeps its time ahead while nothing else is due (Cluster catches it
        // up before it syncs, sleeps, spawns or ends) and nobody is woken:
        // a wake-up for nobody would be activity its next call waits for.
        if (lock_waiters_ > 0) catch_up();
        else catch_up_if_due();
        owner_ = nullptr;
        if (lock_waiters_ > 0) unlocked_.notify(sc_core::SC_ZERO_TIME);
    }
}

namespace {
// Names of the rsmapi calls and status codes, for the waveform.
const model::ValueNames& api_call_names() {
    static const model::ValueNames names = [] {
        model::ValueNames n{"rsmapi_call", {}};
        for (unsigned c = 0; c < static_cast<unsigned>(rsm::hw::ApiCall::Count); ++c)
            n.values.emplace_back(c, rsm::hw::api_call_name(static_cast<rsm::hw::ApiCall>(c)));
        return n;
    }();
    return names;
}

const model::ValueNames& api_status_names() {
    static const model::ValueNames names = [] {
        model::ValueNames n{"rsmapi_status", {}};
        for (int code = 0; code < 1000; ++code)
            if (std::string(rsm_error_name(code)) != "RSMERR_?")
                n.values.emplace_back(static_cast<uint64_t>(code), rsm_error_name(code));
        return n;
    }();
    return names;
}
}  // namespace

void NodeBus::trace(model::Waves& w) {
    waves_ = &w;
    const unsigned node = adapter_.fabric_node_id();
    const std::string scope = "node" + std::to_string(node);
    api_sig_ = w.declare(scope, "api", 16, node, model::Block::Api, &api_call_names());
    rc_sig_ = w.declare(scope, "api_rc", 32, node, model::Block::Api, &api_status_names());
}

std::vector<NodeBus::OpenCall>::iterator NodeBus::open_call_of(const void* caller) {
    return std::find_if(open_calls_.begin(), open_calls_.end(), [&](const OpenCall& c) { return c.caller == caller; });
}

void NodeBus::call_started(const void* caller, rsm::hw::ApiCall call) {
    const OpenCall open{caller, call, now_ns()};
    auto it = open_call_of(caller);
    if (it != open_calls_.end())
        *it = open;
    else
        open_calls_.push_back(open);
    if (waves_) {
        const model::Waves::LocalTime local(ahead_);
        waves_->set(api_sig_, static_cast<uint64_t>(call));
    }
}

void NodeBus::call_ended(const void* caller, int rc) {
    auto it = open_call_of(caller);
    if (it == open_calls_.end()) return;
    if (stats_) stats_->record(it->call, adapter_.fabric_node_id(), static_cast<double>(now_ns() - it->since_ns), rc);
    *it = open_calls_.back();   // order does not matter
    open_calls_.pop_back();
    if (waves_) {
        const model::Waves::LocalTime local(ahead_);
        waves_->set(api_sig_, 0);
        waves_->set(rc_sig_, static_cast<uint32_t>(rc));
    }
}

void NodeBus::api_enter(rsm::hw::ApiCall call) {
    call_started(Cluster::current_process(), call);
}

void NodeBus::api_leave(rsm::hw::ApiCall, int rc) {
    call_ended(Cluster::current_process(), rc);
}

void NodeBus::process_api_state(rsm::hw::ApiCall current, int last_rc) {
    if (current == remote_call_) return;
    if (remote_call_ != rsm::hw::ApiCall::None) call_ended(this, last_rc);
    remote_call_ = current;
    if (current != rsm::hw::ApiCall::None) call_started(this, current);
}

Node::Node(const std::string& name, uint16_t node_id, model::Fabric& fabric,
           const model::TimingProfile& timing, model::Fidelity fidelity)
    : memory((name + "_mem").c_str(), timing),
      adapter((name + "_adapter").c_str(), node_id, fabric, timing, fidelity),
      bus((name + "_bus").c_str(), adapter, memory, fabric), id_(node_id) {
    adapter.dma.bind(memory.dma);
}

}  // namespace rsmsim
