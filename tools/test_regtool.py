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
        return regtool.expand(tomllib.load(f))


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

    def test_node_id_step_must_be_a_power_of_two(self):
        d = base()
        d["device"]["node_id_step"] = 3
        self.expect_error(d, "node_id_step")

    def test_interrupts_need_causes(self):
        with self.assertRaises(regtool.MapError) as ctx:
            regtool.expand({"interrupts": {"offset": 0x14, "causes": []}})
        self.assertIn("causes", str(ctx.exception))


class Derived(unittest.TestCase):
    def test_one_cause_list_makes_three_registers_bit_for_bit(self):
        regs = {r["name"]: r for r in base()["register"]}
        causes = [f["name"] for f in regs["INTR_STATE"]["fields"]]
        self.assertEqual(len(causes), 6)
        for name, access in (("INTR_STATE", "w1c"), ("INTR_ENABLE", "rw"), ("INTR_TEST", "wo")):
            self.assertEqual(regs[name]["access"], access)
            self.assertEqual([(f["name"], f["lsb"], f["width"]) for f in regs[name]["fields"]],
                             [(c, i, 1) for i, c in enumerate(causes)])
        self.assertEqual(regs["INTR_ENABLE"]["offset"], regs["INTR_STATE"]["offset"] + 4)
        self.assertEqual(regs["INTR_TEST"]["offset"], regs["INTR_STATE"]["offset"] + 8)

    def test_verilog_pack_puts_each_field_at_its_bits(self):
        regs = {r["name"]: r for r in base()["register"]}
        text = "\n".join(regtool.verilog_field_functions(regs["DMA_STATUS"]))
        self.assertIn("pack_DMA_STATUS = {11'd0, COMPLETED, 4'd0, FAIL_ENTRY, CLASS, 1'd0, ERROR, DONE, BUSY};", text)
        self.assertIn("get_DMA_STATUS_CLASS = word[7:4];", text)

    def test_node_rule_is_the_same_in_both_languages(self):
        dev = base()["device"]
        v = "\n".join(regtool.verilog_node_ids(dev))
        self.assertIn("n <= 16'd256", v)
        self.assertIn("node_slot = n[7:2] - 6'd1;", v)
        c = "\n".join(regtool.cpp_node_ids(dev))
        self.assertIn("kNodeIdStep = 4;", c)


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
