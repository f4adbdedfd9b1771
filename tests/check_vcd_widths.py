#!/usr/bin/env python3
"""check_vcd_widths.py VCD VERILATED_DIR: every signal the waveform takes
from the verilated core is declared as wide as the RTL declares it (read
from Verilator's generated headers: VL_IN/VL_OUT ports and the CData/*h:l*/
comments of internal signals)."""
import glob
import re
import sys

from check_vcd_packets import read_vcd

# VCD scope suffix -> (header glob, signal name prefix rule); the VCD name of
# a core port is the port without its _i/_o.
SCOPES = {
    "adapter.rtl": "Vadapter_core.h",
    "adapter.rtl.csr": "Vadapter_core_adapter_csr.h",
    "adapter.rtl.dma": "Vadapter_core_dma_engine.h",
    "adapter.rtl.bar": "Vadapter_core_barrier_counters.h",
    "adapter.rtl.sig": "Vadapter_core_signal_unit.h",
}
# Traced under another name than the RTL's.
RENAMED = {"entry": "cur", "in_flight": "total_out"}


def rtl_widths(path):
    text = open(path).read()
    widths = {}
    for name, hi, lo in re.findall(r"VL_(?:IN|OUT)\w*\(&(\w+),(\d+),(\d+)\)", text):
        widths[re.sub(r"_[io]$", "", name)] = int(hi) - int(lo) + 1
    for hi, lo, name in re.findall(r"Data/\*(\d+):(\d+)\*/\s+(\w+);", text):
        widths.setdefault(name, int(hi) - int(lo) + 1)
    return widths


def main(vcd, verilated):
    vars_, _ = read_vcd(vcd)
    headers = {k: rtl_widths(glob.glob(f"{verilated}/{v}")[0]) for k, v in SCOPES.items()}
    checked, bad = 0, 0
    for scope, name, width in vars_.values():
        key = scope.split(".", 1)[1] if "." in scope else ""
        if not scope.startswith("node4.") or key not in headers:
            continue
        rtl = headers[key].get(RENAMED.get(name, name))
        if rtl is None:
            print(f"{scope}.{name}: not found in the verilated {SCOPES[key]}")
            bad = 1
        elif rtl != width:
            print(f"{scope}.{name}: traced {width} bits, the RTL has {rtl}")
            bad = 1
        checked += 1
    if checked < 20:
        print(f"only {checked} RTL signals found in {vcd}")
        bad = 1
    if not bad:
        print(f"all {checked} RTL signals are traced at the RTL's widths")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
