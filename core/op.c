/*
 * Operations: what happens when an agent's request reaches the broker.
 *
 * op_start() runs when the request arrives.  It resolves the channels,
 * checks rights, and either completes the operation at once (one event:
 * ok, would_block or error), or parks the process on the channels' wait
 * queues (one event: blocked).  A parked operation ends exactly once,
 * through op_finish() (op-life.c), with one "unblock" event: completed
 * by a partner (chan.c), timed out, failed because its channel broke,
 * ended or closed.
 * Ending an operation answers the agent's read(), so the child wakes up
 * when, and only when, the operation is over.
 *
 * A send to "c1,c2" goes to each channel in turn, blocking where one is
 * full; with --atomic it goes to all or none, waiting until every channel
 * can take it at the same moment.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool	send_continue(struct engine *, struct proc *, struct chan *);

/* Resolve the op's channel names; fail the op and return -1 if one is bad. */
static int
op_resolve(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c;
	size_t		 i, j;
	bool		 send;

	op->chans = xcalloc(op->nnames + 1, sizeof(*op->chans));
	for (i = 0; i < op->nnames; i++) {
		if ((c = chan_find(e, op->names[i])) == NULL) {
			op_fail(e, p, "no such channel");
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (op->chans[j] == c) {
				op_fail(e, p, "channel named twice");
				return (-1);
			}
		}
		op->chans[i] = c;
	}
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		send = op->kind == OP_SEND || op->kind == OP_CALL ||
		    (op->kind == OP_POLL && op->writable);
		if (send ? !chan_may_send(c, p) : !chan_may_recv(c, p)) {
			op_fail(e, p, "permission denied");
			return (-1);
		}
	}
	return (0);
}

/* Hand a message to a receiver that was waiting on a rendezvous channel. */
static void
rdv_handoff(struct engine *e, struct chan *c, struct proc *r,
    const char *from, const unsigned char *data, size_t len)
{
	unsigned char	*pad = NULL;

	c->c_messages++;
	c->c_bytes += len;
	if (c->format == FMT_FIXED && len < c->fixed_len) {
		pad = xcalloc(1, c->fixed_len + 1);
		memcpy(pad, data, len);
		data = pad;
		len = c->fixed_len;
	}
	if (len > RDV_REG_BYTES)
		c->c_copies++;
	/* Handed over now: every channel that exists now is its world. */
	op_recv_complete(e, r, c, data, len, from, e->gen);
	free(pad);
}

/* Is p already waiting as a sender on c? */
static bool
op_waits_on(struct proc *p, struct chan *c)
{
	struct op	*op = p->op;
	size_t		 i;

	for (i = 0; i < op->nwaits; i++) {
		if (op->waits[i] != NULL && op->waits[i]->chan == c)
			return (true);
	}
	return (false);
}

/*
 * Send to chans[next..]: each channel in turn.  A stream channel takes
 * what fits and the sender blocks for the rest, keeping its place at the
 * head of the queue.  Rendezvous receivers found waiting are completed
 * after the sender's own event, so the transcript reads in causal order.
 * Returns true if anything moved.
 */
static bool
send_continue(struct engine *e, struct proc *p, struct chan *via)
{
	struct op	*op = p->op;
	struct chan	*c;
	struct proc	**hand = NULL;
	struct chan	**handc = NULL;
	size_t		 nhand = 0, i, len = op->len, k, space;
	struct event	 ev;
	char		 reason[64], name[NAME_LEN + 1];
	const char	*err;
	unsigned char	*msg;
	bool		 moved = false;

	/* Saved: the op is freed when it finishes, before the handoffs. */
	msg = xmemdup(op->msg, op->len);
	strlcpy(name, p->name, sizeof(name));
	while (op->next < op->nnames) {
		c = op->chans[op->next];
		if (c == via) {
			op->next++;
			continue;
		}
		if (chan_broken(e, c)) {
			op_fail(e, p, "broken channel");
			goto handoffs;
		}
		if (!chan_filter_ok(e, c, op->msg, op->len)) {
			op_fail(e, p, "rejected by filter");
			goto handoffs;
		}
		if (c->format == FMT_CAP && !cap_check(e, p, op->msg, op->len,
		    &err, op->why, sizeof(op->why))) {
			op_fail(e, p, err);
			goto handoffs;
		}
		if (c->buffering == BUF_UNBOUNDED &&
		    !chan_can_take(e, c, p, op->len - op->sent)) {
			op_fail(e, p, "out of memory");
			goto handoffs;
		}
		if (!chan_can_take(e, c, p, op->len - op->sent)) {
			op_blocked_reason(c, OP_SEND, reason, sizeof(reason));
			if (op->nonblock && op->sent > 0) {
				/* A partial non-blocking stream write. */
				memset(&ev, 0, sizeof(ev));
				ev.size = op->sent;
				op_ev_chan(&ev, c);
				op_finish(e, p, ST_OK, NULL, &ev);
			} else if (op->nonblock) {
				op_rdv_note(e, c);
				op_would_block(e, p, reason, c);
			} else if (!op->blocked) {
				op_wait_on(p, c, W_SEND);
				op_block(e, p, reason, c);
			} else if (!op_waits_on(p, c)) {
				/* Still blocked, now on the next channel. */
				op_unwait(p);
				op_wait_on(p, c, W_SEND);
				chan_mark(e, c);
				e->wfg_dirty = true;
			}
			goto handoffs;
		}
		moved = true;
		if (op->nonblock)
			op_rdv_note(e, c);
		if (c->buffering == BUF_RENDEZVOUS) {
			hand = xreallocarray(hand, nhand + 1, sizeof(*hand));
			handc = xreallocarray(handc, nhand + 1,
			    sizeof(*handc));
			hand[nhand] = op_claim(TAILQ_FIRST(&c->receivers));
			handc[nhand++] = c;
		} else if (c->format == FMT_STREAM) {
			k = op->len - op->sent;
			if (c->buffering == BUF_BOUNDED) {
				space = c->capacity - c->bytes;
				if (k > space)
					k = space;
			}
			chan_put(e, c, p->name, op->msg + op->sent, k);
			op->sent += k;
			if (op->sent < op->len)
				continue;	/* blocks for the rest */
		} else
			chan_put(e, c, p->name, op->msg, op->len);
		op->sent = 0;
		op->next++;
	}
	if (op->call) {
		/* Delivered: now the caller waits for the reply (call.c). */
		if (op->callee == NULL)
			hand[0]->call_fresh = true;
		call_wait(e, p, op->callee != NULL ? op->callee : hand[0]);
		goto handoffs;
	}
	memset(&ev, 0, sizeof(ev));
	c = op->chans[0];
	op_ev_chan(&ev, c);
	if (op->nnames == 1 && strcmp(c->name, op->names[0]) != 0)
		ev.forward = c->name;	/* a balanced channel forwarded it */
	if (op->nnames == 1 && c->buffering == BUF_REGISTER)
		ev.version = c->version;
	op_finish(e, p, ST_OK, NULL, &ev);
handoffs:
	for (i = 0; i < nhand; i++)
		rdv_handoff(e, handc[i], hand[i], name, msg, len);
	free(msg);
	free(hand);
	free(handc);
	return (moved);
}

static bool
atomic_ready(struct engine *e, struct proc *p, struct chan *via)
{
	struct op	*op = p->op;
	size_t		 i;

	for (i = 0; i < op->nnames; i++) {
		if (op->chans[i] == via)
			continue;
		if (!chan_can_take(e, op->chans[i], p, op->len))
			return (false);
	}
	return (true);
}

/* Deliver an atomic send everywhere at once (all can take it). */
static void
atomic_deliver(struct engine *e, struct proc *p, struct chan *via,
    struct proc *via_r)
{
	struct op	*op = p->op;
	struct proc	**hand;
	struct chan	**handc;
	unsigned char	*msg;
	size_t		 i, nhand = 0, len = op->len;
	struct event	 ev;
	char		 name[NAME_LEN + 1];

	hand = xcalloc(op->nnames + 1, sizeof(*hand));
	handc = xcalloc(op->nnames + 1, sizeof(*handc));
	for (i = 0; i < op->nnames; i++) {
		struct chan *c = op->chans[i];

		if (c == via) {
			hand[nhand] = via_r;
			handc[nhand++] = c;
		} else if (c->buffering == BUF_RENDEZVOUS) {
			hand[nhand] = op_claim(TAILQ_FIRST(&c->receivers));
			handc[nhand++] = c;
		} else
			chan_put(e, c, p->name, op->msg, op->len);
	}
	msg = xmemdup(op->msg, len);
	strlcpy(name, p->name, sizeof(name));
	memset(&ev, 0, sizeof(ev));
	op_ev_chan(&ev, op->chans[0]);
	op_finish(e, p, ST_OK, NULL, &ev);
	for (i = 0; i < nhand; i++)
		rdv_handoff(e, handc[i], hand[i], name, msg, len);
	free(msg);
	free(hand);
	free(handc);
}

static void
send_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c, *t;
	struct later	*l;
	size_t		 i;
	char		 reason[96];
	const char	*err;

	/*
	 * A balanced channel forwards to its targets in turn.  The message
	 * then passes every check a direct send to the target would: its
	 * from list here, its format here and its filter, capabilities and
	 * capacity in send_continue.
	 */
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		if (c->nbalance > 0) {
			t = c->balance[c->balance_next++ % c->nbalance];
			c->c_messages++;
			c->c_bytes += op->len;
			if (c->tapped) {
				/* Through a tapped proxy: log the hop. */
				l = engine_later(e, EV_TAP);
				strlcpy(l->chan, c->name, sizeof(l->chan));
				strlcpy(l->from, p->name, sizeof(l->from));
				strlcpy(l->to, t->name, sizeof(l->to));
				l->msg = xmemdup(op->msg, op->len);
				l->len = op->len;
			}
			op->chans[i] = t;
		}
	}
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		if (!chan_may_send(c, p)) {
			op_fail(e, p, "permission denied");
			return;
		}
		if (c->format == FMT_FIXED && op->len > c->fixed_len) {
			op_fail(e, p, "message too long");
			return;
		}
	}
	if (op->call && !call_endpoint_ok(e, p))
		return;
	if (!op->atomic || op->nnames == 1) {
		send_continue(e, p, NULL);
		return;
	}
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		if (chan_broken(e, c)) {
			op_fail(e, p, "broken channel");
			return;
		}
		if (!chan_filter_ok(e, c, op->msg, op->len)) {
			op_fail(e, p, "rejected by filter");
			return;
		}
		if (c->format == FMT_CAP && !cap_check(e, p, op->msg, op->len,
		    &err, op->why, sizeof(op->why))) {
			op_fail(e, p, err);
			return;
		}
		if (c->format == FMT_STREAM) {
			op_fail(e, p, "an atomic send needs datagram channels");
			return;
		}
		if (c->buffering == BUF_UNBOUNDED &&
		    !chan_can_take(e, c, p, op->len)) {
			op_fail(e, p, "out of memory");
			return;
		}
	}
	if (atomic_ready(e, p, NULL)) {
		atomic_deliver(e, p, NULL, NULL);
		return;
	}
	reason[0] = '\0';
	for (i = 0; i < op->nnames; i++) {
		char tmp[64];

		c = op->chans[i];
		if (!chan_can_take(e, c, p, op->len)) {
			op_blocked_reason(c, OP_SEND, tmp, sizeof(tmp));
			snprintf(reason, sizeof(reason), "%s %s", c->name, tmp);
			break;
		}
	}
	if (op->nonblock) {
		op_would_block(e, p, reason, op->chans[0]);
		return;
	}
	for (i = 0; i < op->nnames; i++)
		op_wait_on(p, op->chans[i], W_SEND);
	op_block(e, p, reason, op->chans[0]);
}

/* A blocked sender may be able to go on now; true if it moved. */
bool
op_send_retry(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c;

	if (op == NULL || op->kind != OP_SEND || p->state != PS_BLOCKED)
		return (false);
	if (op->atomic && op->nnames > 1) {
		if (!atomic_ready(e, p, NULL))
			return (false);
		atomic_deliver(e, p, NULL, NULL);
		return (true);
	}
	c = op->chans[op->next];
	if (!chan_can_take(e, c, p, op->len - op->sent))
		return (false);
	return (send_continue(e, p, NULL));
}

/* Can blocked sender s complete by handing its message to c's receiver? */
bool
op_send_ready_via(struct engine *e, struct proc *s, struct chan *c)
{
	struct op	*op = s->op;

	if (op == NULL || op->kind != OP_SEND || s->state != PS_BLOCKED)
		return (false);
	if (op->atomic && op->nnames > 1)
		return (atomic_ready(e, s, c));
	return (op->chans[op->next] == c);
}

/*
 * Blocked sender s meets c's first waiting receiver: the receiver gets the
 * message, then the sender goes on (or finishes).
 */
void
op_send_via(struct engine *e, struct proc *s, struct chan *c)
{
	struct op	*op = s->op;
	struct proc	*r;

	r = op_claim(TAILQ_FIRST(&c->receivers));
	if (op->atomic && op->nnames > 1) {
		atomic_deliver(e, s, c, r);
		return;
	}
	if (op->call) {
		op->callee = r;
		r->call_fresh = true;
	}
	rdv_handoff(e, c, r, s->name, op->msg, op->len);
	op_unwait(s);
	op->next++;
	send_continue(e, s, NULL);
}

/*
 * p's receive on c completes with this message.  Registers are read, not
 * consumed: the event says which version and how many were missed.
 */
void
op_recv_complete(struct engine *e, struct proc *p, struct chan *c,
    const unsigned char *data, size_t len, const char *from, uint64_t stamp)
{
	struct op	*op = p->op;
	struct event	 ev, tev;
	size_t		 n = len;
	uint64_t	 seen;

	if (op == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	if (op->max > 0 && n > op->max) {
		n = op->max;
		ev.truncated = true;
	}
	if (c->buffering == BUF_REGISTER) {
		seen = seen_get(c, p);
		ev.version = c->version;
		ev.missed = c->version > seen + 1 ? c->version - seen - 1 : 0;
		c->c_copies++;
		seen_set(c, p, c->version);
	}
	if (c->format == FMT_CAP)
		cap_grant(e, p, c, data, n, stamp);
	if (p->call_fresh) {
		ev.call = true;		/* the sender waits for p's reply */
		p->call_fresh = false;
	}
	free(p->last);
	p->last = xmemdup(data, n);
	p->last_len = n;
	p->has_last = true;
	if (c->tapped) {
		memset(&tev, 0, sizeof(tev));
		tev.type = EV_TAP;
		tev.chan = c->name;
		tev.peer = from;
		tev.proc = p->name;
		tev.msg = data;
		tev.len = len;
		tev.has_msg = true;
		engine_event(e, &tev);
	}
	ev.msg = p->last;
	ev.len = n;
	ev.has_msg = true;
	ev.size = n;
	ev.peer = from;
	ev.chan = c->name;
	op_ev_chan(&ev, c);
	op_finish(e, p, ST_OK, NULL, &ev);
	call_received(e, p);	/* a call it replaced fails now */
}

void
op_recv_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c = op->chans[0];
	struct waiter	*w;
	struct msg	*m;
	char		 reason[64];

	if (op->nonblock)
		op_rdv_note(e, c);
	switch (c->buffering) {
	case BUF_REGISTER:
		if (c->version > 0) {
			m = TAILQ_FIRST(&c->msgs);
			op_recv_complete(e, p, c, m->data, m->len, m->from,
			    m->stamp);
			return;
		}
		break;
	case BUF_RENDEZVOUS:
		TAILQ_FOREACH(w, &c->senders, entry) {
			if (op_send_ready_via(e, w->proc, c)) {
				/* The receiver's event first, then the sender. */
				op_wait_on(p, c, W_RECV);
				TAILQ_REMOVE(&c->receivers,
				    p->op->waits[p->op->nwaits - 1], entry);
				TAILQ_INSERT_HEAD(&c->receivers,
				    p->op->waits[p->op->nwaits - 1], entry);
				op_send_via(e, w->proc, c);
				return;
			}
		}
		break;
	default:
		if ((m = chan_take_for(e, c, p)) != NULL) {
			op_recv_complete(e, p, c, m->data, m->len, m->from,
			    m->stamp);
			free(m);
			return;
		}
		break;
	}
	if (chan_ended(e, c)) {
		op_fail(e, p, "end of channel");
		return;
	}
	op_blocked_reason(c, OP_RECV, reason, sizeof(reason));
	if (op->nonblock) {
		op_would_block(e, p, reason, c);
		return;
	}
	op_wait_on(p, c, W_RECV);
	op_block(e, p, reason, c);
}

/*
 * The channels of p's poll that are ready now, in the order written; the
 * ones ready only because the other side is gone (every sender exited
 * and nothing left, or every receiver exited: POLLHUP) also go in hup.
 */
static size_t
poll_ready(struct engine *e, struct proc *p, const char **ready,
    const char **hup, size_t *nhup)
{
	struct op	*op = p->op;
	struct chan	*c;
	size_t		 i, n = 0;
	bool		 gone;

	*nhup = 0;
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		gone = op->writable ? chan_broken(e, c) : chan_ended(e, c);
		if (gone || (op->writable ? chan_can_take(e, c, p, 0) :
		    chan_readable(e, c, p)))
			ready[n++] = c->name;
		if (gone)
			hup[(*nhup)++] = c->name;
	}
	return (n);
}

/*
 * Why a poll finds nothing.  A register that p has read already is not
 * readable to a poll until a newer version comes (spec 3: a poll on a
 * register is a change notification), though a recv would return the
 * value it holds: say so, or the two look as if they disagree.
 */
static const char *
poll_reason(struct proc *p)
{
	static char	 buf[160];
	struct op	*op = p->op;
	struct chan	*c;
	size_t		 i;

	if (op->writable)
		return ("nothing writable");
	for (i = 0; i < op->nnames; i++) {
		c = op->chans[i];
		if (c->buffering == BUF_REGISTER && c->version > 0) {
			snprintf(buf, sizeof(buf), "nothing readable: %s has "
			    "read %s version %llu; a poll waits for a newer one, "
			    "while recv returns the latest", p->name, c->name,
			    (unsigned long long)c->version);
			return (buf);
		}
	}
	return ("nothing readable");
}

static void
poll_done(struct engine *e, struct proc *p, const char **ready, size_t n,
    const char **hup, size_t nhup, enum op_status st)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.ready = ready;
	ev.nready = n;
	ev.hup = hup;
	ev.nhup = nhup;
	if (st == ST_WOULD_BLOCK)
		ev.reason = poll_reason(p);
	op_finish(e, p, st, NULL, &ev);
}

static void
poll_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	const char	**ready, **hup;
	size_t		  n, i, nhup;

	ready = xcalloc(op->nnames + 1, sizeof(*ready));
	hup = xcalloc(op->nnames + 1, sizeof(*hup));
	if ((n = poll_ready(e, p, ready, hup, &nhup)) > 0 || op->nonblock) {
		if (n == 0)
			for (i = 0; i < op->nnames; i++)
				op_rdv_note(e, op->chans[i]);
		poll_done(e, p, ready, n, hup, nhup, n > 0 ? ST_OK :
		    ST_WOULD_BLOCK);
		free(ready);
		free(hup);
		return;
	}
	free(ready);
	free(hup);
	for (i = 0; i < op->nnames; i++)
		op_wait_on(p, op->chans[i], W_POLL);
	op_block(e, p, poll_reason(p), NULL);
}

bool
op_poll_retry(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	const char	**ready, **hup;
	size_t		  n, nhup;

	if (op != NULL && op->kernel)
		return (kpoll_retry(e, p));
	if (op == NULL || op->kind != OP_POLL || p->state != PS_BLOCKED)
		return (false);
	ready = xcalloc(op->nnames + 1, sizeof(*ready));
	hup = xcalloc(op->nnames + 1, sizeof(*hup));
	if ((n = poll_ready(e, p, ready, hup, &nhup)) > 0)
		poll_done(e, p, ready, n, hup, nhup, ST_OK);
	free(ready);
	free(hup);
	return (n > 0);
}

/* The agent's request has arrived: perform it. */
void
op_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;

	if (op == NULL)
		return;
	if (op_resolve(e, p) == -1)
		return;
	switch (op->kind) {
	case OP_SEND:
		send_start(e, p);
		break;
	case OP_RECV:
		op_recv_start(e, p);
		break;
	case OP_POLL:
		poll_start(e, p);
		break;
	case OP_CALL:
		call_start(e, p);
		break;
	case OP_REPLY:
	case OP_REPLYRECV:
		reply_start(e, p);
		break;
	default:
		break;
	}
}

/* A call goes out as a send; call.c takes it over once it is delivered. */
void
op_send_start(struct engine *e, struct proc *p)
{
	send_start(e, p);
}

uint64_t
op_next_deadline(struct engine *e)
{
	struct proc	*p;
	uint64_t	 d = 0;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_BLOCKED && p->op != NULL &&
		    !p->op->kernel && p->op->deadline != 0 &&
		    (d == 0 || p->op->deadline < d))
			d = p->op->deadline;
	}
	return (d);
}

void
op_timeouts(struct engine *e)
{
	struct proc	*p;
	struct event	 ev;
	uint64_t	 now;

	now = now_ms();
	TAILQ_FOREACH(p, &e->procs, entry) {
		/* A kernel operation's own poll(2) keeps its time. */
		if (p->state != PS_BLOCKED || p->op == NULL ||
		    p->op->kernel || p->op->deadline == 0 ||
		    p->op->deadline > now)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.timeout_ms = p->op->timeout_ms;
		op_finish(e, p, ST_TIMEOUT, NULL, &ev);
	}
}
