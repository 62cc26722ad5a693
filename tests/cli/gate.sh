#!/bin/sh
# End-to-end: what the gate judges is what the report shows. The error rate,
# the reference decision of a case, the decision type, windows without
# times, per-night checks and missing segment values.
. "$(dirname "$0")/lib.sh"
GX="$FX/gate"

# json FILE EXPR...: the Python expressions hold for d = the parsed FILE
json() {
	f=$1
	shift
	$PY -c 'import json, math, sys
d = json.load(open(sys.argv[1]), parse_constant=lambda c: sys.exit("bad constant " + c))
for e in sys.argv[2:]:
    assert eval(e), e' "$f" "$@" 2>"$WORK/py"
}

jcheck() {
	name=$1
	shift
	if json "$@"; then ok "$name"; else not_ok "$name" "$(cat "$WORK/py")"; fi
}

# ---- 1. the gate judges the report's error rate ----
# errors.csv: 20 cases g01..g20; refuse.py refuses the ids ending in 3 or 7
# (g03 g07 g13 g17): 4 errors of 20 predictions, error rate 4/20 = 0.2.
# (errors / (errors + predictions) would be 4/24 = 0.1667.)
DB="$WORK/err.db"
EXEC="--model-name refuse --model-version 1 --model-backend exec --model-command"
expect_exit "ingest errors.csv" 0 "$SG" ingest --db "$DB" --feature x1 "$GX/errors.csv"
expect_exit "a run with refused cases exits 3" 3 "$SG" run --db "$DB" --feature x1 \
	$EXEC "python3 $GX/refuse.py"
expect_exit "report of the refused cases" 0 "$SG" report --db "$DB" --no-store \
	--format json --window-nights 0
jcheck "the report's error rate is errors / predictions = 4/20" "$WORK/out" \
	'd["outputs"]["errors"] == 4' 'd["outputs"]["predictions"] == 20' \
	'abs(d["outputs"]["error_rate"] - 0.2) < 1e-12' \
	'abs(d["outputs"]["error_rate_ci95"][1] - 0.4160174322518936) < 1e-9'
# 0.2 > 0.19: no-go (the gate's own 4/24 = 0.1667 said go)
expect_exit "gate --max-error-rate 0.19 --on estimate is no-go" 1 "$SG" gate --db "$DB" \
	--window-nights 0 --max-error-rate 0.19 --on estimate --format json
jcheck "the gate judged 0.2, the report's number" "$WORK/out" \
	'[c for c in d["checks"] if c["name"] == "max_error_rate"][0]["value"] == 0.2'
expect_exit "gate --max-error-rate 0.2 --on estimate is go" 0 "$SG" gate --db "$DB" \
	--window-nights 0 --max-error-rate 0.2 --on estimate
# upper Wilson bound of 4/20: proportion_confint(4, 20, method='wilson')[1]
# = 0.41602 (of 4/24 it would be 0.3585)
expect_exit "gate --max-error-rate 0.41 on the upper bound is no-go" 1 "$SG" gate \
	--db "$DB" --window-nights 0 --max-error-rate 0.41
expect_exit "gate --max-error-rate 0.42 on the upper bound is go" 0 "$SG" gate \
	--db "$DB" --window-nights 0 --max-error-rate 0.42

# ---- 2. one reference decision for report, gate --incumbent and sample ----
# raters.csv: cases r1..r6, each decided by ana at 2026-11-10T12:00:00+0200
# (= 10:00 UTC, approve) and by ben at 2026-11-10T09:30:00Z (deny). The
# reference is ana's, the later: the candidate (approve everywhere) agrees
# 6/6, the incumbent (deny everywhere) 0/6, difference +1.
DB="$WORK/raters.db"
LOGGED="--model-backend logged --model-predictions"
expect_exit "ingest raters.csv" 0 "$SG" ingest --db "$DB" "$GX/raters.csv"
expect_exit "run the incumbent's logged predictions" 0 "$SG" run --db "$DB" \
	--model-name inc --model-version 1 $LOGGED "$GX/raters_inc.csv"
expect_exit "run the candidate's logged predictions" 0 "$SG" run --db "$DB" \
	--model-name cand --model-version 1 $LOGGED "$GX/raters_cand.csv"
expect_exit "report of the candidate" 0 "$SG" report --db "$DB" --no-store \
	--model cand@1 --format json --window-nights 0
jcheck "the report takes ana's decision at +0200: 6/6" "$WORK/out" \
	'd["agreement"]["agree"] == 6' 'd["agreement"]["n"] == 6'
expect_exit "gate --incumbent agrees with the report: go" 0 "$SG" gate --db "$DB" \
	--no-store --model cand@1 --incumbent inc@1 --window-nights 0 --format json
jcheck "the incumbent check counts the candidate 6/6, the incumbent 0/6" "$WORK/out" \
	'[c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["value"] == 1' \
	'[c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["outcome"] == "pass"'
expect_exit "sample of the incumbent's disagreements" 0 "$SG" sample --db "$DB" \
	--model inc@1 --disagreements 10 --format jsonl --window-nights 0
n=$(grep -c '"human": *"approve"' "$WORK/out")
[ "$n" = 6 ] && ok "sample: all 6 disagree with ana's approve" || \
	not_ok "sample: all 6 disagree with ana's approve" "$n lines" "$(cat "$WORK/out")"

finish
