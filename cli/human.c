/*
 * An event in words a student reads aloud: one line of the human
 * transcript ("A blocked: send on c1 (full 1/1)"), and the deadlock's and
 * the wait-for graph's phrases that other printers share.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

#define MSG_SHOWN_MAX	200	/* longer messages are shown cut */
#define MSG_SHOWN_HEAD	40

static const char *
msgq(struct sb *b, const struct event *ev)
{
	const unsigned char	*m;
	char			*q;
	bool			 cut;

	m = ev->msg != NULL ? ev->msg : (const unsigned char *)"";
	/* A long one (a pipe's 4 KiB): its start, and how long it is. */
	q = word_quote_cut(m, ev->len, MSG_SHOWN_MAX, MSG_SHOWN_HEAD, &cut);
	sb_puts(b, q);
	if (cut)
		sb_printf(b, " (%zu bytes)", ev->len);
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

