#!/bin/sh
# Writes a corpus of shadowgate's outputs: every report, gate, history and
# sample format on stores built from the fixtures and the demo, so that a
# change meant to keep behaviour can be checked byte for byte against the
# outputs of the program before it.
#
#   sh scripts/corpus.sh BIN OUTDIR      write the corpus of BIN into OUTDIR
#   diff -r OLD NEW                       compare two corpora
#
# Times that change from one run to the next (generated_at, created_at,
# started_at, finished_at, run durations and latencies) are replaced by
# fixed words, in every format, by scripts/corpus_normalize.py. Exit
# statuses are kept in OUTDIR/status.
set -eu
[ $# -eq 2 ] || { echo "usage: sh scripts/corpus.sh BIN OUTDIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
FX="$ROOT/fixtures"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
: >"$OUT/status"

# run NAME ARGS...: the command's standard output into OUT/NAME, its exit
# status into OUT/status
run() {
	name=$1; shift
	rc=0
	"$BIN" "$@" >"$OUT/$name" 2>"$WORK/stderr" || rc=$?
	echo "$name $rc" >>"$OUT/status"
}

# formats TAG DB [ARGS...]: every format of report and gate on one store,
# ARGS for both; the gate adds $POLICY (reset to the default after)
DEFAULT_POLICY="--min-agreement 0.5 --min-kappa 0.2 --min-cases 3"
POLICY=$DEFAULT_POLICY
formats() {
	tag=$1; db=$2; shift 2
	for f in json text markdown csv prometheus; do
		run "$tag.report.$f" report --db "$db" --no-store --format "$f" "$@"
	done
	for f in json text markdown junit; do
		run "$tag.gate.$f" gate --db "$db" --no-store --format "$f" "$@" $POLICY
	done
	POLICY=$DEFAULT_POLICY
}

q=--quiet
MAP="--segment region --segment channel --feature income --feature age"

# labels, two versions, quoting and UTF-8
DB="$WORK/labels.db"
"$BIN" ingest $q --db "$DB" $MAP --model-name triage --model-version v1 \
	"$FX/report/labels.csv" >/dev/null
"$BIN" ingest $q --db "$DB" $MAP --model-name triage --model-version v2 \
	"$FX/report/labels_v2.csv" >/dev/null
formats labels "$DB" --model triage@v1 --window-nights 0
formats labels2 "$DB" --model triage@v2 --window-nights 0
run labels.sample.csv sample --db "$DB" --model triage@v1 --disagreements 5 --seed 7
run labels.sample.jsonl sample --db "$DB" --model triage@v1 --disagreements 5 \
	--seed 7 --format jsonl
run labels.sample.json sample --db "$DB" --model triage@v1 --disagreements 3 \
	--format json
"$BIN" report $q --db "$DB" --model triage@v1 --window-nights 0 >/dev/null
"$BIN" gate $q --db "$DB" --model triage@v2 --window-nights 0 $POLICY >/dev/null 2>&1 || :
run labels.history.text history --db "$DB"
run labels.history.json history --db "$DB" --format json

# several raters (human baseline)
for f in raters one_label single ordinal coverage numeric; do
	DB="$WORK/$f.db"
	extra=
	[ "$f" = numeric ] && extra="--decision-type numeric"
	"$BIN" ingest $q --db "$DB" $extra --model-name m --model-version 1 \
		"$FX/report/$f.csv" >/dev/null
	formats "$f" "$DB" --window-nights 0
done
DB="$WORK/ordinal.db"
formats ordinal.order "$DB" --window-nights 0 --label-order low,mid,high

# drift against a reference window, per-night monitoring
DB="$WORK/drift.db"
"$BIN" ingest $q --db "$DB" $MAP --feature const --model-name m --model-version 1 \
	"$FX/monitor/drift.csv" >/dev/null
formats drift "$DB" --since 2026-11-03 --reference-nights 2
formats drift2 "$DB" --reference-since 2026-11-02 --reference-until 2026-11-04 \
	--window-nights 0
for v in versions versions_num; do
	DB="$WORK/$v.db"
	extra=
	[ "$v" = versions_num ] && extra="--decision-type numeric"
	"$BIN" ingest $q --db "$DB" $extra --model-name m --model-version 1 \
		"$FX/monitor/${v}_v1.csv" >/dev/null
	"$BIN" ingest $q --db "$DB" $extra --model-name m --model-version 2 \
		"$FX/monitor/${v}_v2.csv" >/dev/null
	formats "$v" "$DB" --model m@2 --window-nights 0
done

# gate: incumbent, per-night checks, errors, segments
DB="$WORK/raters-gate.db"
LOGGED="--model-backend logged --model-predictions"
"$BIN" ingest $q --db "$DB" "$FX/gate/raters.csv" >/dev/null
"$BIN" run $q --db "$DB" --model-name inc --model-version 1 $LOGGED \
	"$FX/gate/raters_inc.csv" >/dev/null
"$BIN" run $q --db "$DB" --model-name cand --model-version 1 $LOGGED \
	"$FX/gate/raters_cand.csv" >/dev/null
POLICY="$POLICY --incumbent inc@1"
formats incumbent "$DB" --model cand@1 --window-nights 0
DB="$WORK/nights.db"
"$BIN" ingest $q --db "$DB" --feature x "$FX/gate/nights.csv" >/dev/null
POLICY="--min-agreement 0.8 --max-missing-rate 0.2 --on estimate
	--min-night-agreement 0.7 --max-night-missing-rate 0.3 --min-night-cases 10"
formats nights "$DB" --since 2026-11-02 --until 2026-11-04 --reference-nights 1
DB="$WORK/segments.db"
"$BIN" ingest $q --db "$DB" --segment region "$FX/gate/segments.csv" >/dev/null
POLICY="$POLICY --min-segment-cases 2 --min-segment-agreement 0.6"
formats segments "$DB" --window-nights 0
DB="$WORK/undated.db"
"$BIN" ingest $q --db "$DB" "$FX/gate/undated.csv" >/dev/null
formats undated "$DB" --window-nights 0

# the demo's whole nightly, every format it writes
mkdir "$WORK/a"
cp -r "$FX/demo" "$WORK/a/demo"
sed -e 's#"formats": \[#"formats": ["csv", "prometheus", #' \
	"$FX/demo/shadowgate.json" >"$WORK/a/demo/shadowgate.json"
rc=0
(cd "$WORK/a/demo" && "$BIN" nightly $q --config shadowgate.json >/dev/null 2>&1) || rc=$?
echo "demo.nightly $rc" >>"$OUT/status"
for f in "$WORK"/reports/*/*; do
	cp "$f" "$OUT/demo.nightly.$(basename "$f")"
done
DB="$WORK/shadowgate-demo.db"
POLICY=
formats demo "$DB" --config "$WORK/a/demo/shadowgate.json"
run demo.history.text history --db "$DB"
run demo.history.json history --db "$DB" --format json
run demo.sample.csv sample --db "$DB" --disagreements 20 --seed 3

/usr/bin/python3 "$ROOT/scripts/corpus_normalize.py" "$OUT"
echo "corpus: $(ls "$OUT" | wc -l) files in $OUT"
