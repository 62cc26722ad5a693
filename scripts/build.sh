#!/bin/sh
# Builds shadowgate into BUILDDIR (default build/): scripts/build.sh [BUILDDIR]
# [meson setup options...]. Installs the Debian packages first.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
dir=${1:-build}
[ $# -gt 0 ] && shift
if [ -f "$dir/build.ninja" ]; then
	meson configure "$dir" "$@" >/dev/null
else
	meson setup "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
