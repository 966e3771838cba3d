/*
 * A process that runs a program: where it is, its next operation through
 * the program's loops and repeats, and that operation run as a typed
 * command is (cmd_run, then the engine), so that the transcript, --json,
 * expect, the dashboard and deadlock detection see a program's
 * operations exactly as they see typed ones.  P run, P stop, P continue,
 * and programs, which lists them and where each runner is.  The
 * scheduling -- who goes when -- is run.c's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcplay.h"
#include "prog.h"

struct runner *
runner_find(struct play *pl, const char *name)
{
	size_t	i;

	for (i = 0; pl != NULL && i < pl->nrun; i++) {
		if (strcmp(pl->run[i].name, name) == 0)
			return (&pl->run[i]);
	}
	return (NULL);
}

/* The requests a runner made of its program's lines, once each. */
void
rk_cache_free(struct runner *ru)
{
	size_t	i;

	for (i = 0; ru->kb_cache != NULL && i < ru->kb_prog->n; i++) {
		if (ru->kb_cache[i] != RK_NONE && ru->kb_cache[i] != RK_EACH)
			free(ru->kb_cache[i]);
	}
	free(ru->kb_cache);
	ru->kb_cache = NULL;
	ru->kb_prog = NULL;
}

static void
runner_clear(struct runner *ru)
{
	rk_cache_free(ru);
	free(ru->kb_pos);
	prog_release(ru->prog);
	free(ru->ready);
	free(ru->error);
	memset(ru, 0, sizeof(*ru));
}

void
run_reset(struct ctx *ctx)
{
	struct play	*pl = ctx->play;
	size_t		 i;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->nrun; i++)
		runner_clear(&pl->run[i]);
	free(pl->run);
	pl->run = NULL;
	pl->nrun = 0;
	strv_free(pl->sched, pl->nsched);
	pl->sched = NULL;
	pl->nsched = 0;
	pl->seeded = false;
	burst_free(pl->burst);
	pl->burst = NULL;
}

/* What a run needs to know as it happens: $ready, failures, deadlocks. */
static void
run_observe(const struct event *ev, void *arg)
{
	struct ctx	*ctx = arg;
	struct play	*pl = ctx->play;
	struct runner	*ru;
	const char	*who;

	if (pl == NULL)
		return;
	if (ev->type == EV_DEADLOCK && pl->running)
		pl->deadlocked = true;
	if (ev->type == EV_EXPECT && ev->status == ST_ERROR)
		pl->expect_failed = true;
	/* $ready: the first channel of the last poll, or none. */
	if (ev->proc != NULL && (ev->type == EV_POLL || (ev->type ==
	    EV_UNBLOCK && ev->op == OP_POLL)) && ev->status != ST_BLOCKED &&
	    (ru = runner_find(pl, ev->proc)) != NULL) {
		free(ru->ready);
		ru->ready = ev->status == ST_OK && ev->nready > 0 ?
		    xstrdup(ev->ready[0]) : NULL;
	}
	if ((who = event_failer(ev, true)) == NULL ||
	    (ru = runner_find(pl, who)) == NULL || !ru->inflight ||
	    ru->error != NULL)
		return;
	ru->error = xstrdup(ev->error != NULL ? ev->error : "failed");
}

struct play *
play_observed(struct ctx *ctx)
{
	struct play	*pl = play_get(ctx);

	if (pl->observed != ctx->e) {
		engine_observe(ctx->e, run_observe, ctx);
		pl->observed = ctx->e;
	}
	return (pl);
}

/* Is ru's process still the one that was given the program? */
bool
runner_live(struct ctx *ctx, struct runner *ru, struct proc_info *pi)
{
	if (ru->ended)
		return (false);
	if (!engine_proc_peek(ctx->e, ru->name, pi) || pi->pid != ru->pid ||
	    pi->state == PS_EXITED) {
		ru->ended = true;
		ru->inflight = false;
		return (false);
	}
	return (true);
}

static void
runner_end(struct ctx *ctx, struct runner *ru, const char *why)
{
	ru->ended = true;
	burst_flush(ctx);
	out_line(ctx, "%s: program %s ended%s%s", ru->name,
	    ru->prog->name, why != NULL ? ": " : "", why != NULL ? why : "");
}

/*
 * ru's operation in flight is done: take its outcome.  A recv that met
 * the end of its channel ends the program, as a shell's "while read"
 * ends at end of file; a send with nobody left to read ends it as
 * SIGPIPE ends a writer in a pipeline.
 */
static void
runner_done(struct ctx *ctx, struct runner *ru, const struct proc_info *pi)
{
	(void)pi;
	ru->inflight = false;
	if (error_peer_gone(ru->error, true)) {
		char *why = ru->error;

		ru->error = NULL;
		runner_end(ctx, ru, why);
		free(why);
	} else if (ru->error != NULL)
		ru->failed = true;	/* the scheduler stops on it */
}

/* Run instruction in for ru: an operation, a sleep, an expect. */
static enum step_r
ins_exec(struct ctx *ctx, struct runner *ru, const struct ins *in,
    long long turn, bool free_run)
{
	struct proc_info pi;
	struct word	*w;
	const char	*file = ctx->file, *linebuf = ctx->linebuf;
	int		 line = ctx->line;
	size_t		 i, n, off;
	enum cmd_result	 r;
	long long	 ms;
	bool		 gone = false, noready = false;
	struct prog_vals vals;
	unsigned	 used;
	const struct word *bad = NULL;
	enum ins_kind	 kind = in->kind;

	if (!engine_proc_peek(ctx->e, ru->name, &pi))
		return (SR_FAIL);
	off = in->kind == INS_OP ? 1 : 0;
	n = in->n + off;
	w = xcalloc(n + 1, sizeof(*w));
	if (off) {
		w[0].s = xstrdup(ru->name);
		w[0].len = strlen(ru->name);
	}
	vals.turn = turn;
	vals.msg = pi.has_last ? pi.last : NULL;
	vals.msglen = pi.has_last ? pi.last_len : 0;
	vals.ready = ru->ready;
	for (i = 0; i < in->n; i++) {
		w[i + off] = prog_expand(&in->w[i], &vals, &used);
		if (ru->ready == NULL && (used & PV_READY) && !noready) {
			noready = true;
			bad = &in->w[i];
		}
	}
	/* Errors name the program's line, where the words were written. */
	ctx->file = ru->prog->file;
	ctx->line = in->fline;
	ctx->linebuf = in->src;
	free(ru->error);
	ru->error = NULL;
	ru->failed = false;
	if (noready) {
		cmd_fail(ctx, bad, "$ready is empty: no poll of %s's has found "
		    "a channel ready yet", ru->name);
		in = NULL;
	}
	switch (in != NULL ? in->kind : INS_LOOP) {
	case INS_LOOP:
	case INS_END:
		r = CMD_FAIL;
		break;
	case INS_SLEEP:
		r = parse_uint(ctx, &w[1], 0, 600000, "sleep time", &ms) ==
		    -1 ? CMD_FAIL : CMD_OK;
		if (r == CMD_OK && free_run)
			ru->wake_ms = now_ms() + (uint64_t)ms;
		break;
	case INS_EXPECT:
		/* A failed expect counts itself; here it stops the run. */
		ctx->play->expect_failed = false;
		r = cmd_run(ctx, w, n);
		if (ctx->play->expect_failed)
			r = CMD_FAIL;
		break;
	default:
		(void)engine_proc_where(ctx->e, ru->name, ru->prog->name,
		    (int)ru->cur + 1);
		ctx->nosettle = free_run;
		ctx->in_program = true;
		ru->inflight = true;
		r = cmd_run(ctx, w, n);
		ctx->nosettle = false;
		ctx->in_program = false;
		if (r != CMD_OK) {
			ru->inflight = false;
			/*
			 * Killed meanwhile (a free run races with that), its
			 * exit perhaps not told yet.
			 */
			if (!engine_proc_peek(ctx->e, ru->name, &pi) ||
			    pi.state == PS_EXITED || pi.dying ||
			    pi.pid != ru->pid) {
				runner_end(ctx, ru, "its process has exited");
				r = CMD_OK;
				gone = true;
			}
		}
		else if (!free_run && engine_proc_peek(ctx->e, ru->name, &pi) &&
		    pi.state != PS_BLOCKED && pi.state != PS_BUSY)
			runner_done(ctx, ru, &pi);
		break;
	}
	ctx->file = file;
	ctx->line = line;
	ctx->linebuf = linebuf;
	for (i = 0; i < n; i++)
		free(w[i].s);
	free(w);
	if (r != CMD_OK) {
		free(ru->error);
		ru->error = xstrdup(kind == INS_EXPECT ? "expect failed" :
		    ctx->last_error != NULL ? ctx->last_error : "failed");
		return (SR_FAIL);
	}
	if (gone)
		return (SR_ENDED);
	return (kind == INS_SLEEP ? SR_SLEEP : SR_OP);
}

/*
 * Move ru through loops and repeats to its next operation and past it
 * (ru->cur, ru->cur_turn say which): that instruction, or NULL at the
 * program's end (*spins false) or in a loop around nothing (true).
 */
const struct ins *
runner_advance(struct runner *ru, bool *spins)
{
	struct program	*p = ru->prog;
	struct ins	*in;
	size_t		 guard;
	long long	 turn;

	*spins = false;
	for (guard = 0; ; guard++) {
		if (ru->pc >= p->n)
			return (NULL);
		if (guard > 2 * p->n + 2) {
			/* loop ... end around nothing but "repeat 0". */
			*spins = true;
			return (NULL);
		}
		in = &p->v[ru->pc];
		if (in->kind == INS_LOOP) {
			ru->pc++;
			continue;
		}
		if (in->kind == INS_END) {
			ru->pc = in->match + 1;
			continue;
		}
		ru->cur = ru->pc;
		if (in->repeat >= 0) {
			if (ru->turn >= in->repeat) {
				ru->turn = 0;
				ru->pc++;
				continue;
			}
			turn = ++ru->turn;
		} else {
			turn = 0;
			ru->pc++;
		}
		ru->cur_turn = turn;
		return (in);
	}
}

/* ru's next operation: through loops and repeats to it, then run it. */
enum step_r
runner_step(struct ctx *ctx, struct runner *ru, bool free_run)
{
	const struct ins	*in;
	bool			 spins;

	if ((in = runner_advance(ru, &spins)) == NULL) {
		if (spins) {
			free(ru->error);
			xasprintf(&ru->error, "program %s goes round its loop "
			    "doing nothing (repeat 0)", ru->prog->name);
			return (SR_FAIL);
		}
		runner_end(ctx, ru, NULL);
		return (SR_ENDED);
	}
	return (ins_exec(ctx, ru, in, ru->cur_turn, free_run));
}

/* The instruction ru runs next (for a schedule), or NULL at its end. */
const struct ins *
runner_next(const struct runner *ru, size_t *at)
{
	struct runner		 peek = *ru;	/* moved, ru is not */
	const struct ins	*in;
	bool			 spins;

	if ((in = runner_advance(&peek, &spins)) != NULL)
		*at = peek.cur;
	else
		*at = spins ? SIZE_MAX : peek.pc;	/* spins, or its end */
	return (in);
}

/*
 * Where ru is, for programs --json: "next" (at *line), "under way" (its
 * operation at *line), "typed" (inside a typed operation), "asleep" (then
 * *line), "at end" or "ended".
 */
const char *
runner_state(struct ctx *ctx, struct runner *ru, size_t *line)
{
	size_t	at;
	bool	blocked;

	*line = 0;
	(void)runner_ready(ctx, ru, &blocked);
	if (ru->ended)
		return ("ended");
	if (ru->inflight) {
		*line = ru->cur + 1;
		return ("under way");
	}
	if (blocked)
		return ("typed");
	if (runner_next(ru, &at) == NULL)
		return ("at end");
	*line = at + 1;
	return (ru->wake_ms > now_ms() ? "asleep" : "next");
}

/* Where ru is, for programs. */
void
runner_show(struct ctx *ctx, struct runner *ru)
{
	const struct ins	*in;
	const char		*old;
	size_t			 at;
	bool			 blocked;
	uint64_t		 now = now_ms();

	(void)runner_ready(ctx, ru, &blocked);
	/* Its program was defined again since: the lines are the old ones. */
	old = prog_find(ctx->play, ru->prog->name) != ru->prog ?
	    " (its definition before the last)" : "";
	if (ru->ended) {
		out_line(ctx, "%s: %s%s has ended", ru->name, ru->prog->name,
		    old);
		return;
	}
	if (!ru->inflight && blocked) {
		out_line(ctx, "%s: %s%s waits for its typed operation to be "
		    "done%s", ru->name, ru->prog->name, old, ru->stopped ?
		    "; stopped" : "");
		return;
	}
	if (ru->inflight) {
		out_line(ctx, "%s: %s%s line %zu (%s), under way%s", ru->name,
		    ru->prog->name, old, ru->cur + 1,
		    ru->prog->v[ru->cur].text, ru->stopped ?
		    "; stopped after it" : "");
		return;
	}
	if ((in = runner_next(ru, &at)) == NULL) {
		out_line(ctx, "%s: %s%s is at its end", ru->name,
		    ru->prog->name, old);
		return;
	}
	if (ru->wake_ms > now)
		out_line(ctx, "%s: %s%s asleep for %llu ms more, then line "
		    "%zu (%s)%s", ru->name, ru->prog->name, old,
		    (unsigned long long)(ru->wake_ms - now), at + 1, in->text,
		    ru->stopped ? "; stopped" : "");
	else
		out_line(ctx, "%s: %s%s line %zu (%s) next%s", ru->name,
		    ru->prog->name, old, at + 1, in->text, ru->stopped ?
		    "; stopped" : "");
}

/*
 * Can ru go now?  Takes the outcome of an operation that has finished
 * meanwhile.  *blocked: it waits in an operation.
 */
bool
runner_ready(struct ctx *ctx, struct runner *ru, bool *blocked)
{
	struct proc_info	pi;
	size_t			at;

	*blocked = false;
	if (!runner_live(ctx, ru, &pi))
		return (false);
	if (ru->inflight) {
		if (pi.state != PS_IDLE) {
			*blocked = true;
			return (false);
		}
		runner_done(ctx, ru, &pi);
		if (ru->ended)
			return (false);
	} else if (pi.state != PS_IDLE) {
		/* Inside a typed operation: it goes on when that is done. */
		*blocked = true;
		return (false);
	}
	/* Said as soon as it is so, not when the scheduler looks. */
	if (runner_next(ru, &at) == NULL) {
		runner_end(ctx, ru, at == SIZE_MAX ? "its loop does nothing "
		    "(repeat 0 only)" : NULL);
		return (false);
	}
	return (!ru->stopped);
}

/* Every runner looked at: a program that has ended says so. */
void
runner_sweep(struct ctx *ctx)
{
	size_t	k;
	bool	blocked;

	for (k = 0; ctx->play != NULL && k < ctx->play->nrun; k++)
		(void)runner_ready(ctx, &ctx->play->run[k], &blocked);
}

/* P run NAME: P gets the program, which starts with run or step. */
static enum cmd_result
cmd_prun_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	struct play		*pl = play_observed(ctx);
	struct program		*p;
	struct runner		*ru;
	struct proc_info	 pi;

	if ((p = prog_find(pl, w[2].s)) == NULL)
		return (cmd_fail(ctx, &w[2], "no program %s (programs lists "
		    "them)", w[2].s));
	if (!engine_proc_peek(ctx->e, w[0].s, &pi) || pi.state == PS_EXITED)
		return (cmd_fail(ctx, &w[0], "%s has exited", w[0].s));
	if ((ru = runner_find(pl, w[0].s)) != NULL) {
		if (ru->inflight && pi.pid == ru->pid && pi.state != PS_IDLE)
			return (cmd_fail(ctx, &w[0], "%s is inside an "
			    "operation of %s: its program can change once it "
			    "is done", w[0].s, ru->prog->name));
		runner_clear(ru);
	} else {
		pl->run = xreallocarray(pl->run, pl->nrun + 1,
		    sizeof(*pl->run));
		ru = &pl->run[pl->nrun++];
		memset(ru, 0, sizeof(*ru));
	}
	strlcpy(ru->name, w[0].s, sizeof(ru->name));
	ru->pid = pi.pid;
	ru->prog = p;
	p->refs++;
	return (CMD_OK);
}

const struct cmd_entry cmd_prun_entry = {
	.name = "run",
	.help = "PROC gets PROGRAM (defined with program NAME ... end); "
	    "nothing of it runs until run or step.  Again: it starts over "
	    "with the new one.",
	.example = "A run ping",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_PROGRAM },
	.exec = cmd_prun_exec,
};

static enum cmd_result
cmd_pstop_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	struct runner	*ru;
	bool		 stop = strcmp(w[1].s, "stop") == 0;

	if ((ru = runner_find(ctx->play, w[0].s)) == NULL)
		return (cmd_fail(ctx, &w[0], "%s runs no program", w[0].s));
	ru->stopped = stop;
	return (CMD_OK);
}

const struct cmd_entry cmd_pstop_entry = {
	.name = "stop",
	.help = "Pause PROC's program before its next operation (one under "
	    "way finishes); PROC continue resumes it.",
	.example = "A stop",
	.min_args = 0, .max_args = 0, .proc_op = true,
	.exec = cmd_pstop_exec,
};

const struct cmd_entry cmd_pcont_entry = {
	.name = "continue",
	.help = "Resume PROC's program after PROC stop.",
	.example = "A continue",
	.min_args = 0, .max_args = 0, .proc_op = true,
	.exec = cmd_pstop_exec,
};

/* The programs, their runners and the schedule kept, all freed. */
void
play_free(struct ctx *ctx)
{
	struct play	*pl = ctx->play;

	if (pl == NULL)
		return;
	run_reset(ctx);
	strv_free(pl->saved, pl->nsaved);
	prog_table_free(pl);
	free(pl);
	ctx->play = NULL;
}

/*
 * programs --json: {"type":"programs","seq":N,"programs":[{"name",
 * "file","line","lines":[...]}],"runners":[{"proc","program","state",
 * "line","stopped"}]}.
 */
static void
programs_json(struct ctx *ctx, struct play *pl)
{
	struct sb	 b;
	struct program	*p;
	struct runner	*ru;
	const char	*st;
	size_t		 i, j, line;
	char		*q;

	sb_init(&b);
	sb_printf(&b, "{\"type\":\"programs\",\"seq\":%llu,\"programs\":[",
	    (unsigned long long)engine_next_seq(ctx->e));
	for (i = 0; pl != NULL && i < pl->nprogs; i++) {
		p = pl->progs[i];
		q = json_str((const unsigned char *)p->file, strlen(p->file));
		sb_printf(&b, "%s{\"name\":\"%s\",\"file\":%s,\"line\":%d,"
		    "\"lines\":[", i > 0 ? "," : "", p->name, q, p->line);
		free(q);
		for (j = 0; j < p->n; j++) {
			q = json_str((const unsigned char *)p->v[j].text,
			    strlen(p->v[j].text));
			sb_printf(&b, "%s%s", j > 0 ? "," : "", q);
			free(q);
		}
		sb_puts(&b, "]}");
	}
	sb_puts(&b, "],\"runners\":[");
	for (i = 0; pl != NULL && i < pl->nrun; i++) {
		ru = &pl->run[i];
		st = runner_state(ctx, ru, &line);
		sb_printf(&b, "%s{\"proc\":\"%s\",\"program\":\"%s\","
		    "\"state\":\"%s\"", i > 0 ? "," : "", ru->name,
		    ru->prog->name, st);
		if (line > 0)
			sb_printf(&b, ",\"line\":%zu", line);
		sb_printf(&b, ",\"stopped\":%s}", ru->stopped ? "true" :
		    "false");
	}
	sb_puts(&b, "]}");
	out_raw(ctx, "%s\n", b.s);
	sb_free(&b);
}

/* programs: each definition, numbered as reports name its lines. */
static enum cmd_result
cmd_programs_exec(struct ctx *ctx, struct args *a)
{
	struct play	*pl = ctx->play;
	struct program	*p;
	size_t		 i, j, k, depth;
	struct sb	 who;

	(void)a;
	if (ctx->json) {
		programs_json(ctx, pl);
		return (CMD_OK);
	}
	if (pl == NULL || pl->nprogs == 0) {
		out_printf(ctx, "no programs (program NAME, its lines, end)\n");
		return (CMD_OK);
	}
	for (i = 0; i < pl->nprogs; i++) {
		p = pl->progs[i];
		sb_init(&who);
		for (k = 0; k < pl->nrun; k++) {
			if (pl->run[k].prog == p)
				sb_printf(&who, "%s%s", who.len > 0 ? ", " :
				    "", pl->run[k].name);
		}
		out_printf(ctx, "program %s (%s:%d)%s%s\n", p->name, p->file,
		    p->line, who.len > 0 ? ", run by " : "",
		    who.len > 0 ? who.s : "");
		sb_free(&who);
		for (j = 0, depth = 0; j < p->n; j++) {
			if (p->v[j].kind == INS_END)
				depth--;
			out_printf(ctx, "  %3zu  %*s%s\n", j + 1, (int)depth * 2,
			    "", p->v[j].text);
			if (p->v[j].kind == INS_LOOP)
				depth++;
		}
	}
	for (k = 0; k < pl->nrun; k++)
		runner_show(ctx, &pl->run[k]);
	return (CMD_OK);
}

const struct cmd_entry cmd_programs_entry = {
	.name = "programs",
	.help = "List the programs defined, their lines numbered as "
	    "deadlock reports name them, and where each process that runs "
	    "one is.",
	.example = "programs",
	.min_args = 0, .max_args = 0,
	.exec = cmd_programs_exec,
};
