// Import translation table (ATT): entry i maps window slot i to
// <remote node, remote segment id> with a length and read/write rights.
// The lookup is combinational so a window access is checked in the cycle it
// is presented; the hardware, not the driver, enforces bounds and rights.
`default_nettype none
module import_table #(
    parameter integer ENTRIES = 64,
    parameter integer IW = 6
) (
    input  wire          clk,
    input  wire          rst_n,
    input  wire          enable_i,
    // table maintenance (from the register file)
    input  wire          cmd_i,        // one-cycle command strobe
    input  wire [2:0]    op_i,         // TABLE_OP
    input  wire [IW-1:0] index_i,
    input  wire [15:0]   wr_node_i,
    input  wire [31:0]   wr_segid_i,
    input  wire [31:0]   wr_size_i,
    input  wire [2:0]    wr_ctrl_i,    // {WRITE, READ, VALID}
    output wire [15:0]   rd_node_o,    // entry index_i, for OP=READ
    output wire [31:0]   rd_segid_o,
    output wire [31:0]   rd_size_o,
    output wire [2:0]    rd_ctrl_o,
    // translation of one window access (programmed I/O)
    input  wire [IW-1:0] xl_slot_i,
    input  wire [27:0]   xl_off_i,
    input  wire [28:0]   xl_len_i,
    input  wire          xl_write_i,
    output wire [3:0]    xl_err_o,
    output wire [15:0]   xl_node_o,
    output wire [31:0]   xl_segid_o,
    // check of one DMA descriptor
    input  wire [IW-1:0] dx_slot_i,
    input  wire [27:0]   dx_off_i,
    input  wire [28:0]   dx_len_i,
    input  wire          dx_write_i,
    output wire [3:0]    dx_err_o,
    output wire [15:0]   dx_node_o,
    output wire [31:0]   dx_segid_o,
    // entries importing <node, segment> (for signals from their exporter)
    input  wire          im_query_i,       // a match is asked for; im_match_o is 0 otherwise
    input  wire [15:0]   im_node_i,
    input  wire [31:0]   im_segid_i,
    input  wire          im_any_segid_i,   // match every segment of im_node_i (node lost)
    output reg  [ENTRIES-1:0] im_match_o,
    // the exporter revoked the entries in rv_mask_i (one-cycle strobe)
    input  wire          rv_i,
    input  wire [ENTRIES-1:0] rv_mask_i,
    output wire [ENTRIES-1:0] revoked_o,
    // lookup of a signal post's entry (valid only; any rights)
    input  wire [IW-1:0] pl_slot_i,
    output wire          pl_valid_o,
    output wire [15:0]   pl_node_o,
    output wire [31:0]   pl_segid_o
);
`include "adapter_regs.vh"

    reg [15:0] node_q  [0:ENTRIES-1];
    reg [31:0] segid_q [0:ENTRIES-1];
    reg [31:0] size_q  [0:ENTRIES-1];
    // ATT_CTRL's bits, one vector each: a revocation clears any set of
    // entries in one assignment (an array of entries took one per entry,
    // which a cycle simulator then checks at every edge).
    reg [ENTRIES-1:0] valid_q, read_q, write_q;
    reg [ENTRIES-1:0] revoked_q;
    function automatic [2:0] ctrl_of(input v, input r, input w);
        begin
            ctrl_of = 3'd0;
            ctrl_of[ATT_CTRL_VALID_LSB] = v;
            ctrl_of[ATT_CTRL_READ_LSB]  = r;
            ctrl_of[ATT_CTRL_WRITE_LSB] = w;
        end
    endfunction
    wire [ENTRIES-1:0] rv_hit = rv_i ? rv_mask_i & valid_q : {ENTRIES{1'b0}};
    wire table_write = cmd_i && {1'b0, op_i} == TABLE_OP_WRITE;
    wire table_clear = cmd_i && {1'b0, op_i} == TABLE_OP_CLEAR;

    integer i;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            for (i = 0; i < ENTRIES; i = i + 1) begin
                node_q[i]  <= 16'd0;
                segid_q[i] <= 32'd0;
                size_q[i]  <= 32'd0;
            end
            valid_q <= {ENTRIES{1'b0}};
            read_q <= {ENTRIES{1'b0}};
            write_q <= {ENTRIES{1'b0}};
            revoked_q <= {ENTRIES{1'b0}};
        end else begin
            // Revocation first: a table command in the same cycle wins.
            valid_q <= valid_q & ~rv_hit;
            read_q <= read_q & ~rv_hit;
            write_q <= write_q & ~rv_hit;
            revoked_q <= revoked_q | rv_hit;
            if (table_write || table_clear) revoked_q[index_i] <= 1'b0;
            if (table_write) begin
                node_q[index_i]  <= wr_node_i;
                segid_q[index_i] <= wr_segid_i;
                size_q[index_i]  <= wr_size_i;
                valid_q[index_i] <= wr_ctrl_i[ATT_CTRL_VALID_LSB];
                read_q[index_i]  <= wr_ctrl_i[ATT_CTRL_READ_LSB];
                write_q[index_i] <= wr_ctrl_i[ATT_CTRL_WRITE_LSB];
            end else if (table_clear) begin
                valid_q[index_i] <= 1'b0;
                read_q[index_i]  <= 1'b0;
                write_q[index_i] <= 1'b0;
            end
        end
    end
    assign revoked_o = revoked_q;

    assign rd_node_o  = node_q[index_i];
    assign rd_segid_o = segid_q[index_i];
    assign rd_size_o  = size_q[index_i];
    assign rd_ctrl_o  = ctrl_of(valid_q[index_i], read_q[index_i], write_q[index_i]);

    // The same check serves programmed I/O and DMA descriptors.
    function automatic [3:0] check(input en, input valid, input can_read, input can_write, input [31:0] size,
                                   input [27:0] off, input [28:0] len, input write);
        // 33-bit sum: offset + length never wraps, so huge lengths fail BOUNDS.
        reg [32:0] end_b;
        begin
            end_b = {5'd0, off} + {4'd0, len};
            if (!en)                                check = ERR_CLASS_UNREACHABLE;
            else if (!valid)                        check = ERR_CLASS_NO_ENTRY;
            else if (write ? !can_write : !can_read) check = ERR_CLASS_RIGHTS;
            else if (end_b > {1'b0, size})          check = ERR_CLASS_BOUNDS;
            else                                    check = ERR_CLASS_OK;
        end
    endfunction

    assign xl_err_o   = check(enable_i, valid_q[xl_slot_i], read_q[xl_slot_i], write_q[xl_slot_i],
                              size_q[xl_slot_i], xl_off_i, xl_len_i, xl_write_i);
    assign xl_node_o  = node_q[xl_slot_i];
    assign xl_segid_o = segid_q[xl_slot_i];
    assign dx_err_o   = check(enable_i, valid_q[dx_slot_i], read_q[dx_slot_i], write_q[dx_slot_i],
                              size_q[dx_slot_i], dx_off_i, dx_len_i, dx_write_i);
    assign dx_node_o  = node_q[dx_slot_i];
    assign dx_segid_o = segid_q[dx_slot_i];
    // Gated by the query strobe, as the request-valid of a real port; a
    // cycle simulator then skips the 64 comparisons when nobody asks.
    always @(*) begin
        im_match_o = {ENTRIES{1'b0}};
        if (im_query_i)
            for (i = 0; i < ENTRIES; i = i + 1)
                im_match_o[i] = valid_q[i] && node_q[i] == im_node_i && (im_any_segid_i || segid_q[i] == im_segid_i);
    end
    assign pl_valid_o = enable_i && valid_q[pl_slot_i];
    assign pl_node_o  = node_q[pl_slot_i];
    assign pl_segid_o = segid_q[pl_slot_i];
endmodule
`default_nettype wire
