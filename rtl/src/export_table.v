// Export table (ETT): the segments this node publishes. An incoming request
// names <segment id, offset, length, read/write> and its source node; the
// table finds the published entry, checks the access list, rights and bounds,
// and yields the host bus address. Requests that fail never reach host memory.
`default_nettype none
module export_table #(
    parameter integer ENTRIES = 32,
    parameter integer IW = 5
) (
    input  wire          clk,
    input  wire          rst_n,
    input  wire          enable_i,
    // table maintenance
    input  wire          cmd_i,
    input  wire [2:0]    op_i,
    input  wire [IW-1:0] index_i,
    input  wire [31:0]   wr_segid_i,
    input  wire [63:0]   wr_base_i,
    input  wire [31:0]   wr_size_i,
    input  wire [3:0]    wr_ctrl_i,     // EXP_CTRL's fields
    input  wire [15:0]   wr_acl_node_i,
    input  wire [1:0]    wr_acl_perm_i, // EXP_ACL_PERM's fields
    output wire [31:0]   rd_segid_o,
    output wire [63:0]   rd_base_o,
    output wire [31:0]   rd_size_o,
    output wire [3:0]    rd_ctrl_o,
    output wire [63:0]   rd_importers_o,
    // importers: a node whose LOOKUP of entry imp_idx_i was answered OK
    // adds the rights granted to those it holds (its connections together
    // hold the union; each import entry limits its own); rights 00 remove
    // the node (it answered that it imports the segment no longer)
    input  wire          imp_add_i,
    input  wire [IW-1:0] imp_idx_i,
    input  wire [15:0]   imp_node_i,
    input  wire [1:0]    imp_perm_i,
    // importers and id of entry ip_idx_i (for export-side signal posts)
    input  wire [IW-1:0] ip_idx_i,
    output wire [63:0]   ip_importers_o,
    output wire [31:0]   ip_segid_o,
    // check of one incoming request (or a LOOKUP probe); outputs are
    // meaningful while ex_query_i is high
    input  wire          ex_query_i,
    input  wire [31:0]   ex_segid_i,
    input  wire [15:0]   ex_src_i,
    input  wire [31:0]   ex_off_i,
    input  wire [32:0]   ex_len_i,
    input  wire          ex_write_i,
    input  wire          ex_probe_i,    // lookup only: existence + access list
    output reg  [3:0]    ex_err_o,
    output wire [63:0]   ex_addr_o,
    output wire [31:0]   ex_size_o,
    output wire [1:0]    ex_perm_o,
    output wire [IW-1:0] ex_idx_o       // the matching entry (for signal events)
);
`include "adapter_regs.vh"
    localparam integer NODES = MAX_NODES;
    // Rights as in EXP_ACL_PERM and CONN_PERM: bit RD reads, bit WR writes.
    localparam integer RD = EXP_ACL_PERM_READ_LSB;
    localparam integer WR = EXP_ACL_PERM_WRITE_LSB;

    reg [31:0] segid_q [0:ENTRIES-1];
    reg [63:0] base_q  [0:ENTRIES-1];
    reg [31:0] size_q  [0:ENTRIES-1];
    reg [3:0]  ctrl_q  [0:ENTRIES-1];
    // Access list: per entry, the EXP_ACL_PERM rights of each node slot.
    reg [2*NODES-1:0] acl_q [0:ENTRIES-1];
    // Nodes the access list names, with or without rights: a named node
    // lacking a right is refused RIGHTS (PERM_DENIED), an unnamed one
    // NOT_TO_NODE (spec section 8).
    reg [NODES-1:0]   named_q [0:ENTRIES-1];
    // Rights granted to each importer at its last LOOKUP (READ and WRITE
    // bit per node slot; neither = not an importer). Its requests are
    // checked against these, so a new access list governs new connections
    // only. Two vectors, so "every importer" is one OR, not a bit loop.
    reg [NODES-1:0] grant_rd_q [0:ENTRIES-1];
    reg [NODES-1:0] grant_wr_q [0:ENTRIES-1];

    wire [NODE_SLOT_W-1:0] set_slot = node_slot(wr_acl_node_i);
    wire [NODE_SLOT_W-1:0] imp_slot = node_slot(imp_node_i);
    wire [NODE_SLOT_W-1:0] src_slot = node_slot(ex_src_i);

    integer i;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            for (i = 0; i < ENTRIES; i = i + 1) begin
                segid_q[i] <= 32'd0;
                base_q[i]  <= 64'd0;
                size_q[i]  <= 32'd0;
                ctrl_q[i]  <= 4'd0;
                acl_q[i]   <= {2*NODES{1'b0}};
                named_q[i] <= {NODES{1'b0}};
                grant_rd_q[i] <= {NODES{1'b0}};
                grant_wr_q[i] <= {NODES{1'b0}};
            end
        end else begin
            // A new importer; a table command in the same cycle comes after it.
            if (imp_add_i && node_ok(imp_node_i)) begin
                grant_rd_q[imp_idx_i][imp_slot] <= imp_perm_i != 2'b00 && (imp_perm_i[RD] || grant_rd_q[imp_idx_i][imp_slot]);
                grant_wr_q[imp_idx_i][imp_slot] <= imp_perm_i != 2'b00 && (imp_perm_i[WR] || grant_wr_q[imp_idx_i][imp_slot]);
            end
            if (cmd_i) begin
            case ({1'b0, op_i})
                TABLE_OP_WRITE: begin
                    segid_q[index_i] <= wr_segid_i;
                    base_q[index_i]  <= wr_base_i;
                    size_q[index_i]  <= wr_size_i;
                    ctrl_q[index_i]  <= wr_ctrl_i;
                end
                TABLE_OP_CLEAR: begin
                    ctrl_q[index_i] <= 4'd0;
                    acl_q[index_i]  <= {2*NODES{1'b0}};
                    named_q[index_i] <= {NODES{1'b0}};
                    grant_rd_q[index_i] <= {NODES{1'b0}};
                    grant_wr_q[index_i] <= {NODES{1'b0}};
                end
                TABLE_OP_ACL_CLEAR: begin
                    acl_q[index_i] <= {2*NODES{1'b0}};
                    named_q[index_i] <= {NODES{1'b0}};
                end
                TABLE_OP_ACL_SET:
                    if (node_ok(wr_acl_node_i)) begin
                        acl_q[index_i][{set_slot, 1'b0} +: 2] <= wr_acl_perm_i;
                        named_q[index_i][set_slot] <= 1'b1;
                    end
                default: ;
            endcase
            end
        end
    end

    assign rd_segid_o = segid_q[index_i];
    assign rd_base_o  = base_q[index_i];
    assign rd_size_o  = size_q[index_i];
    assign rd_ctrl_o  = ctrl_q[index_i];
    // An importer is a node with granted rights.
    assign rd_importers_o = grant_rd_q[index_i] | grant_wr_q[index_i];
    assign ip_importers_o = grant_rd_q[ip_idx_i] | grant_wr_q[ip_idx_i];
    assign ip_segid_o     = segid_q[ip_idx_i];

    // Associative search: the lowest valid entry with a matching segment
    // id, only while a request is presented (see import_table.v).
    reg          hit;
    reg [IW-1:0] hit_idx;
    integer      e;
    always @(*) begin
        hit = 1'b0;
        hit_idx = {IW{1'b0}};
        if (ex_query_i)
            for (e = ENTRIES - 1; e >= 0; e = e - 1) begin
                if (ctrl_q[e][EXP_CTRL_VALID_LSB] && segid_q[e] == ex_segid_i) begin
                    hit = 1'b1;
                    hit_idx = e[IW-1:0];
                end
            end
    end

    wire [3:0]  hctrl = ctrl_q[hit_idx];
    wire        unused_valid = hctrl[EXP_CTRL_VALID_LSB];   // VALID is already part of hit
    wire        pub   = hctrl[EXP_CTRL_PUBLIC_LSB];
    wire [1:0]  pub_perm;
    assign pub_perm[RD] = hctrl[EXP_CTRL_PUB_READ_LSB];
    assign pub_perm[WR] = hctrl[EXP_CTRL_PUB_WRITE_LSB];
    wire [2*NODES-1:0] hacl = acl_q[hit_idx];
    wire [1:0]  acl   = hacl[{src_slot, 1'b0} +: 2];
    wire [NODES-1:0] hgrant_rd = grant_rd_q[hit_idx];
    wire [NODES-1:0] hgrant_wr = grant_wr_q[hit_idx];
    wire [1:0]  grant;
    assign grant[RD] = hgrant_rd[src_slot];
    assign grant[WR] = hgrant_wr[src_slot];
    // The access list decides lookups (new connections); an importer's data
    // requests use what its lookup granted, a non-importer's the list.
    wire [1:0]  listed = pub ? pub_perm : acl;
    wire [NODES-1:0] hnamed = named_q[hit_idx];
    wire        named  = pub || hnamed[src_slot];   // a public segment names every node
    wire [1:0]  perm   = (!hit || !node_ok(ex_src_i)) ? 2'b00 :
                         (!ex_probe_i && grant != 2'b00) ? grant : listed;
    wire [33:0] end_b = {2'd0, ex_off_i} + {1'b0, ex_len_i};

    always @(*) begin
        if (!enable_i)                                  ex_err_o = ERR_CLASS_UNREACHABLE;
        else if (!hit)                                  ex_err_o = ERR_CLASS_NO_ENTRY;
        else if (perm == 2'b00)                         ex_err_o = (named && node_ok(ex_src_i)) ? ERR_CLASS_RIGHTS
                                                                                                : ERR_CLASS_NOT_TO_NODE;
        else if (ex_probe_i)                            ex_err_o = ERR_CLASS_OK;
        else if (ex_write_i ? !perm[WR] : !perm[RD])    ex_err_o = ERR_CLASS_RIGHTS;
        else if (end_b > {2'd0, size_q[hit_idx]})       ex_err_o = ERR_CLASS_BOUNDS;
        else                                            ex_err_o = ERR_CLASS_OK;
    end
    assign ex_addr_o = base_q[hit_idx] + {32'd0, ex_off_i};
    assign ex_size_o = size_q[hit_idx];
    assign ex_perm_o = perm;
    assign ex_idx_o  = hit_idx;
endmodule
`default_nettype wire
