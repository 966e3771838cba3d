/*
 * Kernel channels, the broker's side: pipes, FIFOs and socket pairs that
 * the processes use themselves (kagent.c is the agent's side).
 *
 * The broker makes the object, hands each process its end as a real
 * descriptor (SCM_RIGHTS over the agent's socket) and closes its own
 * copies at once: from then on the kernel alone decides when a writer
 * gets EPIPE and a reader EOF.  The broker keeps a record of which
 * process holds which end (struct kend) -- that is what the wait-for
 * graph needs to know who could unblock whom -- and it learns how an
 * operation went from the agent, never by touching the data.
 *
 * Blocked.  An agent about to make a syscall says so (WIRE_KSTART), then
 * cannot say anything until the syscall returns.  The broker watches
 * /proc for the moment the process sleeps in that syscall with no signal
 * left to handle (kchan_asleep): then it is blocked, as the kernel sees
 * it, and the playground is quiet.
 */

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define KSTAT_WAIT_MS	200	/* a control thread answers at once */
#define KWATCH_MS	1	/* a syscall not back by then may sleep */
#define KCAUSE_WAIT_MS	2	/* for the answer of the syscall that
				   woke another */

void
kend_add(struct chan *c, struct proc *p, int fd, int side)
{
	struct kend	*k;

	c->ends = xreallocarray(c->ends, c->nends + 1, sizeof(*c->ends));
	k = &c->ends[c->nends++];
	k->proc = p;
	k->fd = fd;
	k->side = side;
	k->open = true;
}

/*
 * Hand p its ends, and, with its first end, the socket of the control
 * thread that will answer questions about them (kagent.c).
 */
static void
kchan_hand(struct chan *c, struct proc *p, const int *fds, const int *sides,
    size_t n)
{
	int32_t	 nums[4];
	int	 send[4], ctl[2] = { -1, -1 };
	size_t	 i, k = 0;

	for (i = 0; i < n && k < 3; i++) {
		nums[k] = p->next_kfd++;
		send[k++] = fds[i];
	}
	if (p->ctl_fd == -1 && socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, ctl) == 0) {
		nums[k] = KFD_CTL;
		send[k++] = ctl[1];
	}
	if (p->fd == -1 || wire_send_fds(p->fd, WIRE_KFDS, nums,
	    k * sizeof(nums[0]), send, k) == -1) {
		if (ctl[0] != -1) {
			close(ctl[0]);
			close(ctl[1]);
		}
		return;		/* it is dying: the reaping will tell */
	}
	if (p->asleep && p->wake_fd != -1)
		(void)write(p->wake_fd, "w", 1);
	if (ctl[0] != -1) {
		p->ctl_fd = ctl[0];
		close(ctl[1]);
	}
	for (i = 0; i < n && i < 3; i++)
		kend_add(c, p, nums[i], sides[i]);
}

static bool
in_list(char **v, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return (true);
	}
	return (false);
}

static int
kchan_check_procs(struct engine *e, const struct chan_config *cf,
    char **cause)
{
	struct proc	*p;
	size_t		 i;
	char		*name;

	for (i = 0; i < cf->nfrom + cf->nto; i++) {
		name = i < cf->nfrom ? cf->from[i] : cf->to[i - cf->nfrom];
		if ((p = proc_find(e, name)) == NULL) {
			xasprintf(cause, "no such process: %s", name);
			return (-1);
		}
		if (p->state == PS_EXITED || p->dying) {
			xasprintf(cause, "%s has exited: it cannot hold an end",
			    name);
			return (-1);
		}
		if (p->op != NULL && p->op->kernel) {
			xasprintf(cause, "%s is inside a syscall; hand it an "
			    "end when it is back", name);
			return (-1);
		}
	}
	return (0);
}

/* A FIFO opened once per holder, as each process would open it. */
static int
fifo_open(const char *path, int side)
{
	int	fd;

	if (side == 1)
		return (open(path, O_WRONLY | O_CLOEXEC));
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) != -1)
		(void)fcntl(fd, F_SETFL, 0);
	return (fd);
}

/*
 * Make the object and hand out its ends.  fds[i] is the descriptor for
 * the i-th (process, side) pair; the broker closes all of them before
 * it returns.
 */
int
kchan_create(struct engine *e, struct chan *c, const struct chan_config *cf,
    char **cause)
{
	const char	*tmp;
	char		 dir[PATH_MAX], path[PATH_MAX + NAME_LEN + 2];
	struct proc	*p;
	int		 pfd[2] = { -1, -1 }, fds[4], sides[4], *all = NULL;
	size_t		 nall = 0, i, j, n, nnames;
	char		**names;
	int		 rc = -1, sz;

	if (kchan_check_procs(e, cf, cause) == -1)
		return (-1);
	c->mech = cf->mechanism;
	c->socktype = cf->socktype;
	dir[0] = '\0';
	switch (cf->mechanism) {
	case MECH_PIPE:
		if (pipe2(pfd, O_CLOEXEC) == -1) {
			xasprintf(cause, "pipe: %s", strerror(errno));
			return (-1);
		}
		break;
	case MECH_FIFO:
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/ipcplay.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			xasprintf(cause, "mkdtemp %s: %s", dir,
			    strerror(errno));
			return (-1);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, c->name);
		if (mkfifo(path, 0600) == -1) {
			xasprintf(cause, "mkfifo %s: %s", path,
			    strerror(errno));
			(void)rmdir(dir);
			return (-1);
		}
		break;
	case MECH_SOCKETPAIR:
		if (socketpair(AF_UNIX, cf->socktype | SOCK_CLOEXEC, 0,
		    pfd) == -1) {
			xasprintf(cause, "socketpair: %s", strerror(errno));
			return (-1);
		}
		break;
	default:
		xasprintf(cause, "not a kernel mechanism");
		return (-1);
	}

	/* Every (process, side) pair: writers (from), then readers (to). */
	n = nall = cf->nfrom + cf->nto;
	all = xcalloc(n + 1, sizeof(*all));
	for (i = 0; i < n; i++)
		all[i] = -1;
	/* A FIFO's writer would wait in open(2) for a reader: readers first. */
	for (i = n; i-- > 0; ) {
		int side = cf->mechanism == MECH_SOCKETPAIR ? (int)i :
		    i < cf->nfrom ? 1 : 0;
		const char *name = i < cf->nfrom ? cf->from[i] :
		    cf->to[i - cf->nfrom];

		if (cf->mechanism == MECH_FIFO)
			all[i] = fifo_open(path, side);
		else
			all[i] = fcntl(pfd[side], F_DUPFD_CLOEXEC, 3);
		if (all[i] == -1) {
			xasprintf(cause, "%s: %s", name, strerror(errno));
			goto out;
		}
	}
	if (cf->ksize > 0 && cf->mechanism != MECH_SOCKETPAIR &&
	    (sz = fcntl(all[0], F_SETPIPE_SZ, (int)cf->ksize)) == -1) {
		xasprintf(cause, "size=%zu: %s%s", cf->ksize, strerror(errno),
		    errno == EPERM ? " (more than /proc/sys/fs/pipe-max-size)"
		    : "");
		goto out;
	}
	if (cf->mechanism == MECH_SOCKETPAIR) {
		socklen_t sl = sizeof(sz);

		if (getsockopt(all[0], SOL_SOCKET, SO_SNDBUF, &sz, &sl) == -1)
			sz = 0;
	} else
		sz = fcntl(all[0], F_GETPIPE_SZ);
	c->capacity = sz > 0 ? (size_t)sz : 0;

	/* One message per process, with all of its ends. */
	names = xcalloc(n + 1, sizeof(*names));
	nnames = 0;
	for (i = 0; i < n; i++) {
		const char *name = i < cf->nfrom ? cf->from[i] :
		    cf->to[i - cf->nfrom];
		size_t k = 0;

		if (in_list(names, nnames, name))
			continue;
		names[nnames++] = (char *)(uintptr_t)name;
		for (j = i; j < n && k < 3; j++) {
			const char *nj = j < cf->nfrom ? cf->from[j] :
			    cf->to[j - cf->nfrom];

			if (strcmp(nj, name) != 0)
				continue;
			fds[k] = all[j];
			sides[k++] = cf->mechanism == MECH_SOCKETPAIR ?
			    (int)j : j < cf->nfrom ? 1 : 0;
		}
		p = proc_find(e, name);
		kchan_hand(c, p, fds, sides, k);
	}
	free(names);
	rc = 0;
out:
	for (i = 0; i < nall; i++) {
		if (all[i] != -1)
			close(all[i]);
	}
	free(all);
	if (pfd[0] != -1) {
		close(pfd[0]);
		close(pfd[1]);
	}
	if (dir[0] != '\0') {
		/* Every end is open (or failed): the names can go. */
		(void)unlink(path);
		(void)rmdir(dir);
	}
	return (rc);
}

/* Ask the holder's control thread about one of its ends. */
static bool
kchan_ask(const struct chan *c, const struct kend *k, struct kstat *st)
{
	static uint32_t	 seq;
	struct kstat_rq	 rq;
	struct pollfd	 pfd;
	struct proc	*p = k->proc;
	int		 fd = p->ctl_fd;

	if (!k->open || fd == -1 || p->state == PS_EXITED)
		return (false);
	/* Stopped from outside (SIGSTOP): its thread cannot answer. */
	if (p->kstalled && proc_kstate(p->pid) == 'T')
		return (false);
	memset(&rq, 0, sizeof(rq));
	rq.fd = k->fd;
	rq.mech = c->mech;
	rq.seq = ++seq;
	if (send(fd, &rq, sizeof(rq), MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)sizeof(rq))
		return (false);
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* Answers to questions that timed out come first: not ours. */
	do {
		if (poll(&pfd, 1, KSTAT_WAIT_MS) != 1) {
			p->kstalled = true;
			return (false);
		}
		if (recv(fd, st, sizeof(*st), 0) != (ssize_t)sizeof(*st))
			return (false);
	} while (st->seq != rq.seq);
	p->kstalled = false;
	return (st->err == 0);
}

/* The bytes waiting for side's reader (pipe: side 0, the only one). */
static bool
kchan_inq(const struct chan *c, int side, size_t *fill, size_t *cap)
{
	struct kstat	st;
	size_t		i;

	for (i = 0; i < c->nends; i++) {
		if (c->mech == MECH_SOCKETPAIR && c->ends[i].side != side)
			continue;
		if (kchan_ask(c, &c->ends[i], &st)) {
			*fill = (size_t)st.inq;
			if (cap != NULL)
				*cap = (size_t)st.cap;
			return (true);
		}
	}
	return (false);
}

/* The bytes waiting for side's reader, if any holder could say. */
bool
kchan_queued(const struct chan *c, int side, size_t *fill)
{
	return (kchan_inq(c, side, fill, NULL));
}

/* The fill an operation of op's kind on side sees, and the capacity. */
static void
kchan_ev_fill(struct chan *c, const struct op *op, struct event *ev)
{
	size_t	fill = 0, cap = c->capacity;
	int	side = 0;

	if (c->mech == MECH_SOCKETPAIR)
		side = op->kind == OP_SEND ? 1 - op->kside : op->kside;
	(void)kchan_inq(c, side, &fill, &cap);
	ev->fill = fill;
	ev->capacity = (long)cap;
}

void
kchan_reason(struct engine *e, struct chan *c, struct op *op, char *buf,
    size_t len)
{
	struct event	ev;

	(void)e;
	memset(&ev, 0, sizeof(ev));
	kchan_ev_fill(c, op, &ev);
	if (op->kind != OP_SEND)
		snprintf(buf, len, "empty");
	else if (c->mech == MECH_SOCKETPAIR)
		snprintf(buf, len, "the peer's queue is full: %zu bytes "
		    "waiting, sndbuf %ld", ev.fill, ev.capacity);
	else
		snprintf(buf, len, "full %zu/%ld bytes", ev.fill,
		    ev.capacity);
}

/*
 * A request on a kernel channel: 0 if rq names none, 1 with the channel
 * and p's end to use, -1 (and a cause) if it cannot be done.
 */
int
kchan_request(struct engine *e, struct proc *p, const struct op_request *rq,
    struct chan **cp, struct kend **kp, char **cause)
{
	struct chan	*c = NULL;
	struct kend	*k;
	size_t		 i;
	bool		 send = rq->kind == OP_SEND;

	for (i = 0; i < rq->nchans; i++) {
		if ((c = chan_find(e, rq->chans[i])) != NULL &&
		    c->mech != MECH_MODELED)
			break;
	}
	if (i == rq->nchans)
		return (0);
	if (rq->kind == OP_POLL)
		return (kpoll_request(e, p, rq, cause));
	if (rq->kind != OP_SEND && rq->kind != OP_RECV) {
		xasprintf(cause, "%s is a %s: %s works only on modeled "
		    "channels (use send and recv)", c->name,
		    mechanism_name(c->mech), op_name(rq->kind));
		return (-1);
	}
	if (rq->nchans != 1) {
		xasprintf(cause, "%s is a %s: one kernel channel per send",
		    c->name, mechanism_name(c->mech));
		return (-1);
	}
	for (i = 0; i < c->nends; i++) {
		k = &c->ends[i];
		if (k->proc != p || !k->open)
			continue;
		if (c->mech == MECH_SOCKETPAIR || k->side == (send ? 1 : 0)) {
			*cp = c;
			*kp = k;
			return (1);
		}
	}
	if (c->mech == MECH_SOCKETPAIR)
		xasprintf(cause, "%s holds no end of %s", p->name, c->name);
	else
		xasprintf(cause, "%s holds no %s end of %s", p->name,
		    send ? "write" : "read", c->name);
	return (-1);
}

int
kchan_submit(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct kop	 k;
	unsigned char	*body;
	int		 r;

	(void)e;
	memset(&k, 0, sizeof(k));
	k.fd = op->kfd;
	k.kind = op->kind;
	k.mech = op->chans[0]->mech;
	k.socktype = op->chans[0]->socktype;
	k.nonblock = op->nonblock;
	k.timeout_ms = op->timeout_ms;
	k.max = (uint32_t)op->max;
	body = xmalloc(sizeof(k) + op->len);
	memcpy(body, &k, sizeof(k));
	if (op->kind == OP_SEND && op->len > 0)
		memcpy(body + sizeof(k), op->msg, op->len);
	r = proc_write(p, WIRE_KOP, op->id, body, sizeof(k) +
	    (op->kind == OP_SEND ? op->len : 0));
	free(body);
	return (r);
}

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
static void
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

static void
kchan_checked(struct proc *p)
{
	if (!p->kcheck)
		return;
	p->kcheck = false;
	if (p->pending > 0)
		p->pending--;
}

/* A ping stands for "every signal sent to p is handled": now it is. */
static void
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
	    nr == SYS_preadv2 || nr == SYS_writev || nr == SYS_readv);
}

/*
 * Is p asleep in its operation's syscall, every signal sent to it
 * handled?  Then nothing more will come from it until another process
 * acts: it is blocked, as the kernel sees it.  (A signal handler reports
 * on the socket before the syscall sleeps again, so a report is never
 * left behind.)
 */
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

	memset(&ev, 0, sizeof(ev));
	ev.type = op->kind == OP_SEND ? EV_SEND : EV_RECV;
	ev.proc = p->name;
	ev.op = op->kind;
	ev.chan = op->spec;
	if (op->kind == OP_SEND) {
		ev.msg = op->msg;
		ev.len = op->len;
		ev.has_msg = true;
	}
	ev.status = ST_BLOCKED;
	ev.timeout_ms = op->timeout_ms;
	if (op->kind == OP_POLL)
		kpoll_block_event(p, &ev);
	else {
		kchan_reason(e, c, op, reason, sizeof(reason));
		ev.reason = reason;
		kchan_ev_fill(c, op, &ev);
	}
	op->blocked = true;
	p->state = PS_BLOCKED;
	if (p->pending > 0)
		p->pending--;
	/* The agent's poll(2) keeps the time; this only tells the graph. */
	if (op->timeout_ms >= 0)
		op->deadline = now_ms() + (uint64_t)op->timeout_ms;
	engine_event(e, &ev);
	e->wfg_dirty = true;
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
		kchan_pong(p);
		kchan_checked(p);
		if (kwatched(p) && p->op->id == id)
			kchan_block(e, p);
	}
}

static void
kchan_epipe_note(struct engine *e)
{
	struct event	ev;

	if (e->epipe_note_given)
		return;
	e->epipe_note_given = true;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NOTE;
	ev.text = "the processes ignore SIGPIPE, so a write with no reader "
	    "left fails with EPIPE (broken channel) instead of killing the "
	    "writer";
	engine_event(e, &ev);
}

/* The agent's answer: the syscall's result, as one event. */
void
kchan_done(struct engine *e, struct proc *p, const unsigned char *buf,
    size_t len)
{
	struct op	*op = p->op;
	struct chan	*c = op->chans[0];
	struct proc	*q;
	struct op	*qop;
	struct pollfd	 pfd;
	uint64_t	 end, t;
	struct kdone	 d;
	struct event	 ev;
	char		 reason[96];
	size_t		 dlen;
	bool		 eof;

	if (len < sizeof(d))
		return;
	/*
	 * A blocked syscall returns because another one ran, whose answer
	 * is on its way (on two CPUs the woken one may even answer first):
	 * tell that one first, cause before effect.  The wait is short and
	 * only for an operation under way.
	 */
	if (op->blocked) {
		TAILQ_FOREACH(q, &e->procs, entry) {
			if (q == p || q->fd == -1 || q->state != PS_BUSY ||
			    q->op == NULL || !q->op->kernel)
				continue;
			pfd.fd = q->fd;
			pfd.events = POLLIN;
			qop = q->op;
			end = now_ms() + KCAUSE_WAIT_MS;
			while (q->op == qop && q->state == PS_BUSY &&
			    q->fd != -1 && (t = now_ms()) < end &&
			    poll(&pfd, 1, (int)(end - t)) == 1)
				proc_read(e, q);
		}
		if (p->op != op)
			return;
	}
	memcpy(&d, buf, sizeof(d));
	dlen = len - sizeof(d);
	if ((!op->blocked || op->kwoken) && p->pending > 0)
		p->pending--;
	kchan_pong(p);		/* its handlers ran before the syscall returned */
	kchan_checked(p);
	kchan_recheck(e, p);
	if (op->kind == OP_POLL) {
		kpoll_done(e, p, &d, buf + sizeof(d), dlen);
		return;
	}
	if (op->kind == OP_PASS || op->kind == OP_DROP) {
		kpass_done(e, p, &d);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	if (d.flags & KD_FILL) {
		ev.fill = (size_t)d.inq;
		ev.capacity = (long)d.cap;
	} else
		kchan_ev_fill(c, op, &ev);
	eof = d.err == 0 && op->kind == OP_RECV && (d.flags & KD_EOF);
	if (d.err == 0 && !eof) {
		if (op->kind == OP_SEND) {
			c->c_messages++;	/* writes */
			c->c_bytes += (size_t)d.n;
		}
		if (op->kind == OP_RECV) {
			free(p->last);
			p->last = xmemdup(buf + sizeof(d), dlen);
			p->last_len = dlen;
			p->has_last = true;
			ev.msg = p->last;
			ev.len = dlen;
			ev.has_msg = true;
			ev.truncated = (d.flags & KD_TRUNC) != 0;
			ev.size = (size_t)d.n;
		} else
			ev.size = (size_t)d.n;
		op_finish(e, p, ST_OK, NULL, &ev);
		return;
	}
	switch (d.err) {
	case 0:
		snprintf(op->why, sizeof(op->why), "%s returned 0",
		    c->mech == MECH_SOCKETPAIR ? "recv(2)" : "read(2)");
		op_fail(e, p, "end of channel");
		break;
	case EAGAIN:
		kchan_reason(e, c, op, reason, sizeof(reason));
		op_would_block(e, p, reason, c);
		break;
	case ETIMEDOUT:
		ev.timeout_ms = op->timeout_ms;
		op_finish(e, p, ST_TIMEOUT, NULL, &ev);
		break;
	case EPIPE:
	case ECONNREFUSED:
	case ECONNRESET:
		kchan_epipe_note(e);
		snprintf(op->why, sizeof(op->why), "%s: no process holds %s",
		    d.err == EPIPE ? "EPIPE" : d.err == ECONNRESET ?
		    "ECONNRESET" : "ECONNREFUSED", c->mech == MECH_SOCKETPAIR ?
		    "the other end" : "a read end");
		op_fail(e, p, "broken channel");
		break;
	default:
		op_fail(e, p, strerror(d.err));
		break;
	}
}

/* The processes asleep in a syscall on c, in spawn order. */
static void
kchan_waiting(struct engine *e, struct chan *c, struct chan_info *ci)
{
	struct proc	*p;
	int		 side;

	free(ci->senders);
	free(ci->receivers);
	ci->senders = xcalloc(e->nprocs + 1, sizeof(*ci->senders));
	ci->receivers = xcalloc(e->nprocs + 1, sizeof(*ci->receivers));
	ci->nsenders = ci->nreceivers = 0;
	free(ci->pollers);
	ci->pollers = xcalloc(e->nprocs + 1, sizeof(*ci->pollers));
	ci->npollers = 0;
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state != PS_BLOCKED || p->op == NULL ||
		    !p->op->kernel)
			continue;
		if (p->op->kind == OP_POLL) {
			if (kpoll_on(p->op, c, &side))
				ci->pollers[ci->npollers++] = p->name;
		} else if (p->op->chans[0] != c)
			continue;
		else if (p->op->kind == OP_SEND)
			ci->senders[ci->nsenders++] = p->name;
		else
			ci->receivers[ci->nreceivers++] = p->name;
	}
}

/* What inspect.c shows: the kernel's numbers and who holds what. */
void
kchan_info(struct engine *e, struct chan *c, struct chan_info *ci)
{
	struct sbuf {
		char	*s;
		size_t	 len;
	}		 b = { NULL, 0 };
	size_t		 i, cap = c->capacity;
	FILE		*f;

	ci->mechanism = c->mech;
	ci->socktype = c->socktype;
	ci->format = c->mech == MECH_SOCKETPAIR && c->socktype != SOCK_STREAM ?
	    FMT_DATAGRAM : FMT_STREAM;
	ci->delivery = DEL_FIFO;
	ci->kstat_ok = kchan_inq(c, 0, &ci->kfill[0], &cap);
	if (c->mech == MECH_SOCKETPAIR)
		ci->kstat_ok = kchan_inq(c, 1, &ci->kfill[1], &cap) ||
		    ci->kstat_ok;
	ci->kcap = cap;
	ci->capacity = (long)cap;
	ci->fill = ci->bytes = ci->kfill[0] + ci->kfill[1];
	if ((f = open_memstream(&b.s, &b.len)) == NULL)
		return;
	for (i = 0; i < c->nends; i++) {
		if (!c->ends[i].open)
			continue;
		fprintf(f, "%s%s", ftell(f) > 0 ? " " : "",
		    c->ends[i].proc->name);
		if (c->mech != MECH_SOCKETPAIR)
			fprintf(f, ":%c", c->ends[i].side == 0 ? 'r' : 'w');
	}
	fclose(f);
	ci->holders = b.s;
	kchan_waiting(e, c, ci);
}

/* p has exited: the kernel closed its ends. */
void
kchan_proc_gone(struct engine *e, struct proc *p)
{
	struct chan	*c;
	size_t		 i;

	TAILQ_FOREACH(c, &e->chans, entry) {
		for (i = 0; i < c->nends; i++) {
			if (c->ends[i].proc == p)
				c->ends[i].open = false;
		}
	}
	kpass_proc_gone(e, p);
	kchan_recheck(e, p);	/* EOF and EPIPE wake the others */
}

/*
 * Who could end p's wait: for a write, any other process holding a
 * read end; for a read, any other holding a write end (a socket pair:
 * the other side).  The array is the caller's.
 */
size_t
kchan_helpers(struct chan *c, struct proc *p, int side, bool send,
    struct proc ***out)
{
	size_t	i, j, n = 0;
	int	want;

	if (c->mech == MECH_SOCKETPAIR)
		want = 1 - side;
	else
		want = send ? 0 : 1;
	*out = xcalloc(c->nends + 1, sizeof(**out));
	for (i = 0; i < c->nends; i++) {
		if (!c->ends[i].open || c->ends[i].side != want ||
		    c->ends[i].proc == p ||
		    c->ends[i].proc->state == PS_EXITED)
			continue;
		for (j = 0; j < n; j++) {
			if ((*out)[j] == c->ends[i].proc)
				break;
		}
		if (j == n)
			(*out)[n++] = c->ends[i].proc;
	}
	return (n);
}

/* close: every holder closes its ends, as close(2) in each process. */
int
kchan_close(struct engine *e, struct chan *c, char **cause)
{
	struct proc	*p;
	int32_t		 fd;
	size_t		 i;
	int		 side;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->op != NULL && p->op->kernel && p->op->chans != NULL &&
		    (p->op->kind == OP_POLL ? kpoll_on(p->op, c, &side) :
		    p->op->chans[0] == c)) {
			xasprintf(cause, "%s is inside %s on %s; a close(2) "
			    "would not wake it", p->name, op_name(p->op->kind),
			    c->name);
			return (-1);
		}
	}
	for (i = 0; i < c->nends; i++) {
		if (!c->ends[i].open)
			continue;
		fd = c->ends[i].fd;
		(void)proc_write(c->ends[i].proc, WIRE_KCLOSE, 0, &fd,
		    sizeof(fd));
		c->ends[i].open = false;
	}
	return (0);
}

/*
 * tap, filter and balance work because every message of a modeled
 * channel crosses the broker.  A kernel channel's bytes never do.
 */
int
kchan_interpose(const struct chan *c, char **cause)
{
	if (c->mech == MECH_MODELED)
		return (0);
	xasprintf(cause, "%s is a %s: its bytes go from process to process "
	    "through the kernel and never cross ipcplay, so there is "
	    "nothing to interpose on", c->name, mechanism_name(c->mech));
	return (-1);
}
