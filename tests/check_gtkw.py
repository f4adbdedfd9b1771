#!/usr/bin/env python3
"""check_gtkw.py VCD GTKW: every signal the GTKWave save file shows exists in the VCD, and its filters too."""
import sys


def vcd_names(path):
    names, scope = set(), []
    with open(path) as f:
        for line in f:
            t = line.split()
            if not t:
                continue
            if t[0] == "$enddefinitions":
                break
            if t[0] == "$scope":
                scope.append(t[2])
            elif t[0] == "$upscope":
                scope.pop()
            elif t[0] == "$var":
                rng = t[5] if len(t) > 5 and t[5].startswith("[") else ""
                names.add(".".join(scope + [t[4]]) + rng)
    return names


def main(vcd, gtkw):
    names = vcd_names(vcd)
    # Signal lines: not a setting ([...]), flags (@), a comment or group (-),
    # a filter (^), a blank or a marker (*).
    shown = [l.strip() for l in open(gtkw) if l.strip() and l[0] not in "[@-^*"]
    filters = [l.split(None, 1)[1].strip() for l in open(gtkw) if l.startswith("^1 ")]
    import os
    for f in filters:
        if not os.path.isfile(f):
            print(f"{gtkw}: its translate filter {f} does not exist")
            return 1
    if not shown:
        print(f"{gtkw} shows no signal")
        return 1
    missing = [s for s in shown if s not in names]
    for s in missing:
        print(f"missing in {vcd}: {s}")
    return 1 if missing or not shown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
