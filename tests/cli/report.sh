#!/bin/sh
# End-to-end: ingest logs, then report and sample through the built binary.
. "$(dirname "$0")/lib.sh"
DB="$WORK/r.db"
RX="$FX/report"
MAP="--segment region --segment channel --feature income --feature age"

# json FILE EXPR...: the Python expressions hold for d = the parsed FILE
json() {
	f=$1
	shift
	$PY -c 'import json, math, re, sys
d = json.load(open(sys.argv[1]), parse_constant=lambda c: sys.exit("bad constant " + c))
for e in sys.argv[2:]:
    assert eval(e), e' "$f" "$@" 2>"$WORK/py"
}

# jcheck NAME FILE EXPR...
jcheck() {
	name=$1
	shift
	if json "$@"; then ok "$name"; else not_ok "$name" "$(cat "$WORK/py")"; fi
}

expect_exit "report --help exits 0" 0 "$SG" report --help
contains "report --help shows --no-store" "$WORK/out" "--no-store"
expect_exit "sample --help exits 0" 0 "$SG" sample --help
expect_exit "report on a missing store is an error" 3 "$SG" report --db "$WORK/none.db"

expect_exit "ingest v1" 0 "$SG" ingest --db "$DB" $MAP --model-name triage \
	--model-version v1 "$RX/labels.csv"
expect_exit "ingest v2" 0 "$SG" ingest --db "$DB" $MAP --model-name triage \
	--model-version v2 "$RX/labels_v2.csv"

expect_exit "report --format json" 0 "$SG" report --db "$DB" --model triage@v1 \
	--format json --window-nights 0
cp "$WORK/out" "$WORK/v1.json"
jcheck "json parses and holds the headline" "$WORK/v1.json" \
	'd["cases"] == 39' 'd["agreement"]["agree"] == 21' \
	'd["agreement"]["n"] == 39' 'abs(d["agreement"]["rate"] - 21/39) < 1e-12' \
	'len(d["agreement"]["ci95"]) == 2' 'd["kappa"]["value"] is not None' \
	'd["model"]["version"] == "v1"' 'd["window"]["nights"] == 4' \
	're.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["generated_at"])'
jcheck "json has every contract field" "$WORK/v1.json" \
	'all(k in d for k in ("cases", "agreement", "kappa", "labels", "confusion", "per_class", "segments", "nights", "regression", "human_baseline", "coverage", "software", "inputs", "outputs", "disagreements", "counts", "window", "confidence", "generated_at", "model"))' \
	'set(d["kappa"]) >= {"value", "se", "ci95"}' \
	'set(d["confusion"]) == {"labels", "matrix"}' \
	'all(set(v) >= {"precision", "recall", "f1", "support"} for v in d["per_class"].values())' \
	'all(set(v) >= {"n", "agree", "rate", "ci95"} for c in d["segments"].values() for v in c.values())' \
	'all(set(v) >= {"n", "agree", "rate", "ci95"} for v in d["nights"].values())' \
	'set(d["human_baseline"]) >= {"items", "fleiss_kappa", "krippendorff_alpha", "pairwise_agreement", "model_agreement"}' \
	'set(d["coverage"]) >= {"points", "recommended_threshold"}' \
	'all(set(p) >= {"threshold", "coverage", "n", "rate", "ci95"} for p in d["coverage"]["points"])' \
	'all(set(v) >= {"missing_rate", "mean", "std", "psi", "ks", "ks_pvalue"} for v in d["inputs"]["features"].values())' \
	'set(d["model"]) >= {"name", "version", "backend", "sha256"}' \
	'set(d["window"]) >= {"since", "until", "nights"}'
jcheck "labels survive quoting and UTF-8" "$WORK/v1.json" \
	'"needs \"more\", info" in d["labels"]' '"r\u00fcckfrage" in d["labels"]' \
	'"west, coast" in d["segments"]["region"]'
# json() refuses the NaN / Infinity constants Python would accept
jcheck "no NaN or Infinity in the JSON" "$WORK/v1.json" \
	'all(x is None or math.isfinite(x) for x in [d["kappa"]["se"], d["agreement"]["rate"]])'
n=$(sqlite3 "$DB" "select count(*) from reports")
[ "$n" = 1 ] && ok "the report is stored" || not_ok "the report is stored" "$n reports"
sqlite3 "$DB" "select json from reports order by id desc limit 1" >"$WORK/stored.json"
jcheck "the stored report is the printed one" "$WORK/stored.json" \
	'd == json.load(open(sys.argv[1].replace("stored.json", "v1.json")))'

expect_exit "report --no-store" 0 "$SG" report --db "$DB" --no-store --format json
jcheck "default model is the latest" "$WORK/out" 'd["model"]["version"] == "v2"' \
	'd["cases"] == 12'
n=$(sqlite3 "$DB" "select count(*) from reports")
[ "$n" = 1 ] && ok "--no-store stores nothing" || not_ok "--no-store stores nothing" "$n reports"

expect_exit "window flags" 0 "$SG" report --db "$DB" --model triage@v1 --no-store \
	--format json --since 2026-11-19 --until 2026-11-20
jcheck "--since / --until bound the nights" "$WORK/out" \
	'sorted(d["nights"]) == ["2026-11-19", "2026-11-20"]' \
	'd["window"]["since"] == "2026-11-19"' 'd["counts"]["in_window"] == 20'
expect_exit "--last" 0 "$SG" report --db "$DB" --model triage@v1 --no-store \
	--format json --last 1
jcheck "--last 1 is the latest night" "$WORK/out" \
	'list(d["nights"]) == ["2026-11-21"]'
expect_exit "an empty window is not an error" 0 "$SG" report --db "$DB" \
	--model triage@v1 --no-store --format json --since 2031-01-01
jcheck "an empty window has null statistics" "$WORK/out" 'd["cases"] == 0' \
	'd["agreement"]["rate"] is None' 'd["kappa"]["value"] is None' \
	'd["agreement"]["ci95"] == [None, None]'

expect_exit "text report" 0 "$SG" report --db "$DB" --model triage@v1 --no-store
contains "text has the headline" "$WORK/out" "agreement   0.5385  21/39"
contains "text has the confusion matrix" "$WORK/out" "confusion matrix"
if grep -q "$(printf '\033')" "$WORK/out"; then not_ok "no colour when not a terminal"; else ok "no colour when not a terminal"; fi
if command -v script >/dev/null 2>&1; then
	# a terminal (script gives the command one): colour, unless NO_COLOR
	script -qc "'$SG' report --db '$DB' --model triage@v1 --no-store" /dev/null >"$WORK/tty" 2>&1
	if grep -q "$(printf '\033')\[1m" "$WORK/tty"; then ok "colour on a terminal"; else not_ok "colour on a terminal" "$(head -3 "$WORK/tty")"; fi
	NO_COLOR=1 script -qc "'$SG' report --db '$DB' --model triage@v1 --no-store" /dev/null >"$WORK/tty" 2>&1
	if grep -q "$(printf '\033')" "$WORK/tty"; then not_ok "NO_COLOR turns colour off"; else ok "NO_COLOR turns colour off"; fi
else
	ok "colour on a terminal # SKIP no script(1)"
	ok "NO_COLOR turns colour off # SKIP no script(1)"
fi
expect_exit "markdown report" 0 "$SG" report --db "$DB" --model triage@v1 \
	--no-store --format markdown --output "$WORK/r.md"
contains "markdown has the headline" "$WORK/r.md" "**Agreement 53.8%** (21 of 39 cases"
contains "markdown has the matrix" "$WORK/r.md" "#### Confusion matrix"
if grep -qE "generated [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" "$WORK/r.md"; then ok "markdown names the time"; else not_ok "markdown names the time" "$(grep generated "$WORK/r.md")"; fi
expect_exit "csv report" 0 "$SG" report --db "$DB" --model triage@v1 --no-store --format csv
contains "csv has the agreement row" "$WORK/out" "agreement,,,,,,39,21,"
contains "csv quotes labels" "$WORK/out" '"needs ""more"", info"'
if $PY -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert {r["section"] for r in rows} >= {"agreement", "kappa", "confusion", "segment", "night"}
assert all(len(r) == 13 for r in rows)' "$WORK/out" 2>"$WORK/py"; then
	ok "csv reads back with a section column"
else
	not_ok "csv reads back with a section column" "$(cat "$WORK/py")"
fi

expect_exit "unknown model is a usage error" 2 "$SG" report --db "$DB" --model triage@v9
contains "unknown model is named" "$WORK/err" "unknown model 'triage@v9'"
expect_exit "a bad date is a usage error" 2 "$SG" report --db "$DB" --since 2026-02-30
expect_exit "--since with --last is a usage error" 2 "$SG" report --db "$DB" \
	--since 2026-11-19 --last 2
expect_exit "a bad format is a usage error" 2 "$SG" report --db "$DB" --format pdf
expect_exit "an unwritable --output is an error" 3 "$SG" report --db "$DB" \
	--no-store --output "$WORK/no/such/dir/r.txt"

expect_exit "sample csv" 0 "$SG" sample --db "$DB" --model triage@v1 \
	--disagreements 5 --seed 7 --window-nights 0
cp "$WORK/out" "$WORK/s1.csv"
expect_exit "sample again, same seed" 0 "$SG" sample --db "$DB" --model triage@v1 \
	--disagreements 5 --seed 7 --window-nights 0
if cmp -s "$WORK/out" "$WORK/s1.csv"; then ok "same seed, same sample"; else not_ok "same seed, same sample"; fi
contains "sample has segments and features" "$WORK/s1.csv" \
	"case_id,night,stratum,human,model,score,region,channel,income,age"
n=$(($(wc -l <"$WORK/s1.csv") - 1))
[ "$n" = 5 ] && ok "sample has 5 cases" || not_ok "sample has 5 cases" "$n"
expect_exit "sample jsonl" 0 "$SG" sample --db "$DB" --model triage@v1 \
	--disagreements 3 --format jsonl --window-nights 0
if $PY -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 3 and all(r["human"] != r["model"] for r in rows)' "$WORK/out" 2>"$WORK/py"; then
	ok "jsonl lines are disagreements"
else
	not_ok "jsonl lines are disagreements" "$(cat "$WORK/py")"
fi
expect_exit "sample needs --disagreements" 2 "$SG" sample --db "$DB"
expect_exit "sample with a bad seed" 2 "$SG" sample --db "$DB" --disagreements 2 --seed x

# decisions but no model: the human baseline alone, exit 0
DB2="$WORK/h.db"
expect_exit "ingest raters without a model" 0 "$SG" ingest --db "$DB2" \
	--model-backend xgboost "$RX/raters.csv"
expect_exit "report without a model" 0 "$SG" report --db "$DB2" --format json
jcheck "the human baseline alone" "$WORK/out" 'd["model"] is None' \
	'd["human_baseline"]["items"] == 4' \
	'abs(d["human_baseline"]["fleiss_kappa"] - 22/82) < 1e-12' \
	'"agreement" not in d'
expect_exit "text report without a model" 0 "$SG" report --db "$DB2" --no-store
contains "text says human decisions only" "$WORK/out" "human decisions only"

# A later log brings an earlier night's cases (stored after the next
# night's) and the model's output for a case stored before others: the
# report counts each where it belongs, whichever way it reads the store.
# By hand: O1 yes/yes, O2 no/yes, O3 no/no on the 21st; O4 yes/yes, O5
# yes/no on the 20th; scores 0.9, 0.6, 0.7, 0.95, 0.55.
DB3="$WORK/late.db"
expect_exit "ingest a log" 0 "$SG" ingest --db "$DB3" --segment region \
	--model-name triage --model-version v1 "$RX/late_a.csv"
expect_exit "ingest a later log" 0 "$SG" ingest --db "$DB3" --segment region \
	--model-name triage --model-version v1 "$RX/late_b.csv"
expect_exit "report over nights stored out of order" 0 "$SG" report \
	--db "$DB3" --no-store --format json --window-nights 0
jcheck "nights stored out of order are counted by night" "$WORK/out" \
	'd["counts"]["in_window"] == 5' 'd["counts"]["with_prediction"] == 5' \
	'd["agreement"]["n"] == 5' 'd["agreement"]["agree"] == 3' \
	'list(d["nights"]) == ["2026-11-20", "2026-11-21"]' \
	'[d["nights"]["2026-11-20"][k] for k in ("n", "agree")] == [2, 1]' \
	'[d["nights"]["2026-11-21"][k] for k in ("n", "agree")] == [3, 2]' \
	'[d["segments"]["region"]["north"][k] for k in ("n", "agree")] == [3, 2]' \
	'[d["segments"]["region"]["south"][k] for k in ("n", "agree")] == [2, 1]' \
	'[x["case_id"] for x in d["disagreements"]] == ["O2", "O5"]' \
	'd["outputs"]["score_deciles"][0] == 0.55' \
	'd["outputs"]["score_deciles"][5] == 0.7' \
	'd["outputs"]["score_deciles"][10] == 0.95'
expect_exit "report over a prediction stored after a later case's" 0 "$SG" \
	report --db "$DB3" --no-store --format json --since 2026-11-21 \
	--until 2026-11-21
jcheck "a prediction stored late is counted with its case" "$WORK/out" \
	'd["counts"]["in_window"] == 3' 'd["counts"]["with_prediction"] == 3' \
	'd["agreement"]["n"] == 3' 'd["agreement"]["agree"] == 2' \
	'list(d["nights"]) == ["2026-11-21"]' \
	'[x["case_id"] for x in d["disagreements"]] == ["O2"]' \
	'd["outputs"]["score_deciles"][5] == 0.7'

finish
