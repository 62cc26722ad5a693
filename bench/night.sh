#!/bin/sh
# bench/night.sh - the whole night: shadowgate's ingest + run + report of a
# decision log next to the Python script a user would write instead
# (bench/night_python.py: pandas, XGBoost, scikit-learn, statsmodels,
# to_sql into SQLite), measured side by side in the same run.
#
# usage: bench/night.sh [ROWS]          (default: 1000000)
#
# What it does:
#   1. writes a log of ROWS cases of one night (bench/gen_log.py
#      --no-model: random-looking case ids, a segment, f1..f8, decision,
#      rater) and trains a 3-class XGBoost model on its first 200,000 rows
#      (bench/train_model.py --rounds 33: 99 trees, depth 6);
#   2. SG_BENCH_REPEAT times, alternately, each into a fresh SQLite file:
#        python      /usr/bin/python3 bench/night_python.py LOG MODEL DB
#        shadowgate  ingest, then run (--model-backend xgboost), then
#                    report --format json --window-nights 0, one after
#                    the other in one sh -c (the three processes timed as
#                    one; peak memory is the largest of the three);
#   3. checks that both found the same agreement (k of n) and kappa, and
#      prints the best times, CPU, peak memory and the ratios (targets:
#      python wall / shadowgate wall >= 3, moonshot 4; shadowgate's peak
#      memory under a tenth of python's).
#
# environment:
#   SG_BIN           the shadowgate binary (default: build-bench/shadowgate;
#                    meson setup build-bench --buildtype=release &&
#                    ninja -C build-bench)
#   SG_BENCH_TMP     where the temporary directory goes ($TMPDIR or /tmp)
#   SG_BENCH_REPEAT  runs of each side, best wall time kept (1)
#   SG_BENCH_KEEP    1: keep the temporary directory
#   PYTHON           python3 for the log generator (python3)
#   XGB_PYTHON       python3 with pandas, xgboost, sklearn, statsmodels
#                    (/usr/bin/python3)
#
# A measurement, not a test: it prints a table and exits 0 whatever the
# figures are (non-zero only when a tool is missing or a run fails).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${SG_BIN:-$root/build-bench/shadowgate}
repeat=${SG_BENCH_REPEAT:-1}
python=${PYTHON:-python3}
xgb_python=${XGB_PYTHON:-/usr/bin/python3}
timebin=/usr/bin/time
rows=${1:-1000000}

die() {
	echo "bench/night.sh: $*" >&2
	exit 2
}
[ -x "$bin" ] || die "no shadowgate binary at $bin (meson setup build-bench" \
	"--buildtype=release && ninja -C build-bench, or set SG_BIN)"
[ -x "$timebin" ] || die "$timebin not found (apt-get install time)"
"$xgb_python" -c 'import pandas, xgboost, sklearn, statsmodels' 2>/dev/null ||
	die "$xgb_python lacks pandas, xgboost, sklearn or statsmodels"
case $rows in '' | *[!0-9]* | 0) die "not a row count: $rows" ;; esac
case $repeat in '' | *[!0-9]* | 0) die "SG_BENCH_REPEAT must be a positive integer" ;; esac

tmp=$(mktemp -d "${SG_BENCH_TMP:-${TMPDIR:-/tmp}}/sg-night.XXXXXX")
if [ "${SG_BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "kept $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

now() { date +%s.%N; }
fail() {
	echo "bench/night.sh: failed: $*" >&2
	cat "$tmp/stderr" >&2 2>/dev/null || true
	exit 1
}

# timed OUT CMD...: runs CMD under time(1); OUT gets "wall cpu maxrss_kb"
timed() {
	out=$1
	shift
	t0=$(now)
	"$timebin" -f '%U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" \
		2>"$tmp/stderr" || fail "$*"
	t1=$(now)
	echo "$t0 $t1 $(tail -n 1 "$tmp/time")" |
		awk '{ printf "%.3f %.2f %s\n", $2 - $1, $3 + $4, $5 }' >"$out"
}

echo "whole-night benchmark: $("$bin" --version 2>/dev/null | head -n 1)," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo "$rows rows, best of $repeat; files in $tmp"
log=$tmp/log.csv
echo "generating $rows rows..." >&2
"$python" "$here/gen_log.py" "$rows" "$log" --no-model --nights 1 ||
	fail "gen_log.py"
echo "training the model..." >&2
"$xgb_python" "$here/train_model.py" "$log" "$tmp/model.json" --rounds 33 \
	2>"$tmp/stderr" || fail "train_model.py"
echo "model: $(cat "$tmp/stderr")"
echo

map="--segment region"
for k in 1 2 3 4 5 6 7 8; do map="$map --feature f$k"; done
night="\"$bin\" ingest -q --db \"$tmp/sg.db\" $map \"$log\" &&
\"$bin\" run -q --db \"$tmp/sg.db\" --model-name bench --model-version 1
 --model-backend xgboost --model-path \"$tmp/model.json\"
 --model-labels approve,deny,refer $map &&
\"$bin\" report --db \"$tmp/sg.db\" --format json --window-nights 0"
night=$(echo "$night" | tr '\n' ' ')

i=1
while [ "$i" -le "$repeat" ]; do
	rm -f "$tmp/py.db"
	echo "run $i/$repeat: python..." >&2
	timed "$tmp/py-$i" "$xgb_python" "$here/night_python.py" "$log" \
		"$tmp/model.json" "$tmp/py.db"
	cp "$tmp/stdout" "$tmp/py.json"
	rm -f "$tmp/sg.db" "$tmp/sg.db-wal" "$tmp/sg.db-shm" "$tmp/sg.db.lock"
	echo "run $i/$repeat: shadowgate ingest + run + report..." >&2
	timed "$tmp/sg-$i" sh -c "$night"
	cp "$tmp/stdout" "$tmp/sg.json"
	i=$((i + 1))
done

check=$("$xgb_python" - "$tmp/py.json" "$tmp/sg.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
a = s["agreement"]
same = (p["agree"] == a["agree"] and p["n"] == a["n"]
        and abs(p["kappa"] - s["kappa"]["value"]) < 1e-9)
print("%s: agreement %d/%d, kappa %.6f (python) and %d/%d, %.6f (shadowgate)"
      % ("same result" if same else "WARNING: the results differ",
         p["agree"], p["n"], p["kappa"], a["agree"], a["n"],
         s["kappa"]["value"]))
PY
)

best() {
	cat "$@" | awk 'NR == 1 || $1 < w { w = $1; c = $2 }
		$3 > m { m = $3 }
		END { printf "%s %s %s\n", w, c, m }'
}
set -- $(best "$tmp"/py-*)
pw=$1 pc=$2 pm=$3
set -- $(best "$tmp"/sg-*)
awk -v pw="$pw" -v pc="$pc" -v pm="$pm" -v sw="$1" -v sc="$2" -v sm="$3" \
	-v check="$check" 'BEGIN {
	printf "%-34s %9s %8s %9s\n", "", "wall_s", "cpu_s", "peak_MB"
	printf "%-34s %9.2f %8.2f %9.1f\n", "python (pandas, xgboost, to_sql)",
		pw, pc, pm / 1024
	printf "%-34s %9.2f %8.2f %9.1f\n", "shadowgate ingest + run + report",
		sw, sc, sm / 1024
	print ""
	printf "python wall / shadowgate wall: %.2f (target >= 3, moonshot 4)\n",
		sw ? pw / sw : 0
	printf "shadowgate peak memory / python peak memory: %.3f (target < 0.1)\n",
		pm ? sm / pm : 0
	print check
}'
