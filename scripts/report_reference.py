#!/usr/bin/python3
"""Reference values for tests/test_report.c.

Reads the fixture decision logs in fixtures/report/ with the csv module and
computes every statistic of `shadowgate report` for the scenarios that
tests/test_report.c builds, with independent implementations:
scikit-learn (cohen_kappa_score, precision_recall_fscore_support),
statsmodels (cohens_kappa().std_kappa, proportion_confint(method='wilson'),
fleiss_kappa), numpy (regression, feature mean / std), scipy (normal
quantile), and a plain coincidence-matrix Krippendorff's alpha written here
from Krippendorff (2011). Nothing here calls shadowgate.

It prints C initialisers (one table of expectations per scenario) that are
pasted into tests/test_report.c between the BEGIN/END markers:

    /usr/bin/python3 scripts/report_reference.py > /tmp/report_ref.txt

Versions used: scipy 1.10.1, statsmodels 0.13.5, scikit-learn 1.2.1,
numpy 1.24.2 (Debian bookworm).

Rules mirrored from the report contract (see man/report-fields.txt):
- the human decision of a case is the latest current decision by
  decided_at (parsed, offsets honoured), ties broken by the later row;
- a case belongs to the night written in its first row's decided_at;
- compared = a human label and a model label, the prediction not an error;
- labels = union of both sides over the compared cases, byte order unless a
  label order is given;
- segment / night breakdowns list every value seen in the window (n may be
  0), `below_overall` = interval high < overall rate;
- coverage thresholds i/20, recommended threshold = lowest distinct score
  whose Wilson lower bound on score >= t reaches the target;
- disagreement examples: score descending (none last), then file order.
"""

import csv
import datetime
import math
import os
import sys
import warnings

import numpy as np
import scipy.stats
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

warnings.simplefilter("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
FX = os.path.join(HERE, "..", "fixtures", "report")


def cstr(s):
    """A C string literal: octal escapes for non-ASCII (never swallow)."""
    out = '"'
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == '"' or c == "\\":
            out += "\\" + c
        elif 32 <= b < 127:
            out += c
        else:
            out += "\\%03o" % b
    return out + '"'


def num(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    return repr(x)


def epoch(t):
    if not t:
        return -math.inf
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()


def wilson(k, n, conf):
    if n == 0:
        return (math.nan, math.nan)
    lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    return (min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0))


def load(files, numeric=False, errors=(), segments=(), features=(),
         model_files=None):
    """Cases in file order: dict(case_id -> case)."""
    cases = {}
    order = []
    for fi, name in enumerate(files):
        with open(os.path.join(FX, name), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                cid = row["case_id"]
                if cid not in cases:
                    cases[cid] = {
                        "id": cid,
                        "pos": len(order),
                        "night": row["decided_at"][:10],
                        "segments": {s: row[s] for s in segments},
                        "features": {x: row[x] for x in features},
                        "decisions": {},
                        "pred": {},
                    }
                    order.append(cid)
                c = cases[cid]
                rater = row.get("rater", "")
                d = row["decision"]
                val = float(d) if numeric else d
                old = c["decisions"].get(rater)
                e = epoch(row["decided_at"])
                if old is None or e >= old[1]:
                    c["decisions"][rater] = (val, e, c.get("seq", 0))
                c["seq"] = c.get("seq", 0) + 1
                md = row.get("model_decision", "")
                model = (model_files or {}).get(name, "v1")
                if md != "":
                    sc = row.get("model_score", "")
                    c["pred"][model] = {
                        "label": float(md) if numeric else md,
                        "score": float(sc) if sc != "" else None,
                        "error": cid in errors,
                    }
    return [cases[c] for c in order]


def human(c):
    best = None
    for rater, (val, e, seq) in c["decisions"].items():
        if best is None or (e, seq) > (best[1], best[2]):
            best = (val, e, seq)
    return None if best is None else best[0]


def window(cases, since=None, until=None, last=0):
    nights = sorted({c["night"] for c in cases})
    if last:
        cand = [n for n in nights if until is None or n <= until]
        pick = cand[-last:]
        since, until = (pick[0], pick[-1]) if pick else ("9", "0")
    lo = since or "0000"
    hi = until or "9999"
    return [c for c in cases if lo <= c["night"] <= hi]


class Out:
    def __init__(self, name, comment):
        self.name = name
        self.lines = []
        self.comment = comment

    def n(self, path, v):
        r = num(v) if v is not None else None
        if r is None:
            self.lines.append("Z(%s)" % cstr(path))
        else:
            self.lines.append("N(%s, %s)" % (cstr(path), r))

    def s(self, path, v):
        if v is None:
            self.lines.append("Z(%s)" % cstr(path))
        else:
            self.lines.append("S(%s, %s)" % (cstr(path), cstr(v)))

    def b(self, path, v):
        self.lines.append("B(%s, %d)" % (cstr(path), 1 if v else 0))

    def size(self, path, v):
        self.lines.append("C(%s, %d)" % (cstr(path), v))

    def ci(self, path, lohi):
        self.n(path + "/ci95/0", lohi[0])
        self.n(path + "/ci95/1", lohi[1])

    def emit(self):
        print("/* %s */" % self.comment)
        print("static const struct expect x_%s[] = {" % self.name)
        for l in self.lines:
            print("\t%s," % l)
        print("\t{NULL, 0, 0, NULL},")
        print("};")
        print()


def agreement_block(o, path, k, n, conf):
    o.n(path + "/n", n)
    o.n(path + "/agree", k)
    o.n(path + "/rate", k / n if n else math.nan)
    o.ci(path, wilson(k, n, conf))


def scenario(name, comment, cases, model="v1", conf=0.95, tol=0.5,
             target=0.95, numeric=False, label_order=None, seg_cols=(),
             feat_cols=()):
    o = Out(name, comment)
    z = scipy.stats.norm.ppf(1 - (1 - conf) / 2)
    comp = []  # (case, human, model, score)
    ex = {"no_decision": 0, "no_prediction": 0, "prediction_error": 0,
          "no_human_value": 0, "no_model_output": 0}
    with_dec = with_pred = with_err = 0
    for c in cases:
        h = human(c)
        p = c["pred"].get(model)
        if c["decisions"]:
            with_dec += 1
        if p:
            with_pred += 1
            if p["error"]:
                with_err += 1
        if h is None:
            ex["no_decision"] += 1
        elif not p:
            ex["no_prediction"] += 1
        elif p["error"]:
            ex["prediction_error"] += 1
        else:
            comp.append((c, h, p["label"], p["score"]))
    n = len(comp)

    def agrees(h, m):
        return abs(h - m) <= tol if numeric else h == m

    k = sum(1 for _, h, m, _ in comp if agrees(h, m))
    o.n("cases", n)
    o.n("counts/in_window", len(cases))
    o.n("counts/with_decision", with_dec)
    o.n("counts/with_prediction", with_pred)
    o.n("counts/prediction_errors", with_err)
    o.n("counts/compared", n)
    for key, v in ex.items():
        o.n("counts/excluded/" + key, v)
    o.n("confidence", conf)
    o.s("decision_type", "numeric" if numeric else "label")
    agreement_block(o, "agreement", k, n, conf)
    overall = k / n if n else math.nan

    # window
    nights = sorted({c["night"] for c in cases})
    o.n("window/nights", len(nights))

    if not numeric:
        seen = {h for _, h, _, _ in comp} | {m for _, _, m, _ in comp}
        if label_order:
            labels = sorted(seen, key=lambda s: (label_order.index(s)
                                                 if s in label_order
                                                 else len(label_order),
                                                 s.encode()))
        else:
            labels = sorted(seen, key=lambda s: s.encode())
        yh = [h for _, h, _, _ in comp]
        ym = [m for _, _, m, _ in comp]
        o.size("labels", len(labels))
        for i, l in enumerate(labels):
            o.s("labels/%d" % i, l)
            o.s("confusion/labels/%d" % i, l)
        table = np.zeros((len(labels), len(labels)), dtype=int)
        for h, m in zip(yh, ym):
            table[labels.index(h), labels.index(m)] += 1
        o.size("confusion/matrix", len(labels))
        for i in range(len(labels)):
            for j in range(len(labels)):
                o.n("confusion/matrix/%d/%d" % (i, j), table[i, j])
        if n and len(seen) > 1:
            kap = cohen_kappa_score(yh, ym)
            se = cohens_kappa(table).std_kappa
            o.n("kappa/value", kap)
            o.n("kappa/se", se)
            o.ci("kappa", (kap - z * se, kap + z * se))
        else:
            # one label on both sides or nothing: 0/0
            o.n("kappa/value", math.nan)
            o.n("kappa/se", math.nan)
            o.ci("kappa", (math.nan, math.nan))
        if label_order and n:
            o.n("kappa/linear_weighted",
                cohen_kappa_score(yh, ym, labels=label_order,
                                  weights="linear"))
            o.n("kappa/quadratic_weighted",
                cohen_kappa_score(yh, ym, labels=label_order,
                                  weights="quadratic"))
        else:
            o.n("kappa/linear_weighted", math.nan)
            o.n("kappa/quadratic_weighted", math.nan)
        o.size("per_class", len(labels))
        if n:
            p, r, f, s = precision_recall_fscore_support(
                yh, ym, labels=labels, zero_division=0)
            for i, l in enumerate(labels):
                o.n("per_class/%s/precision" % l, p[i])
                o.n("per_class/%s/recall" % l, r[i])
                o.n("per_class/%s/f1" % l, f[i])
                o.n("per_class/%s/support" % l, s[i])
            for avg in ("macro", "weighted"):
                p, r, f, _ = precision_recall_fscore_support(
                    yh, ym, labels=labels, average=avg, zero_division=0)
                o.n("averages/%s/precision" % avg, p)
                o.n("averages/%s/recall" % avg, r)
                o.n("averages/%s/f1" % avg, f)
                o.n("averages/%s/support" % avg, n)
        else:
            o.n("averages", math.nan)
        # outputs
        for l in labels:
            hn = sum(1 for x in yh if x == l)
            mn = sum(1 for x in ym if x == l)
            o.n("outputs/labels/%s/human" % l, hn)
            o.n("outputs/labels/%s/model" % l, mn)
            o.n("outputs/labels/%s/human_share" % l, hn / n)
            o.n("outputs/labels/%s/model_share" % l, mn / n)
        o.n("regression", math.nan)
    else:
        o.n("regression/n", n)
        hv = np.array([h for _, h, _, _ in comp], dtype=float)
        mv = np.array([m for _, _, m, _ in comp], dtype=float)
        if n:
            d = mv - hv
            o.n("regression/mae", np.mean(np.abs(d)))
            o.n("regression/rmse", np.sqrt(np.mean(d * d)))
            o.n("regression/bias", np.mean(d))
            o.n("outputs/human_mean", np.mean(hv))
            o.n("outputs/model_mean", np.mean(mv))
        o.n("regression/within_tolerance/tolerance", tol)
        o.n("regression/within_tolerance/n", n)
        o.n("regression/within_tolerance/within", k)
        o.n("regression/within_tolerance/rate", k / n if n else math.nan)
        o.ci("regression/within_tolerance", wilson(k, n, conf))
        o.n("kappa/value", math.nan)
        o.n("human_baseline", math.nan)
        o.size("labels", 0)

    o.n("outputs/errors", with_err)
    o.n("outputs/error_rate", with_err / with_pred if with_pred else math.nan)
    o.n("software/window_predictions", with_pred)
    o.n("software/window_errors", with_err)
    o.n("software/window_error_rate",
        with_err / with_pred if with_pred else math.nan)
    o.n("software/run_id", math.nan)
    o.n("software/p95_ms", math.nan)

    # segments and nights: every value seen in the window
    compared_ids = {c["id"]: agrees(h, m) for c, h, m, _ in comp}
    o.size("segments", len(seg_cols))
    for col in seg_cols:
        vals = sorted({c["segments"][col] for c in cases},
                      key=lambda s: s.encode())
        o.size("segments/" + col, len(vals))
        for v in vals:
            ids = [c["id"] for c in cases if c["segments"][col] == v
                   and c["id"] in compared_ids]
            kk = sum(compared_ids[i] for i in ids)
            path = "segments/%s/%s" % (col, v)
            agreement_block(o, path, kk, len(ids), conf)
            hi = wilson(kk, len(ids), conf)[1]
            o.b(path + "/below_overall", len(ids) > 0 and n > 0
                and hi < overall)
    o.size("nights", len(nights))
    for nt in nights:
        ids = [c["id"] for c in cases if c["night"] == nt
               and c["id"] in compared_ids]
        kk = sum(compared_ids[i] for i in ids)
        agreement_block(o, "nights/" + nt, kk, len(ids), conf)
        hi = wilson(kk, len(ids), conf)[1]
        o.b("nights/%s/below_overall" % nt, len(ids) > 0 and hi < overall)

    # coverage
    scored = [(s, agrees(h, m)) for _, h, m, s in comp if s is not None]
    o.n("coverage/scored", len(scored))
    o.n("coverage/target_agreement", target)
    o.size("coverage/points", 21 if scored else 0)
    if scored:
        for i in range(21):
            t = i / 20
            sel = [a for s, a in scored if s >= t]
            path = "coverage/points/%d" % i
            o.n(path + "/threshold", t)
            o.n(path + "/coverage", len(sel) / len(scored))
            o.n(path + "/n", len(sel))
            o.n(path + "/agree", sum(sel))
            o.n(path + "/rate", sum(sel) / len(sel) if sel else math.nan)
            o.ci(path, wilson(sum(sel), len(sel), conf))
    best = None
    for t in sorted({s for s, _ in scored}):
        sel = [a for s, a in scored if s >= t]
        if wilson(sum(sel), len(sel), conf)[0] >= target:
            best = t
            break
    o.n("coverage/recommended_threshold", best if best is not None
        else math.nan)
    if best is not None:
        o.n("coverage/recommended_coverage",
            sum(1 for s, _ in scored if s >= best) / len(scored))
    else:
        o.n("coverage/recommended_coverage", math.nan)

    # features over every case of the window
    o.size("inputs/features", len(feat_cols))
    for fcol in feat_cols:
        raw = [c["features"][fcol] for c in cases]
        vals = np.array([float(x) for x in raw if x != ""])
        path = "inputs/features/" + fcol
        o.n(path + "/cases", len(raw))
        o.n(path + "/missing_rate", (len(raw) - len(vals)) / len(raw))
        o.n(path + "/mean", np.mean(vals) if len(vals) else math.nan)
        o.n(path + "/std", np.std(vals, ddof=1) if len(vals) > 1
            else math.nan)
        o.n(path + "/psi", math.nan)
        o.n(path + "/ks", math.nan)

    # disagreement examples
    dis = [(c, h, m, s) for c, h, m, s in comp if not agrees(h, m)]
    if numeric:
        dis.sort(key=lambda x: (-abs(x[2] - x[1]), x[0]["pos"]))
    else:
        dis.sort(key=lambda x: (-(x[3] if x[3] is not None else -math.inf),
                                x[0]["pos"]))
    dis = dis[:10]
    o.size("disagreements", len(dis))
    for i, (c, h, m, s) in enumerate(dis):
        o.s("disagreements/%d/case_id" % i, c["id"])
        o.s("disagreements/%d/night" % i, c["night"])
        if numeric:
            o.n("disagreements/%d/human" % i, h)
            o.n("disagreements/%d/model" % i, m)
        else:
            o.s("disagreements/%d/human" % i, h)
            o.s("disagreements/%d/model" % i, m)
        o.n("disagreements/%d/score" % i, s if s is not None else math.nan)

    # human baseline: window cases with >= 2 current labelled decisions
    if not numeric:
        items = [c for c in cases if len(c["decisions"]) >= 2]
        o.n("human_baseline/items", len(items))
        o.n("human_baseline/ratings",
            sum(len(c["decisions"]) for c in items))
        if items:
            cats = sorted({v for c in items for v, _, _ in
                           c["decisions"].values()})
            m_counts = {len(c["decisions"]) for c in items}
            if len(m_counts) == 1:
                tab = np.array([[sum(1 for v, _, _ in c["decisions"].values()
                                     if v == cat) for cat in cats]
                                for c in items])
                o.n("human_baseline/fleiss_kappa",
                    fleiss_kappa(tab, method="fleiss"))
            else:
                o.n("human_baseline/fleiss_kappa", math.nan)
            o.n("human_baseline/krippendorff_alpha",
                kripp_nominal([[v for v, _, _ in c["decisions"].values()]
                               for c in items]))
            pairs = agree_pairs = 0
            for c in items:
                vs = [v for v, _, _ in c["decisions"].values()]
                for i in range(len(vs)):
                    for j in range(i + 1, len(vs)):
                        pairs += 1
                        agree_pairs += vs[i] == vs[j]
            o.n("human_baseline/pairs", pairs)
            o.n("human_baseline/pairwise_agreement", agree_pairs / pairs)
            mi = mr = ma = 0
            for c in items:
                p = c["pred"].get(model)
                if not p or p["error"]:
                    continue
                mi += 1
                for v, _, _ in c["decisions"].values():
                    mr += 1
                    ma += v == p["label"]
            o.n("human_baseline/model_items", mi)
            o.n("human_baseline/model_ratings", mr)
            o.n("human_baseline/model_agreement",
                ma / mr if mr else math.nan)
        else:
            for key in ("fleiss_kappa", "krippendorff_alpha",
                        "pairwise_agreement", "model_agreement"):
                o.n("human_baseline/" + key, math.nan)
    return o


def kripp_nominal(units):
    """Krippendorff's alpha, nominal, from the coincidence matrix."""
    cats = sorted({v for u in units for v in u})
    idx = {c: i for i, c in enumerate(cats)}
    o = np.zeros((len(cats), len(cats)))
    for u in units:
        m = len(u)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[idx[u[i]], idx[u[j]]] += 1.0 / (m - 1)
    nc = o.sum(axis=1)
    n = nc.sum()
    do = sum(o[c, k] for c in range(len(cats)) for k in range(len(cats))
             if c != k)
    de = sum(nc[c] * nc[k] for c in range(len(cats))
             for k in range(len(cats)) if c != k) / (n - 1)
    return 1 - do / de if de > 0 else math.nan


def main():
    segs = ("region", "channel")
    feats = ("income", "age")
    labels = load(["labels.csv", "labels_v2.csv"], errors={"L40"},
                  segments=segs, features=feats,
                  model_files={"labels.csv": "v1", "labels_v2.csv": "v2"})
    out = []
    out.append(scenario(
        "labels_all", "labels.csv + labels_v2.csv, L40's prediction an "
        "error, model triage@v1, whole store", labels, seg_cols=segs,
        feat_cols=feats))
    out.append(scenario(
        "labels_last2", "same store, --last 2", window(labels, last=2),
        seg_cols=segs, feat_cols=feats))
    out.append(scenario(
        "labels_range", "same store, --since 2026-11-19 --until 2026-11-20,"
        " --confidence 0.9", window(labels, "2026-11-19", "2026-11-20"),
        conf=0.9, seg_cols=segs, feat_cols=feats))
    out.append(scenario(
        "labels_v2", "same store, --model triage@v2 (12 cases)", labels,
        model="v2", seg_cols=segs, feat_cols=feats))
    out.append(scenario(
        "one_label", "one_label.csv: 'yes' on both sides, kappa 0/0",
        load(["one_label.csv"])))
    out.append(scenario(
        "single", "single.csv: one case", load(["single.csv"],
                                               segments=("region",)),
        seg_cols=("region",)))
    out.append(scenario(
        "raters", "raters.csv: 4 cases with 3 raters, one with 1",
        load(["raters.csv"])))
    out.append(scenario(
        "raters_extra", "raters.csv + raters_extra.csv: R1 has 4 raters",
        load(["raters.csv", "raters_extra.csv"])))
    out.append(scenario(
        "numeric", "numeric.csv, --decision-type numeric, tolerance 0.5",
        load(["numeric.csv"], numeric=True, segments=("region",)),
        numeric=True, seg_cols=("region",)))
    out.append(scenario(
        "coverage", "coverage.csv, --target-agreement 0.6",
        load(["coverage.csv"]), target=0.6))
    out.append(scenario(
        "ordinal", "ordinal.csv, --label-order low,mid,high",
        load(["ordinal.csv"]), label_order=["low", "mid", "high"]))
    print("/* BEGIN generated by scripts/report_reference.py */")
    for o in out:
        o.emit()
    print("/* END generated by scripts/report_reference.py */")


if __name__ == "__main__":
    main()
