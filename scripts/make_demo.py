#!/usr/bin/python3
"""Generates the shipped demo in fixtures/demo/: a week of insurance claims
triage decisions, the XGBoost model that shadows them, the nightly config,
and EXPECTED.md with the headline numbers shadowgate should report.

Run from anywhere with the system Python (numpy + xgboost only; Debian's
python3-xgboost):

    /usr/bin/python3 scripts/make_demo.py

Seeds are fixed, so every file is reproducible for a given numpy and
xgboost version (EXPECTED.md names them).

The story the data tells
------------------------
Claims adjusters decide `pay`, `investigate` or `deny`. A model trained on
an earlier sample of claims ("history", drawn from the same process, never
the demo log itself) shadows them for the week 2026-11-14 .. 2026-11-20.

- Overall the model agrees with the adjusters about 87% of the time.
- Claims that arrive through the `partner` channel come with the partner's
  own pre-assessment (a repair network's or broker's recommendation).
  Adjusters lean on it heavily; it is not among the model's features, so
  the model agrees with people on only about two claims in three there.
- On 2026-11-18 the external fraud-score feed failed from morning to
  evening: `fraud_score_ext` is empty for most of that night's cases. The
  adjusters still saw the vendor's portal; the model did not, and its
  agreement drops that night.
- About 15% of claims were decided by two adjusters, so the report can
  compare the model with how well people agree with each other (~90%).
- Six malformed rows show ingest's rejects: an amount written `12,5k`, a
  European `1.250,00`, a date written `14/11/2026 ...`, a month and a day
  swapped, an empty case id, and a row with a field missing.

The expected numbers are computed here independently of shadowgate: the
written files are read back and validated the way an ingest does (a row
with a bad number or date, no case id, or the wrong number of fields is
rejected, so that human's decision is absent), the model's predictions
come from Booster.predict(DMatrix(X, missing=nan)) with arg-max over the
classes, and the reference decision of a case is its latest decided_at.
"""

import csv
import datetime as dt
import gzip
import io
import json
import math
import os
import re
import sys

import numpy as np
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "fixtures", "demo")
LOGS = os.path.join(DEMO, "logs")

LABELS = ["deny", "investigate", "pay"]           # byte order
DENY, INVESTIGATE, PAY = 0, 1, 2
SEGMENTS = {
    "region": ["north", "south", "east", "west"],
    "channel": ["web", "phone", "agent", "partner"],
    "product": ["auto", "home", "travel"],
    "severity_band": ["low", "medium", "high"],
}
SEGMENT_NAMES = list(SEGMENTS)
FEATURES = ["amount", "policy_age_days", "prior_claims", "days_to_report",
            "claimant_age", "doc_count", "fraud_score_ext",
            "repair_estimate_ratio"]
COLUMNS = (["case_id", "decided_at"] + SEGMENT_NAMES + FEATURES
           + ["decision", "rater"])

NIGHTS = ["2026-11-%02d" % d for d in range(14, 21)]
CASES_PER_NIGHT = [548, 571, 602, 566, 590, 559, 574]
OUTAGE_NIGHT = "2026-11-18"
OUTAGE_HOURS = (8.6, 21.2)     # the fraud-score feed was down (UTC hours)
GZ_NIGHT = "2026-11-16"        # this night's file is gzipped
DOUBLE_RATED = 0.15
FIRST_CASE = 18431             # CLM-018431 is the week's first claim

N_HISTORY = 16000
SEED_HISTORY = 20261101
SEED_LOG = 20261114
SEED_TRAIN = 13
N_TREES = 100
MAX_DEPTH = 4

# adjusters: a partner desk and the general pool
PARTNER_DESK = ["adj-%02d" % i for i in range(15, 19)]
GENERAL_POOL = ["adj-%02d" % i for i in range(1, 15)]

INV_BASE = -0.9      # utilities of investigate and deny; pay's is 0
DENY_BASE = -3.0
DENY_FS = 30.0
FRAUD_RATE = 0.12
CASE_NOISE = 0.12    # per case, shared by everyone who decides it
RATER_NOISE = 0.25   # per decision: two people on one claim do differ
PARTNER_WEIGHT = 2.0  # how strongly adjusters follow a partner's assessment

GATE = {"min_agreement": 0.82, "min_kappa": 0.6, "min_cases": 500,
        "on": "lower-bound", "min_segment_cases": 50,
        "min_segment_agreement": 0.75}
Z95 = 1.959963984540054


# ----------------------------------------------------------------- claims

def draw_claims(rng, n):
    """n claims: segments, true feature values, and what only people see."""
    c = {}
    for name, values in SEGMENTS.items():
        p = {"region": [0.27, 0.24, 0.27, 0.22],
             "channel": [0.37, 0.27, 0.19, 0.17],
             "product": [0.50, 0.32, 0.18],
             "severity_band": [0.52, 0.33, 0.15]}[name]
        c[name] = rng.choice(len(values), size=n, p=p)
    fraud = rng.random(n) < FRAUD_RATE + 0.04 * (c["product"] == 2)
    prod, sev = c["product"], c["severity_band"]
    base = np.array([2600.0, 5200.0, 850.0])[prod]
    mult = np.array([0.45, 1.3, 4.2])[sev]
    c["amount"] = np.round(base * mult * rng.lognormal(0.0, 0.55, n)
                           * np.where(fraud, 1.5, 1.0), 2)
    age = rng.gamma(1.6, 480.0, n) * np.where(fraud, 0.35, 1.0)
    c["policy_age_days"] = np.clip(np.round(age), 0, 7300)
    c["prior_claims"] = rng.poisson(np.where(fraud, 1.4, 0.45))
    late = rng.geometric(np.where(fraud, 0.05, 0.18), n) - 1
    c["days_to_report"] = np.clip(late, 0, 400).astype(float)
    c["claimant_age"] = np.clip(np.round(rng.normal(45, 14, n)), 18, 91)
    c["doc_count"] = np.clip(rng.poisson(3.2 + 1.2 * sev)
                             - (fraud & (rng.random(n) < 0.5)), 0, 20)
    c["fraud_score_ext"] = np.round(np.where(
        fraud, rng.beta(5.5, 2.5, n), rng.beta(1.4, 8.0, n)), 3)
    ratio = rng.lognormal(0.0, 0.18, n) * np.where(fraud, 1.35, 1.0)
    c["repair_estimate_ratio"] = np.where(prod == 2, np.nan,
                                          np.round(ratio, 3))
    # what only people see: a partner's own pre-assessment of the claim
    c["partner_view"] = rng.choice(3, size=n, p=[0.22, 0.33, 0.45])
    c["case_noise"] = rng.normal(0.0, CASE_NOISE, (n, 3))
    return c


def utilities(c):
    """How an adjuster weighs a claim: one utility per label, pay = 0."""
    fs = c["fraud_score_ext"]
    amount = c["amount"]
    age = c["policy_age_days"]
    late = c["days_to_report"]
    ratio = np.nan_to_num(c["repair_estimate_ratio"], nan=1.0)
    docs = c["doc_count"]
    prior = c["prior_claims"]
    big = np.log(np.maximum(amount, 1.0) / 8000.0).clip(0, None)
    inv = (INV_BASE + 6.0 * (np.minimum(fs, 0.65) - 0.25) + 0.5 * prior + 0.8 * big
           + 2.5 * (ratio - 1.0).clip(0, None) + 0.6 * (docs <= 1)
           + 0.04 * (late - 10.0).clip(0, None)
           + 0.4 * (c["severity_band"] == 2))
    deny = (DENY_BASE + DENY_FS * (fs - 0.55).clip(0, None) + 3.0 * (age < 30)
            + 0.05 * (late - 45.0).clip(0, None) + 1.0 * (docs == 0)
            + 0.3 * prior)
    u = np.stack([deny, inv, np.zeros_like(fs)], axis=1)
    partner = c["channel"] == 3
    u[np.arange(len(fs)), c["partner_view"]] += PARTNER_WEIGHT * partner
    return u + c["case_noise"]


def decide(rng, u):
    """One adjuster's decision on each claim."""
    return np.argmax(u + rng.normal(0.0, RATER_NOISE, u.shape), axis=1)


def observed(rng, c):
    """Feature values as the log records them: NaN where missing."""
    n = len(c["amount"])
    X = np.stack([c[f].astype(float) for f in FEATURES], axis=1)
    gaps = {"claimant_age": 0.03, "doc_count": 0.01,
            "fraud_score_ext": 0.02, "repair_estimate_ratio": 0.03,
            "days_to_report": 0.005}
    for f, p in gaps.items():
        j = FEATURES.index(f)
        X[rng.random(n) < p, j] = np.nan
    return X


# ------------------------------------------------------------------ model

def train_model(path):
    rng = np.random.default_rng(SEED_HISTORY)
    hist = draw_claims(rng, N_HISTORY)
    y = decide(rng, utilities(hist))
    X = observed(rng, hist)
    d = xgb.DMatrix(X, label=y, missing=np.nan)
    params = {"objective": "multi:softprob", "num_class": 3,
              "max_depth": MAX_DEPTH, "eta": 0.2, "min_child_weight": 2,
              "tree_method": "hist", "seed": SEED_TRAIN, "nthread": 1,
              "eval_metric": "mlogloss"}
    bst = xgb.train(params, d, num_boost_round=N_TREES)
    bst.save_model(path)
    return hist, y


# -------------------------------------------------------------------- log

def fmt_num(f, v):
    if np.isnan(v):
        return ""
    if f == "amount":
        return "%.2f" % v
    if f in ("fraud_score_ext", "repair_estimate_ratio"):
        return "%.3f" % v
    return "%d" % int(v)


def iso(night, seconds):
    t = dt.datetime.fromisoformat(night) + dt.timedelta(seconds=int(seconds))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_log(rng):
    """Rows per night (dicts of column -> text), in decided_at order."""
    nights = {}
    next_id = FIRST_CASE
    for night, n in zip(NIGHTS, CASES_PER_NIGHT):
        c = draw_claims(rng, n)
        u = utilities(c)
        X = observed(rng, c)
        hours = np.clip(rng.normal(13.5, 3.6, n), 6.2, 23.3)
        start = np.sort(np.round(hours * 3600.0))
        if night == OUTAGE_NIGHT:
            lo, hi = OUTAGE_HOURS
            down = (start >= lo * 3600) & (start <= hi * 3600)
            X[down, FEATURES.index("fraud_score_ext")] = np.nan
        first = decide(rng, u)
        second = decide(rng, u)
        double = rng.random(n) < DOUBLE_RATED
        rows = []
        for i in range(n):
            pool = PARTNER_DESK if c["channel"][i] == 3 else GENERAL_POOL
            r1 = pool[rng.integers(len(pool))]
            base = {"case_id": "CLM-%06d" % next_id}
            next_id += 1
            for s in SEGMENT_NAMES:
                base[s] = SEGMENTS[s][c[s][i]]
            for j, f in enumerate(FEATURES):
                base[f] = fmt_num(f, X[i, j])
            row = dict(base, decided_at=iso(night, start[i]),
                       decision=LABELS[first[i]], rater=r1)
            row["_t"], row["_double"], row["_second"] = start[i], double[i], 0
            rows.append(row)
            if double[i]:
                r2 = r1
                while r2 == r1:
                    r2 = pool[rng.integers(len(pool))]
                t2 = min(start[i] + rng.integers(900, 5 * 3600), 86399)
                if t2 <= start[i]:
                    t2 = start[i] + 1
                row2 = dict(base, decided_at=iso(night, t2),
                            decision=LABELS[second[i]], rater=r2)
                row2["_t"], row2["_double"], row2["_second"] = t2, 1, 1
                rows.append(row2)
        rows.sort(key=lambda r: (r["_t"], r["case_id"], r["_second"]))
        nights[night] = rows
    return nights


def pick(rng, rows, want):
    """A row matching want(row), chosen by rng, away from the file's ends."""
    idx = [i for i, r in enumerate(rows[20:-20], 20) if want(r)]
    return rows[idx[rng.integers(len(idx))]]


def break_rows(rng, nights):
    """Six malformed rows; returns what was done, for EXPECTED.md."""
    single = lambda r: not r["_double"]
    done = []
    r = pick(rng, nights["2026-11-14"], lambda r: r["_double"] and
             not r["_second"])
    t = dt.datetime.strptime(r["decided_at"], "%Y-%m-%dT%H:%M:%SZ")
    r["decided_at"] = t.strftime("%d/%m/%Y %H:%M")
    done.append((r["case_id"], "decided_at", r["decided_at"],
                 "first of two ratings; the second rater's row remains"))
    r = pick(rng, nights["2026-11-15"], single)
    r["amount"] = "12,5k"
    done.append((r["case_id"], "amount", "12,5k", "the claim is absent"))
    r = pick(rng, nights["2026-11-16"], single)
    done.append(("(" + r["case_id"] + ")", "case_id", "",
                 "the claim is absent"))
    r["case_id"] = ""
    r = pick(rng, nights["2026-11-17"], single)
    r["_short"] = True
    done.append((r["case_id"], "rater", "(field missing)",
                 "the claim is absent"))
    r = pick(rng, nights["2026-11-19"], single)
    r["decided_at"] = "2026-19-11" + r["decided_at"][10:]
    done.append((r["case_id"], "decided_at", r["decided_at"],
                 "the claim is absent"))
    r = pick(rng, nights["2026-11-20"], lambda r: r["_second"])
    r["amount"] = "1.250,00"
    done.append((r["case_id"], "amount", "1.250,00",
                 "second of two ratings; the first remains"))
    return done


def log_path(night):
    name = "claims-%s.csv" % night
    if night == GZ_NIGHT:
        name += ".gz"
    return os.path.join(LOGS, name)


def write_logs(nights):
    os.makedirs(LOGS, exist_ok=True)
    for f in os.listdir(LOGS):
        if f.startswith("claims-"):
            os.unlink(os.path.join(LOGS, f))
    paths = []
    for night in NIGHTS:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in nights[night]:
            fields = [r[k] for k in COLUMNS]
            if r.get("_short"):
                fields = fields[:-1]
            w.writerow(fields)
        data = out.getvalue().encode()
        path = log_path(night)
        if path.endswith(".gz"):
            data = gzip.compress(data, compresslevel=9, mtime=0)
        with open(path, "wb") as fh:
            fh.write(data)
        paths.append(path)
    return paths


# ------------------------------------------- reading back, as ingest does

MISSING = {"", "NA", "na", "NaN", "nan", "NAN", "null", "NULL"}
NUMBER = re.compile(r"[0-9.+\-eE]+")
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})"
                 r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                 r"(Z|[+-]\d{2}(?::?\d{2})?)?)?")


def parse_time(s):
    """Seconds since the epoch and the night, or None (sg_time_parse)."""
    m = ISO.fullmatch(s)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    h, mi, sec = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    if not 1 <= mo <= 12 or h > 23 or mi > 59 or sec > 60:
        return None
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        return None
    off = 0
    if m[8] and m[8] != "Z":
        z = m[8].replace(":", "")
        oh, om = int(z[1:3]), int(z[3:5] or 0)
        if oh > 14 or om > 59:
            return None
        off = (1 if z[0] == "+" else -1) * (oh * 3600 + om * 60)
    frac = float("0." + m[7]) if m[7] else 0.0
    epoch = ((day - dt.date(1970, 1, 1)).days * 86400
             + h * 3600 + mi * 60 + sec + frac - off)
    return epoch, day.isoformat()


def parse_number(s):
    if not NUMBER.fullmatch(s) or len(s) >= 64:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def read_back(paths):
    """Cases as an ingest stores them, and the rejected rows."""
    cases, order, rejects = {}, [], []
    seq = 0                              # the decisions' row ids
    for path in sorted(paths):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", newline="") as fh:
            rows = list(csv.reader(fh))
        head = rows[0]
        col = {name: i for i, name in enumerate(head)}
        for line, row in enumerate(rows[1:], 2):
            where = "%s:%d" % (os.path.basename(path), line)
            if len(row) != len(head):
                rejects.append((where, "expected %d fields, found %d"
                                % (len(head), len(row))))
                continue
            cid = row[col["case_id"]]
            if not cid:
                rejects.append((where, "missing case id"))
                continue
            when = parse_time(row[col["decided_at"]])
            if when is None:
                rejects.append((where, "decided_at: not a date: "
                                + row[col["decided_at"]]))
                continue
            label = row[col["decision"]]
            if not label:
                rejects.append((where, "missing decision"))
                continue
            x, bad = [], None
            for f in FEATURES:
                s = row[col[f]]
                v = math.nan if s in MISSING else parse_number(s)
                if v is None:
                    bad = f
                    break
                x.append(v)
            if bad:
                rejects.append((where, "%s: not a number: %s"
                                % (bad, row[col[bad]])))
                continue
            segs = tuple(row[col[s]] for s in SEGMENT_NAMES)
            c = cases.get(cid)
            if c is None:
                c = cases[cid] = {"night": when[1], "segs": segs, "x": x,
                                  "dec": {}}
                order.append(cid)
            elif c["segs"] != segs or not same_x(c["x"], x):
                rejects.append((where, "features differ from before"))
                continue
            rater = row[col["rater"]]
            seq += 1
            old = c["dec"].get(rater)
            if old is None or when[0] >= old[0]:
                c["dec"][rater] = (when[0], seq, label)
    return cases, order, rejects


def same_x(a, b):
    return all((math.isnan(p) and math.isnan(q)) or p == q
               for p, q in zip(a, b))


# ------------------------------------------------------------- statistics

def wilson(k, n):
    if n == 0:
        return (None, None)
    p = k / n
    den = 1 + Z95 * Z95 / n
    mid = (p + Z95 * Z95 / (2 * n)) / den
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 * Z95 / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def cohen_kappa(h, m):
    """Cohen's kappa as scikit-learn computes it, with the large-sample
    standard error of Fleiss, Cohen & Everitt (statsmodels' std_kappa)."""
    labs = sorted(set(h) | set(m))
    idx = {v: i for i, v in enumerate(labs)}
    t = np.zeros((len(labs), len(labs)))
    for a, b in zip(h, m):
        t[idx[a], idx[b]] += 1
    n = t.sum()
    p = t / n
    row, col = p.sum(1), p.sum(0)
    po, pe = np.trace(p), float(row @ col)
    if pe == 1:
        return None, None
    k = (po - pe) / (1 - pe)
    a = (np.diag(p) * (1 - (row + col) * (1 - k)) ** 2).sum()
    b = p * (col[:, None] + row[None, :]) ** 2
    np.fill_diagonal(b, 0)
    b = (1 - k) ** 2 * b.sum()
    c = (k - pe * (1 - k)) ** 2
    se = math.sqrt(max(a + b - c, 0.0) / (1 - pe) ** 2 / n)
    return k, se


def fleiss_kappa(items):
    m = len(items[0])
    if any(len(r) != m for r in items):
        return None
    counts = np.array([[r.count(lab) for lab in LABELS] for r in items],
                      float)
    n_items = len(items)
    pi = ((counts ** 2).sum(1) - m) / (m * (m - 1))
    pj = counts.sum(0) / (n_items * m)
    pbar, pe = pi.mean(), (pj ** 2).sum()
    return None if pe == 1 else (pbar - pe) / (1 - pe)


def krippendorff_alpha(items):
    o = np.zeros((3, 3))
    for r in items:
        m = len(r)
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[LABELS.index(r[i]), LABELS.index(r[j])] += 1 / (m - 1)
    nc = o.sum(1)
    n = nc.sum()
    do = o.sum() - np.trace(o)
    de = (np.outer(nc, nc).sum() - (nc ** 2).sum()) / (n - 1)
    return None if de == 0 else 1 - do / de


def rate_line(k, n):
    lo, hi = wilson(k, n)
    return "%d/%d = %.4f (95%% CI %.4f .. %.4f)" % (k, n, k / n, lo, hi)


def headline(cases, order, rejects, preds, broken, nrows):
    h_all, m_all = [], []
    by = {s: {} for s in SEGMENT_NAMES}
    nights = {}
    items, model_r, model_k = [], 0, 0
    for cid in order:
        c = cases[cid]
        decs = sorted(c["dec"].values())       # by time, then row order
        human = decs[-1][2]
        model = LABELS[preds[cid]]
        ok = human == model
        h_all.append(human)
        m_all.append(model)
        for s, v in zip(SEGMENT_NAMES, c["segs"]):
            kn = by[s].setdefault(v, [0, 0])
            kn[0] += ok
            kn[1] += 1
        kn = nights.setdefault(c["night"], [0, 0])
        kn[0] += ok
        kn[1] += 1
        if len(decs) >= 2:
            ratings = [d[2] for d in decs]
            items.append(ratings)
            model_r += len(ratings)
            model_k += sum(r == model for r in ratings)
    n = len(h_all)
    k = sum(a == b for a, b in zip(h_all, m_all))
    kappa, se = cohen_kappa(h_all, m_all)
    pairs = sum(1 for r in items for i in range(len(r))
                for j in range(i + 1, len(r)))
    pairs_ok = sum(r[i] == r[j] for r in items for i in range(len(r))
                   for j in range(i + 1, len(r)))
    out = {"n": n, "k": k, "kappa": kappa, "kappa_se": se, "by": by,
           "nights": nights, "items": len(items),
           "fleiss": fleiss_kappa(items), "alpha": krippendorff_alpha(items),
           "pairs": pairs, "pairs_ok": pairs_ok, "model_r": model_r,
           "model_k": model_k, "rejects": rejects, "broken": broken,
           "rows": nrows, "human_mix": [h_all.count(l) for l in LABELS],
           "model_mix": [m_all.count(l) for l in LABELS]}
    return out


def gate_checks(s):
    """The demo's gate, judged on the lower bound of each interval."""
    checks = []
    lo = wilson(s["k"], s["n"])[0]
    checks.append(("cases", "%d" % s["n"], ">= %d" % GATE["min_cases"],
                   s["n"] >= GATE["min_cases"]))
    checks.append(("agreement", "%.4f (low %.4f)" % (s["k"] / s["n"], lo),
                   ">= %.2f" % GATE["min_agreement"],
                   lo >= GATE["min_agreement"]))
    klo = s["kappa"] - Z95 * s["kappa_se"]
    checks.append(("kappa", "%.4f (low %.4f)" % (s["kappa"], klo),
                   ">= %.2f" % GATE["min_kappa"], klo >= GATE["min_kappa"]))
    for seg in SEGMENT_NAMES:
        for v in SEGMENTS[seg]:
            k, n = s["by"][seg].get(v, [0, 0])
            if n < GATE["min_segment_cases"]:
                checks.append(("segment %s=%s" % (seg, v), "n=%d" % n,
                               "not judged", True))
                continue
            lo = wilson(k, n)[0]
            checks.append(("segment %s=%s" % (seg, v),
                           "%.4f (low %.4f)" % (k / n, lo),
                           ">= %.2f" % GATE["min_segment_agreement"],
                           lo >= GATE["min_segment_agreement"]))
    return checks


def fmt(x, d=4):
    return "undefined" if x is None else "%.*f" % (d, x)


def expected_md(s, sizes):
    L = []
    add = L.append
    add("# The demo: expected headline numbers")
    add("")
    add("Generated by `scripts/make_demo.py` (numpy %s, xgboost %s); do not "
        "edit by hand." % (np.__version__, xgb.__version__))
    add("Computed independently of shadowgate: the log files are read back "
        "and validated as an ingest does, the model's labels come from "
        "`Booster.predict(DMatrix(X, missing=nan))` with arg-max over "
        "`[deny, investigate, pay]`, and each claim's reference decision is "
        "its latest `decided_at`. Intervals are Wilson score intervals at "
        "95%; the kappa interval is kappa +/- 1.96 standard errors "
        "(Fleiss, Cohen & Everitt 1969).")
    add("")
    add("## Ingest")
    add("")
    add("- %d files, %d data rows read, %d rejected, %d claims stored, "
        "%d decisions." % (len(NIGHTS), s["rows"], len(s["rejects"]), s["n"],
                           s["rows"] - len(s["rejects"])))
    add("")
    add("| where | why (paraphrased) | claim | effect |")
    add("|---|---|---|---|")
    assert len(s["rejects"]) == len(s["broken"])
    for (where, why), (cid, _, _, effect) in zip(s["rejects"], s["broken"]):
        add("| %s | %s | %s | %s |" % (where, why, cid, effect))
    add("")
    add("## Model vs people (all %d claims, window of 7 nights)" % s["n"])
    add("")
    add("- agreement: %s" % rate_line(s["k"], s["n"]))
    add("- Cohen's kappa: %s (se %s, 95%% CI %s .. %s)"
        % (fmt(s["kappa"]), fmt(s["kappa_se"]),
           fmt(s["kappa"] - Z95 * s["kappa_se"]),
           fmt(s["kappa"] + Z95 * s["kappa_se"])))
    add("- people decided deny / investigate / pay: %d / %d / %d; "
        "the model: %d / %d / %d" % tuple(s["human_mix"] + s["model_mix"]))
    add("")
    add("### Per segment")
    add("")
    add("| segment | value | n | agree | rate | 95% CI |")
    add("|---|---|---:|---:|---:|---|")
    for seg in SEGMENT_NAMES:
        for v in SEGMENTS[seg]:
            k, n = s["by"][seg][v]
            lo, hi = wilson(k, n)
            add("| %s | %s | %d | %d | %.4f | %.4f .. %.4f |"
                % (seg, v, n, k, k / n, lo, hi))
    add("")
    add("### Per night")
    add("")
    add("| night | n | agree | rate | 95% CI |")
    add("|---|---:|---:|---:|---|")
    for night in NIGHTS:
        k, n = s["nights"][night]
        lo, hi = wilson(k, n)
        add("| %s | %d | %d | %.4f | %.4f .. %.4f |"
            % (night, n, k, k / n, lo, hi))
    add("")
    add("## Human baseline (claims decided by two adjusters)")
    add("")
    add("- items: %d" % s["items"])
    add("- pairwise agreement between adjusters: %s"
        % rate_line(s["pairs_ok"], s["pairs"]))
    add("- Fleiss' kappa: %s" % fmt(s["fleiss"]))
    add("- Krippendorff's alpha (nominal): %s" % fmt(s["alpha"]))
    add("- the model's agreement with those same adjusters on those claims: "
        "%s" % rate_line(s["model_k"], s["model_r"]))
    add("")
    add("## Gate (fixtures/demo/shadowgate.json, on the lower bound)")
    add("")
    add("| check | measured | threshold | result |")
    add("|---|---|---|---|")
    fails = []
    for name, val, thr, ok in gate_checks(s):
        add("| %s | %s | %s | %s |" % (name, val, thr,
                                      "pass" if ok else "FAIL"))
        if not ok:
            fails.append(name)
    add("")
    add("Expected verdict: **%s** (exit %d)%s." % (
        "no-go" if fails else "go", 1 if fails else 0,
        ": " + ", ".join(fails) + " below the minimum" if fails else ""))
    add("")
    add("## Files")
    add("")
    for name, size in sizes:
        add("- `%s`: %d bytes" % (name, size))
    add("")
    return "\n".join(L)


def config():
    return {
        # relative to this file's folder: the store and the reports go to
        # the top of the repository, whichever folder nightly runs in
        "store": "../../shadowgate-demo.db",
        "log": {
            "glob": "logs/claims-*.csv*",
            "format": "csv",
            "case_id": "case_id",
            "decided_at": "decided_at",
            "decision": "decision",
            "rater": "rater",
            "segments": SEGMENT_NAMES,
            "features": FEATURES,
        },
        "model": {
            "name": "claims-triage",
            "version": "2026-11-13",
            "backend": "xgboost",
            "path": "model.json",
            "labels": LABELS,
        },
        "report": {
            "window_nights": 7,
            "formats": ["json", "markdown", "text"],
            "dir": "../../reports",
            "target_agreement": 0.95,
        },
        "gate": GATE,
    }


def main():
    os.makedirs(DEMO, exist_ok=True)
    model_path = os.path.join(DEMO, "model.json")
    train_model(model_path)

    rng = np.random.default_rng(SEED_LOG)
    nights = build_log(rng)
    broken = break_rows(rng, nights)
    paths = write_logs(nights)
    nrows = sum(len(r) for r in nights.values())

    cases, order, rejects = read_back(paths)
    X = np.array([cases[cid]["x"] for cid in order], dtype=float)
    bst = xgb.Booster(model_file=model_path)
    prob = bst.predict(xgb.DMatrix(X, missing=np.nan))
    preds = dict(zip(order, np.argmax(prob, axis=1).tolist()))
    s = headline(cases, order, rejects, preds, broken, nrows)

    with open(os.path.join(DEMO, "shadowgate.json"), "w") as fh:
        json.dump(config(), fh, indent=2)
        fh.write("\n")

    files = sorted(paths) + [model_path,
                             os.path.join(DEMO, "shadowgate.json")]
    sizes = [(os.path.relpath(p, ROOT), os.path.getsize(p)) for p in files]
    text = expected_md(s, sizes)
    with open(os.path.join(DEMO, "EXPECTED.md"), "w") as fh:
        fh.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
