#!/usr/bin/python3
"""The nightly shadow comparison as a user would write it in Python, for
bench/night.sh to time next to shadowgate's ingest + run + report.

usage: /usr/bin/python3 night_python.py LOG.csv MODEL.json STORE.db

1. pandas.read_csv of the log (case_id, decided_at, region, f1..f8,
   decision, rater);
2. XGBoost's inplace_predict over f1..f8 (a multi:softprob model; class i
   is the i-th of approve, deny, refer), arg-max to a label, and its
   probability as the score;
3. agreement k/n with its 95% Wilson interval (statsmodels
   proportion_confint), Cohen's kappa (scikit-learn) with its standard
   error and interval (statsmodels cohens_kappa), the confusion matrix,
   per-class precision, recall, F1 and support (scikit-learn), agreement
   and Wilson interval per region and per night;
4. DataFrame.to_sql of the cases (with their predictions) into a fresh
   SQLite file, and of the report as one JSON text;
5. prints {"n", "agree", "rate", "kappa"} as JSON on standard output.

Needs Debian's python3-pandas, python3-xgboost, python3-sklearn and
python3-statsmodels (run it with /usr/bin/python3).
"""
import json
import sqlite3
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import (cohen_kappa_score, confusion_matrix,
                             precision_recall_fscore_support)
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

LABELS = ["approve", "deny", "refer"]
FEATURES = ["f%d" % k for k in range(1, 9)]


def wilson(k, n):
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    log, model, store = argv[1:]
    df = pd.read_csv(log, dtype={"case_id": str, "region": str,
                                 "decision": str, "rater": str})
    df["night"] = df["decided_at"].str.slice(0, 10)
    bst = xgb.Booster()
    bst.load_model(model)
    p = bst.inplace_predict(df[FEATURES].to_numpy(dtype=np.float32),
                            missing=np.nan)
    cls = p.argmax(axis=1)
    df["model"] = np.array(LABELS)[cls]
    df["score"] = p[np.arange(len(p)), cls]

    h, m = df["decision"].to_numpy(), df["model"].to_numpy()
    labels = sorted(set(h) | set(m))
    agree = h == m
    k, n = int(agree.sum()), len(df)
    cm = confusion_matrix(h, m, labels=labels)
    kappa = float(cohen_kappa_score(h, m, labels=labels))
    ck = cohens_kappa(cm)
    prec, rec, f1, sup = precision_recall_fscore_support(
        h, m, labels=labels, zero_division=0)
    df["agree"] = agree
    segs = {}
    for (col, key) in (("region", "segments"), ("night", "nights")):
        g = df.groupby(col)["agree"].agg(["sum", "count"])
        segs[key] = {str(v): {"n": int(r["count"]), "agree": int(r["sum"]),
                              "rate": r["sum"] / r["count"],
                              "ci95": wilson(int(r["sum"]), int(r["count"]))}
                     for v, r in g.iterrows()}
    report = {
        "cases": n,
        "agreement": {"rate": k / n, "agree": k, "n": n, "ci95": wilson(k, n)},
        "kappa": {"value": kappa, "se": float(ck.std_kappa),
                  "ci95": [float(ck.kappa_low), float(ck.kappa_upp)]},
        "confusion": {"labels": labels, "matrix": cm.tolist()},
        "per_class": {lab: {"precision": float(prec[i]),
                            "recall": float(rec[i]), "f1": float(f1[i]),
                            "support": int(sup[i])}
                      for i, lab in enumerate(labels)},
        "segments": {"region": segs["segments"]},
        "nights": segs["nights"],
    }
    con = sqlite3.connect(store)
    df.to_sql("cases", con, index=False, if_exists="replace")
    pd.DataFrame({"json": [json.dumps(report)]}).to_sql(
        "reports", con, index=False, if_exists="replace")
    con.commit()
    con.close()
    json.dump({"n": n, "agree": k, "rate": k / n, "kappa": kappa},
              sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
