#!/usr/bin/env bats
# The JSON event contract of spec section 5: every line one object, seq
# 1, 2, 3 ..., and the field names each event type promises.

load test_helper/common

script='spawn A B C
channel c bounded 1 from A to B
channel r rendezvous
channel l unbounded delivery=lossy drop=0.5 dup=0.5 reorder=0.5
channel k unbounded format=cap
tap c
A send c hi; A send c yo
B recv c; B recv c
B poll c -n
C recv r --timeout 5; sleep 20
repeat 6 A send l "m$i"
A send c,l x
A signal B; B mask USR1; A signal B; B unmask USR1
A send nowhere x
expect error
say hello
expect A ready
A send r x -n
kill C
ps; channels; status; stats; graph; trace 2; chan c; deadlock
B exit 4'

@test "every line is a JSON object with type and seq 1, 2, 3 ... and the spec's fields" {
	run -0 --separate-stderr ipc --json --seed 3 -c "$script"
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/events.json"
	run python3 - "$BATS_TEST_TMPDIR/events.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["seq"] for e in ev] == list(range(1, len(ev) + 1)), "seq"
need = {
  "spawn": {"proc", "pid"},
  "channel": {"chan", "buffering", "capacity", "format", "delivery"},
  "send": {"proc", "chan", "msg", "status", "size", "fill", "capacity"},
  "recv": {"proc", "chan", "status", "size", "fill", "capacity"},
  "poll": {"proc", "chans", "status", "ready"},
  "unblock": {"proc", "op", "chan", "size", "status"},
  "drop": {"chan", "msg"}, "dup": {"chan", "msg"}, "reorder": {"chan", "msg"},
  "signal": {"from", "proc", "signal", "status"},
  "caught": {"proc", "signal", "from"},
  "exit": {"proc"},
  "tap": {"chan", "from", "to", "msg"},
  "note": {"text"}, "say": {"text"},
  "expect": {"status", "text"},
  "error": {"message", "file", "line"},
  "ps": {"procs"}, "channels": {"chans"}, "status": {"procs", "chans"},
  "stats": {"chans"}, "graph": {"edges", "dot"}, "trace": {"events"},
  "chan": {"info"},
}
seen = set()
for e in ev:
    t = e["type"]
    seen.add(t)
    if t in need:
        missing = need[t] - set(e)
        assert not missing, (t, missing, e)
    if "status" in e and t not in ("expect", "status"):
        assert e["status"] in ("ok", "blocked", "would_block", "timeout", "error"), e
        if e["status"] == "error":
            assert e["error"], e
    if t == "exit":
        assert ("code" in e) != ("signal" in e), e
for t in ("spawn", "channel", "send", "recv", "poll", "unblock", "drop", "dup",
          "signal", "caught", "exit", "tap", "note", "say", "expect", "error",
          "ps", "channels", "status", "stats", "graph", "trace", "chan"):
    assert t in seen, "no %s event" % t
multi = [e for e in ev if e["type"] == "send" and e["chan"] == "c,l"]
assert multi and multi[0]["chans"] == ["c", "l"], multi
cap = {e["chan"]: e["capacity"] for e in ev if e["type"] == "channel"}
assert cap == {"c": 1, "r": 0, "l": None, "k": None}, cap
ex = [e for e in ev if e["type"] == "exit" and e["proc"] == "B"]
assert ex[0]["code"] == 4, ex
ex = [e for e in ev if e["type"] == "exit" and e["proc"] == "C"]
assert ex[0]["signal"] == "TERM", ex
print("ok")
PY
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "an error event goes to stdout under --json and the message still goes to stderr" {
	run -1 --separate-stderr ipc --json -c 'spawn A
A send nowhere x'
	[ "$stderr" = 'ipcplay: -c:2: A send nowhere: no such channel' ]
	assert_line --partial '"type":"send","seq":2,"proc":"A","chan":"nowhere","msg":"x"'
	assert_line --partial '"status":"error","error":"no such channel"'
	assert_line '{"type":"error","seq":3,"message":"A send nowhere: no such channel","file":"-c","line":2}'
}

@test "each error reason of the spec can be produced" {
	run -1 ipc --json -c 'spawn A B; channel c unbounded from B; channel f unbounded format=fixed:2
channel m unbounded max=2; channel x rendezvous to B; channel t unbounded; filter t "^a"
channel q rendezvous from B to A
A send c x; A send nope x; A send f abc; A recv @B; A send m abc; A send t b
A recv q --timeout 1000; close q
B recv x; A send x y; kill B; A send x z
channel e unbounded from B; A recv e'
	for reason in 'permission denied' 'no such channel' 'message too long' \
	    'out of memory' 'rejected by filter' 'channel closed' 'broken channel' \
	    'end of channel' 'process is blocked'; do
		if [ "$reason" = 'process is blocked' ]; then
			run -1 ipc --json -c 'spawn A; A recv; A recv'
		fi
		printf '%s\n' "$output" | grep -q "\"error\":\"$reason\"" ||
		    { echo "no event with error '$reason'"; false; }
	done
}
