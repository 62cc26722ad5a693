#!/bin/sh
# bench/run.sh - how long `shadowgate run` takes to score a store with an
# XGBoost model, next to XGBoost's C API alone predicting the same rows
# from memory, measured side by side in the same run.
#
# usage: bench/run.sh [ROWS]          (default: 1000000)
#
# What it does:
#   1. writes a log of ROWS cases (bench/gen_cases.py --no-model: 8 segment
#      columns, features f1..f8, 1% of them missing) and ingests it with
#      the shadowgate binary into a store (untimed);
#   2. trains the bench model with /usr/bin/python3 and xgboost
#      (bench/train_model.py: multi:softprob, 3 classes, 100 rounds, so
#      300 trees, max_depth 6) on the first 200,000 rows;
#   3. compiles bench/xgb_predict.c (cc ... -lxgboost) and, SG_BENCH_REPEAT
#      times, alternately:
#        xgb_predict     reads the features of the log into a float array
#                        (untimed), then times XGBoosterPredictFromDense in
#                        batches of the runner's batch size, in one call,
#                        and XGDMatrixCreateFromMat + predict per batch;
#        shadowgate run  --model-backend xgboost over a fresh copy of the
#                        store (written to disk before the clock starts):
#                        reading the features from the store,
#                        scoring, writing the predictions, committing;
#   4. checks that both predicted the same classes, and prints the best
#      times, the CPU time each used, and the ratio (target: shadowgate
#      <= 1.5 x the C API in batches: the faster of its two batched
#      figures; the ratio to the single call is printed too).
#
# environment:
#   SG_BIN           the shadowgate binary (default: build-bench2/shadowgate;
#                    meson setup build-bench2 --buildtype=release &&
#                    ninja -C build-bench2)
#   SG_BENCH_TMP     where the temporary directory goes ($TMPDIR or /tmp)
#   SG_BENCH_REPEAT  runs of each side, best wall time kept (3)
#   SG_BENCH_BATCH   rows per scoring batch, both sides (16384, the default
#                    of --model-batch)
#   SG_BENCH_KEEP    1: keep the temporary directory
#   PYTHON           python3 for the log generator (python3)
#   XGB_PYTHON       python3 with numpy and xgboost (/usr/bin/python3)
#   CC               C compiler for xgb_predict (cc)
#
# A measurement, not a test: it prints a table and exits 0 whatever the
# figures are (non-zero only when a tool is missing or a run fails). On a
# busy machine the wall times wander; the CPU times and the load average
# printed with them say how much. See bench/README.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${SG_BIN:-$root/build-bench2/shadowgate}
repeat=${SG_BENCH_REPEAT:-3}
batch=${SG_BENCH_BATCH:-16384}
python=${PYTHON:-python3}
xgb_python=${XGB_PYTHON:-/usr/bin/python3}
cc=${CC:-cc}
timebin=/usr/bin/time

die() {
	echo "bench/run.sh: $*" >&2
	exit 2
}

[ -x "$bin" ] || die "no shadowgate binary at $bin (meson setup build-bench2" \
	"--buildtype=release && ninja -C build-bench2, or set SG_BIN)"
"$bin" --help 2>/dev/null | grep -q 'model backends:.*xgboost' ||
	die "$bin was built without the xgboost backend (libxgboost-dev)"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 not found (apt-get install sqlite3)"
[ -x "$timebin" ] || die "$timebin not found (apt-get install time)"
command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON)"
command -v "$cc" >/dev/null 2>&1 || die "$cc not found (set CC)"
"$xgb_python" -c 'import numpy, xgboost' 2>/dev/null ||
	die "$xgb_python cannot import numpy and xgboost" \
		"(apt-get install python3-xgboost, or set XGB_PYTHON)"
case $repeat in '' | *[!0-9]* | 0) die "SG_BENCH_REPEAT must be a positive integer" ;; esac
case $batch in '' | *[!0-9]* | 0) die "SG_BENCH_BATCH must be a positive integer" ;; esac
[ $# -le 1 ] || die "usage: bench/run.sh [ROWS]"
rows=${1:-1000000}
case $rows in '' | *[!0-9]* | 0) die "not a row count: $rows" ;; esac

tmp=$(mktemp -d "${SG_BENCH_TMP:-${TMPDIR:-/tmp}}/sg-run-bench.XXXXXX")
if [ "${SG_BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "kept $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }
fail() {
	echo "bench/run.sh: failed: $*" >&2
	cat "$tmp/stderr" >&2 2>/dev/null || true
	exit 1
}

features=""
for k in 1 2 3 4 5 6 7 8; do features="$features --feature f$k"; done
segments=""
for k in 1 2 3 4 5 6 7 8; do segments="$segments --segment s$k"; done
labels=approve,deny,refer

echo "compiling xgb_predict..." >&2
"$cc" -std=c11 -O2 -Wall -Wextra -o "$tmp/xgb_predict" "$here/xgb_predict.c" \
	-lxgboost -lm 2>"$tmp/stderr" || fail "$cc bench/xgb_predict.c -lxgboost"

echo "shadowgate run benchmark: $("$bin" --version 2>/dev/null | head -n 1)," \
	"libxgboost $("$tmp/xgb_predict" --version)," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo "$rows rows, batch $batch, best of $repeat; files in $tmp"

echo "generating $rows rows..." >&2
log=$tmp/log.csv
"$python" "$here/gen_cases.py" "$rows" "$log" --no-model ||
	fail "gen_cases.py"

echo "ingesting them..." >&2
t0=$(now)
# shellcheck disable=SC2086 # $segments and $features are lists of words
"$bin" ingest -q --db "$tmp/base.db" $segments $features "$log" \
	>"$tmp/stdout" 2>"$tmp/stderr" || fail "shadowgate ingest"
t1=$(now)
# one file, no WAL: each run starts from a plain copy of it
sqlite3 "$tmp/base.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
got=$(sqlite3 "$tmp/base.db" 'SELECT count(*) FROM cases')
[ "$got" = "$rows" ] || fail "the store has $got cases, not $rows"
echo "store: $rows cases, $(du -m "$tmp/base.db" | cut -f1) MB, ingested in" \
	"$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"

echo "training the model..." >&2
"$xgb_python" "$here/train_model.py" "$log" "$tmp/model.json" \
	2>"$tmp/stderr" || fail "train_model.py"
echo "model: $(cat "$tmp/stderr")"
echo

results=$tmp/results
: >"$results"
i=1
while [ "$i" -le "$repeat" ]; do
	# the C API alone: its own clock around the predict calls
	echo "run $i/$repeat: xgb_predict..." >&2
	l0=$(load)
	"$tmp/xgb_predict" "$tmp/model.json" "$log" "$batch" 1 \
		>"$tmp/xgb-$i" 2>"$tmp/stderr" || fail "xgb_predict"
	awk -v l="$l0" '{ v[$1] = $2 } END { printf "xgb %s %s %s %s %s %s %s\n",
		v["inplace_batched"], v["inplace_batched_cpu"],
		v["inplace_one_call"], v["inplace_one_call_cpu"],
		v["dmatrix_batched"], l, v["load_model"] }' "$tmp/xgb-$i" \
		>>"$results"

	# shadowgate: the whole process on a fresh copy of the store
	echo "run $i/$repeat: shadowgate run..." >&2
	rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm" "$tmp/run.db.lock"
	cp "$tmp/base.db" "$tmp/run.db"
	# the copy goes to disk first (untimed): otherwise the run's first
	# commit waits for the kernel to write back the whole copy
	sync "$tmp/run.db"
	l0=$(load)
	t0=$(now)
	# shellcheck disable=SC2086 # $features is a list of words
	"$timebin" -f '%U %S %M' -o "$tmp/time" \
		"$bin" run --db "$tmp/run.db" --format json \
		--model-name bench --model-version 1 --model-backend xgboost \
		--model-path "$tmp/model.json" --model-labels "$labels" \
		--model-batch "$batch" $features \
		>"$tmp/sg-$i.json" 2>"$tmp/stderr" || fail "shadowgate run"
	t1=$(now)
	grep -q "\"scored\":[[:space:]]*$rows," "$tmp/sg-$i.json" ||
		fail "shadowgate did not score $rows cases: $(cat "$tmp/sg-$i.json")"
	echo "$t0 $t1 $(tail -n 1 "$tmp/time") $l0" | awk '{
		printf "sg %.3f %.2f %s %s\n", $2 - $1, $3 + $4, $5, $6 }' \
		>>"$results"
	i=$((i + 1))
done

# the same rows, the same classes (arg-max) on both sides; the labels
# sort in the model's class order
sqlite3 "$tmp/run.db" "SELECT label, count(*) FROM predictions
	WHERE run = (SELECT max(id) FROM runs) GROUP BY label ORDER BY label" |
	awk -F'|' '{ printf "class%d %s\n", NR - 1, $2 }' >"$tmp/sg-classes"
grep '^class[0-9]' "$tmp/xgb-1" >"$tmp/xgb-classes"
if cmp -s "$tmp/sg-classes" "$tmp/xgb-classes"; then
	check="same class counts on both sides"
	check="$check ($(cut -d' ' -f2 "$tmp/sg-classes" | paste -sd/ -))"
else
	check="WARNING: the class counts differ: xgb_predict"
	check="$check $(tr '\n' ' ' <"$tmp/xgb-classes")- shadowgate"
	check="$check $(tr '\n' ' ' <"$tmp/sg-classes")"
fi

awk -v rows="$rows" -v batch="$batch" -v check="$check" '
$1 == "xgb" {
	if (!nx || $2 < xb) { xb = $2; xbc = $3 }
	if (!nx || $4 < xo) { xo = $4; xoc = $5 }
	if (!nx || $6 < xd) xd = $6
	if (!nx || $8 < xm) xm = $8
	nx++; xl = xl " " $7
}
$1 == "sg" {
	if (!ns || $2 < sw) { sw = $2; sc = $3 }
	if ($4 > rss) rss = $4
	ns++; sl = sl " " $5
}
END {
	printf "%-46s %9s %9s %10s\n", "best of " nx " (rows " rows ")",
		"wall_s", "cpu_s", "rows/s"
	printf "%-46s %9.2f %9.2f %10.0f\n",
		"C API, PredictFromDense, batches of " batch, xb, xbc, rows / xb
	printf "%-46s %9.2f %9.2f %10.0f\n",
		"C API, PredictFromDense, one call", xo, xoc, rows / xo
	printf "%-46s %9.2f %9s %10.0f\n",
		"C API, DMatrix + predict, batches of " batch, xd, "-", rows / xd
	printf "%-46s %9.2f %9.2f %10.0f\n",
		"shadowgate run (store -> predictions)", sw, sc, rows / sw
	printf "(loading the model, in shadowgate'"'"'s time but not the C" \
		" API'"'"'s: %.2f s)\n", xm
	print ""
	# the reference: the faster of the two batched C API figures
	xr = xd < xb ? xd : xb
	printf "ratio shadowgate / C API in batches of %d: %.2f (target" \
		" <= 1.5); / C API in one call: %.2f\n", batch, sw / xr,
		sw / xo
	printf "shadowgate peak RSS %.1f MB; load average before each run:" \
		" xgb_predict%s, shadowgate%s\n", rss / 1024, xl, sl
	print check
}' "$results"
exit 0
