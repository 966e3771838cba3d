/*
 * expect: how lessons and tests check claims.  Each form looks at the
 * engine's state after the previous command settled and prints
 * "expect ... ok", or fails with what it found instead.
 *
 * The forms are a table (expect_forms): what the first word names (a
 * process, a channel, or nothing: the form's own word comes first), the
 * form's word, what follows it, and the check.  The dispatcher, the
 * errors that list the forms, and the completer (complete.c) all read
 * the table, so a new form is one row and one function.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

static const char *const ops_words[] = { "send", "recv", "poll", "call",
    "wait", NULL };
static const char *const deadlock_word[] = { "deadlock", NULL };

/* What a form's first word named. */
struct expect_subj {
	struct proc_info	pi;
	struct chan_info	ci;
};

/* Do the words name d's processes, alone or with all those behind it? */
static bool
deadlock_is(const struct deadlock *d, const struct word *w, size_t n)
{
	size_t	i, core = 0, behind = 0;

	for (i = 0; i < n; i++) {
		if (strv_has(d->procs, d->nprocs, w[i].s))
			core++;
		else if (strv_has(d->behind, d->nbehind, w[i].s))
			behind++;
		else
			return (false);
	}
	return (core == d->nprocs && (behind == 0 || behind == d->nbehind));
}

/* The words as typed, quoted where they were. */
static char *
words_text(struct word *w, size_t n)
{
	struct sb	 b;
	size_t		 i;
	char		*q;

	sb_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_putc(&b, ' ');
		if (w[i].quoted) {
			q = word_quote((const unsigned char *)w[i].s, w[i].len);
			sb_puts(&b, q);
			free(q);
		} else
			sb_puts(&b, w[i].s);
	}
	return (sb_take(&b));
}

static bool
msg_eq(const unsigned char *a, size_t alen, const struct word *w)
{
	return (alen == w->len && memcmp(a, w->s, alen) == 0);
}

/* "deadlock A, B; deadlock C": what there is instead. */
static char *
deadlocks_found(const struct deadlock *dl, size_t nd, size_t max)
{
	struct sb	b;
	size_t		i;

	sb_init(&b);
	if (nd == 0)
		sb_puts(&b, "no deadlock");
	for (i = 0; i < nd && i < max; i++) {
		sb_puts(&b, i > 0 ? "; deadlock " : "deadlock ");
		deadlock_procs(&b, &dl[i]);
	}
	return (sb_take(&b));
}

/*
 * The checks.  w[0] is "expect", w[1] the subject or the form's word;
 * each returns 1 if the claim holds, 0 if not (*found says what was
 * there), -1 for a malformed expect (reported).
 */

static int
ex_deadlock(struct ctx *ctx, struct word *w, size_t n,
    struct expect_subj *s, char **found)
{
	struct deadlock	*dl;
	size_t		 nd, i;
	int		 ok;

	(void)s;
	for (i = 2; i < n; i++) {
		if (!engine_is_proc(ctx->e, w[i].s)) {
			cmd_fail(ctx, &w[i], "no such process: %s", w[i].s);
			return (-1);
		}
	}
	nd = engine_deadlocks(ctx->e, &dl);
	ok = nd > 0;
	/* The named processes are exactly one deadlock's, with or without
	 * those stuck behind it. */
	if (ok && n > 2) {
		ok = 0;
		for (i = 0; i < nd && !ok; i++)
			ok = deadlock_is(&dl[i], w + 2, n - 2);
	}
	if (!ok)
		*found = deadlocks_found(dl, nd, nd);
	deadlocks_free(dl, nd);
	return (ok);
}

static int
ex_no_deadlock(struct ctx *ctx, struct word *w, size_t n,
    struct expect_subj *s, char **found)
{
	struct deadlock	*dl;
	size_t		 nd;

	(void)n;
	(void)s;
	if (strcmp(w[2].s, "deadlock") != 0) {
		cmd_fail(ctx, &w[2], "expect no deadlock: '%s' is not "
		    "'deadlock'", w[2].s);
		return (-1);
	}
	nd = engine_deadlocks(ctx->e, &dl);
	if (nd > 0)
		*found = deadlocks_found(dl, nd, 1);
	deadlocks_free(dl, nd);
	return (nd == 0);
}

static int
ex_error(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	(void)w;
	(void)n;
	(void)s;
	if (ctx->fail_pending) {
		ctx->fail_pending = false;
		return (1);
	}
	*found = xstrdup("the previous command succeeded");
	return (0);
}

/* An outcome that leaves no state behind: look at the lines. */
static int
ex_saw(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	struct linebuf	*lb;
	size_t		 i;
	char		*q, *t;

	(void)s;
	/*
	 * The text as written, or with its arrows in this locale's glyphs
	 * (a lesson's "cycle A → B" is "cycle A -> B" under LANG=C; a
	 * message's own bytes are printed as they are).
	 */
	/*
	 * One word is the text; several are a line as the transcript
	 * prints it, a quoted word with its quotes (expect saw A sent "hi").
	 */
	t = n == 3 ? xstrdup(w[2].s) : words_text(w + 2, n - 2);
	q = glyph_text(t);
	/* A lesson's checks look at the whole attempt. */
	out_held_flush(ctx);
	lb = ctx->checking ? &ctx->attempt : &ctx->recent;
	for (i = 0; i < lb->n; i++) {
		if (strstr(lb->v[i], q) != NULL ||
		    strstr(lb->v[i], t) != NULL) {
			free(t);
			free(q);
			return (1);
		}
	}
	free(t);
	t = text_safe(q);	/* it goes on the transcript's line */
	xasprintf(found, "no line since %s contains \"%s\"",
	    ctx->checking ? "the exercise began" : "the last command", t);
	free(t);
	free(q);
	return (0);
}

/* What a process is doing, when it is not what was claimed. */
static char *
proc_found(const struct proc_info *pi)
{
	char	*s, sbuf[32];

	if (pi->state == PS_BLOCKED)
		xasprintf(&s, "%s is blocked in %s on %s", pi->name,
		    op_name(pi->op), pi->chan);
	else if (pi->state == PS_EXITED && pi->exit_code >= 0)
		xasprintf(&s, "%s exited with code %d", pi->name,
		    pi->exit_code);
	else if (pi->state == PS_EXITED)
		xasprintf(&s, "%s was killed by %s", pi->name,
		    sig_name(pi->exit_sig, sbuf, sizeof(sbuf)));
	else
		xasprintf(&s, "%s is %s", pi->name, proc_state_name(pi->state));
	return (s);
}

static bool
op_word(const char *s)
{
	size_t	i;

	for (i = 0; ops_words[i] != NULL; i++) {
		if (strcmp(ops_words[i], s) == 0)
			return (true);
	}
	return (false);
}

/* "c" names the channel of "c", and the region of "c[0]". */
static bool
same_chan(const char *name, const char *chan)
{
	size_t	len = strlen(name);

	return (chan != NULL && strncmp(name, chan, len) == 0 &&
	    (chan[len] == '\0' || chan[len] == '['));
}

static int
ex_blocked(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	const struct proc_info	*pi = &s->pi;
	int			 ok;

	/* blocked [OP] [CH]: an operation's word, a channel that exists. */
	if (n > 3 && !op_word(w[3].s) && (n == 5 ||
	    !engine_is_chan(ctx->e, w[3].s))) {
		cmd_fail(ctx, &w[3], "'%s' is not an operation (send, recv, "
		    "poll, call, wait)%s", w[3].s, n == 4 ? " nor a channel" :
		    "");
		return (-1);
	}
	if (n == 5 && !engine_is_chan(ctx->e, w[4].s)) {
		cmd_fail(ctx, &w[4], "no such channel: %s", w[4].s);
		return (-1);
	}
	ok = pi->state == PS_BLOCKED;
	/* blocked OP, blocked CH, blocked OP CH (a region: c for c[0]) */
	if (ok && n > 3 && strcmp(w[3].s, op_name(pi->op)) != 0 &&
	    !(n == 4 && same_chan(w[3].s, pi->chan)))
		ok = 0;
	if (ok && n == 5 && !same_chan(w[4].s, pi->chan))
		ok = 0;
	if (!ok)
		*found = proc_found(pi);
	return (ok);
}

static int
ex_ready(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	(void)ctx;
	(void)w;
	(void)n;
	if (s->pi.state == PS_IDLE)
		return (1);
	*found = proc_found(&s->pi);
	return (0);
}

static int
ex_exited(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	long long	v;
	int		ok;

	ok = s->pi.state == PS_EXITED;
	if (n == 4) {
		if (parse_uint(ctx, &w[3], 0, 255, "exit code", &v) == -1)
			return (-1);
		ok = ok && s->pi.exit_code == v;
	}
	if (!ok)
		*found = proc_found(&s->pi);
	return (ok);
}

static int
ex_received(struct ctx *ctx, struct word *w, size_t n,
    struct expect_subj *s, char **found)
{
	const struct proc_info	*pi = &s->pi;
	char			*q;

	(void)ctx;
	(void)n;
	if (pi->has_last && msg_eq(pi->last, pi->last_len, &w[3]))
		return (1);
	if (!pi->has_last)
		xasprintf(found, "%s has received nothing", pi->name);
	else {
		q = word_quote(pi->last, pi->last_len);
		xasprintf(found, "%s last received %s", pi->name, q);
		free(q);
	}
	return (0);
}

static int
ex_caught(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	long long	v;

	(void)n;
	if (parse_uint(ctx, &w[3], 0, 1000000, "count", &v) == -1)
		return (-1);
	if ((long long)s->pi.caught == v)
		return (1);
	xasprintf(found, "%s caught %zu signal%s", s->pi.name, s->pi.caught,
	    s->pi.caught == 1 ? "" : "s");
	return (0);
}

/* The kernel function it sleeps in (/proc/PID/wchan) contains TEXT. */
static int
ex_wchan(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	(void)n;
	/* On its way to sleep, a process has no wait channel yet: as ps. */
	if (s->pi.state != PS_EXITED && s->pi.wchan[0] == '\0') {
		engine_settle_kstates(ctx->e);
		(void)engine_proc_find(ctx->e, s->pi.name, &s->pi);
	}
	if (s->pi.state != PS_EXITED && strstr(s->pi.wchan, w[3].s) != NULL)
		return (1);
	if (s->pi.state == PS_EXITED)
		xasprintf(found, "%s has exited", s->pi.name);
	else
		xasprintf(found, "%s sleeps in %s", s->pi.name,
		    s->pi.wchan[0] != '\0' ? s->pi.wchan : "nothing (running)");
	return (0);
}

static int
ex_holds(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	long long	v;

	(void)n;
	if (parse_uint(ctx, &w[3], 0, 100000000, "count", &v) == -1)
		return (-1);
	if ((long long)s->ci.fill == v)
		return (1);
	xasprintf(found, "%s holds %zu", s->ci.name, s->ci.fill);
	return (0);
}

static int
ex_contains(struct ctx *ctx, struct word *w, size_t n,
    struct expect_subj *s, char **found)
{
	const struct chan_info	*ci = &s->ci;
	struct sb		 b;
	size_t			 i;
	char			*q;
	int			 ok;

	if (ci->mechanism != MECH_MODELED) {
		cmd_fail(ctx, &w[1], "%s is a kernel channel: its bytes never "
		    "cross ipcplay, which sees only how many there are (expect "
		    "%s holds N)", ci->name, ci->name);
		return (-1);
	}
	ok = ci->nmsgs == n - 3;
	for (i = 0; ok && i < ci->nmsgs; i++)
		ok = msg_eq(ci->msgs[i].data, ci->msgs[i].len, &w[3 + i]);
	if (ok)
		return (1);
	sb_init(&b);
	sb_printf(&b, "%s contains", ci->name);
	if (ci->nmsgs == 0)
		sb_puts(&b, " nothing");
	for (i = 0; i < ci->nmsgs; i++) {
		q = word_quote(ci->msgs[i].data, ci->msgs[i].len);
		sb_printf(&b, " %s", q);
		free(q);
	}
	*found = sb_take(&b);
	return (0);
}

/* A channel counter by name: messages, bytes, copies, wakeups, ... */
static int
ex_counter(struct ctx *ctx, struct word *w, size_t n, struct expect_subj *s,
    char **found)
{
	const struct chan_info	*ci = &s->ci;
	const char		*name = w[2].s;
	long long		 v;
	uint64_t		 cv;

	(void)n;
	if (parse_uint(ctx, &w[3], 0, LLONG_MAX, "count", &v) == -1)
		return (-1);
	if (strcmp(name, "messages") == 0)
		cv = ci->c_messages;
	else if (strcmp(name, "bytes") == 0)
		cv = ci->c_bytes;
	else if (strcmp(name, "copies") == 0)
		cv = ci->c_copies;
	else if (strcmp(name, "wakeups") == 0)
		cv = ci->c_wakeups;
	else if (strcmp(name, "drops") == 0)
		cv = ci->c_drops;
	else if (strcmp(name, "dups") == 0)
		cv = ci->c_dups;
	else
		cv = ci->c_reorders;
	if ((long long)cv == v)
		return (1);
	xasprintf(found, "%s has %s %llu", ci->name, name,
	    (unsigned long long)cv);
	return (0);
}


const struct expect_form expect_forms[] = {
	{ EXS_NONE, "deadlock", "[P...]", 0, -1, { A_PROC }, true, NULL,
	    ex_deadlock },
	{ EXS_NONE, "no", "deadlock", 1, 1, { A_WORD }, false, deadlock_word,
	    ex_no_deadlock },
	{ EXS_NONE, "error", "", 0, 0, { A_END }, false, NULL, ex_error },
	{ EXS_NONE, "saw", "TEXT", 1, -1, { A_TEXT }, true, NULL, ex_saw },
	{ EXS_PROC, "blocked", "[send|recv|poll|call|wait] [CH]", 0, 2,
	    { A_WORD, A_CHAN }, false, ops_words, ex_blocked },
	{ EXS_PROC, "ready", "", 0, 0, { A_END }, false, NULL, ex_ready },
	{ EXS_PROC, "exited", "[CODE]", 0, 1, { A_NUMBER }, false, NULL,
	    ex_exited },
	{ EXS_PROC, "received", "MSG", 1, 1, { A_MSG }, false, NULL,
	    ex_received },
	{ EXS_PROC, "caught", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_caught },
	{ EXS_PROC, "wchan", "TEXT", 1, 1, { A_TEXT }, false, NULL,
	    ex_wchan },
	{ EXS_CHAN, "holds", "N", 1, 1, { A_NUMBER }, false, NULL, ex_holds },
	{ EXS_CHAN, "contains", "MSG...", 0, -1, { A_MSG }, true, NULL,
	    ex_contains },
	{ EXS_CHAN, "messages", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "bytes", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "copies", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "wakeups", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "drops", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "dups", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_CHAN, "reorders", "N", 1, 1, { A_NUMBER }, false, NULL,
	    ex_counter },
	{ EXS_NONE, NULL, NULL, 0, 0, { A_END }, false, NULL, NULL }
};

/* "P blocked [send|recv|poll|call] [CH]": a form as help writes it. */
char *
expect_form_usage(const struct expect_form *f)
{
	char	*s;

	xasprintf(&s, "%s%s%s%s", f->subject == EXS_PROC ? "P " :
	    f->subject == EXS_CHAN ? "CH " : "", f->word, *f->usage != '\0' ?
	    " " : "", f->usage);
	return (s);
}

/* "blocked [OP] [CH], ready, ...": the forms for one subject. */
static char *
forms_list(enum expect_subject subject)
{
	struct sb	 b;
	size_t		 i;
	bool		 first = true;

	sb_init(&b);
	for (i = 0; expect_forms[i].word != NULL; i++) {
		if (expect_forms[i].subject != subject)
			continue;
		sb_printf(&b, "%s%s%s%s", first ? "" : "; ",
		    expect_forms[i].word, *expect_forms[i].usage != '\0' ?
		    " " : "", expect_forms[i].usage);
		first = false;
	}
	return (sb_take(&b));
}

/* The form of subject whose word is word, or NULL. */
static const struct expect_form *
form_find(enum expect_subject subject, const char *word)
{
	size_t	i;

	for (i = 0; expect_forms[i].word != NULL; i++) {
		if (expect_forms[i].subject == subject &&
		    strcmp(expect_forms[i].word, word) == 0)
			return (&expect_forms[i]);
	}
	return (NULL);
}

/* Run form f on w[0..n), whose words after the form's begin at after. */
static int
form_run(struct ctx *ctx, const struct expect_form *f, struct word *w,
    size_t n, size_t after, struct expect_subj *s, char **found)
{
	int	 nargs = (int)(n - after);
	char	*u;

	if (nargs < f->min || (f->max >= 0 && nargs > f->max)) {
		u = expect_form_usage(f);
		cmd_fail(ctx, nargs < f->min ? &w[n - 1] : &w[after + f->max],
		    "too %s words for '%s'; usage: expect %s", nargs < f->min ?
		    "few" : "many", f->word, u);
		free(u);
		return (-1);
	}
	return (f->check(ctx, w, n, s, found));
}

/*
 * Check one expectation; on failure *found says what was there instead.
 * A name in the playground wins over a form's word ("saw" may be a
 * process) when one of its own forms follows ("expect saw ready").
 */
static int
expect_check(struct ctx *ctx, struct word *w, size_t n, char **found)
{
	const struct expect_form	*f;
	struct expect_subj		 s;
	char				*list;
	int				 r;

	*found = NULL;
	f = form_find(EXS_NONE, w[1].s);
	if (f != NULL && !(n > 2 && ((engine_is_proc(ctx->e, w[1].s) &&
	    form_find(EXS_PROC, w[2].s) != NULL) || (engine_is_chan(ctx->e,
	    w[1].s) && form_find(EXS_CHAN, w[2].s) != NULL))))
		return (form_run(ctx, f, w, n, 2, NULL, found));
	if (n < 3) {
		cmd_fail(ctx, &w[n - 1], "incomplete expect; see 'help "
		    "expect'");
		return (-1);
	}
	memset(&s, 0, sizeof(s));
	if (engine_proc_find(ctx->e, w[1].s, &s.pi)) {
		if ((f = form_find(EXS_PROC, w[2].s)) != NULL)
			return (form_run(ctx, f, w, n, 3, &s, found));
		list = forms_list(EXS_PROC);
		cmd_fail(ctx, &w[2], "unknown expectation '%s' for a process "
		    "(%s)", w[2].s, list);
		free(list);
		return (-1);
	}
	if (engine_chan_find(ctx->e, w[1].s, &s.ci)) {
		if ((f = form_find(EXS_CHAN, w[2].s)) != NULL)
			r = form_run(ctx, f, w, n, 3, &s, found);
		else {
			list = forms_list(EXS_CHAN);
			cmd_fail(ctx, &w[2], "unknown expectation '%s' for a "
			    "channel (%s)", w[2].s, list);
			free(list);
			r = -1;
		}
		chan_info_free(&s.ci);
		return (r);
	}
	cmd_fail(ctx, &w[1], "expect: no process or channel named '%s'",
	    w[1].s);
	return (-1);
}

static enum cmd_result
cmd_expect_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct event	 ev;
	char		*text, *found, *line, *t;
	int		 r;

	r = expect_check(ctx, w, n, &found);
	if (r == -1)
		return (CMD_FAIL);
	/*
	 * The check as it ran; under --json as typed, for a person the
	 * arrows of a "saw" in the glyphs it was matched in.
	 */
	text = words_text(w, n);
	if (!ctx->json && strcmp(w[1].s, "saw") == 0 && !w[1].quoted) {
		t = glyph_text(text);
		free(text);
		text = t;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_EXPECT;
	ev.status = r == 1 ? ST_OK : ST_ERROR;
	if (r == 1)
		xasprintf(&line, "%s ... ok", text);
	else
		xasprintf(&line, "%s ... FAILED: %s", text, found);
	ev.text = ctx->json ? (r == 1 ? text : line) : line;
	engine_emit(ctx->e, &ev);
	if (r == 0) {
		free(line);
		xasprintf(&line, "%s: %s", text, found);
		out_error(ctx, 0, line);
		cmd_failure(ctx, CMD_FAIL);
	}
	free(text);
	free(line);
	free(found);
	return (CMD_OK);
}

const struct cmd_entry cmd_expect_entry = {
	.name = "expect",
	.help = "Check a claim; print \"expect ... ok\" or fail with what was "
	    "found.  WHAT is one of: P blocked [send|recv|poll|call|wait] [CH]; P ready; "
	    "P exited [CODE]; P received MSG; P caught N (signals handled); "
	    "P wchan TEXT (it sleeps in a kernel function containing TEXT, as "
	    "/proc/PID/wchan says); "
	    "CH holds N; CH contains MSG... (exactly, oldest first); "
	    "CH COUNTER N (messages, bytes, copies, wakeups, drops, dups, "
	    "reorders); deadlock [P...]; no deadlock; saw TEXT (a line "
	    "printed since the last command other than expect contains "
	    "TEXT); error (the previous command failed).",
	.example = "expect A blocked send c1",
	.min_args = 1, .max_args = -1,
	.args = { A_EXPECT }, .rest = true,
	.exec = cmd_expect_exec,
};

