// The verilated adapter core's pins, driven the same way by everyone who
// drives them: the model's wrapper, the core's unit tests and the stimulus
// player that replays a run against Icarus. A template, so this header needs
// no Verilator output.
#pragma once

namespace rsmsim::model {

// Every request and event input at rest: the core sees a pulse as one cycle
// with the input high, so a driver sets these back between cycles.
template <typename Core>
void idle_core_inputs(Core& m) {
    m.reg_req_i = 0;
    m.reg_we_i = 0;
    m.ev_issue_i = 0;
    m.ev_ack_i = 0;
    m.ev_err_i = 0;
    m.ev_xlate_err_i = 0;
    m.ev_route_i = 0;
    m.conn_resp_i = 0;
    m.bell_rx_i = 0;
    m.bell_imp_rx_i = 0;
    m.post_resp_i = 0;
    m.imp_add_i = 0;
    m.revoke_rx_i = 0;
    m.dma_resp_valid_i = 0;
    m.ex_query_i = 0;
    m.im_query_i = 0;
}

// A Verilator context for one core, set up before the core is made:
// Verilator 5.006 gives a context a pool of one worker thread per further
// hardware thread by default, while the core is verilated single-threaded,
// so the pool would only idle beside every core (and wake on its own).
template <typename Context>
void make_single_threaded(Context& ctx) {
    ctx.threads(1);
}

// Asynchronous reset with every input at rest and the clock low.
template <typename Core>
void reset_core(Core& m) {
    idle_core_inputs(m);
    m.clk = 0;
    m.rst_n = 0;
    m.eval();
    m.rst_n = 1;
    m.eval();
}

}  // namespace rsmsim::model
