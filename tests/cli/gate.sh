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
# paired: b = 6 (only the candidate agrees), c = 0; McNemar exact p =
# 2 / 2^6 = 0.03125, mid-p = 0.03125 - 1 / 2^6 = 0.015625 (by hand). Newcombe:
# Wilson of 6/6 [0.6097, 1], of 0/6 [0, 0.3903], phi = 0 (a zero margin):
# low = 1 - sqrt((1 - 0.6097)^2 + 0.3903^2) = 0.44798 (statsmodels' Wilson)
expect_exit "gate --incumbent --on interval: the paired test" 0 "$SG" gate --db "$DB" \
	--no-store --model cand@1 --incumbent inc@1 --window-nights 0 --on interval \
	--format json
jcheck "the incumbent check is paired: b, c, McNemar, Newcombe" "$WORK/out" \
	'[c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["b"] == 6' \
	'[c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["c"] == 0' \
	'abs([c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["mcnemar_exact_p"] - 0.03125) < 1e-12' \
	'abs([c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["mcnemar_mid_p"] - 0.015625) < 1e-12' \
	'abs([c for c in d["checks"] if c["name"] == "incumbent_margin"][0]["ci95"][0] - 0.44798395618951337) < 1e-9'
expect_exit "sample of the incumbent's disagreements" 0 "$SG" sample --db "$DB" \
	--model inc@1 --disagreements 10 --format jsonl --window-nights 0
n=$(grep -c '"human": *"approve"' "$WORK/out")
[ "$n" = 6 ] && ok "sample: all 6 disagree with ana's approve" || \
	not_ok "sample: all 6 disagree with ana's approve" "$n lines" "$(cat "$WORK/out")"

# ---- 6. the decision type comes from the store ----
# numeric.csv: n1..n4 decided 1, 2, 3, 4; numeric_preds.csv predicts 1.2,
# 2.9, 3.0, 5.0: errors 0.2, 0.9, 0, 1.0; within 0.5: n1 and n3, 2/4;
# MAE (0.2 + 0.9 + 0 + 1.0) / 4 = 0.525.
DB="$WORK/num.db"
expect_exit "ingest numeric decisions" 0 "$SG" ingest --db "$DB" --decision-type numeric \
	"$GX/numeric.csv"
expect_exit "run --decision-type label on a numeric store is refused" 2 "$SG" run \
	--db "$DB" --decision-type label --model-name reg --model-version 1 \
	$LOGGED "$GX/numeric_preds.csv"
contains "the refusal says what the store holds" "$WORK/err" "decisions are numbers"
expect_exit "run of logged numbers without --decision-type" 0 "$SG" run --db "$DB" \
	--model-name reg --model-version 1 $LOGGED "$GX/numeric_preds.csv" --format json
jcheck "every prediction is scored" "$WORK/out" 'd["scored"] == 4' 'd["errors"] == 0'
n=$(sqlite3 "$DB" "select count(*) from predictions where value is not null and label is null")
[ "$n" = 4 ] && ok "the predictions are stored as numbers" || \
	not_ok "the predictions are stored as numbers" "$n of 4"
expect_exit "report without --decision-type" 0 "$SG" report --db "$DB" --no-store \
	--format json --window-nights 0
jcheck "the report compares the 4 numbers" "$WORK/out" \
	'd["decision_type"] == "numeric"' 'd["cases"] == 4' \
	'abs(d["regression"]["mae"] - 0.525) < 1e-12' \
	'd["regression"]["within_tolerance"]["n"] == 4' \
	'abs(d["regression"]["within_tolerance"]["rate"] - 0.5) < 1e-12'
expect_exit "report --decision-type label on a numeric store is refused" 2 "$SG" report \
	--db "$DB" --no-store --decision-type label --window-nights 0
expect_exit "gate --decision-type label on a numeric store is refused" 2 "$SG" gate \
	--db "$DB" --no-store --decision-type label --window-nights 0 --min-cases 1

# ---- 7. a store without times ----
# undated.csv: u1..u5 without a decided_at column, the logged model agrees
# on u1..u4: 4/5 = 0.8. The default window (the last 7 nights) is all
# cases, since no case has a night.
DB="$WORK/undated.db"
expect_exit "ingest a log without times" 0 "$SG" ingest --db "$DB" "$GX/undated.csv"
expect_exit "report, default window" 0 "$SG" report --db "$DB" --no-store --format json
jcheck "the default window of an undated store is all cases: 4/5" "$WORK/out" \
	'd["counts"]["in_window"] == 5' 'd["agreement"]["agree"] == 4' \
	'd["agreement"]["n"] == 5' 'd["window"]["all"] is True' \
	'"no case has a night" in d["window"]["note"]'
expect_exit "report --format text says so" 0 "$SG" report --db "$DB" --no-store --format text
contains "the text report has the note" "$WORK/out" "the window is all cases"
expect_exit "gate on the undated store: go, not insufficient" 0 "$SG" gate --db "$DB" \
	--no-store --min-cases 5 --min-agreement 0.5 --on estimate
# dated.csv adds d1 (2026-11-09), d2, d3 (2026-11-10): the default window
# holds those 3, and the 5 undated cases are counted and named.
expect_exit "ingest dated cases as well" 0 "$SG" ingest --db "$DB" "$GX/dated.csv"
expect_exit "report of a mixed store" 0 "$SG" report --db "$DB" --no-store --format json
jcheck "the window holds the 3 dated cases and counts the 5 undated" "$WORK/out" \
	'd["counts"]["in_window"] == 3' 'd["window"]["undated_cases"] == 5' \
	'd["window"]["all"] is False' '"--window-nights 0" in d["window"]["note"]' \
	'd["window"]["note"].startswith("5 cases without a night")'
expect_exit "report --format markdown of a mixed store" 0 "$SG" report --db "$DB" \
	--no-store --format markdown
contains "the markdown report says how to include them" "$WORK/out" "--window-nights 0 includes them"
expect_exit "report --window-nights 0" 0 "$SG" report --db "$DB" --no-store --format json \
	--window-nights 0
jcheck "--window-nights 0 includes all 8" "$WORK/out" \
	'd["counts"]["in_window"] == 8' 'd["window"]["undated_cases"] == 0' \
	'd["window"]["note"] is None'

# ---- 8. per-night checks ----
# nights.csv: reference night 2026-11-01 (a1..a4), then the window
# 2026-11-02 (b1..b10, all agree, x present), 2026-11-03 (c1..c10, the
# same) and 2026-11-04 (e1..e10: x missing on e1..e5, the model disagrees
# on e7..e10, so 6/10 agree and missing rate 5/10 = 0.5).
# The window: agreement (10 + 10 + 6) / 30 = 0.8667 >= 0.8, missing rate
# of x 5/30 = 0.1667 <= 0.2: it passes; the night 2026-11-04 fails both
# min_night_agreement 0.7 (0.6) and max_night_missing_rate 0.3 (0.5).
DB="$WORK/nights.db"
WIN="--since 2026-11-02 --until 2026-11-04 --reference-nights 1"
WINDOW_OK="--min-agreement 0.8 --max-missing-rate 0.2 --on estimate"
NIGHTS="--min-night-agreement 0.7 --max-night-missing-rate 0.3 --min-night-cases 10"
expect_exit "ingest three nights and a reference night" 0 "$SG" ingest --db "$DB" \
	--feature x "$GX/nights.csv"
expect_exit "the window alone passes" 0 "$SG" gate --db "$DB" --no-store $WIN $WINDOW_OK
expect_exit "the bad night fails the per-night checks" 1 "$SG" gate --db "$DB" \
	--no-store $WIN $WINDOW_OK $NIGHTS --format json
cp "$WORK/out" "$WORK/nights.json"
jcheck "the window's checks pass, night 2026-11-04 fails" "$WORK/nights.json" \
	'[c["outcome"] for c in d["checks"] if c["name"] in ("min_agreement", "max_missing_rate")] == ["pass", "pass"]' \
	'abs([c for c in d["checks"] if c["name"] == "min_agreement"][0]["value"] - 26/30) < 1e-12' \
	'[(c["subject"], c["outcome"], c["value"]) for c in d["checks"] if c["name"] == "min_night_agreement"] == [("night=2026-11-02", "pass", 1), ("night=2026-11-03", "pass", 1), ("night=2026-11-04", "fail", 0.6)]' \
	'[(c["subject"], c["outcome"], c["value"]) for c in d["checks"] if c["name"] == "max_night_missing_rate"] == [("night=2026-11-02 feature=x", "pass", 0), ("night=2026-11-03 feature=x", "pass", 0), ("night=2026-11-04 feature=x", "fail", 0.5)]' \
	'"failing nights: 2026-11-04" in d["reason"]' \
	'"2026-11-02" not in d["reason"] and "2026-11-03" not in d["reason"]'
expect_exit "text verdict" 1 "$SG" gate --db "$DB" --no-store $WIN $WINDOW_OK $NIGHTS
contains "text names the failing night" "$WORK/out" "failing nights: 2026-11-04"
contains "text lists the night's check" "$WORK/out" "night=2026-11-04 feature=x"
expect_exit "markdown verdict" 1 "$SG" gate --db "$DB" --no-store $WIN $WINDOW_OK $NIGHTS \
	--format markdown
contains "markdown names the failing night" "$WORK/out" "| min_night_agreement | night=2026-11-04 | 0.6000 |"
expect_exit "junit verdict" 1 "$SG" gate --db "$DB" --no-store $WIN $WINDOW_OK $NIGHTS \
	--format junit
tr -d '\n' <"$WORK/out" | grep -o 'name="min_night_agreement night=2026-11-04"[^>]*>[^<]*<failure' >/dev/null \
	&& ok "junit: the night's test case fails" || not_ok "junit: the night's test case fails" "$(cat "$WORK/out")"
# nights of 10 cases with --min-night-cases 11: listed, not judged, go
expect_exit "nights smaller than min-night-cases are not judged" 0 "$SG" gate --db "$DB" \
	--no-store $WIN $WINDOW_OK --min-night-agreement 0.7 --min-night-cases 11 --format json
jcheck "each small night is listed as not judged" "$WORK/out" \
	'[(c["subject"], c["outcome"]) for c in d["checks"] if c["name"] == "min_night_agreement"] == [("night=2026-11-02", "not judged"), ("night=2026-11-03", "not judged"), ("night=2026-11-04", "not judged")]' \
	'all("fewer than min_night_cases 11" in c["detail"] for c in d["checks"] if c["name"] == "min_night_agreement")'
# the default min_night_cases is 100: nights of 10 are not judged
expect_exit "by default nights under 100 cases are not judged" 0 "$SG" gate --db "$DB" \
	--no-store $WIN $WINDOW_OK --min-night-agreement 0.7
expect_exit "max-night-psi judges each night's PSI" 0 "$SG" gate --db "$DB" --no-store \
	$WIN --max-night-psi 1000 --min-night-cases 10 --format json
jcheck "one PSI check a night and feature" "$WORK/out" \
	'[c["subject"] for c in d["checks"] if c["name"] == "max_night_psi"] == ["night=2026-11-02 feature=x", "night=2026-11-03 feature=x", "night=2026-11-04 feature=x"]'
expect_exit "max-night-psi without a reference window" 0 "$SG" gate --db "$DB" --no-store \
	--since 2026-11-02 --until 2026-11-04 --max-night-psi 0.2 --format json
jcheck "without a reference it is not judged and says why" "$WORK/out" \
	'[c["outcome"] for c in d["checks"] if c["name"] == "max_night_psi"] == ["not judged"]'
printf '{"gate": {"min_night_agreement": 0.7, "min_night_cases": 10}}\n' >"$WORK/nights.json"
expect_exit "the config keys gate.min_night_agreement and min_night_cases" 1 "$SG" gate \
	--db "$DB" --no-store --config "$WORK/nights.json" $WIN
printf '{"gate": {"min_night_cases": 0}}\n' >"$WORK/bad.json"
expect_exit "gate.min_night_cases 0 is out of range" 2 "$SG" gate --db "$DB" --no-store \
	--config "$WORK/bad.json" --min-cases 1

# ---- 10. one representation of a missing segment value ----
# segments.csv: region north on s1, s2 (1/2 agree), empty on s3, s4, s5
# (2/3 agree), and the real value "(missing)" on s6 (1/1). The missing
# value is the empty string everywhere; the real value "(missing)" stays
# apart from it.
DB="$WORK/seg.db"
expect_exit "ingest segments with missing values" 0 "$SG" ingest --db "$DB" --segment region \
	"$GX/segments.csv"
expect_exit "report json" 0 "$SG" report --db "$DB" --no-store --window-nights 0 --format json
jcheck "json: the missing value is the key \"\", the real value (missing) apart" "$WORK/out" \
	'sorted(d["segments"]["region"]) == ["", "(missing)", "north"]' \
	'd["segments"]["region"][""]["n"] == 3 and d["segments"]["region"][""]["agree"] == 2' \
	'd["segments"]["region"]["(missing)"]["n"] == 1'
expect_exit "report text" 0 "$SG" report --db "$DB" --no-store --window-nights 0 --format text
n=$(grep -c 'region=(missing) ' "$WORK/out")
[ "$n" = 1 ] && ok "text: only the real value reads region=(missing)" || \
	not_ok "text: only the real value reads region=(missing)" "$n lines" "$(cat "$WORK/out")"
contains "text: the missing value reads region= (3 cases)" "$WORK/out" "region=           n      3"
expect_exit "report markdown" 0 "$SG" report --db "$DB" --no-store --window-nights 0 \
	--format markdown
if grep -qF '*(missing)*' "$WORK/out"; then
	not_ok "markdown: no second name for the missing value" "$(cat "$WORK/out")"
else ok "markdown: no second name for the missing value"; fi
contains "markdown: the missing value is the empty value" "$WORK/out" "| region =  | 3 |"
GSEG="--no-store --window-nights 0 --min-segment-agreement 0.5 --min-segment-cases 1 --on estimate"
expect_exit "gate json" 0 "$SG" gate --db "$DB" $GSEG --format json
jcheck "gate: the subjects region=, region=(missing), region=north" "$WORK/out" \
	'sorted(c["subject"] for c in d["checks"]) == ["region=", "region=(missing)", "region=north"]' \
	'[c["value"] for c in d["checks"] if c["subject"] == "region="] == [2/3]'
expect_exit "gate junit" 0 "$SG" gate --db "$DB" $GSEG --format junit
contains "junit: the missing value's test case" "$WORK/out" 'name="min_segment_agreement region="'
expect_exit "gate markdown" 0 "$SG" gate --db "$DB" $GSEG --format markdown
contains "gate markdown: the missing value's row" "$WORK/out" "| min_segment_agreement | region= | 0.6667 |"

# ---- gate.on interval: three outcomes, how much longer, many checks ----
# interval.json: agreement 437 of 500 (0.874, Wilson [0.8420, 0.9003]) over
# 5 nights of 100 cases; segments s=a 80/100 [0.7112, 0.8666], s=b 251/300
# [0.7906, 0.8742], s=c 97/100 [0.9155, 0.9897] (statsmodels
# proportion_confint, method="wilson").
R="$GX/interval.json"
# 0.86 straddles [0.8420, 0.9003]: undecided, keep shadowing. At 0.874 the
# Wilson lower bound reaches 0.86 first at n' = 2360 (statsmodels, n' = 500,
# 501, ...): 1860 more cases, ceil(1860 / 100) = 19 more nights.
expect_exit "--on interval: undecided is insufficient (4)" 4 "$SG" gate --report "$R" \
	--no-store --on interval --min-agreement 0.86 --format json
jcheck "json: undecided, p-value, more_cases 1860, more_nights 19" "$WORK/out" \
	'd["on"] == "interval"' 'd["checks"][0]["outcome"] == "undecided"' \
	'd["checks"][0]["more_cases"] == 1860' 'd["checks"][0]["more_nights"] == 19' \
	'abs(d["checks"][0]["p_value"] - 0.8165230119207225) < 1e-9' \
	'd["cases_per_night"] == 100' 'd["multiplicity"]["method"] == "none"' \
	'"keep shadowing" in d["reason"]' \
	'"about 19 more nights at 100 cases a night" in d["reason"]'
expect_exit "--on interval: text" 4 "$SG" gate --report "$R" --no-store --on interval \
	--min-agreement 0.86
contains "text: the check is undecided" "$WORK/out" "  undecided  min_agreement"
expect_exit "--on interval: whole interval above 0.84 is go" 0 "$SG" gate --report "$R" \
	--no-store --on interval --min-agreement 0.84
expect_exit "--on interval: whole interval below 0.91 is no-go" 1 "$SG" gate --report "$R" \
	--no-store --on interval --min-agreement 0.91
# p = Phi((k/n - 0.88) / sqrt(0.88 * 0.12 / n)): s=a 0.0069, s=b 0.0105, s=c
# 0.9972 (scipy); alpha 0.025 over 3: bonferroni's level 0.00833 keeps s=a,
# holm's 0.00833 then 0.0125 keeps both (statsmodels multipletests).
SEGP="--report $R --no-store --on interval --min-segment-agreement 0.88"
expect_exit "--multiplicity bonferroni: s=a still fails" 1 "$SG" gate $SEGP \
	--multiplicity bonferroni --format json
jcheck "bonferroni: s=b undecided by the correction, s=a fails" "$WORK/out" \
	'[c["outcome"] for c in d["checks"]] == ["fail", "undecided", "pass"]' \
	'[c["corrected"] for c in d["checks"]] == [False, True, False]' \
	'd["multiplicity"]["hypotheses"] == 3' 'd["multiplicity"]["failures_standing"] == 1' \
	'"passing needs no correction" in d["multiplicity"]["note"]'
printf '{"gate": {"on": "interval", "multiplicity": "holm", "min_segment_agreement": 0.88}}\n' \
	>"$WORK/holm.json"
expect_exit "gate.multiplicity holm in the config" 1 "$SG" gate --config "$WORK/holm.json" \
	--report "$R" --no-store --format json
jcheck "holm: both failures stand" "$WORK/out" \
	'[c["outcome"] for c in d["checks"]] == ["fail", "fail", "pass"]' \
	'd["multiplicity"]["method"] == "holm"' 'd["multiplicity"]["failures_standing"] == 2'
expect_exit "bonferroni: junit" 1 "$SG" gate $SEGP --multiplicity bonferroni --format junit
contains "junit: the corrected check is skipped" "$WORK/out" 'skipped="1"'
contains "junit: the note is a property" "$WORK/out" '<property name="note" value="bonferroni'
expect_exit "bonferroni: markdown" 1 "$SG" gate $SEGP --multiplicity bonferroni \
	--format markdown
contains "markdown: the undecided row" "$WORK/out" "| >= 0.8800 | undecided |"
expect_exit "an unknown --multiplicity is a usage error" 2 "$SG" gate $SEGP \
	--multiplicity sidak

# ---- gate.report_only: shown, kept out of the verdict ----
# On interval.json (lower bound): min_agreement 0.84 passes (0.8420 >= 0.84);
# min_segment_agreement 0.88 fails s=a and s=b (lower ends 0.7112, 0.7906 <
# 0.88) and passes s=c (0.9155).
ROP="--report $R --no-store --min-agreement 0.84 --min-segment-agreement 0.88"
expect_exit "the segment failures make it no-go" 1 "$SG" gate $ROP
expect_exit "--report-only min_segment_agreement: go" 0 "$SG" gate $ROP \
	--report-only min_segment_agreement --format json
jcheck "json: the segment checks are shown, marked, out of the verdict" "$WORK/out" \
	'd["verdict"] == "go"' \
	'[c["outcome"] for c in d["checks"]] == ["pass", "fail", "fail", "pass"]' \
	'[c.get("report_only", False) for c in d["checks"]] == [False, True, True, True]' \
	'"3 report-only checks apart" in d["reason"]' \
	'"report_only" not in d["checks"][0]'
printf '{"gate": {"report_only": ["min_segment_agreement"]}}\n' >"$WORK/ro.json"
expect_exit "gate.report_only in the config: junit" 0 "$SG" gate --config "$WORK/ro.json" \
	$ROP --format junit
contains "junit: a report-only failure is skipped with the reason" "$WORK/out" \
	'<skipped message="report only (fail): lower bound 0.7112 &lt; 0.88'
contains "junit: no failure counted" "$WORK/out" 'failures="0" skipped="3"'
expect_exit "--report-only with a key that has no check is a usage error" 2 "$SG" gate \
	$ROP --report-only max_psy
contains "the error names the value" "$WORK/err" "found 'max_psy'"

# ---- Gwet's AC1 beside kappa, and gate.min_ac1 ----
# fixtures/report/labels.csv as one model: the 6 x 6 confusion matrix of
# the report; AC1 and its SE by Gwet (2008), two raters, computed with
# numpy from that matrix (p_a = 21/39, p_e = sum pi_k (1 - pi_k) / 5):
# 0.4542910447761194, SE 0.09606111900722125 (95%: 0.2660 .. 0.6426)
DB="$WORK/ac1.db"
"$SG" ingest -q --db "$DB" --segment region --segment channel --feature income \
	--feature age --model-name m --model-version 1 "$FX/report/labels.csv"
expect_exit "report with AC1" 0 "$SG" report --db "$DB" --window-nights 0 \
	--no-store --format json
jcheck "ac1 is Gwet's, by numpy" "$WORK/out" \
	'abs(d["ac1"]["value"] - 0.4542910447761194) < 1e-12' \
	'abs(d["ac1"]["se"] - 0.09606111900722125) < 1e-12' \
	'abs(d["ac1"]["ci95"][0] - (0.4542910447761194 - 1.959963984540054 * 0.09606111900722125)) < 1e-9' \
	'list(d).index("ac1") == list(d).index("kappa") + 1'
# the per-class intervals the gate judges: approve is 10 of the 15 cases
# the humans labelled approve (recall) and of the 13 the model did
# (precision); statsmodels proportion_confint(k, n, method='wilson')
jcheck "per_class intervals are statsmodels' Wilson intervals" "$WORK/out" \
	'max(abs(a - b) for a, b in zip(d["per_class"]["approve"]["recall_ci95"], (0.41713547738519763, 0.8482367556028527))) < 1e-12' \
	'max(abs(a - b) for a, b in zip(d["per_class"]["approve"]["precision_ci95"], (0.497436240532725, 0.9182047128150144))) < 1e-12'
expect_exit "gate --min-ac1 0.25: the lower end 0.266 clears it" 0 "$SG" gate \
	--db "$DB" --window-nights 0 --no-store --min-ac1 0.25
expect_exit "gate --min-ac1 0.3: it does not" 1 "$SG" gate --db "$DB" \
	--window-nights 0 --no-store --min-ac1 0.3
contains "the reason names min_ac1" "$WORK/out" "min_ac1"
expect_exit "text report with AC1" 0 "$SG" report --db "$DB" --window-nights 0 \
	--no-store
contains "text: the AC1 line" "$WORK/out" "Gwet AC1    0.4543"

# the human baseline's multi-rater AC1: fixtures/report/raters.csv, the 4
# cases with two or more raters (counts yes/no/maybe by case: 3/0/0, 2/1/0,
# 0/3/0, 1/1/1); Gwet (2014) AC1 and its linearised SE as irrCAC's
# gwet.ac1.raw, computed with numpy: 0.41747572815533973, SE
# 0.36909899033012683
DB="$WORK/ac1b.db"
"$SG" ingest -q --db "$DB" --model-name m --model-version 1 "$FX/report/raters.csv"
expect_exit "report of several raters" 0 "$SG" report --db "$DB" \
	--window-nights 0 --no-store --format json
jcheck "human_baseline.ac1 is Gwet's multi-rater AC1, by numpy" "$WORK/out" \
	'abs(d["human_baseline"]["ac1"]["value"] - 0.41747572815533973) < 1e-12' \
	'abs(d["human_baseline"]["ac1"]["se"] - 0.36909899033012683) < 1e-12'

finish
