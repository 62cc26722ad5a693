#!/bin/sh
# End-to-end: faulty models and a failing store. Answers outside their
# domain are case errors; a model that never reads its input costs the
# timeout the user set, and a run whose batches all fail stops and leaves
# the rest for the next run; the runs row counts what the store holds
# (after kill -9, after a store error); run --format json says ok only
# when it exits 0.
. "$(dirname "$0")/lib.sh"
FEAT="--feature x1 --feature x2"

# seconds since the epoch, with fractions
now() { $PY -c 'import time; print("%.3f" % time.time())'; }
# elapsed START: seconds since START, as an integer
elapsed() { $PY -c 'import sys, time; print(int(time.time() - float(sys.argv[1])))' "$1"; }

# --- answers outside their domain are errors recorded for their cases
DB="$WORK/dom.db"
printf 'case_id,x1,x2,decision\nstr,1,2,approve\nhuge,1,2,approve\ntwo,1,2,approve\nneg,1,2,approve\nfine,1,2,approve\nzero,1,2,deny\n' >"$WORK/dom.csv"
"$SG" ingest -q --db "$DB" $FEAT "$WORK/dom.csv" >/dev/null 2>&1
expect_exit "a run with answers outside their domain exits 3" 3 "$SG" run --db "$DB" $FEAT --model-name dom --model-version 1 --model-backend exec --model-command "python3 $FX/exec/out_of_domain.py"
got=$(sqlite3 "$DB" "select c.case_id || ':' || coalesce(p.score, 'null') || ':' || (p.error is not null) from predictions p join cases c on c.id = p.case_ref order by c.case_id" | tr '\n' ' ')
# str, huge (1e400), two (2) and neg (-1) are errors with no score kept;
# fine has 0.25 and zero the bound 0
want="fine:0.25:0 huge:null:1 neg:null:1 str:null:1 two:null:1 zero:0.0:0 "
[ "$got" = "$want" ] && ok "only scores in [0, 1] are stored" || not_ok "only scores in [0, 1] are stored" "got  $got" "want $want"
n=$(sqlite3 "$DB" "select count(*) from predictions where score > 1 or score < 0 or score in (9e999, -9e999)")
[ "$n" = 0 ] && ok "no score outside [0, 1] in the store" || not_ok "no score outside [0, 1] in the store" "$n"

# --- a model that never reads its input: the user's timeout is the timeout
DB="$WORK/deaf.db"
"$SG" ingest -q --db "$DB" $FEAT "$FX/exec/cases55.csv" >/dev/null 2>&1
t0=$(now)
expect_exit "55 cases with a model that never reads exit 3" 3 "$SG" run --db "$DB" $FEAT --model-name deaf --model-version 1 --model-backend exec --model-command "sh $FX/exec/never_reads.sh" --model-timeout 2
secs=$(elapsed "$t0")
# a correctness bound, not a speed target: three restarts of 2 s each is
# 6 s; with a 30 s floor it was 90 s
[ "$secs" -lt 25 ] && ok "with --model-timeout 2 they take less than 25 s ($secs s)" || not_ok "with --model-timeout 2 they take less than 25 s" "$secs s"
contains "the first case timed out after the user's 2 s" "$WORK/err" "timeout after 2 s: the model process did not read its request"
n=$(sqlite3 "$DB" "select count(*) from predictions where error is not null")
[ "$n" = 55 ] && ok "every case has its error, for the next run" || not_ok "every case has its error, for the next run" "$n"

# in batches of 10, the run stops after 3 batches with nothing scored:
# 6 s for the first (three restarts), 2 s each for the next two (the
# restarts in a row go on from batch to batch)
DB="$WORK/deaf10.db"
"$SG" ingest -q --db "$DB" $FEAT "$FX/exec/cases55.csv" >/dev/null 2>&1
t0=$(now)
expect_exit "a run whose batches all fail stops with exit 3" 3 "$SG" run --db "$DB" $FEAT --model-name deaf --model-version 1 --model-backend exec --model-command "sh $FX/exec/never_reads.sh" --model-timeout 2 --model-batch 10 --format json
secs=$(elapsed "$t0")
[ "$secs" -lt 25 ] && ok "it stops in less than 25 s ($secs s)" || not_ok "it stops in less than 25 s" "$secs s"
contains "it says why" "$WORK/err" "no case of the last 3 batches was scored"
contains "and what is left" "$WORK/err" "the 25 cases not tried are left for the next run"
row=$(sqlite3 "$DB" "select status, scored, errors from runs")
[ "$row" = "stopped|0|30" ] && ok "the run is recorded as stopped with 30 errors" || not_ok "the run is recorded as stopped with 30 errors" "$row"
n=$(sqlite3 "$DB" "select count(*) from cases c where not exists (select 1 from predictions p where p.case_ref = c.id)")
[ "$n" = 25 ] && ok "25 cases were not tried" || not_ok "25 cases were not tried" "$n"
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["stopped"] is True and d["errors"] == 30, d' "$WORK/out" 2>"$WORK/py"; then
	ok "the JSON says not ok, stopped"
else
	not_ok "the JSON says not ok, stopped" "$(cat "$WORK/py")"
fi

# --- a killed run, marked interrupted by the next, counts what it saved
DB="$WORK/kill.db"
"$SG" ingest -q --db "$DB" $FEAT "$FX/runner/cases.csv" >/dev/null 2>&1
SLEEP=0.004 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 1 \
	--model-backend exec --model-command "python3 $FX/runner/slow.py" \
	--model-batch 100 >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 1200 ]; do
	done_n=$(sqlite3 "$DB" "select count(*) from predictions" 2>/dev/null || echo 0)
	[ "${done_n:-0}" -ge 300 ] && break
	sleep 0.05
	i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
saved=$(sqlite3 "$DB" "select count(*) from predictions")
expect_exit "the next run finishes the job" 0 env SLEEP=0 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 1 --model-backend exec --model-command "python3 $FX/runner/slow.py"
row=$(sqlite3 "$DB" "select status, scored, errors from runs where id = 1")
[ "$row" = "interrupted|$saved|0" ] && ok "the interrupted run records the $saved predictions it saved" || not_ok "the interrupted run records the predictions it saved" "runs row $row, $saved saved"
row=$(sqlite3 "$DB" "select scored = (select count(*) from predictions where run = 2) from runs where id = 2")
[ "$row" = 1 ] && ok "and the next run the rest" || not_ok "and the next run the rest" "$row"

# --- a store error in the middle of a run: the run counts what was saved
DB="$WORK/full.db"
"$SG" ingest -q --db "$DB" $FEAT "$FX/runner/cases.csv" >/dev/null 2>&1
# the store fails (as a full disk would) at the 151st prediction: in the
# middle of the second batch of 100, which is rolled back
sqlite3 "$DB" "create trigger full before insert on predictions when (select count(*) from predictions) >= 150 begin select raise(abort, 'database or disk is full'); end;"
expect_exit "a run stopped by a store error exits 3" 3 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name f --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --model-batch 100 --format json
contains "the error is the store's" "$WORK/out" "database or disk is full"
row=$(sqlite3 "$DB" "select status, scored, errors, (select count(*) from predictions) from runs")
[ "$row" = "failed|100|0|100" ] && ok "the failed run records the 100 saved, not the 150 scored" || not_ok "the failed run records the 100 saved, not the 150 scored" "$row"
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["scored"] == 100, d' "$WORK/out" 2>"$WORK/py"; then
	ok "the JSON says not ok, 100 scored"
else
	not_ok "the JSON says not ok, 100 scored" "$(cat "$WORK/py")"
fi

# --- run --format json: ok is false whenever the exit status is not 0
DB="$WORK/flaky.db"
"$SG" ingest -q --db "$DB" $FEAT "$FX/runner/cases.csv" >/dev/null 2>&1
expect_exit "a run with failed cases exits 3" 3 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["errors"] == 200 and d["scored"] == 1800, d' "$WORK/out" 2>"$WORK/py"; then
	ok "its JSON says ok false"
else
	not_ok "its JSON says ok false" "$(cat "$WORK/py")"
fi
expect_exit "the retry exits 0" 0 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is True and d["errors"] == 0 and d["scored"] == 200, d' "$WORK/out" 2>"$WORK/py"; then
	ok "and its JSON says ok true"
else
	not_ok "and its JSON says ok true" "$(cat "$WORK/py")"
fi

finish
