"""Counts test cases in a meson testlog.json whose tests speak TAP.

Each "ok" line is a pass, each "not ok" a failure ("# SKIP" a skip). A test
program that failed without reporting any failing case (a crash, a
timeout, a TAP plan not met) counts as one more failure, so an empty or
broken run can never look green. Prints "N passed, N failed, N skipped".
"""
import json
import re
import sys

passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        t = json.loads(line)
        p = fl = s = 0
        for tap in (t.get("stdout") or "").splitlines():
            m = re.match(r"\s*(not ok|ok)\b(.*)", tap)
            if not m:
                continue
            if re.search(r"#\s*skip", m.group(2), re.I):
                s += 1
            elif m.group(1) == "ok":
                p += 1
            else:
                fl += 1
        if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and fl == 0:
            fl += 1
        passed += p
        failed += fl
        skipped += s
print(f"{passed} passed, {failed} failed, {skipped} skipped")
