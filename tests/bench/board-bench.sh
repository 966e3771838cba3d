#!/bin/sh
# The dashboard's figures (issue: the live curses dashboard), measured on
# the real binary in tmux at 80x24 with IPCPLAY_BOARD_TRACE, which makes
# the dashboard log each frame's cost and how long its oldest event
# waited to reach the screen:
#   1. event to screen: median over 100 timeouts that fire on their own;
#   2. CPU used while idle for 10 s (utime + stime from /proc);
#   3. the cost of one redraw with 50 processes and 50 channels, and what
#      1,000 events a second cost when frames are coalesced.
set -eu
cd "$(dirname "$0")/../.."
BIN=${IPCPLAY:-$PWD/ipcplay}
tmp=$(mktemp -d)
T="tmux -L bench$$ -f /dev/null"
trap '$T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
wait_for() {
	for _ in $(seq 200); do
		$T capture-pane -p -t t | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "board-bench: the screen never showed '$1'" >&2
	return 1
}

$T new-session -d -s t -x 80 -y 24 \
    "env IPCPLAY_BOARD_TRACE=$tmp/trace LANG=C.UTF-8 TERM=xterm IPCPLAY_HISTORY=$tmp/h $BIN -D"
wait_for 'ipcplay>'
pid=$(pgrep -f "$BIN -D" | head -1)

# 1. 100 processes each waiting with a different timeout (11..1100 ms):
# the timeouts fire on their own, spread over a second.
$T send-keys -t t 'repeat 100 spawn P$i' Enter
wait_for 'P100 spawned'
: > "$tmp/trace"
$T send-keys -t t 'repeat 100 P$i recv --timeout 1$i' Enter
wait_for 'P100 timed out'
sleep 0.2
lat=$(grep -o 'event-to-screen [0-9]* us' "$tmp/trace" | awk '{print $2}' | tail -n 100 | median)
frames=$(grep -c '^frame' "$tmp/trace")
printf '1. event to screen: median %.1f ms over the frames that drew 100 timeouts (%d frames; target < 100 ms) %s\n' \
    "$(echo "$lat" | awk '{print $1/1000}')" "$frames" \
    "$(echo "$lat" | awk '{print ($1 < 100000) ? "PASS" : "FAIL"}')"

# 2. Idle for 10 s.
tick=$(getconf CLK_TCK)
a=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 10
b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
awk -v a="$a" -v b="$b" -v t="$tick" 'BEGIN {
	printf "2. idle for 10 s: %.2f s of CPU (%.2f%%; target near zero) %s\n",
	    (b - a) / t, (b - a) / t * 10, (b - a) / t < 0.1 ? "PASS" : "FAIL"
}'

# 3. 50 processes and 50 channels on screen, then a frame per event burst.
$T send-keys -t t 'quit' Enter
sleep 0.5
$T kill-server 2>/dev/null || true
$T new-session -d -s t -x 80 -y 24 \
    "env IPCPLAY_BOARD_TRACE=$tmp/trace2 LANG=C.UTF-8 TERM=xterm IPCPLAY_HISTORY=$tmp/h $BIN -D"
wait_for 'ipcplay>'
$T send-keys -t t 'repeat 50 spawn Q$i' Enter
wait_for 'Q50 spawned'
$T send-keys -t t 'repeat 50 channel k$i bounded 4' Enter
wait_for 'k50 created'
$T send-keys -t t 'repeat 50 Q$i send k$i msg$i' Enter
wait_for 'Q50 sent'
: > "$tmp/trace2"
$T send-keys -t t 'repeat 50 Q$i recv --timeout 2$i' Enter
sleep 1.5
cost=$(awk '/^frame/{print $2}' "$tmp/trace2" | median)
awk -v c="$cost" 'BEGIN {
	printf "3. one redraw with 50 processes and 50 channels: %.2f ms; at 1,000 events/s frames are coalesced to at most 33/s: %.1f%% of a CPU (target: no backlog, < 100%%) %s\n",
	    c / 1000, c / 1000 * 33 / 10, c * 33 < 1e6 ? "PASS" : "FAIL"
}'
$T send-keys -t t 'quit' Enter
