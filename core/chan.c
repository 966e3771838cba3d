/*
 * Channels and their semantics.
 *
 * A channel is a buffer (a queue of messages, one register value, or
 * nothing at all for rendezvous) plus three FIFO queues of waiting
 * processes: senders, receivers and pollers.  Operations first try to
 * complete at once (op.c); whatever changes a channel marks it dirty, and
 * chan_progress() then repeatedly matches waiters against the buffer until
 * nothing more can move.  Events therefore come out in causal order: the
 * operation that made progress possible first, then the processes it woke.
 *
 * The costs are counted where they happen: a buffered message is copied
 * twice (into and out of the buffer), a rendezvous hand-off once, and a
 * rendezvous message of at most RDV_REG_BYTES not at all, since an L4
 * kernel passes it in registers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct chan *
chan_new(struct engine *e, const char *name, const struct chan_config *cf,
    struct proc *owner)
{
	struct chan	*c;
	size_t		 i;

	c = xcalloc(1, sizeof(*c));
	c->born = ++e->gen;
	if (owner != NULL)
		snprintf(c->name, sizeof(c->name), "@%s", name);
	else
		strlcpy(c->name, name, sizeof(c->name));
	c->owner = owner;
	c->buffering = cf->buffering;
	c->capacity = cf->capacity;
	c->format = cf->format;
	c->fixed_len = cf->fixed_len;
	c->delivery = cf->delivery;
	c->drop = cf->drop;
	c->dup = cf->dup;
	c->reorder = cf->reorder;
	c->max_bytes = cf->max_bytes != 0 ? cf->max_bytes : CHAN_MAX_DEFAULT;
	if (cf->nfrom > 0) {
		c->from = xcalloc(cf->nfrom, sizeof(*c->from));
		for (i = 0; i < cf->nfrom; i++)
			c->from[i] = proc_find(e, cf->from[i]);
		c->nfrom = cf->nfrom;
	}
	if (cf->nto > 0) {
		c->to = xcalloc(cf->nto, sizeof(*c->to));
		for (i = 0; i < cf->nto; i++)
			c->to[i] = proc_find(e, cf->to[i]);
		c->nto = cf->nto;
	}
	TAILQ_INIT(&c->msgs);
	TAILQ_INIT(&c->senders);
	TAILQ_INIT(&c->receivers);
	TAILQ_INIT(&c->pollers);
	TAILQ_INSERT_TAIL(&e->chans, c, entry);
	e->ccur = NULL;			/* the list changed */
	e->nchans++;
	return (c);
}

void
msg_free_all(struct engine *e, struct chan *c)
{
	struct msg	*m;

	while ((m = TAILQ_FIRST(&c->msgs)) != NULL) {
		TAILQ_REMOVE(&c->msgs, m, entry);
		e->mem_used -= m->len;
		free(m);
	}
	c->nmsgs = 0;
	c->bytes = 0;
}

/* The channel must already be off the engine's list and have no waiters. */
void
chan_destroy(struct engine *e, struct chan *c)
{
	struct waiter	*w;

	while ((w = TAILQ_FIRST(&c->senders)) != NULL)
		waiter_remove(w);
	while ((w = TAILQ_FIRST(&c->receivers)) != NULL)
		waiter_remove(w);
	while ((w = TAILQ_FIRST(&c->pollers)) != NULL)
		waiter_remove(w);
	if (c->dirty)
		TAILQ_REMOVE(&e->dirtyq, c, dirty_entry);
	msg_free_all(e, c);
	pcre2_code_free(c->filter);
	free(c->filter_src);
	free(c->balance);
	free(c->from);
	free(c->to);
	free(c->seen);
	free(c->ends);
	if (c->mech == MECH_SHM)
		kshm_destroy(c);
	free(c);
}

void
chan_mark(struct engine *e, struct chan *c)
{
	if (!c->dirty) {
		c->dirty = true;
		TAILQ_INSERT_TAIL(&e->dirtyq, c, dirty_entry);
	}
}

struct waiter *
waiter_add(struct chan *c, struct proc *p, enum wait_role role)
{
	struct waiter	*w;

	w = xcalloc(1, sizeof(*w));
	w->proc = p;
	w->chan = c;
	w->role = role;
	switch (role) {
	case W_SEND:
		TAILQ_INSERT_TAIL(&c->senders, w, entry);
		c->nsenders++;
		break;
	case W_RECV:
		TAILQ_INSERT_TAIL(&c->receivers, w, entry);
		c->nreceivers++;
		break;
	case W_POLL:
		TAILQ_INSERT_TAIL(&c->pollers, w, entry);
		c->npollers++;
		break;
	}
	return (w);
}

void
waiter_remove(struct waiter *w)
{
	struct chan	*c = w->chan;

	switch (w->role) {
	case W_SEND:
		TAILQ_REMOVE(&c->senders, w, entry);
		c->nsenders--;
		break;
	case W_RECV:
		TAILQ_REMOVE(&c->receivers, w, entry);
		c->nreceivers--;
		break;
	case W_POLL:
		TAILQ_REMOVE(&c->pollers, w, entry);
		c->npollers--;
		break;
	}
	free(w);
}

size_t
chan_fill(const struct chan *c)
{
	switch (c->buffering) {
	case BUF_REGISTER:
		return (c->version > 0 ? 1 : 0);
	case BUF_RENDEZVOUS:
		return (0);
	default:
		return (c->format == FMT_STREAM ? c->bytes : c->nmsgs);
	}
}

long
chan_capacity(const struct chan *c)
{
	switch (c->buffering) {
	case BUF_BOUNDED:
		return ((long)c->capacity);
	case BUF_REGISTER:
		return (1);
	case BUF_RENDEZVOUS:
		return (0);
	default:
		return (-1);
	}
}

static bool
proc_in(struct proc *const *v, size_t n, const struct proc *p)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i] == p)
			return (true);
	}
	return (false);
}

bool
chan_may_send(const struct chan *c, const struct proc *p)
{
	return (c->nfrom == 0 || proc_in(c->from, c->nfrom, p));
}

bool
chan_may_recv(const struct chan *c, const struct proc *p)
{
	if (c->owner != NULL)
		return (p == c->owner);
	return (c->nto == 0 || proc_in(c->to, c->nto, p));
}

static bool
all_exited(struct proc *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i]->state != PS_EXITED)
			return (false);
	}
	return (true);
}

/* Every process allowed to receive has exited: like EPIPE. */
bool
chan_broken(const struct engine *e, const struct chan *c)
{
	(void)e;
	if (c->owner != NULL)
		return (c->owner->state == PS_EXITED);
	return (c->nto > 0 && all_exited(c->to, c->nto));
}

/* Every allowed sender has exited and nothing is left: like EOF. */
bool
chan_ended(const struct engine *e, const struct chan *c)
{
	(void)e;
	if (c->nfrom == 0 || !all_exited(c->from, c->nfrom))
		return (false);
	switch (c->buffering) {
	case BUF_REGISTER:
		return (c->version == 0);
	case BUF_RENDEZVOUS:
		return (c->nsenders == 0);
	default:
		return (c->nmsgs == 0);
	}
}

uint64_t
seen_get(const struct chan *c, const struct proc *p)
{
	return (p->idx < c->nseen ? c->seen[p->idx] : 0);
}

void
seen_set(struct chan *c, const struct proc *p, uint64_t v)
{
	size_t	i;

	if (p->idx >= c->nseen) {
		c->seen = xreallocarray(c->seen, p->idx + 1, sizeof(*c->seen));
		for (i = c->nseen; i <= p->idx; i++)
			c->seen[i] = 0;
		c->nseen = p->idx + 1;
	}
	c->seen[p->idx] = v;
}

bool
chan_readable(const struct engine *e, const struct chan *c,
    const struct proc *p)
{
	if (chan_ended(e, c))
		return (true);
	switch (c->buffering) {
	case BUF_REGISTER:
		return (c->version > seen_get(c, p));
	case BUF_RENDEZVOUS:
		return (c->nsenders > 0);
	default:
		return (c->nmsgs > 0);
	}
}

/* Could a send of len bytes complete now, nobody being ahead of it? */
bool
chan_writable(const struct engine *e, const struct chan *c, size_t len)
{
	if (chan_broken(e, c))
		return (true);	/* it would not block: it would fail */
	switch (c->buffering) {
	case BUF_REGISTER:
		return (true);
	case BUF_RENDEZVOUS:
		return (c->nreceivers > 0);
	case BUF_BOUNDED:
		if (c->format == FMT_STREAM)
			return (c->bytes < c->capacity);
		return (c->nmsgs < c->capacity);
	case BUF_UNBOUNDED:
		(void)len;
		return (true);
	}
	return (false);
}

/*
 * Can p's message of len bytes go into c right now?  For a bounded
 * channel the queue of waiting senders is FIFO: only its head (or anyone,
 * when it is empty) may go in.
 */
bool
chan_can_take(const struct engine *e, const struct chan *c,
    const struct proc *p, size_t len)
{
	struct waiter	*w;

	if (chan_broken(e, c))
		return (false);
	switch (c->buffering) {
	case BUF_UNBOUNDED:
		return (c->bytes + len <= c->max_bytes &&
		    e->mem_used + len <= e->mem_cap);
	case BUF_REGISTER:
		return (true);
	case BUF_RENDEZVOUS:
		return (c->nreceivers > 0);
	case BUF_BOUNDED:
		w = TAILQ_FIRST(&c->senders);
		if (w != NULL && w->proc != p)
			return (false);
		return (chan_writable(e, c, len));
	}
	return (false);
}

/*
 * What the network did to a message (drop, dup, reorder) is told after
 * the sender's own event, which the sender's op emits next; see
 * engine_flush_later().
 */
static void
chan_event_msg(struct engine *e, enum event_type t, struct chan *c,
    const unsigned char *data, size_t len)
{
	struct later	*l;

	l = engine_later(e, t);
	strlcpy(l->chan, c->name, sizeof(l->chan));
	l->msg = xmemdup(data, len);
	l->len = len;
}

/* A new, empty entry on the queue of events told after the op's own. */
struct later *
engine_later(struct engine *e, enum event_type t)
{
	struct later	*l;

	e->later = xreallocarray(e->later, e->nlater + 1, sizeof(*e->later));
	l = &e->later[e->nlater++];
	memset(l, 0, sizeof(*l));
	l->type = t;
	return (l);
}

void
engine_flush_later(struct engine *e)
{
	struct event	 ev;
	struct later	*v = e->later;
	size_t		 n = e->nlater, i;

	e->later = NULL;
	e->nlater = 0;
	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = v[i].type;
		ev.chan = v[i].chan;
		ev.msg = v[i].msg;
		ev.len = v[i].len;
		ev.has_msg = v[i].msg != NULL;
		ev.text = v[i].text;
		if (v[i].from[0] != '\0') {
			ev.peer = v[i].from;
			ev.proc = v[i].to;
		}
		engine_event(e, &ev);
		free(v[i].msg);
		free(v[i].text);
	}
	free(v);
}

static void
chan_append(struct engine *e, struct chan *c, const char *from,
    const unsigned char *data, size_t len, bool before_last)
{
	struct msg	*m, *last;
	struct msg_cap	 caps[MSG_CAPS_MAX];
	size_t		 size = len, ncaps = 0;

	/* fixed:N pads a shorter message with NUL bytes. */
	if (c->format == FMT_FIXED && len < c->fixed_len)
		size = c->fixed_len;
	/* Its capabilities, read once, for every deadlock check to come. */
	if (c->format == FMT_CAP)
		ncaps = cap_summary(data, len, caps);
	m = xcalloc(1, sizeof(*m) + MSG_CAPS_OFF(size) + (ncaps ==
	    MSG_CAPS_MANY ? 0 : ncaps * sizeof(*caps)));
	strlcpy(m->from, from != NULL ? from : "", sizeof(m->from));
	m->stamp = ++e->gen;
	m->len = size;
	m->ncaps = ncaps;
	if (len > 0)
		memcpy(m->data, data, len);
	if (ncaps != MSG_CAPS_MANY && ncaps > 0)
		memcpy(MSG_CAPS(m), caps, ncaps * sizeof(*caps));
	len = size;
	last = TAILQ_LAST(&c->msgs, msgq);
	if (before_last && last != NULL)
		TAILQ_INSERT_BEFORE(last, m, entry);
	else
		TAILQ_INSERT_TAIL(&c->msgs, m, entry);
	c->nmsgs++;
	c->bytes += len;
	e->mem_used += len;
}

/*
 * A lossy channel duplicates a message it has just stored.  The copy
 * obeys the channel's limits like any message: when there is no room
 * for it (bounded N, max=, the playground's cap) it is dropped, and the
 * transcript says so.
 */
static void
chan_dup(struct engine *e, struct chan *c, const char *from,
    const unsigned char *data, size_t len)
{
	struct later	*l;
	bool		 room;

	if (c->buffering == BUF_BOUNDED)
		room = c->format == FMT_STREAM ? c->bytes + len <= c->capacity :
		    c->nmsgs < c->capacity;
	else
		room = c->bytes + len <= c->max_bytes &&
		    e->mem_used + len <= e->mem_cap;
	if (!room) {
		l = engine_later(e, EV_DROP);
		strlcpy(l->chan, c->name, sizeof(l->chan));
		l->msg = xmemdup(data, len);
		l->len = len;
		if (c->buffering == BUF_BOUNDED)
			xasprintf(&l->text, "a duplicate, no room: full "
			    "%zu/%zu", c->format == FMT_STREAM ? c->bytes :
			    c->nmsgs, c->capacity);
		else
			xasprintf(&l->text, "a duplicate, no room: %zu of "
			    "max=%zu bytes held", c->bytes, c->max_bytes);
		return;
	}
	chan_append(e, c, from, data, len, false);
	c->c_dups++;
	c->c_copies++;
	chan_event_msg(e, EV_DUP, c, data, len);
}

/*
 * Put a message into a buffered channel (a register keeps only the
 * latest), applying the delivery mode.  A lossy channel may drop the
 * message (the sender is not told), duplicate it, or slip it in front of
 * the one before it; every random choice comes from the seeded PRNG, so
 * a run replays identically.
 */
void
chan_put(struct engine *e, struct chan *c, const char *from,
    const unsigned char *data, size_t len)
{
	bool	dup = false, reorder = false;

	c->c_messages++;
	c->c_bytes += len;
	c->c_copies++;
	chan_mark(e, c);
	if (c->buffering == BUF_REGISTER) {
		msg_free_all(e, c);
		chan_append(e, c, from, data, len, false);
		c->version++;
		return;
	}
	if (c->delivery == DEL_LOSSY) {
		if (c->drop > 0 && rng_unit(e) < c->drop) {
			c->c_drops++;
			chan_event_msg(e, EV_DROP, c, data, len);
			return;
		}
		dup = c->dup > 0 && rng_unit(e) < c->dup;
		reorder = c->reorder > 0 && c->nmsgs > 0 &&
		    rng_unit(e) < c->reorder;
	}
	chan_append(e, c, from, data, len, reorder);
	if (reorder) {
		c->c_reorders++;
		chan_event_msg(e, EV_REORDER, c, data, len);
	}
	if (dup)
		chan_dup(e, c, from, data, len);
}

/* Take a message out of a buffered channel; the caller frees it. */
struct msg *
chan_take(struct engine *e, struct chan *c)
{
	struct msg	*m;
	size_t		 i, k;

	if (c->nmsgs == 0)
		return (NULL);
	m = TAILQ_FIRST(&c->msgs);
	if (c->delivery == DEL_UNORDERED && c->nmsgs > 1) {
		k = (size_t)(rng_next(e) % c->nmsgs);
		for (i = 0; i < k; i++)
			m = TAILQ_NEXT(m, entry);
	}
	TAILQ_REMOVE(&c->msgs, m, entry);
	c->nmsgs--;
	c->bytes -= m->len;
	e->mem_used -= m->len;
	c->c_copies++;
	chan_mark(e, c);
	return (m);
}

/*
 * Take bytes out of a stream channel: up to max (0: all there is), across
 * the boundaries of what was written.  The caller frees the result.
 */
struct msg *
chan_take_bytes(struct engine *e, struct chan *c, size_t max)
{
	struct msg	*m, *out;
	size_t		 want, k;

	if (c->bytes == 0)
		return (NULL);
	want = max == 0 || max > c->bytes ? c->bytes : max;
	out = xmalloc(sizeof(*out) + want + 1);
	out->len = 0;
	out->from[0] = '\0';
	while (out->len < want && (m = TAILQ_FIRST(&c->msgs)) != NULL) {
		k = m->len < want - out->len ? m->len : want - out->len;
		memcpy(out->data + out->len, m->data, k);
		if (out->from[0] == '\0')
			strlcpy(out->from, m->from, sizeof(out->from));
		out->len += k;
		if (k == m->len) {
			TAILQ_REMOVE(&c->msgs, m, entry);
			c->nmsgs--;
			free(m);
		} else {
			memmove(m->data, m->data + k, m->len - k);
			m->len -= k;
		}
	}
	out->data[out->len] = '\0';
	c->bytes -= out->len;
	e->mem_used -= out->len;
	c->c_copies++;
	chan_mark(e, c);
	return (out);
}

/* What a receiver with p's request takes from c next. */
struct msg *
chan_take_for(struct engine *e, struct chan *c, struct proc *p)
{
	if (c->format == FMT_STREAM)
		return (chan_take_bytes(e, c, p->op != NULL ? p->op->max : 0));
	return (chan_take(e, c));
}

/*
 * Filters are PCRE2 patterns matched with limits, so that no pattern and
 * no message can stall the broker or grow its memory: compiling is
 * bounded by the pattern's length, its nesting and PCRE2's own limit on
 * the compiled size; matching by a count of backtracking steps, a depth
 * and a heap of its own.  A match that hits a limit rejects the message
 * (a validator that cannot decide does not let it through), and a note
 * says so.
 */
#define FILTER_PATTERN_MAX	1024
#define FILTER_NEST_MAX		32
#define FILTER_MATCH_MAX	1000000
#define FILTER_DEPTH_MAX	10000
#define FILTER_HEAP_KIB		1024

static pcre2_match_context *
filter_mctx(void)
{
	static pcre2_match_context	*mctx;

	if (mctx == NULL) {
		if ((mctx = pcre2_match_context_create(NULL)) == NULL)
			return (NULL);
		pcre2_set_match_limit(mctx, FILTER_MATCH_MAX);
		pcre2_set_depth_limit(mctx, FILTER_DEPTH_MAX);
		pcre2_set_heap_limit(mctx, FILTER_HEAP_KIB);
	}
	return (mctx);
}

/* Does the message pass the channel's filter? */
bool
chan_filter_ok(struct engine *e, const struct chan *c,
    const unsigned char *data, size_t len)
{
	pcre2_match_data	*md;
	struct later		*l;
	int			 r;

	if (c->filter == NULL)
		return (true);
	if ((md = pcre2_match_data_create_from_pattern(c->filter,
	    NULL)) == NULL)
		return (false);
	r = pcre2_match(c->filter, data, len, 0, 0, md, filter_mctx());
	pcre2_match_data_free(md);
	if (r >= 0)
		return (true);
	if (r != PCRE2_ERROR_NOMATCH) {
		l = engine_later(e, EV_NOTE);
		strlcpy(l->chan, c->name, sizeof(l->chan));
		xasprintf(&l->text, "the filter on %s gave up on a message "
		    "(%s): it is rejected", c->name, r ==
		    PCRE2_ERROR_MATCHLIMIT ? "too many backtracking steps" :
		    r == PCRE2_ERROR_DEPTHLIMIT ? "too deep" :
		    r == PCRE2_ERROR_HEAPLIMIT ? "out of memory" : "error");
	}
	return (false);
}

static void
chan_fail_all(struct engine *e, struct chan *c, struct waitq *q,
    const char *why)
{
	struct waiter	*w;
	struct event	 ev;

	while ((w = TAILQ_FIRST(q)) != NULL) {
		memset(&ev, 0, sizeof(ev));
		op_finish(e, w->proc, ST_ERROR, why, &ev);
	}
	(void)c;
}

/* One round of matching on one channel; true if anything moved. */
static bool
chan_match(struct engine *e, struct chan *c)
{
	struct waiter	*w, *r;
	struct proc	*rp;
	struct msg	*m;
	const char	*from;

	if (c->nsenders > 0 && chan_broken(e, c)) {
		chan_fail_all(e, c, &c->senders, "broken channel");
		return (true);
	}
	switch (c->buffering) {
	case BUF_UNBOUNDED:
	case BUF_BOUNDED:
		if ((r = TAILQ_FIRST(&c->receivers)) != NULL &&
		    c->nmsgs > 0) {
			rp = op_claim(r);
			m = chan_take_for(e, c, rp);
			op_recv_complete(e, rp, c, m->data, m->len, m->from,
			    m->stamp);
			free(m);
			return (true);
		}
		TAILQ_FOREACH(w, &c->senders, entry) {
			if (op_send_retry(e, w->proc))
				return (true);
			if (c->buffering == BUF_BOUNDED)
				break;	/* FIFO: nobody overtakes the head */
		}
		break;
	case BUF_RENDEZVOUS:
		if (c->nreceivers == 0)
			break;
		TAILQ_FOREACH(w, &c->senders, entry) {
			if (op_send_ready_via(e, w->proc, c)) {
				op_send_via(e, w->proc, c);
				return (true);
			}
		}
		break;
	case BUF_REGISTER:
		if (c->version > 0 && c->nreceivers > 0) {
			m = TAILQ_FIRST(&c->msgs);
			from = m->from;
			while ((r = TAILQ_FIRST(&c->receivers)) != NULL) {
				rp = op_claim(r);
				op_recv_complete(e, rp, c, m->data, m->len,
				    from, m->stamp);
			}
			return (true);
		}
		break;
	}
	if (c->nreceivers > 0 && chan_ended(e, c)) {
		chan_fail_all(e, c, &c->receivers, "end of channel");
		return (true);
	}
	return (false);
}

/*
 * Let every dirty channel make all the progress it can.  Each match wakes
 * at least one waiter, so this ends.
 */
void
chan_progress(struct engine *e)
{
	struct chan	*c;
	struct waiter	*w;
	bool		 again;

	while ((c = TAILQ_FIRST(&e->dirtyq)) != NULL) {
		TAILQ_REMOVE(&e->dirtyq, c, dirty_entry);
		c->dirty = false;
		while (chan_match(e, c))
			continue;
		do {
			again = false;
			TAILQ_FOREACH(w, &c->pollers, entry) {
				if (op_poll_retry(e, w->proc)) {
					again = true;
					break;
				}
			}
		} while (again);
	}
}

/* A process is gone: every channel may now be broken or ended. */
void
chan_proc_gone(struct engine *e, struct proc *p)
{
	struct chan	*c;

	(void)p;
	TAILQ_FOREACH(c, &e->chans, entry)
		chan_mark(e, c);
}

int
engine_tap(struct engine *e, const char *name, bool on, char **cause)
{
	struct chan	*c;

	if ((c = chan_find(e, name)) == NULL) {
		xasprintf(cause, "no such channel: %s", name);
		return (-1);
	}
	if (kchan_interpose(c, cause) == -1)
		return (-1);
	c->tapped = on;
	return (0);
}

int
engine_filter(struct engine *e, const char *name, const char *re,
    char **cause)
{
	struct chan		*c;
	pcre2_compile_context	*cctx;
	pcre2_code		*code;
	PCRE2_UCHAR		 buf[256];
	PCRE2_SIZE		 off;
	int			 r;

	if ((c = chan_find(e, name)) == NULL) {
		xasprintf(cause, "no such channel: %s", name);
		return (-1);
	}
	if (kchan_interpose(c, cause) == -1)
		return (-1);
	if (strlen(re) > FILTER_PATTERN_MAX) {
		xasprintf(cause, "the pattern is longer than %d bytes",
		    FILTER_PATTERN_MAX);
		return (-1);
	}
	if ((cctx = pcre2_compile_context_create(NULL)) == NULL) {
		xasprintf(cause, "out of memory");
		return (-1);
	}
	pcre2_set_parens_nest_limit(cctx, FILTER_NEST_MAX);
	pcre2_set_max_pattern_length(cctx, FILTER_PATTERN_MAX);
	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_NEVER_BACKSLASH_C, &r, &off, cctx);
	pcre2_compile_context_free(cctx);
	if (code == NULL) {
		(void)pcre2_get_error_message(r, buf, sizeof(buf));
		xasprintf(cause, "bad regular expression '%s': %s at offset "
		    "%zu", re, (char *)buf, (size_t)off);
		return (-1);
	}
	pcre2_code_free(c->filter);
	free(c->filter_src);
	c->filter = code;
	c->filter_src = xstrdup(re);
	return (0);
}

int
engine_balance(struct engine *e, const char *name, char **to, size_t nto,
    char **cause)
{
	struct chan	*c, **v;
	size_t		 i;

	if ((c = chan_find(e, name)) == NULL) {
		xasprintf(cause, "no such channel: %s", name);
		return (-1);
	}
	if (kchan_interpose(c, cause) == -1)
		return (-1);
	v = xcalloc(nto + 1, sizeof(*v));
	for (i = 0; i < nto; i++) {
		if ((v[i] = chan_find(e, to[i])) != NULL &&
		    kchan_interpose(v[i], cause) == -1) {
			free(v);
			return (-1);
		}
		if (v[i] == NULL || v[i] == c || v[i]->nbalance > 0) {
			if (v[i] == NULL)
				xasprintf(cause, "no such channel: %s", to[i]);
			else
				xasprintf(cause, "cannot balance %s onto %s",
				    name, to[i]);
			free(v);
			return (-1);
		}
	}
	free(c->balance);
	c->balance = nto > 0 ? v : NULL;
	if (nto == 0)
		free(v);
	c->nbalance = nto;
	c->balance_next = 0;
	return (0);
}
