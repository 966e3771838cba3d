/*
 * The printers: events into the human transcript (one line per event, in
 * words a student reads aloud: human.c) or, through json.c, into JSON
 * lines.  Both are observers of the engine.  The trace keeps the last
 * events' lines for "trace N".
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
#include "sb.h"

#define TRACE_MAX	1000

/*
 * A free run's sends and receives as they came, made into lines only
 * when someone looks (expect, trace) or anything else is said: at
 * thousands a second, formatting each would cost more than the
 * operation.  Only the last TRACE_MAX (= RECENT_MAX) lines can ever be
 * looked at, so an older one held is dropped unmade, as it would have
 * dropped out of both lists anyway.
 */
struct held {
	struct event	 ev;
	char		 proc[NAME_LEN + 2];
	char		 chan[NAME_LEN + 2];
	char		 reason[96];
	unsigned char	*msg;
	size_t		 msgcap;
};

struct trace_ring {
	char		*lines[TRACE_MAX];
	size_t		 next, count;
	struct held	 held[TRACE_MAX];
	size_t		 hstart, hcount;
};

#define C_RESET	"\033[0m"
#define C_RED	"\033[1;31m"
#define C_YEL	"\033[33m"
#define C_GRN	"\033[32m"
#define C_DIM	"\033[2m"
#define C_CYAN	"\033[36m"


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

static void	lines_add(struct linebuf *, const char *);

/* Can ev wait to be made a line: a plain send or receive? */
static bool
held_fits(const struct event *ev)
{
	return ((ev->type == EV_SEND || ev->type == EV_RECV ||
	    ev->type == EV_UNBLOCK) && ev->proc != NULL && ev->chan != NULL &&
	    strlen(ev->proc) < NAME_LEN + 2 && strlen(ev->chan) < NAME_LEN + 2 &&
	    (ev->reason == NULL || strlen(ev->reason) < 96) &&
	    ev->peer == NULL && ev->forward == NULL && ev->chans == NULL &&
	    ev->ready == NULL && ev->hup == NULL && ev->error == NULL &&
	    ev->text == NULL && ev->holders == NULL && ev->deadlock == NULL &&
	    ev->wait == NULL && ev->file == NULL);
}

static void
held_push(struct ctx *ctx, const struct event *ev)
{
	struct trace_ring	*t;
	struct held		*h;

	if (ctx->trace == NULL)
		ctx->trace = xcalloc(1, sizeof(*ctx->trace));
	t = ctx->trace;
	h = &t->held[(t->hstart + t->hcount) % TRACE_MAX];
	if (t->hcount == TRACE_MAX)
		t->hstart = (t->hstart + 1) % TRACE_MAX;
	else
		t->hcount++;
	h->ev = *ev;
	strlcpy(h->proc, ev->proc, sizeof(h->proc));
	strlcpy(h->chan, ev->chan, sizeof(h->chan));
	h->ev.proc = h->proc;
	h->ev.chan = h->chan;
	if (ev->reason != NULL) {
		strlcpy(h->reason, ev->reason, sizeof(h->reason));
		h->ev.reason = h->reason;
	}
	if (ev->msg != NULL) {
		if (h->msgcap < ev->len + 1) {
			free(h->msg);
			h->msgcap = ev->len + 1;
			h->msg = xmalloc(h->msgcap);
		}
		memcpy(h->msg, ev->msg, ev->len);
		h->ev.msg = h->msg;
	}
}

/* The lines held back, made now, in their place. */
void
out_held_flush(struct ctx *ctx)
{
	struct trace_ring	*t = ctx->trace;
	struct held		*h;
	char			*line;

	while (t != NULL && t->hcount > 0) {
		h = &t->held[t->hstart];
		t->hstart = (t->hstart + 1) % TRACE_MAX;
		t->hcount--;
		if ((line = event_human(&h->ev)) == NULL)
			continue;
		lines_add(&ctx->recent, line);
		trace_add(ctx, line);
	}
}

void
trace_print(struct ctx *ctx, size_t n)
{
	struct trace_ring	*t = ctx->trace;
	size_t			 i, start;

	out_held_flush(ctx);
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
	free(l->base);
	l->v = l->base = NULL;
	l->bytes = 0;
}

/* Forget the lines "expect saw" looks through (and a lesson's attempt). */
void
out_recent_clear(struct ctx *ctx)
{
	out_held_flush(ctx);
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
		l->v += drop;
	}
	if (l->base == NULL)
		l->v = l->base = xcalloc(2 * RECENT_MAX, sizeof(*l->v));
	if (l->v + l->n == l->base + 2 * RECENT_MAX) {
		memmove(l->base, l->v, l->n * sizeof(*l->v));
		l->v = l->base;
	}
	l->v[l->n++] = xstrdup(line);
	l->bytes += len;
}

void
trace_free(struct ctx *ctx)
{
	size_t	i;

	if (ctx->trace == NULL)
		return;
	for (i = 0; i < TRACE_MAX; i++) {
		free(ctx->trace->lines[i]);
		free(ctx->trace->held[i].msg);
	}
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

/*
 * The width to print for: the terminal's f writes to, else $COLUMNS (a
 * pipe, a test, compare's column), else dflt.  f NULL: not a terminal
 * (curses owns it).
 */
size_t
term_columns(FILE *f, size_t dflt)
{
	struct winsize	 ws;
	const char	*c;
	long		 n;

	if (f != NULL && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20)
		return (ws.ws_col);
	if ((c = getenv("COLUMNS")) != NULL && (n = atol(c)) >= 20 &&
	    n <= 1000)
		return ((size_t)n);
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
	/* A free run's sends and receives: counted, their lines made later. */
	if (!ctx->json && ctx->event_take != NULL && !ctx->recording &&
	    ctx->text_hook == NULL && held_fits(ev) &&
	    ctx->event_take(ctx, ev, NULL)) {
		held_push(ctx, ev);
		return;
	}
	out_held_flush(ctx);
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
	/* A student's expect is answered to them alone (seat.c). */
	if (ctx->text_hook != NULL && ev->type == EV_EXPECT && h != NULL) {
		ctx->text_hook(ctx, OUT_TEXT, h);
		ctx->text_hook(ctx, OUT_TEXT, "\n");
		free(h);
		return;
	}
	/* A free run's sends and receives, counted (burst.c). */
	if (!ctx->json && ctx->event_take != NULL &&
	    ctx->event_take(ctx, ev, h)) {
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

	if (ctx->text_hook != NULL || ctx->print_hook != NULL) {
		(void)xvasprintf(&s, fmt, ap);
		(ctx->text_hook != NULL ? ctx->text_hook : ctx->print_hook)(ctx,
		    OUT_TEXT, s);
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
	out_held_flush(ctx);
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
	if (line != NULL)
		sb_cut(&ctx->text, (size_t)(line - ctx->text.s));
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
	if (ctx->text_hook != NULL || ctx->print_hook != NULL) {
		(ctx->text_hook != NULL ? ctx->text_hook : ctx->print_hook)(ctx,
		    OUT_ERROR, msg);
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
