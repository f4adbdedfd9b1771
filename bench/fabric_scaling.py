#!/usr/bin/env python3
"""fabric_scaling.py RSMSIM [--topology T]: cost of simulating the all-to-all
put workload (every node puts 256 B into every other node, with implicit
barriers) on 2, 8, 32 and 64 nodes. Prints simulated time, wall time, wall
seconds per simulated second and the peak resident memory of each run."""
import argparse
import os
import re
import resource
import subprocess
import sys
import time


def run(sim, nodes, topology):
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    t0 = time.perf_counter()
    out = subprocess.run([sim, "-w", "all-to-all", "-n", str(nodes), "-t", topology, "--no-vcd"],
                         capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if out.returncode != 0 or "result: PASS" not in out.stdout:
        sys.exit(f"{nodes} nodes: the run failed\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    m = re.search(r"simulated time: ([0-9.]+) us; fabric packets delivered: ([0-9]+)", out.stdout)
    # ru_maxrss of children is the largest so far; runs go from small to large.
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return float(m.group(1)), int(m.group(2)), wall, rss_mib


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rsmsim")
    ap.add_argument("--topology", default="switch")
    args = ap.parse_args()
    print(f"all-to-all, 256 B puts, topology {args.topology}")
    print(f"{'nodes':>5} {'puts':>6} {'packets':>8} {'simulated us':>13} {'wall s':>8} {'wall s / sim s':>15} {'peak RSS MiB':>13}")
    for n in (2, 8, 32, 64):
        sim_us, packets, wall, rss = run(args.rsmsim, n, args.topology)
        print(f"{n:>5} {n * (n - 1):>6} {packets:>8} {sim_us:>13.1f} {wall:>8.2f} {wall / (sim_us * 1e-6):>15.0f} {rss:>13.1f}")


if __name__ == "__main__":
    main()
