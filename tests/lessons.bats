#!/usr/bin/env bats
# The course (issue "Lessons: a guided course through message passing"):
# every lesson holds in batch mode, every topic of the spec has its lesson,
# and the player (ipcplay lesson) lists, plays and checks them, driven by
# piped input and, for the terminal, through tmux.

load test_helper/common

LESSONS=$BATS_TEST_DIRNAME/../lessons

# The spec's topic table, in order, and the lesson that teaches each row.
TOPICS='why IPC:why-ipc
addressing:addressing
buffering:buffering
blocking:blocking
L4 IPC:l4-ipc
deadlock:deadlock
non-blocking rendezvous:nonblocking-rendezvous
event loops:event-loops
formats:formats
guarantees:guarantees
advantages:interposition
costs:costs
kernel channels:kernel-pipes
programs:races
explore:explore'

setup() {
	# The ASan build lives in build-asan/, with no lessons beside it.
	if [ ! -d "$(dirname "$IPCPLAY")/lessons" ]; then
		IPCPLAY_LESSONS_DIR=$(cd "$LESSONS" && pwd)
		export IPCPLAY_LESSONS_DIR
	fi
}

teardown() {
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -L "$TMUX_SOCK" -f /dev/null kill-server 2>/dev/null || true
	fi
}

# batch_lesson NAME: the lesson runs in batch mode, exit 0, no failed expect.
batch_lesson() {
	run -0 --separate-stderr "$IPCPLAY" "$LESSONS/$1.ipc"
	refute_output --partial 'FAILED'
	assert_line --partial 'check: the exercise'
	[ "$(printf '%s\n' "$output" | grep -c ' \.\.\. ok$')" -ge 5 ]
}

# enters N: N presses of Enter (lesson 01 has 10 pauses and 3 predicts).
enters() {
	printf '\n%.0s' $(seq "$1")
}

# player_input FILE: Enter for every pause and predict before the
# exercise, then the lesson's own reference solution, then "check".
player_input() {
	awk '
	/^exercise([ \t]|$)/ { ex = 1; hints = 1; next }
	!ex && /^[ \t]*(pause[ \t]*$|predict[ \t])/ { print ""; next }
	!ex { next }
	/^[ \t]*check[ \t]*$/ { print "check"; exit }
	/^[ \t]*(#|$)/ { next }
	hints && /^[ \t]*say[ \t]/ { next }
	{ hints = 0; print }
	' "$1"
}

@test "lesson 01 why-ipc holds in batch mode" { batch_lesson 01-why-ipc; }
@test "lesson 02 addressing holds in batch mode" { batch_lesson 02-addressing; }
@test "lesson 03 buffering holds in batch mode" { batch_lesson 03-buffering; }
@test "lesson 04 blocking holds in batch mode" { batch_lesson 04-blocking; }
@test "lesson 05 l4-ipc holds in batch mode" { batch_lesson 05-l4-ipc; }
@test "lesson 06 deadlock holds in batch mode" { batch_lesson 06-deadlock; }
@test "lesson 07 nonblocking-rendezvous holds in batch mode" {
	batch_lesson 07-nonblocking-rendezvous
}
@test "lesson 08 event-loops holds in batch mode" { batch_lesson 08-event-loops; }
@test "lesson 09 formats holds in batch mode" { batch_lesson 09-formats; }
@test "lesson 10 guarantees holds in batch mode" { batch_lesson 10-guarantees; }
@test "lesson 11 interposition holds in batch mode" {
	batch_lesson 11-interposition
}
@test "lesson 12 costs holds in batch mode" { batch_lesson 12-costs; }
@test "lesson 13 kernel-pipes holds in batch mode" { batch_lesson 13-kernel-pipes; }
@test "lesson 14 races holds in batch mode" { batch_lesson 14-races; }
@test "lesson 15 explore holds in batch mode" { batch_lesson 15-explore; }

@test "every lesson file runs in batch mode with --bail and exit 0" {
	for f in "$LESSONS"/[0-9]*-*.ipc; do
		run -0 "$IPCPLAY" --bail "$f"
	done
}

@test "each topic row of the spec has its lesson, numbered in the table's order" {
	n=0
	while IFS=: read -r topic name; do
		n=$((n + 1))
		f=$(printf '%s/%02d-%s.ipc' "$LESSONS" "$n" "$name")
		[ -f "$f" ] || { echo "no lesson for '$topic': $f"; false; }
	done <<EOF
$TOPICS
EOF
	[ "$(ls "$LESSONS"/[0-9]*-*.ipc | wc -l)" -eq "$n" ]
}

@test "every lesson has a summary, a predict, a pause, an exercise and its checks" {
	for f in "$LESSONS"/[0-9]*-*.ipc; do
		grep -q '^# summary: .' "$f" || { echo "$f: no summary"; false; }
		grep -q '^predict ' "$f" || { echo "$f: no predict"; false; }
		grep -q '^pause' "$f" || { echo "$f: no pause"; false; }
		[ "$(grep -c '^exercise ' "$f")" -eq 1 ] ||
			{ echo "$f: not one exercise"; false; }
		sed -n '/^check$/,$p' "$f" | grep -q '^expect ' ||
			{ echo "$f: no checks after check"; false; }
	done
}

@test "ipcplay lesson lists every lesson with its number, topic and summary" {
	run -0 "$IPCPLAY" lesson
	while IFS=: read -r topic name; do
		f=$(ls "$LESSONS"/[0-9]*-"$name".ipc)
		num=$(basename "$f" | cut -d- -f1)
		summary=$(sed -n 's/^# summary: //p' "$f")
		assert_line "  $num  $(printf '%-22s' "$name")  $summary"
	done <<EOF
$TOPICS
EOF
}

@test "IPCPLAY_LESSONS_DIR overrides where the lessons are" {
	d=$BATS_TEST_TMPDIR/course
	mkdir -p "$d"
	printf '# summary: Just one.\nsay hi\n' >"$d/01-only.ipc"
	IPCPLAY_LESSONS_DIR=$d run -0 "$IPCPLAY" lesson
	assert_line '  01  only  Just one.'
	refute_output --partial 'deadlock'
}

@test "a lesson is found by number, by zero-padded number, by topic and by topic prefix" {
	for name in 6 06 deadlock dead 06-deadlock; do
		run -1 "$IPCPLAY" lesson "$name" </dev/null
		assert_line --partial 'Lesson 06-deadlock:'
	done
}

@test "an unknown or ambiguous lesson is a usage error" {
	run -2 --separate-stderr "$IPCPLAY" lesson nosuch </dev/null
	[[ $stderr == *"no lesson 'nosuch'"* ]]
	run -2 --separate-stderr "$IPCPLAY" lesson 99 </dev/null
	run -2 --separate-stderr "$IPCPLAY" lesson b </dev/null
	[[ $stderr == *"lesson 'b' is ambiguous: buffering, blocking"* ]]
	run -2 "$IPCPLAY" lesson 1 2
	run -2 --separate-stderr "$IPCPLAY" lesson '' </dev/null
	assert_equal "$stderr" "ipcplay: no lesson '' (ipcplay lesson lists them)"
}

@test "predict prints the question and the answer in batch mode" {
	run -0 ipc -c 'predict "Who is blocked now?" "Nobody yet."'
	assert_line 'predict: Who is blocked now?'
	assert_line 'answer: Nobody yet.'
}

@test "exercise and check mark the student's turn in batch mode" {
	run -0 ipc -c 'exercise "Send hi."; spawn A; check; expect A ready'
	assert_line 'Your turn: Send hi.'
	assert_line 'expect A ready ... ok'
}

@test "the player stops at each pause and runs the next step on Enter" {
	run -1 "$IPCPLAY" lesson 1 < <(printf '\n')
	assert_line --partial '-- step 1 of 10 done'
	assert_line --partial 'c1 created: unbounded'
	assert_line --partial '-- step 2 of 10 done'
	refute_output --partial 'A sent "hello"'
	assert_line 'Lesson 01-why-ipc left unfinished.'
}

@test "the player asks for a guess before it shows the answer" {
	run -1 "$IPCPLAY" lesson 1 < <(printf '\n\nin the buffer\n')
	assert_line --partial 'your guess> in the buffer'
	guess=$(printf '%s\n' "$output" | grep -n 'your guess>' | cut -d: -f1)
	sent=$(printf '%s\n' "$output" | grep -n 'A sent "hello"' | cut -d: -f1)
	answer=$(printf '%s\n' "$output" | grep -n '^answer: In c1' | cut -d: -f1)
	[ "$guess" -lt "$sent" ] && [ "$sent" -lt "$answer" ]
}

@test "a command typed at a pause runs, and Enter then goes on" {
	run -1 "$IPCPLAY" lesson 1 < <(printf 'spawn Z\n\n')
	refute_output --partial 'error'
	assert_line '-- step 1 of 10 done: Enter for the next, q to quit -- spawn Z'
	assert_line 'Z spawned'
	assert_line --partial 'c1 created: unbounded'
	assert_line --partial '-- step 2 of 10 done'
}

@test "check: an incorrect attempt says which checks hold, a correct one completes the lesson" {
	run -1 "$IPCPLAY" lesson 1 < <(enters 13; printf 'channel back unbounded from B to A\nB send back thanks\ncheck\nquit\n')
	assert_line 'expect A received thanks ... FAILED: A last received "1"'
	assert_line 'expect back holds 0 ... FAILED: back holds 1'
	assert_line '2 of 4 checks hold; keep going ('"'"'solution'"'"' shows one way).'
	assert_line 'Lesson 01-why-ipc left unfinished.'

	run -0 "$IPCPLAY" lesson 1 < <(enters 13; printf 'channel back unbounded from B to A\nB send back thanks\nA recv back\ncheck\n')
	assert_line 'expect A received thanks ... ok'
	assert_line 'All 4 checks hold.  Well done!'
	assert_line 'End of lesson 01-why-ipc.'
}

@test "check names a channel the student has not made yet as not yet" {
	run -1 "$IPCPLAY" lesson 1 < <(enters 13; printf 'check\n')
	assert_line "not yet: expect: no process or channel named 'back'"
	assert_line '2 of 4 checks hold; keep going ('"'"'solution'"'"' shows one way).'
}

@test "solution shows the lesson's reference solution at the exercise prompt" {
	run -1 "$IPCPLAY" lesson 1 < <(enters 13; printf 'solution\n')
	assert_line 'One solution:'
	assert_line '  channel back unbounded from B to A'
	assert_line '  A recv back'
}

@test "check outside a lesson's exercise fails in the shell, is a marker in batch" {
	run -0 ipc -c 'check'
	assert_line "check: the exercise's checks"
}

@test "every lesson's reference solution, typed at the player, passes its checks" {
	for f in "$LESSONS"/[0-9]*-*.ipc; do
		name=$(basename "$f" .ipc)
		run -0 "$IPCPLAY" lesson "$name" < <(player_input "$f")
		assert_line --partial 'checks hold.  Well done!'
		assert_line "End of lesson $name."
	done
}

@test "the player in a terminal: steps on Enter, asks for a guess, quits on q" {
	TMUX_SOCK=les$$
	T="tmux -L $TMUX_SOCK -f /dev/null"
	screen() { $T capture-pane -p -t les -S -200; }
	wait_for() {
		for _ in $(seq 100); do
			screen | grep -qF -- "$1" && return 0
			sleep 0.1
		done
		echo "timed out waiting for: $1"; screen; return 1
	}
	$T new-session -d -s les -x 100 -y 50 \
	    "env NO_COLOR=1 IPCPLAY_LESSONS_DIR=${IPCPLAY_LESSONS_DIR:-} $IPCPLAY lesson 1; echo player-exit=\$?; sleep 30"
	wait_for '-- step 1 of 10 done'
	wait_for 'A                '
	never screen_has -F 'c1 created'
	$T send-keys -t les Enter
	wait_for 'c1 created: unbounded'
	wait_for '-- step 2 of 10 done'
	$T send-keys -t les Enter
	wait_for 'your guess>'
	never screen_has -F 'A sent "hello"'
	$T send-keys -t les 'in c1' Enter
	wait_for 'answer: In c1'
	wait_for 'A sent "hello" on c1 [c1 1]'
	$T send-keys -t les q Enter
	wait_for 'left unfinished'
	wait_for 'player-exit=1'
}

@test "ipcplay-lessons(7) is lint-clean and has an entry for every lesson" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	man=$BATS_TEST_DIRNAME/../man/ipcplay-lessons.7
	run -0 mandoc -Tlint -Wwarning "$man"
	for f in "$LESSONS"/[0-9]*-*.ipc; do
		entry=$(basename "$f" .ipc | sed 's/-/ /')
		grep -qx ".It Sy $entry" "$man" ||
			{ echo "no entry '.It Sy $entry'"; false; }
	done
}

@test "under --json the list and a played lesson keep stdout to JSON lines" {
	run -0 --separate-stderr "$IPCPLAY" --json lesson
	assert_line --partial '{"type":"lesson","num":6,"name":"deadlock",'
	run -1 --separate-stderr "$IPCPLAY" --json lesson 1 < <(enters 2)
	[[ $stderr == *'-- step 1 of 10 done'* ]]
	run -0 python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.argv[1].splitlines()]
assert any(e["type"] == "say" and e["text"].startswith("predict: ") for e in ev)
print("ok")' "$output"
}

@test "the player shows each command it runs before what it does" {
	run -1 env IPCPLAY_NO_DASHBOARD=1 "$IPCPLAY" lesson deadlock <<<""
	assert_line 'ipcplay> spawn A B C'
	assert_line 'ipcplay> channel ab rendezvous from A to B'
	refute_line --partial 'ipcplay> expect'
}

@test "an exercise checks how the task was done: the event loop needs its poll" {
	in=$BATS_TEST_TMPDIR/in
	# Enter through the steps (a guess is a line too), then the attempt.
	for _ in $(seq 14); do echo; done >"$in"
	cat >>"$in" <<'IN'
C2 send q2 "order 22"
S recv q2
S send r2 "done 22"
C2 recv r2
check
quit
IN
	run -1 env IPCPLAY_NO_DASHBOARD=1 "$IPCPLAY" lesson event-loops <"$in"
	assert_line --partial 'expect saw "S poll q1,q2,q3: ready q2" ... FAILED: no line since the exercise began contains'
	assert_line '5 of 6 checks hold; keep going ('"'"'solution'"'"' shows one way).'
}

@test "narration on a terminal wraps at word boundaries" {
	T="tmux -L wrap$$ -f /dev/null"
	$T new-session -d -s w -x 60 -y 30 \
	    "env IPCPLAY_NO_DASHBOARD=1 IPCPLAY_LESSONS_DIR=${IPCPLAY_LESSONS_DIR:-} $IPCPLAY lesson 6; sleep 30"
	for _ in $(seq 100); do
		$T capture-pane -p -t w | grep -q 'ipcplay> spawn' && break
		sleep 0.05
	done
	out=$($T capture-pane -p -t w)
	$T kill-server
	grep -q '^When processes block, they can end up waiting for each other$' <<<"$out"
	grep -q '^in a circle\.' <<<"$out"
}
