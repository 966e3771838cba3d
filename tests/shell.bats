#!/usr/bin/env bats
# The interactive shell, as a user types it: readline, completion,
# history, Ctrl-C, events that arrive while a line is half typed.

load test_helper/common
load test_helper/tmux

teardown() {
	tmux_stop
}

@test "a typed session: prompt, commands, transcript" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B' Enter
	wait_screen 'B spawned'
	type_keys 'channel c1 bounded 1 from A to B' Enter
	wait_screen 'c1 created: bounded 1'
	type_keys 'A send c1 hi; A send c1 yo' Enter
	wait_screen 'A blocked: send on c1 (full 1/1)'
	type_keys 'B recv c1' Enter
	wait_screen 'A unblocked: sent "yo" on c1 [c1 1/1]'
}

@test "Tab completes a command, a process name, an operation and a channel name" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spa' Tab 'Alice Bob' Enter
	wait_screen 'Bob spawned'
	type_keys 'channel jobs unbounded' Enter
	wait_screen 'jobs created'
	type_keys 'Al' Tab 'se' Tab 'jo' Tab '"work"' Enter
	wait_screen 'Alice sent "work" on jobs [jobs 1]'
	type_keys 'Bo' Tab 'rec' Tab '@' Tab
	wait_screen 'ipcplay> Bob recv @Bob'
}

@test "completion offers only the channels the process may use" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; channel inbox unbounded from A to B; channel other unbounded from B to A' Enter
	wait_screen 'other created'
	type_keys 'B recv ' Tab Tab
	wait_screen_re '^@B +inbox$'
	type_keys C-u 'A send ' Tab Tab
	wait_screen_re '^@A +@B +inbox$'
	# The next channel of a list (c1,c2) completes like the first.
	type_keys C-u 'A send @B,in' Tab
	wait_screen 'ipcplay> A send @B,inbox'
}

@test "history is kept across runs" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn Remembered' Enter
	wait_screen 'Remembered spawned'
	type_keys 'quit' Enter
	tmux_stop
	[ -s "$BATS_TEST_TMPDIR/history" ]
	grep -q '^spawn Remembered$' "$BATS_TEST_TMPDIR/history"
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys Up Up Enter
	wait_screen 'Remembered spawned'
}

@test "Ctrl-C abandons a half-typed line, never the playground" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn A' Enter
	wait_screen 'A spawned'
	type_keys 'spawn NeverTyped'
	wait_screen 'NeverTyped'
	type_keys C-c
	type_keys 'A send @A still-here' Enter
	wait_screen 'A sent "still-here" on @A'
	never screen_has 'NeverTyped spawned'
}

@test "an event arriving while a line is half typed is printed above it; the line survives" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn A; A recv --timeout 700' Enter
	wait_screen 'A blocked: recv on @A (empty), timeout 700 ms'
	type_keys 'spawn Half'
	wait_screen 'A timed out: recv on @A after 700 ms'
	screen | tail -n +2 | grep -q '^ipcplay> spawn Half'
	type_keys Enter
	wait_screen 'Half spawned'
}

@test "a process killed from outside shows up without a key press" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn Victim' Enter
	wait_screen 'Victim spawned'
	pid=$(pgrep -f 'ipcplay: Victim' | head -1)
	[ -n "$pid" ]
	kill -9 "$pid"
	wait_screen 'Victim killed by KILL'
}

@test "errors point at the word and suggest the nearest command" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'sned x' Enter
	wait_screen "unknown command 'sned'; did you mean 'send'?"
	type_keys 'channel c bounded zero' Enter
	wait_screen "capacity 'zero' is invalid"
	screen | grep -q '^                    \^$'
}

@test "help lists the commands and help CMD explains one" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'help' Enter
	wait_screen 'What a process does'
	type_keys 'help channel' Enter
	wait_screen 'example: channel c1 bounded 2 from A to B'
}

@test "quit and Ctrl-D end the session and leave no process" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn QuitA QuitB; QuitA recv' Enter
	wait_screen 'QuitA blocked'
	pgrep -f 'ipcplay: QuitA' >/dev/null
	type_keys 'quit' Enter
	wait_screen 'quit again to end them and leave'
	type_keys 'quit' Enter
	for _ in $(seq 80); do pgrep -f 'ipcplay: Quit' >/dev/null || break; sleep 0.05; done
	never pgrep -f 'ipcplay: Quit'
	tmux_stop
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn EofA' Enter
	wait_screen 'EofA spawned'
	type_keys C-d
	wait_screen 'Ctrl-D again to end it and leave'
	type_keys C-d
	for _ in $(seq 80); do pgrep -f 'ipcplay: EofA' >/dev/null || break; sleep 0.05; done
	never pgrep -f 'ipcplay: EofA'
}

@test "a misspelt process or channel name gets the nearest real one" {
	run -1 ipc -c 'spawn Alice; channel jobs unbounded; Alcie send jobs x'
	assert_output --partial 'no such process: Alcie; did you mean Alice?'
	run -1 ipc -c 'spawn Alice; channel jobs unbounded; Alice send jbos x'
	assert_output --partial 'Alice send jbos: no such channel; did you mean jobs?'
}

@test "expect error at the prompt holds right after a failed command" {
	tmux_start "$IPCPLAY; echo exit=\$?"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B; A recv @B' Enter
	wait_screen 'A recv @B: permission denied'
	type_keys 'expect error' Enter
	wait_screen 'expect error ... ok'
	type_keys 'quit' Enter 'quit' Enter
	wait_screen 'exit=0'
}

@test "lesson at the prompt: Tab completes a topic, the lesson plays apart, the shell's processes wait" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn Mine' Enter
	wait_screen 'Mine spawned'
	type_keys 'lesson' Enter
	wait_screen '06  deadlock'
	type_keys 'lesson dead' Tab
	wait_screen 'ipcplay> lesson deadlock'
	type_keys Enter
	wait_screen 'step 1 of 11 done'
	type_keys q Enter
	wait_screen 'Lesson 06-deadlock left unfinished.'
	type_keys 'Mine send @Mine still-here' Enter
	wait_screen 'Mine sent "still-here" on @Mine [@Mine 1]'
	never screen_has '^A spawned'
	# The lesson's dashboard gave back what it took: dashboard on works.
	type_keys 'dashboard on' Enter
	wait_screen '─ events '
	# There, lesson alone lists the lessons; playing one is refused.
	type_keys 'lesson' Enter
	wait_screen 'Run one in batch mode'
	type_keys 'lesson 1' Enter
	wait_screen "type 'dashboard off' first"
}

@test "lesson in a script says where it plays" {
	run -1 ipc -c 'lesson deadlock'
	assert_output --partial 'lesson plays at the shell'"'"'s prompt; a script can run a lesson file itself'
}

@test "the history file keeps the last 1,000 lines" {
	seq 1 1500 | sed 's/^/say old /' >"$BATS_TEST_TMPDIR/history"
	tmux_start "$IPCPLAY; echo exit=\$?"
	wait_screen 'ipcplay>'
	type_keys 'say newest' Enter
	wait_screen 'newest'
	type_keys 'quit' Enter
	wait_screen 'exit=0'
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/history")" 1000
	assert_equal "$(tail -2 "$BATS_TEST_TMPDIR/history")" 'say newest
quit'
	assert_equal "$(head -1 "$BATS_TEST_TMPDIR/history")" 'say old 503'
}

@test "SIGTERM at the prompt ends a long sleep, gives the terminal back and dies of the signal" {
	tmux_start "$IPCPLAY; echo exit=\$?; stty -a | grep -o -- '-\\?icanon'"
	wait_screen 'ipcplay>'
	type_keys 'spawn Term1' Enter
	wait_screen 'Term1 spawned'
	type_keys 'sleep 600000' Enter
	broker=$(pane_ipcplay)
	kill -TERM "$broker"
	wait_screen 'exit=143'
	wait_screen_re '^icanon$'
	never pgrep -f '^ipcplay: Term1$'
}

@test "SIGTERM at the prompt ends a long repeat too" {
	tmux_start "$IPCPLAY; echo exit=\$?"
	wait_screen 'ipcplay>'
	type_keys 'repeat 1000000 say tick' Enter
	wait_screen 'tick'
	broker=$(pane_ipcplay)
	kill -TERM "$broker"
	wait_screen 'exit=143'
}

@test "Ctrl-C ends a long sleep at the prompt, and the next sleep sleeps" {
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'spawn Ci' Enter
	wait_screen 'Ci spawned'
	type_keys 'sleep 600000; say never' Enter
	sleep 0.3
	type_keys C-c
	wait_screen 'interrupted'
	type_keys 'repeat 1000000 say tick' Enter
	wait_screen 'tick'
	type_keys C-c
	wait_screen_re 'interrupted$'
	type_keys 'say alive; expect Ci ready' Enter
	wait_screen 'expect Ci ready ... ok'
	never screen_has never
}

@test "quit with live processes asks once; quit again leaves" {
	tmux_start "$IPCPLAY; echo exit=\$?"
	wait_screen 'ipcplay>'
	type_keys 'spawn A B' Enter
	wait_screen 'B spawned'
	type_keys 'quit' Enter
	wait_screen '2 processes are still alive: quit again to end them and leave'
	type_keys 'quit' Enter
	wait_screen 'exit=0'
}

@test "Ctrl-C inside a lesson played from the shell ends nothing else and costs nothing" {
	tmux_start "env IPCPLAY_NO_DASHBOARD=1 $IPCPLAY"
	wait_screen 'ipcplay>'
	type_keys 'lesson 1' Enter
	wait_screen 'step 1 of'
	type_keys C-c
	sleep 0.3
	type_keys 'spawn Zed' Enter
	wait_screen 'Zed spawned'
	broker=$(pane_ipcplay)
	cpu=$(ps -o times= -p "$broker")
	sleep 1
	[ $(( $(ps -o times= -p "$broker") - cpu )) -lt 1 ]
}

@test "a history file that cannot be kept is said once, and the session goes on" {
	tmux_start "env IPCPLAY_HISTORY=$BATS_TEST_TMPDIR $IPCPLAY"
	wait_screen "history $BATS_TEST_TMPDIR: Is a directory (this session's lines are not saved)"
	type_keys 'spawn Still' Enter
	wait_screen 'Still spawned'
}

@test "a lesson played at the prompt has programs of its own; the shell's stay and still run (found by review)" {
	COLS=120 ROWS=50
	tmux_start "$IPCPLAY"
	wait_screen 'ipcplay>'
	# Literally: tmux reads a bare "end" as the End key.  The shell runs
	# a program first: the lesson's own must still see their events.
	type_keys -l 'spawn Mine; channel z unbounded; Mine send z hi; program mine { poll z; recv $ready }; Mine run mine; run'
	type_keys Enter
	wait_screen 'Mine received "hi" from z [z 0]'
	type_keys -l 'Mine send z again'
	type_keys Enter
	type_keys 'lesson event-loops' Enter
	wait_screen 'step 1 of'
	# To the lesson's poll server, a program over $ready.
	for _ in $(seq 30); do
		screen_has 'D2 received "done: order 2.3"' && break
		screen_has 'your guess>' && type_keys 'yes'
		type_keys Enter
		sleep 0.3
	done
	wait_screen 'expect D2 received "done: order 2.3" ... ok'
	never screen_has 'ready is empty'
	type_keys q Enter
	wait_screen 'left unfinished'
	type_keys 'programs' Enter
	wait_screen 'program mine (stdin:1), run by Mine'
	never screen_has 'program server'
	type_keys 'Mine run mine; run' Enter
	wait_screen 'Mine received "again" from z [z 0]'
}
