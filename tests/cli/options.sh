#!/bin/sh
# End-to-end: how the command line is read. Options go anywhere among the
# operands, as GNU tools take them; "--" ends them.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
DB="$WORK/o.db"
CSV="$FX/report/labels.csv"

# ---- options after file operands ----
expect_exit "ingest FILE -q: -q is an option" 0 "$SG" ingest --db "$DB" "$CSV" -q
[ ! -s "$WORK/out" ] && ok "ingest FILE -q is quiet" || not_ok "ingest FILE -q is quiet" "$(cat "$WORK/out")"
expect_exit "ingest FILE --format json --db DB: both options" 0 \
	"$SG" ingest "$CSV" --format json --db "$WORK/o2.db"
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and d["files"][0]["skipped"] is False, d' "$WORK/out" 2>"$WORK/py"; then
	ok "the JSON summary of a new store came out"
else
	not_ok "the JSON summary of a new store came out" "$(cat "$WORK/py")"
fi
expect_exit "with POSIXLY_CORRECT set too" 0 env POSIXLY_CORRECT=1 \
	"$SG" ingest --db "$DB" "$CSV" -q
[ ! -s "$WORK/out" ] && ok "and quiet" || not_ok "and quiet" "$(cat "$WORK/out")"
expect_exit "an unknown option after an operand is still a usage error" 2 \
	"$SG" ingest --db "$DB" "$CSV" --no-such-flag
contains "it is named" "$WORK/err" "unknown option '--no-such-flag'"

# ---- "--" ends the options: a file named -q ----
cp "$FX/ingest/basic.csv" "$WORK/-q"
expect_exit "ingest -- -q reads the file named -q" 0 "$SG" ingest --db "$DB" --format json -- -q
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["files"]; assert len(f) == 1 and f[0]["file"] == "-q" and f[0]["loaded"] > 0, d' "$WORK/out" 2>"$WORK/py"; then
	ok "the file -q was loaded"
else
	not_ok "the file -q was loaded" "$(cat "$WORK/py")"
fi
expect_exit "after --, --format is a file name too" 3 "$SG" ingest --db "$DB" -- --format
contains "the missing file is named" "$WORK/err" "--format: cannot open"

# ---- other commands ----
expect_exit "history with an option after a stray operand: the operand is refused" 2 \
	"$SG" history extra --db "$DB"
contains "the operand is named" "$WORK/err" "unexpected argument 'extra'"
expect_exit "report: options in any order" 0 "$SG" report --no-store --db "$DB" --format json -q
expect_exit "gate: options in any order" 0 "$SG" gate --no-store --format json --min-agreement 0.1 --db "$DB"

finish
