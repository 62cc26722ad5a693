#!/bin/sh
# End-to-end: the small things a newcomer trips on. A store's files are
# ignored by git; --last 0 is every night; --format is listed once per
# --help (and not at all for init and nightly); gate.md prints counts as
# integers; a missing config file is a configuration error (2); a column
# name mistake names the nearest column and lists those found; nightly -v
# says what each step did.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FX/.." && pwd)
cd "$WORK" || exit 1
CSV="$FX/report/labels.csv"
# fixtures/report/labels.csv, by hand: 40 rows, 10 on each night of
# 2026-11-18 .. 2026-11-21; L39 has no model decision, so 39 cases have
# both a human decision and a prediction

# ---- every file a store leaves is ignored by .gitignore ----
mkdir -p "$WORK/s"
"$SG" ingest -q --db "$WORK/s/x.db" "$CSV"
"$SG" run -q --db "$WORK/s/x.db" --model-name m --model-version 1 \
	--model-backend exec --model-command "python3 $FX/exec/model.py" \
	--feature income --feature age >/dev/null 2>&1
ls -A "$WORK/s" >"$WORK/left"
contains "the run left a lock file" "$WORK/left" "x.db.lock"
if $PY - "$ROOT/.gitignore" "$WORK/left" >"$WORK/py" 2>&1 <<'PYEOF'
import fnmatch, sys
pats = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
left = open(sys.argv[2]).read().split()
bad = [f for f in left if not any(fnmatch.fnmatch(f, p) for p in pats if "/" not in p)]
assert not bad, ("not ignored", bad)
PYEOF
then ok "every file the store left is in .gitignore"; else not_ok "every file the store left is in .gitignore" "$(cat "$WORK/py")"; fi

# ---- --last 0 is every night, as the help says ----
DB="$WORK/n.db"
"$SG" ingest -q --db "$DB" "$CSV"
expect_exit "report --last 0 is accepted" 0 "$SG" report --db "$DB" --no-store --window-nights 2 --last 0 --format json
if $PY -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; assert w["since"] == "2026-11-18" and w["until"] == "2026-11-21" and w["nights"] == 4, w' "$WORK/out" 2>"$WORK/py"; then
	ok "--last 0 covers all 4 nights"
else
	not_ok "--last 0 covers all 4 nights" "$(cat "$WORK/py")"
fi
expect_exit "report --last 2 covers 2" 0 "$SG" report --db "$DB" --no-store --last 2 --format json
if $PY -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; assert w["since"] == "2026-11-20" and w["nights"] == 2, w' "$WORK/out" 2>"$WORK/py"; then
	ok "--last 2: 2026-11-20 .. 2026-11-21"
else
	not_ok "--last 2: 2026-11-20 .. 2026-11-21" "$(cat "$WORK/py")"
fi
expect_exit "gate --last 0" 0 "$SG" gate --db "$DB" --no-store --last 0 --min-cases 39
expect_exit "sample --last 0" 0 "$SG" sample --db "$DB" --last 0 --disagreements 2
expect_exit "history --last 0" 0 "$SG" history --db "$DB" --last 0
expect_exit "--last -1 is still refused" 2 "$SG" report --db "$DB" --no-store --last -1

# ---- --format once in each --help, none for init and nightly ----
for cmd in ingest run report sample gate history; do
	"$SG" "$cmd" --help >"$WORK/help" 2>&1
	n=$(grep -cE '^ +--format' "$WORK/help")
	[ "$n" = 1 ] && ok "$cmd --help lists --format once" ||
		not_ok "$cmd --help lists --format once" "$n times:" "$(grep -E -- '--format' "$WORK/help")"
done
echo '{}' >"$WORK/empty.json"
for cmd in init nightly; do
	"$SG" "$cmd" --help >"$WORK/help" 2>&1
	if grep -q -- '--format' "$WORK/help"; then
		not_ok "$cmd --help lists no --format" "$(grep -- '--format' "$WORK/help")"
	else
		ok "$cmd --help lists no --format"
	fi
	expect_exit "$cmd refuses --format" 2 "$SG" "$cmd" --db "$WORK/f.db" --config "$WORK/empty.json" --format json
	contains "$cmd: --format is an unknown option" "$WORK/err" "unknown option '--format'"
done
[ ! -e "$WORK/f.db" ] && ok "and creates no store on the way" || not_ok "and creates no store on the way"

# ---- gate.md: counts are integers ----
expect_exit "gate --format markdown" 0 "$SG" gate --db "$DB" --no-store --format markdown --min-cases 5 --min-agreement 0.1
contains "min_cases: 39 cases, threshold 5, as integers" "$WORK/out" "| min_cases | overall | 39 | - | >= 5 | pass |"
contains "a rate keeps four decimals" "$WORK/out" "| >= 0.1000 | pass |"

# ---- a missing config file is a configuration error ----
expect_exit "report with a missing --config: exit 2" 2 "$SG" report --db "$DB" --config "$WORK/nope.json"
contains "the file is named" "$WORK/err" "$WORK/nope.json: cannot open config"
expect_exit "nightly with a missing --config: exit 2" 2 "$SG" nightly --config "$WORK/nope.json"
mkdir -p "$WORK/dir.json"
expect_exit "a config that is a folder: exit 2" 2 "$SG" report --db "$DB" --config "$WORK/dir.json"

# ---- a column name mistake: the nearest column and those found ----
expect_exit "a misspelt segment: exit 2" 2 "$SG" ingest --db "$WORK/c.db" --segment Region "$CSV"
contains "names the nearest column (case)" "$WORK/err" "segment column 'Region' (log.segments) is not in the log (did you mean 'region'?)"
contains "lists the columns found" "$WORK/err" "its columns: 'case_id', 'decided_at', 'region', 'channel', 'income', 'age', 'decision', 'rater', 'model_decision', 'model_score'"
expect_exit "a misspelt feature: exit 2" 2 "$SG" ingest --db "$WORK/c.db" --feature incme "$CSV"
contains "names the nearest column (one edit)" "$WORK/err" "(did you mean 'income'?)"
expect_exit "a case id column far from any: exit 2" 2 "$SG" ingest --db "$WORK/c.db" --case-id ticket "$FX/ingest/basic.jsonl"
if grep -q "did you mean" "$WORK/err"; then not_ok "no guess when none is near" "$(cat "$WORK/err")"; else ok "no guess when none is near"; fi
contains "the JSON Lines keys are listed" "$WORK/err" "its columns: 'case_id', 'decided_at'"

# ---- nightly -v says what each step did ----
printf '{"store": "v.db", "log": {"glob": "%s"}, "report": {"dir": "nightly-reports"},\n "gate": {"min_cases": 5}}\n' "$CSV" >"$WORK/v.json"
expect_exit "nightly without -v" 0 "$SG" nightly --config "$WORK/v.json"
cp "$WORK/out" "$WORK/plain"
if grep -q "window 2026" "$WORK/plain"; then not_ok "without -v: no window line" "$(cat "$WORK/plain")"; else ok "without -v: no window line"; fi
rm -rf "$WORK/v.db" "$WORK/v.db.lock" "$WORK/nightly-reports"
expect_exit "nightly -v" 0 "$SG" nightly -v --config "$WORK/v.json"
contains "-v: the glob and its files" "$WORK/out" "log.glob '$CSV' matches 1 files"
contains "-v: each file's batch and counts" "$WORK/out" "labels.csv: batch 1, 40 rows read, 40 loaded, 0 corrections, 0 duplicates, 0 rejected"
contains "-v: the window" "$WORK/out" "window 2026-11-18 .. 2026-11-21: 4 nights (report.window_nights), ending at the latest night with cases"
contains "-v: the report row" "$WORK/out" "model model@logged; report 1 stored"
contains "-v: every check, passed ones too" "$WORK/out" "pass min_cases (overall): 39 cases >= 5"
expect_exit "nightly -v again" 0 "$SG" nightly -v --config "$WORK/v.json"
contains "-v: a file already ingested" "$WORK/out" "labels.csv: already ingested (batch 1), skipped"
contains "-v: the same report is not stored again" "$WORK/out" "report 1 (the same as the one stored before: not stored again)"

finish
