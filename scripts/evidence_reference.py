#!/usr/bin/python3
"""Reference values for tests/test_evidence.c.

Every expected number there comes from this script, which asks statsmodels
and scipy (Debian bookworm's python3-statsmodels 0.13.5, python3-scipy
1.10.1), never shadowgate:

- the one-sided score test: statsmodels proportions_ztest with the null's
  variance (prop_var = t), alternative 'smaller' for a minimum, 'larger'
  for a maximum;
- Holm and Bonferroni: statsmodels multipletests;
- more cases: a search over every n' from n up, each interval from
  statsmodels proportion_confint(rate * n', n', method='wilson');
- McNemar: statsmodels mcnemar(exact=True), the mid-p with scipy's
  binom.pmf;
- Newcombe's paired interval (method 10 of Newcombe 1998, Statistics in
  Medicine 17:2635-2650), written out here from the paper's formula on
  statsmodels' Wilson intervals.

    /usr/bin/python3 scripts/evidence_reference.py
"""

import math
import warnings

from scipy.stats import binom
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

warnings.simplefilter("ignore")


def score_p(k, n, t, bound):
    alt = "smaller" if bound == "min" else "larger"
    return proportions_ztest(k, n, value=t, alternative=alt, prop_var=t)[1]


print("# score test p: k n t bound p")
for k, n, t, bound in [(437, 500, 0.86, "min"), (400, 500, 0.86, "min"),
                       (480, 500, 0.86, "min"), (12, 400, 0.05, "max"),
                       (30, 400, 0.05, "max"), (2, 10, 0.5, "min")]:
    print(k, n, t, bound, repr(score_p(k, n, t, bound)))

print("# multipletests reject: method p... -> reject...")
ps = [0.001, 0.009, 0.012, 0.04, 0.3, 0.011]
for method in ["holm", "bonferroni"]:
    rej = multipletests(ps, alpha=0.05, method=method)[0]
    print(method, ps, [int(r) for r in rej])


def decided(rate, n, t, bound):
    lo, hi = proportion_confint(rate * n, n, alpha=0.05, method="wilson")
    if bound == "min":
        return lo >= t or hi < t
    return hi <= t or lo > t


def more_cases(k, n, t, bound):
    rate = k / n
    m = n
    while not decided(rate, m, t, bound):
        m += 1
    return m - n


print("# more cases: k n t bound -> more; and the Wilson interval at n")
for k, n, t, bound in [(437, 500, 0.86, "min"), (425, 500, 0.86, "min"),
                       (80, 100, 0.75, "min"), (7, 200, 0.05, "max"),
                       (470, 500, 0.86, "min")]:
    print(k, n, t, bound, more_cases(k, n, t, bound),
          proportion_confint(k, n, alpha=0.05, method="wilson"))

print("# mcnemar exact p and mid-p: b c")
for b, c in [(30, 12), (5, 0), (0, 0), (7, 7), (600, 540), (1, 2)]:
    if b + c == 0:
        print(b, c, 1.0, 1.0)
        continue
    p = mcnemar([[10, b], [c, 10]], exact=True).pvalue
    mid = p - binom.pmf(min(b, c), b + c, 0.5)
    print(b, c, repr(p), repr(mid))


def newcombe(a, b, c, d):
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_confint(a + b, n, alpha=0.05, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=0.05, method="wilson")
    den = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(den) if den > 0 else 0.0
    dl = math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    du = math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    diff = (b - c) / n
    return diff, diff - dl, diff + du


print("# newcombe paired: a b c d -> diff low high")
for a, b, c, d in [(400, 30, 12, 58), (1, 1, 7, 12), (6, 0, 0, 0), (50, 5, 0, 45)]:
    print(a, b, c, d, [repr(x) for x in newcombe(a, b, c, d)])
