"""Metric tests against values worked out by hand (the working is in the comments).

Each expected value is also what sklearn.metrics / scipy.stats return for the same input; the
comments say which call, so a reader with those libraries can re-check any line.
"""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tools", "glue_compare"))

import metrics  # noqa: E402


class AccuracyF1Test(unittest.TestCase):
    def test_worked_example(self):
        # gold 1 0 1 1 0 / pred 1 1 1 0 0: right at rows 0, 2, 4 -> acc 3/5.
        # TP = rows 0, 2 = 2; FP = row 1 = 1; FN = row 3 = 1; TN = row 4 = 1.
        # F1 = 2TP / (2TP + FP + FN) = 4 / 6 (precision 2/3 = recall 2/3).
        gold, pred = [1, 0, 1, 1, 0], [1, 1, 1, 0, 0]
        self.assertAlmostEqual(metrics.accuracy(gold, pred), 0.6, places=15)
        self.assertAlmostEqual(metrics.f1(gold, pred), 4 / 6, places=15)

    def test_ten_rows(self):
        # gold 1111000000 / pred 1110100000: TP 3, FN 1, FP 1, TN 5.
        # acc 8/10; F1 = 6 / (6 + 1 + 1) = 0.75.
        gold = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        pred = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
        self.assertAlmostEqual(metrics.accuracy(gold, pred), 0.8, places=15)
        self.assertAlmostEqual(metrics.f1(gold, pred), 0.75, places=15)
        # F1 of the other class (pos_label=0): TP 5, FP 1, FN 1 -> 10/12.
        self.assertAlmostEqual(metrics.f1(gold, pred, positive=0), 10 / 12, places=15)

    def test_perfect_and_inverted(self):
        gold = [0, 1, 0, 1, 1]
        self.assertEqual(metrics.accuracy(gold, gold), 1.0)
        self.assertEqual(metrics.f1(gold, gold), 1.0)
        inv = [1 - g for g in gold]
        self.assertEqual(metrics.accuracy(gold, inv), 0.0)
        self.assertEqual(metrics.f1(gold, inv), 0.0)  # TP 0, FP 2, FN 3

    def test_one_class(self):
        # All predicted positive: TP 2, FP 2, FN 0 -> F1 4/6.
        self.assertAlmostEqual(metrics.f1([1, 0, 1, 0], [1, 1, 1, 1]), 4 / 6, places=15)
        # No positive anywhere: TP + FP + FN = 0, sklearn's zero_division gives 0.0.
        self.assertEqual(metrics.f1([0, 0, 0], [0, 0, 0]), 0.0)
        self.assertEqual(metrics.accuracy([0, 0, 0], [0, 0, 0]), 1.0)
        # Never predicts the positive class: F1 0.
        self.assertEqual(metrics.f1([1, 0, 1], [0, 0, 0]), 0.0)

    def test_bad_lengths(self):
        with self.assertRaises(ValueError):
            metrics.accuracy([1, 0], [1])
        with self.assertRaises(ValueError):
            metrics.f1([], [])


class MatthewsTest(unittest.TestCase):
    def test_binary_worked_example(self):
        # gold 1111000000 / pred 1110100000: TP 3, TN 5, FP 1, FN 1.
        # MCC = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))
        #     = (15 - 1) / sqrt(4 * 4 * 6 * 6) = 14 / 24.
        gold = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        pred = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
        self.assertAlmostEqual(metrics.matthews(gold, pred), 14 / 24, places=15)

    def test_small(self):
        # gold 1 0 1 1 0 / pred 1 1 1 0 0: TP 2, TN 1, FP 1, FN 1 -> (2 - 1) / sqrt(3*3*2*2) = 1/6.
        self.assertAlmostEqual(metrics.matthews([1, 0, 1, 1, 0], [1, 1, 1, 0, 0]), 1 / 6,
                               places=15)

    def test_perfect_inverted(self):
        gold = [0, 1, 0, 1, 1, 0]
        self.assertAlmostEqual(metrics.matthews(gold, gold), 1.0, places=15)
        self.assertAlmostEqual(metrics.matthews(gold, [1 - g for g in gold]), -1.0, places=15)

    def test_undefined_is_zero(self):
        # One class in pred (or in gold): a zero factor in the denominator, sklearn returns 0.
        self.assertEqual(metrics.matthews([1, 0, 1, 0], [1, 1, 1, 1]), 0.0)
        self.assertEqual(metrics.matthews([1, 1, 1], [1, 0, 1]), 0.0)
        self.assertEqual(metrics.matthews([0, 0], [0, 0]), 0.0)

    def test_multiclass(self):
        # gold 0 1 2 0 1 2 / pred 0 2 1 0 0 2: correct c = 3 (rows 0, 3, 5), s = 6,
        # gold counts t = 2 2 2, pred counts p = 3 1 2, sum t*p = 6 + 2 + 4 = 12.
        # (c*s - 12) / sqrt((36 - 9 - 1 - 4) * (36 - 12)) = 6 / sqrt(22 * 24).
        got = metrics.matthews([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 2])
        self.assertAlmostEqual(got, 6 / math.sqrt(528), places=15)


class CorrelationTest(unittest.TestCase):
    def test_pearson_worked(self):
        # x 1 2 3 / y 1 3 2: centred -1 0 1 and -1 1 0; sxy = 1, sxx = syy = 2 -> 0.5.
        self.assertAlmostEqual(metrics.pearson([1, 2, 3], [1, 3, 2]), 0.5, places=15)

    def test_perfect_inverted(self):
        x = [0.5, 1.25, 2.0, 4.75, 5.0]
        self.assertAlmostEqual(metrics.pearson(x, [2 * v + 1 for v in x]), 1.0, places=15)
        self.assertAlmostEqual(metrics.pearson(x, [-3 * v for v in x]), -1.0, places=15)
        self.assertAlmostEqual(metrics.spearman(x, [v ** 3 for v in x]), 1.0, places=15)
        self.assertAlmostEqual(metrics.spearman(x, [-v for v in x]), -1.0, places=15)

    def test_rank_average(self):
        # Sorted: 5 (rank 1), 10 (rank 2), 20 20 20 share ranks 3, 4, 5 -> 4 each.
        self.assertEqual(metrics.rank_average([10, 20, 20, 20, 5]), [2, 4, 4, 4, 1])
        self.assertEqual(metrics.rank_average([1.0, 1.0]), [1.5, 1.5])

    def test_spearman_ties(self):
        # x 1 2 2 3 ranks 1 2.5 2.5 4; y ranks 1 2 3 4. Centred: -1.5 0 0 1.5 and
        # -1.5 -.5 .5 1.5; sxy = 4.5, sxx = 4.5, syy = 5 -> 4.5 / sqrt(22.5) = 3 / sqrt(10).
        # scipy.stats.spearmanr([1, 2, 2, 3], [1, 2, 3, 4]) = 0.9486832980505138.
        self.assertAlmostEqual(metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]), 3 / math.sqrt(10),
                               places=15)

    def test_constant_is_nan(self):
        # scipy: ConstantInputWarning and nan; we return nan too (reported as nan / null).
        self.assertTrue(math.isnan(metrics.pearson([3.0, 3.0, 3.0], [1, 2, 3])))
        self.assertTrue(math.isnan(metrics.pearson([1, 2, 3], [0.1, 0.1, 0.1])))
        self.assertTrue(math.isnan(metrics.spearman([2, 2, 2, 2], [1, 2, 3, 4])))
        self.assertTrue(math.isnan(metrics.pearson([1.0], [2.0])))
        # A constant like 0.1 whose mean is not exactly 0.1 in floating point is still constant.
        self.assertTrue(math.isnan(metrics.pearson([0.1] * 7, list(range(7)))))

    def test_is_nan(self):
        self.assertTrue(metrics.is_nan(float("nan")))
        self.assertFalse(metrics.is_nan(0.0))
        self.assertFalse(metrics.is_nan(None))


def _have_reference_libs():
    try:
        import scipy.stats  # noqa: F401
        import sklearn.metrics  # noqa: F401
        return True
    except ImportError:
        return False


@unittest.skipUnless(_have_reference_libs(), "sklearn/scipy not installed (optional cross-check; "
                     "apt install python3-sklearn)")
class ReferenceLibraryTest(unittest.TestCase):
    """Seeded random cases, many ties, compared with the libraries the definitions come from."""

    def test_random_against_sklearn_scipy(self):
        import random
        import warnings
        from scipy import stats
        from sklearn import metrics as sk
        rng = random.Random(20240611)
        for case in range(300):
            n = rng.randint(2, 40)
            k = rng.choice([2, 2, 3])
            gold = [rng.randrange(k) for _ in range(n)]
            pred = [rng.randrange(k) for _ in range(n)]
            x = [rng.choice([0.0, 0.5, 1.0, 2.25, 3.0, rng.random()]) for _ in range(n)]
            y = [rng.choice([1.0, 1.0, 4.75, rng.random() * 5]) for _ in range(n)]
            msg = "case %d (seed 20240611)" % case
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.assertAlmostEqual(metrics.matthews(gold, pred),
                                       sk.matthews_corrcoef(gold, pred), places=12, msg=msg)
                self.assertAlmostEqual(metrics.accuracy(gold, pred),
                                       sk.accuracy_score(gold, pred), places=12, msg=msg)
                if k == 2:
                    self.assertAlmostEqual(metrics.f1(gold, pred), sk.f1_score(gold, pred),
                                           places=12, msg=msg)
                for ours, theirs in ((metrics.pearson(x, y), stats.pearsonr(x, y)[0]),
                                     (metrics.spearman(x, y), stats.spearmanr(x, y)[0])):
                    if math.isnan(theirs):
                        self.assertTrue(math.isnan(ours), msg)
                    else:
                        self.assertAlmostEqual(ours, theirs, places=10, msg=msg)


if __name__ == "__main__":
    unittest.main()
