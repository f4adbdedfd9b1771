#!/usr/bin/env python3
"""fidelity.py BUILD [--no-callgrind]: the simulator's host cost in each
fidelity, measured in one run. Table 1: per workload, host instructions
(callgrind, stable on a shared machine) and wall time of rtl (the verilated
core), cycle (the C++ core, cycle for cycle) and fast (the C++ core, whole
DMA entries as trains), with the ratios to rtl and the fast run's simulated
time against the rtl run's; rtl and cycle must give the same report, else
it stops. Beside it, what a full waveform costs: each traced workload's
instructions against the same workload untraced. Table 2: the host cost of single rsmapi calls
(bench/process_cost.c, in-process; the median of --runs runs, interleaved
with the floor's, since this machine's speed drifts by the minute) in each
fidelity, against a memcpy of the same bytes in the same process and
against the TLM floor (bench/tlm_floor.cpp: one b_transport and wait, the
least a register access costs in this architecture; a put makes nine
accesses, and waits twice in fast, where a program runs ahead of simulated
time)."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

FIDELITIES = ("rtl", "cycle", "fast")
WORKLOADS = [
    # name, arguments (each run adds --fidelity and, unless given, --no-vcd);
    # a name ending in "(wall)" is not run under callgrind (the RTL run would
    # take ten minutes there) but three times, its wall time the median
    ("bulk putv/getv, 1 MiB in 1..16 entries (-w sg)", ["-w", "sg", "-b", "1048576"]),
    ("4-byte puts and signal posts, 100 round trips (-w pingpong)", ["-w", "pingpong", "--rounds", "100"]),
    ("signal posts, 200 each way (-w storm)", ["-n", "3", "-w", "storm", "--rounds", "200"]),
    ("all-to-all, 8 nodes, 4 KiB per pair", ["-n", "8", "-w", "all-to-all", "-b", "4096"]),
    ("all-to-all, 8 nodes, 64 KiB per pair (links contended)", ["-n", "8", "-w", "all-to-all", "-b", "65536"]),
    ("all-to-all, 8 nodes, 64 KiB per pair, full VCD", ["-n", "8", "-w", "all-to-all", "-b", "65536", "--vcd",
                                                         "{tmp}/w.vcd"]),
    ("all-to-all, 64 nodes, 256 B per pair", ["-n", "64", "-w", "all-to-all"]),
    ("all-to-all, 64 nodes, full VCD", ["-n", "64", "-w", "all-to-all", "--vcd", "{tmp}/w.vcd"]),
    ("all-to-all, 64 nodes, 64 KiB per pair (wall)", ["-n", "64", "-w", "all-to-all", "-b", "65536"]),
]
# What a full waveform costs: each traced workload against the same one untraced.
VCD_PAIRS = [
    ("all-to-all, 8 nodes, 64 KiB per pair, full VCD", "all-to-all, 8 nodes, 64 KiB per pair (links contended)"),
    ("all-to-all, 64 nodes, full VCD", "all-to-all, 64 nodes, 256 B per pair"),
]
ENV = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")


def report_lines(out):
    # The report without its header line (it names the fidelity and the waveform).
    return [l for l in out.splitlines() if not l.startswith("rsmsim: ")]


def run(sim, args, fidelity, tmp, callgrind):
    args = [a.replace("{tmp}", tmp) for a in args]
    if "--vcd" not in args:
        args.append("--no-vcd")
    cmd = [sim, *args, "--fidelity", fidelity]
    if callgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *cmd]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - t0
    if out.returncode != 0 or "result: PASS" not in out.stdout:
        sys.exit(f"{' '.join(cmd)}: the run failed\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    refs = None
    if callgrind:
        refs = int(re.search(r"I\s+refs:\s+([0-9,]+)", out.stderr).group(1).replace(",", ""))
    return report_lines(out.stdout), wall, refs


def simulated_us(lines):
    return float(re.search(r"simulated time: ([0-9.]+) us", "\n".join(lines)).group(1))


def workloads(sim, callgrind):
    head = " | ".join(f"{f} instructions" for f in FIDELITIES)
    print(f"| workload | {head} | rtl/cycle | rtl/fast | " + " | ".join(f"{f} wall" for f in FIDELITIES) +
          " | simulated time, fast - rtl |")
    print("|---" * (2 * len(FIDELITIES) + 4) + "|")
    refs_of = {}   # (workload, fidelity): instructions
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in WORKLOADS:
            row = {}
            for f in FIDELITIES:
                lines, wall, _ = run(sim, args, f, tmp, False)
                if name.endswith("(wall)"):
                    # Its own figure: the median of three runs (the fast run's
                    # time swings with the kernel's huge pages for its segments).
                    wall = statistics.median([wall] + [run(sim, args, f, tmp, False)[1] for _ in range(2)])
                refs = run(sim, args, f, tmp, True)[2] if callgrind and not name.endswith("(wall)") else None
                row[f] = (lines, wall, refs)
            refs_of.update({(name, f): row[f][2] for f in FIDELITIES})
            if row["rtl"][0] != row["cycle"][0]:
                sys.exit(f"{name}: rtl and cycle reports differ")
            g = lambda r: "-" if r is None else f"{r / 1e9:.2f} G"
            ratio = lambda x, y: "-" if x is None or y is None else f"{x / y:.1f}x"
            ins = " | ".join(g(row[f][2]) for f in FIDELITIES)
            walls = " | ".join(f"{row[f][1]:.2f} s" for f in FIDELITIES)
            # Wall-time ratios where there are no instruction counts.
            pick = 2 if row["rtl"][2] is not None else 1
            rtl_us, fast_us = simulated_us(row["rtl"][0]), simulated_us(row["fast"][0])
            print(f"| {name} | {ins} | {ratio(row['rtl'][pick], row['cycle'][pick])} | "
                  f"{ratio(row['rtl'][pick], row['fast'][pick])} | {walls} | {(fast_us - rtl_us) / rtl_us * 100:+.2f} % |",
                  flush=True)
    if not callgrind:
        return
    print()
    print("| full VCD against no waveform (instructions) | " + " | ".join(FIDELITIES) + " |")
    print("|---" * (len(FIDELITIES) + 1) + "|")
    for traced, plain in VCD_PAIRS:
        cells = " | ".join(f"{refs_of[traced, f] / refs_of[plain, f]:.2f}x" for f in FIDELITIES)
        print(f"| {traced} | {cells} |", flush=True)


def measure(cmd, env):
    # The "cost NAME NS" lines of one run.
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    costs = {m.group(1): float(m.group(2)) for m in re.finditer(r"cost (\S+) (\d+)", out.stdout)}
    if out.returncode != 0 or not costs:
        sys.exit(f"{' '.join(cmd)} failed\n{out.stderr[-2000:]}")
    return costs


def calls(build, runs):
    # Each figure is the median of `runs` runs, the fidelities interleaved
    # and the floor measured between them: this machine's speed drifts.
    samples = {f: {} for f in FIDELITIES}
    floors = []
    for _ in range(runs):
        for f in FIDELITIES:
            for key, ns in measure([f"{build}/bench/process_cost_inproc"], dict(ENV, RSMSIM_FIDELITY=f)).items():
                samples[f].setdefault(key, []).append(ns)
        floors.append(measure([f"{build}/bench/tlm_floor"], ENV)["tlm_floor"])
    costs = {f: {key: statistics.median(v) for key, v in samples[f].items()} for f in FIDELITIES}
    floor = statistics.median(floors)
    print()
    print(f"(median of {runs} runs each)")
    print("| call (host time per call) | " + " | ".join(FIDELITIES) + " | rtl/fast |")
    print("|---" * (len(FIDELITIES) + 2) + "|")
    names = {"put4": "4-byte put, implicit barrier", "post": "signal post", "putv1M": "putv, 1 MiB in one entry",
             "putv16M": "putv, 16 MiB in 16 entries"}
    for key, name in names.items():
        cells = " | ".join(f"{costs[f][key] / 1000:.2f} us" for f in FIDELITIES)
        print(f"| {name} | {cells} | {costs['rtl'][key] / costs['fast'][key]:.1f}x |")
    memcpy = sum(costs[f]["memcpy16M"] for f in FIDELITIES) / len(FIDELITIES)
    ratios = " | ".join(f"{costs[f]['putv16M'] / memcpy:.1f}x" for f in FIDELITIES)
    print(f"| putv 16 MiB / memcpy of 16 MiB ({memcpy / 1e6:.2f} ms) | {ratios} | |")
    # The floor: one TLM transport and wait, as NodeBus makes per register access.
    ratios = " | ".join(f"{costs[f]['put4'] / floor:.1f}x" for f in FIDELITIES)
    print(f"| 4-byte put / TLM floor (one b_transport + wait: {floor:.0f} ns) | {ratios} | |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", help="the build directory (build/sim/rsmsim, build/bench/process_cost_inproc)")
    ap.add_argument("--no-callgrind", action="store_true", help="wall time only")
    ap.add_argument("--runs", type=int, default=5, help="runs per call figure (their median)")
    a = ap.parse_args()
    workloads(f"{a.build}/sim/rsmsim", not a.no_callgrind)
    calls(a.build, a.runs)


if __name__ == "__main__":
    main()
