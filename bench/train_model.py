#!/usr/bin/python3
"""Trains the bench model for bench/run.sh: XGBoost multi:softprob, 3 classes
(approve, deny, refer), 100 boosting rounds (100 trees per class, 300 in
all), max_depth 6, over the features f1..f8 of a log from gen_cases.py.

usage: /usr/bin/python3 train_model.py LOG.csv MODEL.json [--rows N]
                                      [--rounds R]

--rounds R: R boosting rounds instead of 100 (3 R trees).

Training data: the first N rows of the log (default 200000), features as
the log has them (empty = missing = NaN), the target a synthetic rule of
the features plus noise that needs deep trees (interactions, thresholds),
so the trees are full depth-6 trees like a real model's. Needs Debian's
python3-xgboost and python3-numpy (run it with /usr/bin/python3).
"""
import csv
import sys

import numpy as np
import xgboost as xgb


def main(argv):
    rows = 200000
    rounds = 100
    args = []
    i = 1
    while i < len(argv):
        if argv[i] == "--rows" and i + 1 < len(argv):
            rows = int(argv[i + 1])
            i += 2
        elif argv[i] == "--rounds" and i + 1 < len(argv):
            rounds = int(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    names = ["f%d" % k for k in range(1, 9)]
    with open(args[0], newline="") as f:
        rd = csv.reader(f)
        header = next(rd)
        cols = [header.index(n) for n in names]
        data = []
        for k, rec in enumerate(rd):
            if k >= rows:
                break
            data.append([float(rec[c]) if rec[c] else np.nan for c in cols])
    x = np.array(data, dtype=np.float32)
    rng = np.random.default_rng(20261120)
    v = np.nan_to_num(x, nan=0.0)
    z = (np.log1p(np.abs(v[:, 0])) / 12 + v[:, 2] + 0.3 * v[:, 3]
         + 0.01 * v[:, 4] * (v[:, 5] > 8) + 0.4 * (v[:, 1] > 60)
         - 0.2 * np.sin(v[:, 6] / 30) + 0.05 * np.log1p(np.abs(v[:, 7]))
         + rng.normal(0, 0.35, len(v)))
    y = np.digitize(z, np.quantile(z, [0.35, 0.7]))
    d = xgb.DMatrix(x, label=y, feature_names=names, missing=np.nan)
    params = {"objective": "multi:softprob", "num_class": 3, "max_depth": 6,
              "eta": 0.1, "tree_method": "hist", "seed": 1, "verbosity": 0}
    bst = xgb.train(params, d, num_boost_round=rounds)
    bst.save_model(args[1])
    p = bst.predict(d)
    sys.stderr.write("trained %d rounds x 3 classes on %d rows; training "
                     "accuracy %.3f\n" % (bst.num_boosted_rounds(), len(x),
                                          float((p.argmax(1) == y).mean())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
