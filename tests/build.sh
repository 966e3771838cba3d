#!/usr/bin/env bash
# Tests of the build itself, in a clean clone of the committed tree, as a
# newcomer's machine would see it.  Prints TAP.  Runs once per `make
# check` (not once per build under test).
#
#  - a library pkg-config cannot find stops the build with one line that
#    names the package and the command, before anything is compiled;
#  - CC is honoured, and gcc is the default;
#  - objects depend on the flags they were built with; a dry run changes
#    nothing; make clean all works;
#  - make install puts everything in place, and the installed binary
#    finds the installed lessons.
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

# The working tree as it is, without build outputs or .git: what a clone
# of this commit plus the changes under test would hold (or a tarball).
mkdir "$tmp/src"
tar -C "$top" --exclude=./.git --exclude=./build --exclude=./build-asan \
    --exclude=./build-fuzz --exclude=./ipcplay -cf - . | tar -C "$tmp/src" -xf -
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

# 3. CC is honoured (a dry run in the fresh tree lists every compile),
#    gcc is the default, implicit declarations are errors.
cc_honoured() {
	make -C "$src" -n CC=cc build/libipccore.a >"$tmp/out" 2>&1 &&
	    grep -q '^cc .* -c ' "$tmp/out" &&
	    make -C "$src" -n build/libipccore.a >"$tmp/out" 2>&1 &&
	    grep -q '^gcc .* -c ' "$tmp/out" &&
	    grep -q -- '-Werror=implicit-function-declaration' "$tmp/out" &&
	    [ ! -e "$src/build" ]
}
check "CC is honoured, gcc by default, and a dry run writes nothing" cc_honoured

# 4. New flags rebuild every object; the same flags rebuild nothing.
flags_rebuild() {
	local ncore
	ncore=$(ls "$src"/core/*.c | wc -l)
	make -C "$src" build/libipccore.a >"$tmp/out" 2>&1 || return 1
	make -C "$src" build/libipccore.a >"$tmp/out" 2>&1 || return 1
	[ "$(grep -c '  CC ' "$tmp/out")" -eq 0 ] || return 1
	make -C "$src" CFLAGS=-O0 build/libipccore.a >"$tmp/out" 2>&1 ||
	    return 1
	[ "$(grep -c '  CC ' "$tmp/out")" -eq "$ncore" ]
}
check "make CFLAGS=-O0 after make rebuilds every object" flags_rebuild

# 5. make clean all, in one run.
clean_all() {
	make -C "$src" clean build/libipccore.a >"$tmp/out" 2>&1 &&
	    [ -f "$src/build/libipccore.a" ]
}
check "make clean build in one run works" clean_all

# 6. make install: every file in place; the binary finds its lessons.
install_all() {
	local dest=$tmp/root
	make -C "$src" -s install DESTDIR="$dest" PREFIX=/usr \
	    >"$tmp/out" 2>&1 &&
	    [ -x "$dest/usr/bin/ipcplay" ] &&
	    [ -f "$dest/usr/share/man/man1/ipcplay.1" ] &&
	    [ -f "$dest/usr/share/man/man7/ipcplay-lessons.7" ] &&
	    [ -f "$dest/usr/share/ipcplay/lessons/06-deadlock.ipc" ] &&
	    env -u IPCPLAY_LESSONS_DIR "$dest/usr/bin/ipcplay" lesson \
	    >"$tmp/out" 2>&1 &&
	    grep -q deadlock "$tmp/out"
}
check "make install puts the binary, both man pages and the lessons in place" install_all

echo "1..$n"
exit $((fails > 0))
