#!/usr/bin/env bash
# Tests of the build itself, in a clean clone of the committed tree, as a
# newcomer's machine would see it.  Prints TAP.  Runs once per `make
# check` (not once per build under test).
#
#  - a library pkg-config cannot find stops the build with one line that
#    names the package and the command, before anything is compiled;
#  - objects depend on the flags they were built with;
#  - CC is honoured, and gcc is the default.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fails=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}
not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n $1"
	sed 's/^/# /' "$tmp/out"
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# The working tree as it is, without build outputs: what a clone of this
# commit plus the changes under test would hold.
mkdir "$tmp/src"
git ls-files -co --exclude-standard -z |
    (cd "$top" && xargs -0 cp --parents -t "$tmp/src")
src=$tmp/src
unset IPCPLAY_DEPS_OK MAKEFLAGS MAKELEVEL CFLAGS CC

# 1. No library found: one line, no compiler run, exit status non-zero.
mkdir "$tmp/nopc"
one_line_stop() {
	! PKG_CONFIG_LIBDIR=$tmp/nopc PKG_CONFIG_PATH= IPCPLAY_DEPS=check \
	    make -C "$src" --no-print-directory >"$tmp/out" 2>&1 || return 1
	[ "$(wc -l <"$tmp/out")" -eq 1 ] &&
	    grep -q 'missing libbsd-dev (pkg-config libbsd-overlay)' "$tmp/out" &&
	    grep -Eq 'apt-get install|installed but not found' "$tmp/out" &&
	    ! grep -q 'CC\|error:' "$tmp/out" &&
	    [ ! -e "$src/build/core" ]
}
check "a library pkg-config cannot find stops make with one line" one_line_stop

# 2. The same with make check and make run.
one_line_stop_goals() {
	local g
	for g in check run; do
		! PKG_CONFIG_LIBDIR=$tmp/nopc IPCPLAY_DEPS=check \
		    make -C "$src" --no-print-directory $g >"$tmp/out" 2>&1 ||
		    return 1
		[ "$(wc -l <"$tmp/out")" -eq 1 ] || return 1
		grep -q 'missing libbsd-dev' "$tmp/out" || return 1
	done
}
check "make check and make run stop the same way" one_line_stop_goals

# 3. New flags rebuild every object.
flags_rebuild() {
	make -C "$src" -s build/libipccore.a >"$tmp/out" 2>&1 || return 1
	make -C "$src" -n build/libipccore.a >"$tmp/out" 2>&1 || return 1
	! grep -q -- ' -c ' "$tmp/out" || return 1
	make -C "$src" -n CFLAGS=-O0 build/libipccore.a >"$tmp/out" 2>&1 ||
	    return 1
	[ "$(grep -c -- '-O0 .* -c ' "$tmp/out")" -eq \
	    "$(ls "$src"/core/*.c | wc -l)" ]
}
check "make CFLAGS=-O0 after make rebuilds every object" flags_rebuild

# 4. CC is honoured; gcc by default; implicit declarations are errors.
cc_honoured() {
	make -C "$src" -n CC=clang build/libipccore.a >"$tmp/out" 2>&1 &&
	    grep -q '^clang .* -c ' "$tmp/out" &&
	    make -C "$src" -n CFLAGS=-O3 build/libipccore.a >"$tmp/out" 2>&1 &&
	    grep -q '^gcc .* -c ' "$tmp/out" &&
	    grep -q -- '-Werror=implicit-function-declaration' "$tmp/out"
}
check "CC is honoured and defaults to gcc" cc_honoured

echo "1..$n"
exit $((fails > 0))
