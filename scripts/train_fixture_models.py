#!/usr/bin/python3
"""Trains the tiny XGBoost models under fixtures/models and writes
tests/xgb_expected.h: fixture rows (some with missing features) and
XGBoost's own predictions for them, Booster.predict(DMatrix(X,
missing=nan)), which test_backend.c compares shadowgate's output to.

It also trains a model from a pandas DataFrame, which stores the column
names as the model's feature_names (fixtures/models/named.json), and
writes two decision logs of the same cases for it, one with the model's
column names and one with other names (fixtures/models/named_cases.csv,
named_renamed.csv), and XGBoost's own predictions for those cases
(fixtures/models/named_expected.csv) for tests/cli/models.sh.

Run from anywhere with the system Python (numpy, pandas and xgboost):

    /usr/bin/python3 scripts/train_fixture_models.py

Seeds are fixed, so the models and the header are reproducible for a
given xgboost version (the header names it).
"""

import os

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "fixtures", "models")
HEADER = os.path.join(ROOT, "tests", "xgb_expected.h")
NTRAIN = 300
NFIX = 10


def params(objective, **extra):
    p = {"objective": objective, "max_depth": 3, "eta": 0.3,
         "seed": 7, "nthread": 1}
    p.update(extra)
    return p


def with_missing(rng, X, frac):
    X = X.copy()
    X[rng.random(X.shape) < frac] = np.nan
    return X


def fixture_rows(rng, nfeat):
    X = rng.normal(size=(NFIX, nfeat)).round(3)
    X[1, 0] = np.nan             # one missing feature
    X[4, :] = np.nan             # a row with nothing known
    X[7, nfeat - 1] = np.nan
    return X


def c_double(v):
    v = float(v)
    if np.isnan(v):
        return "NAN"
    return repr(v)


def c_matrix(name, X):
    rows = ["\t{" + ", ".join(c_double(v) for v in r) + "}," for r in X]
    return ("static const double %s[%d][%d] = {\n%s\n};\n"
            % (name, X.shape[0], X.shape[1], "\n".join(rows)))


def c_vector(name, v):
    return ("static const double %s[%d] = {\n\t%s\n};\n"
            % (name, len(v), ",\n\t".join(c_double(x) for x in v)))


NAMED = ["income", "age", "debt_ratio"]
RENAMED = {"income": "monthly_income", "age": "age_years"}
NNAMED = 40


def fmt_csv(v):
    return "" if np.isnan(v) else repr(float(v))


def named_model(rng):
    """A binary model trained from a DataFrame with named columns, two
    logs of NNAMED cases for it and XGBoost's predictions for them."""
    X = pd.DataFrame({
        "income": rng.normal(3000, 800, size=NTRAIN).round(0),
        "age": rng.integers(18, 80, size=NTRAIN).astype(float),
        "debt_ratio": rng.uniform(0, 1, size=NTRAIN).round(3),
    }, columns=NAMED)
    # the features differ in scale, so a model fed them in another order
    # says something else
    y = ((X["income"] - 3000) / 800 - (X["age"] - 50) / 15
         - 2 * (X["debt_ratio"] - 0.5)
         + 0.3 * rng.normal(size=NTRAIN) > 0).astype(int)
    bst = xgb.train(params("binary:logistic"), xgb.DMatrix(X, label=y),
                    num_boost_round=4)
    bst.save_model(os.path.join(MODELS, "named.json"))
    F = pd.DataFrame({
        "income": rng.normal(3000, 800, size=NNAMED).round(0),
        "age": rng.integers(18, 80, size=NNAMED).astype(float),
        "debt_ratio": rng.uniform(0, 1, size=NNAMED).round(3),
    }, columns=NAMED)
    F.iloc[3, 0] = np.nan
    F.iloc[11, 2] = np.nan
    p = bst.predict(xgb.DMatrix(F, missing=np.nan))
    truth = ((F["income"].fillna(3000) - 3000) / 800
             - (F["age"] - 50) / 15
             - 2 * (F["debt_ratio"].fillna(0.5) - 0.5) > 0)
    ids = ["n%02d" % i for i in range(NNAMED)]
    for name, cols in (("named_cases.csv", NAMED),
                       ("named_renamed.csv",
                        [RENAMED.get(c, c) for c in NAMED])):
        with open(os.path.join(MODELS, name), "w") as f:
            f.write("case_id,decided_at,decision," + ",".join(cols) + "\n")
            for i in range(NNAMED):
                f.write("%s,2026-11-10T12:00:00Z,%s,%s\n" % (
                    ids[i], "yes" if truth.iloc[i] else "no",
                    ",".join(fmt_csv(F.iloc[i, j])
                             for j in range(len(NAMED)))))
    # labels [no, yes], threshold 0.5: yes when p > 0.5, score = the
    # probability of the label given
    with open(os.path.join(MODELS, "named_expected.csv"), "w") as f:
        f.write("case_id,label,score\n")
        for i in range(NNAMED):
            pi = float(p[i])
            f.write("%s,%s,%r\n" % (ids[i], "yes" if pi > 0.5 else "no",
                                     pi if pi > 0.5 else 1.0 - pi))


def main():
    rng = np.random.default_rng(20240601)
    out = []

    # binary: 3 features
    X = rng.normal(size=(NTRAIN, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2]
         + 0.3 * rng.normal(size=NTRAIN) > 0).astype(int)
    d = xgb.DMatrix(with_missing(rng, X, 0.05), label=y, missing=np.nan)
    bst = xgb.train(params("binary:logistic"), d, num_boost_round=4)
    bst.save_model(os.path.join(MODELS, "binary.json"))
    bst.save_model(os.path.join(MODELS, "binary.ubj"))
    F = fixture_rows(rng, 3)
    p = bst.predict(xgb.DMatrix(F, missing=np.nan))
    out.append(c_matrix("xgb_binary_x", F))
    out.append(c_vector("xgb_binary_p", p))

    # multi-class: 4 features, 3 classes
    X = rng.normal(size=(NTRAIN, 4))
    s = np.stack([X[:, 0] - X[:, 1], X[:, 2], -X[:, 0] + X[:, 3]], axis=1)
    y = np.argmax(s + 0.3 * rng.normal(size=s.shape), axis=1)
    d = xgb.DMatrix(with_missing(rng, X, 0.05), label=y, missing=np.nan)
    bst = xgb.train(params("multi:softprob", num_class=3), d,
                    num_boost_round=3)
    bst.save_model(os.path.join(MODELS, "multiclass.json"))
    F = fixture_rows(rng, 4)
    P = bst.predict(xgb.DMatrix(F, missing=np.nan))
    out.append(c_matrix("xgb_multi_x", F))
    out.append(c_matrix("xgb_multi_p", P))

    # the same data as multi:softmax, which predicts a class index only
    bst = xgb.train(params("multi:softmax", num_class=3), d,
                    num_boost_round=3)
    bst.save_model(os.path.join(MODELS, "multiclass_softmax.json"))
    c = bst.predict(xgb.DMatrix(F, missing=np.nan))
    M = bst.predict(xgb.DMatrix(F, missing=np.nan), output_margin=True)
    e = np.exp(M.astype(np.float64) - M.max(axis=1, keepdims=True))
    out.append(c_vector("xgb_softmax_class", c))
    out.append(c_matrix("xgb_softmax_p", e / e.sum(axis=1, keepdims=True)))

    # regression: 3 features
    X = rng.normal(size=(NTRAIN, 3))
    y = 2.0 * X[:, 0] - X[:, 1] + 0.5 * X[:, 2] ** 2 \
        + 0.1 * rng.normal(size=NTRAIN)
    d = xgb.DMatrix(with_missing(rng, X, 0.05), label=y, missing=np.nan)
    bst = xgb.train(params("reg:squarederror"), d, num_boost_round=4)
    bst.save_model(os.path.join(MODELS, "regression.json"))
    F = fixture_rows(rng, 3)
    v = bst.predict(xgb.DMatrix(F, missing=np.nan))
    out.append(c_matrix("xgb_reg_x", F))
    out.append(c_vector("xgb_reg_v", v))

    named_model(np.random.default_rng(20261201))

    with open(HEADER, "w") as f:
        f.write("/*\n * xgb_expected.h - generated by "
                "scripts/train_fixture_models.py\n"
                " * with xgboost %s and numpy %s: do not edit.\n *\n"
                " * Fixture rows for the models in fixtures/models and "
                "XGBoost's own\n * predictions for them "
                "(Booster.predict(DMatrix(X, missing=nan))).\n"
                " * xgb_softmax_p is numpy's softmax of the "
                "softmax model's margins.\n */\n"
                "#ifndef XGB_EXPECTED_H\n#define XGB_EXPECTED_H\n\n"
                "#include <math.h>\n\n#define XGB_NFIX %d\n\n"
                % (xgb.__version__, np.__version__, NFIX))
        f.write("\n".join(out))
        f.write("\n#endif\n")


if __name__ == "__main__":
    main()
