#!/usr/bin/env python3
"""fidelity.py RSMSIM [--quick]: one table of the simulator's host cost per
workload in both fidelities (rtl: the verilated core; fast: the C++ core),
measured in one run: host instructions by callgrind (stable on a shared
machine) and wall time, with the ratios rtl/fast. Every pair of runs must
give the same report (the fast core is cycle-exact), else it stops."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

WORKLOADS = [
    # name, arguments (each run adds --fidelity and, unless given, --no-vcd)
    ("bulk putv/getv, 1 MiB in 1..16 entries (-w sg)", ["-w", "sg", "-b", "1048576"]),
    ("4-byte puts and signal posts, 100 round trips (-w pingpong)", ["-w", "pingpong", "--rounds", "100"]),
    ("signal posts, 200 each way (-w storm)", ["-n", "3", "-w", "storm", "--rounds", "200"]),
    ("all-to-all, 8 nodes, 4 KiB per pair", ["-n", "8", "-w", "all-to-all", "-b", "4096"]),
    ("all-to-all, 64 nodes, 256 B per pair", ["-n", "64", "-w", "all-to-all"]),
    ("all-to-all, 64 nodes, full VCD", ["-n", "64", "-w", "all-to-all", "--vcd", "{tmp}/w.vcd"]),
]
QUICK = {0, 1, 3}


def report_lines(out):
    # The report without the header line (it names the fidelity and the waveform).
    return [l for l in out.splitlines() if not l.startswith("rsmsim: ") and "waveform" not in l]


def run(sim, args, fidelity, tmp, callgrind):
    args = [a.replace("{tmp}", tmp) for a in args]
    if "--vcd" not in args:
        args.append("--no-vcd")
    cmd = [sim, *args, "--fidelity", fidelity]
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    if callgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *cmd]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if out.returncode != 0 or "result: PASS" not in out.stdout:
        sys.exit(f"{' '.join(cmd)}: the run failed\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    refs = None
    if callgrind:
        m = re.search(r"I\s+refs:\s+([0-9,]+)", out.stderr)
        refs = int(m.group(1).replace(",", ""))
    return report_lines(out.stdout), wall, refs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rsmsim")
    ap.add_argument("--quick", action="store_true", help="three workloads only")
    ap.add_argument("--no-callgrind", action="store_true", help="wall time only")
    a = ap.parse_args()
    print("| workload | rtl instructions | fast instructions | rtl/fast | rtl wall | fast wall | rtl/fast |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, args) in enumerate(WORKLOADS):
            if a.quick and i not in QUICK:
                continue
            row = {}
            for f in ("rtl", "fast"):
                lines, wall, _ = run(a.rsmsim, args, f, tmp, False)
                refs = None if a.no_callgrind else run(a.rsmsim, args, f, tmp, True)[2]
                row[f] = (lines, wall, refs)
            if row["rtl"][0] != row["fast"][0]:
                sys.exit(f"{name}: the fidelities' reports differ")
            gi = lambda r: "-" if r is None else f"{r / 1e9:.2f} G"
            ratio = lambda x, y: "-" if x is None or y is None else f"{x / y:.2f}x"
            (_, rw, ri), (_, fw, fi) = row["rtl"], row["fast"]
            print(f"| {name} | {gi(ri)} | {gi(fi)} | {ratio(ri, fi)} | {rw:.2f} s | {fw:.2f} s | {ratio(rw, fw)} |",
                  flush=True)


if __name__ == "__main__":
    main()
