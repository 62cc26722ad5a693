#!/usr/bin/env python3
"""Writes a synthetic decision log (CSV) for bench/ingest.sh.

usage: gen_log.py ROWS OUT.csv [--ids sequential|random] [--seed N]

Columns: case_id, decided_at (ISO-8601, UTC, increasing over 30 nights),
region (segment, 6 values), f1..f8 (numbers: integers, decimals,
negative values, a few in exponent form, about 1% empty = missing),
decision (approve/deny/refer), rater (r01..r40).

Case ids are unique. "sequential" (the default) numbers them in log order,
as most systems assign them; "random" gives each a random-looking
16-hex-digit id (a bijection of the row number, so still unique), the worst
case for the store's UNIQUE index on case_id.

Standard library only; the output depends on ROWS and the seed alone.
"""
import random
import sys

REGIONS = ["north", "south", "east", "west", "central", "overseas"]
DECISIONS = ["approve", "approve", "approve", "deny", "deny", "refer"]
NIGHTS = 30
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
    ids = "sequential"
    seed = 20261120
    args = []
    i = 1
    while i < len(argv):
        if argv[i] == "--ids" and i + 1 < len(argv):
            ids = argv[i + 1]
            i += 2
        elif argv[i] == "--seed" and i + 1 < len(argv):
            seed = int(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 2 or ids not in ("sequential", "random"):
        sys.stderr.write(__doc__)
        return 2
    rows = int(args[0])
    rnd = random.Random(seed)
    pool = feature_pool(rnd, 4096)
    # index 0 ("") with probability ~1/100, else a non-empty value
    picks = [0 if rnd.random() < 0.01 else rnd.randrange(1, len(pool))
             for _ in range(65536)]
    raters = ["r%02d" % (k + 1) for k in range(40)]
    per_night = max(1, rows // NIGHTS)
    step = 86400.0 / per_night
    getbits = rnd.getrandbits
    with open(args[1], "w", encoding="ascii", newline="\n") as out:
        out.write("case_id,decided_at,region,f1,f2,f3,f4,f5,f6,f7,f8,"
                  "decision,rater\n")
        buf = []
        for n in range(rows):
            night, k = divmod(n, per_night)
            sec = int(k * step)
            if night >= NIGHTS:
                night, sec = NIGHTS - 1, 86399
            if ids == "sequential":
                cid = "C%010d" % n
            else:
                cid = "%016x" % mix64(n ^ seed)
            r = getbits(16)
            buf.append("%s,2026-11-%02dT%02d:%02d:%02dZ,%s,%s,%s,%s,%s,%s,%s,"
                       "%s,%s,%s,%s\n" % (
                           cid, night + 1, sec // 3600, sec // 60 % 60,
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
            if len(buf) == BATCH:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
