#!/bin/sh
# End-to-end: hostile and faulty input. Nothing smuggled out of a field,
# nothing cut at a NUL, no column taken twice, and no markup let through
# into any output format.
. "$(dirname "$0")/lib.sh"
H="$FX/hostile"

# sql DB QUERY: prints the answer
sql() { sqlite3 "$1" "$2"; }

# -- an oversized quoted field hides the lines inside it --------------------
# Built here, not stored: a header, a genuine row, a row whose quoted field
# holds 3 MiB of lines that look like rows (98304 lines of 32 bytes), and
# the genuine row after the field's closing quote.
$PY - "$WORK/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("case_id,decided_at,decision,rater\n")
    f.write("g1,2026-11-20,reject,ann\n")
    f.write('g2,2026-11-20,"')
    line = "smuggled1,2026-11-20,approve,ma\n"
    assert len(line) == 32
    f.write(line * 98304)
    f.write('end of the field",ann\n')
    f.write("g3,2026-11-20,reject,ann\n")
PY
DB="$WORK/big.db"
expect_exit "a log with an oversized quoted field is ingested" 0 "$SG" ingest --db "$DB" --format json "$WORK/big.csv"
n=$(sql "$DB" "select count(*) from cases where case_id like 'smuggled%'")
[ "$n" = 0 ] && ok "no line inside the field is loaded as a case" || not_ok "no line inside the field is loaded as a case" "$n"
n=$(sql "$DB" "select group_concat(case_id, ' ') from (select case_id from cases order by case_id)")
[ "$n" = "g1 g3" ] && ok "the rows before and after the field are loaded" || not_ok "the rows before and after the field are loaded" "$n"
# the field's row starts on line 3; it is the only reject
n=$(sql "$DB" "select count(*) || ' ' || min(line) || ' ' || min(column_name) from rejects where reason like '%field longer than 65536 bytes'")
m=$(sql "$DB" "select count(*) from rejects")
[ "$n" = "1 3 decision" ] && [ "$m" = 1 ] && ok "the oversized field rejects its own row, at the line it starts on" || not_ok "the oversized field rejects its own row, at the line it starts on" "$n" "$m"
# g3 is on line 3 + 98304 + 1
n=$(sql "$DB" "select line from cases where case_id = 'g3'")
[ "$n" = 98308 ] && ok "the row after the field keeps its line number" || not_ok "the row after the field keeps its line number" "$n"

# -- NUL in JSON strings -----------------------------------------------------
DB="$WORK/nul.db"
expect_exit "JSON lines with NUL in a string are ingested" 0 "$SG" ingest --db "$DB" "$H/nul.jsonl"
n=$(sql "$DB" "select group_concat(case_id, ' ') from cases")
[ "$n" = "j4" ] && ok "no id is cut at a NUL" || not_ok "no id is cut at a NUL" "$n"
n=$(sql "$DB" "select count(*) from decisions")
[ "$n" = 1 ] && ok "no row is taken for a correction of another" || not_ok "no row is taken for a correction of another" "$n"
contains "an escaped NUL is rejected with line and byte" "$WORK/out" "nul.jsonl:1: escaped NUL (\\u0000) at byte 15"
contains "a raw NUL is rejected with line and byte" "$WORK/out" "nul.jsonl:3: NUL byte at byte 15"

# -- duplicate columns ---------------------------------------------------------
DB="$WORK/dup.db"
expect_exit "a header naming a mapped column twice is a usage error" 2 "$SG" ingest --db "$DB" "$H/dup_column.csv"
contains "the duplicate column is named" "$WORK/err" "column 'decision' appears twice in the header (fields 3 and 5)"
n=$(sql "$DB" "select count(*) from cases" 2>/dev/null || echo 0)
[ "$n" = 0 ] && ok "nothing is loaded from that log" || not_ok "nothing is loaded from that log" "$n"
expect_exit "a JSON line with a key twice is ingested" 0 "$SG" ingest --db "$DB" "$H/dup_key.jsonl"
contains "the line with a key twice is a rejected row" "$WORK/out" "dup_key.jsonl:2: key 'decision' appears twice"
n=$(sql "$DB" "select group_concat(case_id, ' ') from cases")
[ "$n" = "d1" ] && ok "only the line without a duplicate key is loaded" || not_ok "only the line without a duplicate key is loaded" "$n"

finish
