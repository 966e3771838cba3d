/*
 * Scripting: sleep, repeat, expect, say, pause, help, quit.
 *
 * expect is how lessons and tests check claims.  Each form looks at the
 * engine's state after the previous command settled and prints
 * "expect ... ok", or fails with what it found instead.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "lesson.h"
#include "sb.h"

static enum cmd_result
cmd_sleep_exec(struct ctx *ctx, struct word *w, size_t n)
{
	long long	ms;

	(void)n;
	if (parse_uint(ctx, &w[1], 0, 600000, "sleep time", &ms) == -1)
		return (CMD_FAIL);
	engine_sleep(ctx->e, (int)ms);
	return (CMD_OK);
}

const struct cmd_entry cmd_sleep_entry = {
	.name = "sleep",
	.usage = "sleep MS",
	.help = "Let MS milliseconds of real time pass, serving timeouts "
	    "and processes meanwhile.",
	.example = "sleep 200",
	.min_args = 1, .max_args = 1,
	.args = { A_NUMBER },
	.exec = cmd_sleep_exec,
};

/* Replace each "$i" in s by the decimal i. */
static char *
expand_i(const char *s, size_t len, long long i, size_t *outlen)
{
	struct sb	b;
	size_t		k;

	sb_init(&b);
	for (k = 0; k < len; k++) {
		if (s[k] == '$' && k + 1 < len && s[k + 1] == 'i' &&
		    (k + 2 >= len || !((s[k + 2] >= 'a' && s[k + 2] <= 'z') ||
		    (s[k + 2] >= 'A' && s[k + 2] <= 'Z') ||
		    (s[k + 2] >= '0' && s[k + 2] <= '9') || s[k + 2] == '_'))) {
			sb_printf(&b, "%lld", i);
			k++;
		} else
			sb_putc(&b, s[k]);
	}
	*outlen = b.len;
	return (sb_take(&b));
}

/*
 * repeat N COMMAND.  Its work is bounded: N is at most REPEAT_MAX, it
 * cannot hold another repeat however the word is abbreviated, and the
 * sleeps it runs add up to at most SLEEP_MAX in all (checked before the
 * first one: a repeat that would sleep longer does not start).
 */
#define REPEAT_MAX	1000000
#define SLEEP_MAX	600000

extern const struct cmd_entry cmd_repeat_entry;

static enum cmd_result
cmd_repeat_exec(struct ctx *ctx, struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	struct word		*v;
	long long		 count, i, ms, slept = 0;
	size_t			 k, m = n - 2;
	enum cmd_result		 r = CMD_OK;
	const char		*errstr;
	char			*s;

	if (parse_uint(ctx, &w[1], 0, ctx->repeat_max > 0 ? ctx->repeat_max :
	    REPEAT_MAX, "repeat count", &count) == -1)
		return (CMD_FAIL);
	ce = cmd_resolve(ctx, &w[2], m);
	if (ce == &cmd_repeat_entry)
		return (cmd_fail(ctx, &w[2], "repeat cannot repeat repeat"));
	for (i = 1; ce == &cmd_sleep_entry && m == 2 && i <= count; i++) {
		s = expand_i(w[3].s, w[3].len, i, &k);
		ms = strtonum(s, 0, SLEEP_MAX, &errstr);
		free(s);
		if (errstr == NULL && (slept += ms) > SLEEP_MAX)
			return (cmd_fail(ctx, &w[2], "repeat would sleep more "
			    "than %d ms in all", SLEEP_MAX));
	}
	v = xcalloc(m, sizeof(*v));
	for (i = 1; i <= count && !ctx->stop && !ui_stopping(); i++) {
		for (k = 0; k < m; k++) {
			v[k] = w[k + 2];
			v[k].s = expand_i(w[k + 2].s, w[k + 2].len, i,
			    &v[k].len);
		}
		if (i > 1 && ctx->fail_pending) {
			ctx->fail_pending = false;
			cmd_failure(ctx, CMD_FAIL);
		}
		r = cmd_run(ctx, v, m);
		engine_settle(ctx->e);
		if (ctx->tick != NULL)
			ctx->tick(ctx);		/* the dashboard stays live */
		for (k = 0; k < m; k++)
			free(v[k].s);
		if (r == CMD_QUIT)
			break;
		if (r == CMD_FAIL && i < count)
			ctx->fail_pending = true;
	}
	free(v);
	return (r);
}

const struct cmd_entry cmd_repeat_entry = {
	.name = "repeat",
	.usage = "repeat N COMMAND",
	.help = "Run COMMAND N times; $i in it counts 1..N.",
	.example = "repeat 3 A send c1 \"msg $i\"",
	.min_args = 2, .max_args = -1,
	.args = { A_NUMBER, A_COMMAND }, .rest = true,
	.exec = cmd_repeat_exec,
};

static bool
named(char **names, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return (true);
	}
	return (false);
}

/* Do the words name d's processes, alone or with all those behind it? */
static bool
deadlock_is(const struct deadlock *d, const struct word *w, size_t n)
{
	size_t	i, core = 0, behind = 0;

	for (i = 0; i < n; i++) {
		if (named(d->procs, d->nprocs, w[i].s))
			core++;
		else if (named(d->behind, d->nbehind, w[i].s))
			behind++;
		else
			return (false);
	}
	return (core == d->nprocs && (behind == 0 || behind == d->nbehind));
}

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

/* The words joined by blanks, as typed (no quotes added). */
static char *
words_plain(struct word *w, size_t n)
{
	struct sb	b;
	size_t		i;

	sb_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_putc(&b, ' ');
		sb_puts(&b, w[i].s);
	}
	return (sb_take(&b));
}

/* A channel counter by name: messages, bytes, copies, wakeups, ... */
static bool
counter(const struct chan_info *ci, const char *name, uint64_t *v)
{
	if (strcmp(name, "messages") == 0)
		*v = ci->c_messages;
	else if (strcmp(name, "bytes") == 0)
		*v = ci->c_bytes;
	else if (strcmp(name, "copies") == 0)
		*v = ci->c_copies;
	else if (strcmp(name, "wakeups") == 0)
		*v = ci->c_wakeups;
	else if (strcmp(name, "drops") == 0)
		*v = ci->c_drops;
	else if (strcmp(name, "dups") == 0)
		*v = ci->c_dups;
	else if (strcmp(name, "reorders") == 0)
		*v = ci->c_reorders;
	else
		return (false);
	return (true);
}

static bool
msg_eq(const unsigned char *a, size_t alen, const struct word *w)
{
	return (alen == w->len && memcmp(a, w->s, alen) == 0);
}

/*
 * Check one expectation; on failure *found says what was there instead.
 * Returns 1 if it holds, 0 if not, -1 for a malformed expect (reported).
 */
static int
expect_check(struct ctx *ctx, struct word *w, size_t n, char **found)
{
	struct proc_info	 pi;
	struct chan_info	 ci;
	struct deadlock		*dl;
	struct linebuf		*lb;
	struct sb		 b;
	size_t			 nd, i;
	long long		 v;
	uint64_t		 cv;
	const char		*what;
	int			 ok;
	char			*q, *t;

	*found = NULL;
	if (n == 2 && strcmp(w[1].s, "error") == 0) {
		if (ctx->fail_pending) {
			ctx->fail_pending = false;
			return (1);
		}
		*found = xstrdup("the previous command succeeded");
		return (0);
	}
	if ((n == 2 || n > 2) && strcmp(w[1].s, "deadlock") == 0) {
		nd = engine_deadlocks(ctx->e, &dl);
		ok = nd > 0;
		if (ok && n > 2) {
			/*
			 * The named processes are exactly one deadlock's,
			 * with or without those stuck behind it.
			 */
			ok = 0;
			for (i = 0; i < nd && !ok; i++)
				ok = deadlock_is(&dl[i], w + 2, n - 2);
		}
		if (!ok) {
			sb_init(&b);
			if (nd == 0)
				sb_puts(&b, "no deadlock");
			for (i = 0; i < nd; i++) {
				sb_puts(&b, i > 0 ? "; deadlock " : "deadlock ");
				deadlock_procs(&b, &dl[i]);
			}
			*found = sb_take(&b);
		}
		deadlocks_free(dl, nd);
		return (ok);
	}
	if (n == 3 && strcmp(w[1].s, "no") == 0 &&
	    strcmp(w[2].s, "deadlock") == 0) {
		nd = engine_deadlocks(ctx->e, &dl);
		if (nd > 0) {
			sb_init(&b);
			sb_puts(&b, "deadlock ");
			deadlock_procs(&b, &dl[0]);
			*found = sb_take(&b);
		}
		deadlocks_free(dl, nd);
		return (nd == 0);
	}
	if (n >= 3 && strcmp(w[1].s, "saw") == 0 &&
	    !engine_is_proc(ctx->e, "saw") && !engine_is_chan(ctx->e, "saw")) {
		/* An outcome that leaves no state behind: look at the lines. */
		t = words_plain(w + 2, n - 2);
		q = glyph_text(t);	/* a lesson's arrows, in this locale */
		free(t);
		/* A lesson's checks look at the whole attempt. */
		lb = ctx->checking ? &ctx->attempt : &ctx->recent;
		for (i = 0; i < lb->n; i++) {
			if (strstr(lb->v[i], q) != NULL) {
				free(q);
				return (1);
			}
		}
		xasprintf(found, "no line since %s contains \"%s\"",
		    ctx->checking ? "the exercise began" : "the last command",
		    q);
		free(q);
		return (0);
	}
	if (n < 3) {
		cmd_fail(ctx, &w[n - 1], "incomplete expect; see 'help expect'");
		return (-1);
	}
	what = w[2].s;
	if (engine_proc_find(ctx->e, w[1].s, &pi)) {
		if (strcmp(what, "blocked") == 0 && n <= 5) {
			ok = pi.state == PS_BLOCKED;
			if (ok && n > 3 && strcmp(w[3].s, op_name(pi.op)) != 0 &&
			    !(n == 4 && pi.chan != NULL &&
			    strcmp(w[3].s, pi.chan) == 0))
				ok = 0;
			if (ok && n == 5 && (pi.chan == NULL ||
			    strcmp(w[4].s, pi.chan) != 0))
				ok = 0;
		} else if (strcmp(what, "caught") == 0 && n == 4) {
			if (parse_uint(ctx, &w[3], 0, 1000000, "count", &v) == -1)
				return (-1);
			if ((long long)pi.caught == v)
				return (1);
			xasprintf(found, "%s caught %zu signal%s", pi.name,
			    pi.caught, pi.caught == 1 ? "" : "s");
			return (0);
		} else if (strcmp(what, "ready") == 0 && n == 3)
			ok = pi.state == PS_IDLE;
		else if (strcmp(what, "exited") == 0 && n <= 4) {
			ok = pi.state == PS_EXITED;
			if (ok && n == 4) {
				if (parse_uint(ctx, &w[3], 0, 255, "exit code",
				    &v) == -1)
					return (-1);
				ok = pi.exit_code == v;
			}
		} else if (strcmp(what, "received") == 0 && n == 4) {
			ok = pi.has_last && msg_eq(pi.last, pi.last_len, &w[3]);
			if (!ok) {
				if (!pi.has_last)
					xasprintf(found, "%s has received "
					    "nothing", pi.name);
				else {
					q = word_quote(pi.last, pi.last_len);
					xasprintf(found, "%s last received %s",
					    pi.name, q);
					free(q);
				}
				return (0);
			}
			return (1);
		} else {
			cmd_fail(ctx, &w[2], "unknown expectation '%s' for a "
			    "process (blocked [OP] [CH], ready, exited [CODE], "
			    "received MSG)", what);
			return (-1);
		}
		if (!ok) {
			if (pi.state == PS_BLOCKED)
				xasprintf(found, "%s is blocked in %s on %s",
				    pi.name, op_name(pi.op), pi.chan);
			else if (pi.state == PS_EXITED && pi.exit_code >= 0)
				xasprintf(found, "%s exited with code %d",
				    pi.name, pi.exit_code);
			else
				xasprintf(found, "%s is %s", pi.name,
				    proc_state_name(pi.state));
		}
		return (ok);
	}
	if (engine_chan_find(ctx->e, w[1].s, &ci)) {
		if (strcmp(what, "holds") == 0 && n == 4) {
			if (parse_uint(ctx, &w[3], 0, 100000000, "count", &v)
			    == -1) {
				chan_info_free(&ci);
				return (-1);
			}
			ok = (long long)ci.fill == v;
			if (!ok)
				xasprintf(found, "%s holds %zu", ci.name,
				    ci.fill);
		} else if (strcmp(what, "contains") == 0) {
			ok = ci.nmsgs == n - 3;
			for (i = 0; ok && i < ci.nmsgs; i++)
				ok = msg_eq(ci.msgs[i].data, ci.msgs[i].len,
				    &w[3 + i]);
			if (!ok) {
				sb_init(&b);
				sb_printf(&b, "%s contains", ci.name);
				if (ci.nmsgs == 0)
					sb_puts(&b, " nothing");
				for (i = 0; i < ci.nmsgs; i++) {
					q = word_quote(ci.msgs[i].data,
					    ci.msgs[i].len);
					sb_printf(&b, " %s", q);
					free(q);
				}
				*found = sb_take(&b);
			}
		} else if (n == 4 && counter(&ci, what, &cv)) {
			if (parse_uint(ctx, &w[3], 0, LLONG_MAX, "count", &v)
			    == -1) {
				chan_info_free(&ci);
				return (-1);
			}
			ok = (long long)cv == v;
			if (!ok)
				xasprintf(found, "%s has %s %llu", ci.name, what,
				    (unsigned long long)cv);
		} else {
			chan_info_free(&ci);
			cmd_fail(ctx, &w[2], "unknown expectation '%s' for a "
			    "channel (holds N, contains MSG..., messages N, "
			    "bytes N, copies N, wakeups N, drops N, dups N, "
			    "reorders N)", what);
			return (-1);
		}
		chan_info_free(&ci);
		return (ok);
	}
	cmd_fail(ctx, &w[1], "expect: no process or channel named '%s'",
	    w[1].s);
	return (-1);
}

static enum cmd_result
cmd_expect_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct event	 ev;
	char		*text, *found, *line;
	int		 r;

	r = expect_check(ctx, w, n, &found);
	if (r == -1)
		return (CMD_FAIL);
	text = words_text(w, n);
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
	.usage = "expect WHAT",
	.help = "Check a claim; print \"expect ... ok\" or fail with what was "
	    "found.  WHAT is one of: P blocked [send|recv|poll|call] [CH]; P ready; "
	    "P exited [CODE]; P received MSG; P caught N (signals handled); "
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

static enum cmd_result
cmd_say_exec(struct ctx *ctx, struct word *w, size_t n)
{
	lesson_say(ctx, "", w, 1, n);
	return (CMD_OK);
}

const struct cmd_entry cmd_say_entry = {
	.name = "say",
	.usage = "say TEXT",
	.help = "Print TEXT: narration for lessons and demos.",
	.example = "say \"Now B is blocked: its buffer is empty.\"",
	.min_args = 0, .max_args = -1,
	.args = { A_TEXT }, .rest = true,
	.exec = cmd_say_exec,
};

static enum cmd_result
cmd_pause_exec(struct ctx *ctx, struct word *w, size_t n)
{
	char	*line = NULL;
	size_t	 cap = 0;

	(void)w;
	(void)n;
	/* Batch goes on; the dashboard owns the keyboard and never stops. */
	if (!ctx->interactive || ctx->print_hook != NULL)
		return (CMD_OK);
	fprintf(stderr, "-- press Enter to continue --");
	fflush(stderr);
	if (getline(&line, &cap, stdin) == -1)
		clearerr(stdin);
	free(line);
	return (CMD_OK);
}

const struct cmd_entry cmd_pause_entry = {
	.name = "pause",
	.usage = "pause",
	.help = "Wait for Enter in the plain shell; batch mode and the "
	    "dashboard go on at once.",
	.example = "pause",
	.min_args = 0, .max_args = 0,
	.exec = cmd_pause_exec,
};

static void
help_one(struct ctx *ctx, const struct cmd_entry *ce)
{
	out_printf(ctx, "usage: %s\n\n", ce->usage);
	out_printf(ctx, "%s\n\nexample: %s\n", ce->help, ce->example);
}

static enum cmd_result
cmd_help_exec(struct ctx *ctx, struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	const char		*sugg;
	char			*amb;
	size_t			 i;

	if (n > 1) {
		if ((ce = op_lookup(w[1].s)) == NULL &&
		    (ce = cmd_lookup(w[1].s, &amb)) == NULL) {
			if (amb != NULL) {
				cmd_fail(ctx, &w[1], "ambiguous: %s", amb);
				free(amb);
				return (CMD_FAIL);
			}
			sugg = cmd_suggest(w[1].s);
			if (sugg != NULL)
				return (cmd_fail(ctx, &w[1], "no command '%s'; "
				    "did you mean '%s'?", w[1].s, sugg));
			return (cmd_fail(ctx, &w[1], "no command '%s'",
			    w[1].s));
		}
		help_one(ctx, ce);
		return (CMD_OK);
	}
	out_printf(ctx, "Commands (help COMMAND for more):\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!cmd_table[i]->proc_op)
			out_printf(ctx, "  %-44s\n", cmd_table[i]->usage);
	}
	out_printf(ctx, "What a process does (the process name comes first):"
	    "\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op)
			out_printf(ctx, "  %-44s\n", cmd_table[i]->usage);
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "help [COMMAND]",
	.help = "List the commands, or explain one: usage, what it does, an "
	    "example.",
	.example = "help send",
	.min_args = 0, .max_args = 1,
	.args = { A_COMMAND },
	.exec = cmd_help_exec,
};

/*
 * At the prompt, leaving (quit, Ctrl-D) while processes are alive asks
 * first: the very next quit or Ctrl-D goes.  how names what was typed.
 */
bool
quit_confirmed(struct ctx *ctx, const char *how)
{
	struct proc_info	pi;
	size_t			i, live = 0;

	if (!ctx->interactive || ctx->quit_armed)
		return (true);
	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (pi.state != PS_EXITED)
			live++;
	}
	if (live == 0)
		return (true);
	ctx->quit_armed = true;
	out_printf(ctx, "%zu process%s still alive: %s again to end %s and "
	    "leave (reset empties the playground and stays)\n", live,
	    live == 1 ? " is" : "es are", how, live == 1 ? "it" : "them");
	return (false);
}

static enum cmd_result
cmd_quit_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)w;
	(void)n;
	return (quit_confirmed(ctx, "quit") ? CMD_QUIT : CMD_OK);
}

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.usage = "quit",
	.help = "End the playground: every process is killed and reaped.  "
	    "At the prompt, with processes alive, it asks first: quit again "
	    "to leave.  Never abbreviated.",
	.example = "quit",
	.whole = true,
	.min_args = 0, .max_args = 0,
	.exec = cmd_quit_exec,
};
