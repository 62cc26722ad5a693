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
contains "init says the schema version" "$WORK/out" "schema version 5"
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

# a corrections export: case id, a new decision and its time, nothing else
DB3="$WORK/corr.db"
expect_exit "a log to correct" 0 "$SG" ingest --db "$DB3" $MAP "$FX/ingest/basic.csv"
expect_exit "a corrections export of known cases loads" 0 "$SG" ingest --db "$DB3" --format json --decided-at corrected_at "$FX/ingest/corrections_export.csv"
# c1 by ann again: a correction; c2 by sup: a second rating; no conflict
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and d["corrections"]==1 and d["loaded"]==1 and d["rejected"]==0, d' "$WORK/out" 2>"$WORK/py"; then
	ok "columns the export lacks never conflict: a correction and a rating"
else
	not_ok "columns the export lacks never conflict: a correction and a rating" "$(cat "$WORK/py")"
fi
n=$(sqlite3 "$DB3" "select d.label from decisions d join cases c on c.id = d.case_ref where c.case_id = 'c1' and d.is_current")
[ "$n" = reject ] && ok "the correction is the current decision" || not_ok "the correction is the current decision" "$n"
n=$(sqlite3 "$DB3" "select g.segments from cases c join segment_sets g on g.id = c.segment_set where c.case_id = 'c2'")
[ "$n" = '{"region":"south"}' ] && ok "the corrected case keeps its segments" || not_ok "the corrected case keeps its segments" "$n"
# with the full mapping, --decisions-only reads just id, decision, rater, time
expect_exit "--decisions-only with a mapping the export lacks" 0 "$SG" ingest --db "$DB3" $MAP --decided-at corrected_at --decisions-only "$FX/ingest/corrections_unknown.csv"
contains "a case the store does not know is rejected" "$WORK/out" "corrections_unknown.csv:3: column 'case_id': unknown case 'c9'"
contains "the known case is corrected" "$WORK/out" "1 corrections"
n=$(sqlite3 "$DB3" "select count(*) from cases where case_id = 'c9'")
[ "$n" = 0 ] && ok "no case is made from a decisions-only log" || not_ok "no case is made from a decisions-only log" "$n"
printf '{"log": {"decided_at": "corrected_at", "decisions_only": true, "segments": ["region"]}}\n' >"$WORK/corr.json"
expect_exit "log.decisions_only in the config" 0 "$SG" ingest --db "$DB3" --config "$WORK/corr.json" --format json "$FX/ingest/corrections_export.csv"

# a file whose every row is rejected is a failure, and changes nothing
before=$(sqlite3 "$DB3" "select count(*) from rejects")
expect_exit "every row rejected exits 3" 3 "$SG" ingest --db "$DB3" "$FX/ingest/all_rejected.csv"
contains "it says every row was rejected" "$WORK/err" "all_rejected.csv: every row was rejected (2 of 2)"
contains "it lists the rejects" "$WORK/out" "all_rejected.csv:2: column 'decision': missing decision"
[ "$before" = "$(sqlite3 "$DB3" "select count(*) from rejects")" ] && ok "nothing of it is stored" || not_ok "nothing of it is stored"
# after a good file in the same ingest, the counts say nothing was loaded
expect_exit "a good file and a wholly rejected one exit 3" 3 "$SG" ingest --db "$WORK/roll.db" \
	--format json "$FX/ingest/basic.csv" "$FX/ingest/all_rejected.csv"
if $PY - "$WORK/out" >"$WORK/py" 2>&1 <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False, d["ok"]
assert d["loaded"] == 0 and d["predictions"] == 0 and d["corrections"] == 0, d
assert [f["loaded"] for f in d["files"]] == [0, 0], d["files"]
assert d["rejected"] == 2, d["rejected"]
EOF2
then ok "the rolled-back ingest's JSON counts 0 loaded, in each file too"
else not_ok "the rolled-back ingest's JSON counts 0 loaded, in each file too" "$(cat "$WORK/py")"; fi
expect_exit "quiet, it still fails" 3 "$SG" ingest -q --db "$WORK/roll.db" \
	"$FX/ingest/basic.csv" "$FX/ingest/all_rejected.csv"
if grep -qF "ingested " "$WORK/out"; then not_ok "quiet: no summary" "$(cat "$WORK/out")"; else ok "quiet: no summary"; fi
contains "quiet: the rejected rows that failed it" "$WORK/out" "all_rejected.csv:2: column 'decision': missing decision"

# a log without a time column: said once
expect_exit "a log without times loads" 0 "$SG" ingest --db "$DB3" "$FX/ingest/no_time.csv"
contains "ingest says it has no time column" "$WORK/err" "no_time.csv has no time column ('decided_at')"
n=$(grep -c "no time column" "$WORK/err")
[ "$n" = 1 ] && ok "and says it once" || not_ok "and says it once" "$n"

# the decision type is the store's
DB4="$WORK/type.db"
expect_exit "a log of labels" 0 "$SG" ingest --db "$DB4" "$FX/ingest/basic.csv"
expect_exit "--decision-type numeric into a store of labels is refused" 2 "$SG" ingest --db "$DB4" --decision-type numeric "$FX/ingest/numeric.csv"
contains "the refusal names the store's type" "$WORK/err" "contradicts the store, whose decisions are labels"
DB5="$WORK/type2.db"
expect_exit "a log of numbers" 0 "$SG" ingest --db "$DB5" --decision-type numeric "$FX/ingest/numeric.csv"
printf 'case_id,decision\nq1,3.5\n' >"$WORK/more.csv"
expect_exit "the next log of that store is read as numbers without the flag" 0 "$SG" ingest --db "$DB5" "$WORK/more.csv"
contains "one row is one row" "$WORK/out" "ingested 1 row: 1 loaded"
n=$(sqlite3 "$DB5" "select d.value from decisions d join cases c on c.id = d.case_ref where c.case_id = 'q1' and d.label is null")
[ "$n" = 3.5 ] && ok "it is stored as a number" || not_ok "it is stored as a number" "$n"

# -0 and 0 are one number: a case logged with each has the same features
printf 'case_id,decision,f\nz1,a,-0\nz2,a,-0.0\n' >"$WORK/m0.csv"
printf 'case_id,decision,f\nz1,a,0\nz2,a,0.00\n' >"$WORK/p0.csv"
expect_exit "features of -0" 0 "$SG" ingest --db "$WORK/zero.db" --feature f "$WORK/m0.csv"
expect_exit "the same cases with 0" 0 "$SG" ingest --db "$WORK/zero.db" --feature f "$WORK/p0.csv"
contains "are duplicates, not conflicts" "$WORK/out" "0 loaded, 0 corrections, 2 duplicates, 0 rejected"

# a logged score must be a probability: a percentage is rejected, naming
# the file, line and column, and the other rows load
printf 'case_id,decision,model_decision,model_score\ns1,a,a,0.9\ns2,a,b,87.5\ns3,b,b,1\n' >"$WORK/pct.csv"
expect_exit "a log with a percentage as a score" 0 "$SG" ingest --db "$WORK/pct.db" --model-name m --model-version 1 "$WORK/pct.csv"
contains "the reject says the score is not in [0, 1]" "$WORK/out" "pct.csv:3: column 'model_score': not a score (a number in [0, 1]): \"87.5\""
n=$(sqlite3 "$WORK/pct.db" "select count(*) from predictions")
[ "$n" = 2 ] && ok "the two good rows' predictions are stored" || not_ok "the two good rows' predictions are stored" "$n"

finish
