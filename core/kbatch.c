/*
 * A program's kernel operations, made by its agent on its own (SPEC
 * section 10), the broker's side.  In a free run the front end hands a
 * program's next sends and receives on kernel channels over as one
 * batch; the agent makes the syscalls at full speed (kbagent.c), and the
 * broker reads the results from the shared region when it looks -- at
 * each turn of its loop, at most a few milliseconds apart, and when the
 * batch ends -- and tells each as the event a typed operation would
 * give.  No message and no wait per operation: the broker is neither on
 * the data path nor in the way of it.
 *
 * Order.  Results of several agents are told in the order they happened:
 * a send that did not wait at the moment it began, so that whoever read
 * its bytes comes after it; a receive, and the end of a wait, when it
 * returned, so that the receive that made a writer's room comes first.
 * A result is held back while another agent is inside an operation that
 * began before it and does not wait: that one, when it comes, may belong
 * in front.  A typed operation on a kernel channel that returns
 * meanwhile is fitted in by its own times (kbatch_before).
 *
 * Blocking.  The agent tries each operation without waiting first; one
 * that would wait is marked so, and told "blocked" in its place, before
 * the syscall that waits.  Such an operation, or one under way for
 * KB_ADOPT_NS, or any when the batch is being stopped, becomes the
 * process's own in-flight operation (p->op), as if submitted alone, and
 * /proc decides whether it sleeps there (kwatch.c) -- so the wait-for
 * graph and deadlock detection are those of any kernel operation.  Its
 * result, when it comes, ends it as an agent's answer would
 * (kchan_answer): an unblock.
 *
 * Fill.  Counted from the events, bytes (a queue's messages) sent less
 * received, from a measure when a batch on the channel begins with none
 * other under way: a syscall after each operation would cost more than
 * it.  A datagram socket's receive measures it (FIONREAD says the next
 * datagram's size).  Told in this order, a send can come a moment before
 * the receive that made its room: the fill shown stays between 0 and the
 * capacity, the count goes on.
 */

#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KB_ADOPT_NS	(2 * 1000000ULL)	/* under way this long */
#define KB_BEFORE_NS	(1000000ULL)	/* a send awaited, at most */


static bool
kb_busy(const struct kbatch *kb)
{
	return (kb != NULL && (kb->running || (kb->modeled ? kb->mopen :
	    kb->drained < kb->total)));
}

bool
kbatch_running(const struct proc *p)
{
	return (kb_busy(p->kb));
}

/* Does p's batch still run, with an operation on c in it? */
bool
kbatch_holds(const struct proc *p, const struct chan *c)
{
	const struct kbatch	*kb = p->kb;
	size_t			 i;

	if (!kb_busy(kb) || kb->modeled)
		return (false);
	for (i = 0; i < kb->n; i++) {
		if (strcmp(kb->ops[i].chan, c->name) == 0)
			return (true);
	}
	return (false);
}

/* Do a batch's events keep c's fill (kbatch_count)? */
bool
kbatch_counting(struct engine *e, const struct chan *c)
{
	struct proc	*q;

	if (c->mech == MECH_SHM || (c->mech == MECH_SOCKETPAIR &&
	    c->socktype == SOCK_DGRAM))
		return (false);
	TAILQ_FOREACH(q, &e->procs, entry) {
		if (kbatch_holds(q, c))
			return (true);
	}
	return (false);
}

static void
kb_free(struct kbatch *kb)
{
	if (kb == NULL)
		return;
	mbatch_clear(kb);
	if (kb->shm != NULL)
		(void)munmap(kb->shm, sizeof(*kb->shm));
	if (kb->memfd != -1)
		(void)close(kb->memfd);
	free(kb);
}

static struct kbatch *
kb_new(char **cause)
{
	struct kbatch	*kb;
	void		*m;
	int		 fd;

	if ((fd = memfd_create("ipcplay-batch", MFD_CLOEXEC)) == -1) {
		xasprintf(cause, "memfd_create: %s", strerror(errno));
		return (NULL);
	}
	if (ftruncate(fd, sizeof(struct kb_shm)) == -1 ||
	    (m = mmap(NULL, sizeof(struct kb_shm), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "the batch's region: %s", strerror(errno));
		(void)close(fd);
		return (NULL);
	}
	kb = xcalloc(1, sizeof(*kb));
	kb->shm = m;
	kb->memfd = fd;
	return (kb);
}

/*
 * Can p's agent make rq by itself: a send or a receive on one kernel
 * channel (a pipe, a FIFO, a socket pair, a queue) whose end it holds?
 */
static bool
kb_fits(struct engine *e, struct proc *p, const struct op_request *rq,
    struct chan **cp, struct kend **kp)
{
	char	*cause = NULL;
	int	 r;

	if ((rq->kind != OP_SEND && rq->kind != OP_RECV) || rq->nchans != 1 ||
	    rq->atomic || rq->len > MSG_LEN_MAX)
		return (false);
	r = kchan_request(e, p, rq, cp, kp, &cause);
	free(cause);
	return (r == 1 && (*cp)->mech != MECH_SHM);
}

/* Can rq be in a batch of p's: 1 a kernel one, 2 a modeled one, or 0. */
int
engine_kbatch_fits(struct engine *e, const char *name,
    const struct op_request *rq)
{
	struct proc	*p;
	struct chan	*c;
	struct kend	*k;

	if (e->model || (p = proc_find(e, name)) == NULL)
		return (0);
	if (kb_fits(e, p, rq, &c, &k))
		return (1);
	return (mbatch_fits(e, p, rq) ? 2 : 0);
}

/*
 * Each side's fill and capacity, from the control threads, unless
 * another batch on c is under way: then its events keep the count.
 */
static void
kb_caps(struct engine *e, struct proc *p, struct chan *c)
{
	struct proc	*q;
	size_t		 fill, cap;
	int		 side, nside = c->mech == MECH_SOCKETPAIR ? 2 : 1;

	TAILQ_FOREACH(q, &e->procs, entry) {
		if (q != p && kbatch_holds(q, c))
			return;
	}
	for (side = 0; side < nside; side++) {
		if (kchan_inq(c, side, &fill, &cap)) {
			c->kcap[side] = (long)cap;
			c->kest[side] = (int64_t)fill;
		}
	}
}

/*
 * Hand p's agent the operations rqs (lines: each one's program line) to
 * make by itself, as many as fit from the first: their number, or -1
 * with the cause when not even the first does.
 */
int
engine_kbatch(struct engine *e, const char *name,
    const struct op_request *const *rqs, const int *lines, size_t n,
    char **cause)
{
	struct proc	*p;
	struct kbatch	*kb;
	struct chan	*c;
	struct kend	*k;
	struct kb_ent	*ent;
	struct chan	*seen[4] = { NULL, NULL, NULL, NULL };
	size_t		 i, j, out = 0;

	if (e->model || (p = proc_find(e, name)) == NULL ||
	    p->state != PS_IDLE || p->dying || p->fd == -1 ||
	    kb_busy(p->kb) || n == 0 || (p->kb != NULL && p->kb->broken)) {
		xasprintf(cause, "%s cannot take a batch now", name);
		return (-1);
	}
	if (!kb_left_map(e, cause) ||
	    (p->kb == NULL && (p->kb = kb_new(cause)) == NULL))
		return (-1);
	kb = p->kb;
	if (!kb_fits(e, p, rqs[0], &c, &k))
		return (mbatch_start(e, p, rqs, lines, n, cause));
	mbatch_clear(kb);
	for (i = 0; i < n && i < KB_MAX; i++) {
		if (!kb_fits(e, p, rqs[i], &c, &k) ||
		    out + rqs[i]->len > KB_OUT)
			break;
		ent = &kb->shm->ent[i];
		memset(ent, 0, sizeof(*ent));
		ent->k.fd = k->fd;
		ent->k.kind = rqs[i]->kind;
		ent->k.mech = c->mech;
		ent->k.socktype = c->socktype;
		ent->k.nonblock = rqs[i]->nonblock;
		ent->k.timeout_ms = rqs[i]->timeout_ms;
		ent->k.max = (uint32_t)rqs[i]->max;
		snprintf(ent->k.title, sizeof(ent->k.title), "%s %s",
		    op_name(rqs[i]->kind), c->name);
		ent->off = (uint32_t)out;
		ent->len = (uint32_t)rqs[i]->len;
		if (rqs[i]->kind == OP_SEND && rqs[i]->len > 0)
			memcpy(kb->shm->out + out, rqs[i]->msg, rqs[i]->len);
		out += rqs[i]->len;
		strlcpy(kb->ops[i].chan, c->name, sizeof(kb->ops[i].chan));
		kb->ops[i].line = lines[i];
		kb->ops[i].kside = k->side;
		/* Each channel once (a program uses a few). */
		for (j = 0; j < 4 && seen[j] != NULL && seen[j] != c; j++)
			continue;
		if (j == 4 || seen[j] == NULL) {
			kb_caps(e, p, c);
			if (j < 4)
				seen[j] = c;
		}
	}
	if (i == 0) {
		if (kchan_request(e, p, rqs[0], &c, &k, cause) != -1)
			xasprintf(cause, "not an operation its agent makes by "
			    "itself");
		return (-1);
	}
	kb->modeled = false;
	return (kbatch_go(e, p, i));
}

/*
 * The batch written in p's region (n orders) goes: the agent is told,
 * the first time with the region's descriptors.
 */
int
kbatch_go(struct engine *e, struct proc *p, size_t n)
{
	struct kbatch	*kb = p->kb;
	ssize_t		 r;

	kb->n = n;
	kb->drained = kb->total = kb->adopted = kb->snap = 0;
	kb->started = 0;
	kb->halted = false;
	/* The first goes with the region, a message without a number. */
	kb->gen = kb->memfd != -1 ? 0 : kb->gen + 1;
	ST(kb->shm->h.stop, 0);
	ST(kb->shm->h.done, 0);
	ST(kb->shm->h.cur, 0);
	ST(kb->shm->h.gen, kb->gen);
	ST(kb->shm->h.modeled, kb->modeled ? 1 : 0);
	ST(kb->shm->h.n, (uint32_t)n);
	if (kb->memfd != -1) {
		int	fds[2] = { kb->memfd, e->kb_left_fd };

		r = wire_send_fds(p->fd, WIRE_KBATCH, NULL, 0, fds, 2);
		if (r != -1) {
			(void)close(kb->memfd);
			kb->memfd = -1;
		}
	} else
		r = wire_send(p->fd, WIRE_KBATCH, kb->gen, NULL, 0);
	if (r == -1) {
		/* The agent is gone; its reaping will explain. */
		p->dying = true;
		return ((int)n);
	}
	kb->running = true;
	p->state = PS_BUSY;
	e->wfg_dirty = true;
	return ((int)n);
}

/*
 * Operation i becomes p's own in-flight operation, as if submitted
 * alone and its syscall started: what /proc, the wait-for graph and
 * kchan_answer work on.
 */
static void
kb_adopt(struct engine *e, struct proc *p, size_t i)
{
	struct kbatch		*kb = p->kb;
	struct kb_ent		*ent = &kb->shm->ent[i];
	struct op_request	 rq;
	struct chan		*c;
	struct op		*op;
	char			*name = kb->ops[i].chan;

	if (p->op != NULL || (c = chan_find(e, name)) == NULL)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.kind = ent->k.kind;
	rq.chans = &name;
	rq.nchans = 1;
	rq.msg = kb->shm->out + ent->off;
	rq.len = ent->k.kind == OP_SEND ? ent->len : 0;
	rq.nonblock = ent->k.nonblock != 0;
	rq.timeout_ms = ent->k.timeout_ms;
	rq.max = ent->k.max;
	op = op_make(p, &rq);
	op->kernel = op->kstarted = true;
	op->chans = xcalloc(1, sizeof(*op->chans));
	op->chans[0] = c;
	op->kfd = ent->k.fd;
	op->kside = kb->ops[i].kside;
	p->op = op;
	p->state = PS_BUSY;
	p->prog_line = kb->ops[i].line;
	p->kseen_ms = now_ms();
	p->pending++;		/* its answer */
	kb->adopted = i + 1;
}

/* The adopted operation ended before it was called blocked: let it go. */
static void
kb_unadopt(struct proc *p)
{
	if (p->op != NULL) {
		op_free(p->op);
		p->op = NULL;
		if (p->pending > 0)
			p->pending--;
		kchan_checked(p);
	}
	p->kb->adopted = 0;
}

/* Nothing left of the batch: p is idle, unless an operation remains. */
static void
kb_settle(struct engine *e, struct proc *p)
{
	if (p->state == PS_EXITED)
		return;
	if (p->op == NULL)
		p->state = kb_busy(p->kb) ? PS_BUSY : PS_IDLE;
	e->wfg_dirty = true;
}

/*
 * The fill result i of p's batch leaves on c, counted from the events
 * (kb_fill says which an agent measures), and the side it is of.
 */
static size_t	kb_shown(const struct chan *, int64_t, int);

/* The side of c whose fill an operation of kind on end kside moves. */
static int
kb_side(const struct chan *c, enum op_kind kind, int kside)
{
	if (c->mech != MECH_SOCKETPAIR)
		return (0);
	return (kind == OP_SEND ? 1 - kside : kside);
}

/* n bytes sent or received on side: the count moves (a queue's by one). */
static void
kb_add(struct chan *c, enum op_kind kind, int side, size_t n)
{
	int64_t	unit = c->mech == MECH_MQ ? 1 : (int64_t)n;

	c->kest[side] += kind == OP_SEND ? unit : -unit;
}

static size_t
kb_count(struct kbatch *kb, struct chan *c, size_t i, int *sidep)
{
	struct kb_ent	*ent = &kb->shm->ent[i];
	struct kb_res	*res = &kb->shm->res[i];
	int		 side;

	side = *sidep = kb_side(c, ent->k.kind, kb->ops[i].kside);
	/* A datagram's is the next one's: measured, or that one's size. */
	if (res->flags & KD_FILL)
		c->kest[side] = res->inq;
	else if (c->mech == MECH_SOCKETPAIR && c->socktype == SOCK_DGRAM)
		c->kest[side] = c->kest[side] > 0 ? c->kest[side] :
		    (int64_t)res->n;
	else
		kb_add(c, ent->k.kind, side, (size_t)res->n);
	return (kb_shown(c, c->kest[side], side));
}

/*
 * The wait result i of p's batch found (it was tried without waiting
 * first): told as any blocked operation's, before its end.
 */
static void
kb_tell_wait(struct engine *e, struct proc *p, struct chan *c, size_t i)
{
	struct kbatch	*kb = p->kb;
	struct kb_ent	*ent = &kb->shm->ent[i];
	struct event	 ev;
	char		 reason[128];
	int		 side = kb_side(c, ent->k.kind, kb->ops[i].kside);

	memset(&ev, 0, sizeof(ev));
	ev.type = ent->k.kind == OP_SEND ? EV_SEND : EV_RECV;
	ev.proc = p->name;
	ev.op = ent->k.kind;
	ev.chan = kb->ops[i].chan;
	ev.status = ST_BLOCKED;
	ev.timeout_ms = -1;
	if (ent->k.kind == OP_SEND) {
		ev.msg = kb->shm->out + ent->off;
		ev.len = ent->len;
		ev.has_msg = true;
	}
	ev.fill = kb_shown(c, c->kest[side], side);
	ev.capacity = c->kcap[side];
	kchan_reason_of(c, ent->k.kind, ev.fill, ev.capacity, reason,
	    sizeof(reason));
	ev.reason = reason;
	engine_event(e, &ev);
}

/*
 * The fill to show: the count, but never past the capacity.  A send is
 * told when it began, and the receive that made its room a moment
 * before may be told after it, when it returned.
 */
static size_t
kb_shown(const struct chan *c, int64_t fill, int side)
{
	if (fill < 0)
		return (0);
	if (c->kcap[side] > 0 && fill > c->kcap[side])
		return ((size_t)c->kcap[side]);
	return ((size_t)fill);
}

/* An OK result, told as kchan_answer would tell it, without an op. */
static void
kb_tell(struct engine *e, struct proc *p, struct chan *c, size_t i)
{
	struct kbatch	*kb = p->kb;
	struct kb_ent	*ent = &kb->shm->ent[i];
	struct kb_res	*res = &kb->shm->res[i];
	struct event	 ev;
	int		 side;

	memset(&ev, 0, sizeof(ev));
	ev.fill = kb_count(kb, c, i, &side);
	ev.capacity = c->kcap[side];
	ev.type = res->wait_ns != 0 ? EV_UNBLOCK : ent->k.kind == OP_SEND ?
	    EV_SEND : EV_RECV;
	ev.proc = p->name;
	ev.op = ent->k.kind;
	ev.chan = kb->ops[i].chan;
	ev.status = ST_OK;
	ev.has_msg = true;
	ev.size = (size_t)res->n;
	if (res->wait_ns != 0)
		c->c_wakeups++;
	if (ent->k.kind == OP_SEND) {
		c->c_messages++;
		c->c_bytes += (size_t)res->n;
		ev.msg = kb->shm->out + ent->off;
		ev.len = ent->len;
	} else {
		free(p->last);
		p->last = xmemdup(kb->shm->in + res->off, res->len);
		p->last_len = res->len;
		p->has_last = true;
		ev.msg = p->last;
		ev.len = res->len;
		ev.truncated = (res->flags & KD_TRUNC) != 0;
	}
	engine_event(e, &ev);
	/* A process asleep in a syscall may have been woken by this. */
	kchan_recheck(e, p);
}

/* p waits in its operation i: that is told now, in its place. */
static void
kb_wait_told(struct engine *e, struct proc *p, size_t i)
{
	struct kbatch	*kb = p->kb;
	struct chan	*c;

	kb->wait_seen = false;
	kb->told_blocked = true;
	p->prog_line = kb->ops[i].line;
	if ((c = chan_find(e, kb->ops[i].chan)) != NULL)
		kb_tell_wait(e, p, c, i);
}

/* Is an end of result i's: a failure, the end of the channel? */
static bool
kb_failed(const struct kb_res *res)
{
	return (res->err != 0 || (res->flags & KD_EOF));
}

/*
 * The next of p's results (i): told in one step, or two for one that
 * waited -- its wait first.  True when it is all told.
 */
static bool
kb_emit(struct engine *e, struct proc *p, size_t i)
{
	struct kbatch	*kb = p->kb;
	struct kb_res	*res = &kb->shm->res[i];
	struct chan	*c;
	struct proc	*q;
	unsigned char	*buf;
	struct kdone	 d;
	bool		 adopted = kb->adopted == i + 1 && p->op != NULL;

	p->prog_line = kb->ops[i].line;
	if ((c = chan_find(e, kb->ops[i].chan)) == NULL)
		return (true);	/* kchan_close_busy keeps it: not here */
	/* Adopted, and not (yet) called blocked: told here instead. */
	if (adopted && !p->op->blocked) {
		kb_unadopt(p);
		adopted = false;
	}
	if (!adopted && res->wait_ns != 0 && !kb->told_blocked) {
		kb_tell_wait(e, p, c, i);
		kb->told_blocked = true;
		return (false);
	}
	kb->told_blocked = false;
	if (!adopted && !kb_failed(res)) {
		kb_tell(e, p, c, i);
		e->wfg_dirty = true;
		return (true);
	}
	/* A peer's death ended it: that is told first, as kchan_done does. */
	if (kb_failed(res)) {
		TAILQ_FOREACH(q, &e->procs, entry) {
			if (q != p && q->dying && q->state != PS_EXITED)
				kchan_await_exit(e, q);
		}
		if (p->kb == NULL || p->state == PS_EXITED)
			return (true);
	}
	/* Adopted, or a failure: an operation's answer, with its words. */
	if (!adopted) {
		kb_adopt(e, p, i);
		/* It waited, and that was told: its end is an unblock. */
		if (p->op != NULL && res->wait_ns != 0)
			p->op->blocked = p->op->kwoken = true;
	}
	if (p->op == NULL)
		return (true);
	memset(&d, 0, sizeof(d));
	d.err = res->err;
	d.flags = res->flags & ~KD_FILL;
	d.n = res->n;
	if (!kb_failed(res)) {
		int	side;

		/* Its fill counted in its place, as the others'. */
		d.inq = (int64_t)kb_count(kb, c, i, &side);
		d.cap = c->kcap[side];
		d.flags |= KD_FILL | KD_COUNTED;
	}
	buf = xmalloc(sizeof(d) + res->len);
	memcpy(buf, &d, sizeof(d));
	memcpy(buf + sizeof(d), kb->shm->in + res->off, res->len);
	kb->adopted = 0;
	kchan_answer(e, p, buf, sizeof(d) + res->len);
	free(buf);
	return (true);
}

static void	kb_drain_to(struct engine *, uint64_t, uint64_t);

void
kbatch_drain(struct engine *e)
{
	kb_drain_to(e, UINT64_MAX, UINT64_MAX);
}

/*
 * As kbatch_drain, before an operation made the usual way whose syscall
 * ran from t0 to t1 is told: a batch's send that began before t1 may
 * have fed it, and comes first; what a batch saw end after t0 (a
 * receive, a wait) may have been its doing, and comes after it.
 */
static void
kb_drain_to(struct engine *e, uint64_t t0, uint64_t t1)
{
	static bool	 draining;
	struct proc	*p, *best;
	struct kbatch	*kb;
	struct kb_res	*r;
	uint64_t	 now, horizon, ns, best_ns = 0, cur_ns;
	uint32_t	 cur, done, waiting;
	bool		 any = false, first;

	if (draining)
		return;
	draining = true;
	now = now_ns();
	horizon = now;
	TAILQ_FOREACH(p, &e->procs, entry) {
		/*
		 * An operation made the usual way, not back yet, not blocked:
		 * what ended after it began may be its doing.
		 */
		if (p->op != NULL && p->op->kernel && !p->op->blocked &&
		    p->op->kstart_ns != 0 && p->op->kstart_ns < t0)
			t0 = p->op->kstart_ns;
		if ((kb = p->kb) == NULL || kb->modeled || !kb_busy(kb))
			continue;
		any = true;
		if (!kb->running) {
			kb->snap = kb->total;
			continue;
		}
		cur = LD(kb->shm->h.cur);
		cur_ns = LD(kb->shm->h.cur_ns);
		waiting = LD(kb->shm->h.waiting);
		kb->snap = LD(kb->shm->h.done);
		/*
		 * One under way that does not wait will be told at a time
		 * after its start: a send's bytes, a receive's room, may be
		 * what the others' results came of.  Short: one that must
		 * wait says so (and its wait is told in its place, below),
		 * and one that does not say so is adopted after a while.
		 */
		if (cur != 0 && cur <= kb->n && cur_ns < horizon &&
		    waiting != cur && !(kb->adopted == cur && p->op != NULL &&
		    p->op->blocked))
			horizon = cur_ns;
		kb->wait_seen = cur != 0 && cur <= kb->n && waiting == cur &&
		    cur - 1 == kb->drained && kb->snap < cur &&
		    !kb->told_blocked;
	}
	for (; any; ) {
		best = NULL;
		TAILQ_FOREACH(p, &e->procs, entry) {
			if ((kb = p->kb) == NULL || kb->modeled)
				continue;
			/* Waiting in its next: the wait, in its place. */
			if (kb->wait_seen && kb->drained < kb->n) {
				ns = kb->shm->res[kb->drained].wait_ns;
				if (ns <= horizon && ns <= t1 &&
				    (best == NULL || ns < best_ns)) {
					best = p;
					best_ns = ns;
				}
				continue;
			}
			if (kb->drained >= kb->snap)
				continue;
			r = &kb->shm->res[kb->drained];
			/*
			 * Where it goes: a wait when it was found; a send that
			 * did not wait when it began, as its bytes were there
			 * from then on (whoever read them is told after); the
			 * rest -- a receive, the end of a wait -- when done.
			 */
			if (r->wait_ns != 0 && !kb->told_blocked &&
			    (kb->adopted != kb->drained + 1 || p->op == NULL ||
			    !p->op->blocked)) {
				ns = r->wait_ns;
				first = true;
			} else if (r->wait_ns == 0 && !(kb->adopted ==
			    kb->drained + 1 && p->op != NULL && p->op->blocked) &&
			    kb->shm->ent[kb->drained].k.kind == OP_SEND) {
				ns = r->ns;
				first = true;
			} else {
				ns = r->end_ns;
				first = false;
			}
			if (ns > horizon || ns > (first ? t1 : t0))
				continue;
			if (best == NULL || ns < best_ns) {
				best = p;
				best_ns = ns;
			}
		}
		if (best == NULL)
			break;
		if (best->kb->wait_seen) {
			kb_wait_told(e, best, best->kb->drained);
			continue;
		}
		if (kb_emit(e, best, best->kb->drained) && best->kb != NULL)
			best->kb->drained++;
		if (best->kb != NULL && !kb_busy(best->kb))
			kb_settle(e, best);
	}
	TAILQ_FOREACH(p, &e->procs, entry) {
		if ((kb = p->kb) == NULL || kb->modeled || !kb->running ||
		    kb->adopted != 0 || p->op != NULL || p->state == PS_EXITED)
			continue;
		/*
		 * Waiting in its syscall, under way long, or stopped: it may
		 * sleep there, for /proc to tell (kwatch.c).
		 */
		cur = LD(kb->shm->h.cur);
		cur_ns = LD(kb->shm->h.cur_ns);
		done = LD(kb->shm->h.done);
		now = now_ns();
		if (cur != 0 && cur - 1 == kb->drained && cur <= kb->n &&
		    done < cur && (kb->told_blocked || LD(kb->shm->h.stop) ||
		    (now > cur_ns && now - cur_ns >= KB_ADOPT_NS))) {
			kb_adopt(e, p, cur - 1);
			if (p->op != NULL)
				p->op->ktold = kb->told_blocked;
		}
	}
	draining = false;
}

bool
kbatch_any(const struct engine *e)
{
	const struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (kb_busy(p->kb))
			return (true);
	}
	return (false);
}

/*
 * p's operation, made the usual way, is back: first what the batches
 * did before.  A send a batch has just begun may have fed it: its
 * result is awaited, for KB_BEFORE_NS at most (one under way longer
 * waits for room, or the machine keeps its agent from running: then
 * the order is the one it gets).
 */
void
kbatch_before(struct engine *e, struct proc *p, uint64_t t0, uint64_t t1)
{
	struct proc	*q;
	struct kbatch	*kb;
	uint32_t	 cur, first;
	uint64_t	 end = now_ns() + KB_BEFORE_NS;

	TAILQ_FOREACH(q, &e->procs, entry) {
		if (q == p || (kb = q->kb) == NULL || kb->modeled ||
		    !kb->running)
			continue;
		/* The send under way now, not the ones after it. */
		first = LD(kb->shm->h.cur);
		while ((cur = LD(kb->shm->h.cur)) == first && cur != 0 &&
		    cur <= kb->n && kb->adopted != cur &&
		    kb->shm->ent[cur - 1].k.kind == OP_SEND &&
		    LD(kb->shm->h.waiting) != cur &&
		    LD(kb->shm->h.done) < cur && now_ns() < end)
			sched_yield();
	}
	if (t0 == 0 || t1 == 0)
		t0 = t1 = UINT64_MAX;
	kb_drain_to(e, t0, t1);
}

/*
 * An operation made the usual way on c, while a batch on c is under way:
 * its fill is counted as the batch's are, in the order told (a measure
 * taken now would count what the batch did after it).
 */
bool
kbatch_count(struct engine *e, struct chan *c, enum op_kind kind, int kside,
    size_t n, size_t *fill, long *cap)
{
	int		 side;

	/* A datagram socket's fill is its next datagram's: measured. */
	if ((kind != OP_SEND && kind != OP_RECV) || !kbatch_counting(e, c))
		return (false);
	side = kb_side(c, kind, kside);
	kb_add(c, kind, side, n);
	*fill = kb_shown(c, c->kest[side], side);
	*cap = c->kcap[side];
	return (true);
}

/* Before p is called blocked: has its adopted operation just ended? */
bool
kbatch_sync(struct engine *e, struct proc *p)
{
	struct kbatch	*kb = p->kb;

	if (kb == NULL || kb->modeled || kb->adopted == 0 || !kb->running ||
	    LD(kb->shm->h.done) < kb->adopted)
		return (false);
	kbatch_drain(e);
	return (true);
}

/* The agent says its batch is over after done operations. */
void
kbatch_end(struct engine *e, struct proc *p, uint32_t gen, int32_t done)
{
	struct kbatch	*kb = p->kb;

	if (kb == NULL || !kb->running || gen != kb->gen)
		return;
	kb->running = false;
	/* -1: the agent could not map the region; no batch again. */
	if (done == -1)
		kb->broken = true;
	kb->total = done < 0 ? 0 : (size_t)done > kb->n ? kb->n : (size_t)done;
	if (kb->modeled) {
		mbatch_end(e, p);
		return;
	}
	kbatch_drain(e);
	kb_settle(e, p);
}

/* p has died: what it did before is told, then the batch is gone. */
void
kbatch_gone(struct engine *e, struct proc *p)
{
	struct kbatch	*kb = p->kb;

	if (kb == NULL)
		return;
	if (kb->modeled) {
		kb_free(kb);
		p->kb = NULL;
		return;
	}
	if (kb->running) {
		kb->running = false;
		kb->total = LD(kb->shm->h.done);
		if (kb->total > kb->n)
			kb->total = kb->n;
	}
	/*
	 * What it did before it died, told before its death (the others'
	 * results wait for the loop: one of them may be what its death
	 * caused, an end of channel, told after it).
	 */
	while (p->kb != NULL && kb->drained < kb->total) {
		if (kb_emit(e, p, kb->drained))
			kb->drained++;
	}
	kb_free(kb);
	p->kb = NULL;
}

void
kbatch_free(struct proc *p)
{
	kb_free(p->kb);
	p->kb = NULL;
}

bool
engine_kbatch_info(struct engine *e, const char *name,
    struct kbatch_info *bi)
{
	struct proc	*p;
	struct kbatch	*kb;
	uint32_t	 cur;
	size_t		 done;

	memset(bi, 0, sizeof(*bi));
	if ((p = proc_find(e, name)) == NULL || (kb = p->kb) == NULL)
		return (false);
	bi->n = kb->n;
	if (kb->modeled) {
		bi->started = kb->started;
		bi->done = kb->drained;
		bi->over = mbatch_over(p, &bi->inside);
		return (true);
	}
	bi->done = kb->drained;
	if (kb->running) {
		/* cur before done: each counts the one under way once. */
		cur = LD(kb->shm->h.cur);
		done = LD(kb->shm->h.done);
		bi->started = done > cur ? done : cur;
	} else
		bi->started = kb->total;
	if (bi->started > kb->n)
		bi->started = kb->n;
	if (bi->started < bi->done)
		bi->started = bi->done;
	if (!kb_busy(kb))
		bi->over = true;
	else if (kb->adopted == kb->drained + 1 && p->op != NULL &&
	    p->op->blocked && LD(kb->shm->h.stop)) {
		/* Stopped inside a blocked one: that one goes on alone. */
		bi->over = bi->inside = true;
	}
	return (true);
}

/* Start no more of p's batch; one under way goes on. */
void
engine_kbatch_stop(struct engine *e, const char *name)
{
	struct proc	*p;

	if ((p = proc_find(e, name)) == NULL || p->kb == NULL)
		return;
	if (p->kb->modeled) {
		mbatch_stop(e, p);
		return;
	}
	if (!p->kb->running)
		return;
	ST(p->kb->shm->h.stop, 1);
	kbatch_drain(e);
}
