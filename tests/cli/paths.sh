#!/bin/sh
# End-to-end: relative paths in a config file are relative to that file's
# folder, whatever the working directory (cron starts anywhere); paths
# given as flags are relative to the working directory.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FX/.." && pwd)

# empty NAME DIR: DIR has nothing in it
empty() {
	if [ -z "$(ls -A "$2")" ]; then ok "$1"; else not_ok "$1" "$(ls -A "$2")"; fi
}
# exists NAME FILE
exists() {
	if [ -e "$2" ]; then ok "$1"; else not_ok "$1" "no $2"; fi
}

# ---- the shipped demo config, in a copy of the repository's layout ----
REPO="$WORK/repo"
mkdir -p "$REPO/fixtures/demo" "$WORK/cwd"
cp -R "$ROOT/fixtures/demo/logs" "$ROOT/fixtures/demo/model.json" \
	"$ROOT/fixtures/demo/shadowgate.json" "$REPO/fixtures/demo/"
cd "$WORK/cwd" || exit 1
expect_exit "the demo from another folder: its verdict, no-go (1)" 1 \
	"$SG" nightly --config "$REPO/fixtures/demo/shadowgate.json"
contains "the seven logs are found from there" "$WORK/out" "7 files: 7 new"
contains "the model is found from there" "$WORK/out" "4006 cases scored"
empty "nothing is written in the working directory" "$WORK/cwd"
exists "the store is where the config says" "$REPO/shadowgate-demo.db"
exists "the reports are where the config says" "$REPO/reports/2026-11-20/gate.xml"
cd "$REPO/fixtures" || exit 1
expect_exit "a relative --config from a third folder: the same night" 1 \
	"$SG" nightly --config demo/shadowgate.json
contains "the same store: nothing new" "$WORK/out" "7 already ingested"
[ ! -e "$REPO/fixtures/shadowgate-demo.db" ] && [ ! -e "$REPO/fixtures/reports" ] &&
	ok "nothing is written in that folder either" ||
	not_ok "nothing is written in that folder either" "$(ls -A "$REPO/fixtures")"

# ---- every path key: store, log.glob, a model.command program with a
# slash, report.dir, report.prometheus_path, model.predictions ----
D="$WORK/deploy"
mkdir -p "$D/incoming" "$D/bin" "$D/metrics" "$WORK/cwd2"
cp "$FX/runner/cases.csv" "$D/incoming/cases.csv"
cp "$FX/exec/model.py" "$D/bin/model.py"
cp "$FX/runner/predictions.csv" "$D/preds.csv"
cat >"$D/shadowgate.json" <<'JSON'
{"store": "shadow.db",
 "log": {"glob": "incoming/*.csv", "features": ["x1", "x2"]},
 "model": {"name": "sum", "version": "1", "backend": "exec",
           "command": ["bin/model.py"]},
 "report": {"dir": "out", "formats": ["json"],
            "prometheus_path": "metrics/sg.prom"},
 "gate": {"min_cases": 1}}
JSON
cd "$WORK/cwd" || exit 1
expect_exit "an exec deployment from another folder: go (0)" 0 \
	"$SG" nightly --config "$D/shadowgate.json"
contains "its logs are found" "$WORK/out" "1 files: 1 new"
contains "its program is found and scores" "$WORK/out" "cases scored, 0 errors"
empty "the working directory is still empty" "$WORK/cwd"
exists "store: in the config's folder" "$D/shadow.db"
# (fixtures/runner/cases.csv: nights 2026-11-10 to 2026-11-14)
exists "report.dir: in the config's folder" "$D/out/2026-11-14/gate.json"
exists "report.prometheus_path: in the config's folder" "$D/metrics/sg.prom"
printf '{"store": "shadow.db", "model": {"name": "logged", "version": "1",\n "backend": "logged", "predictions": "preds.csv"}}\n' >"$D/logged.json"
expect_exit "model.predictions: in the config's folder" 0 \
	"$SG" run --config "$D/logged.json" --format json
# (fixtures/runner/predictions.csv: k1 and k2 match, "nope" does not)
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["scored"] == 2 and d["unmatched_predictions"] == 1, d' "$WORK/out" 2>"$WORK/py"; then
	ok "the predictions are read and joined: 2 scored, 1 unmatched"
else
	not_ok "the predictions are read and joined: 2 scored, 1 unmatched" "$(cat "$WORK/py")"
fi
empty "run wrote nothing in the working directory" "$WORK/cwd"

# ---- flags are relative to the working directory ----
cd "$WORK/cwd2" || exit 1
expect_exit "--db and --out-dir from the working directory" 0 \
	"$SG" nightly --config "$D/shadowgate.json" --db here.db --out-dir here
exists "--db is in the working directory" "$WORK/cwd2/here.db"
exists "--out-dir is in the working directory" "$WORK/cwd2/here/2026-11-14/gate.json"
expect_exit "--model-predictions is in the working directory" 3 \
	"$SG" run --config "$D/logged.json" --model-predictions preds.csv
contains "the flag's path is named as given" "$WORK/err" "preds.csv"
if grep -qF "$D/preds.csv" "$WORK/err"; then
	not_ok "the flag's path is not joined to the config's folder" "$(cat "$WORK/err")"
else
	ok "the flag's path is not joined to the config's folder"
fi

finish
