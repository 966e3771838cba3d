/*
 * The yardstick for "ipcplay bench": the simplest correct ping-pong of
 * one mechanism, with nothing of ipcplay in it.  Prints the mean round
 * trip in nanoseconds of COUNT round trips after a warm-up.
 *
 *   mini MECH SIZE COUNT CPU_PARENT CPU_CHILD
 *
 * MECH: pipe fifo socketpair-stream socketpair-dgram socketpair-seqpacket
 * mq eventfd shm-futex shm-spin.
 */

#define _GNU_SOURCE
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *mech;
static size_t	size;
static int	to_child[2], to_parent[2];	/* pipes, sockets, eventfds */
static mqd_t	mq_ping, mq_pong;
static uint32_t	*turn;
static char	*buf;

static void
pin(int cpu)
{
	cpu_set_t	set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void
all(int fd, char *p, size_t n, int wr)
{
	ssize_t	r;

	while (n > 0) {
		r = wr ? write(fd, p, n) : read(fd, p, n);
		if (r <= 0)
			exit(1);
		p += r;
		n -= (size_t)r;
	}
}

static void
msg(int parent, int out)
{
	static unsigned	spins;
	uint64_t	v = 1;
	uint32_t	want;
	int		spin;

	if (strcmp(mech, "mq") == 0 && out) {
		if (mq_send(parent ? mq_ping : mq_pong, buf, size, 0) == -1)
			exit(1);
	} else if (strcmp(mech, "mq") == 0) {
		if (mq_receive(parent ? mq_pong : mq_ping, buf, size, NULL) !=
		    (ssize_t)size)
			exit(1);
	} else if (strcmp(mech, "eventfd") == 0) {
		if ((out ? write(parent ? to_child[0] : to_parent[0], &v, 8) :
		    read(parent ? to_parent[0] : to_child[0], &v, 8)) != 8)
			exit(1);
	} else if (strncmp(mech, "shm-", 4) == 0) {
		spin = strcmp(mech, "shm-spin") == 0;
		if (out) {
			memcpy((char *)(turn + 16), buf, size);
			__atomic_store_n(turn, parent ? 1 : 0,
			    __ATOMIC_RELEASE);
			if (!spin)
				syscall(SYS_futex, turn, FUTEX_WAKE, 1, NULL,
				    NULL, 0);
		} else {
			want = parent ? 0 : 1;
			while ((v = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) !=
			    want) {
				if (!spin)
					syscall(SYS_futex, turn, FUTEX_WAIT,
					    (uint32_t)v, NULL, NULL, 0);
				else if (++spins % 1024 == 0)
					sched_yield();
				else
					__builtin_ia32_pause();
			}
		}
	} else if (strcmp(mech, "pipe") == 0 || strcmp(mech, "fifo") == 0) {
		all(out ? (parent ? to_child[1] : to_parent[1]) :
		    (parent ? to_parent[0] : to_child[0]), buf, size, out);
	} else if (strcmp(mech, "socketpair-stream") == 0) {
		all(parent ? to_child[0] : to_child[1], buf, size, out);
	} else {
		if ((out ? send(parent ? to_child[0] : to_child[1], buf, size,
		    0) : recv(parent ? to_child[0] : to_child[1], buf, size,
		    0)) != (ssize_t)size)
			exit(1);
	}
}

int
main(int argc, char *argv[])
{
	struct mq_attr	 a = { 0, 1, 0, 0, { 0 } };
	struct timespec	 t0, t1;
	long		 count, warm, i;
	pid_t		 pid;

	if (argc != 6)
		return (2);
	mech = argv[1];
	size = strtoul(argv[2], NULL, 10);
	count = atol(argv[3]);
	warm = count / 10 < 10 ? 10 : count / 10 > 1000 ? 1000 : count / 10;
	buf = calloc(1, size);
	if (strcmp(mech, "pipe") == 0) {
		pipe(to_child);
		pipe(to_parent);
	} else if (strncmp(mech, "socketpair-", 11) == 0) {
		socketpair(AF_UNIX, strcmp(mech + 11, "stream") == 0 ?
		    SOCK_STREAM : strcmp(mech + 11, "dgram") == 0 ?
		    SOCK_DGRAM : SOCK_SEQPACKET, 0, to_child);
	} else if (strcmp(mech, "mq") == 0) {
		a.mq_msgsize = (long)size;
		mq_ping = mq_open("/mini-ping", O_RDWR | O_CREAT, 0600, &a);
		mq_pong = mq_open("/mini-pong", O_RDWR | O_CREAT, 0600, &a);
		mq_unlink("/mini-ping");
		mq_unlink("/mini-pong");
	} else if (strcmp(mech, "eventfd") == 0) {
		to_child[0] = eventfd(0, 0);
		to_parent[0] = eventfd(0, 0);
	} else if (strcmp(mech, "fifo") == 0) {
		mkfifo("/tmp/mini-ping", 0600);
		mkfifo("/tmp/mini-pong", 0600);
		to_child[0] = to_child[1] = open("/tmp/mini-ping", O_RDWR);
		to_parent[0] = to_parent[1] = open("/tmp/mini-pong", O_RDWR);
		unlink("/tmp/mini-ping");
		unlink("/tmp/mini-pong");
	} else if (strncmp(mech, "shm-", 4) == 0) {
		turn = mmap(NULL, 64 + size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	} else
		return (2);
	if ((pid = fork()) == 0) {
		pin(atoi(argv[5]));
		for (i = 0; i < warm + count; i++) {
			msg(0, 0);
			msg(0, 1);
		}
		_exit(0);
	}
	pin(atoi(argv[4]));
	for (i = 0; i < warm + count; i++) {
		if (i == warm)
			clock_gettime(CLOCK_MONOTONIC, &t0);
		msg(1, 1);
		msg(1, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waitpid(pid, NULL, 0);
	printf("%.0f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 +
	    (t1.tv_nsec - t0.tv_nsec)) / count);
	return (0);
}
