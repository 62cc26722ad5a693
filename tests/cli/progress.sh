#!/bin/sh
# End-to-end: the progress line of ingest and run. On a terminal (a real
# pseudo-terminal from Python's pty module as standard error) it shows rows
# or cases done, the rate and the time left, is redrawn in place ("\r") and
# cleared at the end ("\r" + erase to the end of the line); with --quiet,
# or when standard error is a file, nothing is written there.
. "$(dirname "$0")/lib.sh"
FEAT="--feature x1 --feature x2"

# 20000 rows: the ingest calls back every 4096 rows
$PY - "$WORK/big.csv" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("case_id,decided_at,x1,x2,decision\n")
    for i in range(20000):
        f.write("b%d,2026-11-20T10:00:00Z,%d,%d,%s\n" % (i, i % 7, -(i % 5), "approve" if i % 3 else "deny"))
PYEOF

# on_tty OUT COMMAND...: runs COMMAND with standard error on a pty (standard
# output to OUT.stdout), writes what the terminal got to OUT
on_tty() {
	out=$1; shift
	$PY - "$out" "$@" <<'PYEOF'
import os, pty, subprocess, sys, tty
out = sys.argv[1]
master, slave = pty.openpty()
tty.setraw(slave)  # no newline translation: the bytes as written
with open(out + ".stdout", "wb") as so:
    p = subprocess.Popen(sys.argv[2:], stdout=so, stderr=slave, stdin=subprocess.DEVNULL)
os.close(slave)
got = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    got += chunk
p.wait()
open(out, "wb").write(got)
sys.exit(p.returncode)
PYEOF
}

# check_line NAME FILE UNIT: the terminal got a progress line with UNIT
# done, UNIT/s and the time left, drawn with "\r", then cleared, and what
# follows the clearing (run's summary) is plain lines
check_line() {
	if $PY - "$2" "$3" >"$WORK/py" 2>&1 <<'PYEOF'
import re, sys
t = open(sys.argv[1], "rb").read().decode()
unit = sys.argv[2]
end = t.rfind("\r\x1b[K")
assert end >= 0, repr(t)
assert "\r" not in t[end + 1:] and "\x1b" not in t[end + 4:], repr(t[end:])
draws = [d for d in t[:end].split("\r") if d]
lines = [d[:-3] for d in draws if d.endswith("\x1b[K") and len(d) > 3]
assert lines, repr(t)
pat = re.compile(r"[0-9,]+ (of [0-9,]+ )?%s, [0-9,]+ %s/s, [0-9]+%%, [0-9]+:[0-9]{2} left$" % (unit, unit))
assert any(pat.search(l) for l in lines), lines
assert "\n" not in t[:end], "the line is redrawn in place, never a new line"
PYEOF
	then ok "$1"; else not_ok "$1" "$(cat "$WORK/py")"; fi
}

if on_tty "$WORK/tty1" "$SG" ingest --db "$WORK/a.db" $FEAT "$WORK/big.csv"; then ok "ingest on a terminal"; else not_ok "ingest on a terminal" "$(cat "$WORK/tty1")"; fi
check_line "ingest draws rows, rate, percent and time left, then clears" "$WORK/tty1" rows
contains "the summary still goes to standard output" "$WORK/tty1.stdout" "ingested 20000 rows"

if on_tty "$WORK/tty2" "$SG" ingest --quiet --db "$WORK/b.db" $FEAT "$WORK/big.csv"; then ok "ingest --quiet on a terminal"; else not_ok "ingest --quiet on a terminal"; fi
[ ! -s "$WORK/tty2" ] && ok "--quiet: nothing on the terminal" || not_ok "--quiet: nothing on the terminal" "$(od -c "$WORK/tty2" | head -3)"

expect_exit "ingest with standard error to a file" 0 "$SG" ingest --db "$WORK/c.db" $FEAT "$WORK/big.csv"
[ ! -s "$WORK/err" ] && ok "not a terminal: nothing on standard error" || not_ok "not a terminal: nothing on standard error" "$(od -c "$WORK/err" | head -3)"

# run: 2000 cases in batches of 200, a slow exec model (about 1 ms a case)
"$SG" ingest -q --db "$WORK/r.db" $FEAT "$FX/runner/cases.csv" >/dev/null
if on_tty "$WORK/tty3" env SLEEP=0.001 "$SG" run --db "$WORK/r.db" $FEAT --model-name slow --model-version 1 --model-backend exec --model-command "python3 $FX/runner/slow.py" --model-batch 200; then ok "run on a terminal"; else not_ok "run on a terminal" "$(cat "$WORK/tty3")"; fi
check_line "run draws cases, rate, percent and time left, then clears" "$WORK/tty3" cases
if $PY -c 'import sys; t=open(sys.argv[1],"rb").read().decode(); n=t.count("\x1b[K"); assert n >= 3, (n, repr(t))' "$WORK/tty3" 2>"$WORK/py"; then
	ok "run redraws the line as it goes"
else
	not_ok "run redraws the line as it goes" "$(cat "$WORK/py")"
fi
expect_exit "run with standard error to a file" 0 env SLEEP=0 "$SG" run --db "$WORK/r.db" $FEAT --model-name slow --model-version 2 --model-backend exec --model-command "python3 $FX/runner/slow.py" --model-batch 200
# run's summary goes to standard error; no progress line is in it
if grep -q "$(printf '\r')\|$(printf '\033')\|cases/s," "$WORK/err"; then not_ok "run, not a terminal: no progress line" "$(od -c "$WORK/err" | head -5)"; else ok "run, not a terminal: no progress line"; fi
contains "run's summary is there" "$WORK/err" "2000 cases"

finish
