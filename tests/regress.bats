#!/usr/bin/env bats
# Bugs found by fuzzing the engine with random scripts (ASan+UBSan),
# pinned so they stay fixed.

load test_helper/common

@test "closing the target of a balance does not leave the balancer pointing at it" {
	# With its only target gone, b stops balancing and keeps the message.
	run -0 ipc -c 'spawn A; channel b unbounded; channel t unbounded
balance b -> t; close t; A send b x; expect b contains x; chan b'
	refute_output --partial 'interposed'
}

@test "closing a channel a blocked multi-send still has to visit ends that send" {
	run -0 ipc -c 'spawn A B; channel c1 bounded 1; channel c2 unbounded
A send c1 full; A send c1,c2 x
expect A blocked send c1
close c2
expect A ready
B recv c1; expect B received full'
	assert_line 'A unblocked: send on c1,c2 failed: channel closed'
}

@test "a poll over a restricted channel and an open one is not a null deadlock helper" {
	run -0 ipc -c 'spawn A B; channel r rendezvous from B to A; channel o rendezvous
A poll r o; expect A blocked poll; expect no deadlock; deadlock; graph'
}

# Defects found by trying to break ipcplay as an attacker would (issue
# 10); the reproductions are ../shared/repro/ in the steering repository.

@test "a lesson that plays itself says lessons do not nest, instead of overflowing the stack" {
	f=$BATS_TEST_TMPDIR/rec.ipc
	printf '# summary: plays itself\nsay level\nlesson %s\n' "$f" >"$f"
	run ipc lesson "$f" </dev/null
	assert_output --partial 'lessons do not nest'
	assert [ "$status" -lt 128 ]
	assert [ "$(grep -c '^level' <<<"$output")" -eq 1 ]
}

@test "lesson typed at a lesson's prompt is refused and the exercise can still be checked" {
	d=$BATS_TEST_TMPDIR
	printf '# summary: inner\nsay inner\n' >"$d/inner.ipc"
	printf '# summary: outer\nspawn A\nexercise "Make A block in recv."\nA recv\ncheck\nexpect A blocked recv\n' >"$d/outer.ipc"
	run -0 ipc lesson "$d/outer.ipc" <<<"lesson $d/inner.ipc
A recv
check"
	assert_output --partial 'lessons do not nest'
	assert_output --partial 'All 1 checks hold'
}

@test "signalling an exited process never calls kill(2) on its old pid" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer cannot run under ptrace; the other tests look for leaks.
	ASAN_OPTIONS=detect_leaks=0 run strace -f -qq -e trace=kill \
	    -o "$BATS_TEST_TMPDIR/trace" "$IPCPLAY" --json -c 'spawn A B; B exit; A signal B KILL'
	assert_equal "$status" 1
	assert_output --partial '"type":"signal","seq":'
	assert_output --partial '"error":"no such process"'
	pid=$(grep -o '"proc":"B","pid":[0-9]*' <<<"$output" | grep -o '[0-9]*$')
	run grep -E "kill\\($pid," "$BATS_TEST_TMPDIR/trace"
	assert_failure
}

@test "an exited target is named in words: A could not signal B" {
	run -1 --separate-stderr ipc -c 'spawn A B; B exit; A signal B'
	assert_line 'A could not signal B: no such process'
	assert_equal "$stderr" 'ipcplay: -c:1: A could not signal B: it has exited'
}

@test "a capability names the channel object: closed and re-created, it grants nothing" {
	run -1 ipc -c 'spawn A B X
channel secret unbounded from A to A
channel caps unbounded format=cap from A to B
A send caps cap:secret:recv
close secret
channel secret unbounded from X to X
B recv caps
X send secret private
B recv secret
expect secret contains private'
	assert_line --partial "B's capability for secret is stale"
	assert_line 'B recv on secret failed: permission denied'
	refute_line --partial 'B received "private"'
}

@test "a capability for a channel that still exists is granted as before" {
	run -0 ipc -c 'spawn A B
channel secret unbounded from A to A
channel caps unbounded format=cap from A to B
A send caps cap:secret:recv
B recv caps
A send secret hi
B recv secret
expect B received hi'
}

@test "balance into a fixed:N channel obeys its format" {
	run -1 ipc -c 'spawn A; channel a unbounded; channel f bounded 2 format=fixed:4
balance a -> f; A send a toolongmessage; expect f holds 0'
	assert_line 'A send on a → f failed: message too long'
}

@test "balance into a channel obeys its from list" {
	run -1 ipc -c 'spawn A X; channel a unbounded; channel b unbounded from X to X
balance a -> b; A send a forged; expect b holds 0'
	assert_line 'A send on a → b failed: permission denied'
}

@test "a filter pattern too large to compile is refused at once" {
	run -1 --separate-stderr timeout 20 "$IPCPLAY" -c 'channel c unbounded
filter c "(((((a{1,100}){1,100}){1,100}){1,100}){1,100})"
say after'
	assert_output 'c created: unbounded, datagram, fifo
after'
	assert_regex "$stderr" 'filter: bad regular expression .*too large'
}

@test "a filter that cannot decide a message rejects it within its bounds" {
	run -1 timeout 20 "$IPCPLAY" -c "spawn A; channel c unbounded
filter c '^(\\w+\\s?)*\$'
A send c aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
filter c '(.*)(.*)(.*)\\3\\2\\1x'
A send c aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
say done"
	assert_line --partial 'the filter on c gave up on a message (too many backtracking steps)'
	assert_line 'done'
}

@test "filters are Perl-compatible: \\d and lookahead work" {
	run -1 ipc -c "spawn A; channel c unbounded; filter c '^(?=.*\\d)\\w+\$'
A send c abc1; A send c abc; expect c contains abc1"
	assert_line 'A sent "abc1" on c [c 1]'
	assert_line 'A send on c failed: rejected by filter'
}

@test "repeat cannot repeat repeat, however it is abbreviated" {
	run -1 --separate-stderr timeout 20 "$IPCPLAY" -c 'repeat 1000000 rep 1000000 say x'
	assert_equal "$stderr" 'ipcplay: -c:1: repeat cannot repeat repeat'
	assert_output ''
}

@test "a repeat that would sleep more than ten minutes in all does not start" {
	run -1 --separate-stderr timeout 20 "$IPCPLAY" -c 'repeat 100 sleep 7000'
	assert_equal "$stderr" 'ipcplay: -c:1: repeat would sleep more than 600000 ms in all'
}

@test "expect saw keeps a bounded history inside one long repeat" {
	f=$BATS_TEST_TMPDIR/recent.ipc
	python3 -c 'print("spawn A\nchannel r register\nrepeat 4000 A send r \"" + "\\x01"*16000 + "\"\nexpect saw A sent")' >"$f"
	# Unbounded, the history took 1.4 GB here; ASan needs its own
	# address space, so only the normal build is limited.
	lim="ulimit -v 200000;"
	[ -z "${IPCPLAY_ASAN:-}" ] || lim=
	run -0 bash -c "$lim \"$IPCPLAY\" \"$f\" | tail -1"
	assert_output 'expect saw A sent ... ok'
}

@test "a directory is not a script: exit 2 with one line" {
	run -2 --separate-stderr ipc "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "ipcplay: $BATS_TEST_TMPDIR: Is a directory"
	run -2 --separate-stderr bash -c "\"$IPCPLAY\" - <\"$BATS_TEST_TMPDIR\""
	assert_equal "$stderr" "ipcplay: stdin: Is a directory"
	run -2 --separate-stderr ipc lesson "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "ipcplay: $BATS_TEST_TMPDIR: Is a directory"
}

@test "a closed stdin is an error, not an empty script" {
	run -2 --separate-stderr bash -c "\"$IPCPLAY\" <&-"
	assert_equal "$stderr" "ipcplay: stdin: Bad file descriptor"
}

@test "output that cannot be written ends with exit 1 and one line" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -1 --separate-stderr bash -c "\"$IPCPLAY\" -c 'spawn A; ps' >/dev/full"
	assert_equal "$stderr" "ipcplay: stdout: No space left on device"
	run -1 --separate-stderr bash -c "\"$IPCPLAY\" -c 'spawn A' >&-"
	assert_equal "$stderr" "ipcplay: stdout: Bad file descriptor"
}

@test "a poll over 500,000 names is refused at once" {
	f=$BATS_TEST_TMPDIR/poll.ipc
	python3 -c 'print("spawn A B; channel c unbounded\nA poll " + ",".join(["c"]*500000) + " -n")' >"$f"
	run -1 --separate-stderr timeout 20 "$IPCPLAY" "$f"
	assert_equal "$stderr" "ipcplay: $f:2: a list names at most 1024 channels (this one has 500000)"
}

@test "a lossy duplicate that does not fit is dropped, and the transcript says so" {
	run -0 ipc -c 'spawn A
channel c bounded 1 delivery=lossy dup=1
A send c x
expect c holds 1
channel u unbounded max=1 delivery=lossy dup=1
A send u y
expect u holds 1'
	assert_line 'c dropped "x" (a duplicate, no room: full 1/1)'
	assert_line 'u dropped "y" (a duplicate, no room: 1 of max=1 bytes held)'
}

@test "--json escapes every byte that is not well-formed UTF-8" {
	run -0 ipc --json -c 'spawn A B; channel c unbounded
A send c "\xff\xfe\x00\x7f\xc3\xa9\xed\xa0\x80\xf4\x90\x80\x80 \"q\" \\"
A send c "\xe2\x80\xa8\xc0\xaf\xe0\x80\xaf\xf0\x9f\x98\x80"
B recv c; B recv c; trace; channels; chan c'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
	run -0 python3 -c '
import json, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8", "strict")
lines = text.splitlines()
assert len(lines) == text.count("\n"), "U+2028 or U+2029 left raw"
for line in lines:
    json.loads(line)
print("ok")' "$BATS_TEST_TMPDIR/out.json"
	run -0 grep -c '\\u00ed\\u00a0\\u0080' "$BATS_TEST_TMPDIR/out.json"
	run -0 grep -c '\\u00f4\\u0090\\u0080\\u0080' "$BATS_TEST_TMPDIR/out.json"
	run -0 grep -c '\\u00c0\\u00af\\u00e0\\u0080\\u00af😀' "$BATS_TEST_TMPDIR/out.json"
}

@test "a NUL byte in a line is an error naming its column" {
	run -1 --separate-stderr bash -c "printf 'spawn A\\0 B\\nsay after\\n' | \"$IPCPLAY\""
	assert_equal "$stderr" 'ipcplay: stdin:1: a NUL byte is not allowed in a line (write \0 inside double quotes) (column 8)'
	assert_output 'after'
}

@test "batch from a pipe sees a child killed from outside before the next command" {
	run -0 bash -c "{ echo 'spawn Kx9 B'; sleep 1
	    pkill -9 -f '^ipcplay: Kx9\$'; sleep 0.5
	    echo ps; echo 'expect Kx9 exited'; } | \"$IPCPLAY\""
	assert_line 'Kx9 killed by KILL'
	assert_line 'expect Kx9 exited ... ok'
	[ "$(grep -n 'killed by KILL$' <<<"$output" | cut -d: -f1)" -lt \
	    "$(grep -n '^NAME' <<<"$output" | cut -d: -f1)" ]
}

@test "an unterminated quote that ends in a backslash says so" {
	run -1 --separate-stderr ipc -c 'say "\'
	assert_equal "$stderr" 'ipcplay: -c:1: unterminated double quote (column 5)'
}

@test "a process title in ps has no padding and no stray dot" {
	"$IPCPLAY" -c 'spawn Ttl; sleep 3000' >/dev/null &
	broker=$!
	for _ in $(seq 50); do
		pid=$(pgrep -P "$broker" | head -1)
		[ -n "$pid" ] && [ "$(ps -o args= -p "$pid")" = 'ipcplay: Ttl' ] && break
		sleep 0.05
	done
	title=$(ps -o args= -p "$pid")
	kill "$broker"
	wait "$broker" || true
	assert_equal "$title" 'ipcplay: Ttl'
}

@test "a process that signals itself to death is reaped, and the script goes on" {
	run -0 timeout 20 "$IPCPLAY" -c 'spawn A B; A signal A KILL; B signal B TERM
expect A exited; expect B exited'
	assert_line 'A killed by KILL'
	assert_line 'B killed by TERM'
}

@test "an operation written before its process is named as such, not 'did you mean send'" {
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A; channel c bounded 2; send A c x'
	assert_equal "$stderr" "ipcplay: -c:1: 'send' is done by a process, named first (PROC send CHAN[,CHAN...] MSG [-n | --timeout MS] [--atomic] [--size N]); did you mean 'A send ...'?"
	run -1 --separate-stderr "$IPCPLAY" -c 'recv'
	assert_equal "$stderr" "ipcplay: -c:1: 'recv' is done by a process, named first: PROC recv [CHAN] [-n | --timeout MS] [--max N]"
}

@test "channels: the CONTENTS cell keeps its width in any locale, with escapes and UTF-8 in the messages" {
	script='spawn A; channel c unbounded; channel d unbounded; channel e unbounded
repeat 40 A send c hello-world; repeat 30 A send d "\x01\x02\x03\x04\x05\x06\x07"
repeat 5 A send e "héllo wörld ünïcode"; channel f unbounded
A send f "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\xff\xfe"; channels'
	for loc in C C.UTF-8; do
		LC_ALL=$loc run -0 "$IPCPLAY" -c "$script"
		table=$(sed -n '/^CHANNEL /,$p' <<<"$output")
		col=$(head -1 <<<"$table" | grep -bo SENDERS | cut -d: -f1)
		# Columns, not bytes: cut each row at the header's SENDERS column.
		while read -r row; do
			[ "$(python3 -c 'import sys; print(sys.argv[1][int(sys.argv[2])])' "$row" "$col")" = - ] ||
			    { echo "$loc: $row"; false; }
		done < <(tail -n +2 <<<"$table")
	done
}

@test "bytes that are not UTF-8 are shown escaped, so a transcript is always valid text" {
	run -0 "$IPCPLAY" -c 'spawn A; channel c unbounded; A send c "a\x80b\xffé"'
	assert_line 'A sent "a\x80b\xffé" on c [c 1]'
}

@test "channels: thirty waiting senders are a few names and how many more" {
	run -0 "$IPCPLAY" -c 'spawn M; channel r rendezvous; repeat 30 spawn S$i; repeat 30 S$i send r x; channels'
	assert_line --regexp '^r +rendezvous +datagram +\[\] +S1,\+29 +- +msgs 0'
}

@test "expect abbreviated, and expect run by repeat, see what the command before printed" {
	run -0 "$IPCPLAY" -c 'spawn A; A send c9 x; exp error'
	run -0 "$IPCPLAY" -c 'spawn B; exp saw spawned; expect saw spawned'
	run -0 "$IPCPLAY" -c 'spawn A; channel c1 unbounded; repeat 3 A send c1 m$i; repeat 3 expect saw m$i'
	run -0 "$IPCPLAY" -c 'spawn A; A send c9 x; repeat 1 expect error'
}

@test "--bail stops a repeat at its first failure" {
	run -1 --separate-stderr "$IPCPLAY" --bail -c 'spawn A; repeat 3 A send c9 x'
	assert_equal "$(grep -c 'failed: no such channel' <<<"$output")" 1
}

@test "a user's odd bytes never reach the terminal raw: errors and messages escape them" {
	run -1 --separate-stderr "$IPCPLAY" -c 'kill "\xff"; chan "\x1b[31mX"; tap "a\nb"'
	assert_equal "$stderr" 'ipcplay: -c:1: no such process: \xff
ipcplay: -c:1: no such channel: \x1b[31mX
ipcplay: -c:1: no such channel: a\x0ab'
	# C1 controls and bidirectional overrides are escaped in a message.
	run -0 "$IPCPLAY" -c 'spawn A; channel c unbounded; A send c "a\xc2\x9b31m\xe2\x80\xaeb é"'
	assert_line 'A sent "a\xc2\x9b31m\xe2\x80\xaeb é" on c [c 1]'
	run -1 "$IPCPLAY" -c 'expect saw "x\ny\xff"'
	assert_line 'expect saw "x\ny\xff" ... FAILED: no line since the last command contains "x\x0ay\xff"'
}

@test "expect checks its own words: an operation, a channel, a process that exist; a killed process is said killed" {
	script='spawn A; channel c1 unbounded; A recv c1'
	run -1 --separate-stderr "$IPCPLAY" -c "$script; expect A blocked rcv c1"
	assert_equal "$stderr" "ipcplay: -c:1: 'rcv' is not an operation (send, recv, poll, call, wait)"
	run -1 --separate-stderr "$IPCPLAY" -c "$script; expect A blocked recv cx"
	assert_equal "$stderr" "ipcplay: -c:1: no such channel: cx"
	run -1 --separate-stderr "$IPCPLAY" -c "$script; expect deadlock Z"
	assert_equal "$stderr" "ipcplay: -c:1: no such process: Z"
	run -0 "$IPCPLAY" -c "$script; expect A blocked c1; expect A blocked recv; expect A blocked recv c1"
	run -1 "$IPCPLAY" -c 'spawn A; kill A; expect A exited 143'
	assert_line 'expect A exited 143 ... FAILED: A was killed by TERM'
}

@test "expect saw takes a line copied from the transcript, quotes and all" {
	run -0 "$IPCPLAY" -c 'spawn A; channel c1 unbounded; A send c1 hi; expect saw A sent "hi"; A send c1 "two words"; expect saw sent "two words" on c1; say hello world; expect saw hello world'
	run -1 "$IPCPLAY" -c 'spawn A; channel c1 unbounded; A send c1 hi; expect saw A sent "ho"'
}

@test "widths are display columns: wide characters take two, combining accents none" {
	run -0 "$IPCPLAY" -c 'spawn A; channel c1 unbounded; channel c3 unbounded; A send c1 "日本語日本語日本語日本語日本語"; A send c3 "e\xcc\x81e\xcc\x81e\xcc\x81e\xcc\x81e\xcc\x81e\xcc\x81"; channels'
	assert_line 'c1                unbounded 1      datagram  ["日本語日本語…"]    -        -        msgs 1 copies 1 wakeups 0'
	e=$'e\xcc\x81'
	assert_line "c3                unbounded 1      datagram  [\"$e$e$e$e$e$e\"]           -        -        msgs 1 copies 1 wakeups 0"
}

@test "found by the fuzzer: a send with more words than it has room for is one error, not a stack overflow" {
	run -1 --separate-stderr ipc -c 'spawn A; channel c unbounded; A send c a b c d e f g h i j k'
	[ "$stderr" = "ipcplay: -c:1: send: too many arguments (a message with blanks needs quotes); usage: PROC send CHAN[,CHAN...] MSG [-n | --timeout MS] [--atomic] [--size N]" ] ||
	    { echo "$stderr"; false; }
	run -1 --separate-stderr ipc "$BATS_TEST_DIRNAME/fuzz/seeds/regress-send-many-words.ipc"
}

@test "a poll on a register that was read says why it waits while recv returns the value (issue 11)" {
	run -0 --separate-stderr ipc -c 'spawn C D; channel temp register; C send temp 21; D recv temp; D poll temp -n; D recv temp -n'
	assert_line 'D would block: poll on temp (nothing readable: D has read temp version 1; a poll waits for a newer one, while recv returns the latest)'
	assert_line 'D received "21" from temp [temp version 1]'
}

@test "-c given twice runs both, as the lines of one script (found by a break-it pass)" {
	run -1 --separate-stderr "$IPCPLAY" -c 'spawn A' -c 'A send @A hi' -c 'nosuch'
	assert_line 'A spawned'
	assert_line 'A sent "hi" on @A [@A 1]'
	[[ "$stderr" == *"-c:3: unknown command 'nosuch'"* ]]
}
