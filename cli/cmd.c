/*
 * The command table and the one path every command takes.
 *
 * The table drives parsing, help, completion and the man page check.  A
 * command word is looked up by exact name, then by unique prefix (an
 * ambiguous prefix names the candidates).  A line whose first word is not
 * a command is a process operation, "A send c1 hi": the process comes
 * first, then one of the operation words.
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

static int	run_line_one(struct ctx *, const char *);

extern const struct cmd_entry cmd_spawn_entry, cmd_kill_entry,
    cmd_channel_entry, cmd_close_entry, cmd_ps_entry, cmd_channels_entry,
    cmd_chan_entry, cmd_status_entry, cmd_deadlock_entry, cmd_graph_entry,
    cmd_trace_entry, cmd_tap_entry, cmd_untap_entry, cmd_filter_entry,
    cmd_balance_entry, cmd_sleep_entry, cmd_repeat_entry, cmd_expect_entry,
    cmd_say_entry, cmd_pause_entry, cmd_help_entry, cmd_quit_entry,
    cmd_send_entry, cmd_recv_entry, cmd_poll_entry, cmd_signal_entry,
    cmd_mask_entry, cmd_unmask_entry, cmd_exit_entry, cmd_dashboard_entry, cmd_stats_entry,
    cmd_predict_entry, cmd_exercise_entry, cmd_check_entry, cmd_lesson_entry,
    cmd_reset_entry, cmd_call_entry, cmd_reply_entry, cmd_replyrecv_entry,
    cmd_pass_entry, cmd_drop_entry, cmd_shm_entry, cmd_store_entry,
    cmd_load_entry, cmd_add_entry, cmd_wait_entry, cmd_wake_entry,
    cmd_bench_entry, cmd_program_entry, cmd_programs_entry, cmd_run_entry,
    cmd_step_entry, cmd_record_entry, cmd_replay_entry, cmd_prun_entry,
    cmd_pstop_entry, cmd_pcont_entry, cmd_msc_entry, cmd_explore_entry,
    cmd_kick_entry, cmd_seat_entry, cmd_students_entry;

const struct cmd_entry *const cmd_table[] = {
	&cmd_spawn_entry, &cmd_kill_entry, &cmd_reset_entry, &cmd_channel_entry,
	&cmd_close_entry, &cmd_send_entry, &cmd_recv_entry, &cmd_poll_entry,
	&cmd_call_entry, &cmd_reply_entry, &cmd_replyrecv_entry,
	&cmd_pass_entry, &cmd_drop_entry, &cmd_shm_entry, &cmd_store_entry,
	&cmd_load_entry, &cmd_add_entry, &cmd_wait_entry, &cmd_wake_entry,
	&cmd_bench_entry,
	&cmd_prun_entry, &cmd_pstop_entry, &cmd_pcont_entry,
	&cmd_program_entry, &cmd_programs_entry, &cmd_run_entry,
	&cmd_step_entry, &cmd_record_entry, &cmd_replay_entry,
	&cmd_explore_entry,
	&cmd_signal_entry, &cmd_mask_entry, &cmd_unmask_entry,
	&cmd_exit_entry, &cmd_ps_entry, &cmd_channels_entry, &cmd_chan_entry,
	&cmd_status_entry, &cmd_stats_entry, &cmd_deadlock_entry, &cmd_graph_entry,
	&cmd_msc_entry,
	&cmd_trace_entry, &cmd_tap_entry, &cmd_untap_entry,
	&cmd_filter_entry, &cmd_balance_entry, &cmd_sleep_entry,
	&cmd_repeat_entry, &cmd_expect_entry, &cmd_say_entry,
	&cmd_pause_entry, &cmd_predict_entry, &cmd_exercise_entry,
	&cmd_check_entry, &cmd_lesson_entry, &cmd_dashboard_entry,
	&cmd_help_entry, &cmd_kick_entry, &cmd_seat_entry,
	&cmd_students_entry,
	&cmd_quit_entry, NULL
};

const struct cmd_entry *
op_lookup(const char *name)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op &&
		    strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	return (NULL);
}

/* Words a process may not be called, so a line is never ambiguous. */
bool
cmd_is_reserved(const char *name)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcasecmp(cmd_table[i]->name, name) == 0)
			return (true);
	}
	return (false);
}

/* Exact name, then unique prefix.  *amb gets the candidates if ambiguous. */
const struct cmd_entry *
cmd_lookup(const char *name, char **amb)
{
	const struct cmd_entry	*found = NULL;
	size_t			 i, n = 0, len = strlen(name);
	char			*s = NULL, *t;

	*amb = NULL;
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!cmd_table[i]->proc_op &&
		    strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	if (len == 0)
		return (NULL);
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op || cmd_table[i]->whole ||
		    strncmp(cmd_table[i]->name, name, len) != 0)
			continue;
		found = cmd_table[i];
		n++;
		if (s == NULL)
			s = xstrdup(found->name);
		else {
			xasprintf(&t, "%s, %s", s, found->name);
			free(s);
			s = t;
		}
	}
	if (n == 1) {
		free(s);
		return (found);
	}
	*amb = s;
	return (NULL);
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t	la, lb, i, j, *row, prev, tmp, best;

	la = strlen(a);
	lb = strlen(b);
	if (la > 32 || lb > 32)
		return (99);
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return (best);
}

/*
 * The nearest process (procs) or channel name to word, or NULL if none is
 * close: for "did you mean" after a typo.
 */
const char *
name_suggest(struct ctx *ctx, const char *word, bool procs)
{
	static char		 best[NAME_LEN + 2];
	struct proc_info	 pi;
	struct chan_info	 ci;
	size_t			 i, d, bestd = 3;

	best[0] = '\0';
	for (i = 0; procs && engine_proc_info(ctx->e, i, &pi); i++) {
		if ((d = edit_distance(word, pi.name)) < bestd) {
			bestd = d;
			strlcpy(best, pi.name, sizeof(best));
		}
	}
	for (i = 0; !procs && engine_chan_info(ctx->e, i, &ci); i++) {
		/* Of the same kind: a channel for a channel, @B for @B. */
		if (ci.mailbox != (word[0] == '@')) {
			chan_info_free(&ci);
			continue;
		}
		if ((d = edit_distance(word, ci.name)) < bestd) {
			bestd = d;
			strlcpy(best, ci.name, sizeof(best));
		}
		chan_info_free(&ci);
	}
	return (best[0] != '\0' ? best : NULL);
}

/* The nearest of the words v to s, or NULL if none is close. */
const char *
word_suggest(const char *const *v, const char *s)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if ((d = edit_distance(s, v[i])) < bestd) {
			bestd = d;
			best = v[i];
		}
	}
	return (best);
}

/* The nearest command or operation word, or NULL if none is close. */
const char *
cmd_suggest(const char *word)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	for (i = 0; cmd_table[i] != NULL; i++) {
		d = edit_distance(word, cmd_table[i]->name);
		if (d < bestd) {
			bestd = d;
			best = cmd_table[i]->name;
		}
	}
	return (best);
}

/*
 * Report a failed command: "ipcplay: FILE:LINE: message" on stderr (the
 * interactive shell adds a caret under the offending word), and an
 * "error" event for --json.
 */
enum cmd_result
cmd_fail(struct ctx *ctx, const struct word *w, const char *fmt, ...)
{
	struct event	 ev;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	(void)xvasprintf(&msg, fmt, ap);
	va_end(ap);
	out_error(ctx, w != NULL ? w->col : 0, msg);
	free(ctx->last_error);
	ctx->last_error = xstrdup(msg);
	if (ctx->json) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_ERROR;
		ev.text = msg;
		ev.file = ctx->file;
		ev.line = ctx->line;
		engine_emit(ctx->e, &ev);
	}
	free(msg);
	return (CMD_FAIL);
}

int
parse_uint(struct ctx *ctx, const struct word *w, long long min,
    long long max, const char *what, long long *out)
{
	const char	*errstr;

	*out = strtonum(w->s, min, max, &errstr);
	if (errstr != NULL) {
		cmd_fail(ctx, w, "%s '%s' is %s (%lld to %lld)", what, w->s,
		    errstr, min, max);
		return (-1);
	}
	return (0);
}

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

/*
 * Check an operation as a program holds it, w[0] a stand-in process: its
 * words, options and numbers, with nothing run (ctx->dry) and no name
 * looked up (what it names may not exist yet).
 */
enum cmd_result
cmd_check_op(struct ctx *ctx, struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	struct args		 a;
	enum cmd_result		 r = CMD_FAIL;

	ce = op_lookup(w[1].s);
	if (cmd_parse(ctx, ce, w, n, 2, false, &a) == 0) {
		ctx->dry = true;
		r = ce->exec(ctx, &a);
		ctx->dry = false;
	}
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
	char			*amb;
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
		if (n == 1)
			return (cmd_fail(ctx, &w[0], "what should %s do? "
			    "(send, recv, poll, call, reply, reply-recv, signal, mask, "
			    "unmask, exit)",
			    w[0].s));
		sugg = cmd_suggest(w[1].s);
		if (sugg != NULL && op_lookup(sugg) != NULL)
			return (cmd_fail(ctx, &w[1], "unknown operation '%s'; "
			    "did you mean '%s'?", w[1].s, sugg));
		return (cmd_fail(ctx, &w[1], "unknown operation '%s' (send, "
		    "recv, poll, call, reply, reply-recv, signal, mask, unmask, "
		    "exit)", w[1].s));
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

/* A failure that nothing absorbed: it counts. */
void
cmd_failure(struct ctx *ctx, enum cmd_result r)
{
	(void)r;
	ctx->status = 1;
	if (ctx->bail)
		ctx->stop = true;
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
