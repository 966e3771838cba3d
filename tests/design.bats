#!/usr/bin/env bats
# The rest of the design space (issue 5): formats, capabilities, delivery
# guarantees, atomic multi-send, signals, non-blocking rendezvous,
# interposition and costs.  Each test pins concrete values.

load test_helper/common

@test "stream: two sends 'abc' 'def' then recv --max 4 gives 'abcd'" {
	run -0 ipc -c 'spawn A B; channel s unbounded format=stream
A send s abc; A send s def
B recv s --max 4; expect B received abcd
B recv s; expect B received ef'
	assert_line 'B received "abcd" from s [s 2]'
	assert_line 'B received "ef" from s [s 0]'
}

@test "stream: a bounded stream send that partly fits writes what fits and blocks for the rest" {
	run -0 ipc -c 'spawn A B; channel s bounded 4 format=stream
A send s abc; A send s def
expect A blocked send s; expect s holds 4
B recv s --max 4
expect A ready; expect s contains ef'
	assert_line 'A blocked: send on s (full 4/4) after writing 1 of 3 bytes'
	assert_line 'A unblocked: sent "def" on s [s 2/4]'
}

@test "stream: a non-blocking partial send returns the count written with status ok" {
	run -0 ipc --json -c 'spawn A; channel s bounded 4 format=stream
A send s abc; A send s xyz -n; A send s q -n'
	run -0 python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.argv[1].splitlines()]
s = [e for e in ev if e["type"] == "send"]
assert s[1]["status"] == "ok" and s[1]["size"] == 1, s[1]
assert s[2]["status"] == "would_block" and s[2]["size"] == 0, s[2]
print("ok")' "$output"
}

@test "datagram: recv --max truncates and says so" {
	run -0 ipc -c 'spawn A; channel d unbounded; A send d hello; A recv d --max 3; expect A received hel'
	assert_line 'A received "hel" from d (truncated to 3 bytes) [d 0]'
	run -0 ipc --json -c 'spawn A; channel d unbounded; A send d hello; A recv d --max 3'
	assert_output --partial '"truncated":true'
}

@test "fixed:N pads shorter messages with NUL bytes shown as \\0, rejects longer ones" {
	run -1 ipc -c 'spawn A; channel f bounded 2 format=fixed:4
A send f ab; A recv f; A send f abcde'
	assert_line 'A received "ab\0\0" from f [f 0/2]'
	assert_line 'A send on f failed: message too long'
}

@test "cap: receiving cap:CH:recv grants the right; without it, permission denied" {
	run -0 ipc -c 'spawn S C
channel secret bounded 2 from S to S
channel caps unbounded format=cap from S to C
S send secret "the key"
C recv secret -n; expect error
S send caps "cap:secret:recv"; C recv caps
C recv secret; expect C received "the key"'
	assert_line 'C recv on secret failed: permission denied'
	assert_line 'note: C now holds the right to recv on secret (a capability received on caps)'
}

@test "cap: a process cannot pass a right it does not hold" {
	run -1 ipc -c 'spawn S C; channel secret unbounded from S to S
channel caps unbounded format=cap
C send caps "cap:secret:send"'
	assert_line 'C send on caps failed: permission denied: C holds no such right on secret (in cap:secret:send)'
}

@test "unordered: reliable, any order, the same for the same seed" {
	script='spawn A; channel u unbounded delivery=unordered
repeat 6 A send u "m$i"
repeat 6 A recv u'
	run -0 ipc --seed 7 -c "$script"
	first=$(printf '%s\n' "$output" | grep received)
	[ "$(printf '%s\n' "$first" | wc -l)" -eq 6 ]
	for i in 1 2 3 4 5 6; do
		printf '%s\n' "$first" | grep -q "\"m$i\""
	done
	run -0 ipc --seed 7 -c "$script"
	[ "$first" = "$(printf '%s\n' "$output" | grep received)" ]
	# Some order other than FIFO, for this seed.
	[ "$first" != "$(printf 'A received "m%d" from u [u %d]\n' 1 5 2 4 3 3 4 2 5 1 6 0)" ]
}

@test "lossy: drop=1 drops everything and the sender is not told" {
	run -0 ipc -c 'spawn A; channel l unbounded delivery=lossy drop=1
repeat 3 A send l "x$i"; expect l holds 0'
	assert_line 'A sent "x1" on l [l 0]'
	assert_line 'l dropped "x1"'
	assert_line 'l dropped "x3"'
}

@test "lossy: dup=1 delivers every message twice" {
	run -0 ipc -c 'spawn A; channel l unbounded delivery=lossy dup=1
A send l x; expect l contains x x'
	assert_line 'l duplicated "x"'
}

@test "lossy: the same seed gives byte-identical JSON apart from pids" {
	script='spawn A; channel l unbounded delivery=lossy drop=0.3 dup=0.3 reorder=0.3
repeat 30 A send l "m$i"; repeat 30 A recv l -n'
	a=$(ipc --json --seed 42 -c "$script" | sed 's/"pid":[0-9]*//')
	b=$(ipc --json --seed 42 -c "$script" | sed 's/"pid":[0-9]*//')
	c=$(ipc --json --seed 43 -c "$script" | sed 's/"pid":[0-9]*//')
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
	printf '%s\n' "$a" | grep -q '"type":"drop"'
	printf '%s\n' "$a" | grep -q '"type":"dup"'
	printf '%s\n' "$a" | grep -q '"type":"reorder"'
}

@test "atomic: with one full channel, a non-blocking atomic send delivers nothing anywhere" {
	run -0 ipc -c 'spawn A; channel c1 bounded 1; channel c2 bounded 1; channel c3 unbounded
A send c2 full
A send c1,c2,c3 x --atomic -n
expect c1 holds 0; expect c2 contains full; expect c3 holds 0'
	assert_line 'A would block: send on c1,c2,c3 (c2 full 1/1)'
}

@test "atomic: a blocking atomic send waits until every channel can take it, then delivers to all" {
	run -0 ipc -c 'spawn A B; channel c1 bounded 1; channel c2 bounded 1
A send c1 full; B send c1,c2 x --atomic
expect B blocked send; expect c2 holds 0
A recv c1
expect B ready; expect c1 contains x; expect c2 contains x'
	assert_line 'B unblocked: sent "x" on c1,c2'
}

@test "multi-send without --atomic goes to each channel in turn" {
	run -0 ipc -c 'spawn A B; channel c1 bounded 1; channel c2 bounded 1
A send c2 full; B send c1,c2 x
expect B blocked send c2; expect c1 contains x
A recv c2; expect B ready; expect c2 contains x'
}

@test "signal: a real kill(2); the target reports what it caught and from whom" {
	run -0 ipc -c 'spawn A B; A signal B; A signal B USR2'
	assert_line 'A sent USR1 to B'
	assert_line 'B caught USR1 from A'
	assert_line 'B caught USR2 from A'
	run -0 ipc --json -c 'spawn A B; A signal B SIGUSR1'
	assert_output --partial '"type":"caught","seq":'
	assert_output --partial '"proc":"B","signal":"USR1","from":"A"'
}

@test "signal: two masked USR1 become one; two masked RTMIN+1 stay two" {
	run -0 ipc -c 'spawn A B; B mask USR1; A signal B; A signal B; B unmask USR1'
	[ "$(printf '%s\n' "$output" | grep -c 'B caught USR1 from A')" -eq 1 ]
	run -0 ipc -c 'spawn A B; B mask RTMIN+1; A signal B RTMIN+1; A signal B RTMIN+1; B unmask RTMIN+1'
	[ "$(printf '%s\n' "$output" | grep -c 'B caught RTMIN+1 from A')" -eq 2 ]
}

@test "signal: TERM kills the target and its peers see a broken channel" {
	run -1 ipc -c 'spawn A B; channel c unbounded to B; A signal B TERM; A send c x'
	assert_line 'B killed by TERM'
	assert_line 'A send on c failed: broken channel'
}

@test "non-blocking rendezvous: a one-time note, would_block unless the partner waits" {
	run -0 ipc -c 'spawn A B; channel r rendezvous
A send r x -n; A send r y -n
B recv r --timeout 1000; A send r z -n; expect B received z'
	[ "$(printf '%s\n' "$output" | grep -c '^note: a non-blocking operation on a rendezvous')" -eq 1 ]
	assert_line 'A would block: send on r (no receiver waiting)'
	assert_line 'A sent "z" on r'
}

@test "tap logs each message through a channel with sender and receiver" {
	run -0 ipc -c 'spawn A B; channel c unbounded; tap c; A send c hi; B recv c; untap c; A send c yo; B recv c'
	assert_line 'tap c: A → B "hi"'
	refute_line --partial 'tap c: A → B "yo"'
	run -0 ipc --json -c 'spawn A B; channel c unbounded; tap c; A send c hi; B recv c'
	assert_output --partial '"type":"tap","seq":'
	assert_output --partial '"chan":"c","from":"A","to":"B","msg":"hi"'
}

@test "filter rejects a message that does not match with 'rejected by filter'" {
	run -1 ipc -c 'spawn A; channel c unbounded; filter c "^[0-9]+$"; A send c 12; A send c abc; expect c contains 12'
	assert_line 'A send on c failed: rejected by filter'
	assert_output --partial 'ipcplay: -c:1: A send c: rejected by filter'
	run -1 ipc -c 'channel c unbounded; filter c "("'
	assert_output --partial 'bad regular expression'
}

@test "balance forwards round-robin to the targets" {
	run -0 ipc -c 'spawn A; channel jobs unbounded; channel w1 unbounded; channel w2 unbounded
balance jobs -> w1 w2
repeat 4 A send jobs "j$i"
expect w1 contains j1 j3; expect w2 contains j2 j4; chan jobs'
	assert_line 'A sent "j1" on jobs → w1 [w1 1]'
	assert_line '  interposed: balance → w1,w2'
}

@test "costs: 2 copies per buffered message, 1 per rendezvous hand-off, 0 for 16 bytes or less" {
	run -0 ipc --json -c 'spawn A B; channel b bounded 2; channel r rendezvous; channel big rendezvous
A send b x; B recv b
B recv r --timeout 2000; A send r 0123456789abcdef
B recv big --timeout 2000; A send big 0123456789abcdefg
stats'
	run -0 python3 -c '
import json, sys
st = [json.loads(l) for l in sys.argv[1].splitlines() if "\"stats\"" in l][0]
c = {x["chan"]: x for x in st["chans"]}
assert c["b"]["copies"] == 2 and c["b"]["messages"] == 1, c["b"]
assert c["r"]["copies"] == 0 and c["r"]["wakeups"] == 1, c["r"]
assert c["big"]["copies"] == 1, c["big"]
print("ok")' "$output"
}

@test "chan NAME shows the counters" {
	run -0 ipc -c 'spawn A B; channel c bounded 1; A send c x; B recv c; chan c'
	assert_line '  counters:  messages 1, bytes 1, copies 2, wakeups 0, drops 0, dups 0, reorders 0'
}

@test "expect CH COUNTER N checks a channel's counters" {
	run -0 ipc -c 'spawn A B; channel c bounded 2; A send c x; B recv c
expect c messages 1; expect c copies 2; expect c bytes 1; expect c drops 0'
	run -1 ipc -c 'spawn A; channel c unbounded; A send c x; expect c copies 5'
	assert_output --partial 'expect c copies 5: c has copies 1'
}

@test "expect P caught N counts the signals a process handled" {
	run -0 ipc -c 'spawn A B; B mask USR1; A signal B; A signal B; B unmask USR1; expect B caught 1'
	run -1 ipc -c 'spawn A B; A signal B; expect B caught 2'
	assert_output --partial 'B caught 1 signal'
}

@test "expect saw TEXT looks at the lines since the last command" {
	run -0 ipc -c 'spawn A; A recv -n; expect saw would block; expect saw A would block'
	run -1 ipc -c 'spawn A; A recv -n; A send @A x; expect saw would block'
	assert_output --partial 'no line since the last command contains "would block"'
}

@test "tap on a balanced channel logs each hop to its target" {
	run -0 ipc -c 'spawn C W; channel req unbounded; channel w1 unbounded
tap req; balance req -> w1; C send req hi; W recv w1'
	assert_line 'tap req: C → w1 "hi"'
}

@test "say prints its words joined by blanks, as a say event under --json" {
	run -0 ipc -c 'say hello "big world"'
	assert_output 'hello big world'
	run -0 ipc --json -c 'say hi'
	assert_output '{"type":"say","seq":1,"text":"hi"}'
}

@test "poll reports a hang-up apart from data, as POLLHUP" {
	run -0 ipc -c 'spawn A B; channel q1 unbounded from B to A; channel q2 unbounded from A to A
B exit; A poll q1 q2
A send q2 x; A poll q1,q2
spawn C; channel w unbounded from A to C; kill C; A poll w -w'
	assert_line 'A poll q1,q2: ready q1 (hang-up)'
	assert_line 'A poll q1,q2: ready q1 (hang-up), q2'
	assert_line 'A poll w: ready w (hang-up)'
	run -0 ipc --json -c 'spawn A B; channel q1 unbounded from B to A; B exit; A poll q1'
	assert_line --partial '"ready":["q1"],"hangup":["q1"],"status":"ok"}'
}

@test "graph --dot FILE writes the DOT file, whole; an unwritable path is one error" {
	f=$BATS_TEST_TMPDIR/wait.dot
	run -1 --separate-stderr ipc -c "spawn A B; channel ab rendezvous from A to B; A send ab x
graph --dot $f
graph --dot $BATS_TEST_TMPDIR/no/such/dir/x.dot"
	assert_line "wrote the wait-for graph to $f (1 edge)"
	assert_equal "$(cat "$f")" 'digraph waitfor {
  "A" [shape=box,style=dashed];
  "B" [shape=box];
  "A" -> "B" [label="send ab"];
}'
	assert_equal "$stderr" "ipcplay: -c:3: graph: cannot write $BATS_TEST_TMPDIR/no/such/dir/x.dot: No such file or directory"
	run ls "$BATS_TEST_TMPDIR"
	refute_output --partial 'x.dot'
}

@test "graph --dot as the only command prints only DOT" {
	run -0 ipc -c 'graph --dot'
	assert_output 'digraph waitfor {
}'
}

@test "chan and channels show a few messages of a full channel and how many more" {
	run -0 ipc -c 'spawn A; channel c unbounded
repeat 3000 A send c "message number $i with some padding to make it long"
channels; chan c'
	assert_line --regexp '^c +unbounded 3000 +datagram +\["mes…" … 2999 more\] +- '
	assert_line '  contents:  ["message number 1 with so…" … 2999 more] (157893 bytes)'
	[ "$(printf '%s\n' "$output" | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -lt 200 ]
}

@test "stats has a REORDERS column" {
	run -0 ipc --seed 3 -c 'spawn A; channel c unbounded delivery=lossy reorder=0.5
repeat 20 A send c "m$i"; stats'
	assert_line --regexp '^CHANNEL +BUFFERING +MSGS +BYTES +COPIES +WAKEUPS +DROPS +DUPS +REORDERS$'
	n=$(grep -c ' reordered ' <<<"$output")
	assert_line --regexp "^c +unbounded +20 +[0-9]+ +[0-9]+ +0 +0 +0 +$n\$"
}

@test "--timeout 0 says after 0 ms" {
	run -0 ipc -c 'spawn A; A recv --timeout 0; sleep 10'
	assert_line 'A blocked: recv on @A (empty), timeout 0 ms'
	assert_line 'A timed out: recv on @A after 0 ms'
}

@test "reset empties the playground without leaving; the seed starts again" {
	run -0 ipc --seed 5 -c 'spawn A B; channel c unbounded delivery=lossy drop=0.5
repeat 4 A send c "m$i"
reset
ps; channels
spawn A; channel c unbounded delivery=lossy drop=0.5
repeat 4 A send c "m$i"'
	assert_line 'reset: 2 processes ended, 1 channel gone; the playground is empty'
	first=$(sed -n '/^reset/q;p' <<<"$output" | grep -c dropped)
	second=$(sed -n '/^reset/,$p' <<<"$output" | grep -c dropped)
	assert_equal "$first" "$second"
	run -0 ipc --json -c 'spawn A; reset'
	assert_line '{"type":"reset","seq":2,"procs":1,"chans":0}'
}

@test "an exited process's name may be reused; the new one is a new process" {
	run -1 ipc -c 'spawn A B; channel c unbounded from A to B
A exit; spawn A
expect A ready
A send c x'
	assert_line 'A spawned'
	assert_line 'A send on c failed: permission denied'
	assert_equal "$(grep -c '^A spawned' <<<"$output")" 2
	run -1 ipc -c 'spawn A; spawn A'
	assert_output --partial 'process A already exists'
}

@test "quit and reset are never abbreviated" {
	run -1 --separate-stderr ipc -c 'spawn A; q; res; say still-here'
	assert_line 'still-here'
	assert_equal "$stderr" "ipcplay: -c:1: 'q' is short for quit, which is typed in full
ipcplay: -c:1: 'res' is short for reset, which is typed in full"
}

@test "did you mean suggests a name of the same kind" {
	run -1 --separate-stderr ipc -c 'spawn A; channel cc unbounded; A send c x; A send @a x'
	assert_line --index 0 --partial 'A spawned'
	[[ "$stderr" == *"A send c: no such channel; did you mean cc?"* ]]
	[[ "$stderr" == *"A send @a: no such channel; did you mean @A?"* ]]
}

@test "a blocked process sleeps in read(2) on a pipe; a ready one elsewhere" {
	run -0 ipc -c 'spawn A B; A recv; ps'
	assert_line --regexp '^A +[0-9]+ +blocked +recv @A +S \(sleeping\) in [a-z_]*pipe_read$'
	assert_line --regexp '^B +[0-9]+ +ready +- +S \(sleeping\) in [a-z_]+$'
	refute_line --regexp '^B .*pipe_read$'
	run -0 ipc --json -c 'spawn A; A recv; ps'
	assert_line --regexp '"name":"A",.*"kstate":"S","wchan":"[a-z_]*pipe_read"'
}

@test "a failed capability send names the capability at fault, not the channel" {
	run -1 --separate-stderr ipc -c 'spawn A; channel caps unbounded format=cap
A send caps "hello cap:nosuch:recv"'
	assert_line 'A send on caps failed: no such channel: nosuch (in cap:nosuch:recv)'
	assert_equal "$stderr" 'ipcplay: -c:2: A send caps: no such channel: nosuch (in cap:nosuch:recv)'
	run -1 ipc --json -c 'spawn A; channel caps unbounded format=cap; A send caps cap:nosuch'
	assert_line --partial '"status":"error","error":"no such channel","detail":"nosuch (in cap:nosuch)"'
}

@test "L4 call and reply: the caller waits for the callee's answer, in one step" {
	run -0 ipc -c 'spawn C S; channel srv rendezvous
S recv srv
C call srv "get 7"
expect C blocked call
ps
S reply "7 is prime"
expect C received "7 is prime"'
	assert_line 'C called S on srv with "get 7"; C waits for the reply'
	assert_line 'S unblocked: received "get 7" from srv (a call: C waits for the reply)'
	assert_line --regexp '^C +[0-9]+ +blocked +reply from S '
	assert_line 'S replied "7 is prime" to C'
	assert_line 'C unblocked: call on srv returned "7 is prime" from S'
}

@test "reply-recv answers and waits for the next call in one step; no copy up to 16 bytes" {
	run -0 ipc -c 'spawn C1 C2 S; channel srv rendezvous
S recv srv
C1 call srv a; S reply-recv srv b
expect S blocked recv srv
C2 call srv c; S reply-recv srv d
expect C1 received b; expect C2 received d
expect srv messages 4; expect srv copies 0
C1 call srv 0123456789abcdefg; S reply-recv srv 0123456789abcdefgh
expect srv copies 2'
}

@test "a call blocks until a receiver comes; a reply without a call fails" {
	run -1 --separate-stderr ipc -c 'spawn C S; channel srv rendezvous
C call srv x
expect C blocked call srv
S reply nothing'
	assert_line 'C blocked: call on srv (no receiver waiting)'
	assert_line 'S could not reply: no call to reply to'
	assert_equal "$stderr" 'ipcplay: -c:4: S reply: no call to reply to'
}

@test "a call needs a rendezvous channel; its callee's death breaks it; a late reply finds the caller gone" {
	run -1 ipc -c 'spawn C S; channel q unbounded; channel srv rendezvous
C call q x
S recv srv; C call srv y; kill S
spawn D T; T recv srv; D call srv z --timeout 50; sleep 100; T reply late'
	assert_line 'C call on q failed: a call needs a rendezvous channel (an L4 endpoint)'
	assert_line 'C unblocked: call on srv failed: broken channel'
	assert_line 'D timed out: call on srv after 50 ms'
	assert_line 'T could not reply: the caller is gone'
}

@test "a server that calls its own waiting client is a deadlock of the call graph" {
	run -0 ipc --json -c 'spawn A B; channel ab rendezvous from A to B; channel ba rendezvous from B to A
B recv ab; A call ab hi; B call ba yo'
	assert_line --partial '"type":"call","seq":'
	assert_line --partial '"procs":["A","B"],"cycle":["A","B"],"waits":[{"proc":"A","op":"call","chan":"ab","for":"B"},{"proc":"B","op":"call","chan":"ba","for":"A"}]'
}

@test "a callee that takes another call before replying drops the first, which fails and says why" {
	run -1 ipc -c 'spawn A B C; channel c rendezvous
B recv c; A call c one; B recv c; C call c two
expect A ready
B reply R1; B reply R2'
	assert_line 'A unblocked: call on c failed: broken channel: B took another call before replying to this one'
	assert_line 'C unblocked: call on c returned "R1" from B'
	assert_line 'B could not reply: no call to reply to'
}

@test "reply-recv waits on a rendezvous channel; with no caller left it only receives" {
	run -1 ipc -c 'spawn S A; channel c rendezvous; channel u unbounded; channel other unbounded from A to A
S recv c; A call c q
S reply-recv u x
S reply-recv other x
S reply-recv c first
A call c q2 --timeout 50; sleep 80
S reply-recv c late
expect S blocked recv c'
	assert_line 'S reply-recv on u failed: reply-recv waits on a rendezvous channel (an L4 endpoint)'
	assert_line 'S reply-recv on other failed: permission denied'
	assert_line 'S replied "first" to A, then receives on c'
	assert_line "note: S's reply-recv had a caller that is gone: it only waits for the next call on c"
}

@test "a deadlock of calls says who waits for whose reply" {
	run -0 ipc -c 'spawn C D; channel cd rendezvous to D; channel dc rendezvous to C
D recv cd; C call cd x; D call dc y'
	assert_line 'DEADLOCK: C, D — C waits for D'"'"'s reply to its call on cd; D waits to call on dc for C (cycle C → D → C)'
}

@test "graph marks DEADLOCK only inside a deadlock, not the edges of a process stuck behind it" {
	run -0 ipc -c 'spawn A B L; channel ab rendezvous from A to B; channel ba rendezvous from B to A
L recv; A send ab x; B send ba y; graph'
	assert_line 'A ─send ab→ B  DEADLOCK'
	assert_line 'L ─recv @L→ A'
	assert_line 'L ─recv @L→ B'
}

@test "under --json every line is JSON, help and remarks included" {
	run -0 ipc --json -c 'help; help send; spawn A; deadlock; trace 2'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	run -0 python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$BATS_TEST_TMPDIR/out"
	run -0 grep -c '"type":"text"' "$BATS_TEST_TMPDIR/out"
}

@test "--seed without a number is a usage error that says so" {
	run -2 --separate-stderr "$IPCPLAY" --seed
	assert_equal "$(head -1 <<<"$stderr")" 'ipcplay: --seed needs an argument'
}

@test "a call through a balancer goes to the endpoint it picks, which must be a rendezvous" {
	run -1 ipc -c 'spawn A B; channel lb rendezvous; channel q unbounded; balance lb -> q; A call lb x'
	assert_line 'A call on lb → q failed: a call needs a rendezvous channel (an L4 endpoint)'
	run -0 ipc -c 'spawn A B; channel q unbounded; channel r rendezvous; balance q -> r
B recv r; A call q hi; expect B received hi; B reply ok; expect A received ok'
}

@test "a dropped call is told after the receive that dropped it" {
	run -0 ipc -c 'spawn A B D; channel c rendezvous; B recv c; A call c x; B recv c; D call c y'
	[ "$(grep -n '^B unblocked: received "y"' <<<"$output" | cut -d: -f1)" -lt \
	    "$(grep -n '^A unblocked: call on c failed' <<<"$output" | cut -d: -f1)" ]
}

@test "exited processes whose names were reused do not count against the limit" {
	f=$BATS_TEST_TMPDIR/reuse.ipc
	for _ in $(seq 1005); do printf 'spawn A\nA exit\n'; done >"$f"
	run -0 ipc "$f"
	refute_output --partial 'too many processes'
}
