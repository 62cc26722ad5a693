#!/usr/bin/python3
"""Reference values for tests/test_strata.c: Cochran's stratified
estimators computed with numpy from per-case verdicts (a 0/1 array per
stratum and side, and d = model - person per case), not from the counts
shadowgate works with. The cases are drawn with a fixed seed.

    /usr/bin/python3 scripts/strata_reference.py
"""
import numpy as np

rng = np.random.default_rng(20261201)
# N_h, n_h, chance the model is right, chance the person is right
strata = [(4000, 40, 0.97, 0.97), (900, 30, 0.55, 0.40), (700, 25, 0.35, 0.60),
          (300, 20, 0.50, 0.45), (60, 60, 0.30, 0.55), (40, 12, 0.6, 0.3)]
N = sum(s[0] for s in strata)
est = {"model": 0.0, "human": 0.0, "diff": 0.0}
var = {"model": 0.0, "human": 0.0, "diff": 0.0}
rows = []
for h, (Nh, nh, pm, ph) in enumerate(strata):
    m = (rng.random(nh) < pm).astype(float)
    if h == 0:
        p = m.copy()  # an agreement cell: both right or both wrong
    else:
        p = (rng.random(nh) < ph).astype(float)
        p[(m == 1) & (p == 1)] = 0  # a disagreement: at most one right
    d = m - p
    W = Nh / N
    fpc = 1 - nh / Nh
    for side, x in (("model", m), ("human", p)):
        est[side] += W * x.mean()
        var[side] += W * W * fpc * x.mean() * (1 - x.mean()) / (nh - 1)
    est["diff"] += W * d.mean()
    var["diff"] += W * W * fpc * d.var(ddof=1) / nh
    rows.append((Nh, nh, int(m.sum()), int(p.sum()), int(((m == 1) & (p == 0)).sum()),
                 int(((p == 1) & (m == 0)).sum())))
print("/* N, n, model_right, human_right, model_only, human_only */")
for r in rows:
    print("\t{%d, %d, %d, %d, %d, %d}," % r)
z = 1.959963984540054
for k in ("model", "human", "diff"):
    lo, hi = est[k] - z * var[k] ** 0.5, est[k] + z * var[k] ** 0.5
    if k != "diff":
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    print(k, repr(est[k]), repr(var[k]), repr(lo), repr(hi))
