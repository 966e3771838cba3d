#!/usr/bin/env bats
# ipcplay bench (spec 9): the interface, with a small --count.  No test
# here asserts a time: only that each figure is there and well-formed.

load test_helper/common

@test "bench --json: one line per mechanism, placement and size, with the spec's fields" {
	run -0 --separate-stderr "$IPCPLAY" bench pipe eventfd shm-futex --count 200 --cpu same --size 64,4096 --json
	# (an eventfd carries 8 bytes whatever the size: measured once)
	[ "${#lines[@]}" -eq 5 ]
	run python3 - "$output" <<'PY'
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
keys = {"type", "seq", "mechanism", "cpu", "size", "count", "median_ns", "min_ns", "max_ns", "msgs_per_s", "copies"}
for r in rows:
    assert set(r) == keys, r
    assert r["cpu"] == "same" and r["count"] == 200
    assert r["min_ns"] <= r["median_ns"] <= r["max_ns"] and r["min_ns"] > 0
copies = {(r["mechanism"], r["size"]): r["copies"] for r in rows}
assert copies[("pipe", 64)] == 128 and copies[("pipe", 4096)] == 8192
assert copies[("shm-futex", 4096)] == 4096
assert copies[("eventfd", 8)] == 8          # eventfd ignores --size
print("ok")
PY
	assert_output ok
}

@test "bench prints a table and a bar chart for a person; cross says so when one CPU is all it may use" {
	run -0 --separate-stderr "$IPCPLAY" bench pipe socketpair-seqpacket mq --count 100 --cpu same
	assert_line '64-byte messages, 100 round trips a run, median of 5 runs (min-max):'
	assert_line --regexp '^MECHANISM +CPU +ROUND TRIP +MSGS/S +COPIES$'
	assert_line --regexp '^pipe +same +[0-9.]+ [nmu]s \([0-9.]+ [nmu]s-[0-9.]+ [nmu]s\) +[0-9]+ +128$'
	assert_line --regexp '^mq +same +█+ [0-9.]+ [nmu]s$'
	run -0 --separate-stderr taskset -c 0 "$IPCPLAY" bench pipe --count 100
	[[ "$stderr" == *"--cpu cross is not available: this process may run on one CPU only"* ]]
	refute_line --regexp '^pipe +cross'
}

@test "every kernel mechanism runs, across CPUs too when there are two" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU"
	run -0 --separate-stderr "$IPCPLAY" bench --count 100 --json
	for m in pipe fifo socketpair-stream socketpair-dgram socketpair-seqpacket mq eventfd shm-futex shm-spin; do
		for c in same cross; do
			grep -q "\"mechanism\":\"$m\",\"cpu\":\"$c\"" <<<"$output" ||
			    { echo "no $m $c"; false; }
		done
	done
}

@test "bench: bad input is one line and exit 2" {
	run -2 --separate-stderr "$IPCPLAY" bench pipee
	[[ "$stderr" == *"bench: unknown mechanism 'pipee'; did you mean pipe?"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench --count 0
	[[ "$stderr" == *"--count '0' too small"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench mq --size 100000
	[[ "$stderr" == *"mq: 100000 bytes"*"msgsize_max"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench socketpair-dgram --size 1000000
	[[ "$stderr" == *"more than one unix datagram carries"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench --cpu some
	[[ "$stderr" == *"--cpu 'some': same, cross or both"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench broker-rendezvous --size 70000
	[[ "$stderr" == *"broker-rendezvous: a message is 1 byte to 65536 bytes"* ]]
}

@test "bench broker-rendezvous and broker-bounded time two programs ping-ponging through the broker" {
	run -0 --separate-stderr "$IPCPLAY" bench broker-rendezvous broker-bounded --count 50 --cpu same --json
	assert_line --regexp '^\{"type":"bench","seq":[0-9]+,"mechanism":"broker-rendezvous","cpu":"same","size":64,"count":50,"median_ns":[0-9]+,.*"copies":64\}$'
	assert_line --regexp '"mechanism":"broker-bounded","cpu":"same",.*"copies":128\}$'
	run -0 --separate-stderr "$IPCPLAY" bench broker-rendezvous --count 20000 --cpu same --size 16
	assert_line '16-byte messages, 20000 round trips a run, median of 5 runs (min-max):'
	assert_line '(broker-rendezvous: 10000 round trips a run)'
	assert_line --regexp '^broker-rendezvous +same +[0-9.]+ [nmu]s'
}

@test "bench inside the playground: the same command, and its JSON under --json" {
	run -0 --separate-stderr "$IPCPLAY" -c 'bench eventfd --count 100 --cpu same'
	assert_line --regexp '^eventfd +same +[0-9.]+ [nmu]s'
	run -0 --separate-stderr "$IPCPLAY" --json -c 'bench eventfd --count 100 --cpu same'
	assert_line --regexp '^\{"type":"bench","seq":[0-9]+,"mechanism":"eventfd","cpu":"same","size":8,"count":100,'
	run -1 --separate-stderr "$IPCPLAY" -c 'bench nosuch'
	[[ "$stderr" == *"bench: unexpected 'nosuch' (one of: pipe, fifo,"* ]]
}

@test "with several sizes, a table has a column per size" {
	run -0 --separate-stderr "$IPCPLAY" bench pipe shm-futex --size 64,65536 --count 100 --cpu same
	assert_line 'round trip by message size:'
	assert_line --regexp '^MECHANISM +CPU +64 B +65536 B$'
	assert_line --regexp '^shm-futex +same +[0-9.]+ [nmu]s +[0-9.]+ [nmu]s$'
}

@test "found by review: sizes given twice or empty, a size one default mechanism cannot carry, a child killed mid-run" {
	run -2 --separate-stderr "$IPCPLAY" bench pipe --size 64,64
	[[ "$stderr" == *"--size: '64' is given twice"* ]]
	run -2 --separate-stderr "$IPCPLAY" bench pipe --size 64,
	[[ "$stderr" == *"--size: '' is not a number of bytes"* ]]
	# The default list: mq cannot carry 65536 bytes; its row says so.
	run -0 --separate-stderr "$IPCPLAY" bench --size 65536 --count 20 --cpu same
	assert_line --regexp '^mq +same +mq: 65536 bytes: .*msgsize_max\)$'
	assert_line --regexp '^pipe +same +[0-9.]+ [nmu]s'
	# A child killed from outside: an error line, exit 1, no hang.
	out="$BATS_TEST_TMPDIR/out"
	"$IPCPLAY" bench pipe --count 100000000 --cpu same --json > "$out" 2>/dev/null &
	bg=$!
	# The bench's child is the newest process with this command line.
	pat='bench pipe --count 100000000 --cpu same'
	for _ in $(seq 100); do
		[ "$(pgrep -c -f "$pat")" -ge 2 ] && break
		sleep 0.05
	done
	kid=$(pgrep -n -f "$pat")
	parent=$(ps -o ppid= -p "$kid" | tr -d ' ')
	kill -9 "$kid"
	for _ in $(seq 100); do kill -0 "$parent" 2>/dev/null || break; sleep 0.05; done
	never kill -0 "$parent" 2>/dev/null
	rc=0
	wait "$bg" || rc=$?
	[ "$rc" -eq 1 ]
	grep -Eq '"type":"error","seq":[0-9]+,"mechanism":"pipe","cpu":"same","size":64,"error":"pipe: the other process died"' "$out" || { cat "$out"; false; }
}
