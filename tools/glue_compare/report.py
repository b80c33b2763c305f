"""The comparison table (text, Markdown), results.json and the PNG bar chart.

Table cells are percentages with one decimal, as in I-BERT's Table 2. Tasks with two metrics show
"a/b" (MRPC and QQP acc/F1, STS-B Pearson/Spearman). "—" marks a variant that was not given or not
found, "fail" a run that failed (its error is printed and kept in the JSON), "nan" an undefined
correlation (constant predictions).

Avg follows the GLUE leaderboard: a task's score is the mean of its metrics, Avg the mean of the
task scores. It is shown only when the row has a score for every task in the table, so the
averages of two rows always cover the same tasks; a Δ row subtracts the FP32 value cell by cell.
"""

import json
import math

import tasks

DASH = "—"
ROWS = (("FP32", "fp32"), ("INT8", "int8"), ("NF4", "nf4"))
DELTAS = (("Δ(INT8−FP32)", "int8"), ("Δ(NF4−FP32)", "nf4"))


def task_score(values):
    """Mean of a task's metric values; None when any is missing or NaN."""
    if values is None or any(v is None or math.isnan(v) for v in values):
        return None
    return sum(values) / len(values)


def _values(results, task, variant):
    run = results.get(task, {}).get(variant)
    if not run or run.get("error") or run.get("metrics") is None:
        return None
    return [run["metrics"][m] if run["metrics"][m] is not None else float("nan")
            for m in tasks.TASKS[task]["metrics"]]


def _cell(results, task, variant):
    run = results.get(task, {}).get(variant)
    if not run:
        return DASH
    if run.get("error"):
        return "fail"
    return "/".join("nan" if math.isnan(v) else "%.1f" % (100 * v)
                    for v in _values(results, task, variant))


def _delta_cell(results, task, variant):
    a, b = _values(results, task, variant), _values(results, task, "fp32")
    if a is None or b is None:
        return DASH
    return "/".join("nan" if math.isnan(x) or math.isnan(y) else "%+.1f" % (100 * (x - y))
                    for x, y in zip(a, b))


def average(results, task_list, variant):
    scores = [task_score(_values(results, t, variant)) for t in task_list]
    if not scores or any(s is None for s in scores):
        return None
    return sum(scores) / len(scores)


def header(task_list):
    cols = []
    for t in task_list:
        ms = "/".join(tasks.METRIC_TITLES[m] for m in tasks.TASKS[t]["metrics"])
        cols.append("%s %s" % (tasks.TITLES[t], ms))
    return [""] + cols + ["Avg"]


def table_rows(results, task_list):
    rows = []
    for title, v in ROWS:
        avg = average(results, task_list, v)
        rows.append([title] + [_cell(results, t, v) for t in task_list] +
                    [DASH if avg is None else "%.1f" % (100 * avg)])
    base = average(results, task_list, "fp32")
    for title, v in DELTAS:
        avg = average(results, task_list, v)
        rows.append([title] + [_delta_cell(results, t, v) for t in task_list] +
                    [DASH if avg is None or base is None else "%+.1f" % (100 * (avg - base))])
    return rows


def markdown_table(results, task_list):
    head = header(task_list)
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for r in table_rows(results, task_list):
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines)


def text_table(results, task_list):
    rows = [header(task_list)] + table_rows(results, task_list)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            out.append("-" * len(out[0]))
    return "\n".join(out)


def runs_markdown(results, task_list):
    lines = ["| task | variant | model | rows | seconds | labels | note |",
             "|---|---|---|---:|---:|---|---|"]
    for t in task_list:
        for _, v in ROWS:
            run = results.get(t, {}).get(v)
            if not run:
                continue
            note = run["error"].splitlines()[0] if run.get("error") else ""
            lines.append("| %s | %s | `%s` | %s | %s | %s | %s |" % (
                tasks.TITLES[t], v.upper(), run["model"], run.get("rows", ""),
                "%.1f" % run["seconds"] if run.get("seconds") is not None else "",
                run.get("label_map", ""), note.replace("|", "\\|")))
    return "\n".join(lines)


def write_markdown(path, results, task_list, meta):
    parts = ["# GLUE dev: FP32 vs INT8 vs NF4 (intformer)", "",
             markdown_table(results, task_list), "",
             "Percent; MRPC/QQP acc/F1, STS-B Pearson/Spearman, CoLA Matthews corr. "
             "Avg: mean of task scores (two-metric tasks averaged first), only over complete "
             "rows. — = not given, fail = run failed, nan = undefined (constant predictions).",
             ""]
    if meta.get("limit"):
        parts += ["**Only the first %d rows of each dev set were scored: not comparable to "
                  "published numbers.**" % meta["limit"], ""]
    parts += ["## Runs", "", runs_markdown(results, task_list), "",
              "binary: `%s`  " % meta.get("binary"), "version: %s  " % meta.get("version"),
              "date: %s" % meta.get("date"), ""]
    parts.append("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


def _jsonable(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def write_json(path, results, task_list, meta):
    doc = {"meta": meta, "tasks": task_list,
           "note": "metric values are fractions (0.85 = 85 %); null = not defined (NaN)",
           "results": {t: results.get(t, {}) for t in task_list},
           "average": {v: average(results, task_list, v) for _, v in ROWS},
           "table": {"header": header(task_list), "rows": table_rows(results, task_list)}}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_jsonable(doc), f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_chart(path, results, task_list):
    """Grouped bars of task scores per variant. Returns None, or why no chart was drawn."""
    if all(task_score(_values(results, t, v)) is None for t in task_list for _, v in ROWS):
        return "no scores to chart (every run failed or was missing)"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (apt install python3-matplotlib): no PNG chart"
    # A bar is the task score; two-metric tasks say so under their name.
    labels = [tasks.TITLES[t] + ("\n(%s)/2" % "+".join(tasks.METRIC_TITLES[m] for m in
                                                     tasks.TASKS[t]["metrics"])
                                 if len(tasks.TASKS[t]["metrics"]) > 1 else "")
              for t in task_list] + ["Avg"]
    lowest = 0.0
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(labels) + 2), 4.2), dpi=110)
    width = 0.8 / len(ROWS)
    colours = ("#4c72b0", "#dd8452", "#55a868")
    for i, ((title, v), colour) in enumerate(zip(ROWS, colours)):
        scores = [task_score(_values(results, t, v)) for t in task_list]
        scores.append(average(results, task_list, v))
        xs = [j + (i - (len(ROWS) - 1) / 2) * width for j in range(len(labels))]
        pts = [(x, 100 * s) for x, s in zip(xs, scores) if s is not None]
        if not pts:
            continue
        lowest = min([lowest] + [p[1] for p in pts])
        bars = ax.bar([p[0] for p in pts], [p[1] for p in pts], width, label=title,
                      color=colour)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)
    ax.set_ylabel("dev score (%)")
    ax.set_ylim(min(0.0, lowest - 8), 112)  # CoLA's MCC can be negative
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title("GLUE dev: FP32 vs INT8 vs NF4 (intformer)")
    ax.legend(loc="upper center", ncol=len(ROWS), fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None
