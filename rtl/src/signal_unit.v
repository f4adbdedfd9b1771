// Signal post unit. Sending: a SIG_POST write (or the DMA engine finishing a
// chain with SIGPOST) names an import entry; the unit resolves it through the
// import table and emits a one-cycle BELL request to the datapath, or a
// post error if the entry is invalid. Receiving: the datapath reports a BELL
// that the export table matched to entry bell_idx_i; the unit counts it
// (saturating; with NO_ACCUMULATE only if none is pending), sets the entry's
// SIG_PENDING bit and pulses signal_o (INTR_STATE.SIGNAL).
`default_nettype none
module signal_unit #(
    parameter integer ENTRIES = 32
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        reg_rd_i,    // a register access this cycle: drive reg_rdata_o (0 otherwise)
    input  wire        reg_wr_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output reg  [31:0] reg_rdata_o,
    // post from the DMA engine (one-cycle pulse)
    input  wire        dma_post_i,
    input  wire [5:0]  dma_post_slot_i,
    input  wire        dma_post_noacc_i,
    // import-table lookup of the slot being posted
    output wire [5:0]  pl_slot_o,
    input  wire        pl_valid_i,
    input  wire [15:0] pl_node_i,
    input  wire [31:0] pl_segid_i,
    // importers of the export entry named by SIG_POST_EXPORT
    output wire [4:0]  ip_idx_o,
    input  wire [63:0] ip_importers_i,
    input  wire [31:0] ip_segid_i,
    // BELL request to the datapath (one-cycle pulse); to_imp: for an importer
    output reg         bell_go_o,
    output reg         bell_to_imp_o,
    output reg         bell_revoke_o,   // a REVOKE for an importer (the entry was unpublished)
    output wire        revoking_o,
    output reg  [15:0] bell_node_o,
    output reg  [31:0] bell_segid_o,
    output reg         bell_noacc_o,
    output reg         post_err_o,
    // BELL received for export entry bell_idx_i (one-cycle pulse)
    input  wire        bell_rx_i,
    input  wire [4:0]  bell_idx_i,
    input  wire        bell_noacc_i,
    // the answer to this node's latest BELL to an exporter (one-cycle pulse)
    input  wire        post_resp_i,
    input  wire [3:0]  post_result_i,
    // BELL from an exporter received for import entry bell_imp_slot_i
    input  wire        bell_imp_rx_i,
    input  wire [5:0]  bell_imp_slot_i,
    // entries cleared (unpublished, disconnected): their events go with them
    input  wire        exp_clear_i,
    input  wire [4:0]  exp_clear_idx_i,
    input  wire        att_clear_i,
    input  wire [5:0]  att_clear_idx_i,
    output reg         signal_o,
    output wire        active_o     // a post to resolve, or a pulse to be latched
);
`include "adapter_regs.vh"

    // Pending counts are 32 bits wide, so every post is counted (a program
    // would need 2^32 unconsumed posts to saturate one).
    localparam integer CNT_W = 32;
    localparam [CNT_W-1:0] CNT_ZERO = {CNT_W{1'b0}};
    localparam [CNT_W-1:0] CNT_ONE  = {{(CNT_W-1){1'b0}}, 1'b1};
    localparam [CNT_W-1:0] CNT_MAX  = {CNT_W{1'b1}};
    reg [CNT_W-1:0] count_q [0:ENTRIES-1];
    reg [CNT_W-1:0] icount_q [0:ATT_ENTRIES-1];     // per import entry
    reg [5:0]  imp_index;
    // Export-side post in progress: importers still to be signalled.
    reg [63:0] walk_mask;
    reg [4:0]  walk_idx;
    reg        walk_noacc;
    reg [31:0] walk_segid;
    // Unpublish in progress: importers still to be told (REVOKE BELLs).
    reg [63:0] rv_mask;
    reg [31:0] rv_segid;
    reg [4:0]  sig_index;
    reg [31:0] dropped /*verilator public*/;
    // The latest import-side post (SIG_POST_STATUS): its own answer, so an
    // error of another request to the same node is never taken for it.
    reg        post_busy, post_done;
    reg [3:0]  post_result;
    // Posts wait here for the lookup: a CSR post and a DMA post may arrive
    // in the same cycle; the DMA's goes first, the CSR's the cycle after.
    reg        csr_pend, dma_pend;
    reg [5:0]  csr_slot, dma_slot;
    reg        csr_noacc, dma_noacc;

    wire csr_post = reg_wr_i && reg_addr_i == REG_SIG_POST;
    wire exp_post = reg_wr_i && reg_addr_i == REG_SIG_POST_EXPORT && walk_mask == 64'd0;
    wire iconsume = reg_wr_i && reg_addr_i == REG_SIG_IMP_CONSUME;
    wire [5:0] iconsume_slot = get_SIG_IMP_CONSUME_SLOT(reg_wdata_i);
    assign ip_idx_o = exp_clear_i ? exp_clear_idx_i : get_SIG_POST_EXPORT_IDX(reg_wdata_i);
    assign revoking_o = rv_mask != 64'd0;
    // Lowest importer still to tell: revocations before posts.
    wire        rv_turn = rv_mask != 64'd0;
    wire [63:0] next_mask = rv_turn ? rv_mask : walk_mask;
    reg [5:0]  walk_slot;
    integer    w;
    always @(*) begin
        walk_slot = 6'd0;
        if (next_mask != 64'd0)   // mostly idle: skip the encoder (see import_table.v)
            for (w = 63; w >= 0; w = w - 1)
                if (next_mask[w]) walk_slot = w[5:0];
    end
    wire consume  = reg_wr_i && reg_addr_i == REG_SIG_CONSUME;
    wire [4:0] consume_idx = get_SIG_CONSUME_IDX(reg_wdata_i);
    wire use_dma  = dma_pend;
    assign pl_slot_o = use_dma ? dma_slot : csr_slot;
    wire firing   = dma_pend || csr_pend;
    wire [CNT_W-1:0] count_b = count_q[bell_idx_i];
    wire [CNT_W-1:0] count_c = count_q[consume_idx];
    // Saturating; with NO_ACCUMULATE only when none is pending.
    wire bell_counts = bell_rx_i && !(bell_noacc_i && count_b != CNT_ZERO) && count_b != CNT_MAX;
    assign active_o = firing || walk_mask != 64'd0 || rv_mask != 64'd0 || signal_o || post_err_o;
    wire [CNT_W-1:0] icount_b = icount_q[bell_imp_slot_i];
    wire [CNT_W-1:0] icount_c = icount_q[iconsume_slot];
    wire ibell_counts = bell_imp_rx_i && !(bell_noacc_i && icount_b != CNT_ZERO) && icount_b != CNT_MAX;

    // Clock enable: the unit changes state only on a register write, a post,
    // an answer, a BELL, a cleared entry, work in progress or a pulse to
    // drop; a DMA transfer's cycles leave it alone (and cost a simulator
    // nothing here).
    wire step = reg_wr_i || dma_post_i || post_resp_i || bell_rx_i || bell_imp_rx_i || exp_clear_i ||
                att_clear_i || active_o || bell_go_o;

    integer i;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            for (i = 0; i < ENTRIES; i = i + 1) count_q[i] <= CNT_ZERO;
            for (i = 0; i < ATT_ENTRIES; i = i + 1) icount_q[i] <= CNT_ZERO;
            imp_index <= 6'd0;
            walk_mask <= 64'd0;
            walk_idx <= 5'd0;
            walk_noacc <= 1'b0;
            walk_segid <= 32'd0;
            rv_mask <= 64'd0;
            rv_segid <= 32'd0;
            bell_to_imp_o <= 1'b0;
            bell_revoke_o <= 1'b0;
            sig_index <= 5'd0;
            dropped <= 32'd0;
            csr_pend <= 1'b0;
            dma_pend <= 1'b0;
            csr_slot <= 6'd0;
            dma_slot <= 6'd0;
            csr_noacc <= 1'b0;
            dma_noacc <= 1'b0;
            bell_go_o <= 1'b0;
            bell_node_o <= 16'd0;
            bell_segid_o <= 32'd0;
            bell_noacc_o <= 1'b0;
            post_err_o <= 1'b0;
            signal_o <= 1'b0;
            post_busy <= 1'b0;
            post_done <= 1'b0;
            post_result <= 4'd0;
        end else if (step) begin
            bell_go_o <= 1'b0;
            post_err_o <= 1'b0;
            signal_o <= 1'b0;
            bell_to_imp_o <= 1'b0;
            bell_revoke_o <= 1'b0;
            if (reg_wr_i && reg_addr_i == REG_SIG_INDEX) sig_index <= get_SIG_INDEX_IDX(reg_wdata_i);
            if (reg_wr_i && reg_addr_i == REG_SIG_IMP_INDEX) imp_index <= get_SIG_IMP_INDEX_SLOT(reg_wdata_i);
            // An export-side post snapshots the entry's importers, then sends
            // one BELL per cycle when no importer-side post is waiting.
            if (exp_post) begin
                walk_mask <= ip_importers_i;
                walk_idx <= get_SIG_POST_EXPORT_IDX(reg_wdata_i);
                walk_noacc <= get_SIG_POST_EXPORT_NO_ACCUMULATE(reg_wdata_i);
                walk_segid <= ip_segid_i;
            end else if (!firing && next_mask != 64'd0) begin
                bell_go_o <= 1'b1;
                bell_to_imp_o <= 1'b1;
                bell_revoke_o <= rv_turn;
                bell_node_o <= slot_node(walk_slot);
                bell_segid_o <= rv_turn ? rv_segid : walk_segid;
                bell_noacc_o <= rv_turn ? 1'b0 : walk_noacc;
                if (rv_turn) rv_mask[walk_slot] <= 1'b0;
                else walk_mask[walk_slot] <= 1'b0;
            end

            if (post_resp_i && post_busy) begin
                post_busy <= 1'b0;
                post_done <= 1'b1;
                post_result <= post_result_i;
            end
            // Send side: resolve one pending post per cycle.
            if (firing) begin
                if (pl_valid_i) begin
                    bell_go_o <= 1'b1;
                    bell_node_o <= pl_node_i;
                    bell_segid_o <= pl_segid_i;
                    bell_noacc_o <= use_dma ? dma_noacc : csr_noacc;
                end else begin
                    post_err_o <= 1'b1;
                end
                post_busy <= pl_valid_i;
                post_done <= !pl_valid_i;
                post_result <= pl_valid_i ? 4'd0 : ERR_CLASS_NO_ENTRY;
                if (use_dma) dma_pend <= 1'b0;
                else csr_pend <= 1'b0;
            end
            if (csr_post) begin
                csr_pend <= 1'b1;
                csr_slot <= get_SIG_POST_SLOT(reg_wdata_i);
                csr_noacc <= get_SIG_POST_NO_ACCUMULATE(reg_wdata_i);
            end
            if (dma_post_i) begin
                dma_pend <= 1'b1;
                dma_slot <= dma_post_slot_i;
                dma_noacc <= dma_post_noacc_i;
            end

            // Receive side: only the entries named this cycle change. A BELL
            // and a consume of the same entry in one cycle cancel out.
            if (!(bell_counts && consume && consume_idx == bell_idx_i)) begin
                if (bell_counts) count_q[bell_idx_i] <= count_b + CNT_ONE;
                if (consume && count_c != CNT_ZERO) count_q[consume_idx] <= count_c - CNT_ONE;
            end
            if (exp_clear_i) begin
                count_q[exp_clear_idx_i] <= CNT_ZERO;
                if (exp_clear_idx_i == walk_idx) walk_mask <= 64'd0;   // unpublished: stop signalling
                // Tell every recorded importer (software waits for REVOKING
                // to drop before clearing another entry).
                if (ip_importers_i != 64'd0) begin
                    rv_mask <= rv_mask | ip_importers_i;
                    rv_segid <= ip_segid_i;
                end
            end
            if (!(ibell_counts && iconsume && iconsume_slot == bell_imp_slot_i)) begin
                if (ibell_counts) icount_q[bell_imp_slot_i] <= icount_b + CNT_ONE;
                if (iconsume && icount_c != CNT_ZERO) icount_q[iconsume_slot] <= icount_c - CNT_ONE;
            end
            if (att_clear_i) icount_q[att_clear_idx_i] <= CNT_ZERO;
            if (bell_rx_i) begin
                if (bell_noacc_i && count_b != CNT_ZERO) dropped <= dropped + 32'd1;
                else signal_o <= 1'b1;
            end
            if (bell_imp_rx_i) begin
                if (bell_noacc_i && icount_b != CNT_ZERO) dropped <= dropped + 32'd1;
                else signal_o <= 1'b1;
            end
        end
    end

    // The PENDING words are built only when addressed, so the comparisons
    // cost nothing in the cycles nobody reads them.
    integer r;
    always @(*) begin
        reg_rdata_o = 32'd0;
        if (reg_rd_i) case (reg_addr_i)
            REG_SIG_PENDING:
                for (r = 0; r < ENTRIES; r = r + 1) reg_rdata_o[r] = count_q[r] != CNT_ZERO;
            REG_SIG_INDEX:   reg_rdata_o = pack_SIG_INDEX(sig_index);
            REG_SIG_COUNT:   reg_rdata_o = count_q[sig_index];
            REG_SIG_DROPPED: reg_rdata_o = dropped;
            REG_SIG_IMP_PENDING_LO:
                for (r = 0; r < 32; r = r + 1) reg_rdata_o[r] = icount_q[r] != CNT_ZERO;
            REG_SIG_IMP_PENDING_HI:
                for (r = 0; r < 32; r = r + 1) reg_rdata_o[r] = icount_q[r + 32] != CNT_ZERO;
            REG_SIG_IMP_INDEX:      reg_rdata_o = pack_SIG_IMP_INDEX(imp_index);
            REG_SIG_IMP_COUNT:      reg_rdata_o = icount_q[imp_index];
            REG_SIG_POST_STATUS:    reg_rdata_o = pack_SIG_POST_STATUS(post_busy, post_done, post_result);
            default:         reg_rdata_o = 32'd0;
        endcase
    end
endmodule
`default_nettype wire
