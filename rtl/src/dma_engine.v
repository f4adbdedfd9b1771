// DMA engine: runs a chain of up to 16 descriptors, one per scatter-gather
// entry. Each entry is checked against the import table, then split into
// SCI packets (at most 64 bytes, never crossing a 64-byte boundary of the
// remote segment) that the datapath carries; up to WINDOW packets may be in
// flight. An entry with BARRIER completes (every packet answered) before the
// next starts. The first error stops issuing; once every packet in flight
// is answered the chain ends with FAIL_ENTRY and COMPLETED = entries before
// it, so software can compute a residual count. Registers are ignored while
// the chain runs.
`default_nettype none
module dma_engine #(
    parameter integer WINDOW = 128
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        reg_rd_i,    // a register access this cycle: drive reg_rdata_o (0 otherwise)
    input  wire        reg_wr_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output reg  [31:0] reg_rdata_o,
    // import-table check of the current entry
    output wire [5:0]  dx_slot_o,
    output wire [27:0] dx_off_o,
    output wire [28:0] dx_len_o,
    output wire        dx_write_o,
    input  wire [3:0]  dx_err_i,
    input  wire [15:0] dx_node_i,
    input  wire [31:0] dx_segid_i,
    // packet requests to the datapath: a one-cycle pulse per packet
    output reg         pkt_valid_o,
    output reg         pkt_write_o,
    output reg  [3:0]  pkt_entry_o,
    output reg  [63:0] pkt_local_o,
    output reg  [15:0] pkt_node_o,
    output reg  [31:0] pkt_segid_o,
    output reg  [31:0] pkt_remote_o,
    output reg  [6:0]  pkt_len_o,
    // one response per cycle at most
    input  wire        resp_valid_i,
    input  wire [3:0]  resp_entry_i,
    input  wire [3:0]  resp_err_i,
    // chain end
    output reg         post_o,
    output reg  [5:0]  post_slot_o,
    output reg         post_noacc_o,
    output reg         done_o,      // DMA_DONE cause: chain end with IRQ, or an entry with IRQ
    output reg         err_o,       // DMA_ERR cause
    output wire        active_o,    // can make progress without an outside event
    // the packet issued at this edge, for the counters (issued when the
    // engine issues it, not when the datapath reports it: no cycle of its own)
    output wire        issue_o,
    output wire [15:0] issue_node_o
);
`include "adapter_regs.vh"

    localparam [31:0] MAX_LEN = 32'd1 << WINDOW_SLOT_SHIFT;   // one window slot
    localparam integer DESCS = DESC_CTRL_COUNT;
    localparam [4:0]  MAX_COUNT = DESCS[4:0];
    // In-flight counters count 0..WINDOW.
    localparam integer CW /*verilator public*/ = $clog2(WINDOW + 1);   // traced width of total_out
    localparam [CW-1:0] WIN = WINDOW[CW-1:0];
    localparam [CW-1:0] ONE = {{(CW-1){1'b0}}, 1'b1};
    localparam [CW-1:0] ZERO = {CW{1'b0}};

    reg [31:0] lo_q [0:DESCS-1];
    reg [31:0] hi_q [0:DESCS-1];
    reg [31:0] rem_q [0:DESCS-1];
    reg [31:0] len_q [0:DESCS-1];
    reg [DESC_CTRL_BITS-1:0] ctl_q [0:DESCS-1];
    reg [4:0]  count;
    reg [2:0]  state      /*verilator public*/;
    reg [3:0]  cur        /*verilator public*/;
    reg [31:0] off;
    reg [15:0] node;
    reg [31:0] segid;
    reg [CW-1:0] outstanding [0:DESCS-1];
    reg [CW-1:0] total_out  /*verilator public*/;
    reg [DESCS-1:0] issued_all;
    reg        busy       /*verilator public*/;
    reg        done_st, error_st;
    reg [3:0]  err_class;
    reg [3:0]  fail_entry;
    reg [4:0]  completed  /*verilator public*/;
    reg        f_sigpost, f_noacc, f_irq;

    wire go = reg_wr_i && reg_addr_i == REG_DMA_CTRL && get_DMA_CTRL_GO(reg_wdata_i);

    // Current entry.
    wire [31:0] c_len   = len_q[cur];
    wire [31:0] c_rem   = rem_q[cur];
    wire [31:0] c_ctl   = put_DESC_CTRL(ctl_q[cur]);
    wire [31:0] raddr   = c_rem + off;
    wire [31:0] left    = c_len - off;
    wire [6:0]  room    = 7'd64 - {1'b0, raddr[5:0]};
    wire [6:0]  n       = (left < {25'd0, room}) ? left[6:0] : room;
    wire        last_pkt = {25'd0, n} == left;
    wire        last_ent = {1'b0, cur} + 5'd1 == count;
    assign dx_slot_o  = get_DESC_CTRL_SLOT(c_ctl);
    assign dx_off_o   = c_rem[WINDOW_SLOT_SHIFT-1:0];
    assign dx_len_o   = c_len[WINDOW_SLOT_SHIFT:0];
    assign dx_write_o = get_DESC_CTRL_WRITE(c_ctl);
    // A response frees its place in the window in the cycle it arrives, so
    // with the window full the next packet issues in that same cycle.
    wire can_issue = state == DMA_STATE_ISSUE && !error_st && (total_out < WIN || resp_valid_i);
    wire resp_bad;
    wire issue_now = can_issue && !resp_bad;   // an error this cycle stops issuing at once
    assign issue_o = issue_now;
    assign issue_node_o = node;
    wire waiting   = (state == DMA_STATE_ISSUE && total_out >= WIN) ||
                     (state == DMA_STATE_WAIT && outstanding[cur] != ZERO) ||
                     (state == DMA_STATE_DRAIN && total_out != ZERO);
    // Also active for the cycle after a pulse, so other blocks latch it.
    assign active_o = (busy && !waiting) || done_o || err_o || post_o;

    // A response with an error keeps the lowest failing entry.
    assign resp_bad = resp_valid_i && resp_err_i != ERR_CLASS_OK;

    task automatic fail(input [3:0] cls, input [3:0] entry);
        begin
            if (!error_st || entry < fail_entry) begin
                fail_entry <= entry;
                err_class <= cls;
            end
            error_st <= 1'b1;
        end
    endtask

    integer i;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            for (i = 0; i < DESCS; i = i + 1) begin
                lo_q[i] <= 32'd0;
                hi_q[i] <= 32'd0;
                rem_q[i] <= 32'd0;
                len_q[i] <= 32'd0;
                ctl_q[i] <= {DESC_CTRL_BITS{1'b0}};
                outstanding[i] <= ZERO;
            end
            count <= 5'd0;
            state <= DMA_STATE_IDLE;
            cur <= 4'd0;
            off <= 32'd0;
            node <= 16'd0;
            segid <= 32'd0;
            total_out <= ZERO;
            issued_all <= {DESCS{1'b0}};
            busy <= 1'b0;
            done_st <= 1'b0;
            error_st <= 1'b0;
            err_class <= 4'd0;
            fail_entry <= 4'd0;
            completed <= 5'd0;
            f_sigpost <= 1'b0;
            f_noacc <= 1'b0;
            f_irq <= 1'b0;
            pkt_valid_o <= 1'b0;
            pkt_write_o <= 1'b0;
            pkt_entry_o <= 4'd0;
            pkt_local_o <= 64'd0;
            pkt_node_o <= 16'd0;
            pkt_segid_o <= 32'd0;
            pkt_remote_o <= 32'd0;
            pkt_len_o <= 7'd0;
            post_o <= 1'b0;
            post_slot_o <= 6'd0;
            post_noacc_o <= 1'b0;
            done_o <= 1'b0;
            err_o <= 1'b0;
        end else begin
            pkt_valid_o <= 1'b0;
            post_o <= 1'b0;
            done_o <= 1'b0;
            err_o <= 1'b0;

            if (!busy && reg_wr_i) begin   // register writes are ignored while busy
                if (reg_addr_i == REG_DMA_COUNT) count <= get_DMA_COUNT_COUNT(reg_wdata_i);
                if (hit_DESC_LOCAL_LO(reg_addr_i)) lo_q[index_DESC_LOCAL_LO(reg_addr_i)] <= reg_wdata_i;
                if (hit_DESC_LOCAL_HI(reg_addr_i)) hi_q[index_DESC_LOCAL_HI(reg_addr_i)] <= reg_wdata_i;
                if (hit_DESC_REMOTE(reg_addr_i))   rem_q[index_DESC_REMOTE(reg_addr_i)] <= reg_wdata_i;
                if (hit_DESC_LEN(reg_addr_i))      len_q[index_DESC_LEN(reg_addr_i)] <= reg_wdata_i;
                if (hit_DESC_CTRL(reg_addr_i))     // implemented bits only
                    ctl_q[index_DESC_CTRL(reg_addr_i)] <= get_DESC_CTRL(reg_wdata_i & MASK_DESC_CTRL);
            end

            // Packets in flight: this cycle's issue and response together
            // (only the two entries involved change; same entry: no change).
            if (issue_now && !(resp_valid_i && resp_entry_i == cur))
                outstanding[cur] <= outstanding[cur] + ONE;
            if (resp_valid_i && !(issue_now && resp_entry_i == cur))
                outstanding[resp_entry_i] <= outstanding[resp_entry_i] - ONE;
            total_out <= total_out + (issue_now ? ONE : ZERO) - (resp_valid_i ? ONE : ZERO);
            if (resp_bad) fail(resp_err_i, resp_entry_i);

            // Progress: leading entries fully issued and fully answered.
            if (busy && completed < count && issued_all[completed[3:0]] &&
                outstanding[completed[3:0]] == ZERO && !(error_st && completed[3:0] >= fail_entry)) begin
                completed <= completed + 5'd1;
                if (ctl_q[completed[3:0]][DESC_CTRL_IRQ_LSB]) done_o <= 1'b1;
            end

            case (state)
                DMA_STATE_IDLE:
                    if (go) begin
                        f_sigpost <= get_DMA_CTRL_SIGPOST(reg_wdata_i);
                        f_noacc <= get_DMA_CTRL_NO_ACCUMULATE(reg_wdata_i);
                        f_irq <= get_DMA_CTRL_IRQ(reg_wdata_i);
                        done_st <= 1'b0;
                        error_st <= 1'b0;
                        err_class <= ERR_CLASS_OK;
                        fail_entry <= 4'd0;
                        completed <= 5'd0;
                        issued_all <= {DESCS{1'b0}};
                        cur <= 4'd0;
                        off <= 32'd0;
                        if (count == 5'd0 || count > MAX_COUNT) begin
                            // Rejected before anything starts.
                            error_st <= 1'b1;
                            err_class <= ERR_CLASS_BAD_DESC;
                            done_st <= 1'b1;
                            err_o <= 1'b1;
                        end else begin
                            busy <= 1'b1;
                            state <= DMA_STATE_CHECK;
                        end
                    end
                DMA_STATE_CHECK:
                    if (error_st || resp_bad) begin
                        state <= DMA_STATE_DRAIN;
                    end else if (c_len == 32'd0 || c_len > MAX_LEN) begin
                        fail(ERR_CLASS_BAD_DESC, cur);
                        state <= DMA_STATE_DRAIN;
                    end else if (c_rem >= MAX_LEN) begin
                        fail(ERR_CLASS_BOUNDS, cur);
                        state <= DMA_STATE_DRAIN;
                    end else if (dx_err_i != ERR_CLASS_OK) begin
                        fail(dx_err_i, cur);
                        state <= DMA_STATE_DRAIN;
                    end else begin
                        node <= dx_node_i;
                        segid <= dx_segid_i;
                        off <= 32'd0;
                        state <= DMA_STATE_ISSUE;
                    end
                DMA_STATE_ISSUE:
                    if (error_st || resp_bad) begin
                        state <= DMA_STATE_DRAIN;
                    end else if (issue_now) begin
                        pkt_valid_o <= 1'b1;
                        pkt_write_o <= get_DESC_CTRL_WRITE(c_ctl);
                        pkt_entry_o <= cur;
                        pkt_local_o <= {hi_q[cur], lo_q[cur]} + {32'd0, off};
                        pkt_node_o <= node;
                        pkt_segid_o <= segid;
                        pkt_remote_o <= raddr;
                        pkt_len_o <= n;
                        off <= off + {25'd0, n};
                        if (last_pkt) begin
                            issued_all[cur] <= 1'b1;
                            if (get_DESC_CTRL_BARRIER(c_ctl)) state <= DMA_STATE_WAIT;
                            else if (last_ent) state <= DMA_STATE_DRAIN;
                            else begin
                                cur <= cur + 4'd1;
                                state <= DMA_STATE_CHECK;
                            end
                        end
                    end
                DMA_STATE_WAIT:
                    if (error_st || resp_bad) begin
                        state <= DMA_STATE_DRAIN;
                    end else if (outstanding[cur] == ZERO) begin
                        if (last_ent) state <= DMA_STATE_DRAIN;
                        else begin
                            cur <= cur + 4'd1;
                            state <= DMA_STATE_CHECK;
                        end
                    end
                DMA_STATE_DRAIN:
                    if (total_out == ZERO && !resp_valid_i) begin
                        busy <= 1'b0;
                        done_st <= 1'b1;
                        state <= DMA_STATE_IDLE;
                        if (error_st) begin
                            completed <= {1'b0, fail_entry};
                            err_o <= 1'b1;
                        end else begin
                            completed <= count;
                            if (f_irq) done_o <= 1'b1;
                            if (f_sigpost) begin
                                post_o <= 1'b1;
                                post_slot_o <= get_DESC_CTRL_SLOT(put_DESC_CTRL(ctl_q[count[3:0] - 4'd1]));
                                post_noacc_o <= f_noacc;
                            end
                        end
                    end
                default: state <= DMA_STATE_IDLE;
            endcase
        end
    end

    always @(*) begin
        reg_rdata_o = 32'd0;
        if (reg_rd_i) begin
            if (reg_addr_i == REG_DMA_COUNT)
                reg_rdata_o = pack_DMA_COUNT(count);
            else if (reg_addr_i == REG_DMA_STATUS)
                reg_rdata_o = pack_DMA_STATUS(busy, done_st, error_st, err_class, fail_entry, completed);
            else if (hit_DESC_LOCAL_LO(reg_addr_i)) reg_rdata_o = lo_q[index_DESC_LOCAL_LO(reg_addr_i)];
            else if (hit_DESC_LOCAL_HI(reg_addr_i)) reg_rdata_o = hi_q[index_DESC_LOCAL_HI(reg_addr_i)];
            else if (hit_DESC_REMOTE(reg_addr_i))   reg_rdata_o = rem_q[index_DESC_REMOTE(reg_addr_i)];
            else if (hit_DESC_LEN(reg_addr_i))      reg_rdata_o = len_q[index_DESC_LEN(reg_addr_i)];
            else if (hit_DESC_CTRL(reg_addr_i))     reg_rdata_o = put_DESC_CTRL(ctl_q[index_DESC_CTRL(reg_addr_i)]);
        end
    end
endmodule
`default_nettype wire
