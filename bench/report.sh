#!/bin/sh
# bench/report.sh - how long `shadowgate report` takes for the full JSON
# report, next to sqlite3 running the single GROUP BY query of the
# confusion matrix over the same store, measured side by side in the same
# run; and shadowgate's peak memory.
#
# usage: bench/report.sh [ROWS...]        (default: 1000000)
#        bench/report.sh 1000000 10000000  (10M: opt-in, it takes a while:
#                                          minutes to write and ingest)
#
# The store: ROWS cases over 7 nights with 8 segment columns, 8 features,
# one human decision each (approve / deny / refer) and the logged shadow
# model's decision and score (model_decision, model_score, mapped at
# ingest): bench/gen_cases.py, ingested untimed. Then, SG_BENCH_REPEAT
# times, alternately:
#   sqlite3     the confusion-matrix query (current decisions x current
#               predictions, GROUP BY both labels), its output to a file;
#   shadowgate  report --format json --no-store --window-nights 0 (all the
#               nights; --last takes 1 and up, not 0): every block
#               (agreement, kappa, confusion, per class, 8 segments, 7
#               nights, coverage, input drift, ...), to a file.
# Both under /usr/bin/time; best wall time kept, peak RSS of all.
#
# environment:
#   SG_BIN           the shadowgate binary (default: build-bench2/shadowgate;
#                    meson setup build-bench2 --buildtype=release &&
#                    ninja -C build-bench2)
#   SG_BENCH_TMP     where the temporary directory goes ($TMPDIR or /tmp)
#   SG_BENCH_REPEAT  runs of each tool per size, best wall time kept (3)
#   SG_BENCH_KEEP    1: keep the temporary directory and the stores in it
#   PYTHON           python3 for the log generator (python3)
#
# A measurement, not a test: it prints a table and exits 0 whatever the
# figures are (non-zero only when a tool is missing or a run fails).
# See bench/README.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${SG_BIN:-$root/build-bench2/shadowgate}
repeat=${SG_BENCH_REPEAT:-3}
python=${PYTHON:-python3}
timebin=/usr/bin/time

die() {
	echo "bench/report.sh: $*" >&2
	exit 2
}

[ -x "$bin" ] || die "no shadowgate binary at $bin (meson setup build-bench2" \
	"--buildtype=release && ninja -C build-bench2, or set SG_BIN)"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 not found (apt-get install sqlite3)"
[ -x "$timebin" ] || die "$timebin not found (apt-get install time)"
command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON)"
case $repeat in '' | *[!0-9]* | 0) die "SG_BENCH_REPEAT must be a positive integer" ;; esac
[ $# -gt 0 ] || set -- 1000000
for n in "$@"; do
	case $n in '' | *[!0-9]* | 0) die "not a row count: $n" ;; esac
done

tmp=$(mktemp -d "${SG_BENCH_TMP:-${TMPDIR:-/tmp}}/sg-report-bench.XXXXXX")
if [ "${SG_BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "kept $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

now() { date +%s.%N; }
fail() {
	echo "bench/report.sh: failed: $*" >&2
	cat "$tmp/stderr" >&2 2>/dev/null || true
	exit 1
}

# run OUT CMD...: runs CMD under time(1), its output to $tmp/stdout;
# OUT gets "wall cpu maxrss_kb load"
run() {
	out=$1
	shift
	l0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
	t0=$(now)
	"$timebin" -f '%U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" \
		2>"$tmp/stderr" || fail "$*"
	t1=$(now)
	echo "$t0 $t1 $(tail -n 1 "$tmp/time") $l0" |
		awk '{ printf "%.3f %.2f %s %s\n", $2 - $1, $3 + $4, $5, $6 }' \
			>"$out"
}

query="SELECT d.label, p.label, count(*) FROM cases c
  JOIN decisions d ON d.case_ref = c.id AND d.is_current = 1
  JOIN predictions p ON p.case_ref = c.id AND p.is_current = 1
  GROUP BY 1, 2"

segments=""
for k in 1 2 3 4 5 6 7 8; do segments="$segments --segment s$k"; done
features=""
for k in 1 2 3 4 5 6 7 8; do features="$features --feature f$k"; done

echo "shadowgate report benchmark: $("$bin" --version 2>/dev/null | head -n 1)," \
	"$(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /')," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo "stores in $tmp; best of $repeat run(s)"
echo

results=$tmp/results
: >"$results"
for n in "$@"; do
	db=$tmp/store-$n.db
	echo "generating $n rows..." >&2
	"$python" "$here/gen_cases.py" "$n" "$tmp/log.csv" ||
		fail "gen_cases.py"
	echo "ingesting them..." >&2
	# shellcheck disable=SC2086 # $segments and $features are lists of words
	"$bin" ingest -q --db "$db" $segments $features "$tmp/log.csv" \
		>"$tmp/stdout" 2>"$tmp/stderr" || fail "shadowgate ingest"
	rm -f "$tmp/log.csv"
	# one file, no WAL, for both readers
	sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	got=$(sqlite3 "$db" 'SELECT count(*) FROM predictions WHERE is_current = 1')
	[ "$got" = "$n" ] || fail "$n rows gave $got logged predictions"
	store_mb=$(du -m "$db" | cut -f1)
	i=1
	while [ "$i" -le "$repeat" ]; do
		echo "run $i/$repeat: sqlite3, $n rows..." >&2
		run "$tmp/sqlite-$n-$i" sqlite3 "$db" "$query"
		cp "$tmp/stdout" "$tmp/sqlite-$n.out"
		echo "run $i/$repeat: shadowgate report, $n rows..." >&2
		run "$tmp/sg-$n-$i" "$bin" report --db "$db" --format json \
			--no-store --window-nights 0
		cp "$tmp/stdout" "$tmp/sg-$n.json"
		i=$((i + 1))
	done
	# the same n on both sides: the query's cells add up to the
	# report's agreement.n
	qn=$(awk -F'|' '{ s += $3 } END { print s + 0 }' "$tmp/sqlite-$n.out")
	rn=$(sqlite3 :memory: "SELECT json_extract(readfile('$tmp/sg-$n.json'),
		'\$.agreement.n')" 2>/dev/null || echo '?')
	if [ "$qn" = "$rn" ]; then
		check="both count $qn cases"
	else
		check="WARNING: sqlite3 counts $qn cases, the report $rn"
	fi
	bytes=$(wc -c <"$tmp/sg-$n.json")
	echo "$n $store_mb $bytes $check" >"$tmp/check-$n"
	for tool in sqlite sg; do
		cat "$tmp/$tool-$n"-* | awk -v n="$n" -v t="$tool" '
			NR == 1 || $1 < w { w = $1; c = $2 }
			$3 > m { m = $3 }
			{ l = l (NR > 1 ? "," : "") $4 }
			END { print n, t, w, c, m, l }' >>"$results"
	done
	[ "${SG_BENCH_KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
done

awk -v tmp="$tmp" '
{
	n = $1; tool = $2
	w[n, tool] = $3; c[n, tool] = $4; m[n, tool] = $5; l[n, tool] = $6
	if (!(n in seen)) { seen[n] = 1; order[++k] = n }
}
END {
	printf "%10s %-28s %9s %8s %9s  %s\n", "cases", "tool", "wall_s",
		"cpu_s", "peak_MB", "load before each run"
	for (i = 1; i <= k; i++) {
		n = order[i]
		printf "%10d %-28s %9.2f %8.2f %9.1f  %s\n", n,
			"sqlite3 GROUP BY query", w[n, "sqlite"], c[n, "sqlite"],
			m[n, "sqlite"] / 1024, l[n, "sqlite"]
		printf "%10d %-28s %9.2f %8.2f %9.1f  %s\n", n,
			"shadowgate report (json)", w[n, "sg"], c[n, "sg"],
			m[n, "sg"] / 1024, l[n, "sg"]
	}
	print ""
	for (i = 1; i <= k; i++) {
		n = order[i]
		f = tmp "/check-" n
		getline line < f
		split(line, a, " ")
		sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", line)
		base = w[n, "sqlite"]
		printf "%d cases (store %d MB, report %d bytes): shadowgate /" \
			" sqlite3 wall %.2f (target <= 1); shadowgate peak RSS" \
			" %.1f MB; %s\n", n, a[2], a[3],
			base ? w[n, "sg"] / base : 0, m[n, "sg"] / 1024, line
	}
}' "$results"
exit 0
