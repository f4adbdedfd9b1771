// Register file of the adapter (CSRs): identification and control, staging
// registers for the two tables, global transaction/error counters fed by the
// datapath, the segment-lookup handshake, and the interrupt triplet
// (STATE w1c / ENABLE / TEST). The top decodes and refuses bad accesses;
// this block sees only accepted writes (reg_wr_i) and answers reads of its
// own registers (0 elsewhere, so the top can OR the blocks' read data).
`default_nettype none
module adapter_csr (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [15:0] node_id_i,
    input  wire        link_up_i,
    input  wire        revoking_i,
    input  wire [63:0] peers_i,
    // register bus (read data while an access is on; accepted writes only)
    input  wire        reg_rd_i,    // a register access this cycle: drive reg_rdata_o (0 otherwise)
    input  wire        reg_wr_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output reg  [31:0] reg_rdata_o,
    output wire        enable_o,
    // import table
    output wire        att_cmd_o,
    output wire [2:0]  att_op_o,
    output reg  [5:0]  att_index_o,
    output reg  [15:0] att_node_o,
    output reg  [31:0] att_segid_o,
    output reg  [31:0] att_size_o,
    output reg  [2:0]  att_ctrl_o,
    input  wire [15:0] att_rd_node_i,
    input  wire [31:0] att_rd_segid_i,
    input  wire [31:0] att_rd_size_i,
    input  wire [2:0]  att_rd_ctrl_i,
    input  wire [63:0] att_revoked_i,
    // export table
    output wire        exp_cmd_o,
    output wire [2:0]  exp_op_o,
    output reg  [4:0]  exp_index_o,
    output reg  [31:0] exp_segid_o,
    output wire [63:0] exp_base_o,
    output reg  [31:0] exp_size_o,
    output reg  [3:0]  exp_ctrl_o,
    output reg  [15:0] exp_acl_node_o,
    output reg  [1:0]  exp_acl_perm_o,
    input  wire [31:0] exp_rd_segid_i,
    input  wire [63:0] exp_rd_base_i,
    input  wire [31:0] exp_rd_size_i,
    input  wire [3:0]  exp_rd_ctrl_i,
    input  wire [63:0] exp_rd_importers_i,
    // datapath events, at most one of each per cycle
    input  wire        ev_issue_i,
    input  wire        dma_issue_i,     // the DMA engine issued a packet
    input  wire        ev_ack_i,
    input  wire        ev_err_i,        // a response carried an error class
    input  wire        ev_xlate_err_i,  // a window access failed translation
    input  wire [3:0]  ev_err_class_i,
    // causes from the other blocks (one-cycle pulses)
    input  wire        post_err_i,      // a signal post named an invalid import entry
    input  wire        signal_i,        // a signal event was recorded
    input  wire        dma_done_i,
    input  wire        dma_err_i,
    // segment lookup
    output reg         conn_go_o,
    output reg  [15:0] conn_node_o,
    output reg  [31:0] conn_segid_o,
    input  wire        conn_resp_i,
    input  wire [3:0]  conn_result_i,
    input  wire [31:0] conn_size_i,
    input  wire [1:0]  conn_perm_i,
    // A REVOKE arrived from revoke_node_i for revoke_segid_i (any segment:
    // the node was lost). One that names the lookup's target after GO is
    // remembered (CONN_STATUS.REVOKED): the connection being made from that
    // lookup was revoked before its import entry existed to be revoked.
    input  wire        revoke_rx_i,
    input  wire [15:0] revoke_node_i,
    input  wire [31:0] revoke_segid_i,
    input  wire        revoke_any_i,
    output wire        irq_o
);
`include "adapter_regs.vh"

    // Registers marked public are traced into the simulator's waveform.
    reg        ctrl_enable   /*verilator public*/;
    reg [INTR_CAUSES-1:0] intr_state  /*verilator public*/;
    reg [INTR_CAUSES-1:0] intr_enable /*verilator public*/;
    reg [31:0] scratch;
    reg [31:0] txn_issued    /*verilator public*/;
    reg [31:0] txn_acked     /*verilator public*/;
    reg [31:0] err_count     /*verilator public*/;
    reg [3:0]  err_last;
    reg [31:0] exp_base_lo, exp_base_hi;
    reg        conn_busy     /*verilator public*/;
    reg        conn_done;
    reg        conn_revoked;
    reg [3:0]  conn_result;
    reg [31:0] conn_size;
    reg [1:0]  conn_perm;

    // Only used in the clocked block: a function reading module signals in a
    // continuous assignment would not be re-evaluated by event simulators.
    function automatic hit(input [11:0] r);
        hit = reg_wr_i && reg_addr_i == r;
    endfunction

    assign enable_o   = ctrl_enable;
    assign exp_base_o = {exp_base_hi, exp_base_lo};
    assign att_cmd_o  = reg_wr_i && reg_addr_i == REG_ATT_CMD;
    assign att_op_o   = get_ATT_CMD_OP(reg_wdata_i);
    assign exp_cmd_o  = reg_wr_i && reg_addr_i == REG_EXP_CMD;
    assign exp_op_o   = get_EXP_CMD_OP(reg_wdata_i);
    assign irq_o      = |(intr_state & intr_enable);

    wire att_read = att_cmd_o && {1'b0, att_op_o} == TABLE_OP_READ;
    wire exp_read = exp_cmd_o && {1'b0, exp_op_o} == TABLE_OP_READ;
    wire       xlate_err = ev_xlate_err_i | post_err_i;
    reg [INTR_CAUSES-1:0] hw_set;
    always @(*) begin
        hw_set = {INTR_CAUSES{1'b0}};
        hw_set[INTR_CONN_DONE] = conn_resp_i;
        hw_set[INTR_XLATE_ERR] = xlate_err;
        hw_set[INTR_REMOTE_ERR] = ev_err_i;
        hw_set[INTR_SIGNAL] = signal_i;
        hw_set[INTR_DMA_DONE] = dma_done_i;
        hw_set[INTR_DMA_ERR] = dma_err_i;
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            ctrl_enable <= 1'b0;
            intr_state <= {INTR_CAUSES{1'b0}};
            intr_enable <= {INTR_CAUSES{1'b0}};
            scratch <= 32'd0;
            txn_issued <= 32'd0;
            txn_acked <= 32'd0;
            err_count <= 32'd0;
            err_last <= 4'd0;
            att_index_o <= 6'd0;
            att_node_o <= 16'd0;
            att_segid_o <= 32'd0;
            att_size_o <= 32'd0;
            att_ctrl_o <= 3'd0;
            exp_index_o <= 5'd0;
            exp_segid_o <= 32'd0;
            exp_base_lo <= 32'd0;
            exp_base_hi <= 32'd0;
            exp_size_o <= 32'd0;
            exp_ctrl_o <= 4'd0;
            exp_acl_node_o <= 16'd0;
            exp_acl_perm_o <= 2'd0;
            conn_go_o <= 1'b0;
            conn_node_o <= 16'd0;
            conn_segid_o <= 32'd0;
            conn_busy <= 1'b0;
            conn_done <= 1'b0;
            conn_revoked <= 1'b0;
            conn_result <= 4'd0;
            conn_size <= 32'd0;
            conn_perm <= 2'd0;
        end else begin
            conn_go_o <= 1'b0;
            if (hit(REG_CTRL))         ctrl_enable <= get_CTRL_ENABLE(reg_wdata_i);
            if (hit(REG_INTR_ENABLE))  intr_enable <= get_INTR_ENABLE(reg_wdata_i);
            if (hit(REG_SCRATCH))      scratch <= reg_wdata_i;
            // Hardware causes win over a simultaneous clear, so no event is lost.
            intr_state <= hw_set
                | (intr_state & ~(hit(REG_INTR_STATE) ? get_INTR_STATE(reg_wdata_i) : {INTR_CAUSES{1'b0}}))
                | (hit(REG_INTR_TEST) ? get_INTR_TEST(reg_wdata_i) : {INTR_CAUSES{1'b0}});

            txn_issued <= txn_issued + {31'd0, ev_issue_i} + {31'd0, dma_issue_i};
            if (ev_ack_i)   txn_acked <= txn_acked + 32'd1;
            // Remote and translation errors of one cycle are both counted.
            err_count <= err_count + {31'd0, ev_err_i} + {31'd0, xlate_err};
            if (ev_err_i || ev_xlate_err_i) err_last <= ev_err_class_i;
            else if (post_err_i)            err_last <= ERR_CLASS_NO_ENTRY;

            if (hit(REG_ATT_INDEX)) att_index_o <= get_ATT_INDEX_IDX(reg_wdata_i);
            if (hit(REG_ATT_NODE))  att_node_o <= get_ATT_NODE_NODE(reg_wdata_i);
            if (hit(REG_ATT_SEGID)) att_segid_o <= reg_wdata_i;
            if (hit(REG_ATT_SIZE))  att_size_o <= reg_wdata_i;
            if (hit(REG_ATT_CTRL))  att_ctrl_o <= get_ATT_CTRL(reg_wdata_i);
            if (att_read) begin
                att_node_o <= att_rd_node_i;
                att_segid_o <= att_rd_segid_i;
                att_size_o <= att_rd_size_i;
                att_ctrl_o <= att_rd_ctrl_i;
            end

            if (hit(REG_EXP_INDEX))    exp_index_o <= get_EXP_INDEX_IDX(reg_wdata_i);
            if (hit(REG_EXP_SEGID))    exp_segid_o <= reg_wdata_i;
            if (hit(REG_EXP_BASE_LO))  exp_base_lo <= reg_wdata_i;
            if (hit(REG_EXP_BASE_HI))  exp_base_hi <= reg_wdata_i;
            if (hit(REG_EXP_SIZE))     exp_size_o <= reg_wdata_i;
            if (hit(REG_EXP_CTRL))     exp_ctrl_o <= get_EXP_CTRL(reg_wdata_i);
            if (hit(REG_EXP_ACL_NODE)) exp_acl_node_o <= get_EXP_ACL_NODE_NODE(reg_wdata_i);
            if (hit(REG_EXP_ACL_PERM)) exp_acl_perm_o <= get_EXP_ACL_PERM(reg_wdata_i);
            if (exp_read) begin
                exp_segid_o <= exp_rd_segid_i;
                {exp_base_hi, exp_base_lo} <= exp_rd_base_i;
                exp_size_o <= exp_rd_size_i;
                exp_ctrl_o <= exp_rd_ctrl_i;
            end

            if (hit(REG_CONN_NODE))  conn_node_o <= get_CONN_NODE_NODE(reg_wdata_i);
            if (hit(REG_CONN_SEGID)) conn_segid_o <= reg_wdata_i;
            if (revoke_rx_i && (conn_busy || conn_done) && revoke_node_i == conn_node_o &&
                (revoke_any_i || revoke_segid_i == conn_segid_o))
                conn_revoked <= 1'b1;
            if (hit(REG_CONN_CMD) && get_CONN_CMD_GO(reg_wdata_i) && !conn_busy) begin
                conn_busy <= 1'b1;
                conn_done <= 1'b0;
                conn_revoked <= 1'b0;
                conn_go_o <= 1'b1;
            end else if (conn_resp_i && conn_busy) begin
                conn_busy <= 1'b0;
                conn_done <= 1'b1;
                conn_result <= conn_result_i;
                conn_size <= conn_size_i;
                conn_perm <= conn_perm_i;
            end
        end
    end

    // The read mux works only while a register access is on: an idle core
    // evaluates none of it.
    always @(*) begin
        reg_rdata_o = 32'd0;
        if (reg_rd_i) case (reg_addr_i)
            REG_ID:           reg_rdata_o = DEV_IDENT;
            REG_VERSION:      reg_rdata_o = DEV_VERSION;
            REG_NODE_ID:      reg_rdata_o = pack_NODE_ID(node_id_i);
            REG_CTRL:         reg_rdata_o = pack_CTRL(ctrl_enable);
            REG_STATUS:       reg_rdata_o = pack_STATUS(link_up_i, conn_busy, revoking_i);
            REG_INTR_STATE:   reg_rdata_o = put_INTR_STATE(intr_state);
            REG_INTR_ENABLE:  reg_rdata_o = put_INTR_ENABLE(intr_enable);
            REG_SCRATCH:      reg_rdata_o = scratch;
            REG_TXN_ISSUED:   reg_rdata_o = txn_issued;
            REG_TXN_ACKED:    reg_rdata_o = txn_acked;
            REG_OUTSTANDING:  reg_rdata_o = txn_issued - txn_acked;
            REG_ERR_COUNT:    reg_rdata_o = err_count;
            REG_ERR_LAST:     reg_rdata_o = pack_ERR_LAST(err_last);
            REG_PEERS_LO:     reg_rdata_o = peers_i[31:0];
            REG_PEERS_HI:     reg_rdata_o = peers_i[63:32];
            REG_ATT_INDEX:    reg_rdata_o = pack_ATT_INDEX(att_index_o);
            REG_ATT_NODE:     reg_rdata_o = pack_ATT_NODE(att_node_o);
            REG_ATT_SEGID:    reg_rdata_o = att_segid_o;
            REG_ATT_SIZE:     reg_rdata_o = att_size_o;
            REG_ATT_CTRL:     reg_rdata_o = put_ATT_CTRL(att_ctrl_o);
            REG_ATT_REVOKED_LO: reg_rdata_o = att_revoked_i[31:0];
            REG_ATT_REVOKED_HI: reg_rdata_o = att_revoked_i[63:32];
            REG_EXP_INDEX:    reg_rdata_o = pack_EXP_INDEX(exp_index_o);
            REG_EXP_SEGID:    reg_rdata_o = exp_segid_o;
            REG_EXP_BASE_LO:  reg_rdata_o = exp_base_lo;
            REG_EXP_BASE_HI:  reg_rdata_o = exp_base_hi;
            REG_EXP_SIZE:     reg_rdata_o = exp_size_o;
            REG_EXP_CTRL:     reg_rdata_o = put_EXP_CTRL(exp_ctrl_o);
            REG_EXP_ACL_NODE: reg_rdata_o = pack_EXP_ACL_NODE(exp_acl_node_o);
            REG_EXP_ACL_PERM: reg_rdata_o = put_EXP_ACL_PERM(exp_acl_perm_o);
            REG_EXP_IMPORTERS_LO: reg_rdata_o = exp_rd_importers_i[31:0];
            REG_EXP_IMPORTERS_HI: reg_rdata_o = exp_rd_importers_i[63:32];
            REG_CONN_NODE:    reg_rdata_o = pack_CONN_NODE(conn_node_o);
            REG_CONN_SEGID:   reg_rdata_o = conn_segid_o;
            REG_CONN_STATUS:  reg_rdata_o = pack_CONN_STATUS(conn_busy, conn_done, conn_revoked, conn_result);
            REG_CONN_SIZE:    reg_rdata_o = conn_size;
            REG_CONN_PERM:    reg_rdata_o = put_CONN_PERM(conn_perm);
            default:          reg_rdata_o = 32'd0;   // other blocks' and write-only registers
        endcase
    end
endmodule
`default_nettype wire
