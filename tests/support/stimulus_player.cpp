#include "support/stimulus_player.h"

#include <verilated.h>
#if VM_TRACE
#include <verilated_vcd_c.h>
#endif

#include <cinttypes>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "Vadapter_core.h"
#include "Vadapter_core_adapter_core.h"
#include "Vadapter_core_dma_engine.h"
#include "rsmsim/model/core_pins.h"

namespace rsmsim::test {

namespace {

class Player {
public:
    explicit Player(const char* vcd_path) {
        // Tracing and threads are set before the model is built.
        ctx_.traceEverOn(vcd_path != nullptr);
        rsmsim::model::make_single_threaded(ctx_);
        m_ = std::make_unique<Vadapter_core>(&ctx_);
#if VM_TRACE
        if (vcd_path) {
            trace_ = std::make_unique<VerilatedVcdC>();
            m_->trace(trace_.get(), 99);
            trace_->open(vcd_path);
        }
#else
        if (vcd_path) throw std::runtime_error("this build's core was verilated without --trace");
#endif
        m_->node_id_i = 8;
        m_->link_up_i = 1;
        m_->peers_i = 0x1F;
        m_->ex_len_i = 4;
        m_->ex_write_i = 0;
        m_->ex_probe_i = 0;
        rsmsim::model::reset_core(*m_);
        dump();
    }
    ~Player() {
        m_->final();
#if VM_TRACE
        if (trace_) trace_->close();
#endif
    }

    void op(uint64_t o, uint64_t a, uint64_t b, uint64_t c) {
        switch (o) {
        case 0:
            for (uint64_t k = 0; k < a; ++k) cycle();
            break;
        case 1:
            m_->reg_req_i = 1;
            m_->reg_we_i = 1;
            m_->reg_addr_i = a & 0xFFF;
            m_->reg_wdata_i = static_cast<uint32_t>(b);
            m_->eval();
            if (m_->reg_err_o) print("W %03x refused\n", unsigned(m_->reg_addr_i));
            cycle();
            break;
        case 2:
            m_->reg_req_i = 1;
            m_->reg_we_i = 0;
            m_->reg_addr_i = a & 0xFFF;
            m_->eval();
            print("R %03x %08x %d\n", unsigned(m_->reg_addr_i), unsigned(m_->reg_rdata_o), int(m_->reg_err_o));
            m_->reg_req_i = 0;
            m_->eval();
            break;
        case 3:
            m_->ev_issue_i = a & 1;
            m_->ev_ack_i = (a >> 1) & 1;
            m_->ev_err_i = (a >> 2) & 1;
            m_->ev_xlate_err_i = (a >> 3) & 1;
            m_->ev_route_i = (a >> 4) & 1;
            m_->ev_node_i = b & 0xFFFF;
            m_->ev_err_class_i = c & 0xF;
            cycle();
            break;
        case 4:
            answer(b & 0xF, c & 0xFFFF);
            break;
        case 9: {
            uint64_t answers = 0;
            for (int guard = 0; guard < 100000 && (m_->adapter_core->dma->busy || !fifo_.empty()); ++guard) {
                if (!fifo_.empty()) {
                    answer(answers == a ? (b & 0xF) : 0, c & 0xFFFF);
                    ++answers;
                } else {
                    cycle();
                }
            }
            for (int guard = 0; guard < 100 && m_->active_o; ++guard) cycle();
            break;
        }
        case 5:
            m_->bell_rx_i = 1;
            m_->bell_idx_i = a & 0x1F;
            m_->bell_noacc_i = b & 1;
            cycle();
            break;
        case 6:
            m_->conn_resp_i = 1;
            m_->conn_result_i = a & 0xF;
            m_->conn_size_i = static_cast<uint32_t>(b);
            m_->conn_perm_i = c & 3;
            cycle();
            break;
        case 7:
            m_->xl_slot_i = a & 0x3F;
            m_->xl_off_i = b & 0x0FFFFFFF;
            m_->xl_len_i = c & 0x1FFFFFFF;
            m_->xl_write_i = (c >> 31) & 1;
            m_->eval();
            print("X %d %04x %08x\n", int(m_->xl_err_o), unsigned(m_->xl_node_o), unsigned(m_->xl_segid_o));
            break;
        case 8:
            m_->ex_segid_i = static_cast<uint32_t>(a);
            m_->ex_src_i = b & 0xFFFF;
            m_->ex_off_i = static_cast<uint32_t>(c);
            m_->ex_query_i = 1;
            m_->eval();
            print("Y %d %016" PRIx64 " %d %d\n", int(m_->ex_err_o), uint64_t(m_->ex_addr_o),
                  int(m_->ex_perm_o), int(m_->ex_idx_o));
            m_->ex_query_i = 0;
            break;
        default:
            print("? %" PRIx64 "\n", o);
        }
    }

    PlayResult finish() {
        print("END %" PRIu64 "\n", cycles_);
        return {out_.str(), cycles_};
    }

private:
    template <typename... A>
    void print(const char* fmt, A... args) {
        char buf[160];
        std::snprintf(buf, sizeof buf, fmt, args...);
        out_ << buf;
    }
    // The datapath answering the oldest unanswered DMA packet.
    void answer(uint8_t cls, uint16_t node) {
        if (!fifo_.empty()) {
            m_->dma_resp_valid_i = 1;
            m_->dma_resp_entry_i = fifo_.front();
            m_->dma_resp_err_i = cls;
            m_->ev_ack_i = 1;
            m_->ev_err_i = cls != 0;
            m_->ev_node_i = node;
            m_->ev_err_class_i = cls;
            fifo_.pop_front();
        }
        cycle();
    }
    void idle() { rsmsim::model::idle_core_inputs(*m_); }
    void dump() {
#if VM_TRACE
        if (trace_) trace_->dump(time_);
#endif
        time_ += 5;
    }
    void cycle() {
        m_->clk = 1;
        m_->eval();
        dump();
        ++cycles_;
        if (m_->dma_pkt_valid_o) {
            print("P %d %d %016" PRIx64 " %04x %08x %08x %d\n", int(m_->dma_pkt_write_o),
                  int(m_->dma_pkt_entry_o), uint64_t(m_->dma_pkt_local_o), unsigned(m_->dma_pkt_node_o),
                  unsigned(m_->dma_pkt_segid_o), unsigned(m_->dma_pkt_remote_o), int(m_->dma_pkt_len_o));
            fifo_.push_back(m_->dma_pkt_entry_o);
        }
        if (m_->bell_go_o)
            print("B %04x %08x %d\n", unsigned(m_->bell_node_o), unsigned(m_->bell_segid_o), int(m_->bell_noacc_o));
        if (m_->conn_go_o) print("C %04x %08x\n", unsigned(m_->conn_node_o), unsigned(m_->conn_segid_o));
        if (m_->irq_o != last_irq_) {
            print("I %d\n", int(m_->irq_o));
            last_irq_ = m_->irq_o;
        }
        idle();
        m_->clk = 0;
        m_->eval();
        dump();
    }

    VerilatedContext ctx_;
    std::unique_ptr<Vadapter_core> m_;
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> trace_;
#endif
    std::ostringstream out_;
    uint64_t cycles_ = 0;
    uint64_t time_ = 0;
    uint8_t last_irq_ = 0;
    std::deque<uint8_t> fifo_;   // entries of issued, unanswered DMA packets
};

}  // namespace

std::vector<StimulusOp> load_stimulus(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read stimulus " + path);
    std::vector<StimulusOp> ops;
    std::string line;
    while (std::getline(in, line)) {
        StimulusOp o{};
        if (std::sscanf(line.c_str(), "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &o.op, &o.a, &o.b, &o.c) == 4)
            ops.push_back(o);
    }
    return ops;
}

PlayResult play_stimulus(const std::vector<StimulusOp>& ops, const char* vcd_path) {
    Player p(vcd_path);
    for (const auto& o : ops) p.op(o.op, o.a, o.b, o.c);
    return p.finish();
}

PlayResult play_stimulus(const std::string& path, const char* vcd_path) {
    return play_stimulus(load_stimulus(path), vcd_path);
}

}  // namespace rsmsim::test
