#!/usr/bin/env bash
# make fuzz: run each libFuzzer target for SECONDS from the seeds (the
# lessons, the golden transcripts' scripts, tests/fuzz/seeds: the
# reproductions of defects found so far) plus what earlier runs found,
# then say in one line how many inputs ran and how many crashed.
#
#   bash tests/fuzz/run.sh SECONDS BUILD_DIR
#
# A crash, a leak, a hang (20 s) or a run past 4 GB leaves its input in
# BUILD_DIR/crash-*; minimise it with the target's -minimize_crash=1 and
# make it a test in tests/regress.bats.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
build=${2:-build-fuzz}
total=0
crashes=0
# A small quarantine keeps the fuzzer's memory small, and so the fork of
# every spawned process cheap: twice the scripts a second.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=8}

# Seeds: whole scripts for the script target, their lines for the lexer,
# a student's lines for the classroom.
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/script" "$seeds/lex" "$seeds/serve"
cp lessons/*.ipc tests/transcripts/*.ipc tests/demo.ipc tests/fuzz/seeds/* \
    "$seeds/script/"
n=0
cat "$seeds"/script/* | sort -u | while IFS= read -r line; do
	n=$((n + 1))
	printf '%s' "$line" >"$seeds/lex/$n"
done
# A student's lines: the lessons' operations without their process.
sed -n 's/^[A-Z][A-Za-z0-9_-]* \(send\|recv\|poll\|call\|signal\) /\1 /p' \
    lessons/*.ipc | sort -u | split -l 8 - "$seeds/serve/s"
printf 'ps\nchannels\nmsc\ngraph\nexpect ann ready\nhelp send\n' \
    >"$seeds/serve/look"

for t in lex script serve; do
	corpus=$build/corpus-$t
	log=$build/fuzz-$t.log
	mkdir -p "$corpus"
	before=$(ls "$build" | grep -c "^crash-$t-")
	"$build/fuzz-$t" -max_total_time="$secs" -close_fd_mask=3 -timeout=20 \
	    -rss_limit_mb=4096 -dict=tests/fuzz/ipcplay.dict \
	    -artifact_prefix="$build/crash-$t-" -print_final_stats=1 \
	    "$corpus" "$seeds/$t" 2>"$log"
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	found=$(( $(ls "$build" | grep -c "^crash-$t-") - before ))
	if [ -z "$execs" ]; then
		# No final stats: the fuzzer itself was killed, not a finding
		# it could save.  That is no run at all, so it fails.
		echo "fuzz-$t: ended by status $status without its final stats (log: $log)"
		found=$((found + 1))
		execs=0
	fi
	echo "fuzz-$t: $execs execs in $secs s, $found crashes (log: $log)"
	if [ "$found" -gt 0 ]; then
		grep -m1 -A12 'ERROR: \|==ERROR\|deadly signal\|timeout after' "$log"
	fi
	total=$((total + ${execs:-0}))
	crashes=$((crashes + found))
done
echo "fuzz: $total execs, $crashes crashes"
[ "$crashes" -eq 0 ]
