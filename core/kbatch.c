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
 * a send at the moment it began, a receive when it returned (so the send
 * that fed a receive always comes first).  A result is held back while
 * another agent is inside a send that began before it: that send's
 * result, when it comes, belongs in front.
 *
 * Blocking.  An agent found inside the same operation for KB_ADOPT_MS
 * (or at once when the batch is being stopped) may be asleep in it: that
 * operation becomes the process's own in-flight operation (p->op), as if
 * it had been submitted alone, and /proc decides whether it is blocked
 * (kwatch.c) -- so the "blocked" event, the wait-for graph and deadlock
 * detection are those of any kernel operation.  Its result, when it
 * comes, ends it as an agent's answer would (kchan_answer).
 *
 * Fill.  The agent measures what its own end can say after each
 * operation (FIONREAD, mq_getattr).  The one it cannot is what a send on
 * a socket pair left at the other end: that is counted from the events,
 * from the last receive's measure there; the capacities come once per
 * batch from the control threads.
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

#define LD(field)	atomic_load_explicit((_Atomic __typeof__(field) *) \
			    &(field), memory_order_acquire)
#define ST(field, v)	atomic_store_explicit((_Atomic __typeof__(field) *) \
			    &(field), (v), memory_order_release)

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

/* Does p's batch still run, and does p hold an end of c? */
bool
kbatch_holds(const struct proc *p, const struct chan *c)
{
	size_t	i;

	if (!kb_busy(p->kb))
		return (false);
	for (i = 0; i < c->nends; i++) {
		if (c->ends[i].proc == p && c->ends[i].open)
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
			c->kest[side] = fill;
		}
	}
}

/* The steps left, in a region every agent maps; made the first time. */
static bool
kb_left_map(struct engine *e, char **cause)
{
	void	*m;
	int	 fd;

	if (e->kb_left != NULL)
		return (true);
	if ((fd = memfd_create("ipcplay-steps", MFD_CLOEXEC)) == -1 ||
	    ftruncate(fd, sizeof(int64_t)) == -1 ||
	    (m = mmap(NULL, sizeof(int64_t), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "the steps' region: %s", strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return (false);
	}
	e->kb_left = m;
	e->kb_left_fd = fd;
	ST(*e->kb_left, INT64_MAX);
	return (true);
}

/* A run may take n more steps (-1: any number). */
void
engine_kbatch_limit(struct engine *e, long long n)
{
	char	*cause = NULL;

	if (!kb_left_map(e, &cause)) {
		free(cause);
		return;
	}
	ST(*e->kb_left, n < 0 ? INT64_MAX : (int64_t)n);
}

long long
engine_kbatch_left(struct engine *e)
{
	int64_t	n;

	if (e->kb_left == NULL)
		return (-1);
	n = LD(*e->kb_left);
	return (n == INT64_MAX ? -1 : n < 0 ? 0 : n);
}

/* One step, for an operation made the usual way: false if none is left. */
bool
engine_kbatch_take(struct engine *e)
{
	if (e->kb_left == NULL)
		return (true);
	if (atomic_fetch_sub((_Atomic int64_t *)e->kb_left, 1) > 0)
		return (true);
	(void)atomic_fetch_add((_Atomic int64_t *)e->kb_left, 1);
	return (false);
}

void
kbatch_engine_free(struct engine *e)
{
	if (e->kb_left != NULL) {
		(void)munmap(e->kb_left, sizeof(int64_t));
		(void)close(e->kb_left_fd);
		e->kb_left = NULL;
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
	    kb_busy(p->kb) || n == 0) {
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
	struct kbatch	*kb = p->kb;
	struct kb_ent	*ent = &kb->shm->ent[i];
	struct chan	*c;
	struct op	*op;

	if (p->op != NULL || (c = chan_find(e, kb->ops[i].chan)) == NULL)
		return;
	op = xcalloc(1, sizeof(*op));
	op->kind = ent->k.kind;
	op->id = ++p->next_id;
	op->nnames = 1;
	op->names = xcalloc(2, sizeof(*op->names));
	op->names[0] = xstrdup(kb->ops[i].chan);
	op->spec = xstrdup(kb->ops[i].chan);
	op->msg = xmemdup(op->kind == OP_SEND ? kb->shm->out + ent->off :
	    (const unsigned char *)"", op->kind == OP_SEND ? ent->len : 0);
	op->len = op->kind == OP_SEND ? ent->len : 0;
	op->nonblock = ent->k.nonblock != 0;
	op->timeout_ms = ent->k.timeout_ms;
	op->max = ent->k.max;
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
static size_t
kb_count(struct kbatch *kb, struct chan *c, size_t i, int *sidep)
{
	struct kb_ent	*ent = &kb->shm->ent[i];
	struct kb_res	*res = &kb->shm->res[i];
	size_t		 unit;
	int		 side = 0;

	if (c->mech == MECH_SOCKETPAIR)
		side = ent->k.kind == OP_SEND ? 1 - kb->ops[i].kside :
		    kb->ops[i].kside;
	*sidep = side;
	/* Bytes, but for a queue's messages; a datagram's is the next's. */
	unit = c->mech == MECH_MQ ? 1 : (size_t)res->n;
	if (res->flags & KD_FILL)
		c->kest[side] = (size_t)res->inq;
	else if (c->mech == MECH_SOCKETPAIR && c->socktype == SOCK_DGRAM)
		c->kest[side] = c->kest[side] > 0 ? c->kest[side] : unit;
	else if (ent->k.kind == OP_SEND)
		c->kest[side] += unit;
	else
		c->kest[side] -= c->kest[side] < unit ? c->kest[side] : unit;
	return (c->kest[side]);
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
	ev.type = ent->k.kind == OP_SEND ? EV_SEND : EV_RECV;
	ev.proc = p->name;
	ev.op = ent->k.kind;
	ev.chan = kb->ops[i].chan;
	ev.status = ST_OK;
	ev.has_msg = true;
	ev.size = (size_t)res->n;
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

/* Result i of p's batch: its event. */
static void
kb_emit(struct engine *e, struct proc *p, size_t i)
{
	struct kbatch	*kb = p->kb;
	struct kb_res	*res = &kb->shm->res[i];
	struct chan	*c;
	unsigned char	*buf;
	struct kdone	 d;

	p->prog_line = kb->ops[i].line;
	if ((c = chan_find(e, kb->ops[i].chan)) == NULL)
		return;		/* kchan_close_busy keeps it: not here */
	if (kb->adopted != i + 1 && res->err == 0 && !(res->flags & KD_EOF)) {
		kb_tell(e, p, c, i);
		e->wfg_dirty = true;
		return;
	}
	/* Adopted, or a failure: an operation's answer, with its words. */
	if (kb->adopted != i + 1)
		kb_adopt(e, p, i);
	if (p->op == NULL)
		return;
	memset(&d, 0, sizeof(d));
	d.err = res->err;
	d.flags = res->flags & ~KD_FILL;
	d.n = res->n;
	if (d.err == 0 && !(d.flags & KD_EOF)) {
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
}

/*
 * Tell the results the agents have written, in the order they happened,
 * up to the horizon; adopt an operation that has been under way long.
 */
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
	uint32_t	 cur;
	bool		 any = false, waited;

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
		kb->snap = LD(kb->shm->h.done);
		/* A send under way will be told at its start. */
		if (cur != 0 && cur <= kb->n && kb->adopted != cur &&
		    kb->shm->ent[cur - 1].k.kind == OP_SEND && cur_ns < horizon)
			horizon = cur_ns;
	}
	for (; any; ) {
		best = NULL;
		TAILQ_FOREACH(p, &e->procs, entry) {
			if ((kb = p->kb) == NULL || kb->modeled ||
			    kb->drained >= kb->snap)
				continue;
			r = &kb->shm->res[kb->drained];
			/* Told blocked (when it began): now, when it ended. */
			waited = kb->adopted == kb->drained + 1 &&
			    p->op != NULL && p->op->blocked;
			ns = waited ? r->end_ns : r->ns;
			/* A send is told when it began, the rest when done. */
			if (ns > horizon || ns > (!waited &&
			    kb->shm->ent[kb->drained].k.kind == OP_SEND ?
			    t1 : t0))
				continue;
			if (best == NULL || ns < best_ns) {
				best = p;
				best_ns = ns;
			}
		}
		if (best == NULL)
			break;
		kb_emit(e, best, best->kb->drained++);
		if (best->kb != NULL && !kb_busy(best->kb))
			kb_settle(e, best);
	}
	TAILQ_FOREACH(p, &e->procs, entry) {
		if ((kb = p->kb) == NULL || kb->modeled || !kb->running ||
		    kb->adopted != 0 || p->op != NULL || p->state == PS_EXITED)
			continue;
		cur = LD(kb->shm->h.cur);
		cur_ns = LD(kb->shm->h.cur_ns);
		if (cur != 0 && cur - 1 == kb->drained && cur <= kb->n &&
		    (LD(kb->shm->h.stop) || now - cur_ns >= KB_ADOPT_NS) &&
		    LD(kb->shm->h.done) < cur)
			kb_adopt(e, p, cur - 1);
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
	uint32_t	 cur;

	TAILQ_FOREACH(q, &e->procs, entry) {
		if (q == p || (kb = q->kb) == NULL || !kb->running)
			continue;
		while ((cur = LD(kb->shm->h.cur)) != 0 && cur <= kb->n &&
		    kb->adopted != cur && kb->shm->ent[cur - 1].k.kind ==
		    OP_SEND && LD(kb->shm->h.done) < cur &&
		    now_ns() - LD(kb->shm->h.cur_ns) < KB_BEFORE_NS)
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
	struct proc	*q;
	size_t		 unit = c->mech == MECH_MQ ? 1 : n;
	int		 side = 0;

	/* A datagram socket's fill is its next datagram's: measured. */
	if (c->mech == MECH_SHM || (c->mech == MECH_SOCKETPAIR &&
	    c->socktype == SOCK_DGRAM))
		return (false);
	TAILQ_FOREACH(q, &e->procs, entry) {
		if (kbatch_holds(q, c))
			break;
	}
	if (q == NULL)
		return (false);
	if (c->mech == MECH_SOCKETPAIR)
		side = kind == OP_SEND ? 1 - kside : kside;
	if (kind == OP_SEND)
		c->kest[side] += unit;
	else if (kind == OP_RECV)
		c->kest[side] -= c->kest[side] < unit ? c->kest[side] : unit;
	else
		return (false);
	*fill = c->kest[side];
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
	kbatch_drain(e);
	/* Held back by another's send: told now, nothing more comes. */
	while (p->kb != NULL && kb->drained < kb->total)
		kb_emit(e, p, kb->drained++);
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
		cur = LD(kb->shm->h.cur);
		done = LD(kb->shm->h.done);
		bi->started = done + (cur != 0 ? 1 : 0);
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
