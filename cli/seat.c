/*
 * A student's seat: joining, their commands, and what they are told.
 *
 * A student is one process.  A line they type is lexed by the same lexer
 * as a script, then each command is checked against what a student may
 * do -- their own process's operations (the name is put in front:
 * "send c1 hi" runs as "alice send c1 hi") and the read-only inspection
 * commands -- and run on the one path every command takes (run_words),
 * with their text and errors sent back to them alone (ctx->text_hook),
 * no file written, and the teacher's session state (its exit status,
 * what "expect saw" looks through, a quit being confirmed) left as it
 * was.  The reply to a line is "ok" or "error WHY", after its "text"
 * lines; events reach a student as "event" lines when they are about
 * their process or a channel they named, and every deadlock and every
 * word the teacher says reaches everyone.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "serve.h"

/* What a student's own process may do, and what a student may look at. */
const char *const seat_ops[] = {
	"send", "recv", "poll", "call", "reply", "reply-recv", "signal",
	"mask", "unmask", "exit", "store", "load", "add", "wait", "wake", NULL
};
const char *const seat_looks[] = {
	"ps", "channels", "chan", "status", "graph", "msc", "trace",
	"deadlock", "help", "expect", NULL
};

static bool
in_list(const char *const *l, const char *w)
{
	for (; *l != NULL; l++) {
		if (strcmp(*l, w) == 0)
			return (true);
	}
	return (false);
}

static void
list_text(char *buf, size_t len, const char *const *l)
{
	buf[0] = '\0';
	for (; *l != NULL; l++) {
		if (buf[0] != '\0')
			strlcat(buf, ", ", len);
		strlcat(buf, *l, len);
	}
}

/* The join code as typed (dashes and case do not matter), in constant time. */
bool
code_matches(const char *typed, const char *code)
{
	char		norm[33];
	size_t		n = 0, i;
	unsigned char	diff = 0;

	for (; *typed != '\0'; typed++) {
		if (*typed == '-')
			continue;
		if (n == 32)
			return (false);
		norm[n++] = (char)tolower((unsigned char)*typed);
	}
	norm[n] = '\0';
	if (n != 32)
		return (false);
	/* Every byte looked at, whatever differs (libbsd 0.11 has no
	 * timingsafe_bcmp). */
	for (i = 0; i < 32; i++)
		diff |= (unsigned char)(norm[i] ^ code[i]);
	return (diff == 0);
}

/* A note in the transcript and on the dashboard: who came, who went. */
void
seat_note(struct ctx *ctx, const char *fmt, ...)
{
	struct event	 ev;
	va_list		 ap;
	char		*text;

	va_start(ap, fmt);
	(void)xvasprintf(&text, fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NOTE;
	ev.text = text;
	engine_emit(ctx->e, &ev);
	free(text);
}

static void
seat_unuse(struct seat *st)
{
	while (st->nused > 0)
		free(st->used[--st->nused]);
}

void
seat_forget(struct seat *st)
{
	seat_unuse(st);
	sb_free(&st->partial);
	lines_clear(&st->recent);
	free(st->err);
	st->err = NULL;
}

/* A join refused: logged under the (valid) name it asked for, and told. */
static void
seat_refused(struct serve *s, struct seat *st, const char *name,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	va_start(ap, fmt);
	(void)xvasprintf(&why, fmt, ap);
	va_end(ap);
	serve_log(s, "refused", name, "why", why);
	seat_drop(s, st, "%s", why);
	free(why);
}

static size_t
live_procs(struct ctx *ctx)
{
	struct proc_info pi;
	size_t		 i, n = 0;

	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (pi.state != PS_EXITED)
			n++;
	}
	return (n);
}

/*
 * "join NAME [CODE]": take process NAME (spawned when there is none, or
 * when it has exited), unless another student holds it.
 */
static void
seat_join(struct ctx *ctx, struct seat *st, char *line)
{
	struct serve	*s = ctx->serve;
	struct proc_info pi;
	char		*w[4], *cause, *p = line;
	size_t		 n = 0;

	while (n < 4 && (w[n] = strsep(&p, " \t")) != NULL) {
		if (*w[n] != '\0')
			n++;
	}
	if (n < 2 || n > 3 || p != NULL || strcmp(w[0], "join") != 0) {
		seat_drop(s, st, "join NAME [CODE] was expected first");
		return;
	}
	if (n == 3 && strcmp(w[2], "-") == 0)
		n = 2;
	if (s->tcp && n < 3) {
		seat_drop(s, st, "a join code is needed over TCP (--code)");
		return;
	}
	/* "teacher" is who the log says did what the teacher did. */
	if (!name_valid(w[1]) || cmd_is_reserved(w[1]) ||
	    strcmp(w[1], "teacher") == 0) {
		seat_drop(s, st, "'%.20s' cannot name a student's process: a "
		    "letter, then up to 15 letters, digits, _ or -, not a "
		    "command word, not teacher", w[1]);
		return;
	}
	if (n == 3 && !code_matches(w[2], s->code)) {
		seat_refused(s, st, w[1], "wrong join code");
		return;
	}
	if (seat_find(s, w[1]) != NULL) {
		seat_refused(s, st, w[1], "%s is taken: another student holds "
		    "it", w[1]);
		return;
	}
	if (engine_is_chan(ctx->e, w[1])) {
		seat_refused(s, st, w[1], "%s is a channel, not a process",
		    w[1]);
		return;
	}
	strlcpy(st->name, w[1], sizeof(st->name));
	s->actor = st;
	if (!engine_proc_find(ctx->e, w[1], &pi) || pi.state == PS_EXITED) {
		/* Joining must not fill the playground: the teacher seats more. */
		if (live_procs(ctx) >= SERVE_SPAWN_MAX) {
			s->actor = NULL;
			seat_refused(s, st, w[1], "the class is full: %d processes "
			    "are alive (the teacher can seat more)",
			    SERVE_SPAWN_MAX);
			return;
		}
		if (engine_spawn(ctx->e, w[1], &cause) == -1) {
			s->actor = NULL;
			seat_refused(s, st, w[1], "%s", cause);
			free(cause);
			return;
		}
		/*
		 * Not settled here: its "ready" comes through the loop, and
		 * its first command settles it, so a class joining at once
		 * never holds the loop for as long as a fork and a start.
		 */
	}
	st->joined = true;
	s->nwaiting--;
	st->joined_ms = st->last_ms = now_ms();
	seat_send(s, st, "ok %s", st->name);
	seat_flush(st);
	serve_log(s, "join", st->name, "peer", st->peer);
	seat_note(ctx, "%s joined the class (%s)", st->name, st->peer);
	s->actor = NULL;
}

static void
seat_use(struct seat *st, const char *chan, size_t len)
{
	size_t	i;

	for (i = 0; i < st->nused; i++) {
		if (strlen(st->used[i]) == len &&
		    strncmp(st->used[i], chan, len) == 0)
			return;
	}
	if (st->nused < SERVE_USED_MAX) {
		st->used[st->nused] = xmemdup(chan, len + 1);
		st->used[st->nused++][len] = '\0';
	}
}

/*
 * The channels a command names (the words whose kind is a channel, by
 * the command table: not the message): events on them are news to the
 * student from now on.
 */
static void
seat_uses(struct seat *st, const struct cmd_entry *ce, struct word *w,
    size_t n)
{
	enum arg_kind	 k;
	const char	*c, *e;
	size_t		 i, pos = 0;

	if (ce == NULL)
		return;
	for (i = ce->proc_op ? 2 : 1; i < n; i++) {
		if (cmd_is_option(ce, &w[i])) {
			i += cmd_opt_has_value(ce, w[i].s);
			continue;
		}
		k = cmd_arg_kind(ce, pos++);
		if (k != A_CHAN && k != A_CHAN_SEND && k != A_CHAN_RECV &&
		    k != A_KCHAN && k != A_SOCKPAIR)
			continue;
		for (c = w[i].s; *c != '\0'; c = *e == ',' ? e + 1 : e) {
			e = c + strcspn(c, ",");
			if (e > c)
				seat_use(st, c, (size_t)(e - c));
		}
	}
}

/*
 * A line of a command's text for the student, unless the reply to the
 * student's line has already had SERVE_REPLY_MAX bytes (its end says how
 * many lines were not sent).
 */
static void
seat_reply_line(struct serve *sv, struct seat *st, size_t len)
{
	if (st->sent + len > SERVE_REPLY_MAX) {
		st->unsent++;
		return;
	}
	st->sent += len + 1;
	seat_send(sv, st, "text %.*s", (int)len, st->partial.s);
}

/* A student's command's own text and errors: to them, line by line. */
static void
seat_text(struct ctx *ctx, enum out_kind kind, const char *s)
{
	struct serve	*sv = ctx->serve;
	struct seat	*st = sv->actor;
	char		*nl;

	if (kind == OUT_ERROR) {
		if (st->err == NULL)
			st->err = xstrdup(s);
		else
			seat_send(sv, st, "text error: %s", s);
		return;
	}
	sb_puts(&st->partial, s);
	while ((nl = strchr(st->partial.s, '\n')) != NULL) {
		seat_reply_line(sv, st, (size_t)(nl - st->partial.s));
		sb_cut(&st->partial, (size_t)(nl - st->partial.s) + 1);
	}
}

/* Why a student may not run this command, or NULL (and *own: add NAME). */
static const char *
seat_refuse(struct ctx *ctx, struct seat *st, struct word *v, size_t n,
    bool *own)
{
	const struct cmd_entry	*ce;
	char			*amb, list[256];
	static char		 why[400];
	bool			 proc;

	*own = false;
	if (v[0].quoted)
		return ("a command starts with a command word");
	if (strcmp(v[0].s, st->name) == 0) {
		if (n < 2 || !in_list(seat_ops, v[1].s)) {
			list_text(list, sizeof(list), seat_ops);
			snprintf(why, sizeof(why), "%s may %s here: %s",
			    st->name, n < 2 ? "do operations" : "not do that",
			    list);
			return (why);
		}
		return (NULL);
	}
	if (in_list(seat_ops, v[0].s)) {
		*own = true;
		return (NULL);
	}
	/* A command word first ("help send"), then another's process. */
	proc = engine_is_proc(ctx->e, v[0].s);
	ce = NULL;
	if (!proc && (ce = cmd_lookup(v[0].s, &amb)) == NULL)
		free(amb);
	if (ce == NULL) {
		if (proc || (n >= 2 && !v[1].quoted &&
		    op_lookup(v[1].s) != NULL))
			snprintf(why, sizeof(why), "you act only as %s, not as "
			    "%.20s", st->name, v[0].s);
		else
			snprintf(why, sizeof(why), "unknown command '%.40s' "
			    "(help lists them)", v[0].s);
		return (why);
	}
	if (ce->proc_op || !in_list(seat_looks, ce->name)) {
		list_text(list, sizeof(list), seat_looks);
		snprintf(why, sizeof(why), "a student cannot use '%s': you "
		    "act only as %s, and look with %s", ce->name, st->name,
		    list);
		return (why);
	}
	return (NULL);
}

/*
 * Counts a line or command against the rate (a chart as SERVE_HEAVY: it
 * costs the loop tens of milliseconds in a long session); false when it
 * is refused.
 */
static bool
seat_rate(struct serve *s, struct seat *st, unsigned cost)
{
	uint64_t	now = now_ms();

	if (now - st->window_ms >= 1000) {
		st->window_ms = now;
		st->window_n = 0;
	}
	st->window_n += cost;
	st->last_ms = now;
	if (st->window_n > SERVE_RATE_DROP) {
		seat_drop(s, st, "more than %d commands a second",
		    SERVE_RATE_DROP);
		return (false);
	}
	if (st->window_n > SERVE_RATE) {
		serve_log(s, "refused", st->name, "why", "slow down");
		seat_send(s, st, "error slow down: at most %d commands a second "
		    "(a chart counts as %d)", SERVE_RATE, SERVE_HEAVY);
		return (false);
	}
	return (true);
}

/*
 * Run one of the student's commands as their process, with the
 * teacher's session state put back afterwards: the exit status, --bail,
 * a pending failure, the lines "expect saw" looks through (the student
 * has their own), a quit waiting to be confirmed.
 */
static enum cmd_result
seat_run(struct ctx *ctx, struct seat *st, struct word *v, size_t n,
    bool own)
{
	struct word	*w;
	struct words	 one;
	struct linebuf	 recent;
	enum cmd_result	 r;
	size_t		 nw = n + (own ? 1 : 0);
	int		 status = ctx->status;
	bool		 stop = ctx->stop, fp = ctx->fail_pending;
	bool		 armed = ctx->quit_armed;

	/* The lines a free run held back are the teacher's. */
	out_held_flush(ctx);
	recent = ctx->recent;
	w = xreallocarray(NULL, nw, sizeof(*w));
	if (own) {
		memset(&w[0], 0, sizeof(w[0]));
		w[0].s = st->name;
		w[0].len = strlen(st->name);
	}
	memcpy(w + (own ? 1 : 0), v, n * sizeof(*v));
	seat_uses(st, cmd_resolve(ctx, w, nw), w, nw);
	ctx->recent = st->recent;
	ctx->text_hook = seat_text;
	ctx->no_files = true;
	/* "expect error" looks at the student's own command before it. */
	one.v = w;
	one.n = nw;
	if (!is_expect_error(ctx, &one))
		st->fail_pending = false;
	ctx->fail_pending = st->fail_pending;
	ctx->depth++;
	r = run_words(ctx, w, nw);
	ctx->depth--;
	st->fail_pending = r == CMD_FAIL || ctx->fail_pending;
	ctx->no_files = false;
	ctx->text_hook = NULL;
	out_held_flush(ctx);
	st->recent = ctx->recent;
	ctx->recent = recent;
	ctx->status = status;
	ctx->stop = stop;
	ctx->fail_pending = fp;
	ctx->quit_armed = armed;
	free(w);
	return (r);
}

/*
 * Why the student's command failed, with what to do when it is because
 * their own process has gone (an "exit", a kill from outside).
 */
static char *
seat_why(struct ctx *ctx, struct seat *st)
{
	struct proc_info pi;
	static char	 why[512];

	if (st->err == NULL)
		return ("it failed");
	if (engine_proc_find(ctx->e, st->name, &pi) && pi.state ==
	    PS_EXITED) {
		snprintf(why, sizeof(why), "%s (your process has ended: "
		    "leave, and attach again for a fresh one)", st->err);
		return (why);
	}
	return (st->err);
}

/* "names": the playground's processes and channels, for completion. */
static void
seat_names(struct ctx *ctx, struct seat *st)
{
	struct proc_info pi;
	struct chan_info ci;
	size_t		 i;

	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (pi.state != PS_EXITED)
			seat_send(ctx->serve, st, "text proc %s", pi.name);
	}
	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		seat_send(ctx->serve, st, "text chan %s", ci.name);
		chan_info_free(&ci);
	}
	seat_send(ctx->serve, st, "ok");
}

/*
 * A line from a seated student: its commands in order, up to the first
 * that fails; then the one reply.  Every line counts against the rate,
 * and every command after a line's first.
 */
static void
seat_line(struct ctx *ctx, struct seat *st, char *line)
{
	struct serve	*s = ctx->serve;
	struct words	*cmds;
	size_t		 ncmds, i;
	char		*err = NULL;
	const char	*why;
	int		 col, saved_line = ctx->line;
	const char	*saved_file = ctx->file, *saved_buf = ctx->linebuf;
	bool		 own, heavy, failed = false;

	/*
	 * "names" (attach asks after every command, for completion) is not
	 * a command the student typed: not counted, but twice a second at
	 * most.
	 */
	if (strcmp(line, "names") == 0) {
		if (now_ms() - st->names_ms < 500)
			seat_send(s, st, "error slow down");
		else
			seat_names(ctx, st);
		st->names_ms = now_ms();
		goto out;
	}
	if (!seat_rate(s, st, 1))
		goto out;
	if (lex_line(line, &cmds, &ncmds, &err, &col) == -1) {
		seat_send(s, st, "error %s (column %d)", err, col);
		free(err);
		goto out;
	}
	serve_log(s, "command", st->name, "line", line);
	s->actor = st;
	ctx->file = st->name;
	ctx->linebuf = line;
	for (i = 0; i < ncmds && !failed && st->gone == NULL; i++) {
		if (cmds[i].n == 0)
			continue;
		/* The line's first command was counted with the line. */
		heavy = !cmds[i].v[0].quoted &&
		    strcmp(cmds[i].v[0].s, "msc") == 0;
		if ((i > 0 || heavy) && !seat_rate(s, st, (heavy ?
		    SERVE_HEAVY : 1) - (i == 0 ? 1 : 0))) {
			failed = true;
			break;
		}
		if ((why = seat_refuse(ctx, st, cmds[i].v, cmds[i].n,
		    &own)) != NULL) {
			serve_log(s, "refused", st->name, "why", why);
			seat_send(s, st, "error %s", why);
			failed = true;
			break;
		}
		st->ncmds++;
		if (seat_run(ctx, st, cmds[i].v, cmds[i].n, own) != CMD_OK ||
		    st->err != NULL)
			failed = true;
		if (st->partial.len > 0)
			seat_reply_line(s, st, st->partial.len);
		sb_cut(&st->partial, st->partial.len);
		/* A failure the next command expects is not the line's end. */
		if (failed && i + 1 < ncmds &&
		    is_expect_error(ctx, &cmds[i + 1])) {
			if (st->err != NULL)
				seat_send(s, st, "text error: %s", st->err);
			failed = false;
		} else if (failed)
			seat_send(s, st, "error %s", seat_why(ctx, st));
		free(st->err);
		st->err = NULL;
	}
	if (st->unsent > 0)
		seat_send(s, st, "text ... %zu more line%s not sent (a reply is "
		    "cut at %d KiB)", st->unsent, st->unsent == 1 ? "" : "s",
		    SERVE_REPLY_MAX / 1024);
	st->sent = st->unsent = 0;
	if (!failed)
		seat_send(s, st, "ok");
	s->actor = NULL;
	ctx->file = saved_file;
	ctx->line = saved_line;
	ctx->linebuf = saved_buf;
	words_free(cmds, ncmds);
out:
	seat_flush(st);
	/* From the line's arrival to its answer: what a student waits. */
	if (s->trace != NULL)
		fprintf(s->trace, "cmd %llu\n",
		    (unsigned long long)(now_us() - st->t_in));
}

/*
 * After a reset, between the teacher's commands: every seated student
 * gets a fresh process of their name (the channels are the teacher's
 * to make again).
 */
void
seat_respawn(struct ctx *ctx)
{
	struct serve	*s = ctx->serve;
	struct seat	*st;
	struct proc_info pi;
	char		*cause;

	s->reset = false;
	TAILQ_FOREACH(st, &s->seats, entry) {
		if (!st->joined || st->gone != NULL ||
		    (engine_proc_find(ctx->e, st->name, &pi) &&
		    pi.state != PS_EXITED))
			continue;
		if (engine_spawn(ctx->e, st->name, &cause) == -1) {
			seat_drop(s, st, "%s", cause);
			free(cause);
		}
		seat_unuse(st);
	}
	engine_settle(ctx->e);
}

/* Is this event about the student's process or a channel they use? */
static bool
seat_concerned(const struct seat *st, const struct event *ev)
{
	const char	*c, *e;
	size_t		 i, len;

	switch (ev->type) {
	case EV_DEADLOCK:
	case EV_SAY:
	case EV_RESET:
		return (true);
	case EV_EXPECT:
		return (false);	/* answered to whoever asked */
	default:
		break;
	}
	if ((ev->proc != NULL && strcmp(ev->proc, st->name) == 0) ||
	    (ev->peer != NULL && strcmp(ev->peer, st->name) == 0) ||
	    (ev->forward != NULL && strcmp(ev->forward, st->name) == 0))
		return (true);
	for (c = ev->chan; c != NULL && *c != '\0'; c = *e == ',' ? e + 1 : e) {
		e = c + strcspn(c, ",");
		len = (size_t)(e - c);
		if (*c == '@' && len - 1 == strlen(st->name) &&
		    strncmp(c + 1, st->name, len - 1) == 0)
			return (true);
		for (i = 0; i < st->nused; i++) {
			if (strlen(st->used[i]) == len &&
			    strncmp(st->used[i], c, len) == 0)
				return (true);
		}
	}
	return (false);
}

/*
 * Every event: into the log with who caused it, and to each student it
 * concerns.  An event while nobody's command runs is the teacher's (or
 * the playground's own: a timeout, a death from outside).
 */
void
seat_observe(const struct event *ev, void *arg)
{
	struct ctx	*ctx = arg;
	struct serve	*s = ctx->serve;
	struct seat	*st;
	const char	*who;
	char		*h = NULL, *j, *by;

	if (s == NULL)
		return;
	if (ev->type == EV_RESET)
		s->reset = true;
	if (s->log != NULL && (j = event_json(ev)) != NULL) {
		who = s->actor != NULL ? s->actor->name : "teacher";
		by = json_str((const unsigned char *)who, strlen(who));
		fprintf(s->log, "{\"by\":%s,%s\n", by, j + 1);
		fflush(s->log);
		free(by);
		free(j);
	}
	TAILQ_FOREACH(st, &s->seats, entry) {
		if (!st->joined || st->gone != NULL || !seat_concerned(st, ev))
			continue;
		if (h == NULL && (h = event_human(ev)) == NULL)
			return;
		seat_send_lines(s, st, "event", h);
		seat_flush(st);
	}
	free(h);
}

/* A seat about to close: who left, and why, then what it kept freed. */
static void
seat_leave(struct ctx *ctx, struct seat *st)
{
	if (st->joined && st->gone != NULL) {
		seat_note(ctx, "%s left the class: %s", st->name, st->gone);
		serve_log(ctx->serve, "leave", st->name, "why", st->gone);
	}
	seat_forget(st);
}

/* What the connections (seat-io.c) hand to this file, through s. */
void
seat_hooks(struct serve *s)
{
	s->join = seat_join;
	s->line = seat_line;
	s->leave = seat_leave;
	s->respawn = seat_respawn;
}
