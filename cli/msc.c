/*
 * The message sequence chart of the session: one lane per process, a row
 * per thing that happened to a message or a lane, built from the very
 * events the transcript prints (so a kernel channel is drawn like a
 * modeled one).
 *
 * A message is drawn where it was sent and where it arrived.  The events
 * do not carry a message's identity, so an arrival is matched to a send
 * kept in its channel's queue (a length, a hash and a short label: never
 * the message itself).  On a modeled datagram channel the receive names
 * its sender, and the first of that sender's messages with the same bytes
 * is the one (else the first of that sender's: a padded fixed:N or a
 * truncated read).  A byte stream (a pipe, a stream socket, format=stream)
 * is matched by count: a read takes that many bytes from the front,
 * across writes or part of one.  A kernel datagram channel is first in,
 * first out, in each direction.  A lossy channel tells of a drop, a
 * duplicate or a reorder right after the send it concerns.  A rendezvous
 * may tell of the receive before the send: the receive draws the arrow
 * and the send that follows is absorbed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipcplay.h"
#include "msc.h"
#include "sb.h"

#define MSC_ROWS_MAX	100000	/* rows kept; the oldest go first */
#define PEND_MAX	100000	/* messages a channel keeps to match */
#define OWED_MAX	1000
#define LABEL_BYTES	40	/* of a message, in its label */

/* A message sent and not yet (wholly) received, or a register's value. */
struct pend {
	int		 from;
	uint64_t	 hash;
	size_t		 len;
	size_t		 left;		/* a stream's bytes not read yet */
	uint64_t	 row;		/* its send row's number */
	uint64_t	 msgno;		/* 0: numbered when it arrives */
	char		*label;
	char		*note;		/* "duplicate", "reordered" */
	bool		 gone;		/* taken: skipped, freed later */
};

/* A receive drawn before its send (a rendezvous): the send to absorb. */
struct owed {
	int		 from;
	char		*chan;
	uint64_t	 hash;
	size_t		 len;
};

struct chan_kind {
	char		*name;
	enum buffering	 buf;
	bool		 kernel, stream;
	struct pend	*q;		/* in the order sent */
	size_t		 nq, head;	/* q[head] is the first not gone */
	size_t		 qcap;
};

struct msc {
	char		**lanes;
	unsigned char	 *state;
	size_t		  nlanes;
	struct msc_row	 *rows;
	size_t		  nrows;
	uint64_t	  base;		/* rows gone from the front */
	struct chan_kind *chans;
	size_t		  nchans;
	struct owed	 *owed;
	size_t		  nowed;
	uint64_t	  nmsgs;
	bool		  handoff;	/* the receive that is being told of
					   waited for its message */
};

static void
row_clear(struct msc_row *r)
{
	free(r->text);
	free(r->chan);
	free(r->note);
	free(r->lanes);
}

static void
pend_clear(struct pend *p)
{
	free(p->label);
	free(p->note);
}

static void
queue_clear(struct chan_kind *k)
{
	size_t	i;

	for (i = 0; i < k->nq; i++)
		pend_clear(&k->q[i]);
	free(k->q);
	k->q = NULL;
	k->nq = k->head = k->qcap = 0;
}

static void
owed_remove(struct msc *m, size_t i)
{
	free(m->owed[i].chan);
	memmove(&m->owed[i], &m->owed[i + 1], (m->nowed - i - 1) *
	    sizeof(*m->owed));
	m->nowed--;
}

static void
msc_clear(struct msc *m)
{
	size_t	i;

	for (i = 0; i < m->nrows; i++)
		row_clear(&m->rows[i]);
	for (i = 0; i < m->nlanes; i++)
		free(m->lanes[i]);
	for (i = 0; i < m->nchans; i++) {
		queue_clear(&m->chans[i]);
		free(m->chans[i].name);
	}
	while (m->nowed > 0)
		owed_remove(m, m->nowed - 1);
	free(m->rows);
	free(m->lanes);
	free(m->state);
	free(m->chans);
	free(m->owed);
	memset(m, 0, sizeof(*m));
}

void
msc_free(struct ctx *ctx)
{
	if (ctx->msc == NULL)
		return;
	msc_clear(ctx->msc);
	free(ctx->msc);
	ctx->msc = NULL;
}

static int
lane_find(struct msc *m, const char *name)
{
	size_t	i;

	if (name == NULL || *name == '\0')
		return (-1);
	for (i = 0; i < m->nlanes; i++) {
		if (strcmp(m->lanes[i], name) == 0)
			return ((int)i);
	}
	return (-1);
}

static int
lane_get(struct msc *m, const char *name)
{
	int	i;

	if (name == NULL || *name == '\0')
		return (-1);
	if ((i = lane_find(m, name)) >= 0)
		return (i);
	m->lanes = xreallocarray(m->lanes, m->nlanes + 1, sizeof(*m->lanes));
	m->state = xreallocarray(m->state, m->nlanes + 1, 1);
	m->lanes[m->nlanes] = xstrdup(name);
	m->state[m->nlanes] = LS_UP;
	return ((int)m->nlanes++);
}

/* The channel's kind and queue; one not told of yet is a mailbox. */
static struct chan_kind *
chan_kind(struct msc *m, const char *name)
{
	struct chan_kind	*k;
	size_t			 i;

	for (i = 0; i < m->nchans; i++) {
		if (strcmp(m->chans[i].name, name) == 0)
			return (&m->chans[i]);
	}
	m->chans = xreallocarray(m->chans, m->nchans + 1, sizeof(*m->chans));
	k = &m->chans[m->nchans++];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	k->buf = BUF_UNBOUNDED;
	return (k);
}

/* A new row, the lanes as they are now; the oldest go past the cap. */
static struct msc_row *
row_add(struct msc *m, enum msc_kind kind, int from, int to)
{
	struct msc_row	*r;
	size_t		 drop, i;

	if (m->nrows == MSC_ROWS_MAX) {
		drop = MSC_ROWS_MAX / 10;
		for (i = 0; i < drop; i++)
			row_clear(&m->rows[i]);
		memmove(m->rows, m->rows + drop, (m->nrows - drop) *
		    sizeof(*m->rows));
		m->nrows -= drop;
		m->base += drop;
	}
	if ((m->nrows & (m->nrows - 1)) == 0)
		m->rows = xreallocarray(m->rows, m->nrows == 0 ? 16 :
		    m->nrows * 2, sizeof(*m->rows));
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->from = from;
	r->to = to;
	r->lanes = xmemdup(m->state, m->nlanes > 0 ? m->nlanes : 1);
	r->nlanes = m->nlanes;
	return (r);
}

static uint64_t
row_number(const struct msc *m)
{
	return (m->base + m->nrows);	/* the last row's number */
}

static struct msc_row *
row_by_number(struct msc *m, uint64_t n)
{
	if (n <= m->base || n > m->base + m->nrows)
		return (NULL);
	return (&m->rows[n - m->base - 1]);
}

static void
lane_set(struct msc *m, int lane, enum lane_state s)
{
	if (lane >= 0)
		m->state[lane] = (unsigned char)s;
}

/*
 * The bytes' hash, for matching a receive with its send: eight at a
 * time (FNV-1a on words), as a free run tells thousands a second.
 */
static uint64_t
msg_hash(const unsigned char *data, size_t len)
{
	uint64_t	h = 14695981039346656037ULL ^ len, w;
	size_t		i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, data + i, 8);
		h = (h ^ w) * 1099511628211ULL;
	}
	for (; i < len; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	return (h ^ (h >> 29));
}

/*
 * The message as a label: its first LABEL_BYTES, quoted.  The last few
 * are kept: a free run sends the same words again and again.
 */
static char *
label_of(const unsigned char *data, size_t len)
{
	static struct {
		unsigned char	 head[LABEL_BYTES + 8];
		size_t		 n;
		bool		 more;
		char		*label;
	}			 memo[4];
	static unsigned		 next;
	/* Enough to see where a character that is cut ends. */
	size_t			 n = len < LABEL_BYTES + 8 ? len :
				     LABEL_BYTES + 8;
	unsigned		 i;
	bool			 cut;

	for (i = 0; i < 4; i++) {
		if (memo[i].label != NULL && memo[i].n == n &&
		    memo[i].more == (len > n) &&
		    memcmp(memo[i].head, data, n) == 0)
			return (xstrdup(memo[i].label));
	}
	i = next++ % 4;
	free(memo[i].label);
	memo[i].label = word_quote_cut(data, len, LABEL_BYTES, LABEL_BYTES,
	    &cut);
	memcpy(memo[i].head, data, n);
	memo[i].n = n;
	memo[i].more = len > n;
	return (xstrdup(memo[i].label));
}

static const char *
ev_chan(const struct event *ev)
{
	if (ev->forward != NULL)
		return (ev->forward);
	return (ev->chan != NULL ? ev->chan : "?");
}

/* Take q[i] out of its queue (freed when the front passes it). */
static void
pend_take(struct chan_kind *k, size_t i)
{
	size_t	j;

	k->q[i].gone = true;
	while (k->head < k->nq && k->q[k->head].gone)
		k->head++;
	if (k->head > 64 && k->head * 2 > k->nq) {
		for (j = 0; j < k->head; j++)
			pend_clear(&k->q[j]);
		memmove(k->q, k->q + k->head, (k->nq - k->head) *
		    sizeof(*k->q));
		k->nq -= k->head;
		k->head = 0;
	}
}

static struct pend *
pend_add(struct chan_kind *k, int from, const unsigned char *data,
    size_t len)
{
	struct pend	*p;

	/* Messages nobody will ever be seen to take: keep the newest. */
	if (k->nq - k->head >= PEND_MAX)
		pend_take(k, k->head);
	if (k->nq == k->qcap) {
		k->qcap = k->qcap == 0 ? 16 : k->qcap * 2;
		k->q = xreallocarray(k->q, k->qcap, sizeof(*k->q));
	}
	p = &k->q[k->nq++];
	memset(p, 0, sizeof(*p));
	p->from = from;
	p->hash = msg_hash(data, len);
	p->len = p->left = len;
	p->label = label_of(data, len);
	return (p);
}

/* from sent data on chan: its send row, unless a receive drew it first. */
static void
sent(struct msc *m, int from, const char *const *chans, size_t nchans,
    const unsigned char *data, size_t len)
{
	struct chan_kind	*k;
	struct msc_row		*r;
	struct pend		*p;
	uint64_t		 h = msg_hash(data, len);
	size_t			 i, c;

	for (i = 0; i < m->nowed; i++) {
		if (m->owed[i].from == from && m->owed[i].hash == h &&
		    m->owed[i].len == len &&
		    strcmp(m->owed[i].chan, chans[0]) == 0) {
			owed_remove(m, i);
			return;
		}
	}
	r = row_add(m, MR_SEND, from, -1);
	r->text = label_of(data, len);
	{
		struct sb	b;

		if (nchans == 1)
			r->chan = xstrdup(chans[0]);
		else {
			sb_init(&b);
			for (c = 0; c < nchans; c++)
				sb_printf(&b, "%s%s", c > 0 ? "," : "",
				    chans[c]);
			r->chan = sb_take(&b);
		}
	}
	r->msgno = ++m->nmsgs;
	for (c = 0; c < nchans; c++) {
		k = chan_kind(m, chans[c]);
		/* A register keeps one value: the one before is overwritten. */
		if (k->buf == BUF_REGISTER && !k->kernel) {
			for (i = k->head; i < k->nq; i++)
				pend_take(k, i);
		}
		p = pend_add(k, from, data, len);
		p->row = row_number(m);
		p->msgno = c == 0 ? r->msgno : 0;
	}
}

/* An arrow from p's send to lane to, drawn now. */
static void
arrive(struct msc *m, struct pend *p, int to, const char *chan, bool keep,
    const char *part)
{
	struct msc_row	*r, *s;

	s = row_by_number(m, p->row);
	/*
	 * Sent just before to a receiver that was waiting for it, nothing
	 * else between: one row, one arrow.  A message that sat in a buffer,
	 * if only until the next command, keeps its send row.
	 */
	if (!keep && part == NULL && m->handoff && s != NULL &&
	    p->row == row_number(m) &&
	    s->kind == MR_SEND && s->note == NULL && p->note == NULL &&
	    strcmp(s->chan, chan) == 0) {
		s->kind = MR_MSG;
		s->to = to;
		s->send = p->row;
		if (to >= 0 && (size_t)to < s->nlanes)
			s->lanes[to] = m->state[to];
		return;
	}
	r = row_add(m, MR_MSG, p->from, to);
	r->text = xstrdup(p->label);
	r->chan = xstrdup(chan);
	r->send = p->row;
	if (p->msgno == 0)
		p->msgno = ++m->nmsgs;
	r->msgno = p->msgno;
	if (p->note != NULL || part != NULL)
		xasprintf(&r->note, "%s%s%s", p->note != NULL ? p->note : "",
		    p->note != NULL && part != NULL ? ", " : "",
		    part != NULL ? part : "");
}

/* A read nobody is known to have written (or whose write is lost). */
static void
recv_unknown(struct msc *m, int to, int from, const char *chan,
    const unsigned char *data, size_t len)
{
	struct msc_row	*r;

	if (from >= 0 && from != to) {
		/* Its sender is known, its send is not: before the chart. */
		r = row_add(m, MR_MSG, from, to);
		r->text = label_of(data, len);
		r->chan = xstrdup(chan);
		r->send = 0;
		r->msgno = ++m->nmsgs;
		return;
	}
	r = row_add(m, MR_RECV, from, to);
	r->text = label_of(data, len);
	r->chan = xstrdup(chan);
	r->msgno = ++m->nmsgs;
}

/* A stream's read of len bytes: from the front, across writes. */
static void
received_stream(struct msc *m, struct chan_kind *k, int to, const char *chan,
    const unsigned char *data, size_t len)
{
	struct pend	*p;
	size_t		 i, left = len, take;

	for (i = k->head; i < k->nq && left > 0; i++) {
		p = &k->q[i];
		if (p->gone || p->from == to)
			continue;	/* the other direction of a socket */
		take = p->left < left ? p->left : left;
		p->left -= take;
		left -= take;
		arrive(m, p, to, chan, false, p->left > 0 || take < p->len ?
		    "part" : NULL);
		if (p->left == 0)
			pend_take(k, i);
	}
	if (left > 0)
		recv_unknown(m, to, -1, chan, data + (len - left), left);
}

static void
received(struct msc *m, int to, int from, const char *chan,
    const unsigned char *data, size_t len)
{
	struct chan_kind	*k = chan_kind(m, chan);
	struct msc_row		*r;
	struct owed		*o;
	struct pend		*p;
	uint64_t		 h = msg_hash(data, len);
	size_t			 i, first = SIZE_MAX;

	if (k->stream) {
		received_stream(m, k, to, chan, data, len);
		return;
	}
	/* A register is read, not consumed: its latest value. */
	if (k->buf == BUF_REGISTER && !k->kernel) {
		if (k->nq > k->head) {
			arrive(m, &k->q[k->nq - 1], to, chan, true, NULL);
			return;
		}
		recv_unknown(m, to, from, chan, data, len);
		return;
	}
	for (i = k->head; i < k->nq; i++) {
		p = &k->q[i];
		if (p->gone || (from >= 0 && p->from != from) ||
		    (from < 0 && p->from == to))
			continue;
		if (first == SIZE_MAX)
			first = i;
		if (p->hash == h && p->len == len)
			break;
	}
	/* Not the same bytes: padded (fixed:N), cut (--max), or a kernel
	   channel's next in line. */
	if (i == k->nq)
		i = first;
	if (i != SIZE_MAX) {
		arrive(m, &k->q[i], to, chan, false, NULL);
		pend_take(k, i);
		return;
	}
	if (from >= 0 && k->buf == BUF_RENDEZVOUS && !k->kernel) {
		/* A rendezvous told of the receive first. */
		r = row_add(m, MR_MSG, from, to);
		r->text = label_of(data, len);
		r->chan = xstrdup(chan);
		r->send = row_number(m);
		r->msgno = ++m->nmsgs;
		if (m->nowed == OWED_MAX)
			owed_remove(m, 0);
		m->owed = xreallocarray(m->owed, m->nowed + 1,
		    sizeof(*m->owed));
		o = &m->owed[m->nowed++];
		o->from = from;
		o->chan = xstrdup(chan);
		o->hash = h;
		o->len = len;
		return;
	}
	recv_unknown(m, to, from, chan, data, len);
}

/* The message just sent on chan with these bytes, newest first. */
static struct pend *
pend_last(struct chan_kind *k, const unsigned char *data, size_t len)
{
	uint64_t	h = msg_hash(data, len);
	size_t		i;

	for (i = k->nq; i > k->head; i--) {
		if (!k->q[i - 1].gone && k->q[i - 1].hash == h &&
		    k->q[i - 1].len == len)
			return (&k->q[i - 1]);
	}
	return (NULL);
}

/* A lossy channel's word on the message just sent. */
static void
lossy(struct msc *m, const struct event *ev)
{
	struct chan_kind *k = chan_kind(m, ev_chan(ev));
	struct msc_row	*r, *s;
	struct pend	*p, *q;
	uint64_t	 row;
	int		 from;

	if ((p = pend_last(k, ev->msg, ev->len)) == NULL)
		return;
	if (ev->type == EV_DROP) {
		bool copy = ev->text != NULL &&
		    strncmp(ev->text, "a duplicate", 11) == 0;

		if (!copy && (s = row_by_number(m, p->row)) != NULL &&
		    s->kind == MR_SEND) {
			s->kind = MR_DROP;
			pend_take(k, (size_t)(p - k->q));
			return;
		}
		r = row_add(m, MR_DROP, p->from, -1);
		r->text = label_of(ev->msg, ev->len);
		r->chan = xstrdup(k->name);
		r->note = xstrdup("duplicate");
		r->msgno = ++m->nmsgs;
		return;
	}
	if (ev->type == EV_REORDER) {
		free(p->note);
		p->note = xstrdup("reordered");
		return;
	}
	/* EV_DUP: a second copy of the same send (p may move). */
	row = p->row;
	from = p->from;
	q = pend_add(k, from, ev->msg, ev->len);
	q->row = row;
	q->note = xstrdup("duplicate");
}

static void
blocked(struct msc *m, int lane, const struct event *ev)
{
	struct msc_row	*r;
	struct sb	 b;

	lane_set(m, lane, LS_BLOCKED);
	r = row_add(m, MR_BLOCK, lane, -1);
	sb_init(&b);
	sb_printf(&b, "%s %s", op_name(ev->op), ev->chan != NULL ? ev->chan :
	    "");
	if (ev->reason != NULL)
		sb_printf(&b, " (%s)", ev->reason);
	r->note = sb_take(&b);
	if (ev->chan != NULL)
		r->chan = xstrdup(ev->chan);
}

static void
deadlock(struct msc *m, const struct event *ev)
{
	struct msc_row	*r;
	size_t		 i;
	int		 l;

	if (ev->deadlock == NULL)
		return;
	r = row_add(m, MR_DEADLOCK, -1, -1);
	for (i = 0; i < ev->deadlock->nprocs; i++) {
		if ((l = lane_find(m, ev->deadlock->procs[i])) >= 0 &&
		    (size_t)l < r->nlanes)
			r->lanes[l] = LS_DEADLOCK;
	}
}

static void
channel(struct msc *m, const struct event *ev)
{
	struct chan_kind	*k;

	if (ev->chan == NULL)
		return;
	k = chan_kind(m, ev->chan);
	queue_clear(k);		/* a new channel of an old name */
	k->buf = ev->buffering;
	k->kernel = ev->mechanism != MECH_MODELED;
	k->stream = ev->format == FMT_STREAM || ev->mechanism == MECH_PIPE ||
	    ev->mechanism == MECH_FIFO || (ev->mechanism == MECH_SOCKETPAIR &&
	    ev->socktype == SOCK_STREAM);
}

/* A send's bytes: what a partial write really wrote of a stream. */
static void
send_event(struct msc *m, int p, const struct event *ev)
{
	const char	*one = ev_chan(ev);
	size_t		 len = ev->len;

	if (ev->size > 0 && ev->size < len)
		len = ev->size;
	if (ev->nchans > 1 && ev->forward == NULL)
		sent(m, p, ev->chans, ev->nchans, ev->msg, len);
	else
		sent(m, p, &one, 1, ev->msg, len);
}

void
msc_event(struct ctx *ctx, const struct event *ev)
{
	struct msc		*m;
	struct msc_row		*r;
	const char		*c;
	size_t			 i;
	int			 p;

	if (ctx->msc == NULL)
		ctx->msc = xcalloc(1, sizeof(*ctx->msc));
	m = ctx->msc;
	switch (ev->type) {
	case EV_RESET:
		msc_clear(m);
		return;
	case EV_SPAWN:
		lane_set(m, lane_get(m, ev->proc), LS_UP);
		return;
	case EV_CHANNEL:
		channel(m, ev);
		return;
	default:
		break;
	}
	p = lane_get(m, ev->proc);
	switch (ev->type) {
	case EV_SEND:
	case EV_CALL:
		if (ev->status == ST_BLOCKED && ev->type == EV_CALL &&
		    ev->peer != NULL)
			lane_set(m, p, LS_BLOCKED);	/* for the reply */
		else if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		else if (ev->status == ST_OK) {
			if (ev->type == EV_CALL)
				lane_set(m, p, LS_BLOCKED);	/* the reply */
			send_event(m, p, ev);
		}
		break;
	case EV_RECV:
		if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		else if (ev->status == ST_OK && ev->has_msg) {
			m->handoff = false;
			received(m, p, lane_find(m, ev->peer), ev_chan(ev),
			    ev->msg, ev->len);
		}
		break;
	case EV_POLL:
		if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		break;
	case EV_UNBLOCK:
		lane_set(m, p, LS_UP);
		if (ev->op == OP_CALL) {
			/* A call that waited to be taken: its send was told
			   by the receive only. */
			c = ev_chan(ev);
			for (i = 0; i < m->nowed; i++) {
				if (m->owed[i].from == p &&
				    strcmp(m->owed[i].chan, c) == 0) {
					owed_remove(m, i);
					break;
				}
			}
		}
		if (ev->status != ST_OK && p >= 0) {
			r = row_add(m, MR_NOTE, p, -1);
			if (ev->status == ST_TIMEOUT)
				xasprintf(&r->note, "%s %s timed out",
				    op_name(ev->op), ev->chan != NULL ? ev->chan :
				    "");
			else
				xasprintf(&r->note, "%s %s failed: %s",
				    op_name(ev->op), ev->chan != NULL ? ev->chan :
				    "", ev->error != NULL ? ev->error : "error");
			break;
		}
		if (ev->op == OP_SEND && ev->has_msg)
			send_event(m, p, ev);
		else if (ev->op == OP_RECV && ev->has_msg) {
			m->handoff = true;
			received(m, p, lane_find(m, ev->peer), ev_chan(ev),
			    ev->msg, ev->len);
		}
		break;
	case EV_REPLY:
		if (ev->status == ST_OK && ev->has_msg && ev->peer != NULL) {
			r = row_add(m, MR_MSG, p, lane_get(m, ev->peer));
			r->text = label_of(ev->msg, ev->len);
			r->chan = xstrdup("reply");
			r->send = row_number(m);
			r->msgno = ++m->nmsgs;
		}
		break;
	case EV_DROP:
	case EV_DUP:
	case EV_REORDER:
		if (ev->has_msg && ev->chan != NULL)
			lossy(m, ev);
		break;
	case EV_CLOSE:
		if (ev->chan != NULL)
			queue_clear(chan_kind(m, ev->chan));
		break;
	case EV_DEADLOCK:
		deadlock(m, ev);
		break;
	case EV_EXIT:
		if (p < 0)
			break;
		lane_set(m, p, LS_GONE);
		r = row_add(m, MR_EXIT, p, -1);
		if (ev->code >= 0)
			xasprintf(&r->note, "exit %d", ev->code);
		else
			r->note = xstrdup("killed");
		break;
	default:
		break;
	}
}

char *
msc_label(const struct msc_row *r, uint64_t n, bool withsend)
{
	struct sb	b;

	sb_init(&b);
	sb_printf(&b, "%s %s", r->text != NULL ? r->text : "",
	    r->chan != NULL ? r->chan : "");
	if (withsend && r->kind == MR_MSG && r->send != n && r->send != 0)
		sb_printf(&b, " #%llu", (unsigned long long)r->send);
	else if (withsend && r->kind == MR_MSG && r->send == 0)
		sb_puts(&b, " (sent before)");
	if (r->note != NULL)
		sb_printf(&b, " (%s)", r->note);
	return (sb_take(&b));
}

bool
msc_view(struct ctx *ctx, size_t last, struct msc_view *v)
{
	struct msc	*m = ctx->msc;
	size_t		 i, start = 0;
	uint64_t	 want;

	memset(v, 0, sizeof(*v));
	if (m == NULL || m->nrows == 0)
		return (false);
	if (last > 0 && m->nmsgs > last) {
		want = m->nmsgs - last + 1;	/* the first message shown */
		for (i = 0; i < m->nrows; i++) {
			if (m->rows[i].msgno >= want)
				break;
		}
		/* Its send may be drawn on an earlier row. */
		for (start = i; i < m->nrows; i++) {
			if (m->rows[i].kind == MR_MSG && m->rows[i].msgno >=
			    want && m->rows[i].send > m->base &&
			    m->rows[i].send - m->base - 1 < start)
				start = m->rows[i].send - m->base - 1;
		}
	}
	v->lanes = (const char *const *)m->lanes;
	v->nlanes = m->nlanes;
	v->rows = m->rows + start;
	v->nrows = m->nrows - start;
	v->first = m->base + start + 1;
	v->cut = m->base > 0 && start == 0;
	return (v->nrows > 0);
}
