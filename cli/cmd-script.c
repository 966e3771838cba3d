/*
 * Scripting: sleep, repeat, say, pause, help, quit (expect is in
 * cmd-expect.c).
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "serve.h"
#include "lesson.h"
#include "sb.h"

static enum cmd_result
cmd_sleep_exec(struct ctx *ctx, struct args *a)
{
	engine_sleep(ctx->e, (int)a->v[0].num);
	return (CMD_OK);
}

const struct cmd_entry cmd_sleep_entry = {
	.name = "sleep",
	.help = "Let MS milliseconds of real time pass, serving timeouts "
	    "and processes meanwhile.",
	.example = "sleep 200",
	.min_args = 1, .max_args = 1,
	.args = { A_NUMBER }, .meta = { "MS" },
	.range = { 0, 600000, "sleep time" },
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
#define SLEEP_MAX	600000

extern const struct cmd_entry cmd_repeat_entry, cmd_expect_entry;

static enum cmd_result
cmd_repeat_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	size_t			 n = a->n;
	const struct cmd_entry	*ce;
	struct word		*v;
	long long		 count, i, ms, slept = 0;
	size_t			 k, m = n - 2;
	enum cmd_result		 r = CMD_OK;
	const char		*errstr;
	char			*s;
	bool			 absorbs;

	count = a->v[0].num;
	/* A smaller bound of the playground's own (the fuzzers'). */
	if (ctx->repeat_max > 0 && parse_uint(ctx, &w[1], 0, ctx->repeat_max,
	    "repeat count", &count) == -1)
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
	absorbs = ce == &cmd_expect_entry && m == 2 &&
	    strcmp(w[3].s, "error") == 0;
	for (i = 1; i <= count && !ctx->stop && !ui_stopping(); i++) {
		/* The last round's failure counts now, unless this absorbs it. */
		if (i > 1 && ctx->fail_pending && !absorbs) {
			ctx->fail_pending = false;
			cmd_failure(ctx, CMD_FAIL);
			if (ctx->stop)
				break;		/* --bail: not one round more */
		}
		for (k = 0; k < m; k++) {
			v[k] = w[k + 2];
			v[k].s = expand_i(w[k + 2].s, w[k + 2].len, i,
			    &v[k].len);
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
	.help = "Run COMMAND N times; $i in it counts 1..N.",
	.example = "repeat 3 A send c1 \"msg $i\"",
	.min_args = 2, .max_args = -1,
	.args = { A_NUMBER, A_COMMAND }, .rest = true,
	.range = { 0, REPEAT_MAX, "repeat count" },
	.exec = cmd_repeat_exec,
};

static enum cmd_result
cmd_say_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	lesson_say(ctx, "", w, 1, n);
	return (CMD_OK);
}

const struct cmd_entry cmd_say_entry = {
	.name = "say",
	.help = "Print TEXT: narration for lessons and demos.",
	.example = "say \"Now B is blocked: its buffer is empty.\"",
	.min_args = 0, .max_args = -1,
	.args = { A_TEXT }, .rest = true,
	.exec = cmd_say_exec,
};

static enum cmd_result
cmd_pause_exec(struct ctx *ctx, struct args *a)
{
	char	*line = NULL;
	size_t	 cap = 0;

	(void)a;
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
	.help = "Wait for Enter in the plain shell; batch mode and the "
	    "dashboard go on at once.",
	.example = "pause",
	.min_args = 0, .max_args = 0,
	.exec = cmd_pause_exec,
};

static void
help_one(struct ctx *ctx, const struct cmd_entry *ce)
{
	out_printf(ctx, "usage: %s\n\n", cmd_usage(ce));
	out_printf(ctx, "%s\n\nexample: %s\n", ce->help, ce->example);
}

/* A classroom's student: what they may type, without their name. */
static void
help_student(struct ctx *ctx)
{
	const struct cmd_entry	*ce;
	char			*amb;
	size_t			 i;

	out_printf(ctx, "What your process may do (help COMMAND for "
	    "more):\n");
	for (i = 0; seat_ops[i] != NULL; i++) {
		if ((ce = op_lookup(seat_ops[i])) != NULL)
			out_printf(ctx, "  %s\n", strncmp(cmd_usage(ce), "PROC ",
			    5) == 0 ? cmd_usage(ce) + 5 : cmd_usage(ce));
	}
	out_printf(ctx, "What you may look at:\n");
	for (i = 0; seat_looks[i] != NULL; i++) {
		if ((ce = cmd_lookup(seat_looks[i], &amb)) != NULL)
			out_printf(ctx, "  %s\n", cmd_usage(ce));
		free(amb);
	}
}

static enum cmd_result
cmd_help_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	size_t			 n = a->n;
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
		/* "run" is both a command and what a process does. */
		for (i = 0; ce->proc_op && cmd_table[i] != NULL; i++) {
			if (!cmd_table[i]->proc_op &&
			    strcmp(cmd_table[i]->name, ce->name) == 0) {
				out_printf(ctx, "\n");
				help_one(ctx, cmd_table[i]);
			}
		}
		return (CMD_OK);
	}
	if (ctx->serve != NULL && ctx->text_hook != NULL) {
		help_student(ctx);
		return (CMD_OK);
	}
	out_printf(ctx, "Commands (help COMMAND for more):\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!cmd_table[i]->proc_op)
			out_printf(ctx, "  %-44s\n", cmd_usage(cmd_table[i]));
	}
	out_printf(ctx, "What a process does (the process name comes first):"
	    "\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op)
			out_printf(ctx, "  %-44s\n", cmd_usage(cmd_table[i]));
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
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
cmd_quit_exec(struct ctx *ctx, struct args *a)
{
	(void)a;
	return (quit_confirmed(ctx, "quit") ? CMD_QUIT : CMD_OK);
}

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.help = "End the playground: every process is killed and reaped.  "
	    "At the prompt, with processes alive, it asks first: quit again "
	    "to leave.  Never abbreviated.",
	.example = "quit",
	.whole = true,
	.min_args = 0, .max_args = 0,
	.exec = cmd_quit_exec,
};
