#!/usr/bin/env bats
# Golden transcripts: each tests/transcripts/NAME.ipc, run with --seed 1,
# prints exactly NAME.out.  A change in wording or in behaviour shows up
# as a diff; regenerate a .out only after reading the new one.

load test_helper/common

golden() {
	dir="$BATS_TEST_DIRNAME/transcripts"
	run -0 --separate-stderr "$IPCPLAY" --seed 1 "$dir/$1.ipc"
	diff -u "$dir/$1.out" <(printf '%s\n' "$output")
}

@test "golden transcript: buffering" {
	golden buffering
}

@test "golden transcript: deadlock" {
	golden deadlock
}

@test "golden transcript: formats, delivery, interposition, costs" {
	golden design
}

@test "outside a UTF-8 locale the glyphs are ASCII, and expect saw still matches a lesson's arrows" {
	dir="$BATS_TEST_DIRNAME/transcripts"
	LC_ALL=C run -0 --separate-stderr "$IPCPLAY" --seed 1 "$dir/deadlock.ipc"
	assert_line 'DEADLOCK: A, B, C -- A waits to send on ab for B; B waits to send on bc for C; C waits to send on ca for A (cycle A -> B -> C -> A)'
	assert_line 'A -send ab-> B  DEADLOCK'
	# Nothing but ASCII on stdout.
	never grep -qP '[^\x00-\x7f]' <<<"$output"
	ring='spawn A B C; channel ab rendezvous from A to B; channel bc rendezvous from B to C; channel ca rendezvous from C to A; A send ab 1; B send bc 2; C send ca 3'
	LC_ALL=C run -0 "$IPCPLAY" -c "$ring; expect saw 'cycle A → B → C → A'"
	LC_ALL=C run -1 "$IPCPLAY" -c "$ring; expect saw 'cycle A → C'"
	# A lesson's narration and checks, arrows and all, in ASCII; it passes.
	LC_ALL=C run -0 --separate-stderr "$IPCPLAY" "$BATS_TEST_DIRNAME/../lessons/06-deadlock.ipc"
	assert_line 'expect saw "cycle A -> B -> C -> A" ... ok'
	never grep -qP '[^\x00-\x7f]' <<<"$output"
	LC_ALL=C run -0 "$IPCPLAY" -c 'spawn A; say "A → B"; expect saw "A → B"'
	assert_line 'A -> B'
	# A message's bytes are printed as they are, and checked as such.
	LC_ALL=C run -0 "$IPCPLAY" -c 'spawn A; channel c unbounded; A send c "a→b"; expect saw a→b; expect c contains "a→b"'
	assert_line 'expect c contains "a→b" ... ok'
}
