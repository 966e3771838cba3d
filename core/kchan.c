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
 * Here: the operations (a send or a receive is the agent's own syscall,
 * its answer one event), the kernel's numbers (asked of the holders'
 * control threads), who holds what.  kmake.c makes a channel, kwatch.c
 * sees a process asleep in its syscall, kpoll.c and kpass.c do poll,
 * pass and drop.
 */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define KSTAT_WAIT_MS	200	/* a control thread answers at once */
#define KCAUSE_WAIT_MS	50	/* at most, for the answer of the
				   syscall that woke another */

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

/*
 * What a holder of side's end says (a socket pair's side; any holder of
 * a pipe, a FIFO or a queue, which has one fill).
 */
static bool
kchan_side(const struct chan *c, int side, struct kstat *st)
{
	size_t	i;

	for (i = 0; i < c->nends; i++) {
		if (c->mech == MECH_SOCKETPAIR && c->ends[i].side != side)
			continue;
		if (kchan_ask(c, &c->ends[i], st))
			return (true);
	}
	return (false);
}

/* The bytes waiting for side's reader, and the capacity. */
bool
kchan_inq(const struct chan *c, int side, size_t *fill, size_t *cap)
{
	struct kstat	st;

	if (!kchan_side(c, side, &st))
		return (false);
	*fill = (size_t)st.inq;
	if (cap != NULL)
		*cap = (size_t)st.cap;
	return (true);
}

/*
 * The bytes waiting for side's reader, and whether anything waits at all
 * (an empty datagram is 0 bytes), if any holder could say.
 */
bool
kchan_queued(const struct chan *c, int side, size_t *fill, bool *waiting)
{
	struct kstat	st;

	if (!kchan_side(c, side, &st))
		return (false);
	*fill = (size_t)st.inq;
	*waiting = st.waiting != 0;
	return (true);
}

/* The fill an operation of op's kind on side sees, and the capacity. */
void
kchan_ev_fill(struct engine *e, struct chan *c, const struct op *op,
    struct event *ev)
{
	size_t	fill = 0, cap = c->capacity;
	int	side = 0;

	if (c->mech == MECH_SOCKETPAIR)
		side = op->kind == OP_SEND ? 1 - op->kside : op->kside;
	/* While a batch's events keep the count, that is the fill. */
	if (kbatch_counting(e, c)) {
		ev->fill = c->kest[side] > 0 ? (size_t)c->kest[side] : 0;
		ev->capacity = c->kcap[side];
		return;
	}
	(void)kchan_inq(c, side, &fill, &cap);
	ev->fill = fill;
	ev->capacity = (long)cap;
}

void
kchan_reason(struct engine *e, struct chan *c, struct op *op, char *buf,
    size_t len)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	kchan_ev_fill(e, c, op, &ev);
	kchan_reason_of(c, op->kind, ev.fill, ev.capacity, buf, len);
}

/* Why an operation of kind on c waits, its fill and capacity fill, cap. */
void
kchan_reason_of(const struct chan *c, enum op_kind kind, size_t fill,
    long cap, char *buf, size_t len)
{
	struct event	ev;

	ev.fill = fill;
	ev.capacity = cap;
	if (kind != OP_SEND)
		snprintf(buf, len, "empty");
	else if (c->mech == MECH_MQ)
		snprintf(buf, len, "full %zu/%ld messages", ev.fill,
		    ev.capacity);
	else if (c->mech == MECH_SOCKETPAIR)
		snprintf(buf, len, "the peer's queue is full: %zu bytes "
		    "waiting, sndbuf %ld", ev.fill, ev.capacity);
	else if ((long)ev.fill >= ev.capacity)
		snprintf(buf, len, "full %zu/%ld bytes", ev.fill,
		    ev.capacity);
	else
		snprintf(buf, len, "no free page: %zu/%ld bytes, and a pipe "
		    "frees room a page at a time", ev.fill, ev.capacity);
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
	if (c->mech == MECH_SHM) {
		xasprintf(cause, "%s is shared memory: no message goes through "
		    "it (use store, load, add, wait and wake)", c->name);
		return (-1);
	}
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
		if (kend_can(k, c->mech, send)) {
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
	op->kstart_ns = now_ns();
	k.fd = op->kfd;
	k.kind = op->kind;
	k.mech = op->chans[0]->mech;
	k.socktype = op->chans[0]->socktype;
	k.nonblock = op->nonblock;
	k.timeout_ms = op->timeout_ms;
	k.max = (uint32_t)op->max;
	snprintf(k.title, sizeof(k.title), "%s %s", op_name(op->kind),
	    op->spec);
	body = xmalloc(sizeof(k) + op->len);
	memcpy(body, &k, sizeof(k));
	if (op->kind == OP_SEND && op->len > 0)
		memcpy(body + sizeof(k), op->msg, op->len);
	r = proc_write(p, WIRE_KOP, op->id, body, sizeof(k) +
	    (op->kind == OP_SEND ? op->len : 0));
	free(body);
	return (r);
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

void	kchan_answer(struct engine *, struct proc *,
		    const unsigned char *, size_t);

/* q is exiting: tell its exit (at most KCAUSE_WAIT_MS from now) first. */
void
kchan_await_exit(struct engine *e, struct proc *q)
{
	struct timespec	ts = { 0, 100000 };
	uint64_t	end = now_ms() + KCAUSE_WAIT_MS;

	while (q->state != PS_EXITED && now_ms() < end) {
		if (q->fd != -1)
			proc_read(e, q);	/* its last words, its EOF */
		e->want_reap = true;
		proc_reap(e);
		if (q->state != PS_EXITED)
			nanosleep(&ts, NULL);
	}
}

/* The agent's answer to an operation. */
void
kchan_done(struct engine *e, struct proc *p, const unsigned char *buf,
    size_t len)
{
	struct op	*op = p->op;
	struct proc	*q;
	struct op	*qop;
	struct pollfd	 pfd;
	uint64_t	 end;
	unsigned char	*copy, *held = NULL;

	if (len < sizeof(struct kdone))
		return;
	/* What batches did before this returned is told first (kbatch.c). */
	if (kbatch_any(e)) {
		struct kdone	d;

		memcpy(&d, buf, sizeof(d));
		held = xmemdup(buf, len);
		buf = held;
		kbatch_before(e, p, d.ns0, d.ns);
		if (p->op != op) {
			free(held);
			return;
		}
	}
	if (!op->blocked) {
		kchan_answer(e, p, buf, len);
		free(held);
		return;
	}
	/*
	 * A blocked syscall returns because another one ran, whose answer
	 * is on its way (on two CPUs the woken one may even answer first):
	 * tell that one first, cause before effect.  The wait is short and
	 * only for an operation under way.  (buf is proc_read's, which
	 * reading the others reuses: ours is copied first.)
	 */
	copy = xmemdup(buf, len);
	TAILQ_FOREACH(q, &e->procs, entry) {
		if (q != p && q->dying && q->state != PS_EXITED) {
			kchan_await_exit(e, q);	/* its exit closed our end */
			continue;
		}
		if (q == p || q->fd == -1 || q->state != PS_BUSY ||
		    q->op == NULL || !q->op->kernel)
			continue;
		/*
		 * Until it answers, or sleeps in its own syscall (then it
		 * is no cause, but blocked too), or a loaded machine has
		 * kept it from running for KCAUSE_WAIT_MS.
		 */
		pfd.fd = q->fd;
		pfd.events = POLLIN;
		qop = q->op;
		end = now_ms() + KCAUSE_WAIT_MS;
		while (q->op == qop && q->state == PS_BUSY && q->fd != -1 &&
		    now_ms() < end) {
			if (poll(&pfd, 1, 1) == 1)
				proc_read(e, q);
			else if (q->op == qop && qop->kstarted &&
			    kchan_sleeping(q))
				break;
		}
	}
	if (p->op == op)
		kchan_answer(e, p, copy, len);
	free(copy);
	free(held);
}

/* The agent's answer: the syscall's result, as one event. */
void
kchan_answer(struct engine *e, struct proc *p, const unsigned char *buf,
    size_t len)
{
	struct op	*op = p->op;
	struct chan	*c = op->chans[0];
	struct kdone	 d;
	struct event	 ev;
	char		 reason[96];
	size_t		 dlen;
	bool		 eof;

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
	if (op->kind >= OP_STORE && op->kind <= OP_WAKE) {
		kshm_done(e, p, &d);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	if (d.flags & KD_COUNTED) {
		ev.fill = (size_t)d.inq;
		ev.capacity = (long)d.cap;
	} else if (d.err == 0 && !(d.flags & KD_EOF) &&
	    kbatch_count(e, c, op->kind, op->kside, (size_t)d.n, &ev.fill,
	    &ev.capacity))
		;	/* a batch's events keep the count: this one too */
	else if (d.flags & KD_FILL) {
		ev.fill = (size_t)d.inq;
		ev.capacity = (long)d.cap;
		/* What a batch's events count from (kbatch.c). */
		c->kest[c->mech == MECH_SOCKETPAIR ? op->kside : 0] =
		    (int64_t)ev.fill;
	} else
		kchan_ev_fill(e, c, op, &ev);
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
	case EMSGSIZE:
		if (c->mech == MECH_MQ && op->kind == OP_RECV)
			snprintf(op->why, sizeof(op->why), "--max %zu is "
			    "below the queue's mq_msgsize (%zu): the message "
			    "stays queued", op->max, c->kmsgsize);
		else if (c->mech == MECH_MQ)
			snprintf(op->why, sizeof(op->why), "%zu bytes is more "
			    "than the queue's mq_msgsize (%zu)", op->len,
			    c->kmsgsize);
		op_fail(e, p, "message too long");
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
	ci->format = c->mech == MECH_MQ || (c->mech == MECH_SOCKETPAIR &&
	    c->socktype != SOCK_STREAM) ? FMT_DATAGRAM : FMT_STREAM;
	ci->kmsgsize = c->kmsgsize;
	ci->words = c->words;
	ci->nwords = c->nwords;
	ci->delivery = DEL_FIFO;
	if (c->mech == MECH_SHM)
		ci->kstat_ok = true;	/* the words are the state */
	else
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
		if (c->mech != MECH_SOCKETPAIR && c->mech != MECH_SHM)
			fprintf(f, ":%s", c->ends[i].side == 0 ? "r" :
			    c->ends[i].side == 1 ? "w" : "rw");
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
	bool	other;

	*out = xcalloc(c->nends + 1, sizeof(**out));
	for (i = 0; i < c->nends; i++) {
		/*
		 * The other side of a socket pair; else the other role;
		 * a futex wait, anyone else who maps the region.
		 */
		other = c->mech == MECH_SHM ? true : c->mech ==
		    MECH_SOCKETPAIR ? c->ends[i].side != side :
		    kend_can(&c->ends[i], c->mech, !send);
		if (!c->ends[i].open || !other || c->ends[i].proc == p ||
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

/*
 * A process inside its own syscall cannot be told anything until it
 * returns: not to close its end of c (it holds one), nor that a modeled
 * channel of its poll is gone.  Such a close waits, with the reason.
 */
bool
kchan_close_busy(struct engine *e, struct chan *c, char **cause)
{
	struct proc	*p;
	size_t		 i;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (kbatch_holds(p, c)) {
			xasprintf(cause, "%s is running its program's "
			    "operations on %s by itself; close %s when the run "
			    "is over", p->name, c->name, c->name);
			return (true);
		}
		if (p->op == NULL || !p->op->kernel || p->state == PS_EXITED)
			continue;
		for (i = 0; i < c->nends; i++) {
			if (c->ends[i].proc == p && c->ends[i].open)
				break;
		}
		if (i == c->nends && p->op->chans != NULL) {
			for (i = 0; i < p->op->nnames; i++) {
				if (p->op->kind == OP_POLL &&
				    p->op->chans[i] == c)
					break;
			}
			if (i == p->op->nnames)
				continue;
		}
		xasprintf(cause, "%s is inside %s(2)%s%s; a close would not "
		    "reach it there: close %s when it is back", p->name,
		    p->op->kind == OP_POLL ? "poll" : p->op->kind == OP_WAIT ?
		    "futex" : op_name(p->op->kind),
		    p->op->chans != NULL ? " on " : "", p->op->chans != NULL ?
		    p->op->spec : "", c->name);
		return (true);
	}
	return (false);
}

/* close: every holder closes its ends, as close(2) in each process. */
int
kchan_close(struct engine *e, struct chan *c, char **cause)
{
	int32_t		 fd;
	size_t		 i;

	(void)e;
	(void)cause;
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
