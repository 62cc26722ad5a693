#!/usr/bin/env python3
"""Writes a synthetic decision log (CSV) for bench/run.sh and bench/report.sh.

usage: gen_cases.py ROWS OUT.csv [--nights N] [--seed N] [--no-model]

Columns:
  case_id         C0000000000, C0000000001, ... (unique, in log order)
  decided_at      ISO-8601 UTC, increasing over N nights (default 7)
  s1..s8          segment columns, 8 segments of 3 to 40 values each
  f1..f8          numeric features of different shapes and scales (about
                  1% empty = missing)
  decision        the human decision: approve / deny / refer, a rule of the
                  features plus noise (so a model can learn it)
  rater           r01..r40
  model_decision  a logged shadow model's decision, agreeing with the human
                  about 85% of the time (less in some segment values)
  model_score     its confidence, 0.34..0.99
                  (--no-model leaves out these two columns: a log with no
                  shadow output, for a store the runner scores)

Standard library only; the output depends on ROWS, N and the seed alone.
Values are drawn from pools of preformatted texts so 10M rows take minutes,
not hours.
"""
import random
import sys

LABELS = ["approve", "deny", "refer"]
SEGMENTS = [
    ("s1", ["north", "south", "east", "west", "central", "overseas"]),
    ("s2", ["web", "app", "branch", "phone"]),
    ("s3", ["p%02d" % k for k in range(12)]),
    ("s4", ["new", "returning", "vip"]),
    ("s5", ["a%02d" % k for k in range(40)]),
    ("s6", ["small", "medium", "large", "huge", "unknown"]),
    ("s7", ["t%d" % k for k in range(8)]),
    ("s8", ["x", "y"]),
]
BATCH = 10000
POOL = 4096


def feature_pools(rnd):
    """Per feature: a pool of (text, value) pairs; value None = missing."""
    shapes = [
        lambda: rnd.lognormvariate(10, 0.8),        # income-like
        lambda: float(rnd.randrange(18, 90)),       # age-like
        lambda: rnd.random(),                       # ratio
        lambda: rnd.gauss(0, 1),                    # standardised
        lambda: rnd.uniform(-50, 50),               # signed
        lambda: float(rnd.randrange(0, 20)),        # count
        lambda: rnd.expovariate(0.01),              # long tail
        lambda: rnd.uniform(1e-3, 1e4),             # wide range
    ]
    pools = []
    for shape in shapes:
        pool = []
        for _ in range(POOL):
            v = shape()
            if v == int(v) and abs(v) < 1e6:
                pool.append(("%d" % v, v))
            else:
                t = "%.6g" % v
                pool.append((t, float(t)))
        pool[0] = ("", None)
        pools.append(pool)
    return pools


def main(argv):
    nights = 7
    seed = 20261120
    with_model = True
    args = []
    i = 1
    while i < len(argv):
        if argv[i] == "--no-model":
            with_model = False
            i += 1
        elif argv[i] == "--nights" and i + 1 < len(argv):
            nights = int(argv[i + 1])
            i += 2
        elif argv[i] == "--seed" and i + 1 < len(argv):
            seed = int(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 2 or nights < 1 or nights > 28:
        sys.stderr.write(__doc__)
        return 2
    rows = int(args[0])
    rnd = random.Random(seed)
    pools = feature_pools(rnd)
    # pool index 0 (missing) about 1 time in 100
    picks = [0 if rnd.random() < 0.01 else rnd.randrange(1, POOL)
             for _ in range(65536)]
    raters = ["r%02d" % (k + 1) for k in range(40)]
    # precomputed segment tuples: a row picks one of them
    segrows = []
    for _ in range(4096):
        segrows.append(",".join(rnd.choice(vals) for _, vals in SEGMENTS))
    # where the segment tuple makes the logged model worse (s5 = a07 ...)
    weak = [("a07" in s.split(",")[4]) or s.split(",")[5] == "huge"
            for s in segrows]
    per_night = max(1, -(-rows // nights))
    step = 86400.0 / per_night
    getbits = rnd.getrandbits
    rand = rnd.random
    scores = ["%.3f" % (0.34 + 0.65 * k / 999) for k in range(1000)]
    header = ("case_id,decided_at,%s,f1,f2,f3,f4,f5,f6,f7,f8,decision,rater"
              % ",".join(name for name, _ in SEGMENTS))
    if with_model:
        header += ",model_decision,model_score\n"
        fmt = ("C%010d,2026-11-%02dT%02d:%02d:%02dZ,%s,%s,%s,%s,%s,%s,%s,%s,"
               "%s,%s,%s,%s,%s\n")
    else:
        header += "\n"
        fmt = ("C%010d,2026-11-%02dT%02d:%02d:%02dZ,%s,%s,%s,%s,%s,%s,%s,%s,"
               "%s,%s,%s\n")
    with open(args[1], "w", encoding="ascii", newline="\n") as out:
        out.write(header)
        buf = []
        for n in range(rows):
            night, k = divmod(n, per_night)
            sec = int(k * step)
            f = [pools[j][picks[getbits(16)]] for j in range(8)]
            # the human rule: a score of the features, plus noise
            z = rand() * 1.2
            for j, w in ((2, 1.0), (3, 0.35), (4, 0.01)):
                if f[j][1] is not None:
                    z += w * f[j][1]
            if f[1][1] is not None and f[1][1] > 70:
                z += 0.6
            human = 0 if z < 0.9 else (1 if z < 1.5 else 2)
            s = getbits(12)
            miss = 0.3 if weak[s] else 0.12
            if rand() < miss:
                model = (human + 1 + getbits(1)) % 3
                score = scores[getbits(9)]
            else:
                model = human
                score = scores[400 + getbits(9) % 600]
            row = (n, night + 1, sec // 3600, sec // 60 % 60, sec % 60,
                   segrows[s], f[0][0], f[1][0], f[2][0], f[3][0],
                   f[4][0], f[5][0], f[6][0], f[7][0],
                   LABELS[human], raters[getbits(16) % 40])
            if with_model:
                row += (LABELS[model], score)
            buf.append(fmt % row)
            if len(buf) == BATCH:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
