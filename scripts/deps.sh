#!/bin/sh
# Installs what shadowgate needs to build and test on Debian 12 (as root);
# clang and its libFuzzer runtime are for scripts/fuzz.sh.
# Quick when everything is already there: apt-get runs only when a package
# is missing. The tests use every tool listed here, so none of them skips:
# promtool (from prometheus) checks the Prometheus text output, xmllint
# (libxml2-utils) the JUnit XML, groff (groff-base) the man page,
# python3-html5lib (a strict HTML5 parse) and chromium (headless, a render
# and a screenshot) the HTML page.
# scripts/deps.sh --list prints the packages.
set -eu
PKGS="gcc pkg-config meson ninja-build libsqlite3-dev sqlite3 libcsv-dev
libcjson-dev zlib1g-dev libcmocka-dev libxgboost-dev python3 python3-numpy
python3-xgboost python3-sklearn python3-statsmodels python3-scipy gzip
libxml2-utils tzdata prometheus groff-base python3-html5lib chromium
clang libclang-rt-14-dev"
# --list: print the packages and install nothing (tests/cli/tools.sh)
if [ "${1:-}" = "--list" ]; then
	echo $PKGS
	exit 0
fi
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "installing:$missing" >&2
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
	# only promtool is wanted from prometheus: a server it installs now is
	# not left running
	case " $missing " in
	*" prometheus "*)
		if [ -d /run/systemd/system ]; then
			$SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || :
		fi ;;
	esac
fi
