#!/usr/bin/env python3
"""Writes a synthetic decision log (CSV) for bench/ingest.sh.

usage: gen_log.py ROWS OUT.csv [--ids random|sequential] [--no-model]
                  [--first N] [--nights K] [--day D] [--seed N]

Columns: case_id, decided_at (ISO-8601, UTC, increasing over K nights,
default 30), region (segment, 6 values), f1..f8 (numbers: integers,
decimals, negative values, a few in exponent form, about 1% empty =
missing), decision (approve/deny/refer), rater (r01..r40), and the shadow
model's logged output: model_decision and model_score (three decimals),
unless --no-model.

Case ids are unique. "random" (the default) gives each a random-looking id,
"dec-" and 16 hex digits (a bijection of the row number, so still unique):
what UUIDs and hashed ids look like, and the hard case for the store's
index on case ids. "sequential" numbers them in log order.

--first N numbers the rows from N (default 0), so logs made with
consecutive ranges hold distinct cases: night after night into one store.
--day D dates the first night D days after 2026-10-01 (default 0).

Standard library only; the output depends on the arguments alone.
"""
import datetime
import random
import sys

REGIONS = ["north", "south", "east", "west", "central", "overseas"]
DECISIONS = ["approve", "approve", "approve", "deny", "deny", "refer"]
BATCH = 10000


def feature_pool(rnd, size):
    """A pool of feature texts in the shapes real logs have."""
    pool = []
    for i in range(size):
        k = i % 10
        if k < 4:
            pool.append("%.2f" % rnd.uniform(0, 100000))
        elif k < 6:
            pool.append(str(rnd.randrange(0, 120)))
        elif k < 8:
            pool.append("%.6f" % rnd.random())
        elif k == 8:
            pool.append("%.3f" % rnd.uniform(-50, 50))
        else:
            pool.append("%.4e" % rnd.uniform(1e-6, 1e6))
    pool[0] = ""  # a missing value, picked ~1 in 100 below
    return pool


def mix64(x):
    """splitmix64's finaliser: a bijection on 64-bit integers, so distinct
    row numbers give distinct, random-looking ids."""
    m = (1 << 64) - 1
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & m
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & m
    return x ^ (x >> 31)


def main(argv):
    opts = {"--ids": "random", "--seed": "20261120", "--first": "0",
            "--nights": "30", "--day": "0"}
    model = True
    args = []
    i = 1
    while i < len(argv):
        if argv[i] in opts and i + 1 < len(argv):
            opts[argv[i]] = argv[i + 1]
            i += 2
        elif argv[i] == "--no-model":
            model = False
            i += 1
        else:
            args.append(argv[i])
            i += 1
    ids = opts["--ids"]
    if len(args) != 2 or ids not in ("sequential", "random"):
        sys.stderr.write(__doc__)
        return 2
    rows = int(args[0])
    seed = int(opts["--seed"])
    first = int(opts["--first"])
    nights = max(1, int(opts["--nights"]))
    day0 = datetime.date(2026, 10, 1) + datetime.timedelta(
        days=int(opts["--day"]))
    rnd = random.Random(seed + first)
    pool = feature_pool(random.Random(seed), 4096)
    # index 0 ("") with probability ~1/100, else a non-empty value
    picks = [0 if rnd.random() < 0.01 else rnd.randrange(1, len(pool))
             for _ in range(65536)]
    raters = ["r%02d" % (k + 1) for k in range(40)]
    dates = [(day0 + datetime.timedelta(days=k)).isoformat()
             for k in range(nights)]
    per_night = max(1, -(-rows // nights))
    step = 86400.0 / per_night
    getbits = rnd.getrandbits
    head = ("case_id,decided_at,region,f1,f2,f3,f4,f5,f6,f7,f8,"
            "decision,rater")
    if model:
        head += ",model_decision,model_score"
    with open(args[1], "w", encoding="ascii", newline="\n") as out:
        out.write(head + "\n")
        buf = []
        for n in range(rows):
            night, k = divmod(n, per_night)
            sec = int(k * step)
            if ids == "sequential":
                cid = "C%010d" % (first + n)
            else:
                cid = "dec-%016x" % mix64((first + n) ^ seed)
            r = getbits(16)
            line = ("%s,%sT%02d:%02d:%02dZ,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s"
                    % (cid, dates[night], sec // 3600, sec // 60 % 60,
                       sec % 60, REGIONS[r % 6],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       pool[picks[getbits(16)]],
                       DECISIONS[(r >> 3) % 6], raters[(r >> 6) % 40]))
            if model:
                m = r >> 9
                agree = m % 10 < 8
                label = DECISIONS[(r >> 3) % 6] if agree else \
                    DECISIONS[(m >> 4) % 6]
                line += ",%s,%.3f" % (label, 0.34 + (m % 650) / 1000.0)
            buf.append(line + "\n")
            if len(buf) == BATCH:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
