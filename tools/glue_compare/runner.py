"""Runs `intformer classify` on one task's rows and reads its JSON lines back.

The command line lives in CLASSIFY below and nowhere else: if classify's flags change, change
them there. The contract itself (what the binary must print) is in glue_compare.py's docstring.

We never hand classify the original GLUE file. The reader has already decided which rows and
columns count (MRPC's BOM, CoLA's headerless layout, MNLI's 15 columns), so we write exactly those
rows to a plain TSV, `text_a[\\ttext_b]` under a one-line header, and pass --skip-header and
--text-col 0 [--text-col 1]. Row i of classify's output is then row i of the Dataset, with no
chance of the two sides counting a malformed line differently.
"""

import collections
import json
import math
import os
import subprocess
import sys
import threading
import time

CLASSIFY = {
    "subcommand": ["classify"],
    "model": "--model",            # converted model file, or a Hugging Face directory (FP32)
    "tsv": "--tsv",                # the input rows
    "json": ["--json"],            # one JSON object per row on stdout
    "text_col": "--text-col",      # given once per text column, 0-based index (names also OK)
    "skip_header": ["--skip-header"],
}
_STDERR_KEEP = 60  # lines of classify's stderr kept for the error message


class ClassifyError(Exception):
    """classify failed or broke the contract; the message carries the command and its stderr."""


def write_input_tsv(dataset, path, limit=None):
    n = len(dataset) if limit is None else min(limit, len(dataset))
    width = len(dataset.texts[0])
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(["text_a", "text_b"][:width]) + "\n")
        for texts in dataset.texts[:n]:
            f.write("\t".join(texts) + "\n")
    return n, width


def build_command(binary, model_path, tsv_path, n_text_cols, extra_args=()):
    cmd = [binary] + CLASSIFY["subcommand"] + [CLASSIFY["model"], model_path,
                                               CLASSIFY["tsv"], tsv_path]
    cmd += CLASSIFY["json"] + CLASSIFY["skip_header"]
    for i in range(n_text_cols):
        cmd += [CLASSIFY["text_col"], str(i)]
    return cmd + list(extra_args)


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, one line per 10%
    otherwise (CI logs stay short)."""

    def __init__(self, label, total, stream=None, width=28):
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.last_decile = -1
        self.update(0)

    def _line(self, done):
        frac = min(done / self.total, 1.0)
        fill = int(round(frac * self.width))
        elapsed = time.monotonic() - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        eta_s = "--:--" if math.isinf(eta) else "%d:%02d" % divmod(int(eta), 60)
        return "%-22s [%s%s] %6d/%-6d %3d%% %7.1f rows/s ETA %s" % (
            self.label, "#" * fill, "-" * (self.width - fill), done, self.total,
            int(frac * 100), rate, eta_s)

    def update(self, done):
        now = time.monotonic()
        if self.tty:
            if done < self.total and now - self.last_draw < 0.1:
                return
            self.stream.write("\r" + self._line(done))
        else:
            decile = int(10 * done / self.total)
            if decile == self.last_decile:
                return
            self.last_decile = decile
            self.stream.write(self._line(done) + "\n")
        self.last_draw = now
        self.stream.flush()

    def finish(self, done, ok=True):
        if self.tty:
            self.stream.write("\r" + self._line(done) + ("\n" if ok else "  FAILED\n"))
        elif not ok:
            self.stream.write(self._line(done) + "  FAILED\n")
        elif int(10 * done / self.total) != self.last_decile:
            self.stream.write(self._line(done) + "\n")
        self.stream.flush()


def _parse_line(line, n_rows, lineno):
    try:
        obj = json.loads(line)
    except ValueError as e:
        raise ValueError("stdout line %d is not JSON (%s): %r" % (lineno, e, line[:200]))
    if not isinstance(obj, dict):
        raise ValueError("stdout line %d is not a JSON object: %r" % (lineno, line[:200]))
    row, label, logits = obj.get("row"), obj.get("label"), obj.get("logits")
    if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < n_rows:
        raise ValueError("stdout line %d: \"row\" %r is not an index in 0..%d"
                         % (lineno, row, n_rows - 1))
    if (not isinstance(logits, list) or not logits or
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in logits)):
        raise ValueError("stdout line %d: \"logits\" must be a non-empty list of numbers"
                         % lineno)
    if (not isinstance(label, int) or isinstance(label, bool) or
            not 0 <= label < max(len(logits), 1)):
        raise ValueError("stdout line %d: \"label\" %r is not an index into logits"
                         % (lineno, label))
    return row, label, logits


def run_classify(cmd, n_rows, label, env=None, timeout=None):
    """Runs cmd, shows progress per row, returns [(label, logits)] indexed by row."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, encoding="utf-8",
                                errors="replace")
    except OSError as e:
        raise ClassifyError("cannot start %s: %s" % (cmd[0], e))
    tail = collections.deque(maxlen=_STDERR_KEEP)
    drain = threading.Thread(target=lambda: tail.extend(proc.stderr), daemon=True)
    drain.start()
    killer = None
    if timeout:
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
    out = [None] * n_rows
    done = 0
    bar = Progress(label, n_rows)
    problem = None
    try:
        for lineno, line in enumerate(proc.stdout, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row, pred, logits = _parse_line(line, n_rows, lineno)
            except ValueError as e:
                problem = str(e)
                proc.kill()
                break
            if out[row] is not None:
                problem = "row %d printed twice (stdout line %d)" % (row, lineno)
                proc.kill()
                break
            out[row] = (pred, logits)
            done += 1
            bar.update(done)
        proc.stdout.close()
        rc = proc.wait()
    finally:
        if killer:
            killer.cancel()
    drain.join(timeout=5)
    if problem is None and rc != 0:
        problem = "exited with status %d" % rc if rc > 0 else "killed by signal %d" % -rc
        if timeout and rc < 0:
            problem += " (timeout %ss)" % timeout
    if problem is None and done != n_rows:
        missing = [i for i, v in enumerate(out) if v is None]
        problem = "printed %d of %d rows; first missing row %d" % (done, n_rows, missing[0])
    bar.finish(done, ok=problem is None)
    if problem:
        err = "".join(tail).rstrip() or "(nothing on stderr)"
        raise ClassifyError("intformer classify failed: %s\n  command: %s\n  stderr (last %d "
                            "lines):\n%s" % (problem, " ".join(_quote(c) for c in cmd),
                                             _STDERR_KEEP, _indent(err)))
    return out


def _quote(s):
    return s if s and all(c.isalnum() or c in "-_./=:,+@%" for c in s) else "'%s'" % s


def _indent(text):
    return "\n".join("    " + l for l in text.splitlines())


def find_binary(explicit, repo_root):
    """--intformer PATH, else <repo>/build/tools/cli/intformer, else `intformer` on PATH."""
    if explicit:
        return explicit
    built = os.path.join(repo_root, "build", "tools", "cli", "intformer")
    if os.access(built, os.X_OK):
        return built
    for d in os.environ.get("PATH", "").split(os.pathsep):
        cand = os.path.join(d, "intformer")
        if d and os.access(cand, os.X_OK):
            return cand
    return built  # does not exist: the first run reports it clearly
