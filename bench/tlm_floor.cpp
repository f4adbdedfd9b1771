// tlm_floor: the host cost of the cheapest register access this simulator's
// architecture allows: one TLM-2.0 b_transport through simple sockets to a
// target that only annotates a delay, then the initiator's wait(delay) (a
// SystemC thread switch and a timed event), as NodeBus does per access.
// Prints "cost tlm_floor NS_PER_ACCESS"; bench/fidelity.py sets the rsmapi
// calls' costs against it.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace {

constexpr int kAccesses = 200000;

double host_ns() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

struct Register : sc_core::sc_module {
    tlm_utils::simple_target_socket<Register> socket{"socket"};
    uint32_t value = 0;
    explicit Register(sc_core::sc_module_name n) : sc_module(n) {
        socket.register_b_transport(this, &Register::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        if (t.is_write()) value = *reinterpret_cast<uint32_t*>(t.get_data_ptr());
        else *reinterpret_cast<uint32_t*>(t.get_data_ptr()) = value;
        delay += sc_core::sc_time(30, sc_core::SC_NS);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};
    double ns_per_access = 0;
    SC_HAS_PROCESS(Cpu);
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        tlm::tlm_generic_payload t;
        uint32_t data = 0;
        const double t0 = host_ns();
        for (int i = 0; i < kAccesses; ++i) {
            t.set_command(i % 2 ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
            t.set_address(0);
            t.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
            t.set_data_length(4);
            t.set_streaming_width(4);
            t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
            socket->b_transport(t, delay);
            wait(delay);
            ++data;
        }
        ns_per_access = (host_ns() - t0) / kAccesses;
    }
};

}  // namespace

int sc_main(int, char*[]) {
    Cpu cpu("cpu");
    Register reg("reg");
    cpu.socket.bind(reg.socket);
    sc_core::sc_start();
    std::printf("cost tlm_floor %.0f\n", cpu.ns_per_access);
    return 0;
}
