# Driving the real binary in a terminal: tmux on a private socket, text
# read back with capture-pane, bounded waits instead of sleeps.

# A fresh socket for every start: restarting a server on the socket of
# one just killed can race.
TMUX_STARTS=0
tmux_start() {
	TMUX_STARTS=$((TMUX_STARTS + 1))
	TM="tmux -L ipc$$-${BATS_TEST_NUMBER}-$TMUX_STARTS -f /dev/null"
	for _ in 1 2 3; do
		$TM new-session -d -s t -x "${COLS:-100}" -y "${ROWS:-30}" \
		    "env IPCPLAY_HISTORY=$BATS_TEST_TMPDIR/history IPCPLAY_LESSONS_DIR=$BATS_TEST_DIRNAME/../lessons NO_COLOR=${NO_COLOR-1} TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8 $*; sleep 30" &&
		    return 0
		sleep 0.2
	done
	return 1
}

tmux_stop() {
	[ -n "${TM:-}" ] || return 0
	$TM kill-server 2>/dev/null || true
	# kill-server leaves the socket file behind: remove it too.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$(awk '{ print $3 }' <<<"$TM")"
}

screen() {
	$TM capture-pane -p -t t
}

# screen_wait GREPFLAG PATTERN: until the screen matches (at most 5 s).
screen_wait() {
	for _ in $(seq 100); do
		screen | grep -q "$1" -- "$2" && return 0
		sleep 0.05
	done
	echo "screen never showed: $2"
	screen
	return 1
}

# wait_screen TEXT: a fixed string; wait_screen_re REGEX: an extended one.
wait_screen() { screen_wait -F "$1"; }
wait_screen_re() { screen_wait -E "$1"; }

type_keys() {
	$TM send-keys -t t "$@"
}

# The ipcplay started by tmux_start: the pane's shell's child, so another
# ipcplay running on the machine is never taken for it.
pane_ipcplay() {
	pgrep -P "$($TM display-message -p -t t '#{pane_pid}')" -f "^$IPCPLAY"
}
