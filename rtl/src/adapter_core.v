// The adapter's control core: register file + import translation table +
// export table. The SystemC model (model/) wraps this verilated block; the
// packet datapath around it asks it to translate window accesses and to check
// incoming requests, and reports transaction events back into its counters.
`default_nettype none
module adapter_core (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [15:0] node_id_i,
    input  wire        link_up_i,
    input  wire        reg_req_i,
    input  wire        reg_we_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output wire [31:0] reg_rdata_o,
    output wire        reg_err_o,
    input  wire [5:0]  xl_slot_i,
    input  wire [27:0] xl_off_i,
    input  wire [28:0] xl_len_i,
    input  wire        xl_write_i,
    output wire [3:0]  xl_err_o,
    output wire [15:0] xl_node_o,
    output wire [31:0] xl_segid_o,
    input  wire [31:0] ex_segid_i,
    input  wire [15:0] ex_src_i,
    input  wire [31:0] ex_off_i,
    input  wire [32:0] ex_len_i,
    input  wire        ex_write_i,
    input  wire        ex_probe_i,
    output wire [3:0]  ex_err_o,
    output wire [63:0] ex_addr_o,
    output wire [31:0] ex_size_o,
    output wire [1:0]  ex_perm_o,
    input  wire        ev_issue_i,
    input  wire        ev_ack_i,
    input  wire        ev_err_i,
    input  wire        ev_xlate_err_i,
    input  wire [3:0]  ev_err_class_i,
    output wire        conn_go_o,
    output wire [15:0] conn_node_o,
    output wire [31:0] conn_segid_o,
    input  wire        conn_resp_i,
    input  wire [3:0]  conn_result_i,
    input  wire [31:0] conn_size_i,
    input  wire [1:0]  conn_perm_i,
    output wire        irq_o
);
    wire        enable;
    wire        att_cmd, exp_cmd;
    wire [2:0]  att_op, exp_op;
    wire [5:0]  att_index;
    wire [15:0] att_node, att_rd_node;
    wire [31:0] att_segid, att_size, att_rd_segid, att_rd_size;
    wire [2:0]  att_ctrl, att_rd_ctrl;
    wire [4:0]  exp_index;
    wire [31:0] exp_segid, exp_size, exp_rd_segid, exp_rd_size;
    wire [63:0] exp_base, exp_rd_base;
    wire [3:0]  exp_ctrl, exp_rd_ctrl;
    wire [15:0] exp_acl_node;
    wire [1:0]  exp_acl_perm;

    adapter_csr csr (
        .clk(clk), .rst_n(rst_n), .node_id_i(node_id_i), .link_up_i(link_up_i),
        .reg_req_i(reg_req_i), .reg_we_i(reg_we_i), .reg_addr_i(reg_addr_i),
        .reg_wdata_i(reg_wdata_i), .reg_rdata_o(reg_rdata_o), .reg_err_o(reg_err_o),
        .enable_o(enable),
        .att_cmd_o(att_cmd), .att_op_o(att_op), .att_index_o(att_index),
        .att_node_o(att_node), .att_segid_o(att_segid), .att_size_o(att_size),
        .att_ctrl_o(att_ctrl), .att_rd_node_i(att_rd_node), .att_rd_segid_i(att_rd_segid),
        .att_rd_size_i(att_rd_size), .att_rd_ctrl_i(att_rd_ctrl),
        .exp_cmd_o(exp_cmd), .exp_op_o(exp_op), .exp_index_o(exp_index),
        .exp_segid_o(exp_segid), .exp_base_o(exp_base), .exp_size_o(exp_size),
        .exp_ctrl_o(exp_ctrl), .exp_acl_node_o(exp_acl_node), .exp_acl_perm_o(exp_acl_perm),
        .exp_rd_segid_i(exp_rd_segid), .exp_rd_base_i(exp_rd_base),
        .exp_rd_size_i(exp_rd_size), .exp_rd_ctrl_i(exp_rd_ctrl),
        .ev_issue_i(ev_issue_i), .ev_ack_i(ev_ack_i), .ev_err_i(ev_err_i),
        .ev_xlate_err_i(ev_xlate_err_i), .ev_err_class_i(ev_err_class_i),
        .conn_go_o(conn_go_o), .conn_node_o(conn_node_o), .conn_segid_o(conn_segid_o),
        .conn_resp_i(conn_resp_i), .conn_result_i(conn_result_i),
        .conn_size_i(conn_size_i), .conn_perm_i(conn_perm_i), .irq_o(irq_o)
    );

    import_table #(.ENTRIES(64), .IW(6)) att (
        .clk(clk), .rst_n(rst_n), .enable_i(enable),
        .cmd_i(att_cmd), .op_i(att_op), .index_i(att_index),
        .wr_node_i(att_node), .wr_segid_i(att_segid), .wr_size_i(att_size), .wr_ctrl_i(att_ctrl),
        .rd_node_o(att_rd_node), .rd_segid_o(att_rd_segid), .rd_size_o(att_rd_size),
        .rd_ctrl_o(att_rd_ctrl),
        .xl_slot_i(xl_slot_i), .xl_off_i(xl_off_i), .xl_len_i(xl_len_i), .xl_write_i(xl_write_i),
        .xl_err_o(xl_err_o), .xl_node_o(xl_node_o), .xl_segid_o(xl_segid_o)
    );

    export_table #(.ENTRIES(32), .IW(5), .NODES(64)) ett (
        .clk(clk), .rst_n(rst_n), .enable_i(enable),
        .cmd_i(exp_cmd), .op_i(exp_op), .index_i(exp_index),
        .wr_segid_i(exp_segid), .wr_base_i(exp_base), .wr_size_i(exp_size), .wr_ctrl_i(exp_ctrl),
        .wr_acl_node_i(exp_acl_node), .wr_acl_perm_i(exp_acl_perm),
        .rd_segid_o(exp_rd_segid), .rd_base_o(exp_rd_base), .rd_size_o(exp_rd_size),
        .rd_ctrl_o(exp_rd_ctrl),
        .ex_segid_i(ex_segid_i), .ex_src_i(ex_src_i), .ex_off_i(ex_off_i), .ex_len_i(ex_len_i),
        .ex_write_i(ex_write_i), .ex_probe_i(ex_probe_i),
        .ex_err_o(ex_err_o), .ex_addr_o(ex_addr_o), .ex_size_o(ex_size_o), .ex_perm_o(ex_perm_o)
    );
endmodule
`default_nettype wire
