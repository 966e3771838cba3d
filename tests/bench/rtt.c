/*
 * The baseline for "cost of a step": a raw round trip of one byte between
 * two processes over a SOCK_SEQPACKET socketpair, the same transport the
 * playground's agents use.  Prints nanoseconds per round trip.
 */

#include <sys/socket.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec	a, b;
	int		sv[2], i, n;
	char		c = 'x';
	pid_t		pid;

	n = argc > 1 ? atoi(argv[1]) : 100000;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		return (1);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1)
			if (write(sv[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(sv[1]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			return (1);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
	    (b.tv_nsec - a.tv_nsec)) / n);
	return (0);
}
