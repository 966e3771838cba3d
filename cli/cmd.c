/*
 * The one path every command takes: a line read into commands, each found
 * in the table (cmd-table.c), its words parsed by its entry (args.c), and
 * run.  A line whose first word is not a command is a process operation,
 * "A send c1 hi": the process comes first, then one of the operation
 * words.
 *
 * Failure accounting follows the spec: a failed command makes the exit
 * status 1 unless the very next command is "expect error", which holds
 * and absorbs it; with --bail the run stops at the first failure that is
 * not absorbed.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"

extern const struct cmd_entry cmd_repeat_entry, cmd_expect_entry,
    cmd_quit_entry;

static int	run_line_one(struct ctx *, const char *);

static enum cmd_result
cmd_exec(struct ctx *ctx, const struct cmd_entry *ce, struct word *w,
    size_t n, size_t skip)
{
	struct args	a;
	enum cmd_result	r = CMD_FAIL;

	if (cmd_parse(ctx, ce, w, n, skip, true, &a) == 0)
		r = ce->exec(ctx, &a);
	args_free(&a);
	return (r);
}

/* The entry cmd_run would run for these words, or NULL if none. */
const struct cmd_entry *
cmd_resolve(struct ctx *ctx, const struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	char			*amb;
	size_t			 i;

	if (!w[0].quoted) {
		for (i = 0; cmd_table[i] != NULL; i++) {
			if (!cmd_table[i]->proc_op &&
			    strcmp(cmd_table[i]->name, w[0].s) == 0)
				return (cmd_table[i]);
		}
	}
	if (n >= 2 && !w[1].quoted && (ce = op_lookup(w[1].s)) != NULL)
		return (ce);
	if (engine_is_proc(ctx->e, w[0].s))
		return (NULL);
	ce = cmd_lookup(w[0].s, &amb);
	free(amb);
	return (ce);
}

enum cmd_result
cmd_run(struct ctx *ctx, struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	const char		*sugg;
	char			*amb, *ops;
	enum cmd_result		 r;

	if (!w[0].quoted) {
		for (size_t i = 0; cmd_table[i] != NULL; i++) {
			if (!cmd_table[i]->proc_op &&
			    strcmp(cmd_table[i]->name, w[0].s) == 0)
				return (cmd_exec(ctx, cmd_table[i], w, n, 1));
		}
	}
	if (n >= 2 && (ce = op_lookup(w[1].s)) != NULL && !w[1].quoted) {
		if (!engine_is_proc(ctx->e, w[0].s)) {
			if ((sugg = name_suggest(ctx, w[0].s, true)) != NULL)
				return (cmd_fail(ctx, &w[0], "no such process: "
				    "%s; did you mean %s?", w[0].s, sugg));
			return (cmd_fail(ctx, &w[0], "no such process: %s",
			    w[0].s));
		}
		return (cmd_exec(ctx, ce, w, n, 2));
	}
	if (engine_is_proc(ctx->e, w[0].s)) {
		sugg = n > 1 ? cmd_suggest(w[1].s) : NULL;
		if (sugg != NULL && op_lookup(sugg) != NULL)
			return (cmd_fail(ctx, &w[1], "unknown operation '%s'; "
			    "did you mean '%s'?", w[1].s, sugg));
		ops = op_list(NULL);
		if (n == 1)
			r = cmd_fail(ctx, &w[0], "what should %s do? (%s)",
			    w[0].s, ops);
		else
			r = cmd_fail(ctx, &w[1], "unknown operation '%s' (%s)",
			    w[1].s, ops);
		free(ops);
		return (r);
	}
	if ((ce = cmd_lookup(w[0].s, &amb)) != NULL)
		return (cmd_exec(ctx, ce, w, n, 1));
	if (amb != NULL) {
		r = cmd_fail(ctx, &w[0], "ambiguous command '%s': %s", w[0].s,
		    amb);
		free(amb);
		return (r);
	}
	if ((ce = op_lookup(w[0].s)) != NULL) {
		/* "send A c x": the operation before the process doing it. */
		if (n >= 2 && engine_is_proc(ctx->e, w[1].s))
			return (cmd_fail(ctx, &w[0], "'%s' is done by a process, "
			    "named first (%s); did you mean '%s %s ...'?",
			    w[0].s, cmd_usage(ce), w[1].s, w[0].s));
		return (cmd_fail(ctx, &w[0], "'%s' is done by a process, named "
		    "first: %s", w[0].s, cmd_usage(ce)));
	}
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->whole && strncmp(cmd_table[i]->name, w[0].s,
		    strlen(w[0].s)) == 0)
			return (cmd_fail(ctx, &w[0], "'%s' is short for %s, "
			    "which is typed in full", w[0].s,
			    cmd_table[i]->name));
	}
	if ((sugg = cmd_suggest(w[0].s)) != NULL)
		return (cmd_fail(ctx, &w[0], "unknown command '%s'; did you "
		    "mean '%s'?", w[0].s, sugg));
	return (cmd_fail(ctx, &w[0], "unknown command '%s' (try 'help')",
	    w[0].s));
}

/*
 * The expect a command is, itself or as what a repeat runs ("exp" too),
 * or NULL; *n its words.
 */
static const struct word *
expect_words(struct ctx *ctx, const struct words *c, size_t *n)
{
	const struct cmd_entry	*ce;

	ce = cmd_resolve(ctx, c->v, c->n);
	if (ce == &cmd_repeat_entry && c->n > 2) {
		*n = c->n - 2;
		return (cmd_resolve(ctx, c->v + 2, *n) == &cmd_expect_entry ?
		    c->v + 2 : NULL);
	}
	*n = c->n;
	return (ce == &cmd_expect_entry ? c->v : NULL);
}

/* Is this command "expect error" (which absorbs the failure before it)? */
bool
is_expect_error(struct ctx *ctx, const struct words *c)
{
	const struct word	*w;
	size_t			 n;

	w = expect_words(ctx, c, &n);
	return (w != NULL && n == 2 && strcmp(w[1].s, "error") == 0);
}

/*
 * Run one line.  Returns -1 when the session should end (quit, or
 * --bail after a failure).
 */
/* A line that cannot be read as commands: one error naming the column. */
static int
line_error(struct ctx *ctx, int col, const char *what)
{
	struct word	 w;

	if (ctx->fail_pending) {
		ctx->fail_pending = false;
		cmd_failure(ctx, CMD_FAIL);
	}
	memset(&w, 0, sizeof(w));
	w.col = col;
	cmd_fail(ctx, &w, "%s (column %d)", what, col);
	ctx->fail_pending = true;
	return (ctx->stop ? -1 : 0);
}

/* A line of len bytes, which may hold a NUL that must not cut it short. */
int
run_line_len(struct ctx *ctx, const char *line, size_t len)
{
	const char	*nul;

	if ((nul = memchr(line, '\0', len)) != NULL) {
		ctx->linebuf = line;
		prog_bad_line(ctx);
		return (line_error(ctx, (int)(nul - line) + 1, "a NUL byte "
		    "is not allowed in a line (write \\0 inside double "
		    "quotes)"));
	}
	return (run_line(ctx, line));
}

/*
 * One command, with the playground settled before it (it sees the
 * playground as it is now) and after it (every consequence printed).
 */
enum cmd_result
run_words(struct ctx *ctx, struct word *v, size_t nv)
{
	struct words	 one = { v, nv };
	enum cmd_result	 r;
	size_t		 n;

	/* expect looks at what the command before it printed. */
	if (expect_words(ctx, &one, &n) == NULL)
		out_recent_clear(ctx);
	engine_settle(ctx->e);
	/* Only a quit right after the question confirms it. */
	if (cmd_resolve(ctx, v, nv) != &cmd_quit_entry)
		ctx->quit_armed = false;
	r = cmd_run(ctx, v, nv);
	engine_settle(ctx->e);
	if (ctx->after_command != NULL)
		ctx->after_command(ctx);
	errno = 0;
	if (fflush(ctx->out) == EOF || ferror(ctx->out)) {
		/* Nobody can read us: stop, and main says why. */
		if (ctx->out_errno == 0)
			ctx->out_errno = errno != 0 ? errno : EIO;
		ctx->stop = true;
	}
	return (r);
}

int
run_line(struct ctx *ctx, const char *line)
{
	int	r;

	ctx->depth++;
	r = run_line_one(ctx, line);
	ctx->depth--;
	return (r);
}

static int
run_line_one(struct ctx *ctx, const char *line)
{
	struct words	*cmds;
	size_t		 ncmds, i, n;
	char		*err;
	int		 col, r0;
	enum cmd_result	 r;

	ctx->linebuf = line;
	if (lex_line(line, &cmds, &ncmds, &err, &col) == -1) {
		r0 = line_error(ctx, col, err);
		free(err);
		if (prog_defining(ctx))
			prog_bad_line(ctx);
		return (r0);
	}
	/*
	 * A program's definition takes its commands (the rest of the line,
	 * or up to its closing '}' or end) and whole lines after it, up to
	 * its end.
	 */
	for (i = 0; i < ncmds && !ctx->stop && !ui_stopping(); i++) {
		if (prog_defining(ctx) || (cmds[i].n > 0 &&
		    !cmds[i].v[0].quoted &&
		    strcmp(cmds[i].v[0].s, "program") == 0)) {
			if (ctx->fail_pending) {
				ctx->fail_pending = false;
				cmd_failure(ctx, CMD_FAIL);
			}
			out_recent_clear(ctx);
			n = prog_line(ctx, cmds + i, ncmds - i);
			i += (n > 0 ? n : 1) - 1;
			continue;
		}
		if (ctx->fail_pending && !is_expect_error(ctx, &cmds[i])) {
			ctx->fail_pending = false;
			cmd_failure(ctx, CMD_FAIL);
			if (ctx->stop)
				break;
		}
		r = run_words(ctx, cmds[i].v, cmds[i].n);
		if (r == CMD_QUIT) {
			words_free(cmds, ncmds);
			return (-1);
		}
		if (r == CMD_FAIL)
			ctx->fail_pending = true;
	}
	words_free(cmds, ncmds);
	return (ctx->stop ? -1 : 0);
}
