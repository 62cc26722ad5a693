#!/bin/sh
# Builds shadowgate and runs the nightly shadow comparison on the shipped
# demo (fixtures/demo: seven nights of claims-triage decisions, an XGBoost
# model, the config). The store is ./shadowgate-demo.db, the reports go to
# ./reports/DATE/. Exits 0 when the night ran to a verdict (go, no-go or
# insufficient: the verdict is printed), 2 or 3 when it could not run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh build
rc=0
build/shadowgate nightly --config fixtures/demo/shadowgate.json "$@" || rc=$?
case $rc in
0) echo "demo: verdict go (shadowgate exits 0)" ;;
1) echo "demo: verdict no-go (shadowgate exits 1: the model is not ready)" ;;
4) echo "demo: verdict insufficient (shadowgate exits 4)" ;;
*) echo "demo: the night did not run (exit $rc)" >&2; exit "$rc" ;;
esac
night=$(ls -d reports/*/ 2>/dev/null | tail -n 1)
echo "demo: read the report with: cat $(pwd)/${night:-reports/*/}report.txt  (or report.md, report.json)"
if [ -f "${night}report.html" ]; then
	echo "demo: open the charts in a browser: file://$(pwd)/${night}report.html"
fi
