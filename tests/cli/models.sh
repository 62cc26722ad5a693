#!/bin/sh
# End-to-end: the xgboost backend against models trained from a pandas
# DataFrame (their feature names checked against the configured order, a
# feature map for logs whose columns are named otherwise, predictions
# against XGBoost's own: fixtures/models/named_expected.csv, written by
# scripts/train_fixture_models.py), files that are not models, and an
# exec model's start-up time kept out of its latencies.
. "$(dirname "$0")/lib.sh"
M="$FX/models"
MODEL="--model-backend xgboost --model-path $M/named.json --model-labels no,yes"
FEAT="--feature income --feature age --feature debt_ratio"
RFEAT="--feature monthly_income --feature age_years --feature debt_ratio"

# same DB N: the stored predictions of model n@N against XGBoost's own
# (same label; the score, the probability of that label, within 1e-6)
same() {
	sqlite3 -csv "$1" "select c.case_id, p.label, p.score from predictions p join cases c on c.id = p.case_ref join models m on m.id = p.model where m.name = 'n' and m.version = '$2' and p.is_current" >"$WORK/got.csv"
	$PY -c 'import csv, sys
want = {r["case_id"]: r for r in csv.DictReader(open(sys.argv[1]))}
got = list(csv.reader(open(sys.argv[2])))
assert len(got) == len(want) == 40, (len(got), len(want))
for cid, label, score in got:
    w = want[cid]
    assert label == w["label"], (cid, label, w)
    assert abs(float(score) - float(w["score"])) < 1e-6, (cid, score, w)' "$M/named_expected.csv" "$WORK/got.csv"
}

DB="$WORK/named.db"
check "the log with the model's column names is ingested" "$SG" ingest -q --db "$DB" $FEAT "$M/named_cases.csv"

# the configured features reversed: same count, other order
expect_exit "features in another order than the model's are refused (exit 2)" 2 \
	"$SG" run --db "$DB" --feature debt_ratio --feature age --feature income --model-name n --model-version 1 $MODEL
contains "the refusal names the first position that differs and both names" "$WORK/err" \
	"feature order differs from the model's feature_names at position 1: the model has 'income', log.features has 'debt_ratio'"
n=$(sqlite3 "$DB" "select count(*) from runs")
[ "$n" = 0 ] && ok "the refused run is not recorded" || not_ok "the refused run is not recorded" "$n runs"

expect_exit "the model's own order is accepted" 0 "$SG" run --db "$DB" $FEAT --model-name n --model-version 1 $MODEL
if same "$DB" 1 2>"$WORK/py"; then ok "its predictions are XGBoost's own"; else not_ok "its predictions are XGBoost's own" "$(cat "$WORK/py")"; fi

expect_exit "with no features configured the model's names are used" 0 "$SG" run --db "$DB" --model-name n --model-version 2 $MODEL
contains "and the run says so" "$WORK/err" "features from the model's feature names: income, age, debt_ratio"
if same "$DB" 2 2>"$WORK/py"; then ok "with the same predictions"; else not_ok "with the same predictions" "$(cat "$WORK/py")"; fi

# a model without names (trained from a numpy array) and no features
# configured: the three stored columns, in their stored order
expect_exit "a model without names takes the stored feature columns" 0 "$SG" run --db "$DB" --model-name plain --model-version 1 --model-backend xgboost --model-path "$M/binary.json" --model-labels deny,approve --format json
if $PY -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["features_source"] == "the feature columns stored at ingest" and d["features"] == ["income", "age", "debt_ratio"], d' "$WORK/out" 2>"$WORK/py"; then
	ok "and says so in its JSON"
else
	not_ok "and says so in its JSON" "$(cat "$WORK/py")"
fi

# a log whose columns are named otherwise than the model's features
DB="$WORK/renamed.db"
check "the log with other column names is ingested" "$SG" ingest -q --db "$DB" $RFEAT "$M/named_renamed.csv"
expect_exit "other column names without a map are refused (exit 2)" 2 "$SG" run --db "$DB" $RFEAT --model-name n --model-version 1 $MODEL
contains "naming both names" "$WORK/err" "position 1: the model has 'income', log.features has 'monthly_income'"
cat >"$WORK/map.json" <<JSON
{"log": {"features": ["monthly_income", "age_years", "debt_ratio"]},
 "model": {"name": "n", "version": "1", "backend": "xgboost",
           "path": "$M/named.json", "labels": ["no", "yes"],
           "feature_map": {"income": "monthly_income", "age": "age_years"}}}
JSON
expect_exit "model.feature_map says which column feeds which feature" 0 "$SG" run --db "$DB" --config "$WORK/map.json"
if same "$DB" 1 2>"$WORK/py"; then ok "mapped, the predictions are XGBoost's own"; else not_ok "mapped, the predictions are XGBoost's own" "$(cat "$WORK/py")"; fi
cat >"$WORK/badmap.json" <<JSON
{"log": {"features": ["age_years", "monthly_income", "debt_ratio"]},
 "model": {"name": "n", "version": "2", "backend": "xgboost",
           "path": "$M/named.json", "labels": ["no", "yes"],
           "feature_map": {"income": "monthly_income", "age": "age_years"}}}
JSON
expect_exit "a map is no way around the order check" 2 "$SG" run --db "$DB" --config "$WORK/badmap.json"
contains "the refusal names the mapped column" "$WORK/err" \
	"position 1: the model has 'income', log.features has 'age' (column 'age_years', by model.feature_map)"
expect_exit "a mapped column that is not configured is refused" 2 "$SG" run --db "$DB" --feature debt_ratio --model-feature-map income=monthly_income --model-name n --model-version 2 $MODEL
contains "naming the column" "$WORK/err" "model.feature_map: column 'monthly_income' (for feature 'income') is not one of log.features"
expect_exit "a column named as a feature another column feeds is refused" 2 "$SG" run --db "$DB" --feature monthly_income --feature age --feature age_years --model-feature-map income=monthly_income --model-feature-map age=age_years --model-name n --model-version 2 $MODEL
contains "naming both columns" "$WORK/err" "log.features: column 'age' feeds no feature, as model.feature_map feeds 'age' from column 'age_years'"
expect_exit "--model-feature-map with no features configured uses the model's names" 0 "$SG" run --db "$DB" --model-feature-map income=monthly_income --model-feature-map age=age_years --model-name n --model-version 2 $MODEL
contains "fed from the mapped columns" "$WORK/err" "features from the model's feature names: monthly_income, age_years, debt_ratio"
if same "$DB" 2 2>"$WORK/py"; then ok "flag-mapped, the predictions are XGBoost's own"; else not_ok "flag-mapped, the predictions are XGBoost's own" "$(cat "$WORK/py")"; fi
expect_exit "without a map or features, a column the model needs is missing" 2 "$SG" run --db "$DB" --model-name n --model-version 3 $MODEL
contains "which is named" "$WORK/err" "the model's feature 'income' (position 1) needs the column 'income', which is not among the feature columns stored at ingest (monthly_income, age_years, debt_ratio)"
expect_exit "a feature map value that is not a string is a config error" 2 "$SG" run --db "$DB" --config "$FX/config/bad_feature_map.json"
contains "naming the key" "$WORK/err" "'model.feature_map.age': expected a string (a log column), found a number"

# files that are not models: exit 3 and one plain sentence, no C++ text
for f in not_a_model.csv empty.json truncated.json; do
	expect_exit "$f is not a model (exit 3)" 3 "$SG" run --db "$DB" $RFEAT --model-name "bad-$f" --model-version 1 --model-backend xgboost --model-path "$M/$f" --model-labels no,yes
	contains "$f: the message says what is wrong" "$WORK/err" "$M/$f: not an XGBoost model file (expected JSON or UBJ)"
done

# an exec model that sleeps 2 s before it reads: its start-up is recorded
# on its own and is not in the latencies (40 cases, p95 well under 1 s)
expect_exit "a slow-starting exec model runs" 0 "$SG" run --db "$DB" $RFEAT --model-name slow --model-version 1 --model-backend exec --model-command "python3 $FX/exec/model.py --slow-start 2" --format json
if $PY -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["startup_ms"] >= 2000 and d["p95_ms"] < 1000 and d["p99_ms"] < 1000 and d["latency_method"] == "per request", d' "$WORK/out" 2>"$WORK/py"; then
	ok "startup_ms >= 2000 and p95 < 1000 ms in the run's JSON"
else
	not_ok "startup_ms >= 2000 and p95 < 1000 ms in the run's JSON" "$(cat "$WORK/py")"
fi
v=$(sqlite3 "$DB" "select startup_ms >= 2000 and p95_ms < 1000 from runs r join models m on m.id = r.model where m.name = 'slow'")
[ "$v" = 1 ] && ok "the run record has startup_ms apart from p95_ms" || not_ok "the run record has startup_ms apart from p95_ms" "$v"
"$SG" report --db "$DB" --model slow@1 --format json >"$WORK/rep.json" 2>"$WORK/err"
if $PY -c 'import json, sys; s = json.load(open(sys.argv[1]))["software"]; assert s["startup_ms"] >= 2000 and s["p95_ms"] < 1000 and s["latency_method"] == "per request", s' "$WORK/rep.json" 2>"$WORK/py"; then
	ok "the report's software block has startup_ms and latency_method"
else
	not_ok "the report's software block has startup_ms and latency_method" "$(cat "$WORK/py")"
fi
"$SG" report --db "$DB" --model slow@1 --format text >"$WORK/rep.txt" 2>&1
contains "the text report says what a latency is" "$WORK/rep.txt" "a latency is: per request"
contains "and shows the start-up apart" "$WORK/rep.txt" "(not in the latencies)"
"$SG" report --db "$DB" --model slow@1 --format markdown >"$WORK/rep.md" 2>&1
contains "the Markdown report says what a latency is" "$WORK/rep.md" "A latency is: per request."
"$SG" report --db "$DB" --model n@1 --format json >"$WORK/rep.json" 2>"$WORK/err"
if $PY -c 'import json, sys; s = json.load(open(sys.argv[1]))["software"]; assert s["startup_ms"] is None and s["latency_method"] == "chunk time / chunk size", s' "$WORK/rep.json" 2>"$WORK/py"; then
	ok "an xgboost run has no start-up time and says what its latency is"
else
	not_ok "an xgboost run has no start-up time and says what its latency is" "$(cat "$WORK/py")"
fi

finish
