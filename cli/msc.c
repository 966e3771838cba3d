/*
 * The message sequence chart of the session: one lane per process, a row
 * per thing that happened to a message or a lane, built from the very
 * events the transcript prints (so a kernel channel is drawn like a
 * modeled one).
 *
 * A message is drawn where it was sent and where it arrived.  The events
 * do not carry a message's identity, so an arrival is matched to a send:
 * on a modeled channel the receive names its sender and the bytes must be
 * equal; on a kernel one the channel is first in, first out (a stream's
 * read may take several writes at once, or part of one).  A lossy
 * channel tells of a drop, a duplicate or a reorder right after the send
 * it concerns.  A rendezvous may tell of the receive before the send:
 * the receive draws the arrow and the send that follows is absorbed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipcplay.h"
#include "msc.h"
#include "sb.h"

#define MSC_ROWS_MAX	100000	/* rows kept; the oldest go first */
#define PEND_MAX	100000	/* messages waiting to be matched */

/* A message sent and not yet received (or a register's value). */
struct pend {
	char		*chan;
	int		 from;
	unsigned char	*data;
	size_t		 len;
	uint64_t	 row;		/* its send row's number */
	uint64_t	 msgno;
	bool		 owed;		/* already drawn: its send is to come */
	char		*note;		/* "duplicate", "reordered" */
};

struct chan_kind {
	char		*name;
	enum buffering	 buf;
	bool		 kernel;
};

struct msc {
	char		**lanes;
	unsigned char	 *state;
	size_t		  nlanes;
	struct msc_row	 *rows;
	size_t		  nrows;
	uint64_t	  base;		/* rows gone from the front */
	struct pend	 *pend;
	size_t		  npend;
	struct chan_kind *chans;
	size_t		  nchans;
	uint64_t	  nmsgs;
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
	free(p->chan);
	free(p->data);
	free(p->note);
}

static void
msc_clear(struct msc *m)
{
	size_t	i;

	for (i = 0; i < m->nrows; i++)
		row_clear(&m->rows[i]);
	for (i = 0; i < m->npend; i++)
		pend_clear(&m->pend[i]);
	for (i = 0; i < m->nlanes; i++)
		free(m->lanes[i]);
	for (i = 0; i < m->nchans; i++)
		free(m->chans[i].name);
	free(m->rows);
	free(m->pend);
	free(m->lanes);
	free(m->state);
	free(m->chans);
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

static struct chan_kind *
chan_kind(struct msc *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nchans; i++) {
		if (strcmp(m->chans[i].name, name) == 0)
			return (&m->chans[i]);
	}
	return (NULL);
}

/* A new row, the lanes as they are now; the oldest go past the cap. */
static struct msc_row *
row_add(struct msc *m, enum msc_kind kind, int from, int to)
{
	struct msc_row	*r;
	size_t		 drop;

	if (m->nrows == MSC_ROWS_MAX) {
		drop = MSC_ROWS_MAX / 10;
		for (size_t i = 0; i < drop; i++)
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

static char *
quote(const unsigned char *data, size_t len)
{
	return (word_quote(data, len));
}

static const char *
ev_chan(const struct event *ev)
{
	if (ev->forward != NULL)
		return (ev->forward);
	return (ev->chan != NULL ? ev->chan : "?");
}

static void
pend_remove(struct msc *m, size_t i)
{
	pend_clear(&m->pend[i]);
	memmove(&m->pend[i], &m->pend[i + 1], (m->npend - i - 1) *
	    sizeof(*m->pend));
	m->npend--;
}

static struct pend *
pend_add(struct msc *m, const char *chan, int from, const unsigned char *data,
    size_t len)
{
	struct pend	*p;

	/* Messages nobody will ever be seen to take: keep the newest. */
	if (m->npend == PEND_MAX)
		pend_remove(m, 0);

	m->pend = xreallocarray(m->pend, m->npend + 1, sizeof(*m->pend));
	p = &m->pend[m->npend++];
	memset(p, 0, sizeof(*p));
	p->chan = xstrdup(chan);
	p->from = from;
	p->data = xmemdup(data, len > 0 ? len : 1);
	p->len = len;
	return (p);
}

static bool
same(const struct pend *p, const char *chan, const unsigned char *data,
    size_t len)
{
	return (strcmp(p->chan, chan) == 0 && p->len == len &&
	    (len == 0 || memcmp(p->data, data, len) == 0));
}

/* from sent data on chan: its send row, unless a receive drew it first. */
static void
sent(struct msc *m, int from, const char *chan, const unsigned char *data,
    size_t len)
{
	struct chan_kind	*k = chan_kind(m, chan);
	struct msc_row		*r;
	struct pend		*p;
	size_t			 i;

	for (i = 0; i < m->npend; i++) {
		if (m->pend[i].owed && m->pend[i].from == from &&
		    same(&m->pend[i], chan, data, len)) {
			pend_remove(m, i);
			return;
		}
	}
	/* A register keeps one value: the one before is overwritten. */
	if (k != NULL && k->buf == BUF_REGISTER && !k->kernel) {
		for (i = 0; i < m->npend; i++) {
			if (!m->pend[i].owed && strcmp(m->pend[i].chan,
			    chan) == 0) {
				pend_remove(m, i);
				i--;
			}
		}
	}
	r = row_add(m, MR_SEND, from, -1);
	r->text = quote(data, len);
	r->chan = xstrdup(chan);
	r->msgno = ++m->nmsgs;
	p = pend_add(m, chan, from, data, len);
	p->row = row_number(m);
	p->msgno = r->msgno;
}

/* An arrow from p's send to lane to, drawn now. */
static void
arrive(struct msc *m, const struct pend *p, int to, bool keep)
{
	struct msc_row	*r, *s;

	s = row_by_number(m, p->row);
	/* Sent just before, nothing else between: one row, one arrow. */
	if (!keep && s != NULL && p->row == row_number(m) && s->kind ==
	    MR_SEND && s->note == NULL && p->note == NULL) {
		s->kind = MR_MSG;
		s->to = to;
		s->send = p->row;
		if (to >= 0 && (size_t)to < s->nlanes)
			s->lanes[to] = m->state[to];
		return;
	}
	r = row_add(m, MR_MSG, p->from, to);
	r->text = quote(p->data, p->len);
	r->chan = xstrdup(p->chan);
	r->send = p->row;
	r->msgno = p->msgno;
	if (p->note != NULL)
		r->note = xstrdup(p->note);
}

static void
received(struct msc *m, int to, int from, const char *chan,
    const unsigned char *data, size_t len)
{
	struct chan_kind	*k = chan_kind(m, chan);
	struct msc_row		*r;
	struct pend		*p;
	size_t			 i, off;

	/* A register is read, not consumed: its latest value. */
	if (k != NULL && k->buf == BUF_REGISTER && !k->kernel) {
		for (i = m->npend; i > 0; i--) {
			p = &m->pend[i - 1];
			if (!p->owed && same(p, chan, data, len)) {
				arrive(m, p, to, true);
				return;
			}
		}
	}
	for (i = 0; i < m->npend; i++) {
		p = &m->pend[i];
		if (!p->owed && (from < 0 || p->from == from) &&
		    same(p, chan, data, len)) {
			arrive(m, p, to, false);
			pend_remove(m, i);
			return;
		}
	}
	if (from >= 0) {
		/* A rendezvous told of the receive first. */
		r = row_add(m, MR_MSG, from, to);
		r->text = quote(data, len);
		r->chan = xstrdup(chan);
		r->send = row_number(m);
		r->msgno = ++m->nmsgs;
		p = pend_add(m, chan, from, data, len);
		p->owed = true;
		return;
	}
	/* A stream: the writes, in order, that this read took. */
	for (off = 0, i = 0; i < m->npend && off < len; ) {
		p = &m->pend[i];
		if (p->owed || strcmp(p->chan, chan) != 0) {
			i++;
			continue;
		}
		if (p->len > len - off || memcmp(p->data, data + off,
		    p->len) != 0)
			break;
		off += p->len;
		arrive(m, p, to, false);
		pend_remove(m, i);
	}
	if (off < len) {
		r = row_add(m, MR_RECV, -1, to);
		r->text = quote(data + off, len - off);
		r->chan = xstrdup(chan);
		r->msgno = ++m->nmsgs;
	}
}

/* The message just sent on chan with these bytes, newest first. */
static struct pend *
pend_last(struct msc *m, const char *chan, const unsigned char *data,
    size_t len, size_t *at)
{
	size_t	i;

	for (i = m->npend; i > 0; i--) {
		if (!m->pend[i - 1].owed && same(&m->pend[i - 1], chan, data,
		    len)) {
			*at = i - 1;
			return (&m->pend[i - 1]);
		}
	}
	return (NULL);
}

/* A lossy channel's word on the message just sent. */
static void
lossy(struct msc *m, const struct event *ev)
{
	struct msc_row	*r, *s;
	struct pend	*p, *q;
	size_t		 at;
	uint64_t	 row;
	const char	*chan = ev_chan(ev);

	p = pend_last(m, chan, ev->msg, ev->len, &at);
	if (ev->type == EV_DROP) {
		bool copy = ev->text != NULL &&
		    strncmp(ev->text, "a duplicate", 11) == 0;

		if (p == NULL)
			return;
		if (!copy && (s = row_by_number(m, p->row)) != NULL &&
		    s->kind == MR_SEND) {
			s->kind = MR_DROP;
			pend_remove(m, at);
			return;
		}
		r = row_add(m, MR_DROP, p->from, -1);
		r->text = quote(ev->msg, ev->len);
		r->chan = xstrdup(chan);
		r->note = xstrdup("duplicate");
		r->msgno = ++m->nmsgs;
		return;
	}
	if (p == NULL)
		return;
	if (ev->type == EV_REORDER) {
		free(p->note);
		p->note = xstrdup("reordered");
		return;
	}
	/* EV_DUP: a second copy of the same send (p may move). */
	row = p->row;
	q = pend_add(m, chan, p->from, ev->msg, ev->len);
	q->row = row;
	q->msgno = ++m->nmsgs;
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

void
msc_event(struct ctx *ctx, const struct event *ev)
{
	struct msc		*m;
	struct chan_kind	*k;
	struct msc_row		*r;
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
		if (ev->chan == NULL)
			return;
		if ((k = chan_kind(m, ev->chan)) == NULL) {
			m->chans = xreallocarray(m->chans, m->nchans + 1,
			    sizeof(*m->chans));
			k = &m->chans[m->nchans++];
			k->name = xstrdup(ev->chan);
		}
		k->buf = ev->buffering;
		k->kernel = ev->mechanism != MECH_MODELED;
		return;
	default:
		break;
	}
	p = lane_get(m, ev->proc);
	switch (ev->type) {
	case EV_SEND:
	case EV_CALL:
		if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		else if (ev->status == ST_OK) {
			if (ev->type == EV_CALL)
				lane_set(m, p, LS_BLOCKED);	/* the reply */
			sent(m, p, ev_chan(ev), ev->msg, ev->len);
		}
		break;
	case EV_RECV:
		if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		else if (ev->status == ST_OK && ev->has_msg)
			received(m, p, lane_find(m, ev->peer), ev_chan(ev),
			    ev->msg, ev->len);
		break;
	case EV_POLL:
		if (ev->status == ST_BLOCKED)
			blocked(m, p, ev);
		break;
	case EV_UNBLOCK:
		lane_set(m, p, LS_UP);
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
		if (ev->status != ST_OK)
			break;
		if (ev->op == OP_SEND && ev->has_msg)
			sent(m, p, ev_chan(ev), ev->msg, ev->len);
		else if (ev->op == OP_RECV && ev->has_msg)
			received(m, p, lane_find(m, ev->peer), ev_chan(ev),
			    ev->msg, ev->len);
		else if (ev->op == OP_CALL) {
			/* A call that waited to be taken: its send is told
			   by the receive only. */
			for (size_t i = 0; i < m->npend; i++) {
				if (m->pend[i].owed && m->pend[i].from == p &&
				    ev->chan != NULL &&
				    strcmp(m->pend[i].chan, ev->chan) == 0) {
					pend_remove(m, i);
					break;
				}
			}
		}
		break;
	case EV_REPLY:
		if (ev->status == ST_OK && ev->has_msg && ev->peer != NULL) {
			r = row_add(m, MR_MSG, p, lane_get(m, ev->peer));
			r->text = quote(ev->msg, ev->len);
			r->chan = xstrdup("reply");
			r->send = row_number(m);
			r->msgno = ++m->nmsgs;
		}
		break;
	case EV_DROP:
	case EV_DUP:
	case EV_REORDER:
		if (ev->has_msg)
			lossy(m, ev);
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
	if (withsend && r->kind == MR_MSG && r->send != n)
		sb_printf(&b, " #%llu", (unsigned long long)r->send);
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
	return (v->nrows > 0);
}
