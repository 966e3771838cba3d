#!/usr/bin/env bats
# explore (spec 11): every interleaving of the loaded programs searched
# on a model of the playground, the shortest schedule to a problem
# reported, replay driving the real processes through it.

load test_helper/common

# Five dining philosophers, each taking the fork on the left first; with
# FIX, P4 takes the one on the right first.
philosophers() {
	printf 'spawn P0 P1 P2 P3 P4\n'
	for i in 0 1 2 3 4; do
		printf 'channel f%d bounded 1\nP%d send f%d fork\n' "$i" "$i" "$i"
	done
	for i in 0 1 2 3; do
		printf 'program left%d { loop; recv f%d; recv f%d; send f%d fork; send f%d fork; end }\n' \
		    "$i" "$i" $((i + 1)) "$i" $((i + 1))
		printf 'P%d run left%d\n' "$i" "$i"
	done
	if [ -n "${FIX:-}" ]; then
		printf 'program right4 { loop; recv f0; recv f4; send f4 fork; send f0 fork; end }\nP4 run right4\n'
	else
		printf 'program left4 { loop; recv f4; recv f0; send f4 fork; send f0 fork; end }\nP4 run left4\n'
	fi
}

@test "explore finds the philosophers' deadlock, ten steps, and replay ends in it" {
	run -0 --separate-stderr env COLUMNS=100 "$IPCPLAY" -c "$(philosophers)
explore
expect no deadlock
replay
expect deadlock P0 P1 P2 P3 P4"
	assert_line --regexp '^explore: a deadlock after 10 steps \([0-9,]+ states, [0-9,]+ steps tried, [0-9]+ ms\); the schedule:$'
	assert_line --regexp '^    1  P0 +recv f0 +\(left0 line 2\)$'
	assert_line --regexp '^   10  P4 +recv f0 +\(left4 line 3\)$'
	assert_line --regexp '^DEADLOCK: P0, P1, P2, P3, P4 — '
	assert_line --regexp '^11 +DEADLOCK +DEADLOCK +DEADLOCK +DEADLOCK +DEADLOCK$'
	assert_line 'replay drives the real processes through it'
	assert_line 'replay: 10 steps of the recording: deadlock'
	assert_line 'expect deadlock P0 P1 P2 P3 P4 ... ok'
}

@test "the fixed philosophers are searched to the end: no deadlock in any state" {
	FIX=1
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore"
	assert_line --regexp '^explore: no deadlock in all [0-9,]+ states \([0-9,]+ steps tried, [0-9]+ ms\)$'
	# Nothing ran: the real forks are where they were.
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore
expect f0 holds 1
expect P0 ready"
}

@test "the schedule reported is a shortest one: two locks taken in opposite orders" {
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel f1 bounded 1
channel f2 bounded 1
A send f1 t
A send f2 t
program ab { loop; recv f1; recv f2; send f1 t; send f2 t; end }
program ba { loop; recv f2; recv f1; send f2 t; send f1 t; end }
A run ab
B run ba
explore'
	# By hand: each takes its first lock (2 steps), each waits for the
	# other's (2 more); nothing shorter can deadlock.
	assert_line --regexp '^explore: a deadlock after 4 steps '
	assert_line --regexp '^    1  A +recv f1 +\(ab line 2\)$'
	assert_line --regexp '^    2  B +recv f2 +\(ba line 2\)$'
	assert_line --regexp '^    3  A +recv f2 +\(ab line 3\)$'
	assert_line --regexp '^    4  B +recv f1 +\(ba line 3\)$'
	# A lone process that nobody can help: after its second send.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A
channel c bounded 1
program p { send c 1; send c 2 }
A run p
explore'
	assert_line --regexp '^explore: a deadlock after 2 steps '
}

@test "explore finds a failed expect and an error in a program" {
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A B C
channel c unbounded
program w1 { send c 1 }
program w2 { send c 2 }
program r { recv c; expect B received 1 }
A run w1; C run w2; B run r
explore
replay'
	assert_line --regexp '^explore: a failed expect after 3 steps '
	assert_line --regexp '^    1  C +send c 2 +\(w2 line 1\)$'
	assert_line 'expect B received 1 ... FAILED: B last received "2"'
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel c rendezvous from A to B
program w { recv c }
A run w
explore'
	assert_line --regexp '^explore: an error after 1 step '
	assert_line 'A recv c: permission denied'
}

@test "--max-states and --depth bound the search and say so; the default bound is said too" {
	W='spawn A B
channel c unbounded
program w { repeat 1000000 send c x }
program r { loop; recv c; end }
A run w; B run r'
	run -0 --separate-stderr "$IPCPLAY" -c "$W
explore --max-states 300"
	assert_line --regexp '^explore: stopped at --max-states 300 \(300 states, [0-9,]+ steps tried, [0-9]+ ms\): no deadlock in the states searched, but there are more$'
	run -0 --separate-stderr "$IPCPLAY" -c "$W
explore --depth 5"
	assert_line --regexp '^explore: no deadlock within --depth 5 \([0-9,]+ states, [0-9,]+ steps tried, [0-9]+ ms\); longer schedules were not searched$'
	run -0 --separate-stderr "$IPCPLAY" -c "$W
explore"
	assert_line --regexp '^explore: stopped at --max-states 20000 \(the default\) \(20,000 states, '
}

@test "explore --json is one explore object with the schedule" {
	run -0 --separate-stderr "$IPCPLAY" --json -c "$(philosophers)
explore"
	run -0 python3 -c '
import json, sys
for line in sys.argv[1].splitlines():
    o = json.loads(line)
    if o["type"] == "explore":
        break
assert o["result"] == "deadlock", o
assert o["states"] > 0 and o["ms"] >= 0
s = o["schedule"]
assert len(s) == 10 and s[0] == {"step": 1, "proc": "P0", "program": "left0", "line": 2, "op": "recv", "chan": "f0"}, s[0]
assert [x["step"] for x in s] == list(range(1, 11))
print("ok")' "$output"
	assert_output ok
	FIX=1
	run -0 --separate-stderr "$IPCPLAY" --json -c "$(philosophers)
explore"
	assert_line --regexp '^\{"type":"explore","seq":[0-9]+,"result":"none","states":[0-9]+,"tried":[0-9]+,"ms":[0-9]+,"reduced":true,"schedule":\[\],"said":\[\]\}$'
}

@test "explore --save FILE keeps the schedule for replay FILE in a playground set up the same way" {
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore --save $BATS_TEST_TMPDIR/phil.sched"
	assert_line "explore: the schedule is in $BATS_TEST_TMPDIR/phil.sched (replay $BATS_TEST_TMPDIR/phil.sched)"
	run -0 head -2 "$BATS_TEST_TMPDIR/phil.sched"
	assert_line '# ipcplay schedule: step, process, program:line, operation'
	assert_line '1 P0 left0:2 recv f0'
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
replay $BATS_TEST_TMPDIR/phil.sched
expect deadlock P0 P1 P2 P3 P4"
	assert_line "replay: 10 steps of $BATS_TEST_TMPDIR/phil.sched: deadlock"
}

@test "partial-order reduction tries fewer steps, and reaches every state and problem the full search does" {
	P='spawn A B C D E F
channel ab unbounded
channel cd unbounded
channel ef unbounded
program s1 { repeat 3 send ab x }
program r1 { repeat 3 recv ab }
program s2 { repeat 3 send cd x }
program r2 { repeat 3 recv cd }
program s3 { repeat 3 send ef x }
program r3 { repeat 3 recv ef }
A run s1; B run r1; C run s2; D run r2; E run s3; F run r3'
	run -0 --separate-stderr "$IPCPLAY" --json -c "$P
explore
explore --full"
	run -0 python3 -c '
import json, sys
r = [json.loads(l) for l in sys.argv[1].splitlines() if "\"explore\"" in l]
red, full = r
assert red["reduced"] and not full["reduced"]
assert red["states"] == full["states"], (red["states"], full["states"])
assert red["tried"] < full["tried"], (red["tried"], full["tried"])
print("ok")' "$output"
	assert_output ok
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore
explore --full"
	[ "$(grep -c '^explore: a deadlock after 10 steps' <<<"$output")" -eq 2 ]
	# A process that loops for ever does not hide another's first step.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel c bounded 1 from B to B
program pa { loop; send @A x; end }
program pb { recv c }
A run pa; B run pb
explore
explore --depth 1'
	[ "$(grep -c '^explore: a deadlock after 1 step ' <<<"$output")" -eq 2 ]
}

@test "explore: what it cannot search, and bad options, are one error each" {
	run -1 --separate-stderr "$IPCPLAY" -c 'explore'
	[[ "$stderr" == *"-c:1: no program to explore: give a process one with P run NAME"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel p pipe from A to B
program q { send p x }
A run q
explore'
	[[ "$stderr" == *"explore: p is a kernel channel: explore searches modeled channels only"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A
channel l unbounded delivery=lossy drop=0.5
program q { send l x }
A run q
explore'
	[[ "$stderr" == *"explore: l is lossy: explore searches schedules, not losses and shuffles"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A
channel c unbounded
program q { recv c --timeout 10 }
A run q
explore'
	[[ "$stderr" == *"a --timeout: no time passes in explore's model"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'explore --depth 0'
	[[ "$stderr" == *"depth '0' is too small"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'explore --max-states'
	[[ "$stderr" == *"--max-states needs a number"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'explore --fast'
	[[ "$stderr" == *"unknown option '--fast'"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore --save $BATS_TEST_TMPDIR/no/dir/x.sched"
	[[ "$stderr" == *"explore: cannot write $BATS_TEST_TMPDIR/no/dir/x.sched"* ]]
}

@test "explore leaves the real processes and channels as they were" {
	run -0 --separate-stderr "$IPCPLAY" -c "$(philosophers)
explore
ps
channels
expect f0 holds 1
expect f4 holds 1
expect P0 ready
expect P4 ready"
	refute_output --partial 'blocked'
}

@test "explore: a deadlock already there, a process whose name was reused, a register loop, an exact bound" {
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel x rendezvous
channel y rendezvous
A send x 1
B send y 2
program p { recv x }
A run p
explore'
	assert_line 'explore: deadlocked already, after 0 steps: A, B (deadlock says more)'
	# The program of a process killed and spawned again has ended.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel c unbounded
program p { recv c }
A run p
kill A 9
spawn A
B run p
explore'
	# Only B's step: the new A, idle, could still send on c.
	assert_line --regexp '^explore: no deadlock in all 2 states \(1 step tried, [0-9]+ ms\)$'
	# A register's version counts for ever; what its readers can tell
	# of it does not.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A
channel r register
program w { loop; send r x; end }
A run w
explore'
	assert_line --regexp '^explore: no deadlock in all [0-9]+ states '
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel c unbounded
program sa { send c a; recv c }
program sb { send c b; recv c }
A run sa; B run sb
explore --max-states 13'
	assert_line --regexp '^explore: no deadlock in all 13 states '
}

@test "explore refuses what its model cannot answer, before searching" {
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel k unbounded format=cap
program p { recv k }
A run p
explore'
	[[ "$stderr" == *"explore: k carries capabilities: explore does not model rights changing hands"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A
channel d unbounded
A send d x
program pa { recv d; expect saw received }
A run pa
explore'
	[[ "$stderr" == *"explore: A (pa line 2): expect saw looks at the transcript, which explore's model does not write"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel c unbounded
B recv c --timeout 5000
program p { send c x }
A run p
explore'
	[[ "$stderr" == *"explore: B waits with a --timeout: no time passes in explore's model"* ]]
	# An unwritable --save is said before the search, not after it.
	run -1 --separate-stderr "$IPCPLAY" -c "spawn A
channel c unbounded
program p { loop; send c x; end }
A run p
explore --save $BATS_TEST_TMPDIR/none/x.sched"
	[[ "$stderr" == *"explore: cannot write $BATS_TEST_TMPDIR/none/x.sched: No such file or directory"* ]]
	refute_output --partial 'explore: stopped'
}

@test "explore leaves out the channels no program names: a pipe shown beside the programs does not stop it" {
	run -0 --separate-stderr "$IPCPLAY" -c "spawn A B
channel p pipe from A to B
channel l unbounded delivery=lossy drop=0.5
channel c rendezvous from A to A
program w { send c x }
A run w
explore"
	assert_line --regexp '^explore: a deadlock after 1 step '
	# A program that names a channel as it runs could name the pipe.
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel p pipe from A to B
channel c unbounded
A send c c
program w { recv c; send $msg x }
A run w
explore'
	[[ "$stderr" == *"explore: p is a kernel channel: explore searches modeled channels only"* ]]
}

@test "explore models what a code review found it missed: a half-done send to two channels, a mailbox of a name spawned again, counters" {
	# A send to x,y delivered to x and waiting on y: x stays in the model.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
channel x bounded 1
channel y bounded 1
A send y fill
A send x,y hello
program r { recv y }
B run r
explore'
	assert_line --regexp '^explore: no deadlock in all 2 states '
	# The new A's mailbox, not the one of the A that exited.
	run -0 --separate-stderr "$IPCPLAY" -c 'spawn A B
A exit
spawn A
channel c unbounded
program a { recv; send c ok }
program b { send @A hi; recv c }
A run a
B run b
explore'
	assert_line --regexp '^explore: no deadlock in all [0-9]+ states '
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A
channel c unbounded
A send c hi
program p { expect c bytes 2; recv c }
A run p
explore'
	[[ "$stderr" == *"explore: A (p line 1): an expect on a channel's counters: they count what happened, which explore's states do not keep"* ]]
}
