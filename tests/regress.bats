#!/usr/bin/env bats
# Bugs found by fuzzing the engine with random scripts (ASan+UBSan),
# pinned so they stay fixed.

load test_helper/common

@test "closing the target of a balance does not leave the balancer pointing at it" {
	# With its only target gone, b stops balancing and keeps the message.
	run -0 ipc -c 'spawn A; channel b unbounded; channel t unbounded
balance b -> t; close t; A send b x; expect b contains x; chan b'
	refute_output --partial 'interposed'
}

@test "closing a channel a blocked multi-send still has to visit ends that send" {
	run -0 ipc -c 'spawn A B; channel c1 bounded 1; channel c2 unbounded
A send c1 full; A send c1,c2 x
expect A blocked send c1
close c2
expect A ready
B recv c1; expect B received full'
	assert_line 'A unblocked: send on c1,c2 failed: channel closed'
}

@test "a poll over a restricted channel and an open one is not a null deadlock helper" {
	run -0 ipc -c 'spawn A B; channel r rendezvous from B to A; channel o rendezvous
A poll r o; expect A blocked poll; expect no deadlock; deadlock; graph'
}
