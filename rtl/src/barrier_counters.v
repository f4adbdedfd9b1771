// Barrier counters: for every remote node, requests issued, responses
// received and errors seen, plus one route generation counter. An RSM barrier
// snapshots a node's errors and the route generation at open; close waits
// until that node's outstanding count is 0 and fails if either moved.
`default_nettype none
module barrier_counters (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        reg_rd_i,    // a register access this cycle: drive reg_rdata_o (0 otherwise)
    input  wire        reg_wr_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output reg  [31:0] reg_rdata_o,
    // datapath events, at most one of each per cycle, for node ev_node_i
    input  wire        ev_issue_i,
    input  wire        ev_ack_i,
    input  wire        ev_err_i,
    input  wire        ev_xlate_err_i,  // a window access to node ev_node_i refused locally
    input  wire [15:0] ev_node_i,
    input  wire [3:0]  ev_err_class_i,
    input  wire        ev_route_i,     // the fabric rerouted
    input  wire        dma_issue_i,    // the DMA engine issued a packet to node dma_node_i
    input  wire [15:0] dma_node_i
);
`include "adapter_regs.vh"
    localparam integer NODES = MAX_NODES;

    reg [31:0] issued_q [0:NODES-1];
    reg [31:0] acked_q  [0:NODES-1];
    reg [31:0] errors_q [0:NODES-1];
    reg [3:0]  last_q   [0:NODES-1];
    reg [31:0] route_gen /*verilator public*/;
    reg [15:0] sel;

    wire [NODE_SLOT_W-1:0] ev_slot  = node_slot(ev_node_i);
    wire [NODE_SLOT_W-1:0] sel_slot = node_slot(sel);
    wire       ev_ok    = node_ok(ev_node_i);
    wire [NODE_SLOT_W-1:0] dma_slot = node_slot(dma_node_i);
    wire       ev_inc   = ev_ok && ev_issue_i;
    wire       dma_inc  = node_ok(dma_node_i) && dma_issue_i;

    integer i;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            for (i = 0; i < NODES; i = i + 1) begin
                issued_q[i] <= 32'd0;
                acked_q[i]  <= 32'd0;
                errors_q[i] <= 32'd0;
                last_q[i]   <= 4'd0;
            end
            route_gen <= 32'd0;
            sel <= 16'd0;
        end else begin
            if (reg_wr_i && reg_addr_i == REG_BAR_NODE) sel <= get_BAR_NODE_NODE(reg_wdata_i);
            if (ev_route_i) route_gen <= route_gen + 32'd1;
            // Two issues in one cycle (a window access and a DMA packet) both count.
            if (ev_inc && dma_inc && ev_slot == dma_slot) issued_q[ev_slot] <= issued_q[ev_slot] + 32'd2;
            else begin
                if (ev_inc)  issued_q[ev_slot] <= issued_q[ev_slot] + 32'd1;
                if (dma_inc) issued_q[dma_slot] <= issued_q[dma_slot] + 32'd1;
            end
            if (ev_ok && ev_ack_i)   acked_q[ev_slot] <= acked_q[ev_slot] + 32'd1;
            // A refused access is an error of the span too: it never left.
            if (ev_ok && (ev_err_i || ev_xlate_err_i)) begin
                errors_q[ev_slot] <= errors_q[ev_slot] + 32'd1;
                last_q[ev_slot] <= ev_err_class_i;
            end
        end
    end

    wire sel_ok = node_ok(sel);
    always @(*) begin
        reg_rdata_o = 32'd0;
        if (reg_rd_i) case (reg_addr_i)
            REG_BAR_NODE:        reg_rdata_o = pack_BAR_NODE(sel);
            REG_BAR_ISSUED:      reg_rdata_o = sel_ok ? issued_q[sel_slot] : 32'd0;
            REG_BAR_ACKED:       reg_rdata_o = sel_ok ? acked_q[sel_slot] : 32'd0;
            REG_BAR_OUTSTANDING: reg_rdata_o = sel_ok ? issued_q[sel_slot] - acked_q[sel_slot] : 32'd0;
            REG_BAR_ERRORS:      reg_rdata_o = sel_ok ? errors_q[sel_slot] : 32'd0;
            REG_BAR_LAST_ERR:    reg_rdata_o = sel_ok ? pack_BAR_LAST_ERR(last_q[sel_slot]) : 32'd0;
            REG_ROUTE_GEN:       reg_rdata_o = route_gen;
            default:             reg_rdata_o = 32'd0;
        endcase
    end
endmodule
`default_nettype wire
