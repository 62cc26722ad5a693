#!/bin/sh
# End-to-end: the HTML page (report --format html, nightly's report.html).
# It parses with a strict HTML5 parser, points nowhere outside itself,
# renders hostile text as text in every chart and table, holds the
# report's numbers in its charts' tables, stays under 1 MB for 100 segment
# values and 50 features, and a headless Chromium renders the demo's page
# (the screenshot is kept in the test's folder as html-demo.png).
. "$(dirname "$0")/lib.sh"
CLI_DIR=$(cd "$(dirname "$0")" && pwd) # html_tables.py, for the page checks
ROOT=$(cd "$FX/.." && pwd)

# the tools this test needs; scripts/deps.sh installs them
command -v chromium >/dev/null || not_ok "chromium is installed" "run scripts/deps.sh"
$PY -c "import html5lib" 2>/dev/null || not_ok "python3-html5lib is installed" "run scripts/deps.sh"

# page_ok NAME FILE [NIGHTS]: a strict HTML5 parse without an error, and
# no src, href or url() that leaves the file (with NIGHTS, links to the
# nights' pages beside it, DATE/report.html, are expected)
page_ok() {
	if out=$($PY - "$2" "${3:-}" <<'PY' 2>&1
import re, sys
import html5lib
data = open(sys.argv[1], "rb").read()
p = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
try:
    doc = p.parse(data)
except Exception as e:
    sys.exit("not strict HTML5: %s %s" % (e, p.errors[:3]))
bad = []
for el in doc.iter():
    for k, v in el.attrib.items():
        k = k.split("}")[-1].lower()
        if k in ("src", "href", "xlink:href", "action", "srcset", "poster") or k.endswith("href"):
            if not v.startswith("#") and not (sys.argv[2] and re.fullmatch(
                    r"\d{4}-\d\d-\d\d/report\.html", v)):
                bad.append("%s=%r" % (k, v))
        if k.startswith("on"):
            bad.append("event handler %s" % k)
    if el.tag in ("script", "link", "iframe", "object", "embed", "img", "base"):
        bad.append("element %s" % el.tag)
text = data.decode("utf-8")
for u in re.findall(r"url\(([^)]*)\)", text):
    bad.append("url(%s)" % u)
for m in re.findall(r"(?:https?:|//)", "".join(
        el.text or "" for el in doc.iter() if el.tag == "style")):
    bad.append("style sheet: " + m)
if bad:
    sys.exit("points outside the page: " + ", ".join(bad[:5]))
PY
	); then ok "$1"; else not_ok "$1" "$out"; fi
}

# -- a labelled store: every section, numbers against the JSON -------------
MAP="--segment region --segment channel --feature income --feature age"
DB="$WORK/labels.db"
"$SG" ingest -q --db "$DB" $MAP --model-name triage --model-version v1 \
	"$FX/report/labels.csv" >/dev/null
expect_exit "report --format html" 0 "$SG" report --db "$DB" --no-store \
	--window-nights 0 --format html --output "$WORK/labels.html"
page_ok "the page is strict HTML5 and self-contained" "$WORK/labels.html"
"$SG" report --db "$DB" --no-store --window-nights 0 --format json >"$WORK/labels.json"
contains "the page names the model" "$WORK/labels.html" "Shadow report: <bdi>triage</bdi> version <bdi>v1</bdi>"
if grep -q 'id="verdict"' "$WORK/labels.html"; then
	not_ok "report's page has no verdict (no gate ran)" "$(grep -m1 verdict "$WORK/labels.html")"
else
	ok "report's page has no verdict (no gate ran)"
fi

# numbers CHECKS: each chart's data table against the JSON report
numbers() {
	if out=$(PYTHONPATH="$CLI_DIR" $PY - "$1" "$2" <<'PY' 2>&1
import json, sys
from html_tables import parse, f4
import html_tables
doc = parse(sys.argv[1])
rep = json.load(open(sys.argv[2]))
table = lambda id: html_tables.table(doc, id)
errs = []
def same(what, got, want):
    if got != want:
        errs.append("%s: page %r, report %r" % (what, got, want))
rows = table("nights-chart")
same("nights", [r[0] for r in rows], list(rep["nights"]))
for r in rows:
    n = rep["nights"][r[0]]
    same("night " + r[0], r[1:], [str(n["n"]), str(n["agree"]), f4(n["rate"]),
                                   f4(n["ci95"][0]), f4(n["ci95"][1])])
for i, (col, vals) in enumerate(rep["segments"].items()):
    rows = table("segment-%d" % i)
    same("segment values of " + col, sorted(r[0] for r in rows), sorted(vals))
    rates = [vals[r[0]]["rate"] for r in rows]
    same("worst first in " + col, rates, sorted(rates))
    for r in rows:
        v = vals[r[0]]
        same(col + "=" + r[0], r[1:6], [str(v["n"]), str(v["agree"]), f4(v["rate"]),
                                          f4(v["ci95"][0]), f4(v["ci95"][1])])
rows = table("confusion-chart")
same("confusion", [[int(x) for x in r[1:]] for r in rows], rep["confusion"]["matrix"])
same("confusion labels", [r[0] for r in rows], rep["confusion"]["labels"])
rows = table("classes-chart")
same("classes", sorted(r[0] for r in rows), sorted(rep["per_class"]))
for r in rows:
    c = rep["per_class"][r[0]]
    pci = c.get("precision_ci95") or [None, None]
    rci = c.get("recall_ci95") or [None, None]
    same("class " + r[0], r[1:], [f4(c["precision"]), f4(pci[0]), f4(pci[1]),
                                  f4(c["recall"]), f4(rci[0]), f4(rci[1]),
                                  f4(c["f1"]), str(c["support"])])
rows = table("agreement-chart")
a, k = rep["agreement"], rep["kappa"]
same("agreement", rows[0][1:4], [f4(a["rate"]), f4(a["ci95"][0]), f4(a["ci95"][1])])
same("kappa", rows[1][1:5], [f4(k["value"]), f4(k["ci95"][0]), f4(k["ci95"][1]), f4(k["se"])])
if rep["inputs"]["features"]:
    rows = table("missing-chart")
    for r in rows:
        same("missing " + r[0], r[2], f4(rep["inputs"]["features"][r[0]]["missing_rate"]))
if errs:
    sys.exit("\n".join(errs[:8]))
PY
	); then ok "$3"; else not_ok "$3" "$out"; fi
}
numbers "$WORK/labels.html" "$WORK/labels.json" "each chart's table holds the report's numbers"
if $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not any(c["precision_ci95"] and c["recall_ci95"] for c in r["per_class"].values()))' "$WORK/labels.json"; then
	ok "the per-class intervals compared are there"
else
	not_ok "the per-class intervals compared are there" "$(grep -m3 ci95 "$WORK/labels.json")"
fi
n=$(sed -n '/<figure class="sg-chart" id="classes-chart">/,/<\/figure>/p' "$WORK/labels.html" | grep -c '<line class="sg-ci"')
[ "$n" -gt 0 ] && ok "the class bars have error bars ($n)" || not_ok "the class bars have error bars" "none"
contains "a fresh store's page says no night is stored" "$WORK/labels.html" '<p>No night of this model is stored yet'
if grep -q '>min agreement</text>\|id="policy"' "$WORK/labels.html"; then
	not_ok "without a policy no threshold is drawn" "$(grep -m1 -o '>min agreement</text>' "$WORK/labels.html")"
else
	ok "without a policy no threshold is drawn"
fi

# -- the policy in force (config file and flags) on report's page ------------
cat >"$WORK/policy.json" <<'EOF2'
{"gate": {"min_agreement": 0.5, "min_segment_cases": 1000000,
          "min_segment_agreement": 0.45, "max_missing_rate": 0.3}}
EOF2
expect_exit "report --format html with a policy in the config" 0 "$SG" report \
	--db "$DB" --config "$WORK/policy.json" --min-kappa 0.35 --no-store \
	--window-nights 0 --format html --output "$WORK/policy.html"
page_ok "the policy page is strict HTML5 and self-contained" "$WORK/policy.html"
if out=$($PY - "$WORK/policy.html" <<'PY' 2>&1
import sys
import html5lib
doc = html5lib.parse(open(sys.argv[1], "rb").read(), namespaceHTMLElements=False)
errs = []
def fig(id):
    f = [f for f in doc.iter("figure") if f.get("id") == id]
    if not f:
        sys.exit("no chart " + id)
    return f[0]
def tags(root, name):
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag.split("}")[-1] == name]
def lines(id):
    return ["".join(t.itertext()) for g in tags(fig(id), "g")
            if g.get("class") == "sg-threshold" for t in tags(g, "text")]
for id, want in (("agreement-chart", "min agreement"), ("agreement-chart", "min kappa"),
                 ("nights-chart", "min agreement"), ("segment-0", "min segment agreement"),
                 ("missing-chart", "max missing rate")):
    if want not in lines(id):
        errs.append("%s: no line %r (%r)" % (id, want, lines(id)))
# every segment value has fewer than 1000000 cases: all greyed, not judged
for id in ("segment-0", "segment-1"):
    rows = [g for g in tags(fig(id), "g") if g.get("class") in ("sg-muted", "sg-row")]
    if not rows or any(g.get("class") != "sg-muted" for g in rows):
        errs.append(id + ": a value is not greyed")
    if not all("".join(tags(g, "text")[0].itertext()).endswith(" (not judged)") for g in rows):
        errs.append(id + ": a value is not marked not judged")
if any(s.get("id") == "verdict" for s in doc.iter("section")):
    errs.append("report's page shows a verdict")
if errs:
    sys.exit("\n".join(errs))
PY
); then ok "the config's and the flags' thresholds are drawn, small segments greyed as not judged"; else not_ok "the config's and the flags' thresholds are drawn, small segments greyed as not judged" "$out"; fi

# -- hostile text from the logs renders as text, everywhere -----------------
DB="$WORK/hostile.db"
"$SG" ingest -q --db "$DB" --segment region --feature '<b>f</b>' \
	--model-name '<i>m</i>' --model-version '"v1' "$FX/html/hostile.csv" >/dev/null
expect_exit "a hostile store's page is written" 0 "$SG" report --db "$DB" \
	--no-store --window-nights 0 --format html --output "$WORK/hostile.html"
page_ok "the hostile page is strict HTML5 with no script, handler or link" "$WORK/hostile.html"
if out=$($PY - "$WORK/hostile.html" <<'PY' 2>&1
import sys
import html5lib
doc = html5lib.parse(open(sys.argv[1], "rb").read(), namespaceHTMLElements=False)
label = "<script>alert(1)</script>"
seg = '" onmouseover="alert(1)" x="'
errs = []
for el in doc.iter():
    tag = el.tag.split("}")[-1] if isinstance(el.tag, str) else ""
    if tag in ("script", "img") or (tag in ("b", "i") and "".join(el.itertext()) in ("f", "m")):
        errs.append("a %s element from the logs" % tag)
# the label, as text, in every chart that shows labels and in their tables
def texts(root):
    return ["".join(t.itertext()) for t in root.iter()
            if isinstance(t.tag, str) and t.tag.split("}")[-1] in ("text", "td", "title")]
for fig_id in ("confusion-chart", "classes-chart", "labels-chart"):
    figs = [f for f in doc.iter("figure") if f.get("id") == fig_id]
    if not figs or not any(label in t for t in texts(figs[0])):
        errs.append("label not shown as text in chart " + fig_id)
for tab in ("confusion-chart", "classes-chart", "labels-chart"):
    d = [d for d in doc.iter("details") if d.get("id") == tab + "-data"]
    if not d or not any(label in t for t in texts(d[0])):
        errs.append("label not in table " + tab)
figs = [f for f in doc.iter("figure") if f.get("id") == "segment-0"]
if not figs or not any(seg in t for t in texts(figs[0])):
    errs.append("segment value not shown as text in the forest plot")
d = [d for d in doc.iter("details") if d.get("id") == "segment-0-data"]
if not d or not any(seg == t for t in texts(d[0])):
    errs.append("segment value not in its table")
d = [d for d in doc.iter("details") if d.get("id") == "missing-chart-data"]
if not d or not any("<b>f</b>" == t for t in texts(d[0])):
    errs.append("feature name not in its table")
alltext = "".join(doc.itertext())
for want in ("<img src=x onerror=alert(1)>", "<i>m</i>", '"v1'):
    if want not in alltext:
        errs.append("%r not shown as text" % want)
if errs:
    sys.exit("\n".join(errs))
PY
); then ok "hostile labels, values, features, case ids and model names are text in every chart and table"; else not_ok "hostile labels, values, features, case ids and model names are text in every chart and table" "$out"; fi

# -- 100 segment values and 50 features: under 1 MB -------------------------
$PY - "$WORK/big.csv" <<'PY'
import random, sys
random.seed(5)
feats = ["feature_%02d" % i for i in range(50)]
with open(sys.argv[1], "w") as f:
    f.write("case_id,decided_at,shop,decision,model_decision,model_score," + ",".join(feats) + "\n")
    for i in range(3000):
        night = "2026-11-%02d" % (1 + i % 10)
        h = random.choice(["a", "b", "c"])
        m = h if random.random() < 0.8 else random.choice(["a", "b", "c"])
        shift = 0.5 if night >= "2026-11-08" else 0.0
        vals = ["%.3f" % random.gauss(shift * (j % 3), 1) for j in range(50)]
        f.write("k%d,%sT10:00:00,shop%03d,%s,%s,%.3f,%s\n" % (
            i, night, i % 100, h, m, random.random(), ",".join(vals)))
PY
DB="$WORK/big.db"
FEATS=$(i=0; while [ $i -lt 50 ]; do printf -- '--feature feature_%02d ' $i; i=$((i + 1)); done)
"$SG" ingest -q --db "$DB" --segment shop $FEATS --model-name m --model-version 1 \
	"$WORK/big.csv" >/dev/null
expect_exit "a page with 100 segment values and 50 features" 0 "$SG" report --db "$DB" \
	--no-store --window-nights 0 --reference-nights 3 --format html --output "$WORK/big.html"
size=$(wc -c <"$WORK/big.html")
[ "$size" -lt 1048576 ] && ok "it is under 1 MB ($size bytes)" || not_ok "it is under 1 MB" "$size bytes"
contains "it draws the PSI of each feature" "$WORK/big.html" '<figure class="sg-chart" id="psi">'
contains "it draws the PSI by night and feature" "$WORK/big.html" '<figure class="sg-chart" id="psi-nights">'
n=$(grep -c '<text x="[0-9.]*" y="[0-9.]*" text-anchor="end">shop[0-9]*</text>' "$WORK/big.html")
[ "$n" = 100 ] && ok "the forest plot has a row for each of the 100 values" || not_ok "the forest plot has a row for each of the 100 values" "$n rows"
page_ok "the big page is strict HTML5 and self-contained" "$WORK/big.html"

# -- nightly on the demo: report.html with the verdict; Chromium renders it --
mkdir "$WORK/a"
cp -r "$FX/demo" "$WORK/a/demo"
(cd "$WORK/a/demo" && "$SG" nightly -q --config shadowgate.json >/dev/null 2>&1)
rc=$?
[ "$rc" = 1 ] && ok "the demo's night is no-go" || not_ok "the demo's night is no-go" "exit $rc"
PAGE=$(ls "$WORK"/reports/*/report.html 2>/dev/null | head -n 1)
if [ -n "$PAGE" ]; then ok "the demo's config writes report.html"; else
	not_ok "the demo's config writes report.html" "$(ls -R "$WORK/reports" 2>&1)"
	PAGE="$WORK/none.html"
fi
page_ok "nightly's page is strict HTML5 and self-contained" "$PAGE"
contains "nightly's page has the verdict" "$PAGE" '<section id="verdict" class="verdict v-no-go">'
contains "the failed check comes first, linked to its chart" "$PAGE" '<tbody>
<tr><td><a href="#segments">min_segment_agreement</a></td><td><bdi>channel=partner</bdi></td>'
contains "the failing segment value is marked in its forest plot" "$PAGE" '>partner (fails)</text>'
contains "the segment threshold is drawn" "$PAGE" '>min segment agreement</text>'
contains "the demo script says where to open it" "$ROOT/scripts/demo.sh" 'open the charts in a browser: file://'
contains "the README shows the demo's page" "$ROOT/README.md" '](docs/demo-report.png)'
if [ "$(head -c 4 "$ROOT/docs/demo-report.png" 2>/dev/null | od -An -c | tr -d ' ')" = "211PNG" ]; then
	ok "its picture is a PNG in the tree (scripts/screenshot.sh draws it)"
else
	not_ok "its picture is a PNG in the tree (scripts/screenshot.sh draws it)" "run sh scripts/screenshot.sh"
fi

PROFILE="$WORK/chromium"
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$PROFILE" \
	--enable-logging=stderr --v=0 --window-size=1000,2400 \
	--screenshot="$WORK/shot.png" "file://$PAGE" >/dev/null 2>"$WORK/chromium.err"
rc=$?
[ "$rc" = 0 ] && [ -s "$WORK/shot.png" ] && ok "headless Chromium renders the page" || not_ok "headless Chromium renders the page" "exit $rc" "$(tail -5 "$WORK/chromium.err")"
if grep -q "CONSOLE" "$WORK/chromium.err"; then
	not_ok "without a console message" "$(grep CONSOLE "$WORK/chromium.err" | head -3)"
else
	ok "without a console message"
fi
cp "$WORK/shot.png" ./html-demo.png 2>/dev/null || :
if out=$($PY - "$WORK/shot.png" <<'PY' 2>&1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h = struct.unpack(">II", body[:8])
    if kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
# a blank page filters to a handful of byte values; charts to many
if len(set(raw)) < 64:
    sys.exit("the screenshot looks blank: %d byte values" % len(set(raw)))
PY
); then ok "the screenshot is not blank"; else not_ok "the screenshot is not blank" "$out"; fi
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$PROFILE" \
	--dump-dom "file://$PAGE" >"$WORK/dom.html" 2>/dev/null
RATE=$($PY -c "import json,sys; r=json.load(open(sys.argv[1])); print('%.1f%%' % (100*r['agreement']['rate']))" "$(dirname "$PAGE")/report.json")
KAPPA=$($PY -c "import json,sys; r=json.load(open(sys.argv[1])); print('%.3f' % r['kappa']['value'])" "$(dirname "$PAGE")/report.json")
contains "the rendered DOM holds the headline agreement ($RATE)" "$WORK/dom.html" "<b>$RATE</b>"
contains "the rendered DOM holds the headline kappa ($KAPPA)" "$WORK/dom.html" "<b>$KAPPA</b>"
contains "the rendered DOM holds the verdict" "$WORK/dom.html" "Verdict: no-go"
numbers "$PAGE" "$(dirname "$PAGE")/report.json" "the demo's charts hold its report's numbers"
# -- the nights so far: nightly's reports/index.html, history --format html --
(cd "$WORK/a/demo" && "$SG" nightly -q --config shadowgate.json --date 2026-11-19 >/dev/null 2>&1)
INDEX="$WORK/reports/index.html"
[ -f "$INDEX" ] && ok "nightly writes reports/index.html" || not_ok "nightly writes reports/index.html" "$(ls "$WORK/reports")"
page_ok "the index is strict HTML5, linking only to the nights' pages" "$INDEX" nights
contains "the index links each night to its report.html" "$INDEX" '<a href="2026-11-19/report.html">2026-11-19</a>'
contains "the index links the later night too" "$INDEX" '<a href="2026-11-20/report.html">2026-11-20</a>'
contains "the index marks the verdicts" "$INDEX" '<td class="mark m-no-go">no-go</td>'
contains "the index draws the agreement trend" "$INDEX" '<figure class="sg-chart" id="agreement-trend">'
contains "the index draws the kappa trend" "$INDEX" '<figure class="sg-chart" id="kappa-trend">'
DB="$WORK/shadowgate-demo.db"
"$SG" history --db "$DB" --format html >"$WORK/history.html" 2>"$WORK/err"
rc=$?
[ "$rc" = 0 ] && ok "history --format html" || not_ok "history --format html" "exit $rc" "$(cat "$WORK/err")"
page_ok "history's page is strict HTML5 and self-contained" "$WORK/history.html"
if grep -q '<a href=' "$WORK/history.html"; then
	not_ok "history's page links nowhere (it is not in the reports folder)" "$(grep -m1 -o '<a href=[^>]*>' "$WORK/history.html")"
else
	ok "history's page links nowhere (it is not in the reports folder)"
fi
"$SG" history --db "$DB" --format json >"$WORK/history.json"
if out=$($PY - "$WORK/history.html" "$WORK/history.json" <<'PY' 2>&1
import json, sys
import html5lib
doc = html5lib.parse(open(sys.argv[1], "rb").read(), namespaceHTMLElements=False)
h = json.load(open(sys.argv[2]))
t = [t for t in doc.iter("table") if t.get("id") == "nights-data"][0]
rows = [["".join(td.itertext()) for td in tr.findall("td")] for tr in t.iter("tr") if tr.findall("td")]
f4 = lambda v: "\u2013" if v is None else "%.4f" % v
want = [[n["night"], n["model"], "%d" % n["cases"], f4(n["agreement"]["rate"]),
         f4(n["agreement"]["ci95"][0]), f4(n["agreement"]["ci95"][1]),
         f4(n["kappa"]["value"]), f4(n["kappa"]["ci95"][0]), f4(n["kappa"]["ci95"][1]),
         f4(n["change"]), n["verdict"] or "not gated", n["reason"] or ""] for n in h["nights"]]
if rows != want:
    sys.exit("page %r\nhistory %r" % (rows[:2], want[:2]))
t = [t for t in doc.iter("table") if t.get("id") == "runs-data"][0]
n = len([tr for tr in t.iter("tr") if tr.findall("td")])
if n != len(h["runs"]):
    sys.exit("%d runs on the page, %d in the history" % (n, len(h["runs"])))
PY
); then ok "history's tables hold the history's numbers"; else not_ok "history's tables hold the history's numbers" "$out"; fi

# -- the trend of the stored nights on the report's page ---------------------
(cd "$WORK/a/demo" && "$SG" nightly -q --config shadowgate.json --date 2026-11-18 >/dev/null 2>&1)
"$SG" history --db "$DB" --model claims-triage@2026-11-13 --format json >"$WORK/history.json"
"$SG" report --db "$DB" --config "$WORK/a/demo/shadowgate.json" --until 2026-11-19 \
	--no-store --format html --output "$WORK/trend.html" 2>"$WORK/err"
rc=$?
[ "$rc" = 0 ] && ok "report --format html on the demo's store" || not_ok "report --format html on the demo's store" "exit $rc" "$(cat "$WORK/err")"
page_ok "report's page with the trend is strict HTML5 and self-contained" "$WORK/trend.html"
# trend PAGE NIGHT: the trend's tables equal history's nights, NIGHT marked
trend() {
	PYTHONPATH="$CLI_DIR" $PY - "$1" "$WORK/history.json" "$2" <<'PY' 2>&1
import json, sys
from html_tables import parse, f4
import html_tables
doc = parse(sys.argv[1])
h = json.load(open(sys.argv[2]))["nights"]
table = lambda id: html_tables.table(doc, id)
ci = lambda s, i: s["ci95"][i] if s["ci95"] else None
if len(h) < 3:
    sys.exit("the store has %d nights, not 3" % len(h))
want = [[n["night"], "%d" % n["report"], "%d" % n["cases"], f4(n["agreement"]["rate"]),
         f4(ci(n["agreement"], 0)), f4(ci(n["agreement"], 1)), n["verdict"] or "not gated",
         "this report" if n["night"] == sys.argv[3] else ""] for n in h]
got = table("trend-chart")
if got != want:
    sys.exit("agreement: page %r\nhistory %r" % (got, want))
want = [[n["night"], f4(n["kappa"]["value"]), f4(ci(n["kappa"], 0)),
         f4(ci(n["kappa"], 1))] for n in h]
got = table("trend-kappa-chart")
if got != want:
    sys.exit("kappa: page %r\nhistory %r" % (got, want))
def tags(root, name):
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag.split("}")[-1] == name]
lines = ["".join(t.itertext()) for f in doc.iter("figure") if f.get("id") == "trend-chart"
         for g in tags(f, "g") if g.get("class") in ("sg-threshold", "sg-mark") for t in tags(g, "text")]
if lines != ["min agreement", "this report"]:
    sys.exit("trend chart lines %r" % lines)
PY
}
if out=$(trend "$WORK/trend.html" 2026-11-19); then ok "report's trend holds history's nights (agreement, kappa, intervals), its night marked"; else not_ok "report's trend holds history's nights (agreement, kappa, intervals), its night marked" "$out"; fi
if out=$(trend "$WORK/reports/2026-11-18/report.html" 2026-11-18); then ok "nightly's report.html has the trend of the nights in the store"; else not_ok "nightly's report.html has the trend of the nights in the store" "$out"; fi
finish
