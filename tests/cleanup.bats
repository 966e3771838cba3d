#!/usr/bin/env bats
# Real processes, and nothing left behind: titles, external kills, and
# the end of the playground however it comes.

load test_helper/common

load test_helper/background

@test "a child has the title 'ipcplay: NAME' and, while blocked, '[blocked OP CHAN]'" {
	start_bg 'spawn A B; channel c1 rendezvous; A recv c1; sleep 3000'
	wait_for '"status":"blocked"'
	a=$(pids | head -1)
	b=$(pids | sed -n 2p)
	run cat "/proc/$a/cmdline"
	assert_output --partial 'ipcplay: A [blocked recv c1]'
	run cat "/proc/$b/cmdline"
	assert_output --partial 'ipcplay: B'
	[ "$(cut -d' ' -f3 "/proc/$a/stat")" = S ]
}

@test "an external kill -9 of a child is noticed at once and its peers see a broken channel" {
	start_bg 'spawn A B; channel c1 bounded 1 to B; A send c1 x; A send c1 y; sleep 3000'
	wait_for '"status":"blocked"'
	b=$(pids | sed -n 2p)
	kill -9 "$b"
	wait_for '"type":"exit"'
	wait_for '"error":"broken channel"'
	run grep '"type":"exit"' "$out"
	assert_output --partial '"proc":"B","signal":"KILL"'
	run grep '"type":"unblock"' "$out"
	assert_output --partial '"proc":"A","op":"send"'
}

@test "SIGKILL of ipcplay itself leaves no child within 2 s" {
	start_bg 'spawn A B C; channel c rendezvous; A send c x; B recv @B; sleep 30000'
	wait_for '"proc":"B","chan":"@B"'
	kids=$(pids)
	[ "$(printf '%s\n' "$kids" | wc -l)" -eq 3 ]
	kill -9 "$bg"
	wait "$bg" 2>/dev/null || true
	all_gone $kids
}

@test "SIGTERM of ipcplay leaves no child" {
	start_bg 'spawn A B; A recv; sleep 30000'
	wait_for '"status":"blocked"'
	kids=$(pids)
	kill -TERM "$bg"
	wait "$bg" 2>/dev/null || true
	all_gone $kids
}

@test "the end of a script kills and reaps every child: no zombie, no orphan" {
	run -0 ipc --json -c 'spawn A B C; channel c rendezvous; A send c x; B recv @B'
	kids=$(printf '%s\n' "$output" | grep -o '"pid":[0-9]*' | cut -d: -f2)
	for p in $kids; do
		never kill -0 "$p" 2>/dev/null
	done
}

@test "quit ends the playground and reaps every child" {
	run -0 ipc --json -c 'spawn A B; A recv; quit; spawn C'
	refute_output --partial '"proc":"C"'
	for p in $(printf '%s\n' "$output" | grep -o '"pid":[0-9]*' | cut -d: -f2); do
		never kill -0 "$p" 2>/dev/null
	done
}

@test "the playground leaves no file behind in /tmp, /dev/shm or /dev/mqueue" {
	before=$(ls -A /tmp /dev/shm /dev/mqueue 2>/dev/null | sort)
	run -0 ipc -c 'spawn A B; channel c bounded 1; A send c x; B recv c; A signal B; kill B'
	after=$(ls -A /tmp /dev/shm /dev/mqueue 2>/dev/null | sort)
	[ "$before" = "$after" ]
}

@test "a whole session has no leak under valgrind" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ -z "${IPCPLAY_ASAN:-}" ] || skip "valgrind runs on the normal build"
	run valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	    --trace-children=no "$IPCPLAY" "$BATS_TEST_DIRNAME/demo.ipc"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=9 "$IPCPLAY" -c 'spawn A B C; channel s bounded 4 format=stream
channel l unbounded delivery=lossy drop=0.3 dup=0.3 reorder=0.3; channel k unbounded format=cap
channel r register; tap s; filter l "^m"; A send s abcdef; B recv s --max 3; repeat 10 A send l "m$i"
repeat 5 B recv l -n; A send k "cap:r:recv"; B recv k; C recv r --timeout 10; sleep 20
A send r,l mx --atomic -n; A signal B; kill C; close s; deadlock; graph --dot; stats; trace 5'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}
