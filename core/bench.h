/*
 * What each IPC mechanism costs (spec 9): two real processes ping-pong
 * messages over it, pinned to CPUs, and the mean round trip of a run is
 * measured.  No terminal here; cli/cmd-bench.c prints.
 */

#ifndef IPCCORE_BENCH_H
#define IPCCORE_BENCH_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

enum bench_mech {
	BM_PIPE,
	BM_FIFO,
	BM_SP_STREAM,
	BM_SP_DGRAM,
	BM_SP_SEQPACKET,
	BM_MQ,
	BM_EVENTFD,
	BM_SHM_FUTEX,
	BM_SHM_SPIN,
	BM_BROKER_RDV,
	BM_BROKER_BOUNDED,
	BM__COUNT
};

const char	*bench_mech_name(enum bench_mech);
int		 bench_mech_parse(const char *);
size_t		 bench_copies(enum bench_mech, size_t);
int		 bench_check(enum bench_mech, size_t, char **);
int		 bench_cpus(int *, int *);
int		 bench_pin(pid_t, int);
int		 bench_run(enum bench_mech, size_t, size_t, int, int, double *,
		    bool (*)(void), char **);

#endif
