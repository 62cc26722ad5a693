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

# -- hostile labels, segment values and model name in every output format --
# fixtures/hostile/labels.csv: labels <script>alert(1)</script>,
# <img src=x onerror=alert(1)> and a|b `c`; segment values with markup,
# pipes, backticks, a line end, an escape sequence (ESC [31m) and a
# right-to-left override (U+202E). The model's name has markup, a line end,
# a heading and U+202E; its version an escape sequence (ESC [2J).
DB="$WORK/hostile.db"
OUT="$WORK/hostile-out"
$PY - "$H/labels.csv" "$WORK/hostile.json" <<'PY'
import json, sys
json.dump({
    "log": {"glob": sys.argv[1], "segments": ["region"]},
    "model": {"name": "evil<b>|`x`\n# heading\u202e", "version": "v1\u001b[2J",
              "backend": "logged"},
    "report": {"formats": ["json", "markdown", "text", "csv", "prometheus"]},
    "gate": {"min_agreement": 0.5, "min_cases": 10, "min_segment_cases": 5,
             "min_segment_agreement": 0.9}}, open(sys.argv[2], "w"))
PY
expect_exit "nightly on hostile values says no-go" 1 "$SG" nightly --config "$WORK/hostile.json" --db "$DB" --out-dir "$OUT"
cp "$WORK/out" "$WORK/nightly.out"
N="$OUT/2026-11-20"
MODEL='evil<b>|`x`
# heading'"$(printf '\342\200\256')@v1$(printf '\033')[2J"
expect_exit "gate --format text" 1 "$SG" gate --config "$WORK/hostile.json" --db "$DB" --format text
cp "$WORK/out" "$WORK/gate.txt"
expect_exit "report --format text" 0 "$SG" report --config "$WORK/hostile.json" --db "$DB" --no-store --format text --output "$WORK/report.txt"

# clean NAME FILE: no raw escape, C1 control or bidirectional control
clean() {
	if $PY - "$2" <<'PY' 2>"$WORK/py"; then ok "$1"; else not_ok "$1" "$(cat "$WORK/py")"; fi
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t)
assert not bad, "raw control characters: %r" % sorted(set(bad))
PY
}

# markdown NAME FILE: no raw markup from the values, a heading on one line,
# and as many cell separators on each table row as on its header row
markdown() {
	if $PY - "$2" <<'PY' 2>"$WORK/py"; then ok "$1"; else not_ok "$1" "$(cat "$WORK/py")"; fi
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
u = t.replace("\\\\", "")  # escaped backslashes out of the way
for raw in (r"<script", r"<img", r"<b\\?>", r"\*\*bold", r"`x", r"`c", r"a\|b"):
    m = re.search(r"(?<!\\)" + raw, u)
    assert not m, "raw %r in %r" % (raw, u[max(0, m.start() - 20):m.end() + 20])
lines = t.split("\n")
assert lines[0].startswith("### shadowgate") and "heading" in lines[0], lines[0]
assert lines[1] == "", "the heading was broken: %r" % lines[1]
assert not any(l.startswith("# heading") for l in lines)
cells = None
for l in lines:
    if not l.startswith("|"):
        cells = None
        continue
    n = len(re.findall(r"(?<!\\)\|", l.replace("\\\\", "")))
    if cells is None:
        cells = n
    assert n == cells, "row with %d separators, header %d: %r" % (n, cells, l)
PY
}

clean "gate.md has no raw control characters" "$N/gate.md"
markdown "gate.md escapes labels, segment values and the model name" "$N/gate.md"
contains "gate.md shows the segment value escaped" "$N/gate.md" 'region=\<b\>x\</b\>'
contains "gate.md shows the model name escaped" "$N/gate.md" 'for evil\<b\>\|\`x\` \# heading'
clean "report.md has no raw control characters" "$N/report.md"
markdown "report.md escapes labels, segment values and the model name" "$N/report.md"
contains "report.md shows a label escaped" "$N/report.md" '\<script\>alert(1)\</script\>'
clean "report.txt has no raw control characters" "$N/report.txt"
clean "report --format text has no raw control characters" "$WORK/report.txt"
contains "report --format text shows the escape as ?" "$WORK/report.txt" 'esc?[31mred'
clean "gate --format text has no raw control characters" "$WORK/gate.txt"
contains "gate --format text shows the right-to-left override as ?" "$WORK/gate.txt" 'region=rtl?evil'
clean "nightly's summary has no raw control characters" "$WORK/nightly.out"

if $PY - "$N/report.json" "$N/gate.json" "$MODEL" <<'PY' 2>"$WORK/py"; then ok "JSON keeps every value exactly, escaped"; else not_ok "JSON keeps every value exactly, escaped" "$(cat "$WORK/py")"; fi
import json, sys
r = json.load(open(sys.argv[1]))
g = json.load(open(sys.argv[2]))
raw = open(sys.argv[1], encoding="utf-8").read() + open(sys.argv[2], encoding="utf-8").read()
assert "\x1b" not in raw, "raw ESC in JSON"
assert set(r["labels"]) == {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a|b `c`"}, r["labels"]
assert set(r["segments"]["region"]) == {"**bold** | `x`", "line\nbreak", "esc\x1b[31mred", "rtl\u202eevil", "<b>x</b>"}, list(r["segments"]["region"])
assert g["model"] == sys.argv[3], (g["model"], sys.argv[3])
PY

if $PY - "$N/report.csv" <<'PY' 2>"$WORK/py"; then ok "CSV keeps every value in its field"; else not_ok "CSV keeps every value in its field" "$(cat "$WORK/py")"; fi
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
width = len(rows[0])
assert all(len(x) == width for x in rows), "ragged rows"
cells = {c for x in rows for c in x}
for v in ("line\nbreak", "esc\x1b[31mred", "**bold** | `x`", "<script>alert(1)</script>"):
    assert any(v in c for c in cells), "missing %r" % v
PY

if $PY - "$N/report.prom" <<'PY' 2>"$WORK/py"; then ok "Prometheus lines are all well formed"; else not_ok "Prometheus lines are all well formed" "$(cat "$WORK/py")"; fi
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:\\[\\"n]|[^"\\\n])*"'
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{%s(,%s)*\})? \S+$' % (label, label))
for l in t.split("\n"):
    if l and not l.startswith("#"):
        assert sample.match(l), "bad line %r" % l
assert 'model="evil<b>|`x`\\n# heading' in t, "line end not escaped"
PY

if $PY - "$N/gate.xml" <<'PY' 2>"$WORK/py"; then ok "JUnit escapes markup and control characters"; else not_ok "JUnit escapes markup and control characters" "$(cat "$WORK/py")"; fi
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
for raw in ("<script", "<img", "<b>", "\x1b"):
    assert raw not in t, "raw %r" % raw
assert "region=&lt;b&gt;x&lt;/b&gt;" in t
PY

finish
