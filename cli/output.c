/*
 * The printers: events into the human transcript (one line per event, in
 * words a student reads aloud) or, through json.c, into JSON lines.  Both
 * are observers of the engine.  The trace keeps the last events' lines
 * for "trace N".
 *
 * Output is flushed per event on a terminal and under --json, so a
 * reader of the pipe sees each event as it happens.
 */

#include <sys/ioctl.h>

#include <signal.h>
#include <stdarg.h>
#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "msc.h"
#include "prog.h"
#include "sb.h"

#define TRACE_MAX	1000

struct trace_ring {
	char	*lines[TRACE_MAX];
	size_t	 next, count;
};

#define C_RESET	"\033[0m"
#define C_RED	"\033[1;31m"
#define C_YEL	"\033[33m"
#define C_GRN	"\033[32m"
#define C_DIM	"\033[2m"
#define C_CYAN	"\033[36m"

#define MSG_SHOWN_MAX	200	/* longer messages are shown cut */
#define MSG_SHOWN_HEAD	40

static const char *
msgq(struct sb *b, const struct event *ev)
{
	const unsigned char	*m;
	char			*q;
	size_t			 k;

	m = ev->msg != NULL ? ev->msg : (const unsigned char *)"";
	if (ev->len <= MSG_SHOWN_MAX) {
		q = word_quote(m, ev->len);
		sb_puts(b, q);
		free(q);
		return ("");
	}
	/* A long one (a pipe's 4 KiB): its start, and how long it is. */
	k = word_quote_fit(m, ev->len, MSG_SHOWN_HEAD);
	q = word_quote(m, k);
	q[strlen(q) - 1] = '\0';
	sb_printf(b, "%s%s\" (%zu bytes)", q, glyph(G_ELLIPSIS), ev->len);
	free(q);
	return ("");
}

static void
fillnote(struct sb *b, const struct event *ev, const char *chan)
{
	if (chan == NULL)
		return;
	switch (ev->capacity) {
	case -1:
		sb_printf(b, " [%s %zu]", chan, ev->fill);
		break;
	case 0:
		break;
	default:
		if (ev->version > 0)
			sb_printf(b, " [%s version %llu]", chan,
			    (unsigned long long)ev->version);
		else if (ev->capacity == 1 && ev->type != EV_SEND &&
		    ev->type != EV_RECV && ev->type != EV_UNBLOCK)
			sb_printf(b, " [%s %zu/1]", chan, ev->fill);
		else
			sb_printf(b, " [%s %zu/%ld]", chan, ev->fill,
			    ev->capacity);
	}
}

static void
list(struct sb *b, const char *const *v, size_t n, const char *sep)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sb_printf(b, "%s%s", i > 0 ? sep : "", v[i]);
}

/* "A, B, C": a deadlock's processes, as every report names them. */
void
deadlock_procs(struct sb *b, const struct deadlock *d)
{
	list(b, (const char *const *)d->procs, d->nprocs, ", ");
}

/* "A -> B -> C -> A": the cycle, closed; nothing if there is none. */
void
deadlock_cycle(struct sb *b, const struct deadlock *d)
{
	size_t	i;

	if (d->ncycle == 0)
		return;
	for (i = 0; i < d->ncycle; i++)
		sb_printf(b, "%s %s ", d->cycle[i], glyph(G_ARROW));
	sb_puts(b, d->cycle[0]);
}

/* "A -send ab-> B  DEADLOCK": one edge of the wait-for graph. */
void
edge_text(struct sb *b, const struct wfg_edge *e)
{
	sb_printf(b, "%s %s%s %s%s %s%s", e->from, glyph(G_HLINE),
	    op_name(e->op), e->chan, glyph(G_ARROW), e->to != NULL ? e->to :
	    "(nobody)", e->deadlocked ? "  DEADLOCK" : "");
}

/* "c1, c2 (hang-up)": a poll's ready set, POLLHUP said as such. */
static void
ready_list(struct sb *b, const struct event *ev)
{
	size_t	i, j;

	for (i = 0; i < ev->nready; i++) {
		sb_printf(b, "%s%s", i > 0 ? ", " : "", ev->ready[i]);
		for (j = 0; j < ev->nhup; j++) {
			if (strcmp(ev->hup[j], ev->ready[i]) == 0) {
				sb_puts(b, " (hang-up)");
				break;
			}
		}
	}
}

static void
human_op(struct sb *b, const struct event *ev, enum op_kind k)
{
	const char	*chan = ev->chan;

	switch (ev->status) {
	case ST_OK:
		if (k == OP_SEND) {
			sb_printf(b, "%s%s ", ev->proc,
			    ev->type == EV_UNBLOCK ? " unblocked: sent" :
			    " sent");
			msgq(b, ev);
			sb_printf(b, " on %s", chan);
			if (ev->forward != NULL) {
				sb_printf(b, " %s %s", glyph(G_ARROW), ev->forward);
				chan = ev->forward;
			}
			if (ev->size < ev->len)
				sb_printf(b, " (wrote %zu of %zu bytes)",
				    ev->size, ev->len);
			if (ev->nchans <= 1)
				fillnote(b, ev, chan);
		} else if (k == OP_RECV) {
			sb_printf(b, "%s%s ", ev->proc,
			    ev->type == EV_UNBLOCK ? " unblocked: received" :
			    " received");
			msgq(b, ev);
			sb_printf(b, " from %s", chan);
			if (ev->truncated)
				sb_printf(b, " (truncated to %zu bytes)",
				    ev->len);
			if (ev->version > 0) {
				sb_printf(b, " [%s version %llu", chan,
				    (unsigned long long)ev->version);
				if (ev->missed > 0)
					sb_printf(b, ", missed %llu",
					    (unsigned long long)ev->missed);
				sb_puts(b, "]");
			} else
				fillnote(b, ev, chan);
			if (ev->call)
				sb_printf(b, " (a call: %s waits for the "
				    "reply)", ev->peer);
		} else if (k == OP_CALL) {
			/* The end of a call: the reply came. */
			sb_printf(b, "%s unblocked: call on %s returned ",
			    ev->proc, chan);
			msgq(b, ev);
			if (ev->peer != NULL)
				sb_printf(b, " from %s", ev->peer);
		} else {
			sb_printf(b, "%s%s ", ev->proc,
			    ev->type == EV_UNBLOCK ? " unblocked: poll" :
			    " poll");
			list(b, ev->chans, ev->nchans, ",");
			sb_puts(b, ": ready ");
			ready_list(b, ev);
		}
		break;
	case ST_BLOCKED:
	case ST_WOULD_BLOCK:
		sb_printf(b, "%s %s: %s on %s", ev->proc,
		    ev->status == ST_BLOCKED ? "blocked" : "would block",
		    op_name(k), chan);
		if (ev->forward != NULL)
			sb_printf(b, " %s %s", glyph(G_ARROW), ev->forward);
		if (ev->reason != NULL)
			sb_printf(b, " (%s)", ev->reason);
		if (k == OP_SEND && ev->size > 0)
			sb_printf(b, " after writing %zu of %zu bytes",
			    ev->size, ev->len);
		if (ev->status == ST_BLOCKED && ev->timeout_ms >= 0)
			sb_printf(b, ", timeout %d ms", ev->timeout_ms);
		break;
	case ST_TIMEOUT:
		sb_printf(b, "%s timed out: %s on %s", ev->proc, op_name(k),
		    chan);
		if (ev->timeout_ms >= 0)
			sb_printf(b, " after %d ms", ev->timeout_ms);
		break;
	case ST_ERROR:
		sb_printf(b, "%s%s %s on %s", ev->proc,
		    ev->type == EV_UNBLOCK ? " unblocked:" : "", op_name(k),
		    chan);
		if (ev->forward != NULL)
			sb_printf(b, " %s %s", glyph(G_ARROW), ev->forward);
		if (strcmp(ev->error, "end of channel") == 0)
			sb_puts(b, ": end of channel (every sender is gone "
			    "and nothing is left)");
		else
			sb_printf(b, " failed: %s", ev->error);
		if (ev->text != NULL)
			sb_printf(b, ": %s", ev->text);
		break;
	}
}

/* A 64-bit word's sum wraps, as the hardware's add does. */
static int64_t
wrap_add(int64_t a, int64_t b)
{
	return ((int64_t)((uint64_t)a + (uint64_t)b));
}

/* What a process did on shared memory, in words. */
static void
human_shm(struct sb *b, const struct event *ev)
{
	const char	*p = ev->proc, *c = ev->chan;
	size_t		 i = ev->index;

	switch (ev->status) {
	case ST_BLOCKED:
		sb_printf(b, "%s blocked: wait on %s[%zu] (%s)", p, c, i,
		    ev->reason);
		if (ev->timeout_ms >= 0)
			sb_printf(b, ", timeout %d ms", ev->timeout_ms);
		return;
	case ST_WOULD_BLOCK:
		sb_printf(b, "%s did not wait: %s[%zu] is %" PRId64 ", not %"
		    PRId64, p, c, i, ev->old, ev->value);
		return;
	case ST_TIMEOUT:
		sb_printf(b, "%s timed out: wait on %s[%zu] after %d ms", p, c,
		    i, ev->timeout_ms);
		return;
	case ST_ERROR:
		sb_printf(b, "%s %s %s[%zu] failed: %s", p, op_name(ev->op), c,
		    i, ev->error);
		return;
	default:
		break;
	}
	switch (ev->op) {
	case OP_STORE:
		sb_printf(b, "%s stored %" PRId64 " in %s[%zu]", p, ev->value,
		    c, i);
		break;
	case OP_LOAD:
		sb_printf(b, "%s loaded %s[%zu]: %" PRId64, p, c, i, ev->value);
		break;
	case OP_ADD:
		if (ev->racy)
			sb_printf(b, "%s added %" PRId64 " to %s[%zu] in two "
			    "steps: loaded %" PRId64 ", stored %" PRId64, p,
			    ev->value, c, i, ev->old, wrap_add(ev->old,
			    ev->value));
		else
			sb_printf(b, "%s added %" PRId64 " to %s[%zu]: %" PRId64
			    " %s %" PRId64, p, ev->value, c, i, ev->old,
			    glyph(G_ARROW), wrap_add(ev->old, ev->value));
		break;
	case OP_WAIT:
		sb_printf(b, "%s woke up: %s[%zu] is %" PRId64, p, c, i,
		    ev->old);
		break;
	default:
		sb_printf(b, "%s woke %" PRId64 " waiter%s on %s[%zu]", p,
		    ev->value, ev->value == 1 ? "" : "s", c, i);
		break;
	}
}

/*
 * What a helper of a wait on chan would do: "send on c1" for a receive,
 * "receive from c1" for a send, "make c1,c2 ready" for a poll.
 */
static const char *
help_verb(enum op_kind op, const char *chan, char *buf, size_t len)
{
	switch (op) {
	case OP_SEND:
		snprintf(buf, len, "receive from %s", chan);
		break;
	case OP_RECV:
		snprintf(buf, len, "send %s %s", chan[0] == '@' ? "to" : "on",
		    chan);
		break;
	case OP_CALL:
		snprintf(buf, len, "answer the call on %s", chan);
		break;
	case OP_WAIT:
		snprintf(buf, len, "change %s and wake it", chan);
		break;
	default:
		snprintf(buf, len, "make %s ready", chan);
		break;
	}
	return (buf);
}

/* One event in words; NULL for events the transcript does not show. */
char *
event_human(const struct event *ev)
{
	const struct dl_wait *w;
	char		 vbuf[NAME_LEN * 4 + 64];
	struct sb	 b;
	char		 sbuf[32], fbuf[32], *t;
	size_t		 i;
	const struct deadlock *d;

	sb_init(&b);
	switch (ev->type) {
	case EV_SPAWN:
		sb_printf(&b, "%s spawned", ev->proc);
		break;
	case EV_CHANNEL:
		if (ev->mechanism == MECH_SHM) {
			sb_printf(&b, "%s created: shared memory (memfd), %ld "
			    "word%s of 64 bits, zeroed, mapped by %s", ev->chan,
			    ev->capacity, ev->capacity == 1 ? "" : "s",
			    ev->holders != NULL && *ev->holders != '\0' ?
			    ev->holders : "nobody");
			break;
		}
		if (ev->mechanism != MECH_MODELED) {
			sb_printf(&b, "%s created: %s", ev->chan,
			    mechanism_name(ev->mechanism));
			if (ev->mechanism == MECH_SOCKETPAIR)
				sb_printf(&b, " %s", socktype_name(
				    ev->socktype));
			sb_printf(&b, " (kernel), %s %ld %s, held by %s",
			    ev->mechanism == MECH_SOCKETPAIR ? "sndbuf" :
			    "capacity", ev->capacity, ev->mechanism !=
			    MECH_MQ ? "bytes" : ev->capacity == 1 ?
			    "message" : "messages", ev->holders !=
			    NULL && *ev->holders != '\0' ? ev->holders :
			    "nobody");
			break;
		}
		sb_printf(&b, "%s created: %s", ev->chan,
		    buffering_name(ev->buffering));
		if (ev->buffering == BUF_BOUNDED)
			sb_printf(&b, " %ld", ev->capacity);
		sb_printf(&b, ", %s, %s", format_name(ev->format,
		    ev->fixed_len, fbuf, sizeof(fbuf)),
		    delivery_name(ev->delivery));
		break;
	case EV_CLOSE:
		sb_printf(&b, "%s closed", ev->chan);
		if (ev->fill > 0)
			sb_printf(&b, " (%zu message%s discarded)", ev->fill,
			    ev->fill == 1 ? "" : "s");
		break;
	case EV_SEND:
	case EV_RECV:
	case EV_POLL:
		human_op(&b, ev, ev->type == EV_SEND ? OP_SEND :
		    ev->type == EV_RECV ? OP_RECV : OP_POLL);
		break;
	case EV_UNBLOCK:
		human_op(&b, ev, ev->op);
		break;
	case EV_CALL:
		if (ev->status == ST_BLOCKED && ev->peer != NULL) {
			/* Delivered at once: it waits for the reply now. */
			sb_printf(&b, "%s called %s on %s with ", ev->proc,
			    ev->peer, ev->chan);
			msgq(&b, ev);
			sb_printf(&b, "; %s waits for the reply", ev->proc);
			if (ev->timeout_ms >= 0)
				sb_printf(&b, ", timeout %d ms",
				    ev->timeout_ms);
		} else
			human_op(&b, ev, OP_CALL);
		break;
	case EV_REPLY:
		if (ev->status == ST_OK) {
			sb_printf(&b, "%s replied ", ev->proc);
			msgq(&b, ev);
			sb_printf(&b, " to %s", ev->peer);
			if (ev->op == OP_REPLYRECV && ev->nchans == 1)
				sb_printf(&b, ", then receives on %s",
				    ev->chans[0]);
		} else if (ev->op == OP_REPLYRECV && ev->chan != NULL &&
		    ev->chan[0] != '\0')
			human_op(&b, ev, OP_REPLYRECV);
		else
			sb_printf(&b, "%s could not reply: %s%s%s", ev->proc,
			    ev->error, ev->text != NULL ? ": " : "",
			    ev->text != NULL ? ev->text : "");
		break;
	case EV_SHM:
		human_shm(&b, ev);
		break;
	case EV_PASS:
	case EV_CLOSE_END:
		if (ev->status != ST_OK)
			sb_printf(&b, "%s %s %s failed: %s%s%s", ev->proc,
			    ev->type == EV_PASS ? "pass" : "drop", ev->chan,
			    ev->error, ev->text != NULL ? ": " : "",
			    ev->text != NULL ? ev->text : "");
		else if (ev->type == EV_PASS)
			sb_printf(&b, "%s %s its %s of %s to %s over %s "
			    "(SCM_RIGHTS)%s", ev->proc, ev->code ? "moved" :
			    "passed", ev->reason, ev->chan, ev->peer,
			    ev->forward, ev->code ? "" : "; it keeps its own");
		else
			sb_printf(&b, "%s closed its %s of %s", ev->proc,
			    ev->reason, ev->chan);
		break;
	case EV_DROP:
	case EV_DUP:
	case EV_REORDER:
		sb_printf(&b, "%s %s ", ev->chan, ev->type == EV_DROP ?
		    "dropped" : ev->type == EV_DUP ? "duplicated" :
		    "reordered");
		msgq(&b, ev);
		if (ev->text != NULL)
			sb_printf(&b, " (%s)", ev->text);
		break;
	case EV_SIGNAL:
		if (ev->status == ST_ERROR)
			sb_printf(&b, "%s could not signal %s: %s", ev->peer,
			    ev->proc, ev->error);
		else
			sb_printf(&b, "%s sent %s to %s", ev->peer,
			    sig_name(ev->sig, sbuf, sizeof(sbuf)), ev->proc);
		break;
	case EV_CAUGHT:
		sb_printf(&b, "%s caught %s from %s", ev->proc,
		    sig_name(ev->sig, sbuf, sizeof(sbuf)), ev->peer);
		break;
	case EV_MASK:
		if (ev->status == ST_ERROR)
			sb_printf(&b, "%s could not %s %s: %s", ev->proc,
			    ev->op == OP_MASK ? "mask" : "unmask",
			    sig_name(ev->sig, sbuf, sizeof(sbuf)), ev->error);
		else
			sb_printf(&b, "%s %s %s", ev->proc, ev->op == OP_MASK ?
			    "masked" : "unmasked", sig_name(ev->sig, sbuf,
			    sizeof(sbuf)));
		break;
	case EV_EXIT:
		if (ev->code == -1)
			sb_printf(&b, "%s killed by %s", ev->proc,
			    sig_name(ev->sig, sbuf, sizeof(sbuf)));
		else
			sb_printf(&b, "%s exited (code %d)", ev->proc,
			    ev->code);
		break;
	case EV_DEADLOCK:
		d = ev->deadlock;
		sb_puts(&b, "DEADLOCK: ");
		deadlock_procs(&b, d);
		sb_printf(&b, " %s ", glyph(G_DASH));
		for (i = 0; i < d->nprocs; i++) {
			const struct dl_wait *dw = &d->waits[i];

			sb_printf(&b, "%s%s", i > 0 ? "; " : "", dw->proc);
			/* A program's wait: the line that made it. */
			if (dw->program != NULL)
				sb_printf(&b, " (%s line %d)", dw->program,
				    dw->line);
			if (dw->awaits_reply) {
				sb_printf(&b, " waits for %s's reply to its "
				    "call on %s", dw->helpers, dw->chan);
				continue;
			}
			if (dw->op == OP_WAIT)
				sb_printf(&b, " waits on %s (futex)", dw->chan);
			else
				sb_printf(&b, " waits to %s on %s",
				    op_name(dw->op), dw->chan);
			if (dw->helpers != NULL)
				sb_printf(&b, " for %s", dw->helpers);
			else
				sb_printf(&b, ": no other live process may %s",
				    help_verb(dw->op, dw->chan, vbuf,
				    sizeof(vbuf)));
		}
		if (d->ncycle > 0) {
			sb_puts(&b, " (cycle ");
			deadlock_cycle(&b, d);
			sb_puts(&b, ")");
		}
		break;
	case EV_STUCK:
		if (ev->status == ST_OK) {
			sb_printf(&b, "%s is no longer stuck: a live process "
			    "could now %s", ev->proc, help_verb(ev->op,
			    ev->chan, vbuf, sizeof(vbuf)));
			break;
		}
		w = ev->wait;
		sb_printf(&b, "%s", ev->proc);
		if (w->program != NULL)
			sb_printf(&b, " (%s line %d)", w->program, w->line);
		sb_printf(&b, " is stuck: only %s, %s, could %s",
		    w->helpers, w->all_deadlocked ? (w->nhelpers == 1 ?
		    "deadlocked" : w->nhelpers == 2 ? "both deadlocked" :
		    "all deadlocked") : (w->nhelpers == 1 ? "itself stuck" :
		    "all stuck"), help_verb(w->op, w->chan, vbuf,
		    sizeof(vbuf)));
		break;
	case EV_RESET:
		sb_printf(&b, "reset: %zu process%s ended, %zu channel%s gone; "
		    "the playground is empty", ev->size, ev->size == 1 ? "" :
		    "es", ev->fill, ev->fill == 1 ? "" : "s");
		break;
	case EV_TAP:
		sb_printf(&b, "tap %s: %s %s %s ", ev->chan, ev->peer,
		    glyph(G_ARROW), ev->proc);
		msgq(&b, ev);
		break;
	case EV_NOTE:
		if (ev->forward != NULL) {
			sb_printf(&b, "%s forwarded ", ev->chan);
			msgq(&b, ev);
			sb_printf(&b, " from %s to %s", ev->proc,
			    ev->forward);
		} else
			sb_printf(&b, "note: %s", ev->text);
		break;
	case EV_SAY:
		/* A person's text: its arrows in this locale's glyphs. */
		t = glyph_text(ev->text);
		sb_puts(&b, t);
		free(t);
		break;
	case EV_EXPECT:
		sb_puts(&b, ev->text);
		break;
	case EV_ERROR:
	default:
		sb_free(&b);
		return (NULL);
	}
	return (sb_take(&b));
}

static const char *
event_color(const struct event *ev)
{
	switch (ev->type) {
	case EV_DEADLOCK:
		return (C_RED);
	case EV_STUCK:
		return (ev->status == ST_OK ? NULL : C_YEL);
	case EV_EXIT:
		return (C_DIM);
	case EV_SAY:
	case EV_NOTE:
		return (C_CYAN);
	case EV_EXPECT:
		return (ev->status == ST_OK ? C_GRN : C_RED);
	case EV_DROP:
	case EV_DUP:
	case EV_REORDER:
		return (C_YEL);
	default:
		break;
	}
	switch (ev->status) {
	case ST_BLOCKED:
	case ST_WOULD_BLOCK:
	case ST_TIMEOUT:
		return (C_YEL);
	case ST_ERROR:
		return (C_RED);
	default:
		return (NULL);
	}
}

static void
trace_add(struct ctx *ctx, char *line)
{
	struct trace_ring	*t;

	if (ctx->trace == NULL)
		ctx->trace = xcalloc(1, sizeof(*ctx->trace));
	t = ctx->trace;
	free(t->lines[t->next]);
	t->lines[t->next] = line;
	t->next = (t->next + 1) % TRACE_MAX;
	if (t->count < TRACE_MAX)
		t->count++;
}

void
trace_print(struct ctx *ctx, size_t n)
{
	struct trace_ring	*t = ctx->trace;
	size_t			 i, start;

	if (n == 0 || t == NULL || n > t->count)
		n = t != NULL ? t->count : 0;
	start = t != NULL ? (t->next + TRACE_MAX - n) % TRACE_MAX : 0;
	if (ctx->json) {
		/* The stored lines are the events' own JSON objects. */
		out_raw(ctx, "{\"type\":\"trace\",\"seq\":%llu,"
		    "\"events\":[", (unsigned long long)engine_next_seq(ctx->e));
		for (i = 0; i < n; i++)
			out_raw(ctx, "%s%s", i > 0 ? "," : "",
			    t->lines[(start + i) % TRACE_MAX]);
		out_raw(ctx, "]}\n");
		return;
	}
	for (i = 0; i < n; i++)
		out_printf(ctx, "  %s\n", t->lines[(start + i) % TRACE_MAX]);
}

void
lines_clear(struct linebuf *l)
{
	while (l->n > 0)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
	l->bytes = 0;
}

/* Forget the lines "expect saw" looks through (and a lesson's attempt). */
void
out_recent_clear(struct ctx *ctx)
{
	lines_clear(&ctx->recent);
}

/*
 * Keep a line for "expect saw": the last RECENT_MAX lines and at most
 * RECENT_BYTES of them, so that a long repeat cannot grow it without end.
 */
static void
lines_add(struct linebuf *l, const char *line)
{
	size_t	len, drop = 0;

	len = strlen(line) + 1;
	if (len > RECENT_BYTES)
		return;
	while (drop < l->n && (l->n - drop >= RECENT_MAX ||
	    l->bytes + len > RECENT_BYTES)) {
		l->bytes -= strlen(l->v[drop]) + 1;
		free(l->v[drop++]);
	}
	if (drop > 0) {
		l->n -= drop;
		memmove(l->v, l->v + drop, l->n * sizeof(*l->v));
	}
	if (l->v == NULL)
		l->v = xcalloc(RECENT_MAX, sizeof(*l->v));
	l->v[l->n++] = xstrdup(line);
	l->bytes += len;
}

/*
 * The end of a playground: the last line of text out, the engine (and so
 * every process) gone, and everything the printers kept freed.  main and
 * the fuzzer end the same way.
 */
void
ctx_end(struct ctx *ctx)
{
	if (ctx->text.len > 0)
		out_printf(ctx, "\n");
	sb_free(&ctx->text);
	play_free(ctx);
	free(ctx->last_error);
	ctx->last_error = NULL;
	engine_free(ctx->e);
	ctx->e = NULL;
	trace_free(ctx);
	msc_free(ctx);
	out_recent_clear(ctx);
	lines_clear(&ctx->attempt);
}

void
trace_free(struct ctx *ctx)
{
	size_t	i;

	if (ctx->trace == NULL)
		return;
	for (i = 0; i < TRACE_MAX; i++)
		free(ctx->trace->lines[i]);
	free(ctx->trace);
	ctx->trace = NULL;
}

/*
 * The process whose operation this event says failed, or NULL; with
 * unblock, also a wait that ended in an error.  The end of a channel is
 * an outcome, not a failure (spec 5a).
 */
const char *
event_failer(const struct event *ev, bool unblock)
{
	if (ev->status != ST_ERROR)
		return (NULL);
	switch (ev->type) {
	case EV_UNBLOCK:
		return (unblock ? ev->proc : NULL);
	case EV_SEND:
	case EV_RECV:
	case EV_POLL:
	case EV_MASK:
	case EV_CALL:
	case EV_REPLY:
	case EV_PASS:
	case EV_CLOSE_END:
	case EV_SHM:
		return (ev->proc);
	case EV_SIGNAL:
		return (ev->peer);
	default:
		return (NULL);
	}
}

/*
 * The other side is gone: a read at its end, a write with nobody left to
 * read it (EPIPE).  The first is an outcome for every command (spec 5a),
 * both are for a program, which they end.
 */
bool
error_peer_gone(const char *err, bool write_too)
{
	return (err != NULL && (strcmp(err, "end of channel") == 0 ||
	    (write_too && strcmp(err, "broken channel") == 0)));
}

/* Remember the first error status of the command being run. */
static void
watch(struct ctx *ctx, const struct event *ev)
{
	const char	*who;

	if (ctx->watch_proc == NULL || ev->status != ST_ERROR)
		return;
	if (error_peer_gone(ev->error, ctx->in_program))
		return;
	who = event_failer(ev, false);
	if (who == NULL || strcmp(who, ctx->watch_proc) != 0 ||
	    ctx->watch_failed)
		return;
	ctx->watch_failed = true;
	if (ev->text != NULL)
		xasprintf(&ctx->watch_error, "%s: %s", ev->error != NULL ?
		    ev->error : "error", ev->text);
	else
		ctx->watch_error = xstrdup(ev->error != NULL ? ev->error :
		    "error");
}

/* The width of the terminal f writes to, or dflt. */
size_t
term_columns(FILE *f, size_t dflt)
{
	struct winsize	ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return (ws.ws_col);
	return (dflt);
}

static int
term_width(FILE *f)
{
	return ((int)term_columns(f, 80));
}

/*
 * Text for a person on a terminal: break s in place at blanks so that
 * no line is longer than f's width (a word longer than a line stays
 * whole).  Anywhere else (a pipe, a file) s is left as it is.
 */
void
out_wrap(char *s, FILE *f)
{
	int	 width;
	char	*line = s, *p, *brk;

	if (!isatty(fileno(f)))
		return;
	width = term_width(f);
	while ((int)strlen(line) > width) {
		brk = NULL;
		for (p = line; p - line <= width && *p != '\0' && *p != '\n';
		    p++) {
			if (*p == ' ')
				brk = p;
		}
		if (*p == '\n') {
			line = p + 1;
			continue;
		}
		if (brk == NULL && (brk = strchr(line + width, ' ')) == NULL)
			return;
		*brk = '\n';
		line = brk + 1;
	}
}

void
out_event(const struct event *ev, void *arg)
{
	struct ctx	*ctx = arg;
	char		*line, *h;
	const char	*col;

	watch(ctx, ev);
	if (ctx->sim)
		return;		/* explore's search: the outcome only */
	msc_event(ctx, ev);
	h = event_human(ev);
	if (h != NULL && ev->type != EV_EXPECT) {
		lines_add(&ctx->recent, h);
		if (ctx->recording)
			lines_add(&ctx->attempt, h);
	}
	if (ev->type != EV_SAY && ev->type != EV_EXPECT && ev->type !=
	    EV_ERROR) {
		if (ctx->json)
			trace_add(ctx, event_json(ev));
		else if (h != NULL)
			trace_add(ctx, xstrdup(h));
	}
	/* A free run's sends and receives, counted (burst.c). */
	if (!ctx->json && ctx->play != NULL && ctx->play->burst != NULL &&
	    burst_take(ctx, ev, h)) {
		free(h);
		return;
	}
	if (ctx->print_hook != NULL) {
		if (ctx->json) {
			line = event_json(ev);
			ctx->print_hook(ctx, OUT_EVENT, line);
			free(line);
		} else if (h != NULL)
			ctx->print_hook(ctx, OUT_EVENT, h);
		free(h);
		return;
	}
	if (ctx->async_begin != NULL)
		ctx->async_begin(ctx);
	if (ctx->json) {
		line = event_json(ev);
		fprintf(ctx->out, "%s\n", line);
		free(line);
		fflush(ctx->out);
	} else if (h != NULL) {
		col = ctx->color ? event_color(ev) : NULL;
		if (ev->type == EV_SAY && ctx->interactive)
			out_wrap(h, ctx->out);
		if (col != NULL)
			fprintf(ctx->out, "%s%s%s\n", col, h, C_RESET);
		else
			fprintf(ctx->out, "%s\n", h);
		if (ctx->interactive)
			fflush(ctx->out);
	}
	if (ctx->async_end != NULL)
		ctx->async_end(ctx);
	free(h);
}

static void
out_vraw(struct ctx *ctx, const char *fmt, va_list ap)
{
	char	*s;

	if (ctx->print_hook != NULL) {
		(void)xvasprintf(&s, fmt, ap);
		ctx->print_hook(ctx, OUT_TEXT, s);
		free(s);
	} else
		vfprintf(ctx->out, fmt, ap);
}

/* Output as it is: text, or under --json an object the caller made. */
void
out_raw(struct ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	out_vraw(ctx, fmt, ap);
	va_end(ap);
}

/*
 * A line of the transcript that is not an event's (a run's summaries and
 * its end): printed as out_printf prints, and kept for "expect saw" as
 * an event's line is.  fmt has no newline.
 */
void
out_line(struct ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	(void)xvasprintf(&s, fmt, ap);
	va_end(ap);
	lines_add(&ctx->recent, s);
	if (ctx->recording)
		lines_add(&ctx->attempt, s);
	out_printf(ctx, "%s\n", s);
	free(s);
}

/*
 * A command's own text (help, a question, a remark).  Under --json every
 * line of standard output is a JSON object, so each line of text goes
 * out as {"type":"text","seq":N,"text":"..."} once it is complete.
 */
void
out_printf(struct ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *line, *nl, *t;

	va_start(ap, fmt);
	if (!ctx->json) {
		out_vraw(ctx, fmt, ap);
		va_end(ap);
		return;
	}
	(void)xvasprintf(&s, fmt, ap);
	va_end(ap);
	sb_puts(&ctx->text, s);
	free(s);
	line = ctx->text.s;
	while (line != NULL && (nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		t = json_str((const unsigned char *)line, strlen(line));
		out_raw(ctx, "{\"type\":\"text\",\"seq\":%llu,\"text\":%s}\n",
		    (unsigned long long)engine_next_seq(ctx->e), t);
		free(t);
		line = nl + 1;
	}
	/* Keep what is left of a line for the next call. */
	if (line != NULL) {
		t = xstrdup(line);
		sb_free(&ctx->text);
		sb_init(&ctx->text);
		sb_puts(&ctx->text, t);
		free(t);
	}
}

/*
 * An error: "ipcplay: FILE:LINE: message" in batch mode; in the shell,
 * the line again with a caret under column col (0: none), then the
 * message.
 */
void
out_error(struct ctx *ctx, int col, const char *raw)
{
	char	*msg, *pre, *s, *tab, *seg;

	/* One line of text, whatever bytes the user's words held. */
	msg = text_safe(raw);
	if (ctx->print_hook != NULL) {
		ctx->print_hook(ctx, OUT_ERROR, msg);
		free(msg);
		return;
	}
	fflush(ctx->out);
	if (ctx->interactive) {
		if (col > 0 && ctx->linebuf != NULL &&
		    strchr(ctx->linebuf, '\n') == NULL &&
		    (size_t)col <= strlen(ctx->linebuf) + 1) {
			fprintf(stderr, "  %s\n  ", ctx->linebuf);
			/* As many columns as the line takes before it. */
			pre = xmemdup(ctx->linebuf, (size_t)col - 1);
			for (s = pre; *s != '\0'; s = tab + (*tab != '\0')) {
				tab = s + strcspn(s, "\t");
				seg = xmemdup(s, (size_t)(tab - s));
				fprintf(stderr, "%*s%s", (int)text_columns(seg),
				    "", *tab == '\t' ? "\t" : "");
				free(seg);
			}
			free(pre);
			fprintf(stderr, "^\n");
		}
		fprintf(stderr, "error: %s\n", msg);
	} else
		warnx("%s:%d: %s", ctx->file, ctx->line, msg);
	fflush(stderr);
	free(msg);
}

void
out_init(struct ctx *ctx)
{
	const char	*nc;

	nc = getenv("NO_COLOR");
	ctx->color = isatty(fileno(ctx->out)) && !ctx->json &&
	    (nc == NULL || *nc == '\0');
	engine_observe(ctx->e, out_event, ctx);
}
