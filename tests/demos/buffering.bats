#!/usr/bin/env bats
# Buffering, one scenario per mode: who blocks, and when.

load ../test_helper/common

@test "unbounded: the sender never blocks; the buffer grows" {
	run -0 ipc -c 'spawn P C; channel u unbounded from P to C
repeat 5 P send u "m$i"
expect P ready; expect u holds 5
C recv u; expect C received m1'
	assert_line 'P sent "m5" on u [u 5]'
	refute_output --partial blocked
}

@test "unbounded: past max= the send fails with out of memory and nothing is stored" {
	run -1 ipc -c 'spawn P; channel u unbounded max=8; P send u 12345; P send u 6789; expect u contains 12345'
	assert_line 'P send on u failed: out of memory'
}

@test "bounded: the sender blocks on a full buffer and wakes when a receiver takes one" {
	run -0 ipc -c 'spawn P C; channel b bounded 2 from P to C
P send b 1; P send b 2
expect P ready
P send b 3
expect P blocked send b
expect b contains 1 2
C recv b
expect C received 1
expect P ready
expect b contains 2 3'
	assert_line 'P blocked: send on b (full 2/2)'
	assert_line 'C received "1" from b [b 1/2]'
	assert_line 'P unblocked: sent "3" on b [b 2/2]'
}

@test "bounded: the receiver blocks on an empty buffer and wakes when a sender puts one" {
	run -0 ipc -c 'spawn P C; channel b bounded 2 from P to C
C recv b
expect C blocked recv b
P send b hi
expect C received hi'
	assert_line 'C blocked: recv on b (empty)'
	assert_line 'C unblocked: received "hi" from b [b 0/2]'
}

@test "bounded: waiting senders are served in FIFO order" {
	run -0 ipc -c 'spawn P Q R C; channel b bounded 1
P send b p; Q send b q; R send b r
expect Q blocked; expect R blocked
C recv b; expect C received p; expect b contains q
C recv b; expect C received q; expect b contains r'
}

@test "register: send never blocks and overwrites; recv reads the latest without consuming it" {
	run -0 ipc -c 'spawn W R; channel reg register
R recv reg --timeout 50
W send reg v1; W send reg v2; W send reg v3
R recv reg; expect R received v3
R recv reg; expect R received v3
expect reg holds 1'
	assert_line 'R blocked: recv on reg (never written), timeout 50 ms'
	assert_line 'R unblocked: received "v1" from reg [reg version 1]'
	assert_line 'R received "v3" from reg [reg version 3, missed 1]'
}

@test "rendezvous: the sender blocks until a receiver comes; both finish in one step" {
	run -0 ipc -c 'spawn P C; channel r rendezvous from P to C
P send r hi
expect P blocked send r
expect r holds 0
C recv r
expect P ready; expect C received hi'
	assert_line 'P blocked: send on r (no receiver waiting)'
	assert_line 'C received "hi" from r'
	assert_line 'P unblocked: sent "hi" on r'
}

@test "rendezvous: the receiver blocks until a sender comes" {
	run -0 ipc -c 'spawn P C; channel r rendezvous from P to C
C recv r; expect C blocked recv r
P send r yo; expect P ready; expect C received yo'
	assert_line 'C blocked: recv on r (no sender waiting)'
	assert_line 'P sent "yo" on r'
	assert_line 'C unblocked: received "yo" from r'
}

@test "mailbox: anyone sends to @B, only B receives" {
	run -0 ipc -c 'spawn A B C; A send @B from-a; C send @B from-c
B recv; expect B received from-a
A recv @B; expect error
B recv @B; expect B received from-c'
	assert_line 'A recv on @B failed: permission denied'
}

@test "a blocked process is really asleep in the kernel (S in /proc)" {
	run -0 ipc -c 'spawn A; channel c rendezvous; A recv c; ps'
	assert_output --regexp 'A +[0-9]+ +blocked +recv c +S \(sleeping\)'
}
