"""End-to-end plumbing of glue_compare.py against a STAND-IN for `intformer classify`.

The real classify command does not exist yet. FAKE_CLASSIFY below is a tiny executable written by
this test that speaks the same JSON-lines contract (glue_compare.py's docstring) and checks the
flags it is given; what it "predicts" is read from the model file (or <hf dir>/fake.json), so each
test knows the exact scores to expect. This tests the script (arguments, discovery, the input TSV,
progress, parsing, error reporting, tables), not any model: real numbers come when classify lands.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCRIPT = os.path.join(REPO, "tools", "glue_compare", "glue_compare.py")
sys.path.insert(0, os.path.dirname(SCRIPT))

import tasks  # noqa: E402

FIXTURES = os.environ.get("INTFORMER_FIXTURES_DIR",
                          os.path.join(os.path.dirname(REPO), "shared", "fixtures"))
GLUE = os.path.join(FIXTURES, "glue")

FAKE_CLASSIFY = r'''#!%(python)s
# STAND-IN for `intformer classify`, written by test_runner.py (plumbing test only).
import json, os, sys
a = sys.argv[1:]
if a == ["--version"]:
    print("intformer 0.0-fake"); sys.exit(0)
def die(msg, code=4):
    print("fake classify: " + msg, file=sys.stderr); sys.exit(code)
if not a or a[0] != "classify": die("expected the classify subcommand")
def values(flag): return [a[i + 1] for i in range(len(a) - 1) if a[i] == flag]
for flag in ("--json", "--skip-header"):
    if flag not in a: die("missing " + flag)
model, tsv, cols = values("--model")[0], values("--tsv")[0], values("--text-col")
spec = json.load(open(os.path.join(model, "fake.json") if os.path.isdir(model) else model))
with open(tsv, encoding="utf-8", newline="") as f:
    lines = f.read().split("\n")
header, rows = lines[0].split("\t"), [l for l in lines[1:] if l]
if cols != [str(i) for i in range(len(header))]: die("--text-col %%s vs header %%s" %% (cols, header))
if any(len(r.split("\t")) != len(header) for r in rows): die("ragged row")
mode = spec.get("mode", "ok")
print("fake classify: loading " + model, file=sys.stderr)
if mode == "fail": die("cannot map tensor 'encoder.0.attn.wq'", 3)
preds = spec["preds"]
if len(preds) < len(rows): die("model knows %%d rows, got %%d" %% (len(preds), len(rows)))
order = range(len(rows) - 1, -1, -1) if spec.get("reverse") else range(len(rows))
for i in order:
    if mode == "badjson" and i == 3: print("loss=0.1"); continue
    if mode == "short" and i == len(rows) - 1: continue
    p = preds[i]
    if spec.get("regression"):
        obj = {"row": i, "label": 0, "logits": [p]}
    else:
        logits = [-1.0] * spec.get("classes", 2); logits[p] = 2.5
        obj = {"row": i, "label": p, "logits": logits}
    print(json.dumps(obj), flush=True)
'''


class RunnerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.fake = os.path.join(self.root, "intformer")
        with open(self.fake, "w") as f:
            f.write(FAKE_CLASSIFY % {"python": sys.executable})
        os.chmod(self.fake, 0o755)
        self.out = os.path.join(self.root, "out")

    def tearDown(self):
        self.tmp.cleanup()

    def gold(self, task, data_dir=GLUE):
        return tasks.read_dev(task, tasks.dev_path(data_dir, task)).gold

    def hf_dir(self, name, fake, config=None):
        d = os.path.join(self.root, name)
        os.makedirs(d)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config or {}, f)
        self.model_file(os.path.join(d, "fake.json"), fake)
        return d

    def model_file(self, path, fake):
        with open(path, "w") as f:
            json.dump(fake, f)
        return path

    def run_script(self, *args, binary=None):
        cmd = [sys.executable, SCRIPT, "--intformer", binary or self.fake, "--out", self.out]
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=240)
        res = None
        if os.path.isfile(os.path.join(self.out, "results.json")):
            with open(os.path.join(self.out, "results.json")) as f:
                res = json.load(f)
        return r, res

    def md(self):
        with open(os.path.join(self.out, "results.md"), encoding="utf-8") as f:
            return f.read()

    def test_sst2_fp32_int8_no_nf4(self):
        gold = self.gold("sst2")
        flipped = [1 - g for g in gold[:10]] + gold[10:]
        d = self.hf_dir("sst2-ckpt", {"preds": gold}, {"finetuning_task": "sst2", "num_labels": 2})
        self.model_file(os.path.join(d, "model.int8.ifm"), {"preds": flipped})
        r, res = self.run_script("--model", d, "--data-dir", GLUE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(res["tasks"], ["sst2"])
        sst2 = res["results"]["sst2"]
        self.assertEqual(sst2["fp32"]["metrics"], {"acc": 1.0})
        self.assertAlmostEqual(sst2["int8"]["metrics"]["acc"], 862 / 872)
        self.assertNotIn("nf4", sst2)
        md = self.md()
        self.assertIn("|  | SST-2 acc | Avg |", md)
        self.assertIn("| FP32 | 100.0 | 100.0 |", md)
        self.assertIn("| INT8 | 98.9 | 98.9 |", md)
        self.assertIn("| NF4 | — | — |", md)
        self.assertIn("| Δ(INT8−FP32) | -1.1 | -1.1 |", md)  # 10/872 = 1.15 points
        self.assertIn("| Δ(NF4−FP32) | — | — |", md)
        self.assertIn("INT8", r.stdout)  # the text table
        self.assertIn("872/872", r.stderr)  # progress bar reached the end
        with open(os.path.join(self.out, "inputs", "sst2.tsv"), encoding="utf-8") as f:
            self.assertEqual(len(f.read().split("\n")), 874)  # header + 872 rows + final ""
        try:
            import matplotlib  # noqa: F401
            self.assertTrue(os.path.isfile(os.path.join(self.out, "results.png")))
        except ImportError:
            self.assertIn("no PNG chart", r.stderr)

    def test_pairs_regression_nan_and_limit(self):
        stsb, mrpc = self.gold("stsb"), self.gold("mrpc")
        s = self.hf_dir("stsb", {"preds": stsb, "regression": True, "reverse": True})
        self.model_file(os.path.join(s, "int8.ifm"), {"preds": [2.5] * 1500, "regression": True})
        m = self.hf_dir("mrpc", {"preds": mrpc, "reverse": True})
        inv = self.model_file(os.path.join(self.root, "inv.ifm"), {"preds": [1 - g for g in mrpc]})
        r, res = self.run_script("--task", "stsb,mrpc", "--data-dir", GLUE, "--limit", "50",
                                 "--model", "stsb=" + s, "--model", "mrpc=%s,nf4=%s" % (m, inv))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(res["tasks"], ["stsb", "mrpc"])
        got = res["results"]
        self.assertAlmostEqual(got["stsb"]["fp32"]["metrics"]["pearson"], 1.0)
        self.assertAlmostEqual(got["stsb"]["fp32"]["metrics"]["spearman"], 1.0)
        self.assertEqual(got["stsb"]["int8"]["metrics"], {"pearson": None, "spearman": None})
        self.assertEqual(got["mrpc"]["fp32"]["rows"], 50)
        self.assertEqual(got["mrpc"]["nf4"]["metrics"], {"acc": 0.0, "f1": 0.0})
        md = self.md()
        self.assertIn("|  | STS-B Pearson/Spearman | MRPC acc/F1 | Avg |", md)
        self.assertIn("| FP32 | 100.0/100.0 | 100.0/100.0 | 100.0 |", md)
        self.assertIn("| INT8 | nan/nan | — | — |", md)
        self.assertIn("| Δ(NF4−FP32) | — | -100.0/-100.0 | — |", md)
        self.assertIn("Only the first 50 rows", md)

    def small_rte(self, n=20):
        data = os.path.join(self.root, "data")
        os.makedirs(os.path.join(data, "RTE"))
        labels = ["entailment", "not_entailment"]
        with open(os.path.join(data, "RTE", "dev.tsv"), "w") as f:
            f.write("index\tsentence1\tsentence2\tlabel\n")
            for i in range(n):
                f.write('%d\tA "quoted" premise %d.\tHypothesis %d.\t%s\n' % (i, i, i, labels[i % 3 == 0]))
        return data

    def test_failures_are_reported_and_tabled(self):
        data = self.small_rte()
        gold = self.gold("rte", data)
        d = self.hf_dir("rte", {"mode": "fail"})
        bad = self.model_file(os.path.join(self.root, "bad.ifm"), {"mode": "badjson", "preds": gold})
        short = self.model_file(os.path.join(self.root, "s.ifm"), {"mode": "short", "preds": gold})
        r, res = self.run_script("--data-dir", data, "--model",
                                 "rte=%s,int8=%s,nf4=%s" % (d, bad, short))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot map tensor 'encoder.0.attn.wq'", r.stderr)  # classify's stderr
        self.assertIn("exited with status 3", r.stderr)
        self.assertIn("is not JSON", r.stderr)
        self.assertIn("printed 19 of 20 rows", r.stderr)
        self.assertIn("| FP32 | fail | — |", self.md())
        self.assertIn("cannot map tensor", res["results"]["rte"]["fp32"]["error"])

    def test_missing_binary(self):
        data = self.small_rte()
        d = self.hf_dir("rte", {"preds": self.gold("rte", data)})
        r, res = self.run_script("--data-dir", data, "--model", "rte=" + d,
                                 binary=os.path.join(self.root, "no", "intformer"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot start", r.stderr)

    def test_bad_arguments(self):
        r, _ = self.run_script("--task", "cola", "--data-dir", GLUE)
        self.assertEqual(r.returncode, 2)
        self.assertIn("dev file", r.stderr)
        r, _ = self.run_script("--task", "squad")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown task", r.stderr)
        r, _ = self.run_script("--data-dir", GLUE)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nothing to run", r.stderr)

    def test_model_dir_and_label_order(self):
        # A model-dir of checkpoints; the RTE one was trained with labels in the other order
        # (id2label 0=not_entailment), so its raw indices are all "wrong" until remapped.
        data = self.small_rte()
        root = os.path.join(self.root, "ckpts")
        os.makedirs(root)
        self.root, outer = root, self.root
        gold = self.gold("rte", data)
        self.hf_dir("RTE", {"preds": [1 - g for g in gold]},
                    {"id2label": {"0": "NOT_ENTAILMENT", "1": "ENTAILMENT"}})
        self.root = outer
        r, res = self.run_script("--data-dir", data, "--model-dir", root)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(res["results"]["rte"]["fp32"]["metrics"], {"acc": 1.0})
        self.assertIn("0->not_entailment", res["results"]["rte"]["fp32"]["label_map"])


if __name__ == "__main__":
    unittest.main()
