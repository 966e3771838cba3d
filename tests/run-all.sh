#!/bin/sh
# Run the whole suite: bats against the normal build and against the
# ASan+UBSan build, and the C unit tests of core/.  Prints the TAP, then
# one summary line "N passed, N failed".  Exits non-zero on any failure.
cd "$(dirname "$0")/.." || exit 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
files=$(ls tests/*.bats tests/demos/*.bats 2>/dev/null)
status=0

echo "# normal build"
IPCPLAY=$PWD/ipcplay bats --tap $files | tee -a "$out" || status=1

echo "# ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
IPCPLAY=$PWD/build-asan/ipcplay IPCPLAY_ASAN=1 bats --tap $files |
    sed 's/^\(not \)\{0,1\}ok [0-9]* /&[asan] /' | tee -a "$out" || status=1

if [ -x build/unit ]; then
	echo "# unit tests of core/"
	build/unit | tee -a "$out" || status=1
fi

awk '/^ok /{if(/# skip/)s++;else p++} /^not ok /{f++}
    END{printf "%d passed, %d failed, %d skipped\n",p,f,s; exit f>0}' "$out" ||
    status=1
exit $status
