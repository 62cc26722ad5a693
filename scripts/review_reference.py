#!/usr/bin/python3
"""Reference values for tests/test_review.c (the review block of a
window): the strata, reviewers and verdicts of the test written out case
by case, each case's verdict the majority of its reviewers (a tie leaves
it out), then Cochran's stratified estimators with numpy over per-case
0/1 arrays and Wilson's intervals from statsmodels, not from the counts
shadowgate works with.

    /usr/bin/python3 scripts/review_reference.py
"""
from collections import Counter

import numpy as np
from statsmodels.stats.proportion import proportion_confint

# (human label, model label, N_h, [verdicts of each reviewed case])
strata = [
    ("approve", "reject", 10, [["reject"], ["reject"], ["approve"],
                               ["refer", "refer", "approve"]]),
    ("reject", "approve", 5, [["approve"], ["reject"], ["reject"],
                              ["approve", "reject"]]),
    ("refer", "reject", 3, [["refer"], ["refer"], ["reject"]]),
    ("approve", "approve", 20, [["approve"], ["approve"], ["reject"]]),
    ("reject", "reject", 15, [["reject"], ["reject"]]),
]
z = 1.959963984540054
N = sum(s[2] for s in strata)
est = {"model": 0.0, "human": 0.0, "diff": 0.0}
var = {"model": 0.0, "human": 0.0, "diff": 0.0}
dis = Counter()
pairs = agree = multi = 0
for h, m, Nh, cases in strata:
    mr, hr = [], []
    for votes in cases:
        if len(votes) > 1:
            multi += 1
            for i in range(len(votes)):
                for j in range(i + 1, len(votes)):
                    pairs += 1
                    agree += votes[i] == votes[j]
        top = Counter(votes).most_common()
        if len(top) > 1 and top[0][1] == top[1][1]:
            continue  # a tie: unresolved
        v = top[0][0]
        mr.append(float(v == m))
        hr.append(float(v == h))
        if h != m:
            dis["n"] += 1
            dis["model"] += v == m
            dis["human"] += v == h
            dis["neither"] += v not in (h, m)
    mr, hr = np.array(mr), np.array(hr)
    nh = len(mr)
    W, fpc = Nh / N, 1 - nh / Nh
    d = mr - hr
    for side, x in (("model", mr), ("human", hr)):
        est[side] += W * x.mean()
        if fpc > 0:
            var[side] += W * W * fpc * x.mean() * (1 - x.mean()) / (nh - 1)
    est["diff"] += W * d.mean()
    if fpc > 0:
        var["diff"] += W * W * fpc * d.var(ddof=1) / nh
    print("/* %s -> %s: N %d, n %d, model_right %d, human_right %d */"
          % (h, m, Nh, nh, mr.sum(), hr.sum()))
for k in ("model", "human", "diff"):
    lo, hi = est[k] - z * var[k] ** 0.5, est[k] + z * var[k] ** 0.5
    if k != "diff":
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    print("%s: estimate %.17g low %.17g high %.17g" % (k, est[k], lo, hi))
for k in ("model", "human", "neither"):
    lo, hi = proportion_confint(dis[k], dis["n"], alpha=0.05, method="wilson")
    print("disagreements %s: %d of %d, wilson %.17g %.17g"
          % (k, dis[k], dis["n"], lo, hi))
print("reviewers: %d cases, %d pairs, %d agree" % (multi, pairs, agree))
