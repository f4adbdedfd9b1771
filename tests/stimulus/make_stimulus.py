#!/usr/bin/env python3
"""Writes a deterministic stimulus for adapter_core (format: rtl/tb/tb_stimulus.v).

Usage: make_stimulus.py OUT [--rounds N] [--seed S]

Setup (enable, interrupts, import and export entries, access lists), then N
rounds of a random mix: register reads and writes, DMA chains answered in
issue order (some answers carrying errors), signal posts and received BELLs,
counter events, lookups, translations and export probes."""
import argparse
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tools"))
import regtool  # noqa: E402  (the one reader of the map)

MAP = HERE.parent.parent / "rtl" / "regmap" / "adapter.toml"


def regs():
    return {r["name"]: r for r in regtool.load(MAP)["register"]}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    R = regs()
    off = lambda name, i=0: R[name]["offset"] + i * R[name].get("stride", 0)
    lines = []
    emit = lambda op, a=0, b=0, c=0: lines.append(f"{op:x} {a:x} {b:x} {c:x}")
    W = lambda name, v, i=0: emit(1, off(name, i), v)

    # Setup: enabled, every interrupt on, import entries 0..3, export entries 0..2.
    W("CTRL", 1)
    W("INTR_ENABLE", 0x3F)
    for slot, (node, segid, size, ctrl) in enumerate(
            [(12, 0x77, 1 << 20, 7), (16, 0x78, 1 << 16, 3), (12, 0x79, 4096, 5), (20, 0x7A, 1 << 24, 7)]):
        for name, v in (("ATT_INDEX", slot), ("ATT_NODE", node), ("ATT_SEGID", segid),
                        ("ATT_SIZE", size), ("ATT_CTRL", ctrl), ("ATT_CMD", 1)):
            W(name, v)
    for idx, (segid, base, size, ctrl, acl) in enumerate(
            [(0x400001, 0x100000000, 8192, 1, [(4, 3), (12, 1)]), (0x400002, 0x100004000, 65536, 0xF, []),
             (0x400003, 0x100020000, 4096, 1, [(16, 2)])]):
        W("EXP_INDEX", idx)
        W("EXP_CMD", 3)
        for node, perm in acl:
            W("EXP_ACL_NODE", node)
            W("EXP_ACL_PERM", perm)
            W("EXP_CMD", 4)
        for name, v in (("EXP_SEGID", segid), ("EXP_BASE_LO", base & 0xFFFFFFFF), ("EXP_BASE_HI", base >> 32),
                        ("EXP_SIZE", size), ("EXP_CTRL", ctrl), ("EXP_CMD", 1)):
            W(name, v)

    readable = [r for r in R.values() if r["access"] != "wo"]
    writable = [r for r in R.values() if r["access"] == "rw" and not r["name"].startswith(("ATT_", "EXP_", "CTRL", "INTR_EN", "DMA", "DESC"))]
    for _ in range(args.rounds):
        kind = rnd.randrange(8)
        if kind == 0:   # DMA chain, answered in order
            count = rnd.randint(1, 16)
            for i in range(count):
                slot = rnd.choice([0, 0, 0, 0, 0, 2, 3])
                flags = (1 << 8 if rnd.random() < 0.6 else 0) | (1 << 9 if rnd.random() < 0.3 else 0) \
                    | (1 << 10 if rnd.random() < 0.2 else 0)
                W("DESC_LOCAL_LO", rnd.randrange(1 << 32), i)
                W("DESC_LOCAL_HI", 1, i)
                W("DESC_REMOTE", rnd.randrange(0, 4000), i)
                W("DESC_LEN", 0 if rnd.random() < 0.02 else rnd.choice([1, 4, 63, 64, 65, 200, 1000]), i)
                W("DESC_CTRL", slot | flags, i)
            W("DMA_COUNT", count if rnd.random() < 0.95 else rnd.choice([0, 17]))
            W("DMA_CTRL", 1 | (rnd.randrange(8) << 1))
            # Answer everything; sometimes one answer carries an error.
            emit(9, rnd.randrange(40) if rnd.random() < 0.4 else 0xFFFF, rnd.choice([3, 4, 5, 6]), 12)
            emit(2, off("DMA_STATUS"))
        elif kind == 1:
            r = rnd.choice(readable)
            emit(2, off(r["name"], rnd.randrange(r.get("count", 1))))
        elif kind == 2:
            r = rnd.choice(writable)
            emit(1, off(r["name"], rnd.randrange(r.get("count", 1))), rnd.randrange(1 << 32))
        elif kind == 3:
            W("SIG_POST", rnd.choice([0, 1, 5, 40]) | (rnd.randrange(2) << 8))
            emit(0, 3)
            emit(5, rnd.randrange(3), rnd.randrange(2))
            if rnd.random() < 0.5:
                W("SIG_CONSUME", rnd.randrange(3))
            W("SIG_INDEX", rnd.randrange(3))
            emit(2, off("SIG_COUNT"))
        elif kind == 4:
            emit(3, rnd.choice([1, 2, 3, 6, 8, 16, 1]), rnd.choice([4, 8, 12, 16, 7, 256]), rnd.randrange(8))
            W("BAR_NODE", rnd.choice([4, 8, 12, 16, 256]))
            emit(2, off("BAR_OUTSTANDING"))
            emit(2, off("BAR_ERRORS"))
        elif kind == 5:
            W("CONN_NODE", rnd.choice([4, 12]))
            W("CONN_SEGID", rnd.randrange(1 << 32))
            W("CONN_CMD", 1)
            emit(0, 2)
            emit(6, rnd.randrange(6), rnd.randrange(1 << 32), rnd.randrange(4))
            emit(2, off("CONN_STATUS"))
            W("INTR_STATE", 0x3F)
        elif kind == 6:
            emit(7, rnd.randrange(6), rnd.randrange(1 << 20), rnd.randrange(1 << 13) | (rnd.randrange(2) << 31))
        else:
            emit(8, rnd.choice([0x400001, 0x400002, 0x400003, 0x5]), rnd.choice([4, 12, 16, 20, 6]),
                 rnd.randrange(70000))
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
