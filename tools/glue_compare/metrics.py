"""GLUE metrics with the exact definitions of the official scorers (sklearn / scipy).

Standard library only, so the metrics and their tests run on any Python 3 without numpy.
Each function states the sklearn or scipy call it reproduces and what it does on the degenerate
inputs that matter when a quantised model collapses (one predicted class, constant scores):

  accuracy(gold, pred)     sklearn.metrics.accuracy_score
  f1(gold, pred, pos=1)    sklearn.metrics.f1_score(average="binary", pos_label=1):
                           2TP / (2TP + FP + FN); 0.0 when TP + FP + FN == 0 (sklearn's
                           zero_division="warn" result).
  matthews(gold, pred)     sklearn.metrics.matthews_corrcoef, multiclass (Gorodkin) form, which is
                           the usual (TP*TN - FP*FN) / sqrt(...) for two classes; 0.0 when the
                           denominator is 0 (one class only in gold or in pred), as sklearn.
  pearson(x, y)            scipy.stats.pearsonr(x, y)[0]; NaN when x or y is constant (scipy
                           warns ConstantInputWarning and returns nan) or fewer than 2 points.
  spearman(x, y)           scipy.stats.spearmanr(x, y)[0]: Pearson of the ranks, ties get the
                           average rank (rankdata method="average"); NaN as pearson.

NaN results are returned as float("nan"); the report writes them as "nan" in tables and null in
JSON (see report.py), never as 0, so a collapsed regression model cannot look like a weak one.
"""

import math


def _check_lengths(a, b):
    if len(a) != len(b):
        raise ValueError("length mismatch: %d gold vs %d predictions" % (len(a), len(b)))
    if not a:
        raise ValueError("no rows to score")


def accuracy(gold, pred):
    _check_lengths(gold, pred)
    return sum(1 for g, p in zip(gold, pred) if g == p) / len(gold)


def f1(gold, pred, positive=1):
    _check_lengths(gold, pred)
    tp = fp = fn = 0
    for g, p in zip(gold, pred):
        if p == positive and g == positive:
            tp += 1
        elif p == positive:
            fp += 1
        elif g == positive:
            fn += 1
    denom = 2 * tp + fp + fn
    return 0.0 if denom == 0 else 2 * tp / denom


def matthews(gold, pred):
    """sklearn's matthews_corrcoef: from the confusion matrix C (rows gold, columns pred),
    c = trace, s = n, t_k = gold count, p_k = pred count:
        (c*s - sum t_k p_k) / sqrt((s^2 - sum p_k^2) * (s^2 - sum t_k^2)).
    Counts are integers, so the numerator and both factors are exact."""
    _check_lengths(gold, pred)
    classes = sorted(set(gold) | set(pred))
    t = {k: 0 for k in classes}
    p = {k: 0 for k in classes}
    c = 0
    for g, q in zip(gold, pred):
        t[g] += 1
        p[q] += 1
        c += g == q
    s = len(gold)
    cov_tp = c * s - sum(t[k] * p[k] for k in classes)
    cov_pp = s * s - sum(v * v for v in p.values())
    cov_tt = s * s - sum(v * v for v in t.values())
    if cov_pp == 0 or cov_tt == 0:
        return 0.0
    return cov_tp / math.sqrt(cov_tt * cov_pp)


def pearson(x, y):
    _check_lengths(x, y)
    n = len(x)
    if n < 2:
        return float("nan")
    mx = math.fsum(x) / n
    my = math.fsum(y) / n
    dx = [v - mx for v in x]
    dy = [v - my for v in y]
    sxx = math.fsum(v * v for v in dx)
    syy = math.fsum(v * v for v in dy)
    # Constant input: scipy tests the raw values (x == x[0]).all(); the centred sums are then 0.
    if all(v == x[0] for v in x) or all(v == y[0] for v in y) or sxx == 0 or syy == 0:
        return float("nan")
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))  # scipy clips rounding excursions the same way


def rank_average(values):
    """Ranks 1..n, ties sharing the mean of the ranks they span (scipy rankdata 'average')."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1  # ranks i+1 .. j+1
        for k in range(i, j + 1):
            ranks[order[k]] = avg
        i = j + 1
    return ranks


def spearman(x, y):
    _check_lengths(x, y)
    return pearson(rank_average(x), rank_average(y))


def is_nan(v):
    return isinstance(v, float) and math.isnan(v)
