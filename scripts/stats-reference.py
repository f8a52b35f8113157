#!/usr/bin/env python3
"""Reference values for Tests/StatisticsTests/ComparisonTests.swift.

Prints, with the library versions, the values the Swift tests quote. Needs numpy, scipy and
statsmodels (`pip install scipy statsmodels`). The Swift tests were written against
scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6.

    python3 scripts/stats-reference.py
"""
import math
import warnings

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def show(label, *values):
    print(f"{label}: " + ", ".join(repr(float(v)) for v in values))


print(f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}")

print("\n# Holm: multipletests(p, method='holm')[1]")
for p in ([0.01, 0.04, 0.03, 0.005, 0.2],
          [0.02, 0.02, 0.01, 0.04, 0.04, 0.5],  # ties
          [0.3, 0.6, 0.01, 0.45],  # capped at 1
          [0.04, 0.01, 0.03]):  # the defined entries of [0.04, nan, 0.01, 0.03, nan]
    show(f"holm({p})", *multipletests(p, method="holm")[1])

print("\n# Wilson: proportion_confint(k, n, alpha=1-confidence, method='wilson')")
for k, n, confidence in ((0, 20, 0.95), (20, 20, 0.95), (7, 23, 0.95), (1, 3, 0.90), (45, 50, 0.99)):
    show(f"wilson({k}, {n}, {confidence})", *proportion_confint(k, n, alpha=1 - confidence, method="wilson"))

# Current against baseline; the paired pairs are run by run.
BASELINE = [12.1, 10.4, 14.9, 11.7, 13.3, 9.8, 12.6, 15.2, 11.1, 13.9]
CURRENT = [11.2, 10.9, 13.1, 10.8, 12.9, 9.1, 12.0, 14.1, 11.5, 12.7]
CURRENT_UNPAIRED = [9.5, 13.8, 8.7, 16.2, 10.1, 14.4, 7.9, 12.3]

print("\n# Paired: ttest_rel(current, baseline), its confidence_interval(level)")
x, y = np.array(BASELINE), np.array(CURRENT)
for level in (0.95, 0.90):
    r = st.ttest_rel(y, x)
    ci = r.confidence_interval(confidence_level=level)
    show(f"paired {level} mean difference, p, lower, upper", np.mean(y - x), r.pvalue, ci.low, ci.high)
    # Ratio of means by the delta method, using the pairing:
    # Var(R) = sum((y - R x)^2) / ((n - 1) n xbar^2), t with n - 1 degrees of freedom.
    n = len(x)
    R = y.mean() / x.mean()
    se = math.sqrt(np.sum((y - R * x) ** 2) / ((n - 1) * n * x.mean() ** 2))
    t = st.t.ppf(1 - (1 - level) / 2, n - 1)
    show(f"paired {level} relative change, lower, upper", R - 1, R - 1 - t * se, R - 1 + t * se)
d = y - x
show("paired d_z = mean(d) / sd(d)", d.mean() / d.std(ddof=1))

print("\n# Unpaired: ttest_ind(current, baseline, equal_var=False), its confidence_interval(level)")
y = np.array(CURRENT_UNPAIRED)
nx, ny = len(x), len(y)
vx, vy = x.var(ddof=1), y.var(ddof=1)
for level in (0.95, 0.90):
    r = st.ttest_ind(y, x, equal_var=False)
    ci = r.confidence_interval(confidence_level=level)
    show(f"welch {level} difference, p, lower, upper, df", y.mean() - x.mean(), r.pvalue, ci.low, ci.high, r.df)
    # Ratio of means by the delta method: Var(R) = R^2 (s_y^2/(n_y ybar^2) + s_x^2/(n_x xbar^2)),
    # t with the Welch-Satterthwaite degrees of freedom.
    R = y.mean() / x.mean()
    se = math.sqrt(R**2 * (vy / (ny * y.mean() ** 2) + vx / (nx * x.mean() ** 2)))
    t = st.t.ppf(1 - (1 - level) / 2, r.df)
    show(f"welch {level} relative change, lower, upper", R - 1, R - 1 - t * se, R - 1 + t * se)
pooled = math.sqrt(((nx - 1) * vx + (ny - 1) * vy) / (nx + ny - 2))
show("Hedges' g = (ybar - xbar) / s_pooled * (1 - 3/(4(nx+ny) - 9))",
     (y.mean() - x.mean()) / pooled * (1 - 3 / (4 * (nx + ny) - 9)))

print("\n# Wilcoxon: wilcoxon(current, baseline) with the defaults -> statistic, p")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    cases = {
        # scipy's documentation example (n = 9, no ties, no zeros): exact distribution
        "exact n=9": ([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
                      [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]),
        # |d| ties, n <= 13: scipy enumerates all 2^n sign flips of the mid-ranks
        "ties n=10": ([10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
                      [12, 9, 13, 12, 8, 11, 14, 12, 9, 13]),
        # two zero differences, n <= 13: sign flips as well
        "zeros n=11": ([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
                       [5, 7.5, 4, 6.25, 5, 8, 3.5, 6, 9, 7, 5.5]),
        # 14 pairs, two of them zero: more than 13 pairs (zeros count here), so not enumerated
        "zeros n=14": ([3] * 14, [4, 1, 3, 5.5, 6, 2, 3, 7, 4.5, 8, 0, 5, 9, 6.5]),
        # ties and zeros, 13 < n <= 50: normal approximation with tie-corrected variance
        "ties+zeros n=20": ([0] * 20,
                            [1, -2, 3, 0, 2, 1, -1, 4, 3, 0, 2, -3, 5, 1, 2, 0, 3, -1, 2, 4]),
    }
    # Generated data (exact in binary, rebuilt the same way in the Swift test)
    for n in (30, 50):  # distinct |d|, no zeros: exact distribution
        base = [float(i) for i in range(n)]
        cur = [i + (-1 if (i * i) % 7 < 3 else 1) * (i + 1) / 4 for i in range(n)]
        cases[f"exact n={n}"] = (base, cur)
    base = [float(i) for i in range(60)]  # n = 60 > 50: normal approximation (ties, one zero)
    cases["approx n=60"] = (base, [i + ((i * 37) % 101 - 40) / 8 for i in range(60)])
    for label, (b, c) in cases.items():
        r = st.wilcoxon(c, b)
        show(f"wilcoxon {label}", r.statistic, r.pvalue)

print("\n# McNemar exact: mcnemar([[a, baselineOnly], [currentOnly, d]], exact=True).pvalue")
for b, c in ((3, 9), (0, 5), (7, 7), (0, 0), (12, 30), (1, 0)):
    show(f"mcnemar({b}, {c})", mcnemar([[10, b], [c, 10]], exact=True).pvalue)
