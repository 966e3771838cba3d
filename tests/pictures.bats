#!/usr/bin/env bats
# Pictures (spec 12): the message sequence chart in the terminal and as
# SVG, the wait-for graph as SVG, the chart's dashboard pane, compare.

load test_helper/common
load test_helper/tmux

teardown() {
	tmux_stop
}

# A bounded channel that makes A wait, a message that waits in the buffer,
# a lossy channel that loses one, and a deadlock of A and B.
SESSION='spawn A B
channel c bounded 1 from A to B
A send c hi
A send c yo
B recv c
B recv c
channel l unbounded delivery=lossy drop=1
A send l gone
channel x rendezvous
channel y rendezvous
A send x 1
B send y 2'

@test "msc draws lanes, arrows, a blocked span, a lost message and the deadlock" {
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c "$SESSION
msc"
	assert_line --regexp '^ +A +B$'
	assert_line --regexp '^ 1 +● "hi" → c +│$'
	assert_line --regexp '^ 2 +┃ send c \(full 1/1\) +│$'
	assert_line --regexp '^ 3 +○──"hi" c #1─+▶│$'
	# Sent when B's receive made room: it waits in the buffer.
	assert_line --regexp '^ 4 +● "yo" → c +│$'
	assert_line --regexp '^ 5 +○──"yo" c #4─+▶│$'
	assert_line --regexp '^ 6 +●─✕ "gone" l lost +│$'
	assert_line --regexp '^ 8 +┃ +┃ send y \(no receiver waiting\)$'
	assert_line --regexp '^ 9 +DEADLOCK +DEADLOCK$'
	# A receiver that waits takes the message as it is sent: one row.
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c 'spawn A B
channel c unbounded
B recv c
A send c x
msc'
	assert_line --regexp '^1 +│ +┃ recv c \(empty\)$'
	assert_line --regexp '^2 +●──"x" c─+▶│$'
}

@test "msc --last N draws the last N messages, and an empty session says so" {
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c "$SESSION
msc --last 1"
	refute_line --regexp '^ ?[1-5] '
	assert_line --regexp '^ 6 +●─✕ "gone" l lost'
	run -0 --separate-stderr "$IPCPLAY" -c 'msc'
	assert_output 'nothing to draw yet: no message, block or exit so far'
}

@test "msc is ASCII under LANG=C, whatever stdout is" {
	run -0 --separate-stderr env LC_ALL=C LANG=C COLUMNS=80 "$IPCPLAY" \
	    -c "$SESSION
msc"
	assert_line --regexp '^ 3 +o--"hi" c #1-+>\|$'
	assert_line --regexp '^ 6 +\*-X "gone" l lost +\|$'
	assert_line --regexp '^ 2 +# send c \(full 1/1\) +\|$'
	run -0 bash -c 'LC_ALL=C grep -c "[^ -~]" <<<"$0" || true' "$output"
	assert_output 0
}

@test "msc fits a narrow terminal: lanes that do not fit are left out and named" {
	run -0 --separate-stderr env COLUMNS=30 "$IPCPLAY" -c 'spawn A B C D E
channel c unbounded
A send c x
E recv c
msc'
	assert_line '(2 of 5 lanes shown: C and'
	assert_line 'msc --svg FILE draws them all)'
	chart=${output#*E received*$'\n'}
	[[ "$chart" == "       A         B"* ]]
	while IFS= read -r line; do
		[ "${#line}" -le 30 ] || { echo "too wide: $line" >&2; false; }
	done <<<"$chart"
}

@test "msc matches a kernel channel's reads to its writes" {
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c 'spawn A B
channel s socketpair seqpacket between A B
A send s one
B recv s
B send s two
A recv s
msc'
	assert_line --regexp '^1 +● "one" → s +│$'
	assert_line --regexp '^2 +○──"one" s #1─+▶│$'
	assert_line --regexp '^3 +│ +● "two" → s$'
	assert_line --regexp '^4 +│◀─"two" s #3─+○$'
}

@test "msc --json has every row, as JSON" {
	run -0 --separate-stderr "$IPCPLAY" --json -c "$SESSION
msc"
	run -0 python3 -c '
import json, sys
for line in sys.argv[1].splitlines():
    o = json.loads(line)
    if o["type"] == "msc":
        break
assert o["lanes"] == ["A", "B"], o["lanes"]
kinds = [r["kind"] for r in o["rows"]]
assert kinds == ["send", "blocked", "message", "send", "message", "lost",
    "blocked", "blocked", "deadlock"], kinds
assert o["rows"][2] == {"row": 3, "kind": "message", "from": "A",
    "to": "B", "sent_at": 1, "text": "\"hi\"", "chan": "c"}, o["rows"][2]
assert o["rows"][8]["procs"] == ["A", "B"]
print("ok")' "$output"
	assert_output ok
}

@test "msc --svg writes a self-contained SVG with the chart's content" {
	svg=$BATS_TEST_TMPDIR/chart.svg
	run -0 --separate-stderr "$IPCPLAY" -c "$SESSION
msc --svg $svg"
	assert_line "wrote the message sequence chart to $svg (9 rows, 2 lanes)"
	run -0 python3 - "$svg" <<'PY'
import sys, xml.etree.ElementTree as ET
raw = open(sys.argv[1], encoding="utf-8").read()
root = ET.fromstring(raw)
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg"
texts = [t.text for t in root.iter(ns + "text")]
for want in ['"hi" c', '"yo" c', '"gone" l lost', "send c (full 1/1)",
             "DEADLOCK", "A", "B"]:
    assert want in texts, (want, texts)
assert texts.count("DEADLOCK") == 2
# Nothing from elsewhere: no scripts, images, styles, links or fonts.
for tag in ("script", "image", "style", "a", "foreignObject", "use"):
    assert not list(root.iter(ns + tag)), tag
for el in root.iter():
    for k, v in el.attrib.items():
        assert "href" not in k, (el.tag, k)
        if "url(" in v:
            assert v.startswith("url(#"), v
assert "@import" not in raw and "@font-face" not in raw
# Readable on a projector: no text under 14 px.
sizes = [int(t.get("font-size")) for t in root.iter(ns + "text")]
assert min(sizes) >= 14, min(sizes)
print("ok")
PY
	assert_output ok
}

@test "graph --svg draws the wait-for graph with the cycle named and in red" {
	svg=$BATS_TEST_TMPDIR/wait.svg
	run -0 --separate-stderr "$IPCPLAY" -c "spawn A B
channel x rendezvous
channel y rendezvous
A send x 1
B send y 2
graph --svg $svg"
	assert_line "wrote the wait-for graph to $svg (2 edges; DEADLOCK: A → B → A)"
	run -0 python3 - "$svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text for t in root.iter(ns + "text")]
assert "DEADLOCK: A \u2192 B \u2192 A" in texts, texts
for want in ["A", "B", "send x", "send y"]:
    assert want in texts, (want, texts)
red = [l for l in root.iter(ns + "line") if l.get("stroke") == "#b71c1c"]
assert len(red) == 2, len(red)
print("ok")
PY
	assert_output ok
	run -0 --separate-stderr "$IPCPLAY" -c "spawn A
graph --svg $svg"
	assert_line "wrote the wait-for graph to $svg (0 edges; nobody waits)"
}

@test "a picture that cannot be written is one error and no file" {
	run -1 --separate-stderr "$IPCPLAY" -c "$SESSION
msc --svg $BATS_TEST_TMPDIR/no/such/dir/c.svg"
	[[ "$stderr" == *"-c:13: msc: cannot write $BATS_TEST_TMPDIR/no/such/dir/c.svg: No such file or directory"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c "graph --svg $BATS_TEST_TMPDIR/no/g.svg"
	[[ "$stderr" == *"graph: cannot write"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'msc --svg'
	[[ "$stderr" == *"msc --svg needs a file name"* ]]
	run -1 --separate-stderr "$IPCPLAY" -c 'msc --last x'
	[[ "$stderr" == *"--last 'x'"* ]]
	run -0 ls -A "$BATS_TEST_TMPDIR"
	refute_output --partial '.svg'
}

@test "the dashboard shows the chart in a pane that F4 opens and closes" {
	tmux_start "$IPCPLAY --dashboard"
	wait_screen 'F4 msc'
	type_keys -l 'spawn A B; channel c bounded 1; A send c hi; B recv c'
	type_keys Enter
	wait_screen 'B received "hi" from c'
	never screen_has -F 'message sequence chart'
	type_keys F4
	wait_screen '─ message sequence chart '
	wait_screen '○──"hi" c #1─'
	type_keys -l 'A send c yo; A send c again'
	type_keys Enter
	wait_screen '┃ send c (full 1/1)'
	type_keys F4
	for _ in $(seq 100); do
		screen_has -F '─ message sequence chart ' || break
		sleep 0.05
	done
	never screen_has -F '─ message sequence chart '
	screen_has -F '─ channels '
}

@test "compare runs a script under each buffering, side by side, and sums it up" {
	cat >"$BATS_TEST_TMPDIR/cyc.ipc" <<'EOF'
# Both send first, then receive.
spawn A B
channel ab unbounded from A to B
channel ba unbounded from B to A
A send ab hello
B send ba world
A recv ba
B recv ab
EOF
	COLUMNS=120 run -1 --separate-stderr "$IPCPLAY" compare \
	    "$BATS_TEST_TMPDIR/cyc.ipc" --as unbounded,bounded:1,rendezvous
	assert_line --regexp '^ +│ unbounded +│ bounded:1 +│ rendezvous'
	assert_line --regexp '^ +5 → A send ab hello$'
	assert_line --regexp '^ +│ A sent "hello" on ab \[ab 1\] +│ A sent "hello" on ab \[ab 1/1\] +│ A blocked: send on ab'
	assert_line --regexp '^unbounded +0 +1 +4 +no +0$'
	assert_line --regexp '^bounded:1 +0 +1 +4 +no +0$'
	assert_line --regexp '^rendezvous +2 +0 +0 +yes +1$'
	run -1 --separate-stderr "$IPCPLAY" compare \
	    "$BATS_TEST_TMPDIR/cyc.ipc" --as unbounded,rendezvous --json
	run -0 python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
assert [r["kind"] for r in rows] == ["unbounded", "rendezvous"]
assert rows[0]["deadlock"] is False and rows[1]["deadlock"] is True
assert rows[1]["blocked_sends"] == 2 and rows[0]["exit"] == 0
assert set(rows[0]) == {"type", "kind", "blocked_sends", "peak_fill",
    "copies", "deadlock", "exit"}
print("ok")' "$output"
	assert_output ok
	# Every run ran and nothing failed: 0.
	printf 'spawn A B\nchannel c unbounded\nA send c x\nB recv c\n' \
	    >"$BATS_TEST_TMPDIR/ok.ipc"
	run -0 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/ok.ipc" \
	    --as unbounded,register --json
	assert_line --partial '"kind":"register","blocked_sends":0,"peak_fill":1'
}

@test "compare: an unknown kind, a missing file, no kinds are usage errors" {
	printf 'spawn A\n' >"$BATS_TEST_TMPDIR/a.ipc"
	run -2 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/a.ipc" --as fifo
	[[ "$stderr" == *"compare: unknown kind 'fifo' (unbounded, bounded:N, register, rendezvous)"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/a.ipc" --as bounded:0
	[[ "$stderr" == *"bounded:0: the capacity is too small"* ]]
	run -2 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/none.ipc" --as unbounded
	[[ "$stderr" == *"compare: $BATS_TEST_TMPDIR/none.ipc: No such file or directory"* ]]
	run -2 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/a.ipc"
	[[ "$stderr" == *"--as KIND,... is needed"* ]]
	run -2 --separate-stderr "$IPCPLAY" compare --as unbounded
	[[ "$stderr" == *"which script?"* ]]
}

@test "compare leaves no process behind" {
	printf 'spawn A B C\nchannel c rendezvous\nA send c x\n' >"$BATS_TEST_TMPDIR/b.ipc"
	# Other playgrounds may run on this machine: look for ours only, by
	# the session this run has to itself.
	run -0 --separate-stderr setsid -w sh -c 'echo $$ >"$1"; exec "$2" compare "$3" --as unbounded,rendezvous' \
	    sh "$BATS_TEST_TMPDIR/sid" "$IPCPLAY" "$BATS_TEST_TMPDIR/b.ipc"
	sid=$(cat "$BATS_TEST_TMPDIR/sid")
	left=$(ps -eo sid=,pid=,stat=,args= | awk -v s="$sid" '$1 == s')
	[ -z "$left" ] || { echo "left behind: $left" >&2; false; }
}

@test "msc matches what the events do not name: lists of channels, streams read in pieces, both ends of a socket" {
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c 'spawn A B C
channel c1 unbounded
channel c2 unbounded
A send c1,c2 hi
B recv c1
C recv c2
A send c1 hi
channel p pipe from A to B
A send p hello
B recv p --max 2
B recv p
channel sp socketpair dgram between A B
A send sp x
B send sp x
A recv sp
B recv sp
msc'
	assert_line --regexp '^ 1 +● "hi" → c1,c2 +│ +│$'
	assert_line --regexp '^ 2 +○──"hi" c1 #1─+▶│ +│$'
	assert_line --regexp '^ 3 +○──"hi" c2 #1─+┼─+▶│$'
	assert_line --regexp '^ 4 +● "hi" → c1 +│ +│$'
	assert_line --regexp '^ 6 +○──"hello" p #5 \(part\)─+▶│ +│$'
	assert_line --regexp '^ 7 +○──"hello" p #5 \(part\)─+▶│ +│$'
	# B's x goes to A, A's to B: never a process to itself.
	assert_line --regexp '^10 +│◀─"x" sp #9─+○ +│$'
	assert_line --regexp '^11 +○──"x" sp #8─+▶│ +│$'
}

@test "a lesson played from the shell keeps its chart to itself" {
	COLS=100 tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys -l 'spawn A B; channel c unbounded; A send c x'
	type_keys Enter
	wait_screen 'A sent "x" on c'
	type_keys -l 'lesson 3'
	type_keys Enter
	wait_screen 'step 1 of'
	type_keys Enter
	wait_screen 'your guess>'
	type_keys Enter
	wait_screen 'step 2 of'
	type_keys q Enter
	wait_screen 'ipcplay> '
	type_keys -l 'msc'
	type_keys Enter
	wait_screen_re '^1 +● "x" → c +│$'
	never screen_has -E '^ +A +B +P'
	never screen_has -F '"12345"'
}

@test "compare reads the script once: a pipe or standard input works too" {
	run -1 --separate-stderr "$IPCPLAY" compare - --as unbounded,rendezvous --json <<'EOF2'
spawn A B
channel c unbounded
A send c x
A send c y
B recv c
EOF2
	assert_line --partial '"kind":"unbounded","blocked_sends":0,"peak_fill":2'
	assert_line --partial '"kind":"rendezvous","blocked_sends":1,"peak_fill":0,"copies":0,"deadlock":false,"exit":1'
	run -0 --separate-stderr bash -c '"$IPCPLAY" compare <(printf "spawn A B\nchannel c unbounded\nA send c x\nB recv c\n") --as unbounded,bounded:1 --json'
	assert_line --partial '"kind":"bounded:1","blocked_sends":0,"peak_fill":1'
}

@test "compare counts modeled channels only, and says what a kind cannot take" {
	cat >"$BATS_TEST_TMPDIR/k.ipc" <<'EOF2'
spawn A B
channel p pipe from A to B
A send p 0123456789
channel c unbounded delivery=lossy max=100
A send c x
EOF2
	run -0 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/k.ipc" --as unbounded,register
	assert_line --regexp '^unbounded +0 +1 '
	assert_line --regexp '^register +0 +1 '
	assert_output --partial 'compare: c drops max= under register'
	assert_output --partial 'compare: c drops delivery=lossy under'
	run -0 --separate-stderr "$IPCPLAY" compare "$BATS_TEST_TMPDIR/k.ipc" --as 'bounded:+3' --json
	assert_line --partial '"kind":"bounded:3"'
}

@test "the chart draws what a narrow or plain terminal can: combining marks, a hidden sender, a blocked lane crossed" {
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c $'spawn A B C\nB send @A "e\xcc\x81 x"\nA recv\nmsc'
	# The mark joins its letter: C's lane stays in its column.
	assert_line --regexp '^1 +│ {25}● "e.{1,4} x" → @A {14}│$'
	run -0 --separate-stderr env COLUMNS=25 "$IPCPLAY" -c 'spawn A B C
C send @A yo
A recv
msc'
	assert_line --regexp '^2 +│◀─"yo" @A #1─+$'
	run -0 --separate-stderr env COLUMNS=80 "$IPCPLAY" -c 'spawn A B C
channel c rendezvous
B recv c
A send @C hi
C recv
msc'
	assert_line --regexp '^3 +○─+"hi" @C #2─+╂─+▶│$'
}

@test "a picture written over a file keeps its permissions, and a link's file is the one replaced" {
	touch "$BATS_TEST_TMPDIR/t.svg"
	chmod 600 "$BATS_TEST_TMPDIR/t.svg"
	ln -s t.svg "$BATS_TEST_TMPDIR/l.svg"
	run -0 --separate-stderr "$IPCPLAY" -c "spawn A B
A send @B x
msc --svg $BATS_TEST_TMPDIR/l.svg"
	[ -L "$BATS_TEST_TMPDIR/l.svg" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/t.svg")" = 600 ]
	run -0 grep -c '<svg' "$BATS_TEST_TMPDIR/t.svg"
}
