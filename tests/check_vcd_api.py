#!/usr/bin/env python3
"""check_vcd_api.py VCD NAMES_DIR NODE CALL...: node NODE's `api` signal
shows each rsmapi CALL (by the value the run's filter file gives its name),
returns to idle between calls, and `api_rc` holds only known status codes."""
import sys

from check_vcd_packets import read_vcd


def names(path):
    out = {}
    for line in open(path):
        value, name = line.split(None, 1)
        out[int(value)] = name.strip()
    return out


def main(vcd, names_dir, node, calls):
    vars_, changes = read_vcd(vcd)
    code = {name: c for c, (scope, name, _) in vars_.items() if scope == f"node{node}"}
    shown = {names(f"{names_dir}/rsmapi_call.txt")[int(v, 2)] for v in changes.get(code["api"], ())}
    statuses = names(f"{names_dir}/rsmapi_status.txt")
    rcs = {int(v, 2) for v in changes.get(code["api_rc"], ())}
    bad = [c for c in calls if c not in shown]
    if "-" not in shown:
        bad.append("- (idle between calls)")
    if bad:
        print(f"node {node}'s api never shows: {', '.join(bad)} (it shows {sorted(shown)})")
    unknown = [rc for rc in rcs if rc not in statuses]
    if unknown:
        print(f"node {node}'s api_rc shows codes that are no status: {unknown}")
    return 1 if bad or unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
