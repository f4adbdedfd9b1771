#!/usr/bin/env python3
"""check_vcd_packets.py VCD JSON: every packet that crossed a link is in the
waveform. The run's JSON report says how many packets crossed each link; the
VCD must show as many distinct packet ids on that link's `id` signal (a
packet is on a link's signals for its whole wire time, so none is hidden
behind another however many are in flight). Also checks that every declared
width fits the values written."""
import json
import sys


def read_vcd(path):
    """(vars: code -> (scope, name, width), changes: code -> set of values)."""
    vars_, changes, scope = {}, {}, []
    with open(path) as f:
        in_header = True
        for line in f:
            t = line.split()
            if not t:
                continue
            if in_header:
                if t[0] == "$scope":
                    scope.append(t[2])
                elif t[0] == "$upscope":
                    scope.pop()
                elif t[0] == "$var":
                    vars_[t[3]] = (".".join(scope), t[4], int(t[2]))
                elif t[0] == "$enddefinitions":
                    in_header = False
                continue
            if t[0][0] == "b":
                changes.setdefault(t[1], set()).add(t[0][1:])
            elif t[0][0] in "01xz" and len(t) == 1:
                changes.setdefault(t[0][1:], set()).add(t[0][0])
    return vars_, changes


def main(vcd, report):
    vars_, changes = read_vcd(vcd)
    bad = 0
    for code, values in changes.items():
        scope, name, width = vars_[code]
        for v in values:
            if len(v) > width:
                print(f"{scope}.{name}: value b{v} is wider than its {width} bits")
                bad = 1
    ids = {}
    for code, (scope, name, width) in vars_.items():
        if name == "id" and ".link_" in "." + scope:
            link = scope.split(".link_")[1]
            ids[link] = {int(v, 2) for v in changes.get(code, ())} - {0}
    links = json.load(open(report))["links"]
    total = 0
    for l in links:
        key = f"{l['from']}_{l['to']}"
        seen = len(ids.get(key, ()))
        total += l["packets"]
        if seen != l["packets"]:
            print(f"link {key}: {l['packets']} packets crossed it, {seen} are in the VCD")
            bad = 1
    if total == 0:
        print("no packet crossed any link: nothing was checked")
        bad = 1
    if not bad:
        print(f"all {total} link crossings are in the VCD")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
