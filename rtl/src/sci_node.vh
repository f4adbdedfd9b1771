// Included inside a module with a NODES parameter: whether `n` is one of the
// SCI node ids an adapter tracks (multiples of 4 from 4 to 4*NODES; the
// node's slot is n / 4 - 1).
function automatic node_ok(input [15:0] n);
    node_ok = (n[1:0] == 2'b00) && (n != 16'd0) && ({16'd0, n} <= 4 * NODES);
endfunction
