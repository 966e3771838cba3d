#!/usr/bin/env bats
# Deadlock, as a class would see it: the A→B→C→A cycle over rendezvous
# channels, the same cycle over bounded 1 channels once the buffers
# fill, and a near miss that is not a deadlock.

load ../test_helper/common

ring='spawn A B C
channel ab rendezvous from A to B
channel bc rendezvous from B to C
channel ca rendezvous from C to A'

@test "three processes sending round a rendezvous ring deadlock, reported with the cycle" {
	run -0 ipc -c "$ring
A send ab x
expect no deadlock
B send bc y
expect no deadlock
C send ca z
expect deadlock A B C"
	assert_line 'DEADLOCK: A, B, C — A waits to send on ab for B; B waits to send on bc for C; C waits to send on ca for A (cycle A → B → C → A)'
	[ "$(printf '%s\n' "$output" | grep -c '^DEADLOCK')" -eq 1 ]
}

@test "the deadlock is reported once, not again after an unrelated command" {
	run -0 ipc -c "$ring
A send ab x; B send bc y; C send ca z
spawn D; D send @D hello; ps; deadlock"
	# Once by the engine, once more only because 'deadlock' was asked.
	[ "$(printf '%s\n' "$output" | grep -c '^DEADLOCK')" -eq 2 ]
}

@test "the JSON deadlock event names the processes, the cycle and what each waits for" {
	run -0 ipc --json -c "$ring
A send ab x; B send bc y; C send ca z"
	run -0 python3 -c '
import json, sys
d = [json.loads(l) for l in sys.argv[1].splitlines()]
dl = [e for e in d if e["type"] == "deadlock"]
assert len(dl) == 1, dl
e = dl[0]
assert e["procs"] == ["A", "B", "C"], e
assert e["cycle"] == ["A", "B", "C"], e
assert [(w["proc"], w["op"], w["chan"]) for w in e["waits"]] == \
    [("A", "send", "ab"), ("B", "send", "bc"), ("C", "send", "ca")], e
print("ok")' "$output"
}

@test "the same ring over bounded 1 channels deadlocks only once the buffers are full" {
	run -0 ipc -c 'spawn A B C
channel ab bounded 1 from A to B
channel bc bounded 1 from B to C
channel ca bounded 1 from C to A
A send ab 1; B send bc 1; C send ca 1
expect no deadlock
expect ab holds 1
A send ab 2; B send bc 2
expect no deadlock
C send ca 2
expect deadlock A B C
graph'
	assert_line 'A ─send ab→ B  DEADLOCK'
	assert_line 'C ─send ca→ A  DEADLOCK'
}

@test "a near miss: a chain whose last process is free is not a deadlock" {
	run -0 ipc -c 'spawn A B C
channel ab rendezvous from A to B
channel bc rendezvous from B to C
A send ab x
B send bc y
expect no deadlock
C recv bc
expect B ready
B recv ab
expect A ready
expect no deadlock'
	refute_output --partial DEADLOCK
}

@test "a lone process waiting where nobody alive could help is a deadlock of one" {
	run -0 ipc -c 'spawn A B; channel c rendezvous from B to A; B exit; A recv c -n; expect error; A send @A x; A recv; A recv'
	assert_line 'A recv on c failed: end of channel'
	assert_line 'DEADLOCK: A — A waits to recv on @A for nobody'
}

@test "breaking a deadlock by killing a member, and a new deadlock is reported anew" {
	run -0 ipc -c "$ring
A send ab x; B send bc y; C send ca z
kill A
expect C ready
expect no deadlock"
	assert_line 'C unblocked: send on ca failed: broken channel'
}

@test "a poll waits on any of its channels: one live sender is enough" {
	run -0 ipc -c 'spawn S A B
channel a rendezvous from A to S
channel b rendezvous from B to S
channel sa rendezvous from S to A
S poll a b
A recv sa
expect no deadlock
B exit
expect no deadlock'
	# Both senders asleep waiting for S: S, A and B wait for each other.
	run -0 ipc -c 'spawn S A B
channel a rendezvous from A to S
channel b rendezvous from B to S
channel sa rendezvous from S to A
channel sb rendezvous from S to B
A recv sa; B recv sb
expect no deadlock
S poll a b
expect deadlock S A B'
	# A poll of channels whose senders have all exited sees end of channel.
	run -0 ipc -c 'spawn S A; channel a rendezvous from A to S; A exit; S poll a'
	assert_line 'S poll a: ready a'
}

@test "graph --dot draws the wait-for graph with the deadlock in red" {
	run -0 ipc -c "$ring
A send ab x; B send bc y; C send ca z
graph --dot"
	assert_line 'digraph waitfor {'
	assert_line '  "A" -> "B" [label="send ab",color=red];'
}

@test "a 200-process ring is found as one deadlock" {
	script="$BATS_TEST_TMPDIR/ring.ipc"
	{
		printf 'spawn'; for i in $(seq 0 199); do printf ' P%d' "$i"; done; echo
		for i in $(seq 0 199); do echo "channel c$i rendezvous from P$i to P$(( (i + 1) % 200 ))"; done
		for i in $(seq 0 199); do echo "P$i send c$i x"; done
	} > "$script"
	run -0 ipc --json "$script"
	[ "$(printf '%s\n' "$output" | grep -c '"type":"deadlock"')" -eq 1 ]
	printf '%s\n' "$output" | grep '"type":"deadlock"' | grep -q '"P199"'
}
