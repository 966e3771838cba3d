/*
 * The engine as a model: a copy of a playground's modeled state with no
 * process behind it, for explore (SPEC section 11) to search.
 *
 * A model engine runs the very code the playground runs -- chan.c, op.c,
 * call.c, the wait-for graph -- but an operation goes straight to
 * op_start() instead of through an agent, so it is done (or blocked)
 * when engine_submit() returns, and nothing is ever forked, signalled or
 * reaped.  engine_model() copies any engine, a playground or a model:
 * processes, channels, the messages in them and the operations blocked on
 * them, waiters in their queues' order.  What a model cannot copy or run
 * is refused in one line: kernel channels (real descriptors), filters and
 * balancers, lossy and unordered delivery (a search is over schedules,
 * not over coin flips), timeouts (no time passes in a model), signals.
 *
 * engine_state() writes what makes two models behave alike -- processes'
 * states and operations, channels' messages, versions and waiters -- and
 * nothing that does not (counters, sequence numbers, stamps), so that a
 * search can tell states apart by their bytes.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static struct proc *
map_proc(struct engine *dst, const struct proc *p)
{
	struct proc	*q;

	if (p == NULL)
		return (NULL);
	TAILQ_FOREACH(q, &dst->procs, entry) {
		if (q->idx == p->idx)
			return (q);
	}
	return (NULL);
}

static struct chan *
map_chan(struct engine *dst, const struct chan *c)
{
	struct chan	*d;

	struct proc	*q;

	if (c == NULL)
		return (NULL);
	/* A mailbox by its owner: a name spawned again has two "@A". */
	if (c->owner != NULL)
		return ((q = map_proc(dst, c->owner)) != NULL ? q->mailbox :
		    NULL);
	TAILQ_FOREACH(d, &dst->chans, entry) {
		if (strcmp(d->name, c->name) == 0 && d->owner == NULL)
			return (d);
	}
	return (NULL);
}

/*
 * Is c one the caller said nothing will use (and nobody waits on, and no
 * mailbox)?  Then the model leaves it out, whatever it is.
 */
static bool
left_out(const struct engine *src, const struct chan *c,
    const char *const *out, size_t nout)
{
	const struct proc	*p;
	size_t			 i;

	if (nout == 0 || c->owner != NULL ||
	    c->nsenders + c->nreceivers + c->npollers > 0)
		return (false);
	/* An operation under way names it (a send to c1,c2 half done). */
	TAILQ_FOREACH(p, &src->procs, entry) {
		for (i = 0; p->op != NULL && p->op->chans != NULL &&
		    i < p->op->nnames; i++) {
			if (p->op->chans[i] == c)
				return (false);
		}
	}
	for (i = 0; i < nout; i++) {
		if (strcmp(out[i], c->name) == 0)
			return (true);
	}
	return (false);
}

/* What a model cannot be made of, or NULL. */
static char *
model_refuses(const struct engine *src, const char *const *out, size_t nout)
{
	const struct proc	*p;
	const struct chan	*c;
	char			*why = NULL;

	TAILQ_FOREACH(c, &src->chans, entry) {
		if (left_out(src, c, out, nout))
			continue;
		if (c->mech != MECH_MODELED)
			xasprintf(&why, "%s is a kernel channel: explore "
			    "searches modeled channels only", c->name);
		else if (c->filter != NULL || c->nbalance > 0)
			xasprintf(&why, "%s has a %s: explore does not model "
			    "interposition", c->name, c->filter != NULL ?
			    "filter" : "balancer");
		else if (c->format == FMT_CAP)
			xasprintf(&why, "%s carries capabilities: explore does "
			    "not model rights changing hands", c->name);
		else if (c->delivery != DEL_FIFO)
			xasprintf(&why, "%s is %s: explore searches schedules, "
			    "not losses and shuffles", c->name,
			    delivery_name(c->delivery));
		if (why != NULL)
			return (why);
	}
	TAILQ_FOREACH(p, &src->procs, entry) {
		if (p->state == PS_EXITED)
			continue;
		if (p->op != NULL && p->op->deadline != 0)
			xasprintf(&why, "%s waits with a --timeout: no time "
			    "passes in explore's model", p->name);
		else if (p->state == PS_BUSY || p->dying || (p->op != NULL &&
		    (p->op->kernel || p->op->kind == OP_SIGNAL)))
			xasprintf(&why, "%s is inside an operation that has "
			    "not settled: explore starts from a quiet "
			    "playground", p->name);
		if (why != NULL)
			return (why);
	}
	return (NULL);
}

static struct op *
op_copy(struct engine *dst, const struct op *o)
{
	struct op	*op;
	size_t		 i;

	op = xcalloc(1, sizeof(*op));
	*op = *o;
	op->names = xcalloc(o->nnames + 1, sizeof(*op->names));
	for (i = 0; i < o->nnames; i++)
		op->names[i] = xstrdup(o->names[i]);
	op->spec = o->spec != NULL ? xstrdup(o->spec) : NULL;
	op->msg = xmemdup(o->msg != NULL ? o->msg : (const unsigned char *)"",
	    o->len);
	op->target = o->target != NULL ? xstrdup(o->target) : NULL;
	op->target_proc = NULL;
	op->callee = map_proc(dst, o->callee);
	op->chans = NULL;
	if (o->chans != NULL) {
		op->chans = xcalloc(o->nnames + 1, sizeof(*op->chans));
		for (i = 0; i < o->nnames; i++)
			op->chans[i] = map_chan(dst, o->chans[i]);
	}
	/* The waiters are made again with the channels' queues. */
	op->waits = o->nwaits > 0 ? xcalloc(o->nwaits, sizeof(*op->waits)) :
	    NULL;
	op->kfds = NULL;
	op->ksides = NULL;
	op->ktaken = NULL;
	op->kpeer = NULL;
	return (op);
}

static void
queue_copy(struct chan *d, const struct waitq *q, struct engine *dst)
{
	const struct waiter	*w;
	struct waiter		*nw;
	struct proc		*p;
	size_t			 i;

	TAILQ_FOREACH(w, q, entry) {
		if ((p = map_proc(dst, w->proc)) == NULL || p->op == NULL)
			continue;
		nw = waiter_add(d, p, w->role);
		for (i = 0; i < w->proc->op->nwaits; i++) {
			if (w->proc->op->waits[i] == w)
				p->op->waits[i] = nw;
		}
	}
}

static void
chan_copy(struct engine *dst, const struct chan *c)
{
	struct chan_config	 cf;
	struct chan		*d;
	const struct msg	*m;
	struct msg		*nm;
	size_t			 i;

	memset(&cf, 0, sizeof(cf));
	cf.buffering = c->buffering;
	cf.capacity = c->capacity;
	cf.format = c->format;
	cf.fixed_len = c->fixed_len;
	cf.delivery = c->delivery;
	cf.max_bytes = c->max_bytes;
	d = chan_new(dst, c->owner != NULL ? c->owner->name : c->name, &cf,
	    map_proc(dst, c->owner));
	if (c->owner != NULL)
		map_proc(dst, c->owner)->mailbox = d;
	d->born = c->born;
	if (c->nfrom > 0) {
		d->from = xcalloc(c->nfrom, sizeof(*d->from));
		for (i = 0; i < c->nfrom; i++)
			d->from[i] = map_proc(dst, c->from[i]);
		d->nfrom = c->nfrom;
	}
	if (c->nto > 0) {
		d->to = xcalloc(c->nto, sizeof(*d->to));
		for (i = 0; i < c->nto; i++)
			d->to[i] = map_proc(dst, c->to[i]);
		d->nto = c->nto;
	}
	TAILQ_FOREACH(m, &c->msgs, entry) {
		nm = xmemdup(m, MSG_SIZE(m));
		TAILQ_INSERT_TAIL(&d->msgs, nm, entry);
		dst->mem_used += m->len;
	}
	d->nmsgs = c->nmsgs;
	d->bytes = c->bytes;
	d->version = c->version;
	if (c->nseen > 0) {
		d->seen = xmemdup(c->seen, c->nseen * sizeof(*c->seen));
		d->nseen = c->nseen;
	}
	d->tapped = c->tapped;
	d->c_messages = c->c_messages;
	d->c_bytes = c->c_bytes;
	d->c_copies = c->c_copies;
	d->c_wakeups = c->c_wakeups;
	d->c_drops = c->c_drops;
	d->c_dups = c->c_dups;
	d->c_reorders = c->c_reorders;
}

struct engine *
engine_model(const struct engine *src, char **cause)
{
	return (engine_model_without(src, NULL, 0, cause));
}

struct engine *
engine_model_without(const struct engine *src, const char *const *out,
    size_t nout, char **cause)
{
	struct engine		*e;
	const struct proc	*p;
	struct proc		*q;
	const struct chan	*c;
	struct chan		*d;

	if ((*cause = model_refuses(src, out, nout)) != NULL)
		return (NULL);
	e = xcalloc(1, sizeof(*e));
	TAILQ_INIT(&e->procs);
	TAILQ_INIT(&e->chans);
	TAILQ_INIT(&e->dirtyq);
	e->model = true;
	e->rng = src->rng;
	e->seed = src->seed;
	e->mem_cap = src->mem_cap;
	e->proc_max = src->proc_max;
	e->chld_pipe[0] = e->chld_pipe[1] = -1;
	e->intr_fd = -1;
	e->self = src->self;
	e->gen = src->gen;
	e->rdv_note_given = e->epipe_note_given = true;	/* said already */
	TAILQ_FOREACH(p, &src->procs, entry) {
		q = xcalloc(1, sizeof(*q));
		strlcpy(q->name, p->name, sizeof(q->name));
		q->idx = p->idx;
		q->fd = q->wake_fd = q->ctl_fd = -1;
		q->state = p->state;
		q->retired = p->retired;
		q->call_fresh = p->call_fresh;
		q->exit_code = p->exit_code;
		q->exit_sig = p->exit_sig;
		q->has_last = p->has_last;
		if (p->has_last)
			q->last = xmemdup(p->last != NULL ? p->last :
			    (const unsigned char *)"", p->last_len);
		q->last_len = p->last_len;
		q->caught = p->caught;
		if (p->prog != NULL)
			q->prog = xstrdup(p->prog);
		q->prog_line = p->prog_line;
		TAILQ_INSERT_TAIL(&e->procs, q, entry);
	}
	e->nprocs = src->nprocs;
	e->nretired = src->nretired;
	e->nlive = src->nlive;
	/* Pointers between processes, once all of them exist. */
	TAILQ_FOREACH(p, &src->procs, entry) {
		q = map_proc(e, p);
		q->reply_to = map_proc(e, p->reply_to);
		q->dropped = map_proc(e, p->dropped);
	}
	TAILQ_FOREACH(c, &src->chans, entry) {
		if (!left_out(src, c, out, nout))
			chan_copy(e, c);
	}
	TAILQ_FOREACH(p, &src->procs, entry) {
		if (p->op != NULL)
			map_proc(e, p)->op = op_copy(e, p->op);
	}
	TAILQ_FOREACH(c, &src->chans, entry) {
		if ((d = map_chan(e, c)) == NULL)
			continue;	/* left out: nobody waits on it */
		queue_copy(d, &c->senders, e);
		queue_copy(d, &c->receivers, e);
		queue_copy(d, &c->pollers, e);
	}
	return (e);
}

/* A model's operation: done or blocked by the time this returns. */
int
model_submit(struct engine *e, struct proc *p, char **cause)
{
	struct op	*op = p->op;
	int		 code;

	if (op_brokered(op->kind) && op->timeout_ms >= 0)
		xasprintf(cause, "a --timeout: no time passes in explore's "
		    "model");
	else if (op_brokered(op->kind)) {
		op_start(e, p);		/* as when the agent sends it back */
		return (0);
	} else if (op->kind == OP_EXIT) {
		code = op->code;
		op_free(op);
		p->op = NULL;
		proc_gone(e, p, (code & 0xff) << 8);
		return (0);
	} else
		xasprintf(cause, "%s is not modeled by explore (send, recv, "
		    "poll, call, reply, exit are)", op_name(op->kind));
	op_free(op);
	p->op = NULL;
	p->state = PS_IDLE;
	e->refused = true;
	return (-1);
}

bool
engine_poll_waits(const struct engine *e)
{
	const struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->op != NULL && p->op->kind == OP_POLL && p->op->blocked)
			return (true);
	}
	return (false);
}

size_t
engine_mem_used(const struct engine *e)
{
	return (e->mem_used);
}

bool
engine_model_refused(const struct engine *e)
{
	return (e->refused);
}

/* A growing string of bytes. */
struct bytes {
	unsigned char	*b;
	size_t		 len, cap;
};

static void
put(struct bytes *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2 + 64;
		s->b = xreallocarray(s->b, s->cap, 1);
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void
put_u64(struct bytes *s, uint64_t v)
{
	put(s, &v, sizeof(v));
}

static void
put_str(struct bytes *s, const void *p, size_t n)
{
	put_u64(s, n);
	put(s, p, n);
}

/*
 * A message's bytes, or for a long one its length and two hashes: a
 * state holding sixty-four kilobytes of messages is a few bytes to store.
 */
static void
put_msg(struct bytes *s, const unsigned char *p, size_t n)
{
	if (n <= 64) {
		put_str(s, p, n);
		return;
	}
	put_u64(s, n);
	put_u64(s, hash_bytes(p, n));
	put_u64(s, hash_bytes(p, n / 2) ^ hash_bytes(p + n / 2, n - n / 2));
}

static uint64_t
idx_of(const struct proc *p)
{
	return (p != NULL ? p->idx : UINT64_MAX);
}

size_t
engine_state(const struct engine *e, unsigned char **out)
{
	struct bytes		 s = { NULL, 0, 0 };
	const struct proc	*p;
	const struct chan	*c;
	const struct msg	*m;
	const struct waiter	*w;
	const struct op		*op;
	size_t			 i;

	TAILQ_FOREACH(p, &e->procs, entry) {
		put_u64(&s, p->state);
		put_u64(&s, (uint64_t)p->exit_code);
		put_u64(&s, p->has_last);
		if (p->has_last)
			put_msg(&s, p->last, p->last_len);
		put_u64(&s, idx_of(p->reply_to));
		put_u64(&s, idx_of(p->dropped));
		put_u64(&s, p->call_fresh);
		if ((op = p->op) == NULL) {
			put_u64(&s, UINT64_MAX);
			continue;
		}
		put_u64(&s, op->kind);
		put_str(&s, op->spec, strlen(op->spec));
		put_msg(&s, op->msg, op->len);
		put_u64(&s, op->call);
		put_u64(&s, op->blocked);
		put_u64(&s, idx_of(op->callee));
		put_u64(&s, op->next);
		put_u64(&s, op->sent);
	}
	TAILQ_FOREACH(c, &e->chans, entry) {
		put_str(&s, c->name, strlen(c->name));
		put_u64(&s, c->nmsgs);
		TAILQ_FOREACH(m, &c->msgs, entry) {
			put_str(&s, m->from, strlen(m->from));
			put_msg(&s, m->data, m->len);
		}
		/* Who may use it (rights can be given). */
		for (i = 0; i < c->nfrom; i++)
			put_u64(&s, idx_of(c->from[i]));
		put_u64(&s, UINT64_MAX);
		for (i = 0; i < c->nto; i++)
			put_u64(&s, idx_of(c->to[i]));
		put_u64(&s, UINT64_MAX);
		/*
		 * A register's version counts for ever; what a process can
		 * tell of it is only whether there is a value, and whether it
		 * has read the latest.
		 */
		put_u64(&s, c->version != 0);
		for (i = 0; i < c->nseen; i++)
			put_u64(&s, c->seen[i] == c->version);
		put_u64(&s, UINT64_MAX);
		TAILQ_FOREACH(w, &c->senders, entry)
			put_u64(&s, w->proc->idx);
		put_u64(&s, UINT64_MAX);
		TAILQ_FOREACH(w, &c->receivers, entry)
			put_u64(&s, w->proc->idx);
		put_u64(&s, UINT64_MAX);
		TAILQ_FOREACH(w, &c->pollers, entry)
			put_u64(&s, w->proc->idx);
		put_u64(&s, UINT64_MAX);
	}
	*out = s.b;
	return (s.len);
}
