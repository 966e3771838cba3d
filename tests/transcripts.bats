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
