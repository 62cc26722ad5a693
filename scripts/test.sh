#!/bin/sh
# Builds shadowgate and runs every test: scripts/test.sh [BUILDDIR] [meson
# setup options...]. Ends with "N passed, N failed, N skipped", counting
# each test case (cmocka and end-to-end tests speak TAP), and exits 1 when
# any failed.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
rm -f "$dir/test-counts.txt"
sh scripts/build.sh "$@"
status=0
meson test -C "$dir" --print-errorlogs >"$dir/meson-test.out" 2>&1 || status=$?
tail -n 12 "$dir/meson-test.out" | grep -E '^(Ok|Fail|Skipped|Timeout|Expected|Unexpected)' >&2 || true
/usr/bin/python3 scripts/count_tests.py "$dir/meson-logs/testlog.json" >"$dir/test-counts.txt"
if grep -q 'not ok\|FAIL' "$dir/meson-test.out" || [ "$status" -ne 0 ]; then
	grep -E '^(not ok|.*FAIL|.*TIMEOUT)' "$dir/meson-test.out" | head -50 >&2 || true
fi
cat "$dir/test-counts.txt"
read -r passed _ failed _ <"$dir/test-counts.txt"
[ "$failed" = "0," ] || [ "$failed" = "0" ] || exit 1
[ "$status" -eq 0 ] || exit 1
[ "$passed" -gt 0 ] || exit 1
