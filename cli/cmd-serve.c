/*
 * The teacher's classroom commands (ipcplay serve): kick, seat,
 * students.  Outside a classroom each says how to start one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "serve.h"

static enum cmd_result
not_serving(struct ctx *ctx, struct word *w)
{
	return (cmd_fail(ctx, &w[0], "%s: no classroom is served here "
	    "(start one with: ipcplay serve)", w[0].s));
}

static enum cmd_result
cmd_kick_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	struct seat	*st;

	if (ctx->serve == NULL)
		return (not_serving(ctx, w));
	if ((st = seat_find(ctx->serve, w[1].s)) == NULL)
		return (cmd_fail(ctx, &w[1], "kick: no student holds %s",
		    w[1].s));
	seat_drop(ctx->serve, st, "the teacher took your seat; your process "
	    "stays as it is");
	free(st->gone);
	xasprintf(&st->gone, "kicked by the teacher");
	return (CMD_OK);
}

const struct cmd_entry cmd_kick_entry = {
	.name = "kick",
	.help = "Classroom (ipcplay serve): drop the student who holds PROC. "
	    "The process stays as it is; the seat is free to take again.",
	.example = "kick alice",
	.min_args = 1, .max_args = 1,
	.args = { A_PROC },
	.whole = true,
	.exec = cmd_kick_exec,
};

static enum cmd_result
cmd_seat_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct proc_info pi;
	char		*cause;
	size_t		 i;

	if (ctx->serve == NULL)
		return (not_serving(ctx, w));
	if (!proc_names_ok(ctx, w, n))
		return (CMD_FAIL);
	for (i = 1; i < n; i++) {
		if (engine_proc_find(ctx->e, w[i].s, &pi) &&
		    pi.state != PS_EXITED) {
			out_printf(ctx, "%s is there, ready for a student\n",
			    w[i].s);
			continue;
		}
		if (engine_spawn(ctx->e, w[i].s, &cause) == -1) {
			cmd_fail(ctx, &w[i], "seat: %s", cause);
			free(cause);
			return (CMD_FAIL);
		}
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_seat_entry = {
	.name = "seat",
	.help = "Classroom (ipcplay serve): spawn each NAME, ready for a "
	    "student to take with ipcplay attach ... --as NAME.",
	.example = "seat A B C",
	.min_args = 1, .max_args = -1,
	.args = { A_NAME }, .rest = true,
	.whole = true,
	.exec = cmd_seat_exec,
};

static enum cmd_result
cmd_students_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	struct seat	*st;
	struct proc_info pi;
	uint64_t	 now = now_ms();
	size_t		 k = 0;

	if (ctx->serve == NULL)
		return (not_serving(ctx, w));
	TAILQ_FOREACH(st, &ctx->serve->seats, entry) {
		if (!st->joined || st->gone != NULL)
			continue;
		if (k++ == 0)
			out_printf(ctx, "%-16s %-8s %8s %8s  %s\n", "STUDENT",
			    "STATE", "COMMANDS", "IDLE", "FROM");
		out_printf(ctx, "%-16s %-8s %8lu %7llus  %s\n", st->name,
		    engine_proc_find(ctx->e, st->name, &pi) ?
		    proc_state_name(pi.state) : "gone", st->ncmds,
		    (unsigned long long)((now - st->last_ms) / 1000), st->peer);
	}
	if (k == 0)
		out_printf(ctx, "no student has joined yet; %s\n",
		    ctx->serve->headline);
	return (CMD_OK);
}

const struct cmd_entry cmd_students_entry = {
	.name = "students",
	.help = "Classroom (ipcplay serve): who has joined, as which process, "
	    "how many commands each has run, and from where.",
	.example = "students",
	.min_args = 0, .max_args = 0,
	.whole = true,
	.exec = cmd_students_exec,
};
