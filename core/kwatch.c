/*
 * Watching a process inside its own syscall.  It said it was about to
 * make it (WIRE_KSTART) and cannot say more until it returns; the broker
 * reads /proc to see it asleep there, with every signal sent to it
 * handled, and then calls it blocked -- as the kernel sees it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define KWATCH_MS	1	/* a syscall not back by then may sleep */

void
kchan_started(struct engine *e, struct proc *p)
{
	(void)e;
	p->op->kstarted = true;
	p->kseen_ms = now_ms();
}

static bool
kwatched(const struct proc *p)
{
	return (p->state == PS_BUSY && p->op != NULL && p->op->kernel &&
	    p->op->kstarted && !p->op->blocked);
}

bool
kchan_watching(const struct engine *e)
{
	const struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (kwatched(p) || p->kping || p->kcheck)
			return (true);
	}
	return (false);
}

/*
 * Something happened in the kernel (a syscall returned, a holder died):
 * a process asleep in a syscall may have been woken by it, inside the
 * kernel, before we heard of it.  Until it is seen asleep again or its
 * answer comes, the playground is not quiet -- so a script's next line
 * sees what the kernel did.
 */
void
kchan_recheck(struct engine *e, struct proc *except)
{
	struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p == except || p->kcheck || p->state != PS_BLOCKED ||
		    p->op == NULL || !p->op->kernel)
			continue;
		p->kcheck = true;
		p->kseen_ms = now_ms();
		p->pending++;
	}
}

void
kchan_checked(struct proc *p)
{
	if (!p->kcheck)
		return;
	p->kcheck = false;
	if (p->pending > 0)
		p->pending--;
}

/* A ping stands for "every signal sent to p is handled": now it is. */
void
kchan_pong(struct proc *p)
{
	if (!p->kping)
		return;
	p->kping = false;
	if (p->pending > 0)
		p->pending--;
}

/* A signal mask from /proc/PID/status ("SigPnd:\t0000000000000200"). */
static unsigned long long
status_mask(const char *buf, const char *key)
{
	const char	*s;

	if ((s = strstr(buf, key)) == NULL)
		return (0);
	return (strtoull(s + strlen(key), NULL, 16));
}

static bool
op_syscall(long nr)
{
#ifdef SYS_poll
	if (nr == SYS_poll)		/* not on arm64 or riscv64 */
		return (true);
#endif
	return (nr == SYS_write || nr == SYS_read || nr == SYS_sendto ||
	    nr == SYS_recvfrom || nr == SYS_ppoll || nr == SYS_pwritev2 ||
	    nr == SYS_preadv2 || nr == SYS_writev || nr == SYS_readv ||
	    nr == SYS_mq_timedsend || nr == SYS_mq_timedreceive ||
	    nr == SYS_futex);
}

/* The syscall p sleeps in, by name, from /proc/PID/syscall; or "". */
void
kchan_syscall(pid_t pid, char *buf, size_t len)
{
	static const struct {
		long		 nr;
		const char	*name;
	} names[] = {
		{ SYS_read, "read" }, { SYS_write, "write" },
		{ SYS_readv, "readv" }, { SYS_writev, "writev" },
		{ SYS_preadv2, "preadv2" }, { SYS_pwritev2, "pwritev2" },
		{ SYS_sendto, "sendto" }, { SYS_recvfrom, "recvfrom" },
		{ SYS_ppoll, "ppoll" }, { SYS_futex, "futex" },
		{ SYS_mq_timedsend, "mq_timedsend" },
		{ SYS_mq_timedreceive, "mq_timedreceive" },
#ifdef SYS_poll
		{ SYS_poll, "poll" },
#endif
	};
	char	path[64], sbuf[64];
	ssize_t	n;
	size_t	i;
	long	nr;
	int	fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, sbuf, sizeof(sbuf) - 1);
	close(fd);
	if (n <= 0 || sbuf[0] < '0' || sbuf[0] > '9')
		return;
	sbuf[n] = '\0';
	nr = strtol(sbuf, NULL, 10);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].nr == nr) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	}
	snprintf(buf, len, "syscall %ld", nr);
}

/*
 * Is p asleep in its operation's syscall, every signal sent to it
 * handled?  Then nothing more will come from it until another process
 * acts: it is blocked, as the kernel sees it.  (A signal handler reports
 * on the socket before the syscall sleeps again, so a report is never
 * left behind.)
 */
static bool	kchan_asleep(pid_t);

/* Is p asleep in its own syscall (kchan_asleep)? */
bool
kchan_sleeping(const struct proc *p)
{
	return (kchan_asleep(p->pid));
}

static bool
kchan_asleep(pid_t pid)
{
	char	path[64], buf[8192];
	ssize_t	n;
	int	fd;
	unsigned long long pend, blk;

	if (proc_kstate(pid) != 'S')
		return (false);
	snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		/* "running", or a number: the syscall it sleeps in. */
		if (n > 0 && (buf[0] < '0' || buf[0] > '9' ||
		    !op_syscall(strtol(buf, NULL, 10))))
			return (false);
	}
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (false);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	pend = status_mask(buf, "SigPnd:") | status_mask(buf, "ShdPnd:");
	blk = status_mask(buf, "SigBlk:");
	return ((pend & ~blk) == 0);
}

static void
kchan_block(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c = op->chans[0];
	struct event	 ev;
	char		 reason[96];

	if (op->kind == OP_WAIT)
		kshm_block_event(p, &ev, reason, sizeof(reason));
	else {
		op_blocked_event(p, &ev);
		if (op->kind == OP_POLL)
			kpoll_block_event(p, &ev);
		else {
			kchan_reason(e, c, op, reason, sizeof(reason));
			ev.reason = reason;
			kchan_ev_fill(e, c, op, &ev);
		}
	}
	if (p->pending > 0)
		p->pending--;
	/* The agent's poll(2) keeps the time; the deadline tells the graph. */
	op_blocked(e, p, &ev);
}

void
kchan_watch(struct engine *e)
{
	struct proc	*p;
	uint32_t	 id;
	uint64_t	 now;

	now = now_ms();
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->kping && (p->op == NULL || !p->op->kernel)) {
			kchan_pong(p);	/* back in its loop: all handled */
			continue;
		}
		if (!(kwatched(p) || p->kcheck || (p->kping &&
		    p->op->kstarted)))
			continue;
		/*
		 * Most syscalls return at once: give the answer a moment to
		 * come before reading /proc, which costs more than a step.
		 */
		if (now < p->kseen_ms + KWATCH_MS || !kchan_asleep(p->pid))
			continue;
		/* What it said before it slept comes first. */
		id = p->op->id;
		proc_read(e, p);
		(void)kbatch_sync(e, p);
		kchan_pong(p);
		kchan_checked(p);
		if (kwatched(p) && p->op->id == id)
			kchan_block(e, p);
	}
}
