#!/bin/sh
# End-to-end: the manual page (man/shadowgate.1) and the README keep up with
# the built binary. Every command of `shadowgate --help` has a section, every
# long option its --help prints is in the page, exit statuses 0-4 are
# documented, every top-level key of a real JSON report (and of the gate's
# JSON) and every config key is described, and the README starts with the
# two commands a new reader runs.
. "$(dirname "$0")/lib.sh"
MAN="$FX/../man/shadowgate.1"
README="$FX/../README.md"

if [ ! -f "$MAN" ]; then
	not_ok "the man page exists" "no file $MAN"
	finish
fi
ok "the man page exists"

# The page as text to search: font escapes removed, \- turned into -.
MANN="$WORK/man.txt"
sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' "$MAN" >"$MANN"

# section TITLE: the lines of the .SH section TITLE (normalised page)
section() {
	awk -v t="$1" '
		/^\.SH / { s = $0; sub(/^\.SH +/, "", s); gsub(/"/, "", s)
			   on = (s == t); next }
		on' "$MANN"
}

# missing_in FILE WORDS: prints the words of the file WORDS (one a line) that
# do not appear in FILE as a whole word (a word: letters, digits, _ . -),
# on one line; one process for all of them, not one a word
missing_in() {
	$PY -c 'import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
out = []
for w in open(sys.argv[2]).read().split():
    if not re.search(r"(?<![A-Za-z0-9_-])" + re.escape(w) + r"(?![A-Za-z0-9_-])", text):
        out.append(w)
print(" ".join(out))' "$1" "$2"
}

# tags FILE: the first word of each .TP / .TQ tag (the line after it)
tags() {
	awk 'prev ~ /^\.T[PQ]/ { s = $0; sub(/^\.[BI][RI]? +/, "", s)
				 gsub(/"/, "", s); split(s, w, " "); print w[1] }
	     { prev = $0 }' "$1"
}

# ---- commands and their options ----
"$SG" --help >"$WORK/help" 2>&1
cmds=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next }
	    on && !/^  / { on = 0 }' "$WORK/help")
if [ -n "$cmds" ]; then
	ok "shadowgate --help lists commands ($(echo $cmds))"
else
	not_ok "shadowgate --help lists commands" "$(cat "$WORK/help")"
fi

section "COMMANDS" >"$WORK/commands"
for cmd in $cmds; do
	if grep -qE -e "^\.SS +\"?${cmd}\"?[[:space:]]*\$" "$WORK/commands"; then
		ok "the man page has a section for '$cmd'"
	else
		not_ok "the man page has a section for '$cmd'" \
			"no '.SS $cmd' in the COMMANDS section of $MAN"
	fi
	if ! "$SG" "$cmd" --help >"$WORK/cmdhelp" 2>&1; then
		not_ok "every option of '$cmd --help' is in the man page" \
			"'shadowgate $cmd --help' failed:" "$(cat "$WORK/cmdhelp")"
		continue
	fi
	grep -oE -e '--[a-z0-9-]+' "$WORK/cmdhelp" | sort -u >"$WORK/opts"
	missing=$(missing_in "$MANN" "$WORK/opts")
	if [ -s "$WORK/opts" ] && [ -z "$missing" ]; then
		ok "every option of '$cmd --help' is in the man page"
	else
		not_ok "every option of '$cmd --help' is in the man page" \
			"missing: $missing"
	fi
done

# ---- exit status ----
section "EXIT STATUS" >"$WORK/exit"
if [ -s "$WORK/exit" ]; then
	ok "the man page has an EXIT STATUS section"
else
	not_ok "the man page has an EXIT STATUS section"
fi
for n in 0 1 2 3 4; do
	if grep -qE -e "^(\.B +|\.I +|\.IP +|\.TP +)?\"?${n}\"?([[:space:]]|\$)" "$WORK/exit"; then
		ok "exit status $n is documented"
	else
		not_ok "exit status $n is documented" "no tag '$n' in the EXIT STATUS section"
	fi
done

# ---- the JSON report ----
DB="$WORK/docs.db"
section "JSON REPORT" >"$WORK/jsonrep"
if "$SG" ingest --db "$DB" --segment region --feature income --feature age \
	"$FX/ingest/basic.csv" >"$WORK/out" 2>&1 &&
	"$SG" report --db "$DB" --format json --output "$WORK/report.json" \
		>"$WORK/out" 2>&1 &&
	$PY -c 'import json, sys
for k in json.load(open(sys.argv[1])): print(k)' "$WORK/report.json" \
		>"$WORK/keys" 2>"$WORK/out" && [ -s "$WORK/keys" ]; then
	ok "a real JSON report was built ($(wc -l <"$WORK/keys") top-level keys)"
	tags "$WORK/jsonrep" >"$WORK/jsontags"
	while read -r k; do
		if grep -qxF -e "$k" "$WORK/jsontags"; then
			ok "report key '$k' is described in JSON REPORT"
		else
			not_ok "report key '$k' is described in JSON REPORT" \
				"no '.TP' entry for '$k' in the JSON REPORT section of $MAN"
		fi
	done <"$WORK/keys"
	# nested keys (not the data-named ones: labels, segment columns and
	# values, nights, feature names) are named in the section too, in a
	# label report and in a numeric one (regression, outputs.human_mean)
	"$SG" ingest --db "$WORK/num.db" --decision-type numeric \
		"$FX/ingest/numeric.csv" >"$WORK/out" 2>&1
	"$SG" report --db "$WORK/num.db" --format json \
		--output "$WORK/numeric.json" >>"$WORK/out" 2>&1
	$PY -c 'import json, sys
dyn = {"per_class", "segments", "segments.*", "nights", "inputs.features",
       "outputs.labels", "software.nights", "outputs.version_change.nights"}
seen = set()
def walk(o, path):
    if isinstance(o, dict):
        for k, v in o.items():
            if path in dyn:
                walk(v, path + ".*")
            else:
                if path: seen.add(k)
                walk(v, (path + "." if path else "") + k)
    elif isinstance(o, list):
        for v in o: walk(v, path)
for f in sys.argv[1:]:
    walk(json.load(open(f)), "")
print("\n".join(sorted(seen)))' "$WORK/report.json" "$WORK/numeric.json" \
		>"$WORK/nested" 2>>"$WORK/out"
	missing=$(missing_in "$WORK/jsonrep" "$WORK/nested")
	if [ -s "$WORK/nested" ] && [ -z "$missing" ]; then
		ok "every nested report key ($(wc -l <"$WORK/nested")) is named in JSON REPORT"
	else
		not_ok "every nested report key is named in JSON REPORT" \
			"missing: $missing" "$(cat "$WORK/out")"
	fi
else
	not_ok "a real JSON report was built" "$(head -c 2000 "$WORK/out")"
fi

# ---- the gate's JSON ----
section "GATE JSON" >"$WORK/gatesec"
"$SG" gate --db "$DB" --min-cases 1 --min-agreement 0.5 --no-store \
	--format json >"$WORK/gate.json" 2>"$WORK/err"
if $PY -c 'import json, sys
g = json.load(open(sys.argv[1]))
for k in g: print(k)
for c in g["checks"]:
    for k in c: print(k)' "$WORK/gate.json" 2>"$WORK/out" | sort -u >"$WORK/gkeys" &&
	[ -s "$WORK/gkeys" ]; then
	missing=$(missing_in "$WORK/gatesec" "$WORK/gkeys")
	if [ -z "$missing" ]; then
		ok "every key of the gate's JSON is described in GATE JSON"
	else
		not_ok "every key of the gate's JSON is described in GATE JSON" \
			"missing: $missing"
	fi
else
	not_ok "every key of the gate's JSON is described in GATE JSON" \
		"no gate JSON:" "$(head -c 2000 "$WORK/err")" "$(cat "$WORK/out")"
fi

# ---- the config file: every key of fixtures/config/full.json ----
section "CONFIG FILE" >"$WORK/cfgsec"
$PY -c 'import json, sys
for k, v in json.load(open(sys.argv[1])).items():
    if isinstance(v, dict):
        for s in v: print(k, k + "." + s)
    else: print(k, k)' "$FX/config/full.json" >"$WORK/ckeys" 2>"$WORK/out"
for block in $(cut -d' ' -f1 "$WORK/ckeys" | uniq); do
	awk -v b="$block" '$1 == b { print $2 }' "$WORK/ckeys" >"$WORK/bkeys"
	missing=$(missing_in "$WORK/cfgsec" "$WORK/bkeys")
	if [ -s "$WORK/bkeys" ] && [ -z "$missing" ]; then
		ok "every '$block' config key is in CONFIG FILE"
	else
		not_ok "every '$block' config key is in CONFIG FILE" "missing: $missing"
	fi
done

# ---- the page renders without warnings (when groff is there) ----
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$MAN" >"$WORK/groff" 2>&1
	if [ ! -s "$WORK/groff" ]; then
		ok "groff -man -ww renders the page without warnings"
	else
		not_ok "groff -man -ww renders the page without warnings" \
			"$(head -c 2000 "$WORK/groff")"
	fi
else
	T=$((T + 1))
	echo "ok $T - groff -man -ww renders the page without warnings # SKIP groff not installed"
fi

# ---- the README starts with the two commands a reader runs ----
awk '/^    [^ ]/ { sub(/^ +/, ""); sub(/[ \t]*#.*$/, ""); print }' "$README" |
	head -n 2 >"$WORK/readme_cmds"
first=$(sed -n 1p "$WORK/readme_cmds")
second=$(sed -n 2p "$WORK/readme_cmds")
if [ "$first" = "sh scripts/demo.sh" ]; then
	ok "the README's first command is 'sh scripts/demo.sh'"
else
	not_ok "the README's first command is 'sh scripts/demo.sh'" "found '$first'"
fi
if [ "$second" = "sh scripts/test.sh" ]; then
	ok "the README's second command is 'sh scripts/test.sh'"
else
	not_ok "the README's second command is 'sh scripts/test.sh'" "found '$second'"
fi

finish
