"""Unit tests of the register-map generator: it rejects broken maps with a
clear message and its outputs are stable."""
import copy
import pathlib
import subprocess
import sys
import tempfile
import tomllib
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import regtool  # noqa: E402

MAP = HERE.parent / "rtl" / "regmap" / "adapter.toml"


def base():
    with open(MAP, "rb") as f:
        return tomllib.load(f)


class Validation(unittest.TestCase):
    def expect_error(self, data, fragment):
        with self.assertRaises(regtool.MapError) as ctx:
            regtool.validate(data)
        self.assertIn(fragment, str(ctx.exception))

    def test_the_real_map_is_valid(self):
        regtool.validate(base())

    def test_overlapping_offsets_are_rejected(self):
        d = base()
        d["register"][1]["offset"] = d["register"][0]["offset"]
        self.expect_error(d, "overlaps")

    def test_unaligned_offset_is_rejected(self):
        d = base()
        d["register"][0]["offset"] = 0x2
        self.expect_error(d, "not 4-byte aligned")

    def test_unknown_access_is_rejected(self):
        d = base()
        d["register"][0]["access"] = "rx"
        self.expect_error(d, "unknown access")

    def test_field_beyond_32_bits_is_rejected(self):
        d = base()
        d["register"][1]["fields"][0]["width"] = 40
        self.expect_error(d, "does not fit")

    def test_overlapping_fields_are_rejected(self):
        d = base()
        f = d["register"][1]["fields"]
        f[1]["lsb"] = 8
        self.expect_error(d, "overlaps another field")

    def test_reset_with_unimplemented_bits_is_rejected(self):
        d = base()
        reg = next(r for r in d["register"] if r["name"] == "CTRL")
        reg["reset"] = 0x2
        self.expect_error(d, "unimplemented bits")

    def test_duplicate_name_is_rejected(self):
        d = base()
        d["register"].append(copy.deepcopy(d["register"][0]))
        d["register"][-1]["offset"] = 0xFF0
        self.expect_error(d, "defined twice")


class Outputs(unittest.TestCase):
    def test_generation_is_deterministic_and_complete(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            for d in (a, b):
                subprocess.run([sys.executable, str(HERE / "regtool.py"), str(MAP), "--out", d,
                                "--doc", str(pathlib.Path(d) / "registers.md")], check=True)
            for name in ("adapter_regs.vh", "adapter_regs_decode.vh", "adapter_regs.h",
                         "adapter_regs_table.inc", "registers.md"):
                ta = (pathlib.Path(a) / name).read_text()
                self.assertEqual(ta, (pathlib.Path(b) / name).read_text(), name)
                for reg in base()["register"]:
                    self.assertIn(reg["name"], ta, f"{reg['name']} missing from {name}")

    def test_broken_map_fails_with_message_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            bad = pathlib.Path(d) / "bad.toml"
            bad.write_text(MAP.read_text().replace("offset = 0x004", "offset = 0x000", 1))
            out = pathlib.Path(d) / "gen"
            res = subprocess.run([sys.executable, str(HERE / "regtool.py"), str(bad), "--out", str(out)],
                                 capture_output=True, text=True)
            self.assertEqual(res.returncode, 2)
            self.assertIn("overlaps", res.stderr)
            self.assertFalse(out.exists())

    def test_stale_doc_is_detected(self):
        with tempfile.TemporaryDirectory() as d:
            doc = pathlib.Path(d) / "registers.md"
            doc.write_text("old\n")
            res = subprocess.run([sys.executable, str(HERE / "regtool.py"), str(MAP), "--check-doc", str(doc)],
                                 capture_output=True, text=True)
            self.assertEqual(res.returncode, 1)
            self.assertIn("stale", res.stderr)


if __name__ == "__main__":
    unittest.main()
