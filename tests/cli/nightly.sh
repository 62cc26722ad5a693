#!/bin/sh
# End-to-end: the nightly on the shipped demo, its expected verdict and
# headline numbers (computed independently by scripts/make_demo.py, see
# fixtures/demo/EXPECTED.md), re-runs, a failed night, gate and history.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FX/.." && pwd)
cd "$ROOT" || exit 1
DB="$WORK/demo.db"
OUT="$WORK/reports"
CFG=fixtures/demo/shadowgate.json

expect_exit "nightly on the demo says no-go (exit 1)" 1 "$SG" nightly --config "$CFG" --db "$DB" --out-dir "$OUT"
contains "the summary names the failing segment" "$WORK/out" "channel=partner"
contains "the summary shows the rejected rows" "$WORK/out" "6 rejected"
for f in report.json report.md report.txt gate.xml gate.json gate.md; do
	[ -s "$OUT/2026-11-20/$f" ] && ok "wrote $f" || not_ok "wrote $f"
done

# headline numbers: EXPECTED.md (sklearn / statsmodels / numpy, not shadowgate)
if $PY - "$OUT/2026-11-20/report.json" >"$WORK/py" 2>&1 <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
def near(a, b, tol=5e-5):
    assert a is not None and abs(a - b) <= tol, (a, b)
assert r["cases"] == 4006, r["cases"]
assert r["agreement"]["agree"] == 3469 and r["agreement"]["n"] == 4006
near(r["agreement"]["rate"], 0.8660)
near(r["agreement"]["ci95"][0], 0.8550); near(r["agreement"]["ci95"][1], 0.8762)
near(r["kappa"]["value"], 0.6844); near(r["kappa"]["se"], 0.0124)
p = r["segments"]["channel"]["partner"]
assert p["n"] == 646 and p["agree"] == 438, p
near(p["ci95"][0], 0.6410); near(p["ci95"][1], 0.7129)
n18 = r["nights"]["2026-11-18"]
assert n18["n"] == 590 and n18["agree"] == 452, n18
hb = r["human_baseline"]
assert hb["items"] == 609, hb
near(hb["pairwise_agreement"], 0.9097); near(hb["fleiss_kappa"], 0.7943)
near(hb["krippendorff_alpha"], 0.7945); near(hb["model_agreement"], 0.8875)
PYEOF
then ok "headline numbers match the independent computation"; else not_ok "headline numbers match the independent computation" "$(cat "$WORK/py")"; fi

if $PY - "$OUT/2026-11-20/gate.xml" >"$WORK/py" 2>&1 <<'PYEOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
failed = [c.get("name") for c in cases if c.find("failure") is not None]
assert int(suite.get("tests")) == len(cases) > 0
assert failed == ["min_segment_agreement channel=partner"], failed
props = {p.get("name"): p.get("value") for p in suite.find("properties")}
assert props["verdict"] == "no-go", props
PYEOF
then ok "the JUnit XML parses back with one failure, the partner channel"; else not_ok "the JUnit XML parses back" "$(cat "$WORK/py")"; fi

sqlite3 "$DB" .dump >"$WORK/dump1"
expect_exit "the same night again: still no-go" 1 "$SG" nightly --config "$CFG" --db "$DB" --out-dir "$OUT"
contains "nothing new is ingested" "$WORK/out" "7 already ingested"
contains "nothing is scored again" "$WORK/out" "nothing to score"
sqlite3 "$DB" .dump >"$WORK/dump2"
if cmp -s "$WORK/dump1" "$WORK/dump2"; then ok "the store is identical after the re-run"; else not_ok "the store is identical after the re-run" "$(diff "$WORK/dump1" "$WORK/dump2" | head -5)"; fi

expect_exit "history lists the night" 0 "$SG" history --db "$DB" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); n=d["nights"]; assert len(n)==1 and n[0]["night"]=="2026-11-20" and n[0]["verdict"]=="no-go" and n[0]["cases"]==4006, d' "$WORK/out" 2>"$WORK/py"; then
	ok "history has the night, its cases and verdict"
else
	not_ok "history has the night, its cases and verdict" "$(cat "$WORK/py")"
fi
expect_exit "an earlier night gives its own window" 1 "$SG" nightly --config "$CFG" --db "$DB" --out-dir "$OUT" --date 2026-11-18
expect_exit "history in text" 0 "$SG" history --db "$DB"
contains "history shows the change from the night before" "$WORK/out" "2026-11-18"

# a night that fails halfway (a broken model) and succeeds on the next attempt
DB2="$WORK/broken.db"
# (a copy of the demo config in $WORK: its "model.json" is $WORK/model.json)
sed 's#"logs/#"'"$ROOT"'/fixtures/demo/logs/#' "$CFG" >"$WORK/broken.json"
echo '{"not": "a model"}' >"$WORK/model.json"
expect_exit "a broken model stops the night with exit 3" 3 "$SG" nightly --config "$WORK/broken.json" --db "$DB2" --out-dir "$OUT"
contains "the failure says the run failed" "$WORK/err" "run failed"
n=$(sqlite3 "$DB2" "select count(*) from predictions")
[ "$n" = 0 ] && ok "no predictions from the broken night" || not_ok "no predictions from the broken night" "$n"
cp fixtures/demo/model.json "$WORK/model.json"
expect_exit "the next attempt succeeds with the fixed model" 1 "$SG" nightly --config "$WORK/broken.json" --db "$DB2" --out-dir "$OUT"
n=$(sqlite3 "$DB2" "select count(*) from predictions")
[ "$n" = 4006 ] && ok "every claim scored on the second attempt" || not_ok "every claim scored on the second attempt" "$n"

# gate: every exit code
expect_exit "gate with a lenient policy: go (0)" 0 "$SG" gate --db "$DB" --no-store --min-agreement 0.8 --min-cases 100
expect_exit "gate with the demo policy: no-go (1)" 1 "$SG" gate --db "$DB" --no-store --config "$CFG"
expect_exit "gate on too few cases: insufficient (4)" 4 "$SG" gate --db "$DB" --no-store --min-agreement 0.8 --min-cases 5000
expect_exit "gate with no policy: usage error (2)" 2 "$SG" gate --db "$DB" --no-store
expect_exit "gate with an out-of-range flag: usage error (2)" 2 "$SG" gate --db "$DB" --min-agreement 1.5
contains "the flag is named" "$WORK/err" "--min-agreement"
printf '{\n  "gate": {\n    "min_cases": "many"\n  }\n}\n' >"$WORK/p1.json"
expect_exit "a policy with a wrong type: exit 2" 2 "$SG" gate --db "$DB" --config "$WORK/p1.json"
contains "the wrong type names the key and place" "$WORK/err" "p1.json:3:5: 'gate.min_cases'"
printf '{"gate": {"min_kappa": -2}}\n' >"$WORK/p2.json"
expect_exit "a threshold out of range: exit 2" 2 "$SG" gate --db "$DB" --config "$WORK/p2.json"
contains "the range is named" "$WORK/err" "out of range"
printf '{"gate": {"on": "median"}}\n' >"$WORK/p3.json"
expect_exit "an unknown 'on': exit 2" 2 "$SG" gate --db "$DB" --config "$WORK/p3.json"
printf 'not a database at all, just text that is long enough to look like a file\n' >"$WORK/junk.db"
expect_exit "gate on an unreadable store: exit 3" 3 "$SG" gate --db "$WORK/junk.db" --min-agreement 0.5
expect_exit "gate --report judges a saved report" 1 "$SG" gate --no-store --config "$CFG" --report "$OUT/2026-11-20/report.json"
expect_exit "gate --report on a file that is not a report: exit 3" 3 "$SG" gate --no-store --min-agreement 0.5 --report "$CFG"
expect_exit "gate --format junit" 1 "$SG" gate --db "$DB" --config "$CFG" --format junit
contains "JUnit output" "$WORK/out" "<testsuites"
v=$(sqlite3 "$DB" "select verdict from verdicts order by id desc limit 1")
[ "$v" = "no-go" ] && ok "the verdict is stored" || not_ok "the verdict is stored" "$v"

# against an incumbent, on the cases both scored (fixtures/compare, by
# hand: candidate 4/5, incumbent 2/5)
DB3="$WORK/cmp.db"
"$SG" ingest -q --db "$DB3" --model-name cand --model-version 1 "$FX/compare/cand.csv"
"$SG" ingest -q --db "$DB3" --model-name inc --model-version 1 "$FX/compare/inc.csv"
# 5 paired cases are too few: the paired interval of +0.4 reaches below 0
# (b = 2, c = 0: Newcombe's lower end -0.0342, from statsmodels' Wilson
# intervals and Newcombe 1998 method 10), a no-go on the bound; on
# the estimate the candidate is ahead, a go
expect_exit "the candidate ahead on 5 paired cases: no-go on the bound" 1 "$SG" gate --db "$DB3" --no-store --model cand@1 --incumbent inc@1 --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); c=[x for x in d["checks"] if x["name"]=="incumbent_margin"][0]; assert abs(c["value"]-0.4)<1e-12 and c["outcome"]=="fail" and (c["b"], c["c"]) == (2, 0) and abs(c["ci95"][0] + 0.0342) < 1e-4, c' "$WORK/out" 2>"$WORK/py"; then
	ok "the incumbent check measures +0.4 on the 5 paired cases, judged on the paired interval"
else
	not_ok "the incumbent check measures +0.4 on the 5 paired cases, judged on the paired interval" "$(cat "$WORK/py")"
fi
expect_exit "the candidate beats the incumbent on the estimate: go" 0 "$SG" gate --db "$DB3" --no-store --model cand@1 --incumbent inc@1 --on estimate
expect_exit "the incumbent against the better candidate: no-go" 1 "$SG" gate --db "$DB3" --no-store --model inc@1 --incumbent cand@1 --incumbent-margin 0.1
contains "the reason names the incumbent check" "$WORK/out" "incumbent_margin"
expect_exit "an unknown incumbent is a usage error" 2 "$SG" gate --db "$DB3" --no-store --model cand@1 --incumbent nope@9

finish
