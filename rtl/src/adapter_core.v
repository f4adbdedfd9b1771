// The adapter's hardware core: register decode, register file, import
// translation table, export table, barrier counters, signal-post unit and
// DMA engine. The SystemC model (model/) wraps this verilated block; the
// packet datapath around it carries the packets the core asks for, asks it
// to check incoming requests, and reports packet events back.
`default_nettype none
module adapter_core (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [15:0] node_id_i,
    input  wire        link_up_i,
    input  wire [63:0] peers_i,     // node slots the fabric reaches (from the link layer)
    // register bus
    input  wire        reg_req_i,
    input  wire        reg_we_i,
    input  wire [11:0] reg_addr_i,
    input  wire [31:0] reg_wdata_i,
    output wire [31:0] reg_rdata_o,
    output wire        reg_err_o,
    // programmed-I/O window translation
    input  wire [5:0]  xl_slot_i,
    input  wire [27:0] xl_off_i,
    input  wire [28:0] xl_len_i,
    input  wire        xl_write_i,
    output wire [3:0]  xl_err_o,
    output wire [15:0] xl_node_o,
    output wire [31:0] xl_segid_o,
    // incoming request check
    input  wire        ex_query_i,
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
    output wire [4:0]  ex_idx_o,
    // a LOOKUP of export entry imp_idx_i by node imp_node_i was answered OK
    input  wire        imp_add_i,
    input  wire [4:0]  imp_idx_i,
    input  wire [15:0] imp_node_i,
    input  wire [1:0]  imp_perm_i,
    // import entries that import <im_node_i, im_segid_i>
    input  wire        im_query_i,
    input  wire [15:0] im_node_i,
    input  wire [31:0] im_segid_i,
    input  wire        im_any_segid_i,
    output wire [63:0] im_match_o,
    // datapath packet events (for node ev_node_i)
    input  wire        ev_issue_i,
    input  wire        ev_ack_i,
    input  wire        ev_err_i,
    input  wire        ev_xlate_err_i,
    input  wire [3:0]  ev_err_class_i,
    input  wire [15:0] ev_node_i,
    input  wire        ev_route_i,
    // segment lookup
    output wire        conn_go_o,
    output wire [15:0] conn_node_o,
    output wire [31:0] conn_segid_o,
    input  wire        conn_resp_i,
    input  wire [3:0]  conn_result_i,
    input  wire [31:0] conn_size_i,
    input  wire [1:0]  conn_perm_i,
    // signal post: BELLs to send, BELLs received
    output wire        bell_go_o,
    output wire [15:0] bell_node_o,
    output wire [31:0] bell_segid_o,
    output wire        bell_noacc_o,
    output wire        bell_to_imp_o,   // BELL for an importer (export-side post)
    output wire        bell_revoke_o,   // ... that revokes its import entries (unpublish)
    input  wire        revoke_rx_i,     // a REVOKE arrived for the import entries in revoke_mask_i
    input  wire [63:0] revoke_mask_i,
    input  wire [15:0] revoke_node_i,   // ... sent by this node, for this segment id
    input  wire [31:0] revoke_segid_i,
    input  wire        revoke_any_i,    // ... for every segment of the node (it was lost)
    input  wire        bell_rx_i,       // BELL for export entry bell_idx_i
    input  wire [4:0]  bell_idx_i,
    input  wire        post_resp_i,     // the answer to our latest BELL to an exporter
    input  wire [3:0]  post_result_i,
    input  wire        bell_imp_rx_i,   // BELL for import entry bell_imp_slot_i
    input  wire [5:0]  bell_imp_slot_i,
    input  wire        bell_noacc_i,
    // DMA packets and their responses
    output wire        dma_pkt_valid_o,
    output wire        dma_pkt_write_o,
    output wire [3:0]  dma_pkt_entry_o,
    output wire [63:0] dma_pkt_local_o,
    output wire [15:0] dma_pkt_node_o,
    output wire [31:0] dma_pkt_segid_o,
    output wire [31:0] dma_pkt_remote_o,
    output wire [6:0]  dma_pkt_len_o,
    input  wire        dma_resp_valid_i,
    input  wire [3:0]  dma_resp_entry_i,
    input  wire [3:0]  dma_resp_err_i,
    // the core can make progress without an outside event: clock it
    output wire        active_o,
    output wire        irq_o
);
`include "adapter_regs.vh"
`include "adapter_regs_decode.vh"

    // Decode (generated from the register map): unmapped, unaligned or
    // read-only-write accesses are refused here and reach no block.
    // Decoded only while an access is on (an idle core evaluates none of it).
    reg [2:0] access;
    always @(*) begin
        access = ACC_NONE;
        if (reg_req_i) access = reg_access(reg_addr_i);
    end
    assign reg_err_o = reg_req_i && (reg_addr_i[1:0] != 2'b00 || access == ACC_NONE ||
                                     (reg_we_i && access == ACC_RO));
    wire reg_wr = reg_req_i && reg_we_i && !reg_err_o;
    wire [31:0] csr_rdata, bar_rdata, sig_rdata, dma_rdata;
    assign reg_rdata_o = csr_rdata | bar_rdata | sig_rdata | dma_rdata;   // each 0 unless reg_req_i

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
    wire [63:0] exp_rd_importers, ip_importers;
    wire [31:0] ip_segid;
    wire [4:0]  ip_idx;
    wire [63:0] att_revoked;
    wire        revoking;
    wire [1:0]  exp_acl_perm;
    wire        post_err, signal, dma_done, dma_err, sig_active, dma_active;
    assign active_o = sig_active || dma_active;
    wire        dma_post, dma_post_noacc, dma_issue;
    wire [15:0] dma_issue_node;
    wire [5:0]  dma_post_slot, dx_slot, pl_slot;
    wire [27:0] dx_off;
    wire [28:0] dx_len;
    wire        dx_write, pl_valid;
    wire [3:0]  dx_err;
    wire [15:0] dx_node, pl_node;
    wire [31:0] dx_segid, pl_segid;

    adapter_csr csr (
        .clk(clk), .rst_n(rst_n), .node_id_i(node_id_i), .link_up_i(link_up_i), .revoking_i(revoking),
        .peers_i(peers_i),
        .reg_rd_i(reg_req_i), .reg_wr_i(reg_wr), .reg_addr_i(reg_addr_i), .reg_wdata_i(reg_wdata_i),
        .reg_rdata_o(csr_rdata), .enable_o(enable),
        .att_cmd_o(att_cmd), .att_op_o(att_op), .att_index_o(att_index),
        .att_node_o(att_node), .att_segid_o(att_segid), .att_size_o(att_size),
        .att_ctrl_o(att_ctrl), .att_rd_node_i(att_rd_node), .att_rd_segid_i(att_rd_segid),
        .att_rd_size_i(att_rd_size), .att_rd_ctrl_i(att_rd_ctrl), .att_revoked_i(att_revoked),
        .exp_cmd_o(exp_cmd), .exp_op_o(exp_op), .exp_index_o(exp_index),
        .exp_segid_o(exp_segid), .exp_base_o(exp_base), .exp_size_o(exp_size),
        .exp_ctrl_o(exp_ctrl), .exp_acl_node_o(exp_acl_node), .exp_acl_perm_o(exp_acl_perm),
        .exp_rd_segid_i(exp_rd_segid), .exp_rd_base_i(exp_rd_base),
        .exp_rd_size_i(exp_rd_size), .exp_rd_ctrl_i(exp_rd_ctrl), .exp_rd_importers_i(exp_rd_importers),
        .ev_issue_i(ev_issue_i), .dma_issue_i(dma_issue), .ev_ack_i(ev_ack_i), .ev_err_i(ev_err_i),
        .ev_xlate_err_i(ev_xlate_err_i), .ev_err_class_i(ev_err_class_i),
        .post_err_i(post_err), .signal_i(signal), .dma_done_i(dma_done), .dma_err_i(dma_err),
        .conn_go_o(conn_go_o), .conn_node_o(conn_node_o), .conn_segid_o(conn_segid_o),
        .conn_resp_i(conn_resp_i), .conn_result_i(conn_result_i),
        .conn_size_i(conn_size_i), .conn_perm_i(conn_perm_i),
        .revoke_rx_i(revoke_rx_i), .revoke_node_i(revoke_node_i), .revoke_segid_i(revoke_segid_i),
        .revoke_any_i(revoke_any_i), .irq_o(irq_o)
    );

    import_table #(.ENTRIES(ATT_ENTRIES), .IW(ATT_INDEX_IDX_W)) att (
        .clk(clk), .rst_n(rst_n), .enable_i(enable),
        .cmd_i(att_cmd), .op_i(att_op), .index_i(att_index),
        .wr_node_i(att_node), .wr_segid_i(att_segid), .wr_size_i(att_size), .wr_ctrl_i(att_ctrl),
        .rd_node_o(att_rd_node), .rd_segid_o(att_rd_segid), .rd_size_o(att_rd_size),
        .rd_ctrl_o(att_rd_ctrl),
        .xl_slot_i(xl_slot_i), .xl_off_i(xl_off_i), .xl_len_i(xl_len_i), .xl_write_i(xl_write_i),
        .xl_err_o(xl_err_o), .xl_node_o(xl_node_o), .xl_segid_o(xl_segid_o),
        .dx_slot_i(dx_slot), .dx_off_i(dx_off), .dx_len_i(dx_len), .dx_write_i(dx_write),
        .dx_err_o(dx_err), .dx_node_o(dx_node), .dx_segid_o(dx_segid),
        .im_query_i(im_query_i), .im_node_i(im_node_i), .im_segid_i(im_segid_i), .im_any_segid_i(im_any_segid_i), .im_match_o(im_match_o),
        .rv_i(revoke_rx_i), .rv_mask_i(revoke_mask_i), .revoked_o(att_revoked),
        .pl_slot_i(pl_slot), .pl_valid_o(pl_valid), .pl_node_o(pl_node), .pl_segid_o(pl_segid)
    );

    export_table #(.ENTRIES(ETT_ENTRIES), .IW(EXP_INDEX_IDX_W)) ett (
        .clk(clk), .rst_n(rst_n), .enable_i(enable),
        .cmd_i(exp_cmd), .op_i(exp_op), .index_i(exp_index),
        .wr_segid_i(exp_segid), .wr_base_i(exp_base), .wr_size_i(exp_size), .wr_ctrl_i(exp_ctrl),
        .wr_acl_node_i(exp_acl_node), .wr_acl_perm_i(exp_acl_perm),
        .rd_segid_o(exp_rd_segid), .rd_base_o(exp_rd_base), .rd_size_o(exp_rd_size),
        .rd_ctrl_o(exp_rd_ctrl), .rd_importers_o(exp_rd_importers),
        .imp_add_i(imp_add_i), .imp_idx_i(imp_idx_i), .imp_node_i(imp_node_i), .imp_perm_i(imp_perm_i),
        .ip_idx_i(ip_idx), .ip_importers_o(ip_importers), .ip_segid_o(ip_segid),
        .ex_query_i(ex_query_i), .ex_segid_i(ex_segid_i), .ex_src_i(ex_src_i), .ex_off_i(ex_off_i), .ex_len_i(ex_len_i),
        .ex_write_i(ex_write_i), .ex_probe_i(ex_probe_i),
        .ex_err_o(ex_err_o), .ex_addr_o(ex_addr_o), .ex_size_o(ex_size_o), .ex_perm_o(ex_perm_o),
        .ex_idx_o(ex_idx_o)
    );

    barrier_counters bar (
        .clk(clk), .rst_n(rst_n), .reg_rd_i(reg_req_i), .reg_wr_i(reg_wr), .reg_addr_i(reg_addr_i),
        .reg_wdata_i(reg_wdata_i), .reg_rdata_o(bar_rdata),
        .ev_issue_i(ev_issue_i), .ev_ack_i(ev_ack_i), .ev_err_i(ev_err_i),
        .ev_xlate_err_i(ev_xlate_err_i), .ev_node_i(ev_node_i),
        .dma_issue_i(dma_issue), .dma_node_i(dma_issue_node),
        .ev_err_class_i(ev_err_class_i), .ev_route_i(ev_route_i)
    );

    wire exp_clear = exp_cmd && {1'b0, exp_op} == TABLE_OP_CLEAR;
    wire att_clear = att_cmd && {1'b0, att_op} == TABLE_OP_CLEAR;
    signal_unit #(.ENTRIES(ETT_ENTRIES)) sig (
        .clk(clk), .rst_n(rst_n), .reg_rd_i(reg_req_i), .reg_wr_i(reg_wr), .reg_addr_i(reg_addr_i),
        .reg_wdata_i(reg_wdata_i), .reg_rdata_o(sig_rdata),
        .dma_post_i(dma_post), .dma_post_slot_i(dma_post_slot), .dma_post_noacc_i(dma_post_noacc),
        .pl_slot_o(pl_slot), .pl_valid_i(pl_valid), .pl_node_i(pl_node), .pl_segid_i(pl_segid),
        .ip_idx_o(ip_idx), .ip_importers_i(ip_importers), .ip_segid_i(ip_segid),
        .bell_go_o(bell_go_o), .bell_to_imp_o(bell_to_imp_o), .bell_revoke_o(bell_revoke_o),
        .revoking_o(revoking), .bell_node_o(bell_node_o),
        .bell_segid_o(bell_segid_o), .bell_noacc_o(bell_noacc_o), .post_err_o(post_err),
        .bell_rx_i(bell_rx_i), .bell_idx_i(bell_idx_i), .bell_noacc_i(bell_noacc_i),
        .bell_imp_rx_i(bell_imp_rx_i), .bell_imp_slot_i(bell_imp_slot_i),
        .post_resp_i(post_resp_i), .post_result_i(post_result_i),
        .exp_clear_i(exp_clear), .exp_clear_idx_i(exp_index),
        .att_clear_i(att_clear), .att_clear_idx_i(att_index), .signal_o(signal),
        .active_o(sig_active)
    );

    dma_engine #(.WINDOW(128)) dma (
        .clk(clk), .rst_n(rst_n), .reg_rd_i(reg_req_i), .reg_wr_i(reg_wr), .reg_addr_i(reg_addr_i),
        .reg_wdata_i(reg_wdata_i), .reg_rdata_o(dma_rdata),
        .dx_slot_o(dx_slot), .dx_off_o(dx_off), .dx_len_o(dx_len), .dx_write_o(dx_write),
        .dx_err_i(dx_err), .dx_node_i(dx_node), .dx_segid_i(dx_segid),
        .pkt_valid_o(dma_pkt_valid_o), .pkt_write_o(dma_pkt_write_o), .pkt_entry_o(dma_pkt_entry_o),
        .pkt_local_o(dma_pkt_local_o), .pkt_node_o(dma_pkt_node_o), .pkt_segid_o(dma_pkt_segid_o),
        .pkt_remote_o(dma_pkt_remote_o), .pkt_len_o(dma_pkt_len_o),
        .resp_valid_i(dma_resp_valid_i), .resp_entry_i(dma_resp_entry_i), .resp_err_i(dma_resp_err_i),
        .post_o(dma_post), .post_slot_o(dma_post_slot), .post_noacc_o(dma_post_noacc),
        .done_o(dma_done), .err_o(dma_err), .active_o(dma_active),
        .issue_o(dma_issue), .issue_node_o(dma_issue_node)
    );
endmodule
`default_nettype wire
