#!/bin/sh
# End-to-end: gate.xml (the gate's JUnit XML) is valid against the Jenkins
# xUnit plugin's JUnit schema (tests/junit-jenkins-xunit.xsd) and the Ant
# JUnit schema (tests/junit-ant.xsd), checked with xmllint --schema; a
# control character in a segment value is replaced, not written as a
# character reference XML 1.0 forbids; each failure's body holds that
# check's own value, interval and threshold.
# fixtures/junit/segments.csv: region north 10/10 agree, south 7/10, and
# "east" followed by ESC [31m 5/10.
. "$(dirname "$0")/lib.sh"
XSD_DIR="$FX/../tests"
SEGS="$FX/junit/segments.csv"
DB="$WORK/j.db"

if ! command -v xmllint >/dev/null 2>&1; then
	not_ok "xmllint is installed (scripts/deps.sh installs libxml2-utils)"
	finish
fi
ok "xmllint is installed"

valid() { # valid NAME FILE
	for x in junit-jenkins-xunit junit-ant; do
		if xmllint --noout --schema "$XSD_DIR/$x.xsd" "$2" >"$WORK/xl" 2>&1; then
			ok "$1: valid against $x.xsd"
		else
			not_ok "$1: valid against $x.xsd" "$(head -c 2000 "$WORK/xl")"
		fi
	done
}

expect_exit "ingest the segments" 0 "$SG" ingest --db "$DB" --segment region "$SEGS"
expect_exit "the gate fails three segments" 1 "$SG" gate --db "$DB" --min-segment-agreement 0.9 --min-segment-cases 5 --min-cases 10 --format junit
cp "$WORK/out" "$WORK/gate.xml"
valid "failed segment checks" "$WORK/gate.xml"
if grep -q '&#x1b;\|&#27;' "$WORK/gate.xml" || LC_ALL=C grep -q "$(printf '\033')" "$WORK/gate.xml"; then
	not_ok "no escape character, raw or as a reference" "$(grep -n 'east' "$WORK/gate.xml" | head -3)"
else
	ok "no escape character, raw or as a reference"
fi
contains "the escape is replaced by U+FFFD" "$WORK/gate.xml" "region=east$(printf '\357\277\275')[31m"

# each failure's body: its own check's numbers. Wilson intervals from
# statsmodels (proportion_confint, method="wilson"), not from shadowgate.
if $PY - "$WORK/gate.xml" >"$WORK/py" 2>&1 <<'PYEOF'
import sys, xml.etree.ElementTree as ET
from statsmodels.stats.proportion import proportion_confint
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and not root.attrib, root.attrib
suite = root.find("testsuite")
for a in ("name", "tests", "failures", "errors", "skipped", "time",
          "timestamp", "hostname", "package", "id"):
    assert suite.get(a) is not None, a
assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "3", "0")
bodies = {}
for case in suite.findall("testcase"):
    assert case.get("time") is not None and case.get("classname"), case.attrib
    f = case.find("failure")
    if f is not None:
        bodies[case.get("name")] = f.text
want = {"region=east\ufffd[31m": 5, "region=north": 10, "region=south": 7}
assert len(bodies) == 3, bodies.keys()
assert len(set(bodies.values())) == 3, "every failure has the same body"
for subject, k in want.items():
    body = bodies["min_segment_agreement " + subject]
    lo, hi = proportion_confint(k, 10, method="wilson")
    rate = "1" if k == 10 else "%.4f" % (k / 10)
    hi_s = "1" if hi >= 1 - 1e-12 else "%.4f" % hi
    for line in ("subject: " + subject, "value: " + rate,
                 "interval: [%.4f, %s]" % (lo, hi_s), "threshold: >= 0.9000",
                 "judged on: %.4f" % lo):
        assert line in body.splitlines(), (line, body)
PYEOF
then ok "each failure's body holds its own value, interval and threshold"; else not_ok "each failure's body holds its own value, interval and threshold" "$(cat "$WORK/py")"; fi

expect_exit "a passing gate" 0 "$SG" gate --db "$DB" --min-cases 10 --format junit
cp "$WORK/out" "$WORK/pass.xml"
valid "a passing gate" "$WORK/pass.xml"
expect_exit "an insufficient gate (a skipped check)" 4 "$SG" gate --db "$DB" --min-cases 1000 --format junit
cp "$WORK/out" "$WORK/skip.xml"
valid "a check not judged" "$WORK/skip.xml"

# nightly writes the same format as gate.xml
cat >"$WORK/n.json" <<JSON
{"log": {"glob": "$SEGS", "segments": ["region"]},
 "model": {"name": "m", "version": "1", "backend": "logged"},
 "report": {"formats": ["json"]},
 "gate": {"min_cases": 10, "min_segment_agreement": 0.6, "min_segment_cases": 5}}
JSON
expect_exit "nightly" 1 "$SG" nightly --config "$WORK/n.json" --db "$WORK/n.db" --out-dir "$WORK/reports"
valid "nightly's gate.xml" "$WORK/reports/2026-11-20/gate.xml"

finish
