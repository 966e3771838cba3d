/*
 * The baseline for "cost of a step": a raw round trip of one byte between
 * two processes over a SOCK_SEQPACKET socketpair, the same transport the
 * playground's agents use; with "pipe" as the second argument, over two
 * pipes (the baseline of a kernel pipe channel's step).  Prints
 * nanoseconds per round trip.
 */

#include <sys/socket.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec	a, b;
	int		sv[2], p1[2], p2[2], i, n, to, from, cto, cfrom;
	char		c = 'x';
	pid_t		pid;

	n = argc > 1 ? atoi(argv[1]) : 100000;
	if (argc > 2 && strcmp(argv[2], "pipe") == 0) {
		if (pipe(p1) == -1 || pipe(p2) == -1)
			return (1);
		to = p1[1];
		cfrom = p1[0];
		cto = p2[1];
		from = p2[0];
	} else {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
			return (1);
		to = from = sv[0];
		cto = cfrom = sv[1];
	}
	if ((pid = fork()) == 0) {
		close(to);
		close(from);
		while (read(cfrom, &c, 1) == 1)
			if (write(cto, &c, 1) != 1)
				break;
		_exit(0);
	}
	close(cto);
	close(cfrom);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
			return (1);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(to);
	close(from);
	waitpid(pid, NULL, 0);
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
	    (b.tv_nsec - a.tv_nsec)) / n);
	return (0);
}
