#!/usr/bin/python3
"""Reference values for tests/test_stats.c.

Every expected number in tests/test_stats.c comes from this script, which
asks independent implementations (scipy, statsmodels, scikit-learn, numpy,
and a plain-Python coincidence-matrix Krippendorff's alpha written here from
Krippendorff 2011), never shadowgate itself. The test holds the printed
literals; rerun this to regenerate them:

    /usr/bin/python3 scripts/stats_reference.py > /tmp/stats_ref.txt

Versions used: scipy 1.10.1, statsmodels 0.13.5, scikit-learn 1.2.1,
numpy 1.24.2 (Debian bookworm's python3-* packages).
"""

import math
import warnings

import numpy as np
import scipy
import scipy.special
import scipy.stats
import sklearn
import statsmodels
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa, aggregate_raters
from statsmodels.stats.proportion import proportion_confint

warnings.simplefilter("ignore")


def r(x):
    """17 significant digits, C syntax; NaN as the C macro."""
    x = float(x)
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    return repr(x)


def section(title):
    print()
    print("/* ---- %s ---- */" % title)


def expand(m):
    """Confusion counts (rows human = y_true, columns model = y_pred) -> arrays."""
    m = np.asarray(m)
    yt, yp = [], []
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            yt += [i] * int(m[i, j])
            yp += [j] * int(m[i, j])
    return np.array(yt), np.array(yp)


def cmat(m):
    return "{" + ", ".join(str(int(v)) for v in np.asarray(m).ravel()) + "}"


print("/* scipy %s, statsmodels %s, scikit-learn %s, numpy %s */"
      % (scipy.__version__, statsmodels.__version__, sklearn.__version__,
         np.__version__))

# ---------------------------------------------------------------- normal
section("scipy.stats.norm.ppf(p): {p, ppf}")
for p in [1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.025, 0.05, 0.075,
          0.1, 0.3, 0.5, 0.7, 0.9, 0.925, 0.95, 0.975, 0.995, 0.999,
          1 - 1e-10]:
    print("{%s, %s}," % (r(p), r(scipy.stats.norm.ppf(p))))

section("scipy.stats.norm.cdf(x): {x, cdf}")
for x in [-37.0, -10.0, -5.0, -1.959963984540054, -1.0, 0.0, 0.5, 1.0,
          1.959963984540054, 3.0, 8.5]:
    print("{%s, %s}," % (r(x), r(scipy.stats.norm.cdf(x))))

section("scipy.stats.norm.isf((1 - c) / 2): {c, z}")
for c in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.999999]:
    print("{%s, %s}," % (r(c), r(scipy.stats.norm.isf((1 - c) / 2))))

# ---------------------------------------------------------------- Wilson
section("statsmodels proportion_confint(k, n, alpha=1-c, method='wilson'): "
        "{k, n, c, low, high}")
for k, n in [(81, 100), (0, 10), (10, 10), (0, 1), (1, 1), (1, 2), (5, 37),
             (999, 1000), (1, 1000000), (123456, 200000)]:
    for c in [0.90, 0.95, 0.99]:
        lo, hi = proportion_confint(k, n, alpha=1 - c, method="wilson")
        print("{%d, %d, %s, %s, %s}," % (k, n, r(c), r(lo), r(hi)))

# ---------------------------------------------------------------- kappa
tables = {
    # statsmodels/stats/tests/test_inter_rater.py table10, the SAS PROC FREQ
    # example: SAS prints kappa 0.4842, ASE 0.1380, 95% 0.2137 .. 0.7547;
    # weighted (Cicchetti-Allison) 0.4701. Column 0 is empty: the model
    # never predicts class 0.
    "sas": [[0, 4, 1], [0, 8, 0], [0, 1, 5]],
    # row 2 empty: humans never use class 2, the model does
    "human_never": [[20, 3, 2], [4, 15, 1], [0, 0, 0]],
    "binary": [[45, 5], [10, 40]],
    "four": [[23, 4, 1, 0], [3, 31, 5, 2], [0, 6, 18, 3], [1, 0, 4, 12]],
    # middle class absent on both sides: weights still use index distance
    "gap": [[10, 0, 2], [0, 0, 0], [3, 0, 9]],
    "perfect": [[5, 0, 0], [0, 3, 0], [0, 0, 2]],
    "opposite": [[0, 5], [5, 0]],
    "one_off": [[0, 1], [0, 0]],
    "ordinal5": [[12, 3, 1, 0, 0], [2, 15, 4, 1, 0], [0, 3, 20, 5, 1],
                 [0, 1, 4, 14, 3], [0, 0, 1, 2, 9]],
    # 200,000 cases
    "big": [[60000, 3000, 1500, 500], [2500, 50000, 2000, 1000],
            [1200, 1800, 40000, 3000], [300, 700, 2500, 30000]],
}
assert sum(map(sum, tables["big"])) == 200000

section("tables (rows human, columns model)")
for name, m in tables.items():
    print("static const long t_%s[] = %s;" % (name, cmat(m)))

section("Cohen's kappa: sklearn cohen_kappa_score(y_true, y_pred); "
        "statsmodels cohens_kappa(table).std_kappa, .kappa_low, .kappa_upp "
        "(95%); 90%/99%: kappa -+ norm.isf(alpha/2) * std_kappa: "
        "{table, k, kappa, se, lo95, hi95, lo90, hi90, lo99, hi99}")
for name in ["sas", "human_never", "binary", "four", "gap", "perfect",
             "opposite", "one_off", "ordinal5", "big"]:
    m = np.asarray(tables[name])
    yt, yp = expand(m)
    kap = cohen_kappa_score(yt, yp)
    res = cohens_kappa(m)
    assert abs(res.kappa - kap) < 1e-12, name
    se = res.std_kappa
    row = [kap, se, res.kappa_low, res.kappa_upp]
    for c in [0.90, 0.99]:
        z = scipy.stats.norm.isf((1 - c) / 2)
        row += [kap - z * se, kap + z * se]
    print("{t_%s, %d, %s}," % (name, m.shape[0], ", ".join(r(v) for v in row)))

section("weighted kappa: sklearn cohen_kappa_score(y_true, y_pred, "
        "labels=range(k), weights='linear' | 'quadratic'): "
        "{table, k, linear, quadratic}")
for name in ["sas", "human_never", "binary", "four", "gap", "perfect",
             "opposite", "ordinal5", "big"]:
    m = np.asarray(tables[name])
    k = m.shape[0]
    yt, yp = expand(m)
    lin = cohen_kappa_score(yt, yp, labels=list(range(k)), weights="linear")
    quad = cohen_kappa_score(yt, yp, labels=list(range(k)), weights="quadratic")
    print("{t_%s, %d, %s, %s}," % (name, k, r(lin), r(quad)))

section("class metrics: sklearn precision_recall_fscore_support(y_true, "
        "y_pred, labels=range(k), zero_division=0, average=None | 'macro' | "
        "'weighted'): per class {p, r, f1, support}, then macro {p, r, f1}, "
        "weighted {p, r, f1}")
for name in ["sas", "human_never", "binary", "four", "gap", "ordinal5", "big"]:
    m = np.asarray(tables[name])
    k = m.shape[0]
    yt, yp = expand(m)
    labels = list(range(k))
    p, rc, f, s = precision_recall_fscore_support(
        yt, yp, labels=labels, zero_division=0, average=None)
    print("static const struct ref_class c_%s[] = {" % name)
    for i in range(k):
        print("\t{%s, %s, %s, %d}," % (r(p[i]), r(rc[i]), r(f[i]), s[i]))
    print("};")
    for avg in ["macro", "weighted"]:
        p, rc, f, _ = precision_recall_fscore_support(
            yt, yp, labels=labels, zero_division=0, average=avg)
        print("static const double %s_%s[] = {%s, %s, %s};"
              % (avg, name, r(p), r(rc), r(f)))

# ---------------------------------------------------------------- Fleiss
section("Fleiss' kappa: statsmodels fleiss_kappa(table, method='fleiss')")
wiki = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
print("/* Wikipedia example (statsmodels test table1), 10 x 5 */")
print("static const long f_wiki[] = %s;" % cmat(wiki))
print("wiki: %s" % r(fleiss_kappa(wiki)))
# Fleiss 1971 diagnoses, 30 items x 6 raters, from statsmodels' test file
diagnoses = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5], [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]])
diag_table, cats = aggregate_raters(diagnoses)
assert list(cats) == [1, 2, 3, 4, 5]
print("/* Fleiss 1971 diagnoses via statsmodels aggregate_raters, 30 x 5 */")
print("static const long f_diag[] = %s;" % cmat(diag_table))
print("diag: %s" % r(fleiss_kappa(diag_table)))
for name, t in [("rand1", [[7, 1], [3, 5]]), ("rand2", [[6, 1, 0], [0, 7, 0]]),
                ("perfect", [[7, 0], [0, 7]])]:
    print("static const long f_%s[] = %s;" % (name, cmat(t)))
    print("%s: %s" % (name, r(fleiss_kappa(t))))


# ---------------------------------------------------------- Krippendorff
def kripp_alpha_nominal(rows):
    """Krippendorff (2011), 'Computing Krippendorff's Alpha-Reliability',
    section C: coincidence matrix o_ck = sum_u (number of c-k pairs in u) /
    (m_u - 1); alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.
    rows: coders x units, None = missing."""
    units = list(zip(*rows))
    o = {}
    for u in units:
        vals = [v for v in u if v is not None]
        m = len(vals)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    key = (vals[i], vals[j])
                    o[key] = o.get(key, 0.0) + 1.0 / (m - 1)
    cats = sorted({c for c, _ in o})
    nc = {c: sum(o.get((c, k), 0.0) for k in cats) for c in cats}
    n = sum(nc.values())
    do = sum(o.get((c, k), 0.0) for c in cats for k in cats if c != k)
    de = sum(nc[c] * nc[k] for c in cats for k in cats if c != k)
    if de == 0:
        return float("nan")
    return 1.0 - (n - 1) * do / de


section("Krippendorff's alpha, nominal (plain-Python coincidence matrix, "
        "above)")
_ = None
paper = [  # Krippendorff 2011, section C, observers A-D x units 1-12
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, _],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
a = kripp_alpha_nominal(paper)
assert round(a, 3) == 0.743
print("paper: %s" % r(a))
brief = [  # same data with unit 12's lone value under B instead of C
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
print("brief: %s" % r(kripp_alpha_nominal(brief)))
# deterministic 20 units x 5 coders with gaps; categories 0..3
gen = []
for c in range(5):
    row = []
    for u in range(20):
        if (u * 7 + c * 3) % 11 == 0:
            row.append(None)
        else:
            base = (u * 5) % 4
            row.append(base if (u + c) % 3 else (base + c) % 4)
    gen.append(row)
print("static const int k_gen[] = {%s}; /* units x coders */" % ", ".join(
    str(-1 if gen[c][u] is None else gen[c][u])
    for u in range(20) for c in range(5)))
print("gen: %s" % r(kripp_alpha_nominal(gen)))

# ---------------------------------------------------------------- regression
section("regression: numpy mean(|m-h|), sqrt(mean((m-h)^2)), mean(m-h), "
        "sum(|h-m| <= tol); statsmodels wilson at 0.95")


def regression(h, m, tol):
    h = np.asarray(h, float)
    m = np.asarray(m, float)
    d = m - h
    within = int(np.sum(np.abs(h - m) <= tol))
    lo, hi = proportion_confint(within, len(h), alpha=1 - 0.95, method="wilson")
    return [np.mean(np.abs(d)), np.sqrt(np.mean(d * d)), np.mean(d)], \
        within, [within / len(h), lo, hi]


h = [1.0, 2.5, 3.0, 4.2, 5.0, 0.1, 7.25]
m = [1.5, 2.0, 3.0, 5.0, 4.0, 0.6, 7.0]
s, w, rate = regression(h, m, 0.5)
print("small tol 0.5: %s within %d %s" % (", ".join(r(v) for v in s), w,
                                          ", ".join(r(v) for v in rate)))
# large: n = 100000, values near 1e6, built so C makes the same doubles
n = 100000
hb = np.array([1e6 + (i % 97) * 0.25 for i in range(n)])
mb = np.array([hb[i] + ((i * 7919) % 41 - 20) * 0.05 for i in range(n)])
s, w, rate = regression(hb, mb, 0.5)
print("big tol 0.5: %s within %d %s" % (", ".join(r(v) for v in s), w,
                                        ", ".join(r(v) for v in rate)))
print("big fsum: %s %s" % (r(math.fsum(np.abs(mb - hb)) / n),
                           r(math.fsum(mb - hb) / n)))

# ---------------------------------------------------------------- PSI, KS
section("PSI of counts: numpy sum((a - e) * log(a / e)) over shares raised "
        "to min_share, bins empty on both sides left out")


def psi_counts(e, a, min_share):
    e = np.asarray(e, float)
    a = np.asarray(a, float)
    keep = (e > 0) | (a > 0)
    pe = np.maximum(e / e.sum(), min_share)[keep]
    pa = np.maximum(a / a.sum(), min_share)[keep]
    return float(np.sum((pa - pe) * np.log(pa / pe)))


for e, a in [([10, 20, 30, 25, 15], [12, 18, 25, 30, 15]),
             ([10, 0, 5, 5], [0, 3, 10, 7]),
             ([1000, 2000, 3000, 4000], [1000, 2000, 3000, 4000])]:
    print("{{%s}, {%s}, %d, %s}," % (", ".join(map(str, e)),
                                   ", ".join(map(str, a)), len(e),
                                   r(psi_counts(e, a, 1e-4))))

section("PSI of samples: cuts = numpy.quantile(e, arange(1, bins) / bins), "
        "bin = numpy.searchsorted(cuts, x, side='left'), then as above")


def psi_samples(e, a, bins, min_share):
    cuts = np.quantile(e, np.arange(1, bins) / bins)
    ce = np.bincount(np.searchsorted(cuts, e, side="left"), minlength=bins)
    ca = np.bincount(np.searchsorted(cuts, a, side="left"), minlength=bins)
    return psi_counts(ce, ca, min_share)


pe_ = np.array([((i * 7919) % 1000) / 10.0 for i in range(5000)])
pa_ = np.array([((j * 104729) % 1000) / 10.0 * 1.1 + 3.0 for j in range(4000)])
print("psi gen bins 10: %s" % r(psi_samples(pe_, pa_, 10, 1e-4)))
print("psi gen self bins 10: %s" % r(psi_samples(pe_, pe_, 10, 1e-4)))
small_e = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 6.0, 7.5]
small_a = [0.5, 2.0, 2.5, 3.0, 5.0, 5.0, 8.0, 9.0]
print("psi small bins 4: %s" % r(psi_samples(small_e, small_a, 4, 1e-4)))

section("scipy.special.kolmogorov(x): {x, sf}")
for x in [0.05, 0.2, 0.5, 0.8, 0.99, 1.0, 1.01, 1.2, 1.3580986393225505,
          2.0, 3.0, 5.0, 8.0]:
    print("{%s, %s}," % (r(x), r(scipy.special.kolmogorov(x))))

section("KS: scipy.stats.ks_2samp(x, y).statistic; p = "
        "scipy.special.kolmogorov(sqrt(nx*ny/(nx+ny)) * d)")


def ks(x, y):
    res = scipy.stats.ks_2samp(x, y)
    en = len(x) * len(y) / (len(x) + len(y))
    return res.statistic, scipy.special.kolmogorov(np.sqrt(en) * res.statistic), \
        res.pvalue


d, p, sp = ks(small_e, small_a)
print("ks small: %s %s (scipy ks_2samp exact p %s)" % (r(d), r(p), r(sp)))
kx = np.array([(i * 37 % 101) * 0.1 for i in range(3000)])
ky = np.array([(j * 53 % 97) * 0.1 + 0.3 for j in range(2500)])
d, p, sp = ks(kx, ky)
print("ks gen: %s %s (scipy ks_2samp p %s)" % (r(d), r(p), r(sp)))
d, p, sp = ks(kx, kx[::-1])
print("ks gen self: %s %s" % (r(d), r(p)))
