#!/bin/sh
# End-to-end: opening stores. Several processes may create the same new
# store at once; a store is marked with PRAGMA application_id; an SQLite
# file that is not a store is refused and left byte for byte as it was; a
# store of an earlier shadowgate (no mark) is still opened, and marked.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FX/.." && pwd)
APP_ID=1397244999 # 0x53484447, "SHDG"
TRIALS=20

# both_succeed NAME ARGS...: TRIALS times, two processes run the command
# on a store that does not exist yet (@DB@ is its path, @N@ the process);
# every one of them must exit 0
both_succeed() {
	name=$1; shift
	bad=0
	i=0
	while [ "$i" -lt "$TRIALS" ]; do
		i=$((i + 1))
		db="$WORK/race-$i.db"
		rm -f "$db" "$db-wal" "$db-shm"
		a1=$(echo "$*" | sed "s|@DB@|$db|g; s|@N@|1|g")
		a2=$(echo "$*" | sed "s|@DB@|$db|g; s|@N@|2|g")
		# shellcheck disable=SC2086
		"$SG" $a1 >"$WORK/r1.out" 2>"$WORK/r1.err" &
		p1=$!
		# shellcheck disable=SC2086
		"$SG" $a2 >"$WORK/r2.out" 2>"$WORK/r2.err" &
		p2=$!
		wait "$p1"; s1=$?
		wait "$p2"; s2=$?
		if [ "$s1" -ne 0 ] || [ "$s2" -ne 0 ]; then
			bad=$((bad + 1))
			msg="trial $i: exit $s1 and $s2: $(cat "$WORK/r1.err" "$WORK/r2.err" | head -c 400)"
		fi
	done
	if [ "$bad" -eq 0 ]; then ok "$name"; else not_ok "$name" "$bad of $TRIALS trials failed" "$msg"; fi
}

both_succeed "two init at once on a new store both succeed" init -q --db @DB@
both_succeed "two ingest at once into a new store both succeed" ingest -q --db @DB@ --segment region --feature income --feature age "$FX/ingest/basic.csv"
n=$(sqlite3 "$WORK/race-$TRIALS.db" "select count(*) from cases")
[ "$n" = 5 ] && ok "the racing ingests stored the 5 cases once" || not_ok "the racing ingests stored the 5 cases once" "$n cases"
cat >"$WORK/night.json" <<JSON
{"log": {"glob": "$ROOT/fixtures/ingest/basic.csv", "segments": ["region"],
         "features": ["income", "age"]},
 "model": {"name": "m", "version": "1", "backend": "logged"},
 "report": {"formats": ["json"]},
 "gate": {"min_cases": 1}}
JSON
both_succeed "two nightly at once on a new store both succeed" nightly -q --config "$WORK/night.json" --db @DB@ --out-dir "$WORK/out@N@"

# a new store carries the mark
"$SG" init -q --db "$WORK/new.db" >/dev/null 2>&1
id=$(sqlite3 "$WORK/new.db" "pragma application_id")
[ "$id" = "$APP_ID" ] && ok "a new store has application_id 0x53484447" || not_ok "a new store has application_id 0x53484447" "$id"
: >"$WORK/zero.db"
expect_exit "an empty file becomes a store" 0 "$SG" init -q --db "$WORK/zero.db"
id=$(sqlite3 "$WORK/zero.db" "pragma application_id")
[ "$id" = "$APP_ID" ] && ok "and is marked" || not_ok "and is marked" "$id"

# an unrelated SQLite database is refused and left as it was
$PY - "$WORK/invoices.db" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
create table invoices(id integer primary key, customer text, amount real);
insert into invoices(customer, amount) values ('acme', 120.5), ('globex', 80);
""")
db.commit()
db.close()
PYEOF
cp "$WORK/invoices.db" "$WORK/invoices.orig"
for cmd in "init" "ingest --segment region --feature income --feature age $FX/ingest/basic.csv" "report"; do
	verb=${cmd%% *}
	args=${cmd#"$verb"}
	# shellcheck disable=SC2086
	expect_exit "$verb on an unrelated database exits 3" 3 "$SG" "$verb" --db "$WORK/invoices.db" $args
	contains "${cmd%% *} says it is not a store" "$WORK/err" "not a shadowgate store"
	if cmp -s "$WORK/invoices.db" "$WORK/invoices.orig" && [ ! -e "$WORK/invoices.db-wal" ]; then
		ok "${cmd%% *} left the database byte for byte as it was"
	else
		not_ok "${cmd%% *} left the database byte for byte as it was"
	fi
done
# one with shadowgate's table names but another program's mark
cp "$WORK/new.db" "$WORK/other.db"
sqlite3 "$WORK/other.db" "pragma journal_mode = delete; pragma application_id = 1196444487" >/dev/null
cp "$WORK/other.db" "$WORK/other.orig"
expect_exit "a database marked by another program exits 3" 3 "$SG" init --db "$WORK/other.db"
contains "the refusal names its application_id" "$WORK/err" "application_id 1196444487"
cmp -s "$WORK/other.db" "$WORK/other.orig" && ok "and it is untouched" || not_ok "and it is untouched"

# a store of an earlier shadowgate: the same tables, no mark
"$SG" ingest -q --db "$WORK/old.db" --segment region --feature income --feature age "$FX/ingest/basic.csv" >/dev/null 2>&1
sqlite3 "$WORK/old.db" "pragma application_id = 0"
id=$(sqlite3 "$WORK/old.db" "pragma application_id")
[ "$id" = 0 ] && ok "the earlier store has no mark" || not_ok "the earlier store has no mark" "$id"
expect_exit "an earlier store is opened" 0 "$SG" ingest -q --db "$WORK/old.db" --segment region --feature income --feature age "$FX/ingest/corrections.csv"
id=$(sqlite3 "$WORK/old.db" "pragma application_id")
[ "$id" = "$APP_ID" ] && ok "and marked" || not_ok "and marked" "$id"
n=$(sqlite3 "$WORK/old.db" "select count(*) from ingest_batches")
[ "$n" = 2 ] && ok "with its history kept" || not_ok "with its history kept" "$n batches"

finish
