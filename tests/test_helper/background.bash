# ipcplay in the background, watched through its JSON (cleanup.bats,
# kernel.bats).  load it after common.

# Start ipcplay in the background on a script; its JSON goes to $out.
start_bg() {
	out="$BATS_TEST_TMPDIR/out.json"
	script=$1
	"$IPCPLAY" --json -c "$1" > "$out" 2>"$BATS_TEST_TMPDIR/err" &
	bg=$!
	disown "$bg"	# its death by SIGKILL is the point, not news
}

# wait_for PATTERN: until the output has it (at most 5 s).
wait_for() {
	for _ in $(seq 100); do
		grep -q -- "$1" "$out" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# pids: the pid of every process spawned so far; pid_of NAME: one.
pids() {
	grep -o '"type":"spawn","seq":[0-9]*,"proc":"[A-Za-z0-9_-]*","pid":[0-9]*' "$out" |
	    sed 's/.*"pid"://'
}

pid_of() {
	grep -o "\"type\":\"spawn\",\"seq\":[0-9]*,\"proc\":\"$1\",\"pid\":[0-9]*" "$out" |
	    sed 's/.*"pid"://'
}

# all_gone PID...: every one has gone within 2 s.
all_gone() {
	for _ in $(seq 40); do
		alive=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ "$alive" -eq 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# Only if it is still our ipcplay: a pid is reused soon on a busy machine
# (a fuzzer forks thousands), and killing a stranger is no cleanup.
teardown() {
	[ -n "${bg:-}" ] &&
	    [ "$(tr '\0' ' ' <"/proc/$bg/cmdline" 2>/dev/null)" = "$IPCPLAY --json -c $script " ] &&
	    kill -9 "$bg" 2>/dev/null || true
}
