#!/usr/bin/env bats
# Programs in a free run, in batches (spec 10): on kernel channels the
# agents make their syscalls on their own and tell the broker only through
# a shared region (core/kbatch.c); on modeled ones they send their
# requests ahead and the broker answers none it need not (core/mbatch.c)
# -- yet every operation is told, in the order it happened, the count of
# steps is exact, and blocking, deadlocks and deaths are seen as for one
# operation at a time.

load test_helper/common

# The ping-pong of section 6 of make bench, over a seqpacket socket pair.
PING='spawn A B
channel sp socketpair seqpacket between A B
program ping { loop; send sp x --size 64; recv sp; end }
program pong { loop; recv sp; send sp y --size 64; end }
A run ping; B run pong'

# Every receive is of bytes some send already began to send the other
# way (a send that waited is told blocked, with its message, when it
# found it must wait: its bytes may be read before its unblock is told,
# as on a modeled channel).  Prints how many operations were told.
check_order() {
	python3 -c '
import json, sys
sent, got, waiting, n = {}, {}, set(), 0
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] not in ("send", "recv", "unblock"):
        continue
    kind = e["type"] if e["type"] != "unblock" else e["op"]
    d = e["proc"] if kind == "send" else "to " + e["proc"]
    peer = {"A": "to B", "B": "to A", "to A": "to A", "to B": "to B"}[d]
    if kind == "send" and e["status"] == "blocked":
        sent[peer] = sent.get(peer, 0) + len(e["msg"])
        waiting.add(e["proc"])
        continue
    if e.get("status") != "ok":
        continue
    if kind == "send":
        if e["type"] == "unblock" and e["proc"] in waiting:
            waiting.discard(e["proc"])
        else:
            sent[peer] = sent.get(peer, 0) + e["size"]
    else:
        got[peer] = got.get(peer, 0) + e["size"]
        assert got[peer] <= sent.get(peer, 0), ("received before sent", e)
    n += 1
print(n)
'
}

@test "a free run on a socket pair: every operation told, in causal order, and exactly the steps asked" {
	run -0 ipc --json -c "$PING
run --steps 20001"
	assert_line --partial '"text":"run: 20001 steps in '
	assert_line --partial ' ms: 20001 steps done"}'
	# 20001 begun: all done but one, which may be blocked, or in flight.
	n=$(printf '%s\n' "$output" | grep -c '"type":"\(send\|recv\)","seq".*"status":"ok"')
	b=$(printf '%s\n' "$output" | grep -c '"status":"blocked"' || true)
	[ $((n + b)) -eq 20001 ] || [ $((n + b)) -eq 20000 ] || { echo "ok $n blocked $b"; false; }
	m=$(printf '%s\n' "$output" | grep '^{"type":"\(send\|recv\|unblock\)"' | check_order)
	[ "$m" -ge 20000 ]
	# The human transcript sums the bursts up.
	run -0 ipc -c "$PING
run --steps 4000"
	assert_line --regexp '^A sent [0-9]+ messages \([0-9]+ bytes\) on sp in [0-9]+ ms'
	assert_line --regexp '^B received [0-9]+ messages \([0-9]+ bytes\) from sp in [0-9]+ ms'
	assert_line --regexp '^run: 4000 steps in [0-9]+ ms: 4000 steps done$'
}

@test "in a free run the agents make their kernel syscalls without a message to the broker for each" {
	command -v strace >/dev/null || skip "no strace"
	[ -z "${IPCPLAY_ASAN:-}" ] || skip "strace under ASan is slow"
	strace -f -qq -e trace=sendmsg -o "$BATS_TEST_TMPDIR/st" \
	    "$IPCPLAY" -c "$PING
run --steps 10000" > "$BATS_TEST_TMPDIR/out"
	grep -q '^run: 10000 steps' "$BATS_TEST_TMPDIR/out"
	# One operation at a time took three messages or more for each.
	n=$(grep -c 'sendmsg(' "$BATS_TEST_TMPDIR/st")
	[ "$n" -lt 1000 ] || { echo "$n sendmsg calls for 10000 operations"; false; }
}

@test "a free run deadlocks on two pipes after 10,000 operations: found, with each program's line" {
	run -0 ipc --json -c 'spawn A B
channel p pipe from A to B
channel q pipe from B to A
program a { repeat 5000 send p x; recv q }
program b { repeat 5000 recv p --max 1; recv p; send q z }
A run a; B run b
run'
	assert_line --partial '"type":"deadlock"'
	assert_line --regexp '"waits":\[\{"proc":"A","op":"recv","chan":"q"[^]]*"line":2'
	assert_line --regexp '\{"proc":"B","op":"recv","chan":"p"[^]]*"line":2'
	assert_line --partial '"text":"run: 10002 steps in '
	assert_line --partial 'ms: deadlock"}'
	# Each told once: at once, or blocked and then unblocked.
	n=$(printf '%s\n' "$output" | grep -c '"type":"\(recv\|unblock\)","seq".*"proc":"B",\("op":"recv",\)\?"chan":"p","msg":"x","size":1,.*"status":"ok"')
	[ "$n" -eq 5000 ]
}

@test "a run that ends with an agent asleep in pipe_write leaves it there; a typed recv wakes it, and its program goes on" {
	run -0 ipc -c 'spawn A B
channel p pipe size=4096 from A to B
program w { loop; send p x --size 1000; end }
A run w
run --for 200
ps
B recv p --max 4096
run --steps 3
programs'
	assert_line --regexp '^A sent 4 messages \(4000 bytes\) on p in [0-9]+ ms$'
	assert_line --regexp '^run: 5 steps in [0-9]+ ms: nothing can go: A \(w line 2\) waits, and only a typed command could help$'
	assert_line --regexp '^A +[0-9]+ +blocked +send p +S \(sleeping\) in [a-z_]*pipe_write \(write\(2\)\)$'
	assert_line --regexp '^B received "x+.*" \(4000 bytes\) from p \[p 0/4096\]$'
	assert_line --regexp '^A unblocked: sent "x+.*" \(1000 bytes\) on p \[p 1000/4096\]$'
	# The pipe's one page has room for three more.
	assert_line --regexp '^A sent 3 messages \(3000 bytes\) on p in [0-9]+ ms$'
	assert_line --regexp '^run: 3 steps in [0-9]+ ms: 3 steps done$'
	assert_line 'A: w line 2 (send p x --size 1000) next'
}

@test "an agent's title while it sleeps in a batch's syscall is its operation's" {
	ipc -c 'spawn A B
channel p pipe size=4096 from A to B
program w { loop; send p x --size 1000; end }
A run w
run --for 100
sleep 5000' > /dev/null &
	pid=$!
	for _ in $(seq 50); do
		t=$(ps -eo args= | grep '^ipcplay: A' || true)
		[ "$t" = 'ipcplay: A [blocked send p]' ] && break
		sleep 0.1
	done
	kill $pid
	wait $pid || true
	[ "$t" = 'ipcplay: A [blocked send p]' ] || { echo "title: $t"; false; }
}

@test "a process killed in the middle of its batch: the run goes on, its peer sees the end" {
	run -0 ipc -c "$PING
spawn C
program killer { sleep 100; signal B KILL }
C run killer
run --for 5000
ps"
	assert_line 'B killed by KILL'
	assert_line --regexp '^A: program ping ended: (end of channel|broken channel)'
	assert_line 'C: program killer ended'
	assert_line --regexp '^run: [0-9]+ steps in [0-9]+ ms: every program has ended$'
	assert_line --regexp '^B +[0-9]+ +exited +killed by KILL'
}

@test "a line with \$msg goes alone, the lines around it in batches: the echo keeps its order" {
	run -0 ipc --json -c 'spawn A B
channel sp socketpair stream between A B
program client { repeat 200 send sp abcd; repeat 200 recv sp --max 4; exit 0 }
program echo { loop; recv sp --max 4; send sp $msg; end }
A run client; B run echo
run'
	m=$(printf '%s\n' "$output" | grep '^{"type":"\(send\|recv\|unblock\)"' | check_order)
	[ "$m" -ge 600 ]
	assert_line --partial '"text":"B: program echo ended: end of channel"'
	assert_line --partial 'every program has ended"}'
}

@test "a free run's fills on a pipe and a queue are what the operations leave" {
	# A pipe is a stream: five bytes a read keeps the count of reads.
	for ch in 'p pipe from A to B|--max 5' 'p mq 10 msgsize=64 from A to B|'; do
		run -0 ipc --json -c "spawn A B
channel ${ch%|*}
program w { repeat 300 send p abcde }
program r { repeat 300 recv p ${ch#*|} }
A run w; B run r
run
chan p"
		# Counted in the order told, shown between 0 and the capacity.
		printf '%s\n' "$output" | python3 -c '
import json, sys
mq = "mq" in sys.argv[1]
fill = 0
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] not in ("send", "recv", "unblock") or e.get("status") != "ok":
        continue
    kind = e["type"] if e["type"] != "unblock" else e["op"]
    fill += (1 if mq else e["size"]) * (1 if kind == "send" else -1)
    assert e["fill"] == max(0, min(fill, e["capacity"])), (e, fill)
assert fill == 0, fill
' "$ch"
		assert_line --partial 'every program has ended'
	done
}

@test "a modeled ping-pong runs in batches: one message a request, the steps exact, every operation told" {
	run -0 ipc --json -c 'spawn A B
channel c1 rendezvous
channel c2 rendezvous
program ping { loop; send c1 x; recv c2; end }
program pong { loop; recv c1; send c2 y; end }
A run ping; B run pong
run --steps 4001'
	assert_line --partial '"text":"run: 4001 steps in '
	n=$(printf '%s\n' "$output" | grep -c '"type":"\(send\|recv\|unblock\)","seq".*"status":"ok"' || true)
	[ "$n" -ge 4000 ] && [ "$n" -le 4001 ]
	command -v strace >/dev/null || skip "no strace"
	[ -z "${IPCPLAY_ASAN:-}" ] || skip "strace under ASan is slow"
	strace -f -qq -e trace=sendmsg -o "$BATS_TEST_TMPDIR/st" \
	    "$IPCPLAY" -c 'spawn A B
channel c1 rendezvous
channel c2 rendezvous
program ping { loop; send c1 x; recv c2; end }
program pong { loop; recv c1; send c2 y; end }
A run ping; B run pong
run --steps 10000' > /dev/null
	# A request each from the agents, and next to nothing from the broker
	# (one at a time took three messages or more for each).
	n=$(grep -c 'sendmsg(' "$BATS_TEST_TMPDIR/st")
	[ "$n" -lt 12000 ] || { echo "$n sendmsg calls for 10000 operations"; false; }
}

@test "in a modeled batch a waiting partner is served at once: never both blocked on one channel" {
	run -0 ipc --json -c 'spawn A B
channel q bounded 2 from A to B
program a { repeat 60 send q x$i }
program b { repeat 60 recv q }
A run a; B run b
run'
	printf '%s\n' "$output" | python3 -c '
import json, sys
blocked = {}
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] in ("send", "recv") and e["status"] == "blocked":
        blocked[e["proc"]] = e["type"]
        assert set(blocked.values()) != {"send", "recv"}, ("both wait", e)
    elif e["type"] in ("send", "recv", "unblock"):
        blocked.pop(e["proc"], None)
'
	[ "$(printf '%s\n' "$output" | grep -c '"proc":"B".*"msg":"x')" -eq 60 ]
	assert_line --partial 'every program has ended'
}

@test "the end of a channel a batch meets is told after the death that caused it" {
	for _ in 1 2 3; do
		run -0 ipc -c 'spawn A B
channel p pipe from A to B
program w { repeat 500 send p hello; exit 3 }
program r { loop; recv p --max 7; end }
A run w; B run r
run'
		[ "$(printf '%s\n' "$output" | grep -n 'A exited (code 3)' | cut -d: -f1)" -lt \
		    "$(printf '%s\n' "$output" | grep -n 'end of channel' | head -1 | cut -d: -f1)" ]
	done
}
