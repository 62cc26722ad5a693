#!/bin/sh
# Regenerates docs/demo-report.png, the README's picture of the demo's
# report.html: runs the demo's nightly in a temporary folder (the store and
# reports there, nothing in the tree changes but the picture) and has
# headless Chromium (scripts/deps.sh installs it) take the top of the page.
#   sh scripts/screenshot.sh [BIN]    BIN: a built shadowgate (default:
#                                     build it into build/)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ $# -ge 1 ]; then
	BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
	sh scripts/build.sh build >/dev/null
	BIN=$ROOT/build/shadowgate
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/a"
cp -r fixtures/demo "$WORK/a/demo"
# two earlier nights first, so that the page's trend of the stored nights
# has three points; the picture is of the latest night's page
for date in --date=2026-11-18 --date=2026-11-19 ""; do
	rc=0
	(cd "$WORK/a/demo" && "$BIN" nightly -q --config shadowgate.json $date >/dev/null) || rc=$?
	[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] || { echo "screenshot: the night did not run (exit $rc)" >&2; exit "$rc"; }
done
PAGE=$(ls "$WORK"/reports/*/report.html | tail -n 1)
mkdir -p docs
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--user-data-dir="$WORK/chromium" --window-size=1000,1500 \
	--screenshot="$ROOT/docs/demo-report.png" "file://$PAGE" >/dev/null 2>&1
echo "screenshot: docs/demo-report.png"
