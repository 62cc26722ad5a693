#!/bin/sh
# bench/ingest.sh - how fast does `shadowgate ingest` load a CSV decision
# log, next to `sqlite3 .import` of the same file, measured in the same run.
#
# usage: bench/ingest.sh [ROWS...]          (default: 1000000 10000000)
#        bench/ingest.sh --nights N ROWS    N nights of ROWS rows into one
#                                           store (a growing store)
#
# Logs have random-looking case ids ("dec-" and 16 hex digits) and the
# shadow model's logged output (model_decision, model_score): the hard case
# for the store's index on case ids, and what production logs look like.
#
# environment:
#   SG_BIN           the shadowgate binary (default: build-bench/shadowgate)
#   SG_BENCH_TMP     where the temporary directory goes (default: $TMPDIR
#                    or /tmp); logs and stores are written there
#   SG_BENCH_REPEAT  runs of each tool per size, best wall time kept (1)
#   SG_BENCH_IDS     random | sequential case ids (random)
#   SG_BENCH_MODEL   1: logs carry logged model output (1); 0: they do not
#   SG_BENCH_KEEP    1: keep the temporary directory
#   PYTHON           python3 interpreter for the log generator (python3)
#
# A measurement, not a test: it prints a table and exits 0 whatever the
# figures are (non-zero only when a tool is missing or a run fails).
# See bench/README.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${SG_BIN:-$root/build-bench/shadowgate}
repeat=${SG_BENCH_REPEAT:-1}
ids=${SG_BENCH_IDS:-random}
model=${SG_BENCH_MODEL:-1}
nights=0
if [ "${1:-}" = --nights ]; then
	nights=${2:-}
	shift 2 || true
	case $nights in '' | *[!0-9]* | 0) echo "bench/ingest.sh: --nights needs a count" >&2; exit 2 ;; esac
	[ $# -eq 1 ] || { echo "bench/ingest.sh: --nights N takes one ROWS" >&2; exit 2; }
fi
python=${PYTHON:-python3}
timebin=/usr/bin/time

die() {
	echo "bench/ingest.sh: $*" >&2
	exit 2
}

[ -x "$bin" ] || die "no shadowgate binary at $bin (meson setup build-bench" \
	"--buildtype=release && ninja -C build-bench, or set SG_BIN)"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 not found (apt-get install sqlite3)"
[ -x "$timebin" ] || die "$timebin not found (apt-get install time)"
command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON)"
case $repeat in '' | *[!0-9]* | 0) die "SG_BENCH_REPEAT must be a positive integer" ;; esac
case $ids in sequential | random) ;; *) die "SG_BENCH_IDS must be sequential or random" ;; esac
case $model in 0) genopt=--no-model ;; 1) genopt= ;; *) die "SG_BENCH_MODEL must be 0 or 1" ;; esac
maplog="--segment region --feature f1 --feature f2 --feature f3 --feature f4"
maplog="$maplog --feature f5 --feature f6 --feature f7 --feature f8"
[ "$model" = 1 ] && maplog="$maplog --model-label model_decision --model-score model_score"

[ $# -gt 0 ] || set -- 1000000 10000000
for n in "$@"; do
	case $n in '' | *[!0-9]* | 0) die "not a row count: $n" ;; esac
done

tmp=$(mktemp -d "${SG_BENCH_TMP:-${TMPDIR:-/tmp}}/sg-bench.XXXXXX")
if [ "${SG_BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "kept $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

now() { date +%s.%N; }

# run OUT CMD...: runs CMD under time(1); OUT gets "wall user sys maxrss_kb"
run() {
	out=$1
	shift
	t0=$(now)
	if ! "$timebin" -f '%U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; then
		echo "bench/ingest.sh: failed: $*" >&2
		cat "$tmp/stderr" >&2
		exit 1
	fi
	t1=$(now)
	# time(1) may put a "Command exited..." line first; the figures are last
	echo "$t0 $t1 $(tail -n 1 "$tmp/time")" |
		awk '{ printf "%.3f %s %s %s\n", $2 - $1, $3, $4, $5 }' >"$out"
}

# best RESULTS...: the line with the lowest wall time; max RSS of all
best() {
	cat "$@" | awk 'NR == 1 || $1 < w { w = $1; u = $2; s = $3 }
		$4 > m { m = $4 }
		END { printf "%s %s %s %s\n", w, u, s, m }'
}

echo "shadowgate ingest benchmark: $($bin --version 2>/dev/null | head -n 1)," \
	"$(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /')," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo "logs and stores in $tmp; case ids $ids; logged model output $model;" \
	"best of $repeat run(s)"
echo

# import N LOG OUT: sqlite3 .import of LOG into a fresh table, timed
import() {
	rm -f "$tmp/ref.db"
	run "$3" sqlite3 "$tmp/ref.db" '.mode csv' ".import '$2' t"
	got=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM t')
	[ "$got" = "$1" ] || {
		echo "bench/ingest.sh: sqlite3 imported $got rows, not $1" >&2
		exit 1
	}
	rm -f "$tmp/ref.db"
}

# ingest N LOG OUT [DB]: shadowgate ingest of LOG into DB ($tmp/sg.db),
# timed
ingest() {
	# shellcheck disable=SC2086 # $maplog is a list of words
	run "$3" "$bin" ingest --format json --db "${4:-$tmp/sg.db}" $maplog "$2"
	grep -q "^[[:space:]]*\"loaded\":[[:space:]]*$1," "$tmp/stdout" || {
		echo "bench/ingest.sh: shadowgate did not load $1 rows:" >&2
		cat "$tmp/stdout" "$tmp/stderr" >&2
		exit 1
	}
}

if [ "$nights" -gt 0 ]; then
	# A growing store: night k (ROWS new cases, dated on its own night)
	# into the store that holds the k - 1 nights before it. Each night is
	# also imported by sqlite3 into a fresh table, side by side.
	n=$1
	printf "%5s %10s %9s %9s %8s %9s %9s %6s %9s %9s %8s\n" night \
		store_cases sg_wall_s sq_wall_s ratio sg_cpu_s peak_MB \
		"" store_MB csv_MB store/csv
	csv_total=0
	k=1
	while [ "$k" -le "$nights" ]; do
		log=$tmp/night-$k.csv
		"$python" "$here/gen_log.py" "$n" "$log" --ids "$ids" $genopt --nights 1 \
			--day $((k - 1)) --first $(((k - 1) * n))
		csv_total=$((csv_total + $(wc -c <"$log")))
		before=$(((k - 1) * n))
		i=1
		while [ "$i" -le "$repeat" ]; do
			import "$n" "$log" "$tmp/sqlite-$k-$i"
			if [ "$repeat" -gt 1 ]; then
				# each run into a copy of the store of the
				# nights before (made before the clock starts);
				# the last copy is the store the next night grows
				rm -f "$tmp/try.db" "$tmp/try.db-wal" "$tmp/try.db-shm"
				[ ! -f "$tmp/sg.db" ] || cp "$tmp/sg.db" "$tmp/try.db"
				[ ! -f "$tmp/sg.db-wal" ] || cp "$tmp/sg.db-wal" "$tmp/try.db-wal"
				sync
				ingest "$n" "$log" "$tmp/sg-$k-$i" "$tmp/try.db"
			fi
			i=$((i + 1))
		done
		if [ "$repeat" -gt 1 ]; then
			rm -f "$tmp/sg.db" "$tmp/sg.db-wal" "$tmp/sg.db-shm"
			for f in try.db try.db-wal; do
				[ ! -f "$tmp/$f" ] || mv "$tmp/$f" "$tmp/sg${f#try}"
			done
			rm -f "$tmp/try.db-shm"
		else
			ingest "$n" "$log" "$tmp/sg-$k-1"
		fi
		rm -f "$log"
		set -- $(best "$tmp"/sqlite-"$k"-*)
		sqw=$1
		set -- $(best "$tmp"/sg-"$k"-*)
		store_b=$(wc -c <"$tmp/sg.db")
		awk -v k="$k" -v c="$before" -v w="$1" -v u="$2" -v s="$3" \
			-v m="$4" -v q="$sqw" -v sb="$store_b" -v cb="$csv_total" '
		BEGIN {
			printf "%5d %10d %9.2f %9.2f %8.2f %9.2f %9.1f %6s %9.0f %9.0f %8.2f\n",
				k, c, w, q, w ? q / w : 0, u + s, m / 1024, "",
				sb / 1048576, cb / 1048576, cb ? sb / cb : 0
		}'
		set -- "$n"
		k=$((k + 1))
	done
	echo
	echo "ratio = sqlite3 .import wall / shadowgate ingest wall for the same"
	echo "night's file (targets: night 1 >= 0.6; night 4 and later >= 0.4);"
	echo "store/csv = the store's size over the logs' total (target <= 2)"
	exit 0
fi

results=$tmp/results
: >"$results"
for n in "$@"; do
	log=$tmp/log-$n.csv
	echo "generating $n rows..." >&2
	"$python" "$here/gen_log.py" "$n" "$log" --ids "$ids" $genopt
	bytes=$(wc -c <"$log")
	i=1
	while [ "$i" -le "$repeat" ]; do
		# side by side: the reference, then shadowgate, on the same file
		echo "run $i/$repeat: sqlite3 .import $n rows..." >&2
		import "$n" "$log" "$tmp/sqlite-$n-$i"
		rm -f "$tmp/sg.db" "$tmp/sg.db-wal" "$tmp/sg.db-shm"
		echo "run $i/$repeat: shadowgate ingest $n rows..." >&2
		ingest "$n" "$log" "$tmp/sg-$n-$i"
		store_mb=$(du -m "$tmp/sg.db" | cut -f1)
		rm -f "$tmp/sg.db" "$tmp/sg.db-wal" "$tmp/sg.db-shm"
		i=$((i + 1))
	done
	rm -f "$log"
	echo "$n $bytes sqlite3 $(best "$tmp"/sqlite-"$n"-*) -" >>"$results"
	echo "$n $bytes shadowgate $(best "$tmp"/sg-"$n"-*) $store_mb" >>"$results"
done

awk -v first="$1" '
function rate(n, w) { return w ? n / w : 0 }
BEGIN {
	printf "%10s %-11s %9s %8s %11s %9s %9s\n", "rows", "tool", "wall_s",
		"cpu_s", "rows/s", "peak_MB", "store_MB"
}
{
	n = $1; tool = $3; w = $4; cpu = $5 + $6; rss = $7 / 1024
	r[n, tool] = rate(n, w)
	m[n, tool] = rss
	csv[n] = $2 / 1048576
	if (tool == "shadowgate") st[n] = $8
	if (!(n in seen)) { seen[n] = 1; order[++k] = n }
	printf "%10d %-11s %9.2f %8.2f %11.0f %9.1f %9s\n", n, tool, w, cpu,
		rate(n, w), rss, $8
}
END {
	print ""
	for (i = 1; i <= k; i++) {
		n = order[i]
		base = r[n, "sqlite3"]
		ratio = base ? r[n, "shadowgate"] / base : 0
		# the targets: a night into an empty store >= 0.6;
		# one 10M-row file >= 0.5
		tgt = "0.6"
		if (n >= 10000000)
			tgt = "0.5"
		sc = csv[n] ? st[n] / csv[n] : 0
		printf "%d rows: shadowgate/sqlite3 rate %.2f (target >= %s);" \
			" shadowgate peak RSS %.1f MB (target < 256);" \
			" store/csv %.2f (target <= 2)\n",
			n, ratio, tgt, m[n, "shadowgate"], sc
	}
	for (i = 2; i <= k; i++) {
		n = order[i]
		# (no ">" in printf arguments: awk takes it for a redirection)
		base = r[first, "shadowgate"]
		ratio = base ? r[n, "shadowgate"] / base : 0
		printf "shadowgate rate at %d rows / at %d rows: %.2f" \
			" (target >= 0.5)\n", n, first, ratio
	}
}' "$results"
