#!/bin/sh
# Fuzzes the input parsers with libFuzzer: scripts/fuzz.sh [SECONDS [NAME...]]
#
# Builds each harness of tests/fuzz/ (fuzz_NAME.c) with clang
# -fsanitize=fuzzer,address,undefined against the library sources (src/*.c
# but main.c, cli.c and cmd_*.c), seeds a corpus from fixtures/, and runs
# each harness for SECONDS (default 60) in one process (-jobs=1), with a
# hang over 10 s counted as a crash. Crash reproducers go to a temporary
# directory, printed at the end. Exits 1 when any harness crashed, 2 when
# the build failed.
#
# Environment: FUZZ_BUILD (build directory, default a temporary one, kept
# when given), FUZZ_OUT (where crashes and corpora go, default a temporary
# directory), FUZZ_MAX_LEN (largest input, default 16384), FUZZ_TMP
# (where the harnesses write their files, default /dev/shm when there is
# one: the ingest harness makes a store per input, and fsync on tmpfs
# costs nothing), CC (default clang).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
names=${*:-reader config ingest gate time}
cc=${CC:-clang}
max_len=${FUZZ_MAX_LEN:-16384}
fuzz_tmp=${FUZZ_TMP:-${TMPDIR:-/tmp}}
[ -z "${FUZZ_TMP:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && fuzz_tmp=/dev/shm

build=${FUZZ_BUILD:-}
if [ -z "$build" ]; then
	build=$(mktemp -d "${TMPDIR:-/tmp}/sg-fuzz-build.XXXXXX")
	trap 'rm -rf "$build"' EXIT
fi
mkdir -p "$build/obj"
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/sg-fuzz.XXXXXX")}
mkdir -p "$out"

cflags="-std=c11 -D_GNU_SOURCE -DSG_VERSION=\"fuzz\" -g -O1
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
	-I$root/include -I$build"
libs="-lsqlite3 -lcsv -lcjson -lz -lm -lxgboost"

# The generated header that meson would write.
printf '#pragma once\n#define SG_HAVE_XGBOOST 1\n' >"$build/sg_build.h"

# The library, instrumented for coverage (no main: the harness has one).
objs=
for src in src/*.c; do
	base=$(basename "$src" .c)
	case $base in main | cli | cmd_*) continue ;; esac
	obj="$build/obj/$base.o"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$cc $cflags -fsanitize=fuzzer-no-link,address,undefined \
			-c "$src" -o "$obj" || exit 2
	fi
	objs="$objs $obj"
done

# Seeds: the fixtures that look like each harness's input.
seed() {
	corpus=$1
	shift
	mkdir -p "$corpus"
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$corpus/" 2>/dev/null || true
	done
}

seed_all() {
	name=$1 corpus=$2
	case $name in
	reader | ingest)
		seed "$corpus" fixtures/ingest/* fixtures/reader/* \
			fixtures/compare/*.csv fixtures/report/*.csv \
			fixtures/monitor/*.csv
		;;
	config)
		seed "$corpus" fixtures/config/*.json fixtures/demo/shadowgate.json \
			fixtures/monitor/config.json
		;;
	gate)
		mkdir -p "$corpus"
		cat >"$corpus/report.json" <<'JSON'
{"cases": 1000, "confidence": 0.95,
 "agreement": {"rate": 0.88, "agree": 880, "n": 1000, "ci95": [0.8584, 0.8985]},
 "kappa": {"value": 0.76, "se": 0.02, "ci95": [0.72, 0.80]},
 "confusion": {"labels": ["approve", "reject"], "matrix": [[400, 100], [20, 480]]},
 "segments": {"region": {
   "north": {"n": 600, "agree": 552, "rate": 0.92, "ci95": [0.8964, 0.9389]},
   "tiny": {"n": 10, "agree": 8, "rate": 0.8, "ci95": [0.49, 0.94]}}},
 "counts": {"prediction_errors": 10, "with_prediction": 990},
 "software": {"p95_ms": 12.5},
 "human_baseline": {"items": 50, "pairwise_agreement": 0.9, "model_agreement": 0.87},
 "inputs": {"reference": {"since": "2026-11-01", "until": "2026-11-07", "cases": 700},
   "features": {"income": {"missing_rate": 0.02, "psi": 0.25},
     "score": {"missing_rate": 1, "psi": null}}},
 "outputs": {"label_shift": {"value": 0.08, "label": "approve"}}}
JSON
		printf '{"cases": 0}' >"$corpus/empty.json"
		;;
	time)
		mkdir -p "$corpus"
		i=0
		for s in 2026-11-20 2026-11-20T09:00:00Z 2026-11-20T09:00:00.125+01:00 \
			'2024-02-29 23:59:60-0530' 0000-01-01T00:00+14 \
			52000 73000.5 -1.5e-7 +0.91 1e22 123456789012345678901 NA; do
			printf '%s' "$s" >"$corpus/seed$i"
			i=$((i + 1))
		done
		;;
	esac
}

status=0
for name in $names; do
	harness=tests/fuzz/fuzz_$name.c
	if [ ! -f "$harness" ]; then
		echo "fuzz.sh: no harness $harness" >&2
		exit 2
	fi
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer,address,undefined "$harness" $objs \
		$libs -o "$build/fuzz_$name" || exit 2
	corpus=$out/corpus-$name
	seed_all "$name" "$corpus"
	mkdir -p "$out/crashes-$name"
	echo "fuzz.sh: $name for ${secs}s" >&2
	code=0
	(cd "$out" && TMPDIR=$fuzz_tmp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/fuzz_$name" -jobs=1 -workers=1 \
		-max_total_time="$secs" -timeout=10 -max_len="$max_len" \
		-artifact_prefix="$out/crashes-$name/" \
		"$corpus" >/dev/null 2>&1) || code=$?
	log=$out/fuzz-$name.log
	mv "$out/fuzz-0.log" "$log" 2>/dev/null || true
	grep -E '^#[0-9]+.*(DONE|pulse|NEW)' "$log" | tail -n 1 >&2 || true
	if [ "$code" -ne 0 ] || [ -n "$(ls -A "$out/crashes-$name")" ]; then
		echo "fuzz.sh: $name CRASHED (see $log):" >&2
		ls "$out/crashes-$name" >&2
		status=1
	fi
done
echo "fuzz.sh: crashes, corpora and logs in $out" >&2
exit $status
