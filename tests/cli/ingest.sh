#!/bin/sh
# End-to-end: init and ingest through the built binary.
. "$(dirname "$0")/lib.sh"
DB="$WORK/s.db"
MAP="--segment region --feature income --feature age"

expect_exit "--version exits 0" 0 "$SG" --version
contains "--version names the program" "$WORK/out" "shadowgate "
expect_exit "no command is a usage error" 2 "$SG"
expect_exit "unknown command is a usage error" 2 "$SG" frobnicate
expect_exit "--help exits 0" 0 "$SG" --help
contains "--help lists ingest" "$WORK/out" "ingest"
expect_exit "ingest --help exits 0" 0 "$SG" ingest --help
contains "ingest --help shows --max-rejects" "$WORK/out" "--max-rejects"
expect_exit "unknown option is a usage error" 2 "$SG" ingest --frobnicate x
contains "unknown option is named" "$WORK/err" "unknown option '--frobnicate'"
expect_exit "missing option value is a usage error" 2 "$SG" ingest --db

expect_exit "init creates the store" 0 "$SG" init --db "$DB"
contains "init says the schema version" "$WORK/out" "schema version 1"
expect_exit "SHADOWGATE_DB chooses the store" 0 env SHADOWGATE_DB="$WORK/env.db" "$SG" init
[ -f "$WORK/env.db" ] && ok "the store named by SHADOWGATE_DB exists" || not_ok "the store named by SHADOWGATE_DB exists"

expect_exit "ingest a CSV log" 0 "$SG" ingest --db "$DB" $MAP "$FX/ingest/basic.csv"
contains "summary counts loaded rows" "$WORK/out" "5 loaded"
expect_exit "ingest the same file again" 0 "$SG" ingest --db "$DB" $MAP "$FX/ingest/basic.csv"
contains "the second ingest changes nothing" "$WORK/out" "already ingested"
n=$(sqlite3 "$DB" "select count(*) from decisions")
[ "$n" = 5 ] && ok "no duplicate decisions" || not_ok "no duplicate decisions" "$n"

expect_exit "ingest from standard input as JSON summary" 0 sh -c "\"$SG\" ingest --db \"$DB\" $MAP --format json - <\"$FX/ingest/corrections.csv\""
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and d["corrections"]==2 and d["rejected"]==1, d' "$WORK/out" 2>"$WORK/py"; then
	ok "JSON summary counts corrections and rejects"
else
	not_ok "JSON summary counts corrections and rejects" "$(cat "$WORK/py")"
fi

expect_exit "bad rows are rejected, not fatal" 0 "$SG" ingest --db "$DB" $MAP "$FX/ingest/rejects.csv"
contains "a reject names file, line, column and value" "$WORK/out" "rejects.csv:3: column 'income': not a number: \"12,5k\""

DB2="$WORK/r.db"
expect_exit "--max-rejects exceeded exits 3" 3 "$SG" ingest --db "$DB2" $MAP --max-rejects 2 "$FX/ingest/rejects.csv"
contains "--max-rejects says nothing was loaded" "$WORK/err" "nothing was loaded"
n=$(sqlite3 "$DB2" "select count(*) from cases")
[ "$n" = 0 ] && ok "the rolled-back ingest left no cases" || not_ok "the rolled-back ingest left no cases" "$n"
expect_exit "--max-rejects as a percentage" 3 "$SG" ingest --db "$DB2" $MAP --max-rejects 50% "$FX/ingest/rejects.csv"
expect_exit "a bad --max-rejects is a usage error" 2 "$SG" ingest --db "$DB2" --max-rejects lots "$FX/ingest/rejects.csv"

expect_exit "a missing mapped column is a usage error" 2 "$SG" ingest --db "$DB2" --feature debt "$FX/ingest/basic.csv"
contains "the missing column is named" "$WORK/err" "'debt'"
expect_exit "an unreadable log exits 3" 3 "$SG" ingest --db "$DB2" "$WORK/nope.csv"
expect_exit "ingest with no files is a usage error" 2 "$SG" ingest --db "$DB2"

printf '{"log": {"segments": ["region"], "features": ["income", "age"]},\n "gate": {"min_agreemnt": 0.9}}\n' >"$WORK/bad.json"
expect_exit "a config with an unknown key exits 2" 2 "$SG" ingest --db "$DB2" --config "$WORK/bad.json" "$FX/ingest/basic.csv"
contains "the unknown key is named with its place" "$WORK/err" "bad.json:2:11: unknown key 'gate.min_agreemnt'"

printf '{"log": {"segments": ["region"], "features": ["income", "age"]}}\n' >"$WORK/good.json"
expect_exit "a config file maps the log" 0 "$SG" ingest --db "$DB2" --config "$WORK/good.json" "$FX/ingest/basic.csv.gz"
expect_exit "a flag wins over the config" 2 "$SG" ingest --db "$DB2" --config "$WORK/good.json" --feature debt "$FX/ingest/basic.csv"

# a store from a newer shadowgate is refused and left as it was
sqlite3 "$WORK/new.db" "create table x(a); pragma application_id = 1397244999; pragma user_version = 42;"
before=$(sha256sum "$WORK/new.db")
expect_exit "a newer store is refused with exit 3" 3 "$SG" ingest --db "$WORK/new.db" "$FX/ingest/basic.csv"
contains "the refusal says why" "$WORK/err" "newer shadowgate"
[ "$before" = "$(sha256sum "$WORK/new.db")" ] && ok "the newer store is untouched" || not_ok "the newer store is untouched"

finish
