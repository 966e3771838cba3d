#!/bin/sh
# The engine's performance figures (issue: the engine), measured in one
# run, pinned to one CPU, each the median of 5 repeats:
#   1. the cost of one send/recv command in a 10,000-command batch script,
#      as a ratio to a raw socketpair round trip measured alongside;
#   2. scale: spawning N processes, creating 2N channels and detecting the
#      deadlock of an N-process ring, for N = 100, 200, 400 (time per
#      extra "deadlock" check shows the check itself is linear);
#   3. a whole 10,000-command batch script;
#   4. the same step on a kernel pipe channel (the processes make the
#      write(2) and read(2) themselves), as a ratio to a raw round trip
#      over two pipes, and beside the modeled bounded step of 1;
#   5. "ipcplay bench" for each kernel mechanism against the simplest C
#      ping-pong of it (tests/bench/mini.c), same CPU and across CPUs;
#   6. programs running free, modeled and kernel, against raw;
#   7. msc of a 10,000-event session;
#   8. explore: five philosophers searched to the end;
#   9. the classroom: 30 students attached, 100 commands each.
set -eu
cd "$(dirname "$0")/../.."
BIN=${IPCPLAY:-./ipcplay}
CPU=${BENCH_CPU:-0}
REPEAT=5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p build/bench
cc -O2 -o build/bench/rtt tests/bench/rtt.c
PIN="taskset -c $CPU"
command -v taskset >/dev/null || PIN=

# now_ns: a monotonic clock in nanoseconds.
now_ns() { date +%s%N; }

# time_ns CMD...: wall time of one run, in ns.
time_ns() {
	t0=$(now_ns)
	"$@" >/dev/null 2>&1
	t1=$(now_ns)
	echo $((t1 - t0))
}

# median: the middle line of numbers on stdin.
median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

# 1 and 3: the step script and its empty twin.
{
	echo 'spawn A B'
	echo 'channel c1 bounded 1 from A to B'
} > "$tmp/empty.ipc"
cp "$tmp/empty.ipc" "$tmp/steps.ipc"
i=0
while [ $i -lt 5000 ]; do
	echo 'A send c1 x'
	echo 'B recv c1'
	i=$((i + 1))
done >> "$tmp/steps.ipc"

rtt=$(for _ in $(seq $REPEAT); do $PIN build/bench/rtt 200000; done | median)
full=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/steps.ipc"; done | median)
empty=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/empty.ipc"; done | median)
step=$(( (full - empty) / 10000 ))

awk -v s="$step" -v r="$rtt" 'BEGIN {
	ratio = s / r
	printf "1. step: %.2f us per send/recv command; socketpair round trip %.2f us; ratio %.2fx (target <= 4x) %s\n",
	    s / 1000, r / 1000, ratio, ratio <= 4 ? "PASS" : "FAIL"
}'

# 2: scale.
ring() {
	n=$1; checks=$2
	printf 'spawn'
	i=0; while [ $i -lt "$n" ]; do printf ' P%d' $i; i=$((i + 1)); done
	echo
	i=0; while [ $i -lt "$n" ]; do
		echo "channel c$i rendezvous from P$i to P$(( (i + 1) % n ))"
		echo "channel d$i unbounded"
		i=$((i + 1))
	done
	i=0; while [ $i -lt "$n" ]; do echo "P$i send c$i x"; i=$((i + 1)); done
	i=0; while [ $i -lt "$checks" ]; do echo deadlock; i=$((i + 1)); done
}
for n in 100 200 400; do
	ring $n 0 > "$tmp/ring$n.ipc"
	ring $n 300 > "$tmp/ring$n-checks.ipc"
	base=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/ring$n.ipc"; done | median)
	more=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/ring$n-checks.ipc"; done | median)
	eval "base$n=$base; check$n=$(( (more - base) / 300 ))"
done
awk -v b100="$base100" -v b200="$base200" -v b400="$base400" \
    -v c100="$check100" -v c200="$check200" -v c400="$check400" 'BEGIN {
	printf "2. scale: spawn N, 2N channels, deadlock of an N-ring: N=100 %.0f ms, N=200 %.0f ms, N=400 %.0f ms (target N=200 < 1000 ms) %s\n",
	    b100 / 1e6, b200 / 1e6, b400 / 1e6, b200 < 1e9 ? "PASS" : "FAIL"
	printf "   deadlock check (per extra \"deadlock\" command of 300, printing included): N=100 %.2f ms, N=200 %.2f ms, N=400 %.2f ms; 400/200 = %.2f (linear: about 2) (target N=200 < 5 ms) %s\n",
	    c100 / 1e6, c200 / 1e6, c400 / 1e6, c400 / c200, c200 < 5e6 ? "PASS" : "FAIL"
}'

# 4: a kernel pipe's step, against a raw pipe round trip.
{
	echo 'spawn A B'
	echo 'channel p pipe from A to B'
} > "$tmp/kempty.ipc"
cp "$tmp/kempty.ipc" "$tmp/ksteps.ipc"
i=0
while [ $i -lt 5000 ]; do
	echo 'A send p x'
	echo 'B recv p'
	i=$((i + 1))
done >> "$tmp/ksteps.ipc"
prtt=$(for _ in $(seq $REPEAT); do $PIN build/bench/rtt 200000 pipe; done | median)
kfull=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/ksteps.ipc"; done | median)
kempty=$(for _ in $(seq $REPEAT); do time_ns $PIN "$BIN" "$tmp/kempty.ipc"; done | median)
kstep=$(( (kfull - kempty) / 10000 ))
awk -v k="$kstep" -v r="$prtt" -v s="$step" 'BEGIN {
	ratio = k / r
	printf "4. kernel pipe step: %.2f us per send/recv command (modeled bounded: %.2f us); raw pipe round trip %.2f us; ratio %.2fx (target <= 4x) %s\n",
	    k / 1000, s / 1000, r / 1000, ratio, ratio <= 4 ? "PASS" : "FAIL"
}'

# 5: ipcplay bench against the simplest C ping-pong of each mechanism
# (tests/bench/mini.c), same CPU and across CPUs.  Across CPUs a virtual
# machine's figures drift by 10 % from one run to the next, so the two
# are measured in turns, five times: each turn is one "ipcplay bench"
# (its median of 5 runs) and five mini runs (their median), and the
# figures compared are the medians of the five turns.
cc -O2 -o build/bench/mini tests/bench/mini.c
ncpu=$(nproc)
cpu2=$(( (CPU + 1) % ncpu ))
TWO="taskset -c $CPU,$cpu2"
command -v taskset >/dev/null || TWO=
for place in same cross; do
	[ "$place" = cross ] && [ "$ncpu" -lt 2 ] && continue
	c2=$CPU
	n=20000
	if [ "$place" = cross ]; then c2=$cpu2; n=5000; fi
	for m in pipe fifo socketpair-stream socketpair-dgram socketpair-seqpacket mq eventfd shm-futex shm-spin; do
		: > "$tmp/mini" ; : > "$tmp/ours"
		for _ in $(seq $REPEAT); do
			for _ in $(seq $REPEAT); do build/bench/mini $m 64 $n "$CPU" "$c2"; done |
			    median >> "$tmp/mini"
			# On the same two CPUs as mini: the first two it may use.
			$TWO "$BIN" bench $m --count $n --cpu $place --json |
			    sed 's/.*"median_ns":\([0-9]*\).*/\1/' >> "$tmp/ours"
		done
		mini=$(median < "$tmp/mini")
		ours=$(median < "$tmp/ours")
		awk -v m="$m" -v p="$place" -v a="$ours" -v b="$mini" 'BEGIN {
			r = a / b
			printf "5. bench %-21s %-5s ipcplay %8.2f us, minimal C %8.2f us, ratio %.2f (target within 10%%) %s\n",
			    m, p, a / 1000, b / 1000, r, (r >= 0.9 && r <= 1.1) ? "PASS" : "FAIL"
		}'
	done
done

# 6: programs running free (spec 10): a ping-pong of two programs over
# modeled rendezvous channels (ipcplay bench broker-rendezvous) and over
# a kernel socketpair seqpacket, against a raw socketpair seqpacket round
# trip (mini) measured in the same run.  Targets: modeled <= 3x raw on one
# CPU and <= 1.5x across; kernel within 1.5x of raw on both.
cat > "$tmp/kfree.ipc" <<'EOS'
spawn A B
channel sp socketpair seqpacket between A B
program ping { loop; send sp x --size 64; recv sp; end }
program pong { loop; recv sp; send sp y --size 64; end }
A run ping; B run pong
EOS
for place in same cross; do
	[ "$place" = cross ] && [ "$ncpu" -lt 2 ] && continue
	c2=$CPU
	[ "$place" = cross ] && c2=$cpu2
	raw=$(for _ in $(seq $REPEAT); do build/bench/mini socketpair-seqpacket 64 5000 "$CPU" "$c2"; done | median)
	brk=$($TWO "$BIN" bench broker-rendezvous --count 5000 --cpu $place --json |
	    sed 's/.*"median_ns":\([0-9]*\).*/\1/')
	awk -v p="$place" -v a="$brk" -v b="$raw" 'BEGIN {
		r = a / b; t = p == "same" ? 3 : 1.5
		printf "6. free run, modeled rendezvous %-5s %8.2f us a round trip, raw socketpair %8.2f us, ratio %.2fx (target <= %sx) %s\n",
		    p, a / 1000, b / 1000, r, t, r <= t ? "PASS" : "FAIL"
	}'
done
# The kernel channel: 4 steps a round trip, unpinned processes inside
# the one CPU the whole playground is pinned to.
kf() { $PIN "$BIN" -c "$(cat "$tmp/kfree.ipc")
run --steps $1" | sed -n 's/^run: [0-9]* steps in \([0-9]*\) ms.*/\1/p'; }
k0=$(for _ in $(seq $REPEAT); do kf 400; done | median)
k1=$(for _ in $(seq $REPEAT); do kf 20400; done | median)
raw=$(for _ in $(seq $REPEAT); do build/bench/mini socketpair-seqpacket 64 5000 "$CPU" "$CPU"; done | median)
awk -v a="$k0" -v b="$k1" -v r="$raw" 'BEGIN {
	rt = (b - a) * 1e6 / 5000
	printf "6. free run, kernel socketpair seqpacket same  %8.2f us a round trip, raw socketpair %8.2f us, ratio %.2fx (target <= 1.5x) %s\n",
	    rt / 1000, r / 1000, rt / r, rt / r <= 1.5 ? "PASS" : "FAIL"
}'

# 7: pictures (spec 12): msc of a 10,000-event session (5,000 sends, then
# 5,000 receives, each arrow from a row far above), drawn ten times for a
# terminal and written ten times as SVG, against the same session without
# the charts, in the same run.  Target: under 100 ms a chart.
{
	echo 'spawn A B'
	echo 'channel c unbounded'
	echo 'repeat 5000 A send c m$i'
	echo 'repeat 5000 B recv c'
} > "$tmp/msc0.ipc"
{
	cat "$tmp/msc0.ipc"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		echo 'msc'
		echo "msc --svg $tmp/chart.svg"
	done
} > "$tmp/msc1.ipc"
m0=$(for _ in $(seq $REPEAT); do time_ns env COLUMNS=100 $PIN "$BIN" "$tmp/msc0.ipc"; done | median)
m1=$(for _ in $(seq $REPEAT); do time_ns env COLUMNS=100 $PIN "$BIN" "$tmp/msc1.ipc"; done | median)
awk -v a="$m0" -v b="$m1" 'BEGIN {
	d = (b - a) / 20
	printf "7. msc of a 10,000-event session: %.1f ms a chart (terminal or SVG); the session itself %.0f ms, ratio %.3f (target < 100 ms) %s\n",
	    d / 1e6, a / 1e6, d / a, d < 1e8 ? "PASS" : "FAIL"
}'

# 8: explore (spec 11): five dining philosophers, one taking the right
# fork first, searched to the end with and without partial-order
# reduction (sleep sets: the same states, fewer steps tried); the time
# explore reports (median of 5), its states, steps tried and states a
# second.  Target: under 1 s.
{
	echo 'spawn P0 P1 P2 P3 P4'
	for i in 0 1 2 3 4; do
		echo "channel f$i bounded 1"
		echo "P$i send f$i fork"
	done
	for i in 0 1 2 3; do
		echo "program left$i { loop; recv f$i; recv f$((i + 1)); send f$i fork; send f$((i + 1)) fork; end }"
		echo "P$i run left$i"
	done
	echo 'program right4 { loop; recv f0; recv f4; send f4 fork; send f0 fork; end }'
	echo 'P4 run right4'
} > "$tmp/phil.ipc"
for how in reduced full; do
	opt=
	[ "$how" = full ] && opt=--full
	for _ in $(seq $REPEAT); do
		$PIN "$BIN" -c "$(cat "$tmp/phil.ipc")
explore $opt" | sed 's/\([0-9]\),\([0-9]\)/\1\2/g' | sed -n 's/^explore: no deadlock in all \([0-9]*\) states (\([0-9]*\) steps tried, \([0-9]*\) ms)$/\3 \1 \2/p'
	done | sort -n | awk 'NR == 3' > "$tmp/explore-$how"
done
read -r rms rstates rtried < "$tmp/explore-reduced"
read -r fms fstates ftried < "$tmp/explore-full"
awk -v a="$rms" -v n="$rstates" -v t="$rtried" -v b="$fms" -v f="$fstates" -v u="$ftried" 'BEGIN {
	printf "8. explore, five philosophers fixed, to the end: %d ms, %d states, %d steps tried (%.0f states/s); without reduction %d ms, %d states, %d steps tried; time ratio %.2f (target < 1000 ms) %s\n",
	    a, n, t, n * 1000 / (a > 0 ? a : 1), b, f, u, a / (b > 0 ? b : 1), a < 1000 ? "PASS" : "FAIL"
}'

# 9: the classroom (spec 13): 30 students attached over a Unix socket, each
# sending 100 commands (a send and a recv on a channel of their own, at
# attach's own pace from a file, 18 a second), the server pinned to one
# CPU and the students to another.  From the server's trace: every
# command answered, the median time from a line's arrival to its answer
# (against the same command in a batch script, figure 1's step, measured
# above), and the longest round of the server's loop spent busy.
# Targets: all answered, no round over 10 ms.
CPU2=$(( (CPU + 1) % $(nproc) ))
PIN2="taskset -c $CPU2"
[ -n "$PIN" ] || PIN2=
mkfifo "$tmp/teacher"
IPCPLAY_SERVE_TRACE="$tmp/serve.trace" $PIN "$BIN" serve \
    --socket "$tmp/class.sock" <"$tmp/teacher" >"$tmp/serve.out" 2>&1 &
srv=$!
exec 9>"$tmp/teacher"
for _ in $(seq 100); do
	[ -S "$tmp/class.sock" ] && break
	sleep 0.05
done
i=1
while [ $i -le 30 ]; do
	echo "channel c$i unbounded" >&9
	k=0
	while [ $k -lt 50 ]; do
		echo "send c$i x"
		echo "recv c$i"
		k=$((k + 1))
	done > "$tmp/s$i.in"
	i=$((i + 1))
done
echo 'say ready' >&9
for _ in $(seq 100); do
	grep -q '^ready' "$tmp/serve.out" && break
	sleep 0.05
done
: > "$tmp/serve.trace"
pids=
i=1
while [ $i -le 30 ]; do
	$PIN2 "$BIN" attach "$tmp/class.sock" --as "s$i" <"$tmp/s$i.in" \
	    >/dev/null 2>>"$tmp/students.err" &
	pids="$pids $!"
	i=$((i + 1))
done
bad=0
for p in $pids; do
	wait "$p" || bad=$((bad + 1))
done
exec 9>&-
wait "$srv" || true
answered=$(grep -c '^cmd ' "$tmp/serve.trace" || true)
lat=$(sed -n 's/^cmd //p' "$tmp/serve.trace" | median)
# The longest round by the clock, and the server's own CPU time in it (a
# round longer than its CPU time waited for a process or for the CPU).
read -r busy bcpu <<EOB
$(sed -n 's/^busy //p' "$tmp/serve.trace" | sort -n | tail -1)
EOB
awk -v n="$answered" -v bad="$bad" -v l="$lat" -v s="$step" -v b="$busy" -v c="$bcpu" 'BEGIN {
	printf "9. classroom, 30 students x 100 commands: %d of 3000 answered (%d students saw an error); median %.0f us from a line'"'"'s arrival to its answer, a batch command %.1f us: ratio %.2f; longest busy round of the loop %.2f ms (the server'"'"'s CPU in it %.2f ms) (target: all answered, < 10 ms) %s\n",
	    n, bad, l, s / 1e3, l * 1e3 / s, b / 1e3, c / 1e3, n == 3000 && bad == 0 && b < 10000 ? "PASS" : "FAIL"
}'

# 3: the whole script.
awk -v f="$full" 'BEGIN {
	printf "3. a 10,000-command batch script: %.2f s (target < 5 s) %s\n",
	    f / 1e9, f < 5e9 ? "PASS" : "FAIL"
}'
