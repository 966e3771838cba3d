#!/usr/bin/env bats
# The live dashboard as a student sees it on the projector: tmux runs
# ipcplay -D, capture-pane reads the screen.

load test_helper/common
load test_helper/tmux

setup() {
	COLS=80 ROWS=24
}

teardown() {
	tmux_stop
}

@test "the dashboard starts at 80x24 with every pane" {
	tmux_start "$IPCPLAY --dashboard"
	wait_screen 'ipcplay dashboard'
	wait_screen '─ processes '
	wait_screen '─ channels '
	wait_screen '─ wait-for graph '
	wait_screen '─ events '
	wait_screen 'F1 help'
	wait_screen 'ipcplay>'
}

@test "a bounded channel's boxes fill as messages arrive" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c1 bounded 3 from A to B' Enter
	wait_screen 'bounded 0/3    [  ][  ][  ]'
	type_keys 'A send c1 hi' Enter
	wait_screen 'bounded 1/3    [hi][  ][  ]'
	type_keys 'A send c1 yo' Enter
	wait_screen 'bounded 2/3    [hi][yo][  ]'
}

@test "a blocked sender is marked BLOCKED and shown in the channel's sender queue" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c1 bounded 1 from A to B; A send c1 one; A send c1 two' Enter
	wait_screen_re 'A +[0-9]+ BLOCKED +send c1'
	wait_screen 'senders: A  receivers: -'
	wait_screen 'A ─send c1→ B'
	type_keys 'B recv c1' Enter
	wait_screen 'senders: -  receivers: -'
	wait_screen 'nobody waits'
}

@test "a deadlock shows a banner naming the cycle" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B C; channel ab rendezvous from A to B; channel bc rendezvous from B to C' Enter
	type_keys 'channel ca rendezvous from C to A; A send ab x; B send bc y; C send ca z' Enter
	wait_screen 'DEADLOCK: A → B → C → A'
	wait_screen 'A ─send ab→ B  DEADLOCK'
	screen | grep -qE 'DEADLOCK +send ca'
}

@test "an external kill -9 of a child appears without a key press" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn Victim' Enter
	wait_screen 'Victim spawned'
	pid=$(pgrep -f 'ipcplay: Victim' | head -1)
	kill -9 "$pid"
	wait_screen 'Victim killed by KILL'
	wait_screen_re 'exited +by KILL'
}

@test "a timeout fires on screen without a key press" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; A recv --timeout 300' Enter
	wait_screen_re 'BLOCKED +recv @A'
	wait_screen 'A timed out: recv on @A after 300 ms'
	wait_screen 'ready'
}

@test "after a resize every pane is still there" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c1 bounded 2' Enter
	wait_screen 'c1'
	$TM resize-window -t t -x 120 -y 40
	for _ in $(seq 100); do
		[ "$(screen | wc -l)" -eq 40 ] && screen | grep -q '─ events ─' && break
		sleep 0.05
	done
	[ "$(screen | head -1 | wc -c)" -gt 0 ]
	screen | grep -q '─ processes '
	screen | grep -q '─ channels '
	screen | grep -q '─ events '
	screen | grep -q 'c1 .*bounded 0/2'
	$TM resize-window -t t -x 80 -y 24
	wait_screen '─ wait-for graph '
}

@test "with NO_COLOR there is no colour, and states are words" {
	NO_COLOR=1 tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c rendezvous from A to B; A send c x' Enter
	wait_screen 'BLOCKED'
	if $TM capture-pane -p -e -t t | grep -q $'\e\\[3[0-7]m\|\e\\[38;'; then
		false
	fi
	screen | grep -q 'ready'
}

@test "without NO_COLOR the states are coloured" {
	NO_COLOR= tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c rendezvous from A to B; A send c x' Enter
	wait_screen 'BLOCKED'
	$TM capture-pane -p -e -t t | grep -q $'\e\\[3[0-7]m'
}

@test "F1 shows the keys; any key closes the help" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys F1
	wait_screen 'ipcplay dashboard: keys'
	type_keys Space
	for _ in $(seq 100); do screen | grep -q 'dashboard: keys' || break; sleep 0.05; done
	never screen_has 'dashboard: keys'
}

@test "Tab completes and Up recalls history in the dashboard" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn Alice' Enter
	wait_screen 'Alice spawned'
	type_keys 'Al' Tab 'se' Tab '@Al' Tab 'hello' Enter
	wait_screen 'Alice sent "hello" on @Alice'
	type_keys Up
	wait_screen 'ipcplay> Alice send @Alice hello'
}

@test "dashboard off returns to the plain transcript, dashboard on comes back" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'dashboard off' Enter
	for _ in $(seq 100); do screen | grep -q '─ events ' || break; sleep 0.05; done
	type_keys 'spawn Plain' Enter
	wait_screen 'Plain spawned'
	never screen_has '─ events '
	# The plain prompt completes again (it did not, once the dashboard
	# had taken readline's completion).
	type_keys 'Pl' Tab 'sen' Tab '@Pl' Tab
	wait_screen 'ipcplay> Plain send @Plain'
	type_keys C-u
	type_keys 'dashboard on' Enter
	wait_screen '─ events '
	wait_screen 'Plain'
}

@test "quit in the dashboard leaves no process behind" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn BoardA BoardB; BoardA recv' Enter
	wait_screen 'BLOCKED'
	type_keys 'quit' Enter
	wait_screen 'quit again to end them'
	type_keys 'quit' Enter
	for _ in $(seq 80); do pgrep -f 'ipcplay: Board' >/dev/null || break; sleep 0.05; done
	never pgrep -f 'ipcplay: Board'
}

@test "without a terminal, -D falls back to the plain transcript" {
	run -0 ipc -D -c 'spawn A'
	assert_output 'A spawned'
	run -0 sh -c "echo 'spawn B' | '$IPCPLAY' -D"
	assert_output 'B spawned'
}

@test "a lesson plays on the dashboard when the terminal allows it" {
	tmux_start "$IPCPLAY lesson deadlock"
	wait_screen '─ processes '
	wait_screen 'step 1 of 11 done'
	wait_screen 'Three rendezvous channels form a ring: A to B, B to C, C to A.'
	type_keys Enter
	wait_screen_re 'A +[0-9]+ BLOCKED +send ab'
	type_keys Enter
	wait_screen 'your guess>'
	type_keys 'a deadlock' Enter
	wait_screen 'DEADLOCK: A → B → C → A'
	type_keys q Enter
	wait_screen 'left unfinished'
}

@test "the dashboard's input line is readline: Home, Left, Ctrl-W edit the line" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'pawn Edited' Home 's' Enter
	wait_screen 'Edited spawned'
	type_keys 'spawn Wrong' C-w 'Fixed' Enter
	wait_screen 'Fixed spawned'
	never screen_has 'Wrong spawned'
	type_keys 'spawn Y' Left Left 'X' Enter
	wait_screen 'spawnX Y'
}

@test "SIGHUP of the dashboard leaves the alternate screen and raw mode, and no process" {
	tmux_start "$IPCPLAY -D; echo exit=\$?; stty -a | grep -o -- '-\\?icanon'"
	wait_screen 'ipcplay>'
	type_keys 'spawn Hup1' Enter
	wait_screen 'Hup1'
	broker=$(pane_ipcplay)
	kill -HUP "$broker"
	wait_screen 'exit=129'
	wait_screen_re '^icanon$'
	never screen_has 'wait-for graph'
	never pgrep -f '^ipcplay: Hup1$'
}

@test "after dashboard off, the transcript shows what happened on the dashboard" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel c bounded 1' Enter
	wait_screen 'c created'
	type_keys 'A send c hi; A send c yo' Enter
	wait_screen 'BLOCKED'
	type_keys 'dashboard off' Enter
	wait_screen 'ipcplay> A send c hi; A send c yo'
	wait_screen 'A blocked: send on c (full 1/1)'
	wait_screen 'A sent "hi" on c [c 1/1]'
	never screen_has 'wait-for graph'
}

@test "a failed check of a lesson on the dashboard is said once" {
	COLS=100 ROWS=40
	tmux_start "$IPCPLAY lesson event-loops"
	wait_screen 'step 1 of'
	for _ in $(seq 20); do
		screen_has 'lesson>' && break
		type_keys Enter
		sleep 0.2
	done
	wait_screen 'lesson>'
	type_keys 'check' Enter
	wait_screen 'checks hold'
	[ "$(screen | grep -c 'S received "order 22"')" -eq 1 ]
	never screen_has 'not yet: .*S received'
}

@test "a caller waiting for its reply is shown waiting for the callee" {
	COLS=120 ROWS=30
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn C S; channel srv rendezvous; S recv srv; C call srv hi' Enter
	wait_screen 'reply from S'
	type_keys 'S reply ok' Enter
	wait_screen 'C unblocked: call on srv returned "ok" from S'
}

@test "message boxes use the room the pane has and are never cut" {
	for COLS in 80 100; do
		tmux_start "$IPCPLAY -D"
		wait_screen 'ipcplay>'
		type_keys 'spawn A B; channel c1 bounded 3 from A to B; channel big bounded 20' Enter
		wait_screen 'big '
		type_keys 'A send c1 "a longer message"; repeat 12 A send big "m$i"' Enter
		wait_screen 'msgs 12 copies 12'
		# Every box closes, and a row ends inside the pane.
		run bash -c "$TM capture-pane -p -t t | grep -E '│big '"
		assert_output --regexp '\[m1 \]\[m2 \]\[m3 \](\[m[0-9] \])*\+[0-9]+ +│'
		run bash -c "$TM capture-pane -p -t t | grep -E '│c1 '"
		assert_output --regexp '\[a l[a-z ]*~\]\[ +\]\[ +\] *│'
		if [ "$COLS" = 100 ]; then
			assert_output --partial '[a longe~]'
		fi
		tmux_stop
	done
}

@test "the dashboard stays live during a sleep, and Ctrl-C ends it" {
	COLS=100 ROWS=30
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn Slp; Slp recv --timeout 300; sleep 60000' Enter
	wait_screen 'Slp timed out: recv on @Slp after 300 ms'
	type_keys C-c
	wait_screen 'interrupted'
	type_keys 'repeat 1000 sleep 100' Enter
	sleep 0.3
	type_keys C-c
	for _ in $(seq 100); do
		[ "$(screen | grep -c '^│interrupted')" -eq 2 ] && break
		sleep 0.05
	done
	[ "$(screen | grep -c '^│interrupted')" -eq 2 ]
}

@test "keys typed during a sleep wait for the prompt, and Ctrl-C still ends it" {
	COLS=100 ROWS=30
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'sleep 60000' Enter
	sleep 0.3
	type_keys 'say held'
	sleep 0.2
	type_keys C-c
	wait_screen 'interrupted'
	wait_screen 'ipcplay> say held'
}

@test "the keys: the help screen names each, PgUp scrolls the log back, F6 the processes, ? in a line is typed" {
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B C D E F G H; repeat 40 A send @B x' Enter
	wait_screen '@B 40]'
	type_keys F1
	wait_screen 'ipcplay dashboard: keys'
	for k in 'Enter          run the typed command' 'PgUp / PgDn    scroll the event log' \
	    'F5 / F6        scroll the processes' 'F7 / F8        scroll the channels' \
	    'Ctrl-C         clear the input line' 'STUCK (behind one), exited'; do
		screen_has "$k"
	done
	type_keys Space 'C recv @C --timeout 1000' Enter
	wait_screen 'C blocked'
	type_keys PPage
	wait_screen 'scrolled back'
	never screen_has '@B 40]'
	before=$(screen | grep -F '│A sent')
	back=$(screen | grep -o 'scrolled back [0-9]*')
	# The timeout's events arrive; the lines in view stay put.
	for _ in $(seq 100); do
		[ "$(screen | grep -o 'scrolled back [0-9]*')" != "$back" ] && break
		sleep 0.05
	done
	[ "$(screen | grep -o 'scrolled back [0-9]*')" != "$back" ]
	assert_equal "$(screen | grep -F '│A sent')" "$before"
	type_keys NPage NPage NPage
	wait_screen 'C timed out'
	screen_has '│A  '
	type_keys F6
	for _ in $(seq 100); do screen_has '│A  ' || break; sleep 0.05; done
	never screen_has '│A  '
	type_keys 'x?y'
	wait_screen 'ipcplay> x?y'
	never screen_has 'dashboard: keys'
}

@test "on a small terminal the help stays inside its border, F1 help stays on the key bar, the welcome wraps" {
	COLS=60 ROWS=14 tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	wait_screen 'F1 help'
	wait_screen "'dashboard off'"
	type_keys F1
	wait_screen 'ipcplay dashboard: keys'
	# Every line of the help box ends with its border.
	screen | grep -q '^└─*┘$'
	never grep -E '^│' <(screen | grep -v '│$')
}

@test "lesson with no lessons to list says so in the dashboard's log, not over the screen" {
	tmux_start "env IPCPLAY_LESSONS_DIR=/nonexistent $IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'lesson' Enter
	wait_screen_re '^│.*no lessons in /nonexistent \(set IPCPLAY_LESSONS_DIR\)'
	never screen_has '^ipcplay: no lessons'
}

@test "the log wraps UTF-8 text by columns and loses nothing" {
	COLS=40 ROWS=24 tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys "say a$(printf 'é%.0s' $(seq 60)) fin and some more words to wrap here ok" Enter
	wait_screen 'more words to wrap here ok'
	wait_screen_re '^│aé{37}│$'
	wait_screen_re '^│é{23} fin and some  │$'
}

@test "a history file that cannot be kept is said in the dashboard's log" {
	tmux_start "env IPCPLAY_HISTORY=$BATS_TEST_TMPDIR $IPCPLAY -D"
	wait_screen 'ipcplay>'
	wait_screen_re "^│history .*: Is a directory \(this session's lines are"
}

@test "a kernel pipe's fill is a bar of its capacity, and a blocked writer shows its wait channel" {
	COLS=100 ROWS=30
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel p pipe size=4096 from A to B' Enter
	wait_screen_re 'p +pipe 0/4096 +\[\.+\]'
	wait_screen 'held by A:w B:r  writes 0'
	type_keys "A send p $(printf '%*s' 2048 '' | tr ' ' y)" Enter
	wait_screen_re 'p +pipe 2048/4096 +\[█+\.+\]'
	type_keys "A send p $(printf '%*s' 4000 '' | tr ' ' y)" Enter
	wait_screen_re 'A +[0-9]+ BLOCKED +send p in [a-z_]*pip'
	wait_screen 'senders: A  receivers: -'
}

@test "a free run keeps the dashboard live: each channel's rate and fill sparkline, the summaries in the log" {
	# Wide enough for the counters of thousands of messages and the bars.
	COLS=110
	tmux_start "$IPCPLAY -D"
	wait_screen 'ipcplay>'
	# Literally: tmux reads a bare "end" as the End key.
	for l in 'spawn A B; channel c1 bounded 4' \
	    'program prod { loop; send c1 x; sleep 1; end }' \
	    'program cons { loop; recv c1; end }' \
	    'A run prod; B run cons; run --for 3000'; do
		type_keys -l "$l"
		type_keys Enter
	done
	# The rate and a sparkline of at least four samples, while it runs.
	wait_screen_re 'msgs [0-9]+ copies [0-9]+ drops 0  [1-9][0-9]*/s [▁▂▃▄▅▆▇█]{4}'
	wait_screen_re 'A sent [0-9]+ messages \([0-9]+ bytes\) on c1 in [0-9]+ ms'
	wait_screen_re 'run: [0-9]+ steps in [0-9]+ ms: 3000 ms passed'
}
