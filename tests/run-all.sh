#!/usr/bin/env bash
# Run the whole suite: bats against the normal build and against the
# ASan+UBSan build, and the C unit tests of core/.  Prints the TAP, then
# one summary line "N passed, N failed" (skipped tests count as
# neither, and a line before it says how many).  Exits non-zero on any failure,
# and when a tool the suite needs is missing: a suite that cannot run has
# not passed.
set -o pipefail
cd "$(dirname "$0")/.." || exit 2

for t in bats tmux mandoc; do
	if ! command -v "$t" >/dev/null; then
		echo "run-all: $t is missing (make check installs it)" >&2
		exit 2
	fi
done
for lib in bats-support bats-assert; do
	found=
	IFS=: read -ra dirs <<<"${BATS_LIB_PATH:-/usr/lib/bats:/usr/local/lib/bats}"
	for d in "${dirs[@]}"; do
		[ -f "$d/$lib/load.bash" ] && found=1
	done
	if [ -z "$found" ]; then
		echo "run-all: the bats library $lib is missing (make check installs it)" >&2
		exit 2
	fi
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
files=$(ls tests/*.bats tests/demos/*.bats)
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

# The build itself: a clean clone stops with one line when a library is
# missing, flags changes rebuild, CC is honoured.  Once, not per build.
if [ -f tests/build.sh ]; then
	echo "# the build"
	bash tests/build.sh | tee -a "$out" || status=1
fi

awk '/^ok /{if(/# skip/)s++;else p++} /^not ok /{f++}
    END{if(s)printf "# %d skipped\n",s; printf "%d passed, %d failed\n",p,f; exit f>0}' "$out" ||
    status=1
exit $status
