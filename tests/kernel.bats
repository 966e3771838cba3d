#!/usr/bin/env bats
# Kernel channels (spec 8): real pipes, FIFOs and socket pairs, used by
# the processes themselves.  What the transcript says must be what the
# kernel did: wait channels from /proc, EOF and EPIPE when the kernel
# gives them, nothing left behind.

load test_helper/common
load test_helper/background

stderr_has() {
	[[ "$stderr" == *"$1"* ]] || { echo "stderr: $stderr" >&2; false; }
}

@test "a pipe carries bytes from the writer's write(2) to the reader's read(2)" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B
A send p hello; A send p world; B recv p; B recv p -n'
	assert_line 'p created: pipe (kernel), capacity 65536 bytes, held by A:w B:r'
	assert_line 'A sent "hello" on p [p 5/65536]'
	# A stream: two writes, one read takes both.
	assert_line 'B received "helloworld" from p [p 0/65536]'
	assert_line 'B would block: recv on p (empty)'
}

@test "the channel event says kind, mechanism, buffering, format and delivery" {
	run -0 --separate-stderr ipc --json -c 'spawn A B; channel p pipe size=4096 from A to B
channel s socketpair dgram between A B; channels'
	assert_line --partial '"type":"channel","seq":3,"chan":"p","kind":"kernel","mechanism":"pipe","buffering":"kernel","capacity":4096,"format":"stream","delivery":"fifo","holders":"A:w B:r"'
	assert_line --partial '"chan":"s","kind":"kernel","mechanism":"socketpair","socktype":"dgram","buffering":"kernel"'
	assert_line --partial '"format":"datagram"'
	run -0 --separate-stderr ipc --json -c 'channel c bounded 1'
	assert_line --partial '"chan":"c","kind":"modeled","buffering":"bounded"'
}

@test "a writer to a full pipe sleeps in the kernel's pipe_write, and ps shows it" {
	start_bg "spawn A B; channel p pipe size=4096 from A to B; A send p x --size 5000; ps; sleep 30000"
	wait_for '"type":"ps"'
	run grep '"status":"blocked"' "$out"
	assert_output --partial '"reason":"full 4096/4096 bytes"'
	a=$(pid_of A)
	run cat "/proc/$a/wchan"
	assert_output --regexp 'pipe_write'
	run grep '"type":"ps"' "$out"
	assert_output --regexp '"name":"A"[^}]*"wchan":"[a-z_]*pipe_write"'
}

@test "the fill is the kernel's, read while every holder is asleep in a syscall" {
	run -0 --separate-stderr ipc -c "spawn A B; channel p pipe size=4096 from A to B
channel q pipe from A to B; B recv q; A send p x --size 5000; chan p"
	assert_line 'B blocked: recv on q (empty)'
	assert_line 'A blocked: send on p (full 4096/4096 bytes)'
	assert_line '  buffered:  4096 of 4096 bytes (FIONREAD)'
	assert_line '  senders:   A'
}

@test "a reader gets end of channel when the last writer exits, or is killed from outside" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; B recv p; A exit'
	assert_line 'B unblocked: recv on p: end of channel (every sender is gone and nothing is left): read(2) returned 0'
	start_bg 'spawn A B; channel p pipe from A to B; B recv p; sleep 30000'
	wait_for '"status":"blocked"'
	kill -9 "$(pid_of A)"
	wait_for '"error":"end of channel"'
	run grep '"type":"unblock"' "$out"
	assert_output --partial '"proc":"B","op":"recv","chan":"p"'
}

@test "a writer with no reader left gets EPIPE, said once, and lives on" {
	# A failed operation makes the script's status 1.
	run -1 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; B exit
A send p x; A send p y; ps'
	assert_line 'note: the processes ignore SIGPIPE, so a write with no reader left fails with EPIPE (broken channel) instead of killing the writer'
	assert_line 'A send on p failed: broken channel: EPIPE: no process holds a read end'
	[ "$(grep -c 'ignore SIGPIPE' <<<"$output")" -eq 1 ]
	assert_line --regexp '^A +[0-9]+ +ready'
}

@test "a blocked write cut short by the reader's death reports the bytes that got through" {
	start_bg "spawn A B; channel p pipe size=4096 from A to B; A send p x --size 5000; sleep 30000"
	wait_for '"status":"blocked"'
	kill -9 "$(pid_of B)"
	wait_for '"type":"unblock"'
	run grep '"type":"unblock"' "$out"
	assert_output --partial '"status":"ok"'
	assert_output --partial '"size":4096'
}

@test "-n on a full pipe writes what fits and says so; on an empty one it would block" {
	run -0 --separate-stderr ipc -c "spawn A B; channel p pipe size=4096 from A to B
A send p -n x --size 5000; A send p -n more; B recv p -n --max 10"
	assert_line 'A sent "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (5000 bytes) on p (wrote 4096 of 5000 bytes) [p 4096/4096]'
	assert_line 'A would block: send on p (full 4096/4096 bytes)'
	assert_line 'B received "xxxxxxxxxx" from p [p 4086/4096]'
}

@test "--timeout is a poll(2) deadline in the process" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B
B recv p --timeout 100; sleep 400; ps'
	assert_line 'B blocked: recv on p (empty), timeout 100 ms'
	assert_line 'B timed out: recv on p after 100 ms'
}

@test "two processes each writing to a full pipe are a deadlock, reported once" {
	run -0 --separate-stderr ipc -c "spawn A B; channel p pipe size=4096 from A to B
channel q pipe size=4096 from B to A; A send p x --size 5000; B send q x --size 5000; sleep 100; ps"
	assert_line 'DEADLOCK: A, B — A waits to send on p for B; B waits to send on q for A (cycle A → B → A)'
	[ "$(grep -c DEADLOCK <<<"$output")" -eq 1 ]
}

@test "a process that holds both ends of a full pipe can only wait for itself" {
	run -0 --separate-stderr ipc -c "spawn A; channel p pipe size=4096 from A to A; A send p x --size 5000"
	assert_line --partial 'DEADLOCK: A'
}

@test "a socket pair is two-way; dgram keeps boundaries and truncates with --max; seqpacket gets EPIPE" {
	run -1 --separate-stderr ipc -c 'spawn A B; channel s socketpair stream between A B
A send s ping; B recv s; B send s pong; A recv s
channel g socketpair dgram between A B; A send g "a long datagram"; A send g two
B recv g --max 4; B recv g
channel h socketpair seqpacket between A B; B exit; A send h x'
	assert_line 'B received "ping" from s [s 0/212992]'
	assert_line 'A received "pong" from s [s 0/212992]'
	assert_line 'B received "a lo" from g (truncated to 4 bytes) [g 3/212992]'
	assert_line 'B received "two" from g [g 0/212992]'
	assert_line 'A send on h failed: broken channel: EPIPE: no process holds the other end'
}

@test "a FIFO takes several writers; its name is gone once the ends are open" {
	mkdir "$BATS_TEST_TMPDIR/t"
	TMPDIR=$BATS_TEST_TMPDIR/t run -0 --separate-stderr ipc -c 'spawn A B C
channel f fifo from A,B to C; A send f one; B send f two; C recv f'
	assert_line 'f created: fifo (kernel), capacity 65536 bytes, held by A:w B:w C:r'
	assert_line 'C received "onetwo" from f [f 0/65536]'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
}

@test "the broker is not on the data path: the agents make the syscalls" {
	command -v strace >/dev/null || skip "strace is not installed"
	ASAN_OPTIONS=detect_leaks=0 run strace -f -qq -o "$BATS_TEST_TMPDIR/tr" \
	    -e trace=write,read -s 64 "$IPCPLAY" --json -c 'spawn A B
channel p pipe from A to B; A send p PAYLOAD-xyzzy; B recv p'
	assert_success
	a=$(grep -o '"proc":"A","pid":[0-9]*' <<<"$output" | cut -d: -f3)
	b=$(grep -o '"proc":"B","pid":[0-9]*' <<<"$output" | cut -d: -f3)
	# A wrote the payload into the pipe and B read it out, each itself
	# (strace may split a call that sleeps: "<... read resumed>").
	tr=$BATS_TEST_TMPDIR/tr
	run grep -E "^$a +write\([0-9]+, \"PAYLOAD-xyzzy\", 13" "$tr"
	assert_success
	run grep -E "^$b +(read\([0-9]+, |<\.\.\. read resumed>)\"PAYLOAD-xyzzy\"" "$tr"
	assert_success
	# The broker prints it, but never reads or writes it on a channel.
	broker=$(awk 'NR == 1 { print $1 }' "$tr")
	run grep -E "^$broker +((read|write)\([0-9]+, |<\.\.\. (read|write) resumed>)\"PAYLOAD" "$tr"
	assert_failure
}

@test "a signal to a process asleep in a syscall is caught, and the playground goes on" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B
B recv p; A signal B USR1; A send p hi'
	assert_line 'B caught USR1 from A'
	assert_line 'B unblocked: received "hi" from p [p 0/65536]'
}

@test "kernel channels refuse what the model alone can do, with the reason" {
	run --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to B; tap p'
	stderr_has "tap: p is a pipe: its bytes go from process to process through the kernel and never cross ipcplay"
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B format=stream'
	stderr_has "format= is not for a pipe, the kernel's byte stream, delivered in order: it takes only size="
	run --separate-stderr ipc -c 'spawn A B C; channel s socketpair stream between A B C'
	stderr_has 'a socket pair joins two processes'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; B send p x'
	stderr_has 'B holds no write end of p'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A'
	stderr_has 'a pipe needs its holders'
}

@test "SIGKILL of ipcplay leaves no process, FIFO or directory behind" {
	mkdir "$BATS_TEST_TMPDIR/t"
	TMPDIR=$BATS_TEST_TMPDIR/t start_bg 'spawn A B; channel f fifo from A to B
channel p pipe size=4096 from A to B; B recv f; sleep 30000'
	wait_for '"status":"blocked"'
	kids=$(pids)
	kill -9 "$bg"
	all_gone $kids
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
}

@test "--size repeats the message to N bytes; the transcript shows a long one by its start and length" {
	run -0 --separate-stderr ipc --json -c 'spawn A B; channel c unbounded format=stream
A send c abc --size 7; B recv c'
	assert_line --partial '"msg":"abcabca","size":7'
	run -0 --separate-stderr ipc -c 'spawn A B; channel c unbounded; A send c ab --size 201; A send c ab --size 200'
	assert_line 'A sent "abababababababababababababababababababab…" (201 bytes) on c [c 1]'
	assert_line --regexp '^A sent "(ab){100}" on c \[c 2\]$'
	run --separate-stderr ipc -c 'spawn A; channel c unbounded; A send c "" --size 3'
	stderr_has '--size repeats the message, which is empty'
	run --separate-stderr ipc -c 'spawn A; channel c unbounded; A send c x --size 70000'
	stderr_has "--size '70000' is too large (1 to 65536)"
}

@test "expect P wchan checks where the kernel has P asleep" {
	run -1 --separate-stderr ipc -c 'spawn A B; channel p pipe size=4096 from A to B
A send p x --size 5000; expect A wchan pipe_write; expect B wchan pipe_write'
	assert_line 'expect A wchan pipe_write ... ok'
	assert_line --regexp '^expect B wchan pipe_write \.\.\. FAILED: B sleeps in [a-z_]+$'
}

@test "a reader's syscall wakes a blocked writer in the kernel; the next line already sees it" {
	for _ in 1 2 3 4 5; do
		run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe size=4096 from A to B
A send p x --size 4096; A send p more; B recv p; expect A ready; expect p holds 4'
		refute_output --partial FAILED
	done
}

@test "one poll(2) over a pipe and a modeled channel: woken by either" {
	run -0 --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to B
channel m bounded 2 from C to B; B poll p,m -n; B poll p,m; A send p hello
B recv p; B poll p,m; C send m world; B recv m; ps'
	assert_line 'B would block: poll on p,m (nothing readable)'
	assert_line 'B unblocked: poll p,m: ready p'
	assert_line 'B unblocked: poll p,m: ready m'
	assert_line 'B received "world" from m [m 0/2]'
}

@test "a kernel poll sleeps in the kernel's poll, times out there, and sees a hang-up" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel s socketpair stream between A B
B poll s --timeout 100; expect B wchan poll; sleep 300; B poll s; A exit'
	assert_line 'B blocked: poll on s (nothing readable), timeout 100 ms'
	assert_line 'expect B wchan poll ... ok'
	assert_line 'B timed out: poll on s after 100 ms'
	assert_line 'B unblocked: poll s: ready s (hang-up)'
}

@test "two processes each polling the pipe the other should write are a deadlock" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B
channel q pipe from B to A; channel m bounded 1 from B to A; A poll q,m; B poll p'
	assert_line 'DEADLOCK: A, B — A waits to poll on q,m for B; B waits to poll on p for A (cycle A → B → A)'
}

@test "a pass moves a real descriptor: the receiver holds the pipe and writes on it" {
	start_bg 'spawn A B C; channel p pipe from A to C; channel s socketpair stream between A B
A pass p:send on s; B send p "from B"; C recv p; chan p; sleep 30000'
	wait_for '"type":"chan"'
	run grep -E '"type":"(pass|send|recv)"' "$out"
	assert_line --partial '"type":"pass","seq":6,"proc":"A","chan":"p","ends":"write end","to":"B","via":"s","move":false,"status":"ok"'
	assert_line --partial '"proc":"B","chan":"p","msg":"from B"'
	grep -q '"holders":"A:w C:r B:w"' "$out"
	# The kernel agrees: B has a descriptor for the very pipe C reads.
	# (Kernel ends are numbered from 10; 4 is the agent's own wake pipe.)
	b=$(readlink /proc/"$(pid_of B)"/fd/1[0-9] | grep '^pipe:' | sort -u)
	c=$(readlink /proc/"$(pid_of C)"/fd/1[0-9] | grep '^pipe:' | sort -u)
	[ -n "$b" ] && [ "$b" = "$c" ]
}

@test "pass --move leaves the sender without it; drop closes the last writer and the reader sees EOF" {
	run -1 --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to C
channel s socketpair seqpacket between A B; C recv p; A pass p on s --move; A send p x
B drop p'
	assert_line 'A moved its write end of p to B over s (SCM_RIGHTS)'
	stderr_has 'A holds no write end of p'
	assert_line 'B closed its write end of p'
	assert_line 'C unblocked: recv on p: end of channel (every sender is gone and nothing is left): read(2) returned 0'
}

@test "who could unblock a reader follows the passes" {
	# Without the pass, A (idle) could still write to C: no deadlock.
	run -0 --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to C
channel q pipe from C to B; channel s socketpair stream between A B; B recv q; C recv p'
	refute_output --partial DEADLOCK
	run -0 --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to C
channel q pipe from C to B; channel s socketpair stream between A B
A pass p on s --move; B recv q; C recv p'
	assert_line 'DEADLOCK: B, C — B waits to recv on q for C; C waits to recv on p for B (cycle B → C → B)'
}

@test "a pass is refused with the reason: not a socket pair, bytes in the way, a modeled channel" {
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; channel q pipe from A to B; A pass p on q'
	stderr_has 'q is not a socket pair: only a unix(7) socket carries descriptors (SCM_RIGHTS)'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; channel s socketpair stream between A B
A send s hi; A pass p on s'
	stderr_has 's has 2 bytes waiting for B: the descriptor would queue behind them'
	run --separate-stderr ipc -c 'spawn A B; channel m bounded 1; channel s socketpair stream between A B; A pass m on s'
	stderr_has 'm is modeled: it has no descriptor to pass'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; channel s socketpair stream between A B; A pass p:sned on s'
	stderr_has "'sned': the end is :send (the write end) or :recv (the read end)"
}

@test "a FIFO takes -n and --timeout (no RWF_NOWAIT there); an empty seqpacket message is a message" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel f fifo from A to B; A send f -n hi
B recv f --timeout 50; B recv f -n
channel h socketpair seqpacket between A B; A send h ""; A send h x; B recv h; B recv h'
	assert_line 'A sent "hi" on f [f 2/65536]'
	assert_line 'B received "hi" from f [f 0/65536]'
	assert_line 'B would block: recv on f (empty)'
	assert_line 'B received "" from h [h 1/212992]'
	assert_line 'B received "x" from h [h 0/212992]'
}

@test "found by review: balance onto a kernel channel, a socket pair of one process, duplicates, size= on a socket pair" {
	run --separate-stderr ipc -c 'spawn A B; channel m unbounded; channel p pipe from A to B; balance m -> p'
	stderr_has 'balance: p is a pipe: its bytes go from process to process through the kernel'
	run --separate-stderr ipc -c 'spawn A; channel s socketpair stream between A A'
	stderr_has 'a socket pair joins two processes, not A and itself'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A,A to B'
	stderr_has 'A is named twice'
	run --separate-stderr ipc -c 'spawn A B; channel s socketpair stream size=4096 between A B'
	stderr_has 'size= is not for a socket pair'
	run -0 --separate-stderr ipc --json -c 'spawn A B; channel p pipe from A to B; A send p x; stats'
	assert_line --partial '"chan":"p","buffering":"kernel"'
}

@test "many kernel ends in one process: each lands on its own number and works" {
	script='spawn A B'
	for i in $(seq 40); do script="$script; channel p$i pipe from A to B"; done
	run -0 --separate-stderr ipc -c "$script; A send p40 last; A send p1 first; B recv p40; B recv p1"
	assert_line 'B received "last" from p40 [p40 0/65536]'
	assert_line 'B received "first" from p1 [p1 0/65536]'
}

@test "an mq keeps each message whole, counts messages, and says EMSGSIZE leaving the message queued" {
	run -1 --separate-stderr ipc -c 'spawn A B; channel q mq 2 msgsize=64 from A to B
A send q one; A send q two; A send q -n three; B recv q --max 10; B recv q; B recv q; B recv q -n; chan q'
	assert_line 'q created: mq (kernel), capacity 2 messages, held by A:w B:r'
	assert_line 'A sent "two" on q [q 2/2]'
	assert_line 'A would block: send on q (full 2/2 messages)'
	assert_line 'B recv on q failed: message too long: --max 10 is below the queue'"'"'s mq_msgsize (64): the message stays queued'
	assert_line 'B received "one" from q [q 1/2]'
	assert_line 'B received "two" from q [q 0/2]'
	assert_line 'B would block: recv on q (empty)'
	assert_line '  buffered:  0 of 2 messages (mq_getattr)'
}

@test "an mq: a blocked sender sleeps in the kernel, --timeout is mq_timedsend's, and without from/to everyone holds both ends" {
	run -0 --separate-stderr ipc -c 'spawn A B; channel q mq 1; A send q x; A send q y --timeout 100
expect A wchan wq_sleep; sleep 300; B recv q; B send q z; A recv q'
	assert_line 'q created: mq (kernel), capacity 1 message, held by A:rw B:rw'
	assert_line 'A blocked: send on q (full 1/1 messages), timeout 100 ms'
	assert_line 'expect A wchan wq_sleep ... ok'
	assert_line 'A timed out: send on q after 100 ms'
	assert_line 'A received "z" from q [q 0/1]'
}

@test "an mq's limits are refused with the reason; its name never outlives the playground, even SIGKILL" {
	run --separate-stderr ipc -c 'spawn A; channel q mq msgsize=9000'
	stderr_has 'msgsize=9000 is more than /proc/sys/fs/mqueue/msgsize_max'
	mkdir "$BATS_TEST_TMPDIR/mq"
	mount -t mqueue none "$BATS_TEST_TMPDIR/mq" 2>/dev/null || skip "cannot mount the mqueue file system here"
	start_bg 'spawn A B; channel q mq from A to B; A send q x; B recv q; channel r mq 1; A send r x; A send r y; sleep 30000'
	wait_for '"status":"blocked"'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/mq")" ] || { umount "$BATS_TEST_TMPDIR/mq"; false; }
	kids=$(pids)
	kill -9 "$bg"
	all_gone $kids
	left=$(ls -A "$BATS_TEST_TMPDIR/mq")
	umount "$BATS_TEST_TMPDIR/mq"
	[ -z "$left" ]
}

@test "shared memory: a store is there for the other's load, an add is atomic or racy, a wait sleeps in futex(2) until a wake" {
	run -0 --separate-stderr ipc -c 'spawn A B; shm c 4 between A,B; A store c[0] 5; B load c[0]
expect B received 5; A add c[1] 2; B add c[1] 3 --racy; B wait c[2] 0; expect B wchan futex
A store c[2] 1; A wake c[2]; B wait c[2] 0; chan c'
	assert_line 'c created: shared memory (memfd), 4 words of 64 bits, zeroed, mapped by A B'
	assert_line 'B loaded c[0]: 5'
	assert_line 'expect B received 5 ... ok'
	assert_line 'A added 2 to c[1]: 0 → 2'
	assert_line 'B added 3 to c[1] in two steps: loaded 2, stored 5'
	assert_line 'B blocked: wait on c[2] (c[2] is 0)'
	assert_line 'expect B wchan futex ... ok'
	assert_line 'A woke 1 waiter on c[2]'
	assert_line 'B woke up: c[2] is 1'
	assert_line 'B did not wait: c[2] is 1, not 0'
	assert_line '  words:     [0] 5 [1] 5 [2] 1 [3] 0'
}

@test "a futex wait counts in the wait-for graph: for anyone else who maps the region" {
	run -0 --separate-stderr ipc -c 'spawn A B; shm c 2 between A,B; B wait c[1] 0; A wait c[0] 0'
	assert_line 'DEADLOCK: A, B — A waits on c[0] (futex) for B; B waits on c[1] (futex) for A (cycle A → B → A)'
	run -0 --separate-stderr ipc -c 'spawn A B; shm c 2 between A,B; B wait c[1] 0 --timeout 100; sleep 300; A exit; B wait c[1] 0'
	assert_line 'B timed out: wait on c[1] after 100 ms'
	assert_line 'DEADLOCK: B — B waits on c[1] (futex): no other live process may change c[1] and wake it'
}

@test "shared memory refuses what it cannot do, with the reason" {
	run --separate-stderr ipc -c 'spawn A B C; shm c 2 between A,B; C load c[0]'
	stderr_has 'C does not map c'
	run --separate-stderr ipc -c 'spawn A; shm c 2 between A; A load c[2]'
	stderr_has 'c has 2 words: c[2] is past its end'
	run --separate-stderr ipc -c 'spawn A; channel p pipe from A to A; A load p[0]'
	stderr_has 'p is a channel, not shared memory'
	run --separate-stderr ipc -c 'spawn A; shm c 2 between A; A send c x'
	stderr_has 'c is shared memory: no message goes through it'
	run --separate-stderr ipc -c 'spawn A; shm c 2 between A; A store c[0] lots'
	stderr_has "value 'lots' is invalid (-9223372036854775807 to 9223372036854775807)"
}

@test "found by trying to break it: a close while a process is inside its syscall waits, with the reason" {
	run --separate-stderr ipc -c 'spawn A; channel p pipe from A to A; channel m bounded 1; A poll p,m; close m'
	stderr_has 'close: A is inside poll(2) on p,m; a close would not reach it there: close m when it is back'
	run --separate-stderr ipc -c 'spawn A B; channel p pipe from A to B; channel q pipe from A to B
channel m bounded 1 from A to B; B poll p,m; close q; A send p x; close q'
	stderr_has 'close: B is inside poll(2) on p,m'
	assert_line 'B unblocked: poll p,m: ready p'
	assert_line 'q closed'
}

@test "found by trying to break it: an empty message in the way of a pass; more ends than a pass carries; every end dropped" {
	run --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to C; channel s socketpair seqpacket between A B
A send s ""; A pass p on s'
	stderr_has 's has a message waiting for B: the descriptor would queue behind it'
	run -0 --separate-stderr ipc -c 'spawn A B C; channel p pipe from A to C; channel s socketpair stream between A B
repeat 4 A pass p on s; B drop p; A drop p; C recv p'
	assert_line 'B closed its write ends of p'
	assert_line 'C recv on p: end of channel (every sender is gone and nothing is left): read(2) returned 0'
	run --separate-stderr ipc -c 'spawn A B; channel q pipe from A to B; channel s socketpair stream between A B
repeat 5 A pass q on s; B pass q on s'
	stderr_has 'B holds 6 ends of q; one pass carries at most 4'
}

@test "descriptor numbers are reused: a thousand channels made and closed leave room for the next" {
	script='spawn A B'
	for i in $(seq 1100); do script="$script; channel p pipe from A to B; close p"; done
	run -0 --separate-stderr ipc -c "$script; channel p pipe from A to B; A send p hi; B recv p"
	assert_line 'B received "hi" from p [p 0/65536]'
}

@test "cause before effect: the exit, the drop or the read that ends a blocked write is told first" {
	for _ in 1 2 3 4 5; do
		run -0 --separate-stderr ipc -c 'spawn A B; channel p pipe size=4096 from A to B; A send p x --size 4096; A send p y; B exit'
		[ "${lines[-2]}" = 'B exited (code 0)' ] || [ "${lines[-3]}" = 'B exited (code 0)' ]
		run -0 --separate-stderr ipc -c 'spawn A B; channel s socketpair stream between A B; A recv s; B send s hi'
		# (The fill is the kernel's at that moment: A may have read.)
		[[ "${lines[-2]}" =~ ^B\ sent\ \"hi\"\ on\ s\ \[s\ [02]/212992\]$ ]]
	done
}

@test "ps names the syscall a blocked process sleeps in, from /proc/PID/syscall" {
	run -0 --separate-stderr ipc -c 'spawn A B C D; channel p pipe size=4096 from A to B; A send p x --size 5000
channel q mq 1 from C to B; B recv q; shm s 1 between C,D; C wait s[0] 0; ps'
	assert_line --regexp '^A +[0-9]+ +blocked +send p +S \(sleeping\) in [a-z_]*pipe_write \(write\(2\)\)$'
	assert_line --regexp '^B +[0-9]+ +blocked +recv q +S \(sleeping\) in [a-z_]+ \(mq_timedreceive\(2\)\)$'
	assert_line --regexp '^C +[0-9]+ +blocked +wait s\[0\] +S \(sleeping\) in [a-z_]+ \(futex\(2\)\)$'
}

@test "found by the last break-it pass: a 64-bit add wraps, wake of INT_MAX wakes all, a futex deadline survives signals, expect on kernel channels and futex waits" {
	run -0 --separate-stderr ipc -c 'spawn A B; shm w 2 between A B; A store w[1] 9223372036854775807; A add w[1] 1'
	assert_line 'A added 1 to w[1]: 9223372036854775807 → -9223372036854775808'
	run -0 --separate-stderr ipc -c 'spawn A B C; shm w 1 between A,B,C; B wait w[0] 0; C wait w[0] 0
A store w[0] 1; A wake w[0] 2147483647'
	assert_line 'A woke 2 waiters on w[0]'
	run -0 --separate-stderr ipc -c 'spawn A E; shm w 1 between A,E; E wait w[0] 0 --timeout 600
repeat 5 kill E USR1; sleep 300; repeat 5 kill E USR1; sleep 500; expect E ready'
	assert_line 'expect E ready ... ok'
	run -1 --separate-stderr ipc -c 'spawn A B; channel q mq from A to B; A send q hi; expect q holds 1; expect q contains hi'
	assert_line 'expect q holds 1 ... ok'
	stderr_has 'q is a kernel channel: its bytes never cross ipcplay'
	run -0 --separate-stderr ipc -c 'spawn A B; shm c 2 between A,B; B wait c[0] 0; expect B blocked wait c'
	assert_line 'expect B blocked wait c ... ok'
}

@test "a process inside a kernel syscall has the title 'ipcplay: A [blocked send p]', as a modeled block does" {
	start_bg 'spawn A B C; channel p pipe size=4096 from A to B; A send p x --size 5000
shm c 1 between B,C; C wait c[0] 0; sleep 30000'
	wait_for '"op":"wait","shm":"c","index":0,"value":0,"status":"blocked"'
	run cat "/proc/$(pid_of A)/cmdline"
	assert_output --partial 'ipcplay: A [blocked send p]'
	run cat "/proc/$(pid_of C)/cmdline"
	assert_output --partial 'ipcplay: C [blocked wait c[0]]'
	run cat "/proc/$(pid_of B)/cmdline"
	refute_output --partial 'blocked'
}
