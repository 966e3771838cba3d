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
	run -0 ipc -c 'spawn A B; channel c rendezvous from B to A; B exit; A recv c -n; A send @A x; A recv; A recv'
	assert_line 'A recv on c: end of channel (every sender is gone and nothing is left)'
	assert_line 'DEADLOCK: A — A waits to recv on @A: no other live process may send to @A'
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
	assert_line 'S poll a: ready a (hang-up)'
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

@test "a wait with a pending timeout is never a deadlock, and ends by itself" {
	run -0 ipc -c 'spawn A; A recv --timeout 100; expect no deadlock; sleep 200; expect A ready'
	refute_output --partial DEADLOCK
	assert_line 'A timed out: recv on @A after 100 ms'
}

@test "a rendezvous cycle with a timed send is no deadlock (Go checkdead, Erlang after)" {
	run -0 ipc -c 'spawn A B
channel ab rendezvous from A to B
channel ba rendezvous from B to A
A send ab x --timeout 150
B send ba y
expect no deadlock
sleep 250
expect A ready'
	refute_output --partial DEADLOCK
}

@test "a process stuck behind a deadlock is reported as stuck, not as a new deadlock" {
	run -0 ipc -c 'spawn A B L
channel ab rendezvous from A to B
channel ba rendezvous from B to A
A send ab x; B send ba y
L recv
expect deadlock A B
expect deadlock A B L
spawn M'
	assert_line 'DEADLOCK: A, B — A waits to send on ab for B; B waits to send on ba for A (cycle A → B → A)'
	assert_line 'L is stuck: only A or B, both deadlocked, could send to @L'
	assert_line 'L is no longer stuck: a live process could now send to @L'
	assert_equal "$(grep -c '^DEADLOCK' <<<"$output")" 1
}

@test "two separate cycles are two deadlocks" {
	run -0 ipc -c 'spawn A B X Y
channel ab rendezvous from A to B; channel ba rendezvous from B to A
channel xy rendezvous from X to Y; channel yx rendezvous from Y to X
A send ab 1; B send ba 2; X send xy 3; Y send yx 4
expect deadlock A B
expect deadlock X Y
deadlock'
	assert_equal "$(grep -c '^DEADLOCK: A, B ' <<<"$output")" 2
	assert_equal "$(grep -c '^DEADLOCK: X, Y ' <<<"$output")" 2
	refute_output --partial 'DEADLOCK: A, B, X'
}

@test "a script that reads to the end of a channel exits 0" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel c unbounded from B to A
B send c last; B exit; A recv c; A recv c; expect A ready'
	assert_line 'A recv on c: end of channel (every sender is gone and nothing is left)'
	assert_equal "$stderr" ''
}

@test "deadlock --json: stuck events and null helpers" {
	run -0 ipc --json -c 'spawn A B L Z
channel ab rendezvous from A to B; channel ba rendezvous from B to A
A send ab x; B send ba y; L recv
channel z unbounded from Z to Z; Z recv z'
	assert_line --partial '"type":"stuck","seq":'
	assert_line --partial '"proc":"L","op":"recv","chan":"@L","stuck":true,"deadlock":["A","B"],"for":"A, B or Z"}'
	assert_line --partial '"procs":["Z"],"cycle":[],"waits":[{"proc":"Z","op":"recv","chan":"z","for":null}],"behind":[]}'
}

@test "a capability waiting in a channel can still end a wait: no deadlock while it waits, one once its taker is gone" {
	# C holds the only right to receive from c, and waits for A; A waits
	# to send on c.  But cap:c:recv waits in k, which B may receive from.
	run -0 ipc -c 'spawn A B C
channel c rendezvous from A to C; channel z rendezvous from A to C
channel k unbounded format=cap from C
C send k "cap:c:recv"; C recv z; A send c hello
expect no deadlock
B recv k; expect no deadlock
B exit
expect deadlock A C'
	assert_line 'DEADLOCK: A, C — A waits to send on c for C; C waits to recv on z for A (cycle A → C → A)'
	assert_equal "$(grep -c '^DEADLOCK' <<<"$output")" 1
	# Two hops: the right to k2, which holds the right to c, waits in k1.
	run -0 ipc -c 'spawn A B C
channel c rendezvous from A to C; channel z rendezvous from A to C
channel k2 unbounded format=cap to C; channel k1 unbounded format=cap
C send k2 "cap:c:recv"; C send k1 "cap:k2:recv"; C recv z; A send c hello
expect no deadlock
B recv k1; B recv k2; B recv c; expect B received hello'
	refute_output --partial DEADLOCK	# Found by review: a kernel poll's modeled channel counts it too; an
	# atomic send's capability does not travel alone; a capability only
	# its holder may take adds no one.
	run -0 ipc -c 'spawn A B C
channel p pipe from C to A; channel c unbounded from C to A
channel z rendezvous from A to C; channel k unbounded format=cap to B
C send k "cap:c:send"; C recv z; A poll p c
expect no deadlock'
	run -0 ipc -c 'spawn A B C S
channel c rendezvous from A to C,S; channel z rendezvous from A to C
channel k rendezvous format=cap from S to B; channel r rendezvous from S to C
S send k,r "cap:c:recv" --atomic
C recv z; A send c hello
expect deadlock A C S'
	run -0 ipc -c 'spawn A B C
channel c rendezvous from A to C; channel z rendezvous from A to C
channel k unbounded format=cap to C
C send k "cap:c:recv"; C recv z; A send c hello
expect deadlock A C'
	assert_line 'DEADLOCK: A, C — A waits to send on c for C; C waits to recv on z for A (cycle A → C → A)'
}

@test "graph --dot: a process called nobody is not the node for 'nobody could help'" {
	run -0 ipc -c 'spawn nobody A; channel c rendezvous from A to A; A recv c; graph --dot'
	assert_line '  "(nobody)" [label="nobody",shape=plaintext];'
	assert_line '  "A" -> "(nobody)" [label="recv c",color=red];'
	assert_line '  "nobody" [shape=box];'
	refute_line --partial '-> "nobody"'
}
