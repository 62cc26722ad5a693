#!/bin/sh
# End-to-end: only init, ingest and nightly create a store. Every other
# command on a path with no store exits 3 with "no store at PATH" and
# creates nothing (no store, no -wal, no lock file), so a wrong store path
# in CI is an error, never an empty store that reads as "insufficient".
. "$(dirname "$0")/lib.sh"
E="$WORK/empty"
mkdir -p "$E"
cd "$E" || exit 1
unset SHADOWGATE_DB

# refused NAME PATH COMMAND...: exit 3, the message names PATH, $E stays empty
refused() {
	name=$1; path=$2; shift 2
	expect_exit "$name: exit 3" 3 "$@"
	contains "$name: says no store at $path" "$WORK/err" "no store at $path"
	if [ -z "$(ls -A "$E")" ]; then ok "$name: creates nothing"; else
		not_ok "$name: creates nothing" "$(ls -A "$E")"
	fi
}

refused "gate" shadowgate.db "$SG" gate --min-agreement 0.5
refused "gate --no-store" shadowgate.db "$SG" gate --min-agreement 0.5 --no-store
refused "report" shadowgate.db "$SG" report
refused "history" shadowgate.db "$SG" history
refused "run" shadowgate.db "$SG" run --model-name m --model-version 1 \
	--model-backend logged
refused "sample" shadowgate.db "$SG" sample --disagreements 3
refused "gate --db in a folder" sub/x.db "$SG" gate --db sub/x.db --min-agreement 0.5
refused "history with SHADOWGATE_DB" env.db env SHADOWGATE_DB=env.db "$SG" history
printf '{"store": "cfg.db"}\n' >"$WORK/store.json"
refused "report with the config's store" "$WORK/cfg.db" "$SG" report --config "$WORK/store.json"

# gate --report judges a file; the verdict goes into the store unless
# --no-store: with no store that is refused too
"$SG" ingest -q --db "$WORK/full.db" "$FX/report/labels.csv"
"$SG" report -q --db "$WORK/full.db" --format json --no-store --output "$WORK/r.json"
refused "gate --report into a missing store" shadowgate.db \
	"$SG" gate --report "$WORK/r.json" --min-agreement 0.1
expect_exit "gate --report --no-store needs no store" 0 \
	"$SG" gate --report "$WORK/r.json" --min-agreement 0.1 --no-store
[ -z "$(ls -A "$E")" ] && ok "and creates none" || not_ok "and creates none" "$(ls -A "$E")"

# an empty file is not a store: left as it is, no -wal, no lock
: >"$E/empty.db"
expect_exit "gate on an empty file: exit 3" 3 "$SG" gate --db empty.db --min-agreement 0.5
contains "gate on an empty file: says no store" "$WORK/err" "no store at empty.db"
if [ "$(ls -A "$E")" = "empty.db" ] && [ ! -s "$E/empty.db" ]; then ok "the empty file is left alone"; else
	not_ok "the empty file is left alone" "$(ls -lA "$E")"
fi
rm -f "$E/empty.db"

# the three that create
expect_exit "init creates a store" 0 "$SG" init --db init.db
[ -s init.db ] && ok "init.db is there" || not_ok "init.db is there"
expect_exit "ingest creates a store" 0 "$SG" ingest -q --db ingest.db "$FX/report/labels.csv"
[ -s ingest.db ] && ok "ingest.db is there" || not_ok "ingest.db is there"
printf '{"store": "night.db", "log": {"glob": "%s"}, "gate": {"min_cases": 1}}\n' \
	"$FX/report/labels.csv" >"$E/night.json"
expect_exit "nightly creates a store" 0 "$SG" nightly -q --config night.json --out-dir out
[ -s night.db ] && ok "night.db is there" || not_ok "night.db is there"
# and the others read an existing one
expect_exit "history reads the store ingest made" 0 "$SG" history --db ingest.db
expect_exit "report reads it" 0 "$SG" report --db ingest.db --no-store

finish
