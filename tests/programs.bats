#!/usr/bin/env bats
# Programs (spec 10): processes that run on their own, free or seeded.

load test_helper/common
load test_helper/background

stderr_has() {
	[[ "$stderr" == *"$1"* ]] || { echo "stderr: $stderr" >&2; false; }
}

# The seeded ping-pong over two rendezvous channels that deadlocks.
PINGPONG='spawn A B
channel c1 rendezvous
channel c2 rendezvous
program ping
  repeat 3 send c1 "ping $i"
  recv c2
end
program pong { loop; recv c1; send c2 "re:$msg"; end }
A run ping
B run pong'

@test "a program is defined on lines up to end, or on one line, and listed numbered" {
	run -0 --separate-stderr ipc -c "$PINGPONG
programs"
	assert_line 'program ping (-c:4), run by A'
	assert_line '    1  repeat 3 send c1 "ping $i"'
	assert_line '    2  recv c2'
	assert_line 'program pong (-c:8), run by B'
	assert_line '    1  loop'
	assert_line '    2    recv c1'
	assert_line '    3    send c2 "re:$msg"'
	assert_line '    4  end'
	assert_line 'A: ping line 1 (repeat 3 send c1 "ping $i") next'
	run -0 --separate-stderr ipc --json -c "$PINGPONG
step B
programs"
	assert_line --regexp '^\{"type":"programs","seq":[0-9]+,"programs":\[\{"name":"ping","file":"-c","line":4,"lines":\["repeat 3 send c1 \\"ping \$i\\"","recv c2"\]\},'
	assert_line --partial '"runners":[{"proc":"A","program":"ping","state":"next","line":1,"stopped":false},{"proc":"B","program":"pong","state":"under way","line":2,"stopped":false}]}'
}

@test "every bad line of a definition is one error with FILE:LINE, and nothing is defined" {
	f=$BATS_TEST_TMPDIR/bad.ipc
	cat >"$f" <<'EOF'
spawn A B
program bad
  send c1
  A send c1 x
  spawn C
  sned c1 x
  recv c1 --timeout abc
  send c1 "$i"
  sleep x
  loop
  end
  repeat 3 loop
  recv c1 --bogus
end
programs
EOF
	run -1 --separate-stderr "$IPCPLAY" "$f"
	assert_line 'program bad not defined (10 bad lines)'
	assert_line 'no programs (program NAME, its lines, end)'
	stderr_has "bad.ipc:3: send: too few arguments"
	stderr_has "bad.ipc:4: a program's operations are done by the process that runs it: write 'send ...' without 'A'"
	stderr_has "bad.ipc:5: 'spawn' cannot stand in a program"
	stderr_has "bad.ipc:6: unknown operation 'sned'; did you mean 'send'?"
	stderr_has "bad.ipc:7: timeout 'abc' is invalid"
	stderr_has 'bad.ipc:8: $i counts the turns of a repeat; it has no value outside one'
	stderr_has "bad.ipc:9: sleep time 'x' is invalid"
	stderr_has "bad.ipc:11: an empty loop would spin for ever doing nothing"
	stderr_has "bad.ipc:12: repeat holds one command, not 'loop'"
	stderr_has "bad.ipc:13: unknown option '--bogus' for recv"
	[ "$(grep -c 'bad.ipc' <<<"$stderr")" -eq 10 ]
}

@test "a definition without its end, a name that is missing or bad, and what follows the end are errors" {
	run -1 --separate-stderr ipc -c 'program p { send c x'
	stderr_has "program p (line 1) has no '}' before the end of the input"
	run -1 --separate-stderr ipc -c 'program q
send c x'
	stderr_has "program q (line 1) has no 'end' before the end of the input"
	run -1 --separate-stderr ipc -c 'program'
	stderr_has 'program needs a name'
	run -1 --separate-stderr ipc -c 'program 9$x { send c x }'
	stderr_has "bad program name"
	run -1 --separate-stderr ipc -c 'program p { send c x } recv c'
	stderr_has "nothing may follow '}'"
	run -1 --separate-stderr ipc -c 'program p { loop; send c x }'
	stderr_has 'program p: the loop on its line 1 has no end'
}

@test "run and step need a program; P run needs a defined one" {
	run -1 --separate-stderr ipc -c 'spawn A; run'
	stderr_has 'no process runs a program (program NAME ... end, then P run NAME)'
	run -1 --separate-stderr ipc -c 'spawn A; step'
	stderr_has 'no process runs a program'
	run -1 --separate-stderr ipc -c 'spawn A; A run nosuch'
	stderr_has 'no program nosuch (programs lists them)'
	run -1 --separate-stderr ipc -c 'spawn A; A stop'
	stderr_has 'A runs no program'
	run -1 --separate-stderr ipc -c 'spawn A; program p { send c x }; A run p; run --for 10 --steps 3'
	stderr_has '--for and --steps do not go together'
	run -1 --separate-stderr ipc -c 'spawn A; program p { send c x }; A run p; run --fast'
	stderr_has "unknown option '--fast' for run (it takes --random SEED, --for MS, --steps N)"
}

@test "a seeded run ends in the deadlock and names each process's program line" {
	run -0 --separate-stderr ipc -c "$PINGPONG
run --random 7"
	assert_line 'A sent "ping 1" on c1'
	assert_line 'DEADLOCK: A, B — A (ping line 1) waits to send on c1 for B; B (pong line 3) waits to send on c2 for A (cycle A → B → A)'
	assert_line 'run: 4 steps (seed 7): deadlock'
	run -0 --separate-stderr ipc --json -c "$PINGPONG
run --random 7"
	assert_line --partial '"waits":[{"proc":"A","op":"send","chan":"c1","for":"B","program":"ping","line":1},{"proc":"B","op":"send","chan":"c2","for":"A","program":"pong","line":3}]'
	# One stuck behind the deadlock: its line too.
	run -0 --separate-stderr ipc -c 'spawn A B L; channel c1 rendezvous from A to B; channel c2 rendezvous from B to A; channel cl rendezvous from A,B to L
program a { send c1 x }; program b { send c2 y }; program l { recv cl }
A run a; B run b; L run l; run --random 1'
	assert_line 'L (l line 1) is stuck: only A or B, both deadlocked, could send on cl'
	run -0 --separate-stderr ipc --json -c 'spawn A B L; channel c1 rendezvous from A to B; channel c2 rendezvous from B to A; channel cl rendezvous from A,B to L
program a { send c1 x }; program b { send c2 y }; program l { recv cl }
A run a; B run b; L run l; run --random 1'
	assert_line --partial '"type":"stuck","seq":11,"proc":"L","op":"recv","chan":"cl","stuck":true,"deadlock":["A","B"],"for":"A or B","program":"l","line":1}'
}

@test "the same seed gives the same JSON byte for byte, and seeds differ" {
	script='spawn A B C
channel c1 unbounded
channel c2 unbounded
channel out unbounded
program p1 { repeat 4 send c1 "a$i" }
program p2 { repeat 4 send c2 "b$i" }
program merge { loop; poll c1,c2; recv $ready; send out "got $msg from $ready"; end }
A run p1
B run p2
C run merge'
	nopid() { sed 's/"pid":[0-9]*//g'; }
	one=$(ipc --json -c "$script
run --random 11" | nopid)
	two=$(ipc --json -c "$script
run --random 11" | nopid)
	[ "$one" = "$two" ]
	[[ "$one" == *'"text":"run: 33 steps (seed 11): nothing can go: C (merge line 2) waits, and only a typed command could help"'* ]]
	differ=0
	for s in 1 2 3 4 5; do
		other=$(ipc --json -c "$script
run --random $s" | nopid)
		[ "$other" != "$one" ] && differ=1
	done
	[ "$differ" -eq 1 ]
}

@test "\$ready is the channel poll found ready and \$msg what recv received" {
	run -0 --separate-stderr ipc -c 'spawn A B C
channel c1 unbounded
channel c2 unbounded
channel out unbounded
program p2 { send c2 two }
program merge { poll c1,c2; recv $ready; send out "got $msg from $ready" }
B run p2
C run merge
run --random 1
expect out holds 1
C recv out -n
expect C received "got two from c2"'
	assert_line 'C unblocked: poll c1,c2: ready c2'
	assert_line 'C sent "got two from c2" on out [out 1]'
	assert_line 'C: program merge ended'
}

@test "record writes the seeded schedule and replay follows it, or says where it cannot" {
	sched=$BATS_TEST_TMPDIR/s.sched
	run -0 --separate-stderr ipc -c "$PINGPONG
run --random 7
record $sched"
	assert_line "recorded 4 steps in $sched"
	run cat "$sched"
	assert_line --index 0 '# ipcplay schedule: step, process, program:line, operation'
	assert_line --index 1 '1 B pong:2 recv c1'
	first=$(ipc -c "$PINGPONG
run --random 7" | grep -v '^run:')
	run -0 --separate-stderr ipc -c "$PINGPONG
replay $sched"
	assert_line "replay: 4 steps of $sched: deadlock"
	[ "$(grep -v '^replay:' <<<"$output")" = "$first" ]
	# The script changed: ping receives first now.
	changed=${PINGPONG/repeat 3 send c1 \"ping \$i\"/recv c2}
	run -1 --separate-stderr ipc -c "$changed
replay $sched"
	stderr_has "replay diverges at step 2: the schedule has A do 'repeat 3 send c1 \"ping \$i\"' at ping line 1, but that line is 'recv c2' here"
	# One send less: the line itself differs.
	changed=${PINGPONG/repeat 3/repeat 1}
	run -1 --separate-stderr ipc -c "$changed
replay $sched"
	stderr_has "replay diverges at step 2: the schedule has A do 'repeat 3 send c1 \"ping \$i\"' at ping line 1, but that line is 'repeat 1 send c1 \"ping \$i\"' here"
	run -1 --separate-stderr ipc -c "spawn A; record $sched.x"
	stderr_has 'no seeded step to record yet'
	# Without a file: kept in the playground, through reset.
	run -0 --separate-stderr ipc -c "$PINGPONG
run --random 7
record
reset
$PINGPONG
replay"
	assert_line 'recorded 4 steps (replay replays them)'
	assert_line 'replay: 4 steps of the recording: deadlock'
	run -1 --separate-stderr ipc -c "$PINGPONG
replay"
	stderr_has 'nothing recorded to replay'
	run -1 --separate-stderr ipc -c "spawn A; program p { send c x }; A run p; replay /nonexistent/s"
	stderr_has '/nonexistent/s: No such file or directory'
}

@test "a schedule whose step holds the longest message, every byte escaped, is written and read back" {
	sched=$BATS_TEST_TMPDIR/long.sched
	msg=$(printf '\\x01%.0s' $(seq 65536))	# 262,144 characters in the script
	printf 'spawn A B\nchannel c unbounded\nprogram p { send c "%s" }\nA run p\nrun --random 1\nrecord %s\n' "$msg" "$sched" >"$BATS_TEST_TMPDIR/long.ipc"
	run -0 --separate-stderr ipc "$BATS_TEST_TMPDIR/long.ipc"
	assert_line "recorded 1 step in $sched"
	[ "$(wc -c <"$sched")" -gt 200000 ]
	sed 's/^record .*/replay '"${sched//\//\\/}"'/; s/^run --random 1$//' "$BATS_TEST_TMPDIR/long.ipc" >"$BATS_TEST_TMPDIR/replay.ipc"
	run -0 --separate-stderr ipc "$BATS_TEST_TMPDIR/replay.ipc"
	assert_line "replay: 1 step of $sched"
}

@test "step takes one operation of a process, or says why it cannot" {
	run -1 --separate-stderr ipc -c "$PINGPONG
step A
step B
step A
step A"
	assert_line 'A blocked: send on c1 (no receiver waiting)'
	assert_line 'B received "ping 1" from c1'
	stderr_has 'A waits in its operation (ping line 1): it goes on when another step lets it'
	run -1 --separate-stderr ipc -c "$PINGPONG
A stop
step A"
	stderr_has 'A is stopped (A continue)'
	run -1 --separate-stderr ipc -c "$PINGPONG
run --random 7
step"
	stderr_has 'no step can be taken: deadlock'
}

@test "a free run moves more than 10,000 messages, then stops on the deadlock" {
	run -0 --separate-stderr ipc -c 'spawn A B
channel c1 bounded 8
channel c2 rendezvous
program prod { repeat 6000 send c1 "m$i"; recv c2 }
program cons { repeat 6000 recv c1; recv c2 }
A run prod
B run cons
run'
	# Summarised: one line a second for each process and channel.
	[ "$(awk '/^A sent [0-9]+ messages .* on c1 in/ { n += $3 } END { print n }' <<<"$output")" -eq 6000 ]
	[ "$(awk '/^B received [0-9]+ messages .* from c1 in/ { n += $3 } END { print n }' <<<"$output")" -eq 6000 ]
	assert_line --partial 'DEADLOCK: A, B — A (prod line 2) waits to recv on c2 for B; B (cons line 2) waits to recv on c2 for A'
	assert_line --regexp '^run: 12002 steps in [0-9]+ ms: deadlock$'
	run -0 --separate-stderr ipc --json -c 'spawn A B
channel c1 bounded 8
program prod { repeat 6000 send c1 "m$i" }
program cons { repeat 6000 recv c1 }
A run prod
B run cons
run'
	# Every message is an event of its own in JSON.
	[ "$(grep '"proc":"B"' <<<"$output" | grep -c '"msg":"m')" -eq 6000 ]
}

@test "a program that loops for ever is stopped by --steps, --for, and P stop" {
	script='spawn A B
channel c rendezvous
program spin { loop; send c x; end }
program sink { loop; recv c; end }
A run spin
B run sink'
	run -0 --separate-stderr ipc -c "$script
run --steps 101"
	assert_line --regexp '^run: 101 steps in [0-9]+ ms: 101 steps done$'
	run -0 --separate-stderr ipc -c "$script
run --for 200"
	assert_line --regexp '^run: [0-9]+ steps in [0-9]+ ms: 200 ms passed$'
	run -0 --separate-stderr ipc -c "$script
A stop
run
A continue
run --steps 3"
	assert_line --regexp '^run: 1 step in [0-9]+ ms: nothing can go: B \(sink line 2\) waits; stopped: A \(A continue\)$'
	assert_line --regexp '^run: 3 steps in [0-9]+ ms: 3 steps done$'
}

@test "a failed expect or operation stops the run, named by its program line" {
	run -1 --separate-stderr ipc -c 'spawn A
channel c unbounded
program p { send c x; expect c holds 5 }
A run p
run'
	assert_line --regexp '^run: 1 step in [0-9]+ ms: A \(p line 2, -c:3\) failed: expect failed$'
	run -1 --separate-stderr ipc -c 'spawn A
program p { send nosuch x }
A run p
run --random 1'
	stderr_has 'A send nosuch: no such channel'
	stderr_has 'run stopped: A (p line 1, -c:2) failed'
}

@test "a process killed from outside mid-run: its peer sees the end, the run goes on" {
	start_bg 'spawn A B C
channel c1 bounded 2 from A to B
channel c2 unbounded
program flood { loop; send c1 x; end }
program sink { loop; recv c1; end }
program tick { loop; send c2 t; sleep 5; end }
A run flood
B run sink
C run tick
run --for 2500
programs
quit'
	wait_for '"type":"recv"'
	kill -9 "$(pid_of B)"
	for _ in $(seq 100); do grep -q '"text":"programs\|"text":"A: flood' "$out" && grep -q '"text":"run:' "$out" && break; sleep 0.05; done
	run cat "$out"
	assert_line --partial '"type":"exit"'
	assert_line --partial '"error":"broken channel"'
	assert_line --partial '"text":"A: program flood ended: broken channel"'
	assert_line --regexp '"text":"run: [0-9]+ steps in [0-9]+ ms: 2500 ms passed"'
	assert_line --partial '"runners":[{"proc":"A","program":"flood","state":"ended","stopped":false},{"proc":"B","program":"sink","state":"ended","stopped":false},{"proc":"C","program":"tick","state":"'
}

@test "a ping-pong over a kernel socket pair runs as programs, and an echo server answers with \$msg" {
	run -0 --separate-stderr ipc -c 'spawn A B
channel sp socketpair seqpacket between A B
program ping { loop; send sp ping; recv sp; end }
program echo { loop; recv sp; send sp "re:$msg"; end }
A run ping
B run echo
run --steps 2000
expect A received "re:ping"'
	assert_line --regexp '^run: 2000 steps in [0-9]+ ms: 2000 steps done$'
}

@test "found by review: EPIPE ends a seeded program too, a typed wait is waited for, \$ready empty, \$\$ and a message '-n'" {
	run -0 --separate-stderr ipc -c 'spawn A B
channel s socketpair stream between A B
program w { loop; send s xx; end }
program r { recv s; exit }
A run w
B run r
run --random 1'
	assert_line 'A: program w ended: broken channel'
	assert_line 'run: 5 steps (seed 1): every program has ended'
	# A waits in a typed send: its program starts once that is done.
	run -0 --separate-stderr ipc -c 'spawn A B; channel c rendezvous; A send c typed
program p { recv c; send c fromprog }; A run p; run --random 1
programs
B recv c
run --random 1'
	assert_line 'run: 0 steps (seed 1): nothing can go: A (in a typed operation) waits, and only a typed command could help'
	assert_line 'A: p waits for its typed operation to be done'
	assert_line 'A blocked: recv on c (no sender waiting)'
	run -1 --separate-stderr ipc -c 'spawn A; channel c unbounded
program p { recv $ready }; A run p; run'
	stderr_has '$ready is empty: no poll of A'"'"'s has found a channel ready yet'
	run -0 --separate-stderr ipc -c 'spawn A; channel c unbounded
program p { send c "-n"; recv c; send c $msg; send c "$$msg $$i" }; A run p; run --random 1'
	assert_line 'A sent "-n" on c [c 1]'
	assert_line 'A sent "-n" on c [c 1]'
	assert_line 'A sent "$msg $i" on c [c 2]'
	run -1 --separate-stderr ipc -c "spawn A; program p { send c x }; A run p; replay $BATS_TEST_TMPDIR"
	stderr_has 'Is a directory'
	run -1 --separate-stderr ipc -c 'spawn A; program p { send c x }; A run p; run --random 1 --random 2'
	stderr_has 'run: --random given twice'
}

@test "found by review: many sleeping programs and --for, a failure after a wait, step and a timeout, a typed wait is no program line's, braces in end-programs" {
	# Every runner asleep, and the loop slower than a sleep: --for holds.
	s='spawn'; for i in $(seq 150); do s="$s P$i"; done
	r=''; for i in $(seq 150); do r="$r; P$i run z"; done
	run -0 --separate-stderr timeout 20 "$IPCPLAY" -c "$s
program z { loop; sleep 1; end }${r}
run --for 300"
	assert_line --regexp '^run: [0-9]+ steps in [0-9]+ ms: 300 ms passed$'
	# A channel closed under a waiting program stops a seeded run too.
	run -1 --separate-stderr ipc -c 'spawn A; channel c1 unbounded; channel c2 unbounded
program p { recv c1; send c2 after }; A run p; step A; close c1; run --random 1'
	assert_line --regexp '^run: 0 steps \(seed 1\): A \(p line 1, -c:2\) failed: '
	# step waits for a pending timeout when nobody else can go.
	run -0 --separate-stderr ipc -c 'spawn A; channel c1 unbounded
program p { recv c1 --timeout 100; send c1 late }; A run p; step; step'
	assert_line --partial 'A timed out'
	assert_line 'A sent "late" on c1 [c1 1]'
	# The typed send of A is nobody's program line.
	run -0 --separate-stderr ipc -c 'spawn A B; channel c1 unbounded
channel c2 rendezvous from A to B; channel c3 rendezvous from B to A
program p { recv c1 }; A run p; step A; B send c1 x; A send c2 y; B send c3 z'
	assert_line --regexp '^DEADLOCK: A, B — A waits to send on c2 for B'
	# Braces are words in a program written up to end.
	run -0 --separate-stderr ipc -c 'spawn A; channel c1 unbounded
program p
send c1 {x}
end
A run p; run'
	assert_line 'A sent "{x}" on c1 [c1 1]'
}

@test "a program may put \$msg where a number or a signal goes: the value is checked when it runs" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel c unbounded
program p { recv c; exit $msg }
A run p
B send c 3
run --random 1
expect A exited 3'
	# Defined, then refused as it runs, naming the program line.
	run -1 --separate-stderr ipc -c 'spawn A B; channel c unbounded
program p { recv c; exit $msg }
A run p
B send c lots
run --random 1'
	stderr_has "exit code 'lots' is invalid (0 to 255)"
	# A literal is still checked where it is defined.
	run -1 --separate-stderr ipc -c 'program p { exit lots }'
	stderr_has "exit code 'lots' is invalid (0 to 255)"
	assert_output --partial 'program p not defined (1 bad line)'
}
