"""Dev-file readers: the real GLUE fixtures (counts from shared/fixtures/SOURCES.md), the layouts
we have no fixture for (written here in their official shape), label mapping, model specs."""

import collections
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tools", "glue_compare"))

import models  # noqa: E402
import tasks  # noqa: E402

FIXTURES = os.environ.get("INTFORMER_FIXTURES_DIR",
                          os.path.join(os.path.dirname(REPO), "shared", "fixtures"))
GLUE = os.path.join(FIXTURES, "glue")


class FixtureReaderTest(unittest.TestCase):
    def read(self, task):
        path = tasks.dev_path(GLUE, task)
        if not os.path.isfile(path):
            self.fail("fixture %s missing (INTFORMER_FIXTURES_DIR=%s)" % (path, FIXTURES))
        return tasks.read_dev(task, path)

    def test_sst2(self):
        d = self.read("sst2")
        self.assertEqual(len(d), 872)
        self.assertEqual(collections.Counter(d.gold), {0: 428, 1: 444})
        self.assertEqual(d.texts[0], ("it 's a charming and often affecting journey . ",))

    def test_mrpc_bom_and_quotes(self):
        d = self.read("mrpc")
        self.assertEqual(len(d), 408)
        self.assertEqual(collections.Counter(d.gold), {1: 279, 0: 129})
        # The BOM must not hide the header, and '"' is text, not CSV quoting.
        self.assertEqual(d.layout, "glue")
        self.assertTrue(d.texts[0][1].startswith('"The foodservice pie'))
        self.assertIn('"100 percent behind George Bush"', d.texts[1][1])
        self.assertTrue(all(len(t) == 2 for t in d.texts))

    def test_rte_hf_export(self):
        d = self.read("rte")
        self.assertEqual(d.layout, "hf")
        self.assertEqual(len(d), 277)
        self.assertEqual(collections.Counter(d.gold), {0: 146, 1: 131})  # 0 = entailment

    def test_stsb(self):
        d = self.read("stsb")
        self.assertEqual(len(d), 1500)
        self.assertEqual(d.gold[:4], [5.0, 4.75, 5.0, 2.4])
        self.assertTrue(all(0.0 <= g <= 5.0 for g in d.gold))
        self.assertEqual(d.texts[0], ("A man with a hard hat is dancing.",
                                      "A man wearing a hard hat is dancing."))

    def test_qnli_text_labels(self):
        d = self.read("qnli")
        self.assertEqual(len(d), 5463)
        self.assertEqual(collections.Counter(d.gold), {0: 2702, 1: 2761})  # entailment = 0


class LayoutTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, name="dev.tsv", raw=None):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(raw if raw is not None else text.encode("utf-8"))
        return path

    def test_cola_headerless(self):
        p = self.write("gj04\t1\t\tOur friends won't buy this analysis.\n"
                       "gj04\t0\t*\tThey drank the pub.\n")
        d = tasks.read_dev("cola", p)
        self.assertEqual(d.gold, [1, 0])
        self.assertEqual(d.texts[1], ("They drank the pub.",))

    def test_rte_official_text_labels(self):
        p = self.write("index\tsentence1\tsentence2\tlabel\n0\tA b.\tC d.\tnot_entailment\n"
                       "1\tE.\tF.\tentailment\n")
        d = tasks.read_dev("rte", p)
        self.assertEqual((d.layout, d.gold), ("glue", [1, 0]))

    def test_mnli_official(self):
        head = ("index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
                "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\t"
                "label4\tlabel5\tgold_label\n")
        row = "0\t1\t1n\tgov\t( x )\t( y )\t(ROOT x)\t(ROOT y)\tPrem {}.\tHyp {}.\t{}\t{}\t{}\t{}\t{}\t{}\n"
        body = "".join(row.format(i, i, *([lab] * 6)) for i, lab in
                       enumerate(["neutral", "contradiction", "entailment"]))
        d = tasks.read_dev("mnli-m", self.write(head + body))
        self.assertEqual(d.gold, [1, 2, 0])
        self.assertEqual(d.texts[2], ("Prem 2.", "Hyp 2."))

    def test_qqp_official_and_hf(self):
        p = self.write("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
                       "7\t1\t2\tWhy?\tHow?\t1\n")
        self.assertEqual(tasks.read_dev("qqp", p).gold, [1])
        p = self.write("question1\tquestion2\tlabel\tidx\nWhy?\tHow?\t0\t0\n", name="hf.tsv")
        self.assertEqual(tasks.read_dev("qqp", p).layout, "hf")

    def test_crlf_and_lone_cr(self):
        # CRLF endings are stripped; a lone CR inside a sentence stays text, not a new row.
        p = self.write(None, raw=b"sentence\tlabel\r\nfine\rcase\t1\r\nbad\t0\r\n\r\n")
        d = tasks.read_dev("sst2", p)
        self.assertEqual(len(d), 2)
        self.assertEqual(d.texts, [("fine\rcase",), ("bad",)])
        self.assertEqual(d.gold, [1, 0])

    def test_stsb_float_formats(self):
        head = "\t".join(["index", "genre", "filename", "year", "old_index", "source1",
                          "source2", "sentence1", "sentence2", "score"])
        rows = ["%d\tg\tf\t2012\t0\tnone\tnone\ta\tb\t%s" % (i, s)
                for i, s in enumerate(["5.000", "2.60", "0.00", "3.8", "1.333333"])]
        d = tasks.read_dev("stsb", self.write("\n".join([head] + rows)))  # no final newline
        self.assertEqual(d.gold, [5.0, 2.6, 0.0, 3.8, 1.333333])

    def test_errors_name_file_and_line(self):
        p = self.write("sentence\tlabel\ngood\t1\nbad\t7\n")
        with self.assertRaisesRegex(tasks.DataError, r"dev.tsv:3: label '7'"):
            tasks.read_dev("sst2", p)
        p = self.write("index\tsentence1\tsentence2\tlabel\n0\tonly one field\n", name="r.tsv")
        with self.assertRaisesRegex(tasks.DataError, r"r.tsv:2: 2 fields"):
            tasks.read_dev("rte", p)
        p = self.write("foo\tbar\n1\t2\n", name="u.tsv")
        with self.assertRaisesRegex(tasks.DataError, "unrecognised first line"):
            tasks.read_dev("qnli", p)
        p = self.write(None, name="b.tsv", raw=b"sentence\tlabel\n\xff\t1\n")
        with self.assertRaisesRegex(tasks.DataError, "not UTF-8"):
            tasks.read_dev("sst2", p)


class LabelMapTest(unittest.TestCase):
    def test_generic_names_keep_datasets_order(self):
        self.assertIsNone(tasks.prediction_map("rte", {"0": "LABEL_0", "1": "LABEL_1"})[0])
        self.assertIsNone(tasks.prediction_map("rte", None)[0])
        self.assertIsNone(tasks.prediction_map("sst2", {"0": "negative", "1": "positive"})[0])

    def test_other_order_is_remapped(self):
        # The old transformers MNLI processor order; upper case as roberta-large-mnli writes it.
        m, note = tasks.prediction_map(
            "mnli-m", {"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"})
        self.assertEqual(m, [2, 1, 0])
        self.assertIn("0->contradiction", note)
        self.assertEqual(tasks.prediction_map("qnli", {"0": "not entailment",
                                                       "1": "Entailment"})[0], [1, 0])


class ModelSpecTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def ckpt(self, name, task=None, files=()):
        d = os.path.join(self.root, name)
        os.makedirs(d)
        cfg = {"num_labels": 2}
        if task:
            cfg["finetuning_task"] = task
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f)
        for n in files:
            open(os.path.join(d, n), "w").close()
        return d

    def test_parse_spec(self):
        d = self.ckpt("a", files=("model.int8.ifm", "model-nf4.ifm", "notes.txt"))
        key, ck = models.parse_spec("SST-2=" + d)
        self.assertEqual(key, "sst2")
        self.assertEqual(ck, {"fp32": d, "int8": os.path.join(d, "model.int8.ifm"),
                              "nf4": os.path.join(d, "model-nf4.ifm")})
        key, ck = models.parse_spec("mrpc=fp32=%s,int8=/x/q.ifm" % d)
        self.assertEqual((key, ck["int8"]), ("mrpc", "/x/q.ifm"))
        self.assertEqual(models.parse_spec("int8=/x/q.ifm", only_key="rte"),
                         ("rte", {"int8": "/x/q.ifm"}))
        with self.assertRaisesRegex(models.SpecError, "say which task"):
            models.parse_spec("int8=/x/q.ifm")
        with self.assertRaisesRegex(models.SpecError, "unknown variant"):
            models.parse_spec("sst2=%s,int4=/x" % d)

    def test_task_from_config(self):
        d = self.ckpt("whatever", task="mnli")
        self.assertEqual(models.parse_spec(d)[0], "mnli")
        self.assertEqual(models.resolve_task("mnli"), ["mnli-m", "mnli-mm"])
        self.assertEqual(models.resolve_task("STS-B"), ["stsb"])

    def test_discover_folder(self):
        self.ckpt("SST-2", files=("int8.ifm",))
        self.ckpt("mrpc-bert-base")
        self.ckpt("x", task="sts-b")
        os.makedirs(os.path.join(self.root, "unrelated"))
        found = models.discover(self.root)
        self.assertEqual(sorted(found), ["mrpc", "sst2", "stsb"])
        self.assertIn("int8", found["sst2"])
        self.ckpt("sst2-roberta")
        with self.assertRaisesRegex(models.SpecError, "both"):
            models.discover(self.root)

    def test_discover_single(self):
        d = self.ckpt("ckpt", files=("m.nf4.ifm",))
        self.assertEqual(models.discover(d, only_key="cola"),
                         {"cola": {"fp32": d, "nf4": os.path.join(d, "m.nf4.ifm")}})
        with self.assertRaisesRegex(models.SpecError, "task is unknown"):
            models.discover(d)


if __name__ == "__main__":
    unittest.main()
