#!/usr/bin/env bats
# The classroom: ipcplay serve and ipcplay attach.  The teacher's
# commands come from a FIFO (serve reads standard input when it has no
# terminal); students are real `ipcplay attach` clients, or a raw socket
# (python3) where a test must misbehave as no real client would.

load test_helper/common
load test_helper/tmux

setup() {
	T=$BATS_TEST_TMPDIR
	SOCK=$T/s
	srv=
}

# The class ends as it would: its input closed; killed only if it hangs.
teardown() {
	tmux_stop
	exec 8>&- 9>&- 2>/dev/null || true
	if [ -n "$srv" ]; then
		for _ in $(seq 40); do
			kill -0 "$srv" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$srv" 2>/dev/null
	fi
	true
}

# serve_start ARGS...: a server in the background; its transcript in $T/out.
serve_start() {
	mkfifo "$T/in"
	"$IPCPLAY" serve "$@" <"$T/in" >"$T/out" 2>"$T/err" &
	srv=$!
	disown "$srv"
	exec 8>"$T/in"
	wait_out "students type:"
}

# teacher LINE: the teacher types a line.
teacher() {
	printf '%s\n' "$*" >&8
}

# wait_out TEXT [FILE]: until the file (the transcript) has it, 5 s at
# most ($WAIT rounds of 50 ms).
wait_out() {
	for _ in $(seq "${WAIT:-100}"); do
		grep -qF -- "$1" "${2:-$T/out}" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "never saw: $1"
	cat "${2:-$T/out}"
	return 1
}

# serve_stop: end of the teacher's input ends the class.
serve_stop() {
	exec 8>&-
	wait_gone "$srv"
	srv=
}

# wait_gone PID: until it has ended (5 s at most; it is disowned).
wait_gone() {
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "still running: $1"
	return 1
}

# student NAME [ARGS...]: attach as NAME, commands from standard input.
student() {
	local name=$1
	shift
	"$IPCPLAY" attach "$SOCK" --as "$name" "$@"
}

# student_bg NAME: attach as NAME in the background ($client), its
# commands from the FIFO on descriptor 9, its output in $T/NAME.out.
student_bg() {
	mkfifo "$T/$1.in"
	# Not holding the teacher's FIFO open: its end must end the class.
	"$IPCPLAY" attach "$SOCK" --as "$1" <"$T/$1.in" >"$T/$1.out" 2>&1 8>&- &
	client=$!
	exec 9>"$T/$1.in"
}

# raw PYTHON: a client that speaks the protocol by hand; s is connected
# to the Unix socket and the greeting has been read.
raw() {
	python3 - "$SOCK" "$1" 8>&- <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
f = s.makefile("rb")
greeting = f.readline()
def say(line):
    s.sendall(line)
def reply():
    out = []
    while True:
        l = f.readline()
        if not l:
            out.append(b"EOF")
            return out
        out.append(l.rstrip(b"\n"))
        if l.startswith((b"ok", b"error", b"bye")):
            return out
exec(sys.argv[2])
EOF
}

@test "serve prints a 32-hex-digit join code, makes its socket 0600, and leaves nothing when its input ends" {
	serve_start --socket "$SOCK"
	run cat "$T/out"
	assert_line --regexp '^join code: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$'
	assert_line "students type: ipcplay attach $SOCK --as NAME"
	[ "$(stat -c %a "$SOCK")" = 600 ]
	[ "$(stat -c %F "$SOCK")" = socket ]
	n=u$$
	echo 'send c hi' | student "$n" || true
	serve_stop
	[ ! -e "$SOCK" ]
	never pgrep -f "^ipcplay: $n"
}

@test "a student's command runs as their own process and the teacher's transcript shows it" {
	serve_start --socket "$SOCK"
	teacher 'channel c1 unbounded'
	wait_out 'c1 created'
	run student ann <<<$'send c1 hi\nrecv c1\nps'
	assert_success
	assert_line 'ann sent "hi" on c1 [c1 1]'
	assert_line 'ann received "hi" from c1 [c1 0]'
	assert_line --regexp '^ann +[0-9]+ +ready'
	wait_out 'ann received "hi" from c1'
	run cat "$T/out"
	assert_line 'ann spawned'
	assert_line --regexp '^note: ann joined the class \(uid [0-9]+ pid [0-9]+\)$'
	assert_line 'ann sent "hi" on c1 [c1 1]'
}

@test "a student may not act as another process, spawn, kill, close or change channels, or write a file" {
	serve_start --socket "$SOCK"
	teacher 'spawn bob; channel c1 unbounded'
	wait_out 'c1 created'
	for line in 'bob send c1 x' 'spawn X' 'kill bob' 'close c1' \
	    'channel d unbounded' 'tap c1' 'sleep 10' 'repeat 3 send c1 x' \
	    'program P { send c1 x }' 'run' 'reset' 'dashboard on'; do
		run student ann <<<"$line"
		echo "$line"
		assert_failure 1
		assert_output --regexp 'you act only as ann|a student cannot use'
	done
	run student ann <<<"graph --svg $T/g.svg"
	assert_failure 1
	assert_output --partial 'writing files is off here'
	[ ! -e "$T/g.svg" ]
	teacher 'channels'
	teacher 'ps'
	wait_out 'bob '
	run cat "$T/out"
	refute_output --partial 'X spawned'
	refute_output --partial 'd created'
	refute_output --partial 'bob exited'
}

@test "a student's failures do not change the teacher's exit status" {
	serve_start --socket "$SOCK"
	run student ann <<<$'send nosuch x\nexpect ann exited'
	assert_failure 1
	assert_output --partial 'no such channel'
	assert_output --partial 'FAILED'
	serve_stop
	# serve's own exit status: wait returned it above (set -e would stop).
}

@test "a student's help lists what a student may type, without the name" {
	serve_start --socket "$SOCK"
	run student ann <<<'help'
	assert_success
	assert_line --regexp '^  send CHAN.* MSG'
	assert_line --regexp '^  ps$'
	refute_output --partial 'spawn'
	refute_output --partial 'PROC'
}

@test "a student's expect is answered to them alone" {
	serve_start --socket "$SOCK"
	run student ann <<<'expect ann ready'
	assert_success
	assert_output --partial 'expect ann ready ... ok'
	teacher 'say teacher-was-here'
	wait_out 'teacher-was-here'
	run grep -c 'expect ann ready' "$T/out"
	assert_output 0
}

@test "a student sees events about their process, their channels and every deadlock, not others'" {
	serve_start --socket "$SOCK"
	teacher 'spawn X Y; channel c unbounded; channel other unbounded; channel ab rendezvous from X to Y; channel ba rendezvous from Y to X'
	wait_out 'ba created'
	teacher 'X send other secret'
	wait_out 'X sent "secret"'
	# ann names c: what happens on c afterwards is news to her.
	student_bg ann
	echo 'poll c -n' >&9
	wait_out 'ann would block: poll on c' "$T/ann.out"
	teacher 'X send c for-ann; Y send other not-for-ann'
	teacher 'X send ab x; Y send ba y'
	wait_out 'DEADLOCK' "$T/ann.out"
	wait_out 'X sent "for-ann" on c' "$T/ann.out"
	teacher 'say the end'
	wait_out 'the end' "$T/ann.out"
	run cat "$T/ann.out"
	refute_output --partial 'not-for-ann'
	refute_output --partial 'secret'
	exec 9>&-
}

@test "a process held by a student cannot be taken by another; it stays when the student leaves and can be taken again" {
	serve_start --socket "$SOCK"
	teacher 'seat ann'
	wait_out 'ann spawned'
	student_bg ann
	wait_out 'ann joined the class'
	run student ann <<<'ps'
	assert_failure 1
	assert_output 'ipcplay: attach: ann is taken: another student holds it'
	exec 9>&-
	wait_out 'ann left the class'
	run student ann <<<'ps'
	assert_success
	run grep -c '^ann spawned' "$T/out"
	assert_output 1
}

@test "over TCP the join code is required and compared; dashes and case do not matter" {
	serve_start --listen 127.0.0.1:0
	addr=$(sed -n 's/^ipcplay serve: a classroom on \([^ ]*\).*/\1/p' "$T/out")
	code=$(sed -n 's/^join code: //p' "$T/out")
	run "$IPCPLAY" attach "$addr" --as ann <<<'ps'
	assert_failure 1
	assert_output 'ipcplay: attach: a join code is needed over TCP (--code)'
	run "$IPCPLAY" attach "$addr" --as ann --code 00000000000000000000000000000000 <<<'ps'
	assert_failure 1
	assert_output 'ipcplay: attach: wrong join code'
	run "$IPCPLAY" attach "$addr" --as ann --code "$(tr a-f A-F <<<"$code")" <<<'ps'
	assert_success
	assert_line --regexp '^ann +[0-9]+ +ready'
	run "$IPCPLAY" attach "$addr" --as bob --code "$(tr -d - <<<"$code")" <<<'ps'
	assert_success
}

@test "attach refuses bad usage with exit 2 and an unreachable classroom with exit 1" {
	run "$IPCPLAY" attach "$SOCK"
	assert_failure 2
	assert_output --partial '--as NAME is needed'
	run "$IPCPLAY" attach --as ann
	assert_failure 2
	run "$IPCPLAY" attach "$SOCK" --as 9bad
	assert_failure 2
	run "$IPCPLAY" attach "$T/nosuch" --as ann
	assert_failure 1
	assert_output "ipcplay: attach: $T/nosuch: No such file or directory"
	run "$IPCPLAY" serve --socket "$SOCK" --listen :0
	assert_failure 2
}

@test "a 1 MB line is refused with an error line and the seat stays" {
	serve_start --socket "$SOCK"
	run raw '
say(b"join ann -\n"); print(reply())
say(b"x" * 1000000 + b"\n"); print(reply())
say(b"ps\n"); print(reply())'
	assert_line "[b'ok ann']"
	assert_line "[b'error the line is longer than 4096 bytes']"
	assert_output --regexp "b'text ann +[0-9]+ +ready"
}

@test "more than 20 commands a second are refused; past 200 the client is dropped" {
	serve_start --socket "$SOCK"
	run raw '
say(b"join ann -\n"); reply()
say(b"ps\n" * 300)
got = []
while True:
    r = reply()
    got += r
    if r[-1].startswith(b"bye") or r[-1] == b"EOF":
        break
print(sum(1 for l in got if l == b"ok"), "ok")
print(sum(1 for l in got if l.startswith(b"error slow down")), "slow")
print(got[-1].decode())'
	assert_line '20 ok'
	assert_line '180 slow'
	assert_line 'bye more than 200 commands a second'
	wait_out 'ann left the class: more than 200 commands a second'
	# The playground goes on.
	run student bob <<<'ps'
	assert_success
}

@test "bytes that are not UTF-8 text lose the seat" {
	serve_start --socket "$SOCK"
	run raw '
say(b"join ann -\n"); reply()
say(b"send c \xff\xfe\n"); print(reply())'
	assert_output --partial "bye it sent bytes that are not UTF-8 text"
	wait_out 'ann left the class'
}

@test "a client that does not read loses its seat, and the playground never waits for it" {
	serve_start --socket "$SOCK"
	teacher 'channel c unbounded max=60000000'
	wait_out 'c created'
	raw '
say(b"join ann -\n"); reply()
say(b"poll c -n\n"); reply()
# Never read again: wait only for the server to hang up on us.
import select
p = select.poll()
p.register(s, select.POLLHUP)
p.poll(60000)' &
	sleep 0.5
	teacher 'repeat 25000 ann send c 0123456789012345678901234567890123456789'
	teacher 'say done'
	WAIT=600 wait_out 'ann left the class: it does not read'
	wait_out 'done'
}

@test "a client killed mid-session frees its seat; its process stays, blocked as it was" {
	serve_start --socket "$SOCK"
	teacher 'channel c rendezvous'
	wait_out 'c created'
	student_bg ann
	echo 'recv c' >&9
	wait_out 'ann blocked' "$T/ann.out"
	kill -9 "$client"
	wait_out 'ann left the class: it hung up'
	exec 9>&-
	teacher 'ps'
	wait_out 'blocked  recv c'
	run student ann <<<'ps'
	assert_success
	assert_output --regexp 'ann +[0-9]+ +blocked +recv c'
	teacher 'spawn B; B send c back'
	wait_out 'ann unblocked: received "back"'
}

@test "kick drops the student and keeps the process; students lists who is seated" {
	serve_start --socket "$SOCK"
	student_bg ann
	wait_out 'ann joined the class'
	teacher 'students'
	wait_out 'STUDENT'
	run cat "$T/out"
	assert_line --regexp '^ann +ready +0 +[0-9]+s  uid [0-9]+ pid [0-9]+$'
	teacher 'kick ann'
	wait_out 'ann left the class: kicked by the teacher'
	st=0
	wait "$client" || st=$?
	assert_equal "$st" 1
	run cat "$T/ann.out"
	assert_output --partial 'ipcplay: attach: the teacher took your seat; your process stays as it is'
	exec 9>&-
	teacher 'kick ann'
	teacher 'expect ann ready'
	wait_out 'expect ann ready ... ok'
	wait_out 'kick: no student holds ann' "$T/err"
}

@test "after a reset a seated student keeps the seat and gets a fresh process" {
	serve_start --socket "$SOCK"
	student_bg ann
	wait_out 'ann joined the class'
	teacher 'reset'
	wait_out 'the playground is empty'
	teacher 'channel c unbounded'
	wait_out 'c created'
	echo 'send c again' >&9
	wait_out 'ann sent "again" on c' "$T/ann.out"
	run grep -c '^ann spawned' "$T/out"
	assert_output 2
}

@test "a student's command between the teacher's command and its expect saw changes nothing for the teacher" {
	serve_start --socket "$SOCK" --log "$T/log.json"
	student_bg ann
	wait_out 'ann joined the class'
	teacher 'spawn T; channel c unbounded'
	wait_out 'c created'
	teacher 'T send c hi'
	wait_out 'T sent "hi"'
	echo 'ps' >&9
	wait_out 'NAME' "$T/ann.out"
	teacher 'expect saw "T sent"'
	wait_out 'expect saw "T sent" ... ok'
	serve_stop
}

@test "a teacher's say of several lines reaches a student as several event lines" {
	serve_start --socket "$SOCK"
	raw '
say(b"join ann -\n"); reply()
s.settimeout(5)
while True:
    l = f.readline()
    print(l.decode().rstrip("\n"), flush=True)
    if not l or l.startswith(b"event bye"):
        break' >"$T/raw.out" &
	wait_out 'ann joined the class'
	teacher 'say "first\nbye x"'
	wait_out 'event bye x' "$T/raw.out"
	run cat "$T/raw.out"
	assert_line 'event first'
	refute_line 'bye x'
}

@test "serve refuses --json, --group without --socket, and lesson while serving" {
	run "$IPCPLAY" --json serve --socket "$SOCK" </dev/null
	assert_failure 2
	assert_output --partial '--json is not for a classroom'
	run "$IPCPLAY" serve --group "$(id -gn)" </dev/null
	assert_failure 2
	assert_output --partial '--group needs --socket PATH'
	run "$IPCPLAY" serve -x </dev/null
	assert_failure 2
	assert_output --partial 'serve: unknown option -x'
	run "$IPCPLAY" serve --log </dev/null
	assert_failure 2
	assert_output --partial 'serve: --log needs an argument'
	serve_start --socket "$SOCK"
	teacher 'lesson deadlock'
	wait_out 'lesson: not while serving a classroom' "$T/err"
}

@test "SIGINT without a terminal ends the class as quit does, and serve dies of it" {
	serve_start --socket "$SOCK"
	kill -INT "$srv"
	wait_gone "$srv"
	srv=
	[ ! -e "$SOCK" ]
}

@test "the join code given to attach is not left in ps" {
	serve_start --listen 127.0.0.1:0
	addr=$(sed -n 's/^ipcplay serve: a classroom on \([^ ]*\).*/\1/p' "$T/out")
	code=$(sed -n 's/^join code: //p' "$T/out")
	mkfifo "$T/c.in"
	"$IPCPLAY" attach "$addr" --as ann --code "$code" <"$T/c.in" >"$T/c.out" 2>&1 8>&- &
	client=$!
	exec 9>"$T/c.in"
	wait_out 'ann joined the class'
	run tr '\0' ' ' <"/proc/$client/cmdline"
	refute_output --partial "$code"
	assert_output --partial 'attach'
	exec 9>&-
	IPCPLAY_CODE=$code run "$IPCPLAY" attach "$addr" --as bob <<<'ps'
	assert_success
}

@test "a command right after a reset, in the same line, finds the students' fresh processes" {
	serve_start --socket "$SOCK"
	student_bg ann
	wait_out 'ann joined the class'
	teacher 'reset; channel d unbounded from ann'
	wait_out 'd created'
	run cat "$T/err"
	assert_output ''
}

@test "teacher is not a student's name, and a student's reply is cut at 256 KiB" {
	serve_start --socket "$SOCK"
	run student teacher <<<'ps'
	assert_failure 1
	assert_output --partial "cannot name a student's process"
	teacher 'repeat 3000 channel ch$i unbounded'
	teacher 'say made'
	wait_out 'made'
	run student ann <<<'channels'
	assert_success
	assert_output --regexp '\.\.\. [0-9]+ more lines not sent \(a reply is cut at 256 KiB\)'
	[ "$(printf '%s\n' "$output" | wc -c)" -lt 270000 ]
}

@test "a student's help COMMAND and expect error are the student's own" {
	serve_start --socket "$SOCK"
	run student ann <<<$'help send\nrecv nosuch -n; expect error\nexpect error'
	assert_failure 1
	assert_output --partial 'send CHAN'
	assert_output --partial 'expect error ... ok'
	assert_output --partial 'FAILED'
	teacher 'bogus'
	wait_out 'unknown command' "$T/err"
	run student bob <<<'expect error'
	assert_failure 1
	assert_output --partial 'FAILED'
}

@test "attach refuses to send a line that is not UTF-8 text, and keeps its seat" {
	serve_start --socket "$SOCK"
	run student ann < <(printf 'send c caf\xe9\nps\n')
	assert_failure 1
	assert_output --partial 'ipcplay: stdin:1: not sent: bytes that are not UTF-8 text'
	assert_output --regexp 'ann +[0-9]+ +ready'
	never grep -q 'ann left the class: it sent bytes' "$T/out"
}

@test "a student who joins while the teacher's command runs is seated when it ends" {
	serve_start --socket "$SOCK"
	teacher 'sleep 3500'
	sleep 0.3
	run student ann <<<'ps'
	assert_success
	assert_line 'ipcplay: attach: waiting for the classroom to answer (the teacher'"'"'s command may still be running)'
	assert_output --regexp 'ann +[0-9]+ +ready'
}

@test "serve: a failing script makes the exit status 1, a directory is refused, a relative socket is given whole" {
	echo 'spawn A; A send nosuch x' >"$T/bad.ipc"
	run "$IPCPLAY" serve --socket "$SOCK" "$T/bad.ipc" </dev/null
	assert_failure 1
	run "$IPCPLAY" serve --socket "$SOCK" "$T" </dev/null
	assert_failure 2
	assert_output --partial 'Is a directory'
	cd "$T"
	serve_start --socket rel.sock
	run cat "$T/out"
	assert_line "students type: ipcplay attach $T/rel.sock --as NAME"
}

@test "a NUL byte in the teacher's line is an error, not a cut line" {
	serve_start --socket "$SOCK"
	printf 'spawn A\0B\nsay next\n' >&8
	wait_out 'next'
	run cat "$T/err"
	assert_output --partial 'stdin:1: a NUL byte is not allowed in a line'
	never grep -q '^A spawned' "$T/out"
}

@test "kick, seat and students outside a classroom say how to start one" {
	run "$IPCPLAY" -c 'seat A'
	assert_failure 1
	assert_output --partial 'seat: no classroom is served here (start one with: ipcplay serve)'
	run "$IPCPLAY" -c 'students'
	assert_failure 1
}

@test "serve --log writes every event as JSON with who did it" {
	serve_start --socket "$SOCK" --log "$T/log.json"
	teacher 'channel c unbounded'
	wait_out 'c created'
	student ann <<<'send c hi; bob send c x' || true
	serve_stop
	run python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert "by" in o, l
    print(o["by"], o["type"])' "$T/log.json"
	assert_success
	assert_line 'teacher channel'
	assert_line 'ann spawn'
	assert_line 'ann send'
	assert_line 'ann command'
	assert_line 'ann refused'
	assert_line 'ann leave'
}

@test "--group makes the socket 0660 with that group" {
	g=$(id -gn)
	serve_start --socket "$SOCK" --group "$g"
	[ "$(stat -c %a "$SOCK")" = 660 ]
	[ "$(stat -c %G "$SOCK")" = "$g" ]
	run "$IPCPLAY" serve --socket "$T/s2" --group no-such-group-here </dev/null
	assert_failure 1
	assert_output --partial 'no such group'
}

@test "a second serve on a live socket is refused; a dead one's socket is taken over" {
	serve_start --socket "$SOCK"
	run "$IPCPLAY" serve --socket "$SOCK" </dev/null
	assert_failure 1
	assert_output --partial 'a classroom is already served there'
	kill -9 "$srv"
	wait_gone "$srv"
	srv=
	exec 8>&-
	rm -f "$T/in"
	[ -S "$SOCK" ]
	serve_start --socket "$SOCK"
	run student ann <<<'ps'
	assert_success
}

@test "SIGTERM ends the class: students are told, the socket file goes" {
	serve_start --socket "$SOCK"
	n=t$$
	student_bg "$n"
	wait_out "$n joined the class"
	kill -TERM "$srv"
	st=0
	wait "$client" || st=$?
	assert_equal "$st" 1
	run cat "$T/$n.out"
	assert_output --partial 'ipcplay: attach: the class is over'
	exec 9>&-
	wait_gone "$srv"
	srv=
	[ ! -e "$SOCK" ]
	never pgrep -f "^ipcplay: $n"
}

@test "the classroom ring: three students make the three-way deadlock together" {
	serve_start --socket "$SOCK" "$BATS_TEST_DIRNAME/../lessons/classroom-ring.ipc"
	wait_out 'A spawned'
	for p in A:ab B:bc C:ca; do
		{ printf 'send %s x\n' "${p#*:}"; sleep 3; } |
		    student "${p%%:*}" >"$T/${p%%:*}.out" 2>&1 &
	done
	wait_out 'DEADLOCK: A, B, C'
	wait_out 'DEADLOCK: A, B, C' "$T/A.out"
	run cat "$T/A.out"
	assert_output --partial 'A blocked: send on ab'
}

@test "attach on a terminal: the name as prompt, Tab completes, events come above the line being typed" {
	serve_start --socket "$SOCK"
	teacher 'spawn B; channel c1 unbounded'
	wait_out 'c1 created'
	tmux_start "$IPCPLAY" attach "$SOCK" --as ann
	wait_screen_re '^ann>'
	type_keys -l 'sen'
	type_keys Tab
	wait_screen_re '^ann> send$'
	type_keys -l 'c'
	type_keys Tab
	wait_screen_re '^ann> send c1$'
	type_keys -l 'hi'
	type_keys Enter
	wait_screen 'ann sent "hi" on c1 [c1 1]'
	type_keys -l 'recv c'
	teacher 'B send c1 yo'
	wait_screen 'B sent "yo" on c1 [c1 2]'
	wait_screen_re '^ann> recv c$'
	type_keys C-u
	type_keys -l 'bob send c1 x'
	type_keys Enter
	wait_screen 'error: you act only as ann, not as bob'
	type_keys C-d
	wait_out 'ann left the class: it hung up'
}

@test "serve on a terminal shows the dashboard, the way to join in its title, and the students in its log" {
	tmux_start "$IPCPLAY" serve --socket "$SOCK"
	wait_screen "join: ipcplay attach $SOCK --as NAME"
	wait_screen 'ipcplay>'
	run student ann <<<'ps'
	assert_success
	wait_screen 'ann joined the class'
	wait_screen 'ann left the class'
	type_keys -l 'students'
	type_keys Enter
	wait_screen 'no student has joined yet'
	type_keys -l 'quit'
	type_keys Enter
	type_keys -l 'quit'
	type_keys Enter
	for _ in $(seq 40); do [ -e "$SOCK" ] || break; sleep 0.05; done
	[ ! -e "$SOCK" ]
}
