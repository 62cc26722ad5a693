#!/bin/sh
# Fuzzes the input parsers with libFuzzer: scripts/fuzz.sh [SECONDS [NAME...]]
#
# Builds each harness of tests/fuzz/ (fuzz_NAME.c: reader, config,
# ingest, gate, time, exec_reply) with clang
# -fsanitize=fuzzer,address,undefined against the library sources (src/*.c
# but main.c, cli.c and cmd_*.c), seeds a corpus from tests/fuzz/seeds/NAME/
# and fixtures/, and runs each harness for SECONDS (default 60) in one
# process (-jobs=1), with a hang over 10 s counted as a crash. Crash
# reproducers go to a temporary directory, printed at the end with each
# harness's executions per second. Exits 1 when any harness crashed, 2
# when the build failed; FUZZ_OUT/fuzz-counts.txt says "N passed, N failed,
# 0 skipped", one a harness.
#
# CI (.ci/run) runs every harness for 20 s. The longer run, before a
# release or after a change to a parser, is an hour each:
#
#     FUZZ_OUT=fuzz-out scripts/fuzz.sh 3600
#
# (FUZZ_OUT keeps the corpora, so a later run starts where this one
# stopped); a crash's reproducer replays with
# `FUZZ_BUILD/fuzz_NAME crashes-NAME/crash-...`, and a new seed that
# matters goes to tests/fuzz/seeds/NAME/.
#
# Environment: FUZZ_BUILD (build directory, default a temporary one, kept
# when given), FUZZ_OUT (where crashes and corpora go, default a temporary
# directory), FUZZ_MAX_LEN (largest input, default 16384), FUZZ_TMP
# (the harnesses' TMPDIR, default /dev/shm when there is one), CC (default
# clang; scripts/deps.sh installs it with its libFuzzer runtime).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
names=${*:-reader config ingest gate time exec_reply}
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
# absolute: each harness runs from inside $out
build=$(cd "$build" && pwd)
out=$(cd "$out" && pwd)

cflags="-std=c11 -D_GNU_SOURCE -DSG_VERSION=\"fuzz\" -g -O1
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
	-I$root/include -I$build"
libs="-lsqlite3 -lcsv -lcjson -lz -lm -lxgboost"

# The generated header that meson would write.
printf '#pragma once\n#define SG_HAVE_XGBOOST 1\n' >"$build/sg_build.h"

# The library, instrumented for coverage (no main: the harness has one).
# An object older than its source or than any header is built again (a
# kept FUZZ_BUILD must not link objects of an older struct layout).
newest_h=$(ls -t include/sg/*.h src/*.h | head -n 1)
objs=
for src in src/*.c; do
	base=$(basename "$src" .c)
	case $base in main | cli | cmd_*) continue ;; esac
	obj="$build/obj/$base.o"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$cc $cflags -fsanitize=fuzzer-no-link,address,undefined \
			-c "$src" -o "$obj" || exit 2
	fi
	objs="$objs $obj"
done

# Seeds: tests/fuzz/seeds/NAME/ (the reader's serve the ingest too), and
# the fixtures that look like each harness's input.
seed() {
	corpus=$1
	shift
	mkdir -p "$corpus"
	for f in "$@"; do
		if [ -f "$f" ]; then cp "$f" "$corpus/"; fi
	done
}

seed_all() {
	name=$1 corpus=$2
	case $name in
	reader | ingest)
		seed "$corpus" tests/fuzz/seeds/reader/* fixtures/ingest/* \
			fixtures/reader/* fixtures/hostile/* \
			fixtures/compare/*.csv fixtures/report/*.csv \
			fixtures/monitor/*.csv
		;;
	config)
		seed "$corpus" tests/fuzz/seeds/config/* fixtures/config/*.json \
			fixtures/demo/shadowgate.json fixtures/monitor/config.json
		;;
	*)
		seed "$corpus" tests/fuzz/seeds/"$name"/*
		;;
	esac
}

status=0 passed=0 failed=0
summary=
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
	# "Done 31337 runs in 20 second(s)": the rate over the whole run
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log" | tail -n 1)
	set -- $runs
	if [ $# -eq 2 ] && [ "$2" -gt 0 ]; then
		rate="$1 runs in $2 s, $(($1 / $2)) exec/s"
	else
		rate="no run count in $log"
	fi
	if [ "$code" -ne 0 ] || [ -n "$(ls -A "$out/crashes-$name")" ]; then
		echo "fuzz.sh: $name CRASHED (see $log):" >&2
		ls "$out/crashes-$name" >&2
		status=1
		failed=$((failed + 1))
		summary="$summary
  $name: CRASHED; $rate"
	else
		passed=$((passed + 1))
		summary="$summary
  $name: ok; $rate"
	fi
done
echo "fuzz.sh: crashes, corpora and logs in $out$summary" >&2
# the same shape as scripts/test.sh's count, for .ci/run
echo "$passed passed, $failed failed, 0 skipped" >"$out/fuzz-counts.txt"
exit $status
