#!/bin/sh
# The tools the tests use when they are there (promtool, xmllint, groff,
# script, ...) are installed by scripts/deps.sh, so no test skips in CI:
# each is on PATH, and its Debian package is in scripts/deps.sh's list
# (or essential, always there).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FX/.." && pwd)
pkgs=" $(sh "$ROOT/scripts/deps.sh" --list) "
# the tools the tests look for, and those they are known to need
tools=$(
	{
		echo promtool xmllint groff
		for f in "$ROOT"/tests/cli/*.sh; do
			[ "$(basename "$f")" = tools.sh ] && continue
			sed -n 's/.*command -v \([A-Za-z0-9_.-]*\).*/\1/p' "$f"
		done
	} | tr ' ' '\n' | sed '/^$/d' | sort -u
)
for t in $tools; do
	p=$(command -v "$t")
	if [ -z "$p" ]; then
		not_ok "$t is installed" "not on PATH: add its package to scripts/deps.sh"
		continue
	fi
	ok "$t is installed"
	pkg=$(dpkg-query -S "$(readlink -f "$p")" 2>/dev/null | head -n 1 | cut -d: -f1)
	if [ -z "$pkg" ]; then
		not_ok "$t comes from a Debian package" "$p belongs to no package"
	elif [ "$(dpkg-query -W -f='${Essential}' "$pkg" 2>/dev/null)" = yes ]; then
		ok "$t comes from $pkg, an essential package"
	else
		case $pkgs in
		*" $pkg "*) ok "$t comes from $pkg, which scripts/deps.sh installs" ;;
		*) not_ok "$t comes from $pkg, which scripts/deps.sh installs" "$pkg is not in: $pkgs" ;;
		esac
	fi
done
finish
