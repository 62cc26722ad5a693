# Shared helpers for the end-to-end tests: TAP output, a temporary folder.
# SG_BIN is the built binary, SG_FIXTURES the fixtures folder.
set -u
T=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sg-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SG=${SG_BIN:?SG_BIN must name the built shadowgate}
FX=${SG_FIXTURES:?SG_FIXTURES must name the fixtures folder}
PY=/usr/bin/python3

ok() { T=$((T + 1)); echo "ok $T - $1"; }
not_ok() { T=$((T + 1)); FAILED=1; echo "not ok $T - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# check NAME COMMAND...: passes when the command exits 0
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# expect_exit NAME CODE COMMAND...: runs COMMAND, checks its exit status
expect_exit() {
	name=$1; code=$2; shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then ok "$name"; else
		not_ok "$name" "exit $rc, expected $code" "$(head -c 2000 "$WORK/err")"
	fi
}

# contains NAME FILE TEXT: FILE contains TEXT (fixed string)
contains() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		not_ok "$1" "'$3' not in $2:" "$(head -c 2000 "$2")"
	fi
}

finish() { echo "1..$T"; exit $FAILED; }
