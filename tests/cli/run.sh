#!/bin/sh
# End-to-end: run with real backends and real processes: resume after
# kill -9, refusal of a concurrent run, retries of failed cases, rescore,
# model identity, xgboost against xgboost's own predictions.
. "$(dirname "$0")/lib.sh"
DB="$WORK/s.db"
FEAT="--feature x1 --feature x2"
SLOW="--model-backend exec --model-command \"python3 $FX/runner/slow.py\""

"$SG" ingest -q --db "$DB" $FEAT "$FX/runner/cases.csv" >/dev/null
n=$(sqlite3 "$DB" "select count(*) from cases")
[ "$n" = 2000 ] && ok "2000 cases ingested" || not_ok "2000 cases ingested" "$n"

expect_exit "run without a model name is a usage error" 2 "$SG" run --db "$DB" --model-backend exec --model-command "python3 $FX/runner/slow.py"
expect_exit "an unknown backend is a usage error" 2 "$SG" run --db "$DB" --model-name m --model-version 1 --model-backend tensorflow
contains "the unknown backend is named" "$WORK/err" "unknown model backend 'tensorflow'"

# kill -9 in the middle, then the next run continues where it stopped
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
partial=$(sqlite3 "$DB" "select count(*) from predictions")
if [ "$partial" -ge 300 ] && [ "$partial" -lt 2000 ] && [ $((partial % 100)) -eq 0 ]; then
	ok "kill -9 left whole batches only ($partial predictions)"
else
	not_ok "kill -9 left whole batches only" "$partial predictions"
fi
expect_exit "the next run continues" 0 env SLEEP=0 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 1 --model-backend exec --model-command "python3 $FX/runner/slow.py" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cases"]==2000-int(sys.argv[2]) and d["scored"]==d["cases"] and d["errors"]==0, d' "$WORK/out" "$partial" 2>"$WORK/py"; then
	ok "it scores exactly the cases that were left"
else
	not_ok "it scores exactly the cases that were left" "$(cat "$WORK/py")"
fi
dups=$(sqlite3 "$DB" "select count(*) from (select case_ref from predictions where is_current group by model, case_ref having count(*) > 1)")
total=$(sqlite3 "$DB" "select count(*) from predictions")
st=$(sqlite3 "$DB" "select group_concat(status) from runs order by id")
[ "$st" = "interrupted,done" ] && ok "the killed run is recorded as interrupted" || not_ok "the killed run is recorded as interrupted" "$st"
[ "$dups" = 0 ] && [ "$total" = 2000 ] && ok "no case was scored twice" || not_ok "no case was scored twice" "$dups dups, $total rows"
expect_exit "a third run has nothing to score" 0 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 1 --model-backend exec --model-command "python3 $FX/runner/slow.py"
contains "and says so" "$WORK/err" "nothing to score"
runs=$(sqlite3 "$DB" "select count(*) from runs")
[ "$runs" = 2 ] && ok "a run with nothing to do records no run" || not_ok "a run with nothing to do records no run" "$runs runs"

# a concurrent run waits a bounded time, then is refused
SLEEP=0.05 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 2 \
	--model-backend exec --model-command "python3 $FX/runner/slow.py" \
	--model-batch 50 >/dev/null 2>&1 &
pid=$!
i=0
c=0
# wait (up to a minute, for a loaded machine) until the first run holds
# the store: its run record says running
while [ "$i" -lt 1200 ]; do
	c=$(sqlite3 "$DB" "select count(*) from runs r join models m on m.id = r.model where r.status = 'running' and m.name = 'slow' and m.version = '2'" 2>/dev/null || echo 0)
	[ "${c:-0}" -ge 1 ] && break
	sleep 0.05
	i=$((i + 1))
done
[ "${c:-0}" -ge 1 ] && ok "the first run is under way" || not_ok "the first run is under way" "no running run after a minute"
expect_exit "a second run on a busy store exits 3" 3 "$SG" run --db "$DB" $FEAT --model-name slow --model-version 2 --model-backend exec --model-command "python3 $FX/runner/slow.py" --lock-wait 0.3
contains "the refusal says the store is busy" "$WORK/err" "busy"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
dups=$(sqlite3 "$DB" "select count(*) from (select case_ref from predictions where is_current group by model, case_ref having count(*) > 1)")
[ "$dups" = 0 ] && ok "no duplicate predictions after the refusal" || not_ok "no duplicate predictions after the refusal" "$dups"

# failed cases are errors of the night, retried on the next run
expect_exit "a run with failed cases exits 3" 3 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py"
contains "the summary counts the errors" "$WORK/err" "200 errors"
contains "the summary shows an error" "$WORK/err" "cannot score this one"
expect_exit "the next run retries them" 0 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cases"]==200 and d["scored"]==200, d' "$WORK/out" 2>"$WORK/py"; then
	ok "only the failed cases were scored again"
else
	not_ok "only the failed cases were scored again" "$(cat "$WORK/py")"
fi
hist=$(sqlite3 "$DB" "select count(*) from predictions p join models m on m.id = p.model where m.name = 'flaky' and p.error is not null and not p.is_current")
[ "$hist" = 200 ] && ok "the failed attempts stay in the history" || not_ok "the failed attempts stay in the history" "$hist"
expect_exit "--max-errors stops the run with exit 3" 3 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 2 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --max-errors 5 --model-batch 100
contains "--max-errors is named in the message" "$WORK/err" "--max-errors 5"

expect_exit "--rescore scores everything into a new run" 0 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name flaky --model-version 1 --model-backend exec --model-command "python3 $FX/runner/flaky.py" --rescore --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cases"]==2000 and d["scored"]==2000, d' "$WORK/out" 2>"$WORK/py"; then
	ok "rescore scored all 2000 cases"
else
	not_ok "rescore scored all 2000 cases" "$(cat "$WORK/py")"
fi

# exec identity: the program file is hashed; another file is a new version
cp "$FX/runner/flaky.py" "$WORK/model_a.py"
expect_exit "a model file is recorded with its hash" 0 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name ident --model-version 1 --model-backend exec --model-command "python3 $WORK/model_a.py"
echo "# changed" >>"$WORK/model_a.py"
expect_exit "a different file for the same version is refused" 2 env FIXED=1 "$SG" run --db "$DB" $FEAT --model-name ident --model-version 1 --model-backend exec --model-command "python3 $WORK/model_a.py"
contains "the refusal says it is a new version" "$WORK/err" "a different file is a new version"

# a broken model program: an error recorded per case, the stderr kept
expect_exit "a crashing model exits 3" 3 "$SG" run --db "$DB" $FEAT --model-name crash --model-version 1 --model-backend exec --model-command "sh $FX/exec/exit_now.sh"
n=$(sqlite3 "$DB" "select count(*) from predictions p join models m on m.id = p.model where m.name = 'crash' and p.error is not null")
[ "$n" = 2000 ] && ok "every case of the crashed model has an error" || not_ok "every case of the crashed model has an error" "$n"

# logged: a separate predictions file joined on case id
expect_exit "a predictions file is joined on case id" 0 "$SG" run --db "$DB" --model-name joined --model-version 1 --model-backend logged --model-predictions "$FX/runner/predictions.csv" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["scored"]==2 and d["unmatched_predictions"]==1 and d["cases_without_prediction"]==1998, d' "$WORK/out" 2>"$WORK/py"; then
	ok "2 joined, 1 id matching no case, 1998 cases without a prediction"
else
	not_ok "2 joined, 1 id matching no case, 1998 cases without a prediction" "$(cat "$WORK/py")"
fi

# a logged score that is not a probability (a percentage, a logit) is the
# model's error, not a score read as it is; NA is no score
printf 'case_id,model_decision,model_score\nk1,approve,87.5\nk2,deny,NA\n' >"$WORK/pct.csv"
expect_exit "a percentage as a logged score: an error of the run, exit 3" 3 "$SG" run --db "$DB" --model-name pct --model-version 1 --model-backend logged --model-predictions "$WORK/pct.csv" --format json
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["scored"]==1 and d["errors"]==1, d' "$WORK/out" 2>"$WORK/py"; then
	ok "87.5 is an error, NA is a prediction without a score"
else
	not_ok "87.5 is an error, NA is a prediction without a score" "$(cat "$WORK/py")"
fi
n=$(sqlite3 "$DB" "select p.error from predictions p join models m on m.id = p.model where m.name = 'pct' and p.error is not null")
[ "$n" = "score not a number in [0, 1]" ] && ok "the error says why" || not_ok "the error says why" "$n"

finish
