#!/usr/bin/python3
"""glue_compare: GLUE dev scores of one checkpoint as FP32, INT8 and NF4, run by intformer.

    tools/glue_compare/glue_compare.py --model sst2=path/to/hf_dir,int8=a.ifm,nf4=b.ifm
    tools/glue_compare/glue_compare.py --model-dir checkpoints/ --task all --out glue_out
    tools/glue_compare/glue_compare.py --task mrpc --model-dir path/to/mrpc_checkpoint

Every variant goes through the same binary: the FP32 reference is `intformer classify` given the
Hugging Face directory, INT8 and NF4 are the converted files. Scores follow the official GLUE
definitions (metrics.py); text labels map to indices as Hugging Face run_glue.py does (tasks.py).

Models
  --model [TASK=]HF_DIR[,int8=FILE][,nf4=FILE]  (repeatable; also fp32=DIR). TASK may be omitted
      when one task is selected or the config.json has finetuning_task. Converted files inside
      HF_DIR (*.int8.ifm, *.nf4.ifm, see models.py) are used unless given explicitly.
  --model-dir DIR  either one checkpoint (DIR/config.json) or a folder of them, one per task,
      recognised by config.json finetuning_task or by folder name (sst2, SST-2, sst2-bert-tiny).
  --task LIST  comma-separated (cola, sst2, mrpc, qqp, stsb, mnli = mnli-m + mnli-mm, qnli, rte,
      wnli) or `all` (default): the tasks whose dev file and some model exist.
  Variants not given show as "—"; they are not errors. Exit status: 0 all runs passed, 1 some
  run failed (table written anyway, the error printed), 2 bad arguments or data.

The `intformer classify` contract this script relies on (flag names: runner.CLASSIFY)
  intformer classify --model M --tsv FILE --json --skip-header --text-col 0 [--text-col 1] [EXTRA]
  - M: a converted model file, or a Hugging Face directory (then the FP32 reference runs).
  - FILE: UTF-8, one row per line ending in "\\n", fields split by "\\t", no quoting of any kind
    (fields may contain '"'); the first line is a header to skip (--skip-header). --text-col is
    given once per text column, a 0-based index (classify may also accept header names); two
    columns make a sentence pair (segment A, segment B), as the tokenizer's pair encoding.
  - stdout: exactly one JSON object per input row, one per line, nothing else:
        {"row": i, "label": k, "logits": [x0, x1, ...]}
    i = 0-based data row (header not counted), any order, each row once; k = predicted class
    index (argmax, the model's own id2label order); logits = the classifier outputs as numbers
    (dequantised floats or raw integers: only k is used for classification). For a regression
    model (num_labels 1, STS-B) logits[0] is the predicted score and k is 0.
  - Diagnostics go to stderr; exit status 0 on success, non-zero on any failure (its stderr is
    shown to the user). EXTRA = --classify-arg values passed through (e.g. --threads 2).

Output (--out DIR, default glue_out): results.md, results.json, results.png, and inputs/ with
the exact TSV handed to classify per task. The table, also printed to stdout:

    |  | SST-2 acc | CoLA MCC | STS-B Pearson/Spearman | MRPC acc/F1 | Avg |
    |---|---:|---:|---:|---:|---:|
    | FP32 | 92.8 | 59.6 | 89.9/89.6 | 87.7/91.2 | 82.9 |
    | INT8 | 92.6 | 59.0 | 89.8/89.4 | 87.5/91.0 | 82.6 |
    | NF4 | — | — | — | — | — |
    | Δ(INT8−FP32) | -0.2 | -0.6 | -0.1/-0.2 | -0.2/-0.2 | -0.3 |
    | Δ(NF4−FP32) | — | — | — | — | — |

(values illustrative). Percent, one decimal; Avg as the GLUE leaderboard (two-metric tasks
averaged first), shown only for rows complete over the table's tasks; "fail" = run failed,
"nan" = undefined correlation (constant predictions; scipy gives NaN too).
"""

import argparse
import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import metrics  # noqa: E402
import models  # noqa: E402
import report  # noqa: E402
import runner  # noqa: E402
import tasks  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DATA = os.path.join(os.path.dirname(REPO), "shared", "fixtures", "glue")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="glue_compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", default="all", help="comma-separated tasks or 'all' (default)")
    p.add_argument("--model", action="append", default=[], metavar="[TASK=]DIR[,int8=F][,nf4=F]",
                   help="a checkpoint and its converted files (repeatable)")
    p.add_argument("--model-dir", help="one checkpoint, or a folder of per-task checkpoints")
    p.add_argument("--data-dir", default=DEFAULT_DATA,
                   help="GLUE data: <dir>/SST-2/dev.tsv, ... (default %(default)s)")
    p.add_argument("--intformer", help="the intformer binary (default build/tools/cli/intformer, "
                   "then PATH)")
    p.add_argument("--out", default="glue_out", help="output folder (default %(default)s)")
    p.add_argument("--limit", type=int, help="score only the first N rows (smoke test)")
    p.add_argument("--timeout", type=float, help="seconds per classify run")
    p.add_argument("--classify-arg", action="append", default=[], metavar="ARG",
                   help="extra argument passed to classify (repeatable; write "
                   "--classify-arg=--threads --classify-arg=2)")
    return p.parse_args(argv)


def select(args):
    """-> (task list, {key: checkpoint}). Raises models.SpecError / tasks.DataError."""
    explicit = args.task.strip().lower() != "all"
    wanted = []
    if explicit:
        for name in filter(None, (s.strip() for s in args.task.split(","))):
            wanted += [t for t in models.resolve_task(name) if t not in wanted]
        wanted.sort(key=tasks.TASK_ORDER.index)  # columns always in I-BERT's order
    keys = {tasks.TASKS[t]["model"] for t in wanted}
    only = next(iter(keys)) if len(keys) == 1 else None
    ckpts = models.discover(args.model_dir, only) if args.model_dir else {}
    for spec in args.model:
        key, ck = models.parse_spec(spec, only)
        ckpts[key] = ck
    for key, ck in ckpts.items():
        for v, path in ck.items():
            if not os.path.exists(path):
                raise models.SpecError("%s %s: %s does not exist" % (key, v, path))
    if explicit:
        for t in wanted:
            path = tasks.dev_path(args.data_dir, t)
            if not os.path.isfile(path):
                raise tasks.DataError("%s: dev file %s not found (--data-dir)" % (t, path))
            if tasks.TASKS[t]["model"] not in ckpts:
                print("warning: no model for %s; its column shows —" % t, file=sys.stderr)
        return wanted, ckpts
    chosen = [t for t in tasks.TASK_ORDER if tasks.TASKS[t]["model"] in ckpts and
              os.path.isfile(tasks.dev_path(args.data_dir, t))]
    for key in ckpts:
        if not any(tasks.TASKS[t]["model"] == key for t in chosen):
            print("warning: %s model given but no dev file under %s" % (key, args.data_dir),
                  file=sys.stderr)
    if not chosen:
        raise models.SpecError("nothing to run: give --model or --model-dir (and --data-dir)")
    return chosen, ckpts


def score(task, gold, preds):
    spec = tasks.TASKS[task]
    out = {}
    for m in spec["metrics"]:
        if m == "acc":
            out[m] = metrics.accuracy(gold, preds)
        elif m == "f1":
            out[m] = metrics.f1(gold, preds, positive=1)
        elif m == "mcc":
            out[m] = metrics.matthews(gold, preds)
        elif m == "pearson":
            out[m] = metrics.pearson(preds, gold)
        elif m == "spearman":
            out[m] = metrics.spearman(preds, gold)
    return out


def run_variant(args, binary, task, data, variant, path, label_map, input_tsv, n, width):
    """One classify run -> result dict (metrics or error)."""
    spec = tasks.TASKS[task]
    cmd = runner.build_command(binary, path, input_tsv, width, args.classify_arg)
    label = "%s %s" % (tasks.TITLES[task], variant.upper())
    t0 = time.monotonic()
    res = {"model": path, "rows": n, "command": cmd, "label_map": label_map[1]}
    try:
        out = runner.run_classify(cmd, n, label, timeout=args.timeout)
        if spec["kind"] == "reg":
            preds = [float(logits[0]) for _, logits in out]
        else:
            preds = []
            mapping = label_map[0]
            for i, (k, _) in enumerate(out):
                if k >= len(spec["labels"]):
                    raise runner.ClassifyError(
                        "row %d: predicted class %d, but %s has %d classes (wrong model?)"
                        % (i, k, tasks.TITLES[task], len(spec["labels"])))
                preds.append(mapping[k] if mapping else k)
        res["metrics"] = score(task, data.gold[:n], preds)
        res["error"] = None
    except runner.ClassifyError as e:
        res["metrics"], res["error"] = None, str(e)
        print("error: %s %s: %s" % (tasks.TITLES[task], variant.upper(), e), file=sys.stderr)
    res["seconds"] = time.monotonic() - t0
    return res


def binary_version(binary):
    try:
        r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip().splitlines()[0] if r.returncode == 0 else "?"
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.limit is not None and args.limit < 1:
        print("glue_compare: --limit must be at least 1", file=sys.stderr)
        return 2
    try:
        task_list, ckpts = select(args)
        datasets = {t: tasks.read_dev(t, tasks.dev_path(args.data_dir, t)) for t in task_list}
    except (models.SpecError, tasks.DataError) as e:
        print("glue_compare: %s" % e, file=sys.stderr)
        return 2
    binary = runner.find_binary(args.intformer, REPO)
    os.makedirs(os.path.join(args.out, "inputs"), exist_ok=True)
    label_maps = {}
    for t in task_list:  # checked before any run, so a wrong checkpoint costs no time
        ck = ckpts.get(tasks.TASKS[t]["model"], {})
        id2label, num_labels, _ = models.config_summary(ck)
        n_cls = len(tasks.TASKS[t]["labels"]) or 1
        if num_labels is not None and num_labels != n_cls:
            print("glue_compare: %s: %s has %s labels, %s needs %d (wrong checkpoint?)" % (
                t, ck["fp32"], num_labels, tasks.TITLES[t], n_cls), file=sys.stderr)
            return 2
        label_maps[t] = tasks.prediction_map(t, id2label)
    results, failed = {}, False
    for t in task_list:
        ck = ckpts.get(tasks.TASKS[t]["model"], {})
        data = datasets[t]
        label_map = label_maps[t]
        input_tsv = os.path.join(args.out, "inputs", "%s.tsv" % t)
        n, width = runner.write_input_tsv(data, input_tsv, args.limit)
        results[t] = {}
        for v in models.VARIANTS:
            if v in ck:
                results[t][v] = run_variant(args, binary, t, data, v, ck[v], label_map,
                                            input_tsv, n, width)
                failed |= results[t][v]["error"] is not None
    meta = {"binary": binary, "version": binary_version(binary), "limit": args.limit,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "data_dir": os.path.abspath(args.data_dir),
            "dev_files": {t: datasets[t].path for t in task_list}}
    print(report.text_table(results, task_list))
    report.write_markdown(os.path.join(args.out, "results.md"), results, task_list, meta)
    report.write_json(os.path.join(args.out, "results.json"), results, task_list, meta)
    why = report.write_chart(os.path.join(args.out, "results.png"), results, task_list)
    if why:
        print("warning: %s" % why, file=sys.stderr)
    print("wrote %s/results.{md,json%s}" % (args.out, "" if why else ",png"), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
