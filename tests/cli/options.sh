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

# ---- a flag takes the range of its config key ----
# report.window_nights, report.reference_nights: [0, 2^53] in the file,
# and by flag too (the flags stopped at 100000)
expect_exit "--window-nights 200000 is in range, as in the file" 0 \
	"$SG" report --db "$DB" --window-nights 200000 --format json
expect_exit "--reference-nights 200000 is in range" 0 \
	"$SG" report --db "$DB" --reference-nights 200000 --format json
# gate.min_cases: the flag stopped at 10^12; 2*10^12 cases are more than
# the store has: insufficient evidence, exit 4
expect_exit "--min-cases 2000000000000 is in range" 4 \
	"$SG" gate --db "$DB" --min-cases 2000000000000 --format json
# 9007199254740992 = 2^53, the file's limit, is the flag's too
expect_exit "--min-cases above 2^53 is out of range" 2 \
	"$SG" gate --db "$DB" --min-cases 9007199254740993
contains "with the key's range" "$WORK/err" \
	"--min-cases: 9007199254740993 is out of range [0, 9007199254740992]"
# model.timeout_s: (0, inf) in the file; the flag took [0.001, 86400]
expect_exit "--model-timeout 100000 is in range (the missing store is the error)" 3 \
	"$SG" run --db "$WORK/none.db" --model-timeout 100000
expect_exit "--model-timeout 0 is out of range" 2 \
	"$SG" run --db "$WORK/none.db" --model-timeout 0
contains "the open bound is named" "$WORK/err" "--model-timeout: 0 is out of range (0, inf)"
# report.label_order: no label twice, by flag as in the file
expect_exit "--label-order a,a is refused" 2 \
	"$SG" report --db "$DB" --label-order a,a --format json
contains "the repeat is named" "$WORK/err" "--label-order: 'a' appears twice"
expect_exit "--incumbent @1 is refused where it is read" 2 \
	"$SG" gate --db "$DB" --min-agreement 0.1 --incumbent @1
contains "as the file's gate.incumbent is" "$WORK/err" "--incumbent: expected NAME@VERSION, found '@1'"

# ---- the set-up every command declares, in its order: the config file
# given, --format, no operands, the command's own checks, then the store ----
expect_exit "nightly without --config, before its operand" 2 "$SG" nightly extra
contains "the config is asked for first" "$WORK/err" "nightly needs --config FILE"
expect_exit "report: a bad --format before an operand" 2 "$SG" report extra --format xml --db "$WORK/none.db"
contains "the formats are named" "$WORK/err" "--format: expected one of text, json, markdown, csv, prometheus, html, found 'xml'"
expect_exit "sample: its own check before the missing store" 2 "$SG" sample --db "$WORK/none.db"
contains "the missing option is named" "$WORK/err" "--disagreements N is required"
expect_exit "history: the missing store, once the options are good" 3 "$SG" history --db "$WORK/none.db"
contains "the store is named" "$WORK/err" "no store at $WORK/none.db"
[ ! -e "$WORK/none.db" ] && ok "and no store was made" || not_ok "and no store was made"

finish
