#!/bin/sh
# End-to-end: monitoring through the built binary. Drift against a reference
# window (flags and config), the alarms as gate checks (text, JSON, JUnit),
# the Prometheus text format from `report` and from `nightly` (atomic file),
# checked by a strict parser written here and by promtool when installed.
. "$(dirname "$0")/lib.sh"
DB="$WORK/m.db"
MX="$FX/monitor"
MAP="--segment region --segment channel --feature income --feature age --feature const"

# json FILE EXPR...: the Python expressions hold for d = the parsed FILE
json() {
	f=$1
	shift
	$PY -c 'import json, math, sys
d = json.load(open(sys.argv[1]), parse_constant=lambda c: sys.exit("bad constant " + c))
for e in sys.argv[2:]:
    assert eval(e), e' "$f" "$@" 2>"$WORK/py"
}

jcheck() {
	name=$1
	shift
	if json "$@"; then ok "$name"; else not_ok "$name" "$(cat "$WORK/py")"; fi
}

# prom_parse FILE [VERSION]: a strict reader of the Prometheus text format
# 0.0.4 (the subset shadowgate writes: gauges, and summaries of quantiles
# only). Every family has one HELP and one TYPE line before its samples,
# names and label names are valid, a quantile label only in a summary,
# label values use only the \\ \" \n escapes, values are finite numbers,
# no series twice, the file ends with a line feed. With VERSION: every
# sample's version label reads back to it.
prom_parse() {
	$PY - "$@" 2>"$WORK/py" <<'PYEOF'
import math, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
want_version = sys.argv[2] if len(sys.argv) > 2 else None
assert text.endswith("\n"), "no final line feed"
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
label_re = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
sample_re = re.compile(r"^(%s)(?:\{((?:%s)(?:,%s)*)\})? (\S+)$" % (name_re, label_re, label_re))
help_seen, type_seen, series, current = set(), {}, set(), None
samples = 0
for n, line in enumerate(text.split("\n")[:-1], 1):
    assert line, "line %d is empty" % n
    if line.startswith("#"):
        m = re.match(r"^# (HELP|TYPE) (%s) (.+)$" % name_re, line)
        assert m, "line %d: bad comment %r" % (n, line)
        kind, name, rest = m.groups()
        if kind == "HELP":
            assert name not in help_seen, "line %d: second HELP for %s" % (n, name)
            help_seen.add(name)
            assert "\\" not in rest.replace("\\\\", "").replace("\\n", ""), "line %d: bad HELP escape" % n
        else:
            assert name not in type_seen, "line %d: second TYPE for %s" % (n, name)
            assert name in help_seen, "line %d: TYPE before HELP" % n
            assert rest in ("gauge", "summary"), "line %d: type %s" % (n, rest)
            type_seen[name] = rest
            current = name
        continue
    m = sample_re.match(line)
    assert m, "line %d: not a sample: %r" % (n, line)
    name, labels, value = m.group(1), m.group(2), m.groups()[-1]
    assert name == current, "line %d: %s outside its family %s" % (n, name, current)
    v = float(value)
    assert math.isfinite(v), "line %d: %s is not finite" % (n, value)
    pairs = re.findall(label_re, labels or "")
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "line %d: a label twice" % n
    assert ("quantile" in keys) == (type_seen[name] == "summary"), \
        "line %d: quantile label and type %s" % (n, type_seen[name])
    vals = {k: re.sub(r"\\(.)", lambda x: {"n": "\n"}.get(x.group(1), x.group(1)), v) for k, v in pairs}
    if want_version is not None and "version" in vals:
        assert vals["version"] == want_version, (vals["version"], want_version)
    key = (name, tuple(sorted(vals.items())))
    assert key not in series, "line %d: series twice" % n
    series.add(key)
    samples += 1
assert samples > 0, "no sample"
assert set(help_seen) == set(type_seen), "HELP without TYPE"
print(samples)
PYEOF
}

# prom_check NAME FILE [VERSION]: the parser always; promtool when installed
prom_check() {
	name=$1
	shift
	if prom_parse "$@" >"$WORK/prom_n"; then
		ok "$name: strict parser reads $(cat "$WORK/prom_n") samples"
	else
		not_ok "$name: strict parser" "$(cat "$WORK/py")" "$(head -c 2000 "$1")"
	fi
	if command -v promtool >/dev/null 2>&1; then
		if promtool check metrics <"$1" >"$WORK/promtool" 2>&1; then
			ok "$name: promtool check metrics"
		else
			not_ok "$name: promtool check metrics" "$(cat "$WORK/promtool")"
		fi
	else
		T=$((T + 1))
		echo "ok $T - $name: promtool check metrics # SKIP promtool not installed (the strict parser ran)"
	fi
}

# the parser refuses what it should (it is not a rubber stamp)
printf '# HELP a x\n# TYPE a gauge\na{v="\\q"} 1\n' >"$WORK/bad1.prom"
printf '# HELP a x\n# TYPE a gauge\na 1\nb 2\n' >"$WORK/bad2.prom"
printf '# HELP a x\n# TYPE a gauge\na NaN\n' >"$WORK/bad3.prom"
printf '# HELP a x\n# TYPE a gauge\na{v="1"} 1\na{v="1"} 2\n' >"$WORK/bad4.prom"
printf '# HELP a x\n# TYPE a gauge\na{quantile="0.5"} 1\n' >"$WORK/bad5.prom"
for b in 1 2 3 4 5; do
	if prom_parse "$WORK/bad$b.prom" >/dev/null; then
		not_ok "the strict parser refuses bad$b.prom"
	else
		ok "the strict parser refuses bad$b.prom"
	fi
done

expect_exit "ingest the drift fixture" 0 "$SG" ingest --db "$DB" $MAP \
	--model-name triage --model-version v1 "$MX/drift.csv"

# ---- drift against the first two nights ----
expect_exit "report with --reference-nights" 0 "$SG" report --db "$DB" --no-store \
	--format json --since 2026-11-03 --reference-nights 2
cp "$WORK/out" "$WORK/drift.json"
# the same numbers from numpy / scipy, here, from the CSV
if $PY - "$MX/drift.csv" "$WORK/drift.json" >"$WORK/py" 2>&1 <<'PYEOF'
import csv, json, math, sys
import numpy as np, scipy.stats, scipy.special
rows = list(csv.DictReader(open(sys.argv[1])))
d = json.load(open(sys.argv[2]))
ref = np.array([float(r["income"]) for r in rows if r["decided_at"][:10] <= "2026-11-02"])
win = np.array([float(r["income"]) for r in rows if r["decided_at"][:10] >= "2026-11-03"])
cuts = np.quantile(ref, np.arange(1, 10) / 10)
e = np.bincount(np.searchsorted(cuts, ref), minlength=10) / len(ref)
a = np.bincount(np.searchsorted(cuts, win), minlength=10) / len(win)
keep = (e > 0) | (a > 0)
e, a = np.maximum(e[keep], 1e-4), np.maximum(a[keep], 1e-4)
psi = float(np.sum((a - e) * np.log(a / e)))
f = d["inputs"]["features"]["income"]
assert abs(f["psi"] - psi) < 1e-9, (f["psi"], psi)
ks = scipy.stats.ks_2samp(ref, win)
assert abs(f["ks"] - ks.statistic) < 1e-12
en = len(ref) * len(win) / (len(ref) + len(win))
assert abs(f["ks_pvalue"] - scipy.special.kolmogorov(math.sqrt(en) * ks.statistic)) < 1e-12
assert d["inputs"]["ranking"][0] == "income"
assert d["inputs"]["reference"]["cases"] == 20
PYEOF
then ok "income's PSI and KS match numpy / scipy"; else not_ok "income's PSI and KS match numpy / scipy" "$(cat "$WORK/py")"; fi
jcheck "a feature missing on a whole night, a constant one, a new category" "$WORK/drift.json" \
	'd["inputs"]["nights"]["2026-11-05"]["features"]["age"]["missing_rate"] == 1' \
	'd["inputs"]["nights"]["2026-11-05"]["features"]["age"]["psi"] is None' \
	'd["inputs"]["features"]["const"]["psi"] == 0' \
	'd["inputs"]["segments"]["region"]["unseen"] == ["west"]' \
	'd["inputs"]["psi_floor"] == 0.0001' 'd["inputs"]["ks_pvalue_method"] == "asymptotic"' \
	'd["outputs"]["chi_square"]["df"] == 2' 'len(d["outputs"]["score_deciles"]) == 11' \
	'set(d["outputs"]["nights"]) == {"2026-11-03", "2026-11-04", "2026-11-05"}'

expect_exit "report with --reference-since / --reference-until" 0 "$SG" report \
	--db "$DB" --no-store --format json --window-nights 0 \
	--reference-since 2026-11-02 --reference-until 2026-11-04
jcheck "the explicit reference window" "$WORK/out" \
	'd["inputs"]["reference"]["how"] == "since_until"' \
	'd["inputs"]["reference"]["cases"] == 30' \
	'd["inputs"]["reference"]["overlaps_window"] is True'
expect_exit "an empty reference window is not an error" 0 "$SG" report --db "$DB" \
	--no-store --format json --reference-since 2020-01-01 --reference-until 2020-01-31
jcheck "an empty reference window is said, psi is null" "$WORK/out" \
	'd["inputs"]["reference"]["cases"] == 0' \
	'"has no cases" in d["inputs"]["reference"]["note"]' \
	'all(f["psi"] is None for f in d["inputs"]["features"].values())'
expect_exit "the text report says so too" 0 "$SG" report --db "$DB" --no-store \
	--reference-since 2020-01-01 --reference-until 2020-01-31
contains "text names the empty reference" "$WORK/out" "2020-01-01 .. 2020-01-31 has no cases"
expect_exit "a bad --reference-since is a usage error" 2 "$SG" report --db "$DB" \
	--reference-since 2026-11-31
contains "the flag is named" "$WORK/err" "--reference-since: not a night"
expect_exit "a reference that ends before it starts is a usage error" 2 "$SG" report \
	--db "$DB" --no-store --reference-since 2026-11-04 --reference-until 2026-11-01
expect_exit "a negative --reference-nights is a usage error" 2 "$SG" report --db "$DB" \
	--reference-nights -1

# config keys, and a flag over them
cat >"$WORK/mon.json" <<EOF
{"report": {"reference_nights": 2, "window_nights": 3},
 "gate": {"max_psi": 0.25, "max_missing_rate": 0.5, "max_label_shift": 0.2}}
EOF
expect_exit "report with report.reference_nights" 0 "$SG" report --db "$DB" \
	--config "$WORK/mon.json" --no-store --format json
jcheck "the config's reference" "$WORK/out" \
	'd["inputs"]["reference"]["until"] == "2026-11-02"' 'd["window"]["since"] == "2026-11-03"'
expect_exit "--reference-since over the config's reference_nights" 0 "$SG" report \
	--db "$DB" --config "$WORK/mon.json" --no-store --format json \
	--reference-since 2026-11-03 --reference-until 2026-11-03
jcheck "the flag won" "$WORK/out" 'd["inputs"]["reference"]["cases"] == 10'
printf '{"gate": {"max_psi": -1}}' >"$WORK/bad.json"
expect_exit "gate.max_psi out of range is a config error" 2 "$SG" gate --db "$DB" \
	--config "$WORK/bad.json"
contains "the key is named" "$WORK/err" "'gate.max_psi': -1 is out of range [0, inf)"

# ---- alarms as gate checks ----
expect_exit "gate: PSI above max_psi is no-go" 1 "$SG" gate --db "$DB" --no-store \
	--config "$WORK/mon.json" --format json
jcheck "max_psi fails on income, the rest pass" "$WORK/out" \
	'd["verdict"] == "no-go"' \
	'[c["subject"] for c in d["checks"] if c["name"] == "max_psi" and c["outcome"] == "fail"] == ["feature=income", "feature=age"]' \
	'[c["outcome"] for c in d["checks"] if c["name"] == "max_missing_rate"] == ["pass", "pass", "pass"]' \
	'[c["outcome"] for c in d["checks"] if c["name"] == "max_label_shift"] == ["pass"]'
expect_exit "gate: flags over the config, all under their maxima" 0 "$SG" gate --db "$DB" \
	--no-store --config "$WORK/mon.json" --max-psi 10 --max-missing-rate 0.4 \
	--max-label-shift 0.1
expect_exit "gate: missing rate above the maximum" 1 "$SG" gate --db "$DB" --no-store \
	--config "$WORK/mon.json" --max-psi 10 --max-missing-rate 0.39
contains "the failing feature is named" "$WORK/out" "max_missing_rate (feature=age)"
expect_exit "gate: label shift above the maximum" 1 "$SG" gate --db "$DB" --no-store \
	--config "$WORK/mon.json" --max-psi 10 --max-label-shift 0.09 --format junit
contains "JUnit has the label shift failure" "$WORK/out" 'name="max_label_shift label=approve"'
expect_exit "gate: without a reference max_psi is not judged" 0 "$SG" gate --db "$DB" \
	--no-store --max-psi 0.01 --format json
jcheck "one not-judged max_psi check says why" "$WORK/out" \
	'[c["outcome"] for c in d["checks"]] == ["not judged"]' \
	'"no reference window" in d["checks"][0]["detail"]'
# learned thresholds: mean + k std over the first three nights
expect_exit "gate --learn-from-reference: income drifts past its learned band" 1 \
	"$SG" gate --db "$DB" --no-store --since 2026-11-03 --reference-nights 3 \
	--learn-from-reference --format json
jcheck "learned checks name their nights and fail where the data moved" "$WORK/out" \
	'[c["subject"] for c in d["checks"] if c["outcome"] == "fail"] == ["feature=income", "feature=age"]' \
	'[c["name"] for c in d["checks"] if c["outcome"] == "fail"] == ["learned_psi", "learned_missing_rate"]' \
	'all("over 3 reference nights 2026-11-01 .. 2026-11-03" in c["detail"] for c in d["checks"])' \
	'{c["name"] for c in d["checks"]} == {"learned_psi", "learned_missing_rate", "learned_error_rate", "learned_label_shift"}'
expect_exit "a larger --learn-k lets the PSI pass" 1 "$SG" gate --db "$DB" --no-store \
	--since 2026-11-03 --reference-nights 3 --learn-from-reference --learn-k 100 --format json
jcheck "only the night with age missing everywhere still fails" "$WORK/out" \
	'[c["name"] for c in d["checks"] if c["outcome"] == "fail"] == ["learned_missing_rate"]'
printf '{"report": {"reference_nights": 3}, "gate": {"learn_from_reference": true, "learn_k": 100}}' >"$WORK/learn.json"
expect_exit "learn_from_reference in the config" 1 "$SG" gate --db "$DB" --no-store \
	--config "$WORK/learn.json" --since 2026-11-03 --format junit
contains "JUnit names the learned check" "$WORK/out" 'name="learned_missing_rate feature=age"'
expect_exit "--learn-k 0 is a usage error" 2 "$SG" gate --db "$DB" --learn-from-reference --learn-k 0
expect_exit "--learn-from-reference without a reference is not judged" 0 "$SG" gate \
	--db "$DB" --no-store --learn-from-reference --format json
jcheck "one not-judged check says why" "$WORK/out" \
	'[(c["name"], c["outcome"]) for c in d["checks"]] == [("learn_from_reference", "not judged")]'
expect_exit "--max-psi below 0 is a usage error" 2 "$SG" gate --db "$DB" --max-psi -0.1
expect_exit "--max-missing-rate above 1 is a usage error" 2 "$SG" gate --db "$DB" --max-missing-rate 1.5
expect_exit "--max-label-shift not a number is a usage error" 2 "$SG" gate --db "$DB" --max-label-shift x

# ---- Prometheus ----
expect_exit "report --format prometheus" 0 "$SG" report --db "$DB" --no-store \
	--format prometheus --config "$WORK/mon.json" --output "$WORK/report.prom"
prom_check "report --format prometheus" "$WORK/report.prom" v1
contains "agreement with model and version labels" "$WORK/report.prom" \
	'shadowgate_agreement_rate{model="triage",version="v1"} 0.9'
contains "per-feature PSI" "$WORK/report.prom" 'shadowgate_feature_psi{model="triage",version="v1",feature="income"} '
contains "HELP and TYPE lines" "$WORK/report.prom" '# TYPE shadowgate_kappa gauge'
# latency quantiles come from the latest run (logged predictions have none)
sqlite3 "$DB" "INSERT INTO runs(model, started_at, finished_at, status, cases,
	scored, errors, p50_ms, p95_ms, p99_ms) VALUES (1, '2026-11-05T23:00:00Z',
	'2026-11-05T23:01:00Z', 'done', 50, 49, 1, 1.5, 3.25, 7)"
expect_exit "report --format prometheus after a run" 0 "$SG" report --db "$DB" --no-store \
	--format prometheus --config "$WORK/mon.json" --output "$WORK/run.prom"
prom_check "latency quantiles" "$WORK/run.prom" v1
contains "p95 latency in seconds" "$WORK/run.prom" \
	'shadowgate_latency_seconds{model="triage",version="v1",quantile="0.95"} 0.00325'
# a version that needs escaping, end to end
DB2="$WORK/esc.db"
V='v"1\x'
expect_exit "ingest a version with a quote and a backslash" 0 "$SG" ingest --db "$DB2" $MAP \
	--model-name triage --model-version "$V" "$MX/drift.csv"
expect_exit "report it as prometheus" 0 "$SG" report --db "$DB2" --no-store \
	--format prometheus --output "$WORK/esc.prom"
prom_check "escaped label values" "$WORK/esc.prom" "$V"
contains "the quote and the backslash are escaped" "$WORK/esc.prom" 'version="v\"1\\x"'

# ---- nightly: the Prometheus file, atomically, with the verdict ----
mkdir -p "$WORK/metrics"
echo "old content" >"$WORK/metrics/sg.prom"
cat >"$WORK/nightly.json" <<EOF
{"store": "$WORK/night.db",
 "log": {"glob": "$MX/drift.csv", "segments": ["region", "channel"],
         "features": ["income", "age", "const"]},
 "model": {"name": "triage", "version": "v1"},
 "report": {"window_nights": 3, "reference_nights": 2, "dir": "$WORK/reports",
            "formats": ["json", "prometheus"],
            "prometheus_path": "$WORK/metrics/sg.prom"},
 "gate": {"min_cases": 10, "max_psi": 0.25}}
EOF
expect_exit "nightly with a PSI alarm says no-go" 1 "$SG" nightly --config "$WORK/nightly.json"
contains "the summary names the drifting feature" "$WORK/out" "max_psi (feature=income)"
contains "the summary names the metrics file" "$WORK/out" "$WORK/metrics/sg.prom"
prom_check "nightly's Prometheus file" "$WORK/metrics/sg.prom" v1
contains "the verdict is in it" "$WORK/metrics/sg.prom" \
	'shadowgate_gate_verdict{model="triage",version="v1",verdict="no-go"} 1'
contains "the other verdicts are 0" "$WORK/metrics/sg.prom" \
	'shadowgate_gate_verdict{model="triage",version="v1",verdict="go"} 0'
if grep -q "old content" "$WORK/metrics/sg.prom"; then not_ok "the old file was replaced"; else ok "the old file was replaced"; fi
if ls -a "$WORK/metrics" | grep -q '\.tmp'; then
	not_ok "no temporary file is left" "$(ls -a "$WORK/metrics")"
else
	ok "no temporary file is left"
fi
[ -s "$WORK/reports/2026-11-05/report.prom" ] && ok "report.prom in the night's folder" ||
	not_ok "report.prom in the night's folder" "$(ls "$WORK/reports/2026-11-05")"
prom_check "the night folder's report.prom" "$WORK/reports/2026-11-05/report.prom" v1
jcheck "the stored report has the drift" "$WORK/reports/2026-11-05/report.json" \
	'd["inputs"]["reference"]["cases"] == 20' 'd["inputs"]["ranking"][0] == "income"'
# an unwritable metrics path stops the night with exit 3
sed "s|$WORK/metrics/sg.prom|$WORK/no/such/dir/sg.prom|" "$WORK/nightly.json" >"$WORK/nightly2.json"
expect_exit "an unwritable prometheus_path is a runtime error" 3 "$SG" nightly --config "$WORK/nightly2.json"
contains "the path is named" "$WORK/err" "$WORK/no/such/dir/.sg.prom.tmp"

finish
