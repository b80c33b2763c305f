"""GLUE tasks: where each dev file lives, its layouts, its labels and its metrics.

Reading. GLUE TSVs are NOT CSV files: fields are separated by a tab, never quoted, and MRPC/QNLI
strings contain literal `"` characters, so a csv reader with default quoting would merge rows.
We split each line on "\\n" only (a lone "\\r" inside a sentence must not start a row), drop one
trailing "\\r", strip the UTF-8 BOM that MRPC's file starts with, and split fields on "\\t".
Empty lines are skipped. A row with too few fields is an error naming the file and line.

Layouts. Every task lists the layouts it accepts; the first line picks one by its header (the
official GLUE file or the Hugging Face `datasets` export); CoLA's official file has no header and
is recognised by its 4 columns. Columns are found by name, so extra columns do not matter.

Labels. Gold labels are turned into the class index of the Hugging Face `datasets` GLUE
ClassLabel, which is what run_glue.py trains with:
  cola   0 unacceptable, 1 acceptable         (files hold 0/1)
  sst2   0 negative, 1 positive               (files hold 0/1)
  mrpc   0 not_equivalent, 1 equivalent       (files hold 0/1)
  qqp    0 not_duplicate, 1 duplicate         (files hold 0/1)
  mnli   0 entailment, 1 neutral, 2 contradiction  (official: text; HF export: 0/1/2)
  qnli   0 entailment, 1 not_entailment       (official: text; HF export: 0/1)
  rte    0 entailment, 1 not_entailment       (official: text; HF export: 0/1)
  wnli   0 not_entailment, 1 entailment       (files hold 0/1)
  stsb   regression: the float score 0..5 as written ("5.000", "2.60", "0.00" all parse)
A model's predicted index is read through its config.json id2label when those names are the
task's label names (case, spaces, '-' and '_' ignored), so a checkpoint trained with another
order (e.g. the old transformers MNLI processor: contradiction, entailment, neutral) is scored
right; generic names (LABEL_0, ...) mean the `datasets` order above.
"""

import os

# kind: "cls" (argmax) or "reg" (logits[0]); metrics in the order they are shown (I-BERT style).
TASKS = {
    "cola": dict(dir="CoLA", file="dev.tsv", model="cola", kind="cls", metrics=("mcc",),
                 labels=("unacceptable", "acceptable")),
    "sst2": dict(dir="SST-2", file="dev.tsv", model="sst2", kind="cls", metrics=("acc",),
                 labels=("negative", "positive")),
    "mrpc": dict(dir="MRPC", file="dev.tsv", model="mrpc", kind="cls", metrics=("acc", "f1"),
                 labels=("not_equivalent", "equivalent")),
    "qqp": dict(dir="QQP", file="dev.tsv", model="qqp", kind="cls", metrics=("acc", "f1"),
                labels=("not_duplicate", "duplicate")),
    "stsb": dict(dir="STS-B", file="dev.tsv", model="stsb", kind="reg",
                 metrics=("pearson", "spearman"), labels=()),
    "mnli-m": dict(dir="MNLI", file="dev_matched.tsv", model="mnli", kind="cls", metrics=("acc",),
                   labels=("entailment", "neutral", "contradiction")),
    "mnli-mm": dict(dir="MNLI", file="dev_mismatched.tsv", model="mnli", kind="cls",
                    metrics=("acc",), labels=("entailment", "neutral", "contradiction")),
    "qnli": dict(dir="QNLI", file="dev.tsv", model="qnli", kind="cls", metrics=("acc",),
                 labels=("entailment", "not_entailment")),
    "rte": dict(dir="RTE", file="dev.tsv", model="rte", kind="cls", metrics=("acc",),
                labels=("entailment", "not_entailment")),
    "wnli": dict(dir="WNLI", file="dev.tsv", model="wnli", kind="cls", metrics=("acc",),
                 labels=("not_entailment", "entailment")),
}
# Column order of the report: I-BERT's Table 2 order, WNLI last (GLUE papers usually leave it out).
TASK_ORDER = ("mnli-m", "mnli-mm", "qqp", "qnli", "sst2", "cola", "stsb", "mrpc", "rte", "wnli")
TITLES = {"mnli-m": "MNLI-m", "mnli-mm": "MNLI-mm", "qqp": "QQP", "qnli": "QNLI", "sst2": "SST-2",
          "cola": "CoLA", "stsb": "STS-B", "mrpc": "MRPC", "rte": "RTE", "wnli": "WNLI"}
METRIC_TITLES = {"acc": "acc", "f1": "F1", "mcc": "MCC", "pearson": "Pearson",
                 "spearman": "Spearman"}

# Layouts: (name, header or None, text column names, label column, label form). For headerless
# layouts the "names" are 0-based indices and `ncols` is the exact column count.
# label form: "int" (datasets index as digits), "text" (label name), "float" (regression).
_LAYOUTS = {
    "cola": [("glue", None, (3,), 1, "int", 4),
             ("hf", ("sentence", "label", "idx"), ("sentence",), "label", "int", None)],
    "sst2": [("glue", ("sentence", "label"), ("sentence",), "label", "int", None),
             ("hf", ("sentence", "label", "idx"), ("sentence",), "label", "int", None)],
    "mrpc": [("glue", ("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"),
              ("#1 String", "#2 String"), "Quality", "int", None),
             ("hf", ("sentence1", "sentence2", "label", "idx"), ("sentence1", "sentence2"),
              "label", "int", None)],
    "qqp": [("glue", ("id", "qid1", "qid2", "question1", "question2", "is_duplicate"),
             ("question1", "question2"), "is_duplicate", "int", None),
            ("hf", ("question1", "question2", "label", "idx"), ("question1", "question2"),
             "label", "int", None)],
    "stsb": [("glue", ("index", "genre", "filename", "year", "old_index", "source1", "source2",
                       "sentence1", "sentence2", "score"),
              ("sentence1", "sentence2"), "score", "float", None),
             ("hf", ("sentence1", "sentence2", "label", "idx"), ("sentence1", "sentence2"),
              "label", "float", None)],
    "mnli": [("glue", ("index", "promptID", "pairID", "genre"), ("sentence1", "sentence2"),
              "gold_label", "text", None),
             ("hf", ("premise", "hypothesis", "label", "idx"), ("premise", "hypothesis"),
              "label", "int", None)],
    "qnli": [("glue", ("index", "question", "sentence", "label"), ("question", "sentence"),
              "label", "text", None),
             ("hf", ("question", "sentence", "label", "idx"), ("question", "sentence"),
              "label", "int", None)],
    "rte": [("glue", ("index", "sentence1", "sentence2", "label"), ("sentence1", "sentence2"),
             "label", "text", None),
            ("hf", ("sentence1", "sentence2", "label", "idx"), ("sentence1", "sentence2"),
             "label", "int", None)],
    "wnli": [("glue", ("index", "sentence1", "sentence2", "label"), ("sentence1", "sentence2"),
              "label", "int", None),
             ("hf", ("sentence1", "sentence2", "label", "idx"), ("sentence1", "sentence2"),
              "label", "int", None)],
}


class DataError(Exception):
    """A dev file that cannot be read as the task's layout; the message names file and line."""


class Dataset:
    """One task's dev rows: texts (1 or 2 strings per row) and gold labels (index or float)."""

    def __init__(self, task, path, layout, texts, gold):
        self.task, self.path, self.layout = task, path, layout
        self.texts, self.gold = texts, gold

    def __len__(self):
        return len(self.gold)


def norm_label(name):
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def dev_path(data_dir, task):
    """<data_dir>/<GLUE dir>/<file>, the folder matched case-insensitively."""
    spec = TASKS[task]
    want = spec["dir"].lower()
    if os.path.isdir(data_dir):
        for entry in sorted(os.listdir(data_dir)):
            if entry.lower() == want and os.path.isdir(os.path.join(data_dir, entry)):
                return os.path.join(data_dir, entry, spec["file"])
    return os.path.join(data_dir, spec["dir"], spec["file"])


def _lines(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError("%s: not UTF-8 (byte %d)" % (path, e.start))
    for n, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        if line:
            yield n, line.split("\t")


def _pick_layout(task, first):
    layouts = _LAYOUTS[TASKS[task]["model"]]
    for lay in layouts:
        header = lay[1]
        if header is not None and tuple(first[:len(header)]) == header:
            return lay, True
    for lay in layouts:
        if lay[1] is None and len(first) == lay[5]:
            return lay, False
    expected = "; ".join(
        "\\t".join(l[1]) if l[1] else "%d columns, no header" % l[5] for l in layouts)
    raise DataError("unrecognised first line %r; expected a header starting with one of: %s"
                    % ("\\t".join(first)[:120], expected))


def _parse_label(task, form, value, where):
    spec = TASKS[task]
    if form == "float":
        try:
            return float(value)
        except ValueError:
            raise DataError("%s: score %r is not a number" % (where, value))
    if form == "int":
        if not value.strip().isdigit() or int(value) >= len(spec["labels"]):
            raise DataError("%s: label %r is not one of 0..%d" % (where, value,
                                                                  len(spec["labels"]) - 1))
        return int(value)
    names = [norm_label(n) for n in spec["labels"]]
    if norm_label(value) not in names:
        raise DataError("%s: label %r is not one of %s" % (where, value, ", ".join(spec["labels"])))
    return names.index(norm_label(value))


def read_dev(task, path):
    """Reads a dev file into a Dataset; raises DataError with file:line on bad rows."""
    if not os.path.isfile(path):
        raise DataError("%s: no such file" % path)
    rows = _lines(path)
    try:
        _, first = next(rows)
    except StopIteration:
        raise DataError("%s: empty file" % path)
    (name, header, text_cols, label_col, form, ncols), has_header = _pick_layout(task, first)
    if has_header:
        columns = {c: i for i, c in enumerate(first)}
        missing = [c for c in text_cols + (label_col,) if c not in columns]
        if missing:
            raise DataError("%s: header lacks column(s) %s" % (path, ", ".join(missing)))
        text_idx = [columns[c] for c in text_cols]
        label_idx = columns[label_col]
        body = rows
    else:
        text_idx, label_idx = list(text_cols), label_col
        body = _chain_first(first, rows)
    need = max(text_idx + [label_idx]) + 1
    texts, gold = [], []
    for n, fields in body:
        where = "%s:%d" % (path, n)
        if len(fields) < need:
            raise DataError("%s: %d fields, the %s layout needs %d" % (where, len(fields), name,
                                                                       need))
        texts.append(tuple(fields[i] for i in text_idx))
        gold.append(_parse_label(task, form, fields[label_idx], where))
    if not gold:
        raise DataError("%s: no data rows" % path)
    return Dataset(task, path, name, texts, gold)


def _chain_first(first, rows):
    yield 1, first
    yield from rows


def prediction_map(task, id2label):
    """Maps the model's output index to the task's `datasets` index (see the module comment).
    Returns (list or None, note); None means identity."""
    spec = TASKS[task]
    if spec["kind"] == "reg" or not id2label:
        return None, "datasets order"
    names = [norm_label(n) for n in spec["labels"]]
    try:
        model = {int(k): norm_label(v) for k, v in id2label.items()}
    except (ValueError, AttributeError):
        return None, "datasets order (id2label unreadable)"
    if sorted(model) != list(range(len(names))) or sorted(model.values()) != sorted(names):
        return None, "datasets order"
    mapping = [names.index(model[i]) for i in range(len(names))]
    if mapping == list(range(len(names))):
        return None, "id2label (same as datasets order)"
    return mapping, "id2label " + ",".join("%d->%s" % (i, spec["labels"][m])
                                             for i, m in enumerate(mapping))
