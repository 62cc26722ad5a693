#!/bin/sh
# End-to-end: the review loop on a log shaped like production's (UUID-like
# case ids, three nights, segments and features): export a batch, import
# verdicts from a spreadsheet's CSV (byte-order mark, CRLF, quoted notes,
# a case never drawn), a JSON Lines file and Label Studio's export (two
# reviewers disagreeing, a third settling one case), the same file twice,
# then the review block. Its numbers are worked by hand below.
. "$(dirname "$0")/lib.sh"
RX="$FX/review"
DB="$WORK/review.db"
MAP="--segment region --feature income --feature age --model-name triage --model-version 2026-11-20"

jcheck() {
	name=$1
	file=$2
	shift 2
	if $PY - "$file" "$@" >"$WORK/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for e in sys.argv[2:]:
    if not eval(e):
        print("failed:", e)
        sys.exit(1)
EOF
	then ok "$name"; else not_ok "$name" "$(cat "$WORK/py")"; fi
}

expect_exit "review --help exits 0" 0 "$SG" review --help
contains "review --help shows --disagreements" "$WORK/out" "--disagreements"
expect_exit "ingest the log" 0 "$SG" ingest --db "$DB" $MAP "$RX/decisions.csv"

# ---- usage errors ----
expect_exit "review without an action is a usage error" 2 "$SG" review --db "$DB"
contains "and says what it expects" "$WORK/err" "expected an action: export, import, status or export-labels"
expect_exit "review export needs --disagreements" 2 "$SG" review export --db "$DB"
expect_exit "--reviewer belongs to import" 2 "$SG" review export --db "$DB" \
	--disagreements 2 --reviewer x
expect_exit "an unknown export format is refused" 2 "$SG" review export \
	--db "$DB" --disagreements 2 --format markdown
expect_exit "review import needs a file" 2 "$SG" review import --db "$DB"
expect_exit "a missing verdicts file is a data error" 3 "$SG" review import \
	--db "$DB" "$WORK/none.csv"

# ---- export ----
# Cells: approve -> reject 6, reject -> approve 4 (10 disagreements),
# approve -> approve 3, reject -> reject 3. N = 10, M = 6: every case.
expect_exit "export every case of the window" 0 "$SG" review export --db "$DB" \
	--disagreements 10 --agreements 6 --seed 7 --window-nights 0 \
	--output "$WORK/queue.csv"
contains "export says what it drew" "$WORK/err" \
	"review batch 1: 10 of 10 disagreements and 6 of 6 agreements over 4 strata"
if $PY - "$WORK/queue.csv" "$RX/decisions.csv" >"$WORK/py" 2>&1 <<'EOF'
import csv, sys
q = list(csv.DictReader(open(sys.argv[1], newline="")))
log = {r["case_id"]: r for r in csv.DictReader(open(sys.argv[2], newline=""))}
assert list(q[0]) == ["batch", "case_id", "night", "region", "income", "age",
                      "a", "b", "verdict", "reviewer", "note"], list(q[0])
assert len(q) == 16 and {r["case_id"] for r in q} == set(log)
for r in q:
    l = log[r["case_id"]]
    assert r["batch"] == "1"
    assert r["night"] == l["decided_at"][:10]
    assert r["region"] == l["region"] and float(r["income"]) == float(l["income"])
    assert sorted([r["a"], r["b"]]) == sorted([l["decision"], l["model_decision"]])
    assert r["verdict"] == r["reviewer"] == r["note"] == ""
# blind: the model's decision is not always in the same column
dis = [r for r in q if r["a"] != r["b"]]
assert 0 < sum(r["a"] == log[r["case_id"]]["model_decision"] for r in dis) < len(dis)
EOF
then ok "the queue holds every case, blind, with its night, segments and features"
else not_ok "the queue holds every case, blind, with its night, segments and features" "$(cat "$WORK/py")"; fi

# the same seed on another store with the same log: the same queue
DB2="$WORK/again.db"
"$SG" ingest --db "$DB2" $MAP "$RX/decisions.csv" >/dev/null 2>&1
expect_exit "export again elsewhere" 0 "$SG" review export --db "$DB2" \
	--disagreements 10 --agreements 6 --seed 7 --window-nights 0 \
	--output "$WORK/queue2.csv"
if cmp -s "$WORK/queue.csv" "$WORK/queue2.csv"; then
	ok "the same seed draws the same batch, a and b in the same order"
else
	not_ok "the same seed draws the same batch, a and b in the same order" \
		"$(diff "$WORK/queue.csv" "$WORK/queue2.csv" | head -20)"
fi
expect_exit "another seed" 0 "$SG" review export --db "$DB2" \
	--disagreements 10 --agreements 6 --seed 8 --window-nights 0 \
	--output "$WORK/queue3.csv"
sed 's/^2,/1,/' "$WORK/queue3.csv" >"$WORK/queue3b.csv"
if cmp -s "$WORK/queue.csv" "$WORK/queue3b.csv"; then
	not_ok "another seed draws another order of a and b" "the queues are equal"
else
	ok "another seed draws another order of a and b"
fi
expect_exit "export unblinded as JSON Lines" 0 "$SG" review export --db "$DB2" \
	--disagreements 2 --agreements 0 --no-blind --format jsonl --window-nights 0
head -n 1 "$WORK/out" >"$WORK/first.json"
jcheck "a JSON Lines row: human, model, segments, features, null verdict" \
	"$WORK/first.json" 'd["human"] != d["model"]' '"a" not in d' \
	'd["verdict"] is None and d["reviewer"] is None' \
	'd["segments"]["region"] in ("north", "south", "east")' \
	'set(d["features"]) == {"income", "age"}'
# the JSON Lines queue comes back as it went out, verdicts filled in
$PY -c 'import json, sys
with open(sys.argv[2], "w") as f:
    for l in open(sys.argv[1]):
        r = json.loads(l)
        r["verdict"], r["reviewer"] = r["model"], "zed"
        f.write(json.dumps(r) + "\n")' "$WORK/out" "$WORK/filled.jsonl"
expect_exit "import the filled JSON Lines queue" 0 "$SG" review import \
	--db "$DB2" "$WORK/filled.jsonl"
contains "its two verdicts are stored" "$WORK/out" \
	"filled.jsonl: 2 rows, 2 verdicts stored, 0 unchanged, 0 without a verdict, 0 rejected"
expect_exit "export Label Studio tasks" 0 "$SG" review export --db "$DB2" \
	--disagreements 3 --format label-studio --window-nights 0
jcheck "Label Studio tasks: data with the case, the text and the choices" \
	"$WORK/out" 'isinstance(d, list) and len(d) == 3' \
	'all(set(t) == {"data"} for t in d)' \
	'all(t["data"]["choices"][0]["value"] == t["data"]["a"] for t in d)' \
	'all(len(t["data"]["choices"]) == 2 for t in d)' \
	'all(t["data"]["case_id"] in t["data"]["text"] for t in d)'

# ---- import ----
expect_exit "import ana's spreadsheet, ben's JSON Lines and cy's Label Studio export" 0 \
	"$SG" review import --db "$DB" "$RX/ana.csv" "$RX/ben.jsonl" \
	"$RX/cy-label-studio.json"
contains "a case in no batch is rejected with file and line" "$WORK/err" \
	"ana.csv:10:1: case '9b2f61c0-5d3e-4c1a-8e7f-000000000000' is in no review batch"
contains "ana: 16 stored, 1 rejected" "$WORK/out" \
	"ana.csv: 17 rows, 16 verdicts stored, 0 unchanged, 0 without a verdict, 1 rejected"
contains "cy: one verdict, a cancelled annotation and a task not done" "$WORK/out" \
	"cy-label-studio.json: 2 rows, 1 verdicts stored, 0 unchanged, 1 without a verdict, 0 rejected"
n=$(sqlite3 "$DB" "select count(*) from review_verdicts where note = 'income \"verified\" later, needs a referral'")
[ "$n" = 1 ] && ok "a quoted note with quotes and a comma is kept whole" || \
	not_ok "a quoted note with quotes and a comma is kept whole" "$n"
n=$(sqlite3 "$DB" "select count(*) from review_verdicts where verdict like '%' || char(13) || '%' or note like '%' || char(13) || '%' or reviewer like '%' || char(13) || '%'")
[ "$n" = 0 ] && ok "CRLF ends are not part of the values" || \
	not_ok "CRLF ends are not part of the values" "$n"
"$SG" review status --db "$DB" --window-nights 0 --format json >"$WORK/s1.json"
expect_exit "the same file twice" 0 "$SG" review import --db "$DB" "$RX/ana.csv"
contains "changes nothing" "$WORK/out" \
	"ana.csv: 17 rows, 0 verdicts stored, 16 unchanged, 0 without a verdict, 1 rejected"
n=$(sqlite3 "$DB" "select count(*) from review_verdicts")
[ "$n" = 21 ] && ok "21 verdicts stored once (16 + 4 + 1)" || \
	not_ok "21 verdicts stored once (16 + 4 + 1)" "$n"
"$SG" review status --db "$DB" --window-nights 0 --format json >"$WORK/s2.json"
if cmp -s "$WORK/s1.json" "$WORK/s2.json"; then ok "and the block is the same"
else not_ok "and the block is the same" "$(diff "$WORK/s1.json" "$WORK/s2.json")"; fi
expect_exit "--reviewer names the reviewer of a file without the column" 0 \
	"$SG" review import --db "$DB2" --reviewer dee "$RX/ben.jsonl"
n=$(sqlite3 "$DB2" "select count(*) from review_verdicts where reviewer = 'dee'")
[ "$n" = 4 ] && ok "4 verdicts by dee" || not_ok "4 verdicts by dee" "$n"

# ---- the review block ----
# Resolved verdicts (ana; ben disagrees on D1 and E3, cy sides with ana on
# E3, so D1 is a tie and unresolved):
#   approve -> reject, N 6: D2 approve, D3-D5 reject, D6 refer: n 5, model
#     right 3, human right 1; d = -1, 1, 1, 1, 0: mean 0.4, s^2 = (1.96 +
#     3 * 0.36 + 0.16) / 4 = 0.8
#   reject -> approve, N 4: E1, E2 approve, E3 reject, E4 refer: n 4 = N,
#     model 2, human 1, no variance
#   approve -> approve, N 3: A3 reject: n 3, both right 2; reject ->
#     reject, N 3: n 3, both right 3
# model = (6 * 3/5 + 4 * 2/4 + 3 * 2/3 + 3 * 1) / 16 = 10.6 / 16 = 0.6625,
#   v = (6/16)^2 (1 - 5/6) (0.6 * 0.4) / 4 = 0.00140625
# human = (6 * 1/5 + 4 * 1/4 + 2 + 3) / 16 = 7.2 / 16 = 0.45,
#   v = (6/16)^2 (1/6) (0.2 * 0.8) / 4 = 0.0009375
# difference = 0.2125, v = (6/16)^2 (1/6) 0.8 / 5 = 0.00375
# disagreements: 9 resolved, model 5, human 2, neither 2
# reviewers: D1 (1 pair, 0 alike), D3 and E1 (1 pair, alike), E3 (3 pairs,
#   1 alike): 4 cases, 6 pairs, 3 agree
expect_exit "review status --format json" 0 "$SG" review status --db "$DB" \
	--window-nights 0 --format json
cp "$WORK/out" "$WORK/block.json"
z=1.959963984540054
jcheck "the block's counts" "$WORK/block.json" \
	'd["reviewed"] == 15 and d["unresolved"] == 1' \
	'[(s["human"], s["model"], s["N"], s["n"], s["model_right"], s["human_right"]) for s in d["strata"]] == [("approve", "reject", 6, 5, 3, 1), ("reject", "approve", 4, 4, 2, 1), ("approve", "approve", 3, 3, 2, 2), ("reject", "reject", 3, 3, 3, 3)]' \
	'd["disagreements"]["reviewed"] == 9' \
	'[d["disagreements"][k]["count"] for k in ("model_right", "human_right", "neither")] == [5, 2, 2]' \
	'(d["reviewers"]["cases"], d["reviewers"]["pairs"], d["reviewers"]["agree"]) == (4, 6, 3)'
jcheck "the block's estimates (by hand)" "$WORK/block.json" \
	"abs(d['accuracy']['model']['estimate'] - 0.6625) < 1e-12" \
	"abs(d['accuracy']['model']['ci95'][0] - (0.6625 - $z * 0.00140625 ** 0.5)) < 1e-12" \
	"abs(d['accuracy']['human']['estimate'] - 0.45) < 1e-12" \
	"abs(d['accuracy']['human']['ci95'][1] - (0.45 + $z * 0.0009375 ** 0.5)) < 1e-12" \
	"abs(d['accuracy']['difference']['estimate'] - 0.2125) < 1e-12" \
	"abs(d['accuracy']['difference']['ci95'][0] - (0.2125 - $z * 0.00375 ** 0.5)) < 1e-12"
if $PY - "$WORK/block.json" >"$WORK/py" 2>&1 <<'EOF'
import json, sys
from statsmodels.stats.proportion import proportion_confint
d = json.load(open(sys.argv[1]))["disagreements"]
for k, c in (("model_right", 5), ("human_right", 2), ("neither", 2)):
    lo, hi = proportion_confint(c, 9, alpha=0.05, method="wilson")
    assert abs(d[k]["ci95"][0] - lo) < 1e-12 and abs(d[k]["ci95"][1] - hi) < 1e-12, (k, d[k], lo, hi)
EOF
then ok "the disagreements' Wilson intervals (statsmodels)"
else not_ok "the disagreements' Wilson intervals (statsmodels)" "$(cat "$WORK/py")"; fi
# every key of the block is described in the man page's review block
MANN="$WORK/man.txt"
sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' "$FX/../man/shadowgate.1" |
	awk '/^\.SS The review block/ { on = 1; next } /^\.S[HS] / { on = 0 } on' >"$MANN"
if $PY - "$WORK/block.json" "$MANN" >"$WORK/py" 2>&1 <<'EOF'
import json, re, sys
text = open(sys.argv[2]).read()
keys = set()
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            keys.add(k)
            walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(open(sys.argv[1])))
missing = [k for k in sorted(keys) if not re.search(r"(?<![A-Za-z0-9_])" + re.escape(k) + r"(?![A-Za-z0-9_])", text)]
assert text and not missing, missing
EOF
then ok "every key of the review block is in the man page"
else not_ok "every key of the review block is in the man page" "$(cat "$WORK/py")"; fi
expect_exit "review status as text" 0 "$SG" review status --db "$DB" --window-nights 0
contains "text: the model's accuracy" "$WORK/out" "model            0.6625  [0.5890, 0.7360]"
contains "text: the tie" "$WORK/out" "reviewed 15 cases (1 more unresolved: the reviewers tied)"
contains "text: the window" "$WORK/out" "review of triage@2026-11-20, every night"
expect_exit "a window of the last night only" 0 "$SG" review status --db "$DB" \
	--last 1 --format json
jcheck "counts only that night's cases" "$WORK/out" \
	'sum(s["N"] for s in d["strata"]) == 5'
# the report carries the same block, in JSON, text and Markdown
expect_exit "report of the reviewed window" 0 "$SG" report --db "$DB" \
	--window-nights 0 --format json --no-store
if $PY - "$WORK/out" "$WORK/block.json" >"$WORK/py" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
assert r["review"] == b, (r.get("review"), b)
assert list(r)[-1] == "review", list(r)[-3:]
EOF
then ok "the report's review block is review status's"
else not_ok "the report's review block is review status's" "$(cat "$WORK/py")"; fi
expect_exit "report as text" 0 "$SG" report --db "$DB" --window-nights 0 \
	--no-store
contains "text report: the model's accuracy" "$WORK/out" \
	"model            0.6625  [0.5890, 0.7360]"
expect_exit "report as markdown" 0 "$SG" report --db "$DB" --window-nights 0 \
	--no-store --format markdown
contains "markdown report: the accuracies" "$WORK/out" \
	"| model | 0.6625 | [0.5890, 0.7360] |"

# ---- export-labels ----
# The reviewed cases of the block above: 15 resolved, D1 tied (ana approve,
# ben reject) and left out.
expect_exit "export-labels of the reviewed window" 0 "$SG" review \
	export-labels --db "$DB" --window-nights 0 --output "$WORK/labels.csv"
contains "export-labels counts the tie it leaves out" "$WORK/err" \
	"15 reviewed cases written, 1 left out (their reviewers tied)"
if $PY - "$WORK/labels.csv" "$RX/decisions.csv" >"$WORK/py" 2>&1 <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
log = {r["case_id"]: r for r in csv.DictReader(open(sys.argv[2], newline=""))}
assert list(rows[0]) == ["case_id", "night", "region", "income", "age", "human",
                         "model", "verdict", "agreed", "reviewers"], list(rows[0])
assert len(rows) == 15, len(rows)
# D1, the tie: ana approve, ben reject
assert "33a123e5-d474-48f3-a95a-7c304f171842" not in {r["case_id"] for r in rows}
for r in rows:
    l = log[r["case_id"]]
    assert (r["night"], r["region"], r["income"], r["age"], r["human"], r["model"]) == \
        (l["decided_at"][:10], l["region"], l["income"], l["age"], l["decision"],
         l["model_decision"]), (r, l)
# in night order, then case
assert [r["night"] for r in rows] == sorted(r["night"] for r in rows)
by = {r["case_id"]: r for r in rows}
# E3: ana reject, ben reject, cy approve (Label Studio): 2 of 3
assert (by["183499aa-eec2-49ca-a7bd-647ae892902f"]["verdict"],
        by["183499aa-eec2-49ca-a7bd-647ae892902f"]["agreed"],
        by["183499aa-eec2-49ca-a7bd-647ae892902f"]["reviewers"]) == ("reject", "2", "3")
# D3: ana and ben both reject; D6: ana's refer, neither side
assert (by["bed7abea-c56e-460a-a6b7-fef4c846a691"]["verdict"],
        by["bed7abea-c56e-460a-a6b7-fef4c846a691"]["agreed"]) == ("reject", "2")
assert sum(r["verdict"] == "refer" for r in rows) == 2
EOF2
then ok "the labels: every resolved case with the log's columns, the tie left out"
else not_ok "the labels: every resolved case with the log's columns, the tie left out" "$(cat "$WORK/py")"; fi

# A store shaped like production's: UTF-8 segments, a label with a comma
# and quotes, a missing feature, three reviewers on one case.
LX="$RX/labels"
DBL="$WORK/labels.db"
expect_exit "ingest the labels log" 0 "$SG" ingest --db "$DBL" --segment region \
	--feature income --feature age --model-name scorer --model-version 3.1 \
	"$LX/decisions.csv"
expect_exit "export every case for review" 0 "$SG" review export --db "$DBL" \
	--disagreements 10 --agreements 10 --window-nights 0 --output "$WORK/lq.csv"
expect_exit "import the verdicts" 0 "$SG" review import --db "$DBL" "$LX/verdicts.csv"
expect_exit "export-labels as CSV" 0 "$SG" review export-labels --db "$DBL" \
	--window-nights 0 --output "$WORK/l.csv"
contains "one case tied" "$WORK/err" \
	"4 reviewed cases written, 1 left out (their reviewers tied)"
expect_exit "export-labels as JSON Lines" 0 "$SG" review export-labels \
	--db "$DBL" --window-nights 0 --format jsonl --output "$WORK/l.jsonl"
# Worked from verdicts.csv by hand, in (night, case_id) order:
#   7c9e... ana, ben reject: reject 2 of 2 (the model's label)
#   9a1f... ana refer, "senior": 1 of 1 (the person's label)
#   0b6c... ana reject, ben approve: a tie, left out
#   5f6e... ana, ben refer, "senior", cy reject: 2 of 3 (the model's)
#   e4d3... ana überprüfen: 1 of 1 (neither; income missing)
#   c1d2... no verdict: not reviewed
if $PY - "$WORK/l.csv" "$WORK/l.jsonl" >"$WORK/py" 2>&1 <<'EOF2'
import csv, json, math, sys
import pandas as pd
R = 'refer, "senior"'
want = [
    ["7c9e6679-7425-40de-944b-e07fc1f90ae7", "2026-11-20", "Zürich", "2100", "31", "approve", "reject", "reject", "2", "2"],
    ["9a1f3b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b", "2026-11-20", "Île-de-France", "3400", "45", R, "approve", R, "1", "1"],
    ["5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f", "2026-11-21", "Zürich, Nord", "2500", "39", "reject", R, R, "2", "3"],
    ["e4d3c2b1-a0f9-4e8d-b7c6-d5e4f3a2b1c0", "2026-11-21", "Zürich", "", "27", "approve", "approve", "überprüfen", "1", "1"],
]
head = ["case_id", "night", "region", "income", "age", "human", "model", "verdict", "agreed", "reviewers"]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == head, rows[0]
assert rows[1:] == want, rows[1:]
# pandas reads the same rows, as text and as typed columns
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, encoding="utf-8")
assert list(df.columns) == head and df.values.tolist() == want, df.values.tolist()
df = pd.read_csv(sys.argv[1], encoding="utf-8")
assert df["agreed"].tolist() == [2, 1, 2, 1] and df["reviewers"].tolist() == [2, 1, 3, 1]
assert df["income"].tolist()[:3] == [2100, 3400, 2500] and math.isnan(df["income"][3])
assert df["verdict"].tolist() == ["reject", R, R, "überprüfen"]
# JSON Lines: the same rows, one object a line
js = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert [list(j) for j in js] == [["case_id", "night", "segments", "features", "human",
                                  "model", "verdict", "agreed", "reviewers"]] * 4
flat = [[j["case_id"], j["night"], j["segments"]["region"],
         "" if j["features"]["income"] is None else "%g" % j["features"]["income"],
         "%g" % j["features"]["age"], j["human"], j["model"], j["verdict"],
         str(j["agreed"]), str(j["reviewers"])] for j in js]
assert flat == want, flat
EOF2
then ok "the labels CSV read by csv and pandas, and the JSON Lines, give the rows worked by hand"
else not_ok "the labels CSV read by csv and pandas, and the JSON Lines, give the rows worked by hand" "$(cat "$WORK/py")"; fi
expect_exit "export-labels refuses label-studio" 2 "$SG" review export-labels \
	--db "$DBL" --format label-studio
contains "and names the formats it writes" "$WORK/err" \
	"--format: expected one of csv, jsonl, found 'label-studio'"
expect_exit "--seed belongs to export" 2 "$SG" review export-labels --db "$DBL" --seed 3
expect_exit "--output does not belong to status" 2 "$SG" review status --db "$DBL" \
	--output "$WORK/x"
expect_exit "an unwritable --output is a runtime error" 3 "$SG" review \
	export-labels --db "$DBL" --output "$WORK/no/such/dir/l.csv"
contains "naming the file" "$WORK/err" "no/such/dir/l.csv: cannot write the labels"

expect_exit "report as html" 0 "$SG" report --db "$DB" --window-nights 0 \
	--no-store --format html
contains "html report: the review section" "$WORK/out" '<section id="review">'
contains "html report: its strata" "$WORK/out" "the review"
if $PY - "$WORK/out" >"$WORK/py" 2>&1 <<'EOF'
import sys, html5lib
html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], "rb").read())
EOF
then ok "html report with the review parses strictly"
else not_ok "html report with the review parses strictly" "$(cat "$WORK/py")"; fi

# the gate judges the review block
expect_exit "gate: the model at most a point below the people" 0 "$SG" gate \
	--db "$DB" --window-nights 0 --no-store --min-model-minus-human -0.01 \
	--format json
jcheck "gate: min_model_minus_human judged on the lower end" "$WORK/out" \
	'[(c["outcome"], round(c["value"], 12), c["threshold"]) for c in d["checks"] if c["name"] == "min_model_minus_human"] == [("pass", 0.2125, -0.01)]'
expect_exit "gate: a margin the interval does not clear" 1 "$SG" gate \
	--db "$DB" --window-nights 0 --no-store --min-model-minus-human 0.2
expect_exit "gate: fewer reviewed cases than asked is insufficient" 4 "$SG" \
	gate --db "$DB" --window-nights 0 --no-store --min-reviewed 16
contains "gate: the reason counts the reviewed cases" "$WORK/out" \
	"insufficient evidence: 15 reviewed cases, the policy needs at least 16"
# segments and a feature named like the queue's own columns (note,
# verdict, batch): headed segment:NAME and feature:NAME, so no name is
# there twice and the filled file reads back
CX="$WORK/clash"
mkdir -p "$CX"
DBC="$WORK/clash.db"
{
	printf 'case_id,decided_at,note,verdict,batch,decision,model_decision\n'
	printf 'k1,2026-11-20T08:00:00Z,n1,v1,7,approve,reject\n'
	printf 'k2,2026-11-20T09:00:00Z,n2,v2,8,deny,approve\n'
	printf 'k3,2026-11-20T10:00:00Z,n3,v3,9,deny,deny\n'
} >"$CX/log.csv"
expect_exit "ingest a log whose segments are called note and verdict" 0 \
	"$SG" ingest --db "$DBC" --segment note --segment verdict --feature batch \
	"$CX/log.csv"
expect_exit "export its disagreements" 0 "$SG" review export --db "$DBC" \
	--disagreements 2 --window-nights 0 --output "$CX/q.csv"
if $PY - "$CX/q.csv" "$CX/filled.csv" >"$WORK/py" 2>&1 <<'EOF2'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = ["batch", "case_id", "night", "segment:note", "segment:verdict",
        "feature:batch", "a", "b", "verdict", "reviewer", "note"]
assert rows[0] == head, rows[0]
got = sorted((r[1], r[3], r[4], r[5]) for r in rows[1:])
assert got == [("k1", "n1", "v1", "7"), ("k2", "n2", "v2", "8")], got
for r in rows[1:]:
    r[8], r[9], r[10] = "reject", "ana", "checked"
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
EOF2
then ok "the header names each column once, the segments' and feature's values under their own"
else not_ok "the header names each column once, the segments' and feature's values under their own" "$(cat "$WORK/py")"; fi
expect_exit "the filled file imports" 0 "$SG" review import --db "$DBC" "$CX/filled.csv"
n=$(sqlite3 "$DBC" "select count(*) from review_verdicts where verdict = 'reject' and note = 'checked'")
[ "$n" = 2 ] && ok "both verdicts are stored with their notes" || not_ok "both verdicts are stored with their notes" "$n"

expect_exit "gate: enough reviewed cases" 0 "$SG" gate --db "$DB" \
	--window-nights 0 --no-store --min-reviewed 15 --format junit
contains "gate: JUnit names the review check" "$WORK/out" 'min_reviewed'

finish
