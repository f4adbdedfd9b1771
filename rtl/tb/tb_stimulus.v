// Stimulus player for adapter_core: reads a stimulus file (one operation per
// line, four hex fields "op a b c") and prints what the core does. The C++
// player in tests/stimulus_player.cpp drives the verilated core with the same
// file and prints the same lines, so the two simulators can be compared.
//   op 0: a idle cycles            op 5: BELL received (a index, b no-accumulate)
//   op 1: write register a <- b    op 6: lookup answer (a result, b size, c perm)
//   op 2: read register a          op 7: translate (a slot, b offset, c[28:0] len, c[31] write)
//   op 3: events (a kinds, b node, c class); kinds: 1 issue 2 ack 4 error 8 xlate 16 route
//   op 4: answer the oldest unanswered DMA packet (b class, c node)
//   op 8: export probe (a segment, b source node, c offset; 4-byte read)
//   op 9: answer DMA packets (from node c) until the chain ends; answer number a
//         (counting from 0) carries class b; then clock while the core is active
`timescale 1ns/1ps
`default_nettype none
module tb_stimulus;
    reg         clk = 1'b0, rst_n = 1'b0;
    reg         reg_req = 1'b0, reg_we = 1'b0;
    reg  [11:0] reg_addr = 12'd0;
    reg  [31:0] reg_wdata = 32'd0;
    wire [31:0] reg_rdata;
    wire        reg_err;
    reg  [5:0]  xl_slot = 6'd0;
    reg  [27:0] xl_off = 28'd0;
    reg  [28:0] xl_len = 29'd0;
    reg         xl_write = 1'b0;
    wire [3:0]  xl_err;
    wire [15:0] xl_node;
    wire [31:0] xl_segid;
    reg  [31:0] ex_segid = 32'd0, ex_off = 32'd0;
    reg         ex_query = 1'b0;
    reg  [15:0] ex_src = 16'd0;
    wire [3:0]  ex_err;
    wire [63:0] ex_addr;
    wire [31:0] ex_size;
    wire [1:0]  ex_perm;
    wire [4:0]  ex_idx;
    reg         ev_issue = 1'b0, ev_ack = 1'b0, ev_err = 1'b0, ev_xlate = 1'b0, ev_route = 1'b0;
    reg  [3:0]  ev_class = 4'd0;
    reg  [15:0] ev_node = 16'd0;
    wire        conn_go;
    wire [15:0] conn_node;
    wire [31:0] conn_segid;
    reg         conn_resp = 1'b0;
    reg  [3:0]  conn_result = 4'd0;
    reg  [31:0] conn_size = 32'd0;
    reg  [1:0]  conn_perm = 2'd0;
    wire        bell_go, bell_noacc;
    wire [15:0] bell_node;
    wire [31:0] bell_segid;
    reg         bell_rx = 1'b0, bell_rx_noacc = 1'b0;
    reg  [4:0]  bell_idx = 5'd0;
    wire        pkt_valid, pkt_write;
    wire [3:0]  pkt_entry;
    wire [63:0] pkt_local;
    wire [15:0] pkt_node;
    wire [31:0] pkt_segid, pkt_remote;
    wire [6:0]  pkt_len;
    reg         resp_valid = 1'b0;
    reg  [3:0]  resp_entry = 4'd0, resp_err = 4'd0;
    wire        active, irq;

    adapter_core dut (
        .clk(clk), .rst_n(rst_n), .node_id_i(16'd8), .link_up_i(1'b1), .peers_i(64'h0000_0000_0000_001F),
        .reg_req_i(reg_req), .reg_we_i(reg_we), .reg_addr_i(reg_addr), .reg_wdata_i(reg_wdata),
        .reg_rdata_o(reg_rdata), .reg_err_o(reg_err),
        .xl_slot_i(xl_slot), .xl_off_i(xl_off), .xl_len_i(xl_len), .xl_write_i(xl_write),
        .xl_err_o(xl_err), .xl_node_o(xl_node), .xl_segid_o(xl_segid),
        .ex_query_i(ex_query), .ex_segid_i(ex_segid), .ex_src_i(ex_src), .ex_off_i(ex_off), .ex_len_i(33'd4),
        .ex_write_i(1'b0), .ex_probe_i(1'b0), .ex_err_o(ex_err), .ex_addr_o(ex_addr),
        .ex_size_o(ex_size), .ex_perm_o(ex_perm), .ex_idx_o(ex_idx),
        .imp_add_i(1'b0), .imp_idx_i(5'd0), .imp_node_i(16'd0), .imp_perm_i(2'd0),
        .im_query_i(1'b0), .im_node_i(16'd0), .im_segid_i(32'd0), .im_any_segid_i(1'b0), .im_match_o(),
        .ev_issue_i(ev_issue), .ev_ack_i(ev_ack), .ev_err_i(ev_err), .ev_xlate_err_i(ev_xlate),
        .ev_err_class_i(ev_class), .ev_node_i(ev_node), .ev_route_i(ev_route),
        .conn_go_o(conn_go), .conn_node_o(conn_node), .conn_segid_o(conn_segid),
        .conn_resp_i(conn_resp), .conn_result_i(conn_result), .conn_size_i(conn_size),
        .conn_perm_i(conn_perm),
        .bell_go_o(bell_go), .bell_node_o(bell_node), .bell_segid_o(bell_segid),
        .bell_noacc_o(bell_noacc), .bell_to_imp_o(), .bell_revoke_o(), .revoke_rx_i(1'b0),
        .revoke_mask_i(64'd0), .revoke_node_i(16'd0), .revoke_segid_i(32'd0), .revoke_any_i(1'b0),
        .bell_rx_i(bell_rx), .bell_idx_i(bell_idx),
        .bell_imp_rx_i(1'b0), .bell_imp_slot_i(6'd0), .post_resp_i(1'b0), .post_result_i(4'd0), .bell_noacc_i(bell_rx_noacc),
        .dma_pkt_valid_o(pkt_valid), .dma_pkt_write_o(pkt_write), .dma_pkt_entry_o(pkt_entry),
        .dma_pkt_local_o(pkt_local), .dma_pkt_node_o(pkt_node), .dma_pkt_segid_o(pkt_segid),
        .dma_pkt_remote_o(pkt_remote), .dma_pkt_len_o(pkt_len),
        .dma_resp_valid_i(resp_valid), .dma_resp_entry_i(resp_entry), .dma_resp_err_i(resp_err),
        .active_o(active), .irq_o(irq)
    );

    integer fd, out, n, k, guard, answers;
    reg [3:0]  fifo [0:255];      // entries of issued, unanswered DMA packets
    integer    head, tail;
    reg [31:0] op, a, b, c;
    reg        last_irq;
    reg [1023:0] in_path, out_path;
    integer cycles;

    // Answers the oldest unanswered packet (nothing if none is in flight).
    task answer(input [3:0] cls, input [15:0] node);
        begin
            if (head != tail) begin
                resp_valid = 1'b1; resp_entry = fifo[head % 256]; resp_err = cls;
                ev_ack = 1'b1; ev_err = cls != 4'd0; ev_node = node; ev_class = cls;
                head = head + 1;
            end
            cycle;
        end
    endtask

    task idle_inputs;
        begin
            reg_req = 1'b0; reg_we = 1'b0;
            ev_issue = 1'b0; ev_ack = 1'b0; ev_err = 1'b0; ev_xlate = 1'b0; ev_route = 1'b0;
            conn_resp = 1'b0; bell_rx = 1'b0; resp_valid = 1'b0;
        end
    endtask

    // One clock edge with the inputs as set, then report the one-cycle pulses.
    task cycle;
        begin
            #5 clk = 1'b1;
            #1;
            cycles = cycles + 1;
            if (pkt_valid) begin
                $fdisplay(out, "P %0d %0d %h %h %h %h %0d", pkt_write, pkt_entry, pkt_local,
                          pkt_node, pkt_segid, pkt_remote, pkt_len);
                fifo[tail % 256] = pkt_entry;
                tail = tail + 1;
            end
            if (bell_go) $fdisplay(out, "B %h %h %0d", bell_node, bell_segid, bell_noacc);
            if (conn_go) $fdisplay(out, "C %h %h", conn_node, conn_segid);
            if (irq !== last_irq) begin
                $fdisplay(out, "I %0d", irq);
                last_irq = irq;
            end
            idle_inputs;
            #4 clk = 1'b0;
        end
    endtask

    initial begin
        if (!$value$plusargs("stim=%s", in_path)) begin
            $display("usage: vvp tb +stim=FILE +out=FILE");
            $finish;
        end
        if (!$value$plusargs("out=%s", out_path)) out_path = "/dev/stdout";
        fd = $fopen(in_path, "r");
        out = $fopen(out_path, "w");
        cycles = 0;
        last_irq = 1'b0;
        head = 0;
        tail = 0;
        #1 rst_n = 1'b1;
        while (!$feof(fd)) begin
            n = $fscanf(fd, "%h %h %h %h\n", op, a, b, c);
            if (n == 4) begin
                case (op)
                    0: for (k = 0; k < a; k = k + 1) cycle;
                    1: begin
                        reg_req = 1'b1; reg_we = 1'b1; reg_addr = a[11:0]; reg_wdata = b;
                        #1 if (reg_err) $fdisplay(out, "W %h refused", reg_addr);
                        cycle;
                    end
                    2: begin
                        reg_req = 1'b1; reg_we = 1'b0; reg_addr = a[11:0];
                        #1 $fdisplay(out, "R %h %h %0d", reg_addr, reg_rdata, reg_err);
                        reg_req = 1'b0;
                    end
                    3: begin
                        ev_issue = a[0]; ev_ack = a[1]; ev_err = a[2]; ev_xlate = a[3]; ev_route = a[4];
                        ev_node = b[15:0]; ev_class = c[3:0];
                        cycle;
                    end
                    4: answer(b[3:0], c[15:0]);
                    9: begin
                        answers = 0;
                        for (guard = 0; guard < 100000 && (dut.dma.busy || head != tail); guard = guard + 1) begin
                            if (head != tail) begin
                                answer(answers == a ? b[3:0] : 4'd0, c[15:0]);
                                answers = answers + 1;
                            end else cycle;
                        end
                        for (guard = 0; guard < 100 && active; guard = guard + 1) cycle;
                    end
                    5: begin
                        bell_rx = 1'b1; bell_idx = a[4:0]; bell_rx_noacc = b[0];
                        cycle;
                    end
                    6: begin
                        conn_resp = 1'b1; conn_result = a[3:0]; conn_size = b; conn_perm = c[1:0];
                        cycle;
                    end
                    7: begin
                        xl_slot = a[5:0]; xl_off = b[27:0]; xl_len = c[28:0]; xl_write = c[31];
                        #1 $fdisplay(out, "X %0d %h %h", xl_err, xl_node, xl_segid);
                    end
                    8: begin
                        ex_segid = a; ex_src = b[15:0]; ex_off = c; ex_query = 1'b1;
                        #1 $fdisplay(out, "Y %0d %h %0d %0d", ex_err, ex_addr, ex_perm, ex_idx);
                        ex_query = 1'b0;
                    end
                    default: $fdisplay(out, "? %h", op);
                endcase
            end
        end
        $fdisplay(out, "END %0d", cycles);
        $fclose(out);
        $finish;
    end
endmodule
`default_nettype wire
