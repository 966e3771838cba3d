/*
 * The costs of IPC, measured (spec 9).  A run forks a child; parent and
 * child are pinned to their CPUs and ping-pong SIZE-byte messages COUNT
 * times over the mechanism, after a short warm-up; the run's result is
 * the mean round trip.  Each mechanism is used the simplest correct way,
 * as a minimal C program would (tests/bench/mini.c is one, and make
 * bench compares the two).
 */

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipccore.h"
#include "bench.h"

static const char *const mech_names[BM__COUNT] = {
	"pipe", "fifo", "socketpair-stream", "socketpair-dgram",
	"socketpair-seqpacket", "mq", "eventfd", "shm-futex", "shm-spin",
	"broker-rendezvous", "broker-bounded"
};

const char *
bench_mech_name(enum bench_mech m)
{
	return ((size_t)m < BM__COUNT ? mech_names[m] : "?");
}

int
bench_mech_parse(const char *s)
{
	int	i;

	for (i = 0; i < BM__COUNT; i++) {
		if (strcmp(mech_names[i], s) == 0)
			return (i);
	}
	return (-1);
}

/* Payload bytes copied per message, as spec 9 counts them. */
size_t
bench_copies(enum bench_mech m, size_t size)
{
	switch (m) {
	case BM_EVENTFD:
		return (8);
	case BM_SHM_FUTEX:
	case BM_SHM_SPIN:
		return (size);		/* the one store into the region */
	/* The broker's copies as its channels count them (spec 3). */
	case BM_BROKER_RDV:
		return (size <= RDV_REG_BYTES ? 0 : size);	/* a hand-off */
	case BM_BROKER_BOUNDED:
		return (2 * size);	/* into the buffer and out */
	default:
		return (2 * size);	/* into the kernel's buffer and out */
	}
}

/* The two endpoints of a run, and the shared page of shm-*. */
struct bpair {
	enum bench_mech	 m;
	size_t		 size;
	int		 p_out, p_in;	/* the parent's */
	int		 c_out, c_in;	/* the child's */
	struct bshm {
		uint32_t	 turn;		/* 1: the child's turn */
		uint32_t	 pad[15];	/* a cache line to itself */
		unsigned char	 data[];
	}		*shm;
	size_t		 shmlen;
};

/* Can the mechanism carry SIZE-byte messages at all?  0, or a cause. */
int
bench_check(enum bench_mech m, size_t size, char **cause)
{
	struct mq_attr	 a;
	char		 name[64];
	int		 sv[2];
	mqd_t		 q;
	void		*buf;
	ssize_t		 n;

	if (m == BM_BROKER_RDV || m == BM_BROKER_BOUNDED) {
		/* Two programs in a playground (cli/bench-broker.c). */
		if (size == 0 || size > MSG_LEN_MAX) {
			xasprintf(cause, "%s: a message is 1 byte to %d bytes "
			    "(one operation's most)", bench_mech_name(m),
			    MSG_LEN_MAX);
			return (-1);
		}
		return (0);
	}
	if (size == 0 || size > 16 * 1024 * 1024) {
		xasprintf(cause, "a message is 1 byte to 16 MiB");
		return (-1);
	}
	if (m == BM_SP_DGRAM || m == BM_SP_SEQPACKET) {
		/* As much as the kernel takes in one datagram: ask it. */
		if (socketpair(AF_UNIX, (m == BM_SP_DGRAM ? SOCK_DGRAM :
		    SOCK_SEQPACKET) | SOCK_CLOEXEC, 0, sv) == -1) {
			xasprintf(cause, "socketpair: %s", strerror(errno));
			return (-1);
		}
		buf = xcalloc(1, size);
		n = send(sv[0], buf, size, MSG_DONTWAIT);
		free(buf);
		close(sv[0]);
		close(sv[1]);
		if (n == -1 && errno == EMSGSIZE) {
			xasprintf(cause, "%s: %zu bytes is more than one unix "
			    "datagram carries (its SO_SNDBUF)",
			    bench_mech_name(m), size);
			return (-1);
		}
	}
	if (m == BM_MQ) {
		memset(&a, 0, sizeof(a));
		a.mq_maxmsg = 1;
		a.mq_msgsize = (long)size;
		snprintf(name, sizeof(name), "/ipcplay-bench.%ld.check",
		    (long)getpid());
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600,
		    &a);
		if (q == (mqd_t)-1) {
			xasprintf(cause, "mq: %zu bytes: %s (the limit is "
			    "/proc/sys/fs/mqueue/msgsize_max)", size,
			    strerror(errno));
			return (-1);
		}
		mq_close(q);
		mq_unlink(name);
	}
	return (0);
}

/* The first two CPUs this process may run on; how many it may. */
int
bench_cpus(int *a, int *b)
{
	cpu_set_t	set;
	int		i, n = 0;

	*a = *b = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return (1);
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (n == 0)
			*a = i;
		else if (n == 1)
			*b = i;
		n++;
	}
	return (n);
}

/* Process pid (0: this one) on CPU cpu alone. */
int
bench_pin(pid_t pid, int cpu)
{
	cpu_set_t	set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (sched_setaffinity(pid, sizeof(set), &set));
}

static void	bpair_close(struct bpair *);

static int
bpair_open(struct bpair *b, char **cause)
{
	char		 dir[PATH_MAX], p1[PATH_MAX + 8], p2[PATH_MAX + 8];
	char		 n1[64], n2[64];
	struct mq_attr	 a;
	const char	*tmp;
	int		 x[2] = { -1, -1 }, y[2] = { -1, -1 }, type, saved;

	b->p_out = b->p_in = b->c_out = b->c_in = -1;
	switch (b->m) {
	case BM_PIPE:
		if (pipe2(x, O_CLOEXEC) == 0 && pipe2(y, O_CLOEXEC) == -1) {
			saved = errno;
			close(x[0]);
			close(x[1]);
			errno = saved;
		}
		if (y[0] == -1)
			goto fail;
		b->p_out = x[1];
		b->c_in = x[0];
		b->c_out = y[1];
		b->p_in = y[0];
		return (0);
	case BM_FIFO:
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/ipcplay-bench.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL)
			goto fail;
		snprintf(p1, sizeof(p1), "%s/ping", dir);
		snprintf(p2, sizeof(p2), "%s/pong", dir);
		if (mkfifo(p1, 0600) == 0 && mkfifo(p2, 0600) == 0) {
			/* O_RDWR: neither open waits for the other side. */
			b->p_out = b->c_in = open(p1, O_RDWR | O_CLOEXEC);
			b->c_out = b->p_in = open(p2, O_RDWR | O_CLOEXEC);
		}
		saved = errno;
		(void)unlink(p1);
		(void)unlink(p2);
		(void)rmdir(dir);
		errno = saved;
		if (b->p_out == -1 || b->p_in == -1)
			goto fail;
		return (0);
	case BM_SP_STREAM:
	case BM_SP_DGRAM:
	case BM_SP_SEQPACKET:
		type = b->m == BM_SP_STREAM ? SOCK_STREAM : b->m ==
		    BM_SP_DGRAM ? SOCK_DGRAM : SOCK_SEQPACKET;
		if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, x) == -1)
			goto fail;
		b->p_out = b->p_in = x[0];
		b->c_out = b->c_in = x[1];
		return (0);
	case BM_MQ:
		memset(&a, 0, sizeof(a));
		a.mq_maxmsg = 1;
		a.mq_msgsize = (long)b->size;
		snprintf(n1, sizeof(n1), "/ipcplay-bench.%ld.ping",
		    (long)getpid());
		snprintf(n2, sizeof(n2), "/ipcplay-bench.%ld.pong",
		    (long)getpid());
		b->p_out = b->c_in = (int)mq_open(n1, O_RDWR | O_CREAT |
		    O_EXCL | O_CLOEXEC, 0600, &a);
		b->c_out = b->p_in = (int)mq_open(n2, O_RDWR | O_CREAT |
		    O_EXCL | O_CLOEXEC, 0600, &a);
		saved = errno;
		(void)mq_unlink(n1);
		(void)mq_unlink(n2);
		errno = saved;
		if (b->p_out == -1 || b->p_in == -1)
			goto fail;
		return (0);
	case BM_EVENTFD:
		b->p_out = b->c_in = eventfd(0, EFD_CLOEXEC);
		b->c_out = b->p_in = eventfd(0, EFD_CLOEXEC);
		if (b->p_out == -1 || b->p_in == -1)
			goto fail;
		return (0);
	case BM_SHM_FUTEX:
	case BM_SHM_SPIN:
		b->shmlen = sizeof(*b->shm) + b->size;
		b->shm = mmap(NULL, b->shmlen, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (b->shm == MAP_FAILED) {
			b->shm = NULL;
			goto fail;
		}
		return (0);
	default:
		break;
	}
	errno = EINVAL;
fail:
	xasprintf(cause, "%s: %s", bench_mech_name(b->m), strerror(errno));
	bpair_close(b);
	return (-1);
}

/*
 * The parent's own copies of the child's ends, closed once the child is
 * forked: then a child that dies is EOF or EPIPE to the parent at once.
 * (A FIFO opened O_RDWR, a queue, an eventfd and a shared page have no
 * such end: for those a SIGCHLD interrupts the parent's wait.)
 */
static void
bpair_parent(struct bpair *b)
{
	if (b->c_in != -1 && b->c_in != b->p_in && b->c_in != b->p_out &&
	    (b->m == BM_PIPE || b->m == BM_SP_STREAM || b->m == BM_SP_DGRAM ||
	    b->m == BM_SP_SEQPACKET))
		close(b->c_in);
	if (b->c_out != -1 && b->c_out != b->c_in && b->c_out != b->p_in &&
	    b->c_out != b->p_out && b->m == BM_PIPE)
		close(b->c_out);
	if (b->m == BM_PIPE || b->m == BM_SP_STREAM || b->m == BM_SP_DGRAM ||
	    b->m == BM_SP_SEQPACKET)
		b->c_in = b->c_out = -1;
}

static void
bpair_close(struct bpair *b)
{
	int	fds[4] = { b->p_out, b->p_in, b->c_out, b->c_in };
	int	i, j;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < i && fds[j] != fds[i]; j++)
			continue;
		if (fds[i] != -1 && j == i)
			close(fds[i]);
	}
	if (b->shm != NULL)
		munmap(b->shm, b->shmlen);
	b->shm = NULL;
}

/*
 * A run's way out: the child is gone (a SIGCHLD interrupts the parent's
 * wait, SA_RESTART off) or the person asked to stop.
 */
static struct {
	pid_t			 child;
	bool			 dead;
	bool			 stopped;
	bool			(*stop)(void);
	struct sigaction	 old;
}		 brun;

static void
bench_sigchld(int sig)
{
	int	saved = errno;

	/* The playground's own handler still hears about its children. */
	if (brun.old.sa_handler != SIG_DFL && brun.old.sa_handler != SIG_IGN &&
	    brun.old.sa_handler != NULL)
		brun.old.sa_handler(sig);
	errno = saved;
}

static bool
interrupted(void)
{
	int	status;

	if (brun.child <= 0)
		return (false);		/* the child: its parent's death kills it */
	if (!brun.dead && waitpid(brun.child, &status, WNOHANG) ==
	    brun.child)
		brun.dead = true;
	if (brun.stop != NULL && brun.stop())
		brun.stopped = true;
	return (brun.dead || brun.stopped);
}

/*
 * A wait on fd was interrupted: go on waiting?  Not when the person
 * stopped the run, nor when the child is gone and nothing is left to
 * read (its last answer may still be there: read it first).
 */
static bool
go_on(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	if (!interrupted())
		return (true);
	if (brun.stopped)
		return (false);
	return (poll(&pfd, 1, 0) == 1);
}

/* Stream-like transports: all SIZE bytes, however the kernel cuts them. */
static int
full(int fd, unsigned char *buf, size_t len, bool wr)
{
	ssize_t	n;
	size_t	done = 0;

	while (done < len) {
		n = wr ? write(fd, buf + done, len - done) :
		    read(fd, buf + done, len - done);
		if (n <= 0) {
			if (n == -1 && errno == EINTR && (wr ? !interrupted() :
			    go_on(fd)))
				continue;
			return (-1);
		}
		done += (size_t)n;
	}
	return (0);
}

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static long
futex(uint32_t *w, int op, uint32_t v)
{
	return (syscall(SYS_futex, w, op, v, NULL, NULL, 0));
}

/* shm: wait for the turn, then store the message into the region. */
static int
shm_wait(struct bpair *b, uint32_t want)
{
	uint32_t	cur;
	unsigned	spins = 0;

	while ((cur = __atomic_load_n(&b->shm->turn, __ATOMIC_ACQUIRE)) !=
	    want) {
		if (b->m == BM_SHM_FUTEX) {
			if (futex(&b->shm->turn, FUTEX_WAIT, cur) == -1 &&
			    errno == EINTR && interrupted() &&
			    __atomic_load_n(&b->shm->turn, __ATOMIC_ACQUIRE) !=
			    want)
				return (-1);
		} else if (++spins % 1024 == 0) {
			sched_yield();	/* on one CPU the other must run */
			if (interrupted() && __atomic_load_n(&b->shm->turn,
			    __ATOMIC_ACQUIRE) != want)
				return (-1);
		} else
			cpu_relax();
	}
	return (0);
}

static void
shm_give(struct bpair *b, uint32_t to)
{
	__atomic_store_n(&b->shm->turn, to, __ATOMIC_RELEASE);
	if (b->m == BM_SHM_FUTEX)
		(void)futex(&b->shm->turn, FUTEX_WAKE, 1);
}

/* One message out (parent: ping; child: pong). */
static int
bsend(struct bpair *b, bool parent, unsigned char *buf)
{
	int		fd = parent ? b->p_out : b->c_out;
	uint64_t	one = 1;

	switch (b->m) {
	case BM_PIPE:
	case BM_FIFO:
	case BM_SP_STREAM:
		return (full(fd, buf, b->size, true));
	case BM_SP_DGRAM:
	case BM_SP_SEQPACKET:
		return (send(fd, buf, b->size, 0) == (ssize_t)b->size ? 0 : -1);
	case BM_MQ:
		return (mq_send(fd, (char *)buf, b->size, 0));
	case BM_EVENTFD:
		return (write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1);
	case BM_SHM_FUTEX:
	case BM_SHM_SPIN:
		memcpy(b->shm->data, buf, b->size);
		shm_give(b, parent ? 1 : 0);
		return (0);
	default:
		return (-1);
	}
}

/* One message in. */
static int
brecv(struct bpair *b, bool parent, unsigned char *buf)
{
	int		fd = parent ? b->p_in : b->c_in;
	uint64_t	v;
	ssize_t		n;

	switch (b->m) {
	case BM_PIPE:
	case BM_FIFO:
	case BM_SP_STREAM:
		return (full(fd, buf, b->size, false));
	case BM_SP_DGRAM:
	case BM_SP_SEQPACKET:
		do
			n = recv(fd, buf, b->size, 0);
		while (n == -1 && errno == EINTR && go_on(fd));
		return (n == (ssize_t)b->size ? 0 : -1);
	case BM_MQ:
		do
			n = mq_receive(fd, (char *)buf, b->size, NULL);
		while (n == -1 && errno == EINTR && go_on(fd));
		return (n == (ssize_t)b->size ? 0 : -1);
	case BM_EVENTFD:
		do
			n = read(fd, &v, sizeof(v));
		while (n == -1 && errno == EINTR && go_on(fd));
		return (n == sizeof(v) ? 0 : -1);
	case BM_SHM_FUTEX:
	case BM_SHM_SPIN:
		return (shm_wait(b, parent ? 0 : 1));	/* read in place */
	default:
		return (-1);
	}
}

static uint64_t
ns_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/*
 * One run: COUNT timed round trips after a warm-up, parent on CPU
 * cpu_p, child on cpu_c; the mean round trip in *mean_ns.
 */
int
bench_run(enum bench_mech m, size_t size, size_t count, int cpu_p, int cpu_c,
    double *mean_ns, bool (*stop)(void), char **cause)
{
	struct bpair	 b;
	struct sigaction sa, oldpipe;
	cpu_set_t	 saved;
	unsigned char	*buf;
	struct timespec	 ms1 = { 0, 1000000 };
	size_t		 warm, i, j;
	uint64_t	 t0 = 0;
	pid_t		 pid, parent = getpid();
	int		 status, rc = -1, sig;

	if (bench_check(m, size, cause) == -1)
		return (-1);
	memset(&b, 0, sizeof(b));
	b.m = m;
	b.size = m == BM_EVENTFD ? 8 : size;
	if (bpair_open(&b, cause) == -1)
		return (-1);
	warm = count / 10 < 10 ? 10 : count / 10 > 1000 ? 1000 : count / 10;
	buf = xcalloc(1, b.size);
	memset(buf, 'x', b.size);
	(void)sched_getaffinity(0, sizeof(saved), &saved);
	fflush(stdout);
	fflush(stderr);
	memset(&brun, 0, sizeof(brun));	/* nothing of a run before */
	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		goto out;
	case 0:
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(1);
		/* The playground's handlers are not the child's: Ctrl-C ends it. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		for (sig = 1; sig < NSIG; sig++) {
			if (sig != SIGKILL && sig != SIGSTOP)
				(void)sigaction(sig, &sa, NULL);
		}
		(void)bench_pin(0, cpu_c);
		for (i = 0; i < warm + count; i++) {
			if (brecv(&b, false, buf) == -1 ||
			    bsend(&b, false, buf) == -1)
				_exit(1);
		}
		_exit(0);
	}
	bpair_parent(&b);
	brun.child = pid;
	brun.stop = stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_sigchld;	/* no SA_RESTART: a wait ends */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, &brun.old);
	/* A child gone is EPIPE to a write, not the end of ipcplay. */
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, &oldpipe);
	(void)bench_pin(0, cpu_p);
	for (i = 0; i < warm + count; i++) {
		if (i == warm)
			t0 = ns_now();
		if ((i % 1024 == 1023 && interrupted()) ||
		    bsend(&b, true, buf) == -1 || brecv(&b, true, buf) == -1)
			break;
	}
	/* A broken pipe or an end: the child may be dying; give it 100 ms. */
	for (j = 0; i < warm + count && !interrupted() && j < 100; j++)
		nanosleep(&ms1, NULL);
	if (i == warm + count) {
		*mean_ns = (double)(ns_now() - t0) / (double)count;
		rc = 0;
	} else if (brun.stopped)
		xasprintf(cause, "%s: interrupted", bench_mech_name(m));
	else if (brun.dead)
		xasprintf(cause, "%s: the other process died",
		    bench_mech_name(m));
	else
		xasprintf(cause, "%s: %s", bench_mech_name(m),
		    strerror(errno));
	if (rc != 0 && !brun.dead)
		(void)kill(pid, SIGKILL);
	if (!brun.dead) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
	} else
		status = 0;
	(void)sigaction(SIGCHLD, &brun.old, NULL);
	(void)sigaction(SIGPIPE, &oldpipe, NULL);
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		xasprintf(cause, "%s: the other process failed",
		    bench_mech_name(m));
		rc = -1;
	}
out:
	(void)sched_setaffinity(0, sizeof(saved), &saved);
	free(buf);
	bpair_close(&b);
	return (rc);
}
