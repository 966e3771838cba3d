/*
 * A free run's human transcript: thousands of messages a second are not
 * read line by line, so each process's sends and receives on a channel
 * are counted and said in one line ("A sent 1000 messages on c1 in 12
 * ms") when something else happens, every second, and at the end of the
 * run.  A burst of one is its own line, as it would have been.  --json
 * is not summarised: it has every event.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"

struct burst_row {
	char		*proc;
	char		*chan;
	bool		 sent;
	size_t		 n;		/* messages done */
	size_t		 blocked;	/* of them, after a wait */
	size_t		 bytes;
	char		*first;		/* its line, if n stays 1 */
	uint64_t	 t0, t1;
};

struct burst {
	struct burst_row *v;
	size_t		  n;
};

struct burst *
burst_new(void)
{
	return (xcalloc(1, sizeof(struct burst)));
}

static void
rows_clear(struct burst *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].proc);
		free(b->v[i].chan);
		free(b->v[i].first);
	}
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

void
burst_free(struct burst *b)
{
	if (b == NULL)
		return;
	rows_clear(b);
	free(b);
}

/*
 * Is ev a message sent or received, or a wait for one?  Then it is
 * counted, not printed.  A wait that ends in a message counts as that
 * message, done after a wait.
 */
bool
burst_take(struct ctx *ctx, const struct event *ev, const char *line)
{
	struct burst	 *b = ctx->play != NULL ? ctx->play->burst : NULL;
	struct burst_row *r;
	bool		  sent, done;
	size_t		  i;

	if (b == NULL || ev->proc == NULL || ev->chan == NULL)
		goto other;
	switch (ev->type) {
	case EV_SEND:
	case EV_RECV:
		sent = ev->type == EV_SEND;
		break;
	case EV_UNBLOCK:
		if (ev->op != OP_SEND && ev->op != OP_RECV)
			goto other;
		sent = ev->op == OP_SEND;
		break;
	default:
		goto other;
	}
	if (ev->status != ST_OK && ev->status != ST_BLOCKED)
		goto other;
	done = ev->status == ST_OK;
	for (i = 0; i < b->n; i++) {
		r = &b->v[i];
		if (r->sent == sent && strcmp(r->proc, ev->proc) == 0 &&
		    strcmp(r->chan, ev->chan) == 0)
			break;
	}
	if (i == b->n) {
		b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
		r = &b->v[b->n++];
		memset(r, 0, sizeof(*r));
		r->proc = xstrdup(ev->proc);
		r->chan = xstrdup(ev->chan);
		r->sent = sent;
		r->t0 = now_ms();
	}
	r->t1 = now_ms();
	if (!done)
		return (true);
	r->n++;
	r->bytes += ev->len;
	if (ev->type == EV_UNBLOCK)
		r->blocked++;
	/* Its line, which a free run's output makes only if it is needed. */
	if (r->n == 1)
		r->first = line != NULL ? xstrdup(line) : event_human(ev);
	return (true);
other:
	/* Anything else is said in its place, after what came before. */
	burst_flush(ctx);
	return (false);
}

void
burst_flush(struct ctx *ctx)
{
	struct burst	 *b = ctx->play != NULL ? ctx->play->burst : NULL;
	struct burst_row *r;
	size_t		  i;
	char		  extra[96];

	if (b == NULL || b->n == 0)
		return;
	/* Lines printed from here must not come back to us. */
	ctx->play->burst = NULL;
	for (i = 0; i < b->n; i++) {
		r = &b->v[i];
		if (r->n == 0)
			continue;
		if (r->n == 1 && r->first != NULL) {
			out_printf(ctx, "%s\n", r->first);
			continue;
		}
		extra[0] = '\0';
		if (r->blocked > 0)
			snprintf(extra, sizeof(extra), ", %zu after waiting "
			    "for %s", r->blocked, r->sent ? "room or a "
			    "receiver" : "a message");
		out_line(ctx, "%s %s %zu message%s (%zu byte%s) %s %s in %llu "
		    "ms%s", r->proc, r->sent ? "sent" : "received", r->n,
		    r->n == 1 ? "" : "s", r->bytes, r->bytes == 1 ? "" : "s",
		    r->sent ? "on" : "from",
		    r->chan, (unsigned long long)(r->t1 - r->t0), extra);
	}
	rows_clear(b);
	ctx->play->burst = b;
}
