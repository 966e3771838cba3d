/*
 * Scheduling programs: run, step, record, replay (SPEC section 10).  What
 * one process does with its program is runner.c's.
 *
 * Free run: every process that runs a program gets its next operation as
 * soon as its last one is done, without waiting for the others; the
 * agents perform them concurrently, on whatever CPUs the machine gives
 * them, and the broker serves their requests in the order they arrive.
 * The interleaving is the machine's.
 *
 * Seeded (run --random SEED, step): one operation at a time, and the
 * next process is chosen among those that can go by a generator seeded
 * with SEED; each operation settles before the next, so the same script
 * and seed give the same run.  The steps are kept for record and replay.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcplay.h"
#include "prog.h"

/* A free run looks at its batches' results at least this often. */
#define RUN_TICK_MS	5

/*
 * Nobody can go, but a --timeout is pending: let real time pass towards
 * it (a tenth of a second at most, so Ctrl-C is seen).  False when no
 * timeout is pending or Ctrl-C came: waiting would be for ever.
 */
static bool
wait_timeout(struct ctx *ctx)
{
	int	t;

	if (ui_stopping() || (t = engine_poll_timeout(ctx->e)) < 0)
		return (false);
	(void)engine_pump(ctx->e, t > 100 ? 100 : t);
	return (true);
}

/*
 * Can ru go now, or once a pending timeout has fired?  A replay and a
 * step wait for one, as run --random does.
 */
static bool
ready_or_timeout(struct ctx *ctx, struct runner *ru, bool *blocked)
{
	while (!runner_ready(ctx, ru, blocked)) {
		if (!*blocked || !wait_timeout(ctx))
			return (false);
	}
	return (true);
}

/* Why a run stopped, for its last line. */
struct run_end {
	uint64_t	 steps;
	char		*why;
	bool		 failed;
};

static void
end_why(struct run_end *re, bool failed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
end_why(struct run_end *re, bool failed, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)xvasprintf(&re->why, fmt, ap);
	va_end(ap);
	re->failed = failed;
}

/* A runner's operation failed: name it, by its program and line. */
static void
end_failed(struct run_end *re, const struct runner *ru)
{
	end_why(re, true, "%s (%s line %zu, %s:%d) failed: %s", ru->name,
	    ru->prog->name, ru->cur + 1, ru->prog->file,
	    ru->prog->v[ru->cur].fline, ru->error);
}

/*
 * A runner whose operation failed after it had waited (a channel closed
 * under it): the run stops on it, as on one that failed at once.
 */
static bool
take_failed(struct play *pl, struct run_end *re)
{
	size_t	k;

	for (k = 0; k < pl->nrun; k++) {
		if (pl->run[k].failed) {
			pl->run[k].failed = false;
			end_failed(re, &pl->run[k]);
			return (true);
		}
	}
	return (false);
}

/* Nobody can go: the deadlock, every program ended, or stuck. */
static void
end_idle(struct ctx *ctx, struct play *pl, struct run_end *re)
{
	struct sb	 b, sb;
	size_t		 k;
	char		*stop;
	const char	*first = "";

	struct deadlock	*dl;
	size_t		 ndl;

	/* Formed now, or before this run began. */
	ndl = engine_deadlocks(ctx->e, &dl);
	deadlocks_free(dl, ndl);
	if (pl->deadlocked || ndl > 0) {
		end_why(re, false, "deadlock");
		return;
	}
	sb_init(&b);
	for (k = 0; k < pl->nrun; k++) {
		struct runner		*ru = &pl->run[k];
		struct proc_info	 pi;

		if (ru->ended)
			continue;
		if (ru->inflight)
			sb_printf(&b, "%s%s (%s line %zu)", b.len > 0 ? ", " :
			    "", ru->name, ru->prog->name, ru->cur + 1);
		else if (engine_proc_peek(ctx->e, ru->name, &pi) &&
		    pi.state != PS_IDLE && pi.state != PS_EXITED)
			sb_printf(&b, "%s%s (in a typed operation)", b.len > 0 ?
			    ", " : "", ru->name);
	}
	sb_init(&sb);
	for (k = 0; k < pl->nrun; k++) {
		if (!pl->run[k].ended && !pl->run[k].inflight &&
		    pl->run[k].stopped) {
			if (sb.len == 0)
				first = pl->run[k].name;
			sb_printf(&sb, "%s%s", sb.len > 0 ? ", " : "",
			    pl->run[k].name);
		}
	}
	stop = sb.len > 0 ? sb_take(&sb) : NULL;
	sb_free(&sb);
	if (b.len > 0)
		end_why(re, false, "nothing can go: %s wait%s%s%s%s%s%s", b.s,
		    strchr(b.s, ',') != NULL ? "" : "s", stop != NULL ?
		    "; stopped: " : ", and only a typed command could help",
		    stop != NULL ? stop : "", stop != NULL ? " (" : "",
		    stop != NULL ? first : "", stop != NULL ? " continue)" :
		    "");
	else if (stop != NULL)
		end_why(re, false, "nothing can go: stopped: %s (%s continue)",
		    stop, first);
	else
		end_why(re, false, "every program has ended");
	free(stop);
	sb_free(&b);
	(void)ctx;
}

static void
sched_add(struct play *pl, const struct runner *ru, const struct ins *in)
{
	char	*s;

	xasprintf(&s, "%s %s:%zu %s", ru->name, ru->prog->name, ru->cur + 1,
	    in->text);
	pl->sched = xreallocarray(pl->sched, pl->nsched + 1,
	    sizeof(*pl->sched));
	pl->sched[pl->nsched++] = s;
}

/*
 * One seeded step of ru: its next operation, settled.  Returns -1 when
 * the run must stop (re says why).
 */
static int
seeded_step(struct ctx *ctx, struct play *pl, struct runner *ru,
    struct run_end *re)
{
	const struct ins	*in;
	size_t			 at;
	enum step_r		 r;

	/* A seeded step takes no time: a sleep cut short is over. */
	ru->wake_ms = 0;
	if ((in = runner_next(ru, &at)) != NULL) {
		ru->cur = at;
		sched_add(pl, ru, in);
	}
	r = runner_step(ctx, ru, false);
	if (r == SR_FAIL) {
		end_failed(re, ru);
		return (-1);
	}
	if (r != SR_ENDED)
		re->steps++;
	if (pl->deadlocked) {
		end_why(re, false, "deadlock");
		return (-1);
	}
	return (0);
}

/* The runners that can go now, in the order they were given programs. */
static size_t
runnable(struct ctx *ctx, struct play *pl, size_t *v, size_t *nblocked)
{
	size_t	k, n = 0;
	bool	blocked;

	*nblocked = 0;
	for (k = 0; k < pl->nrun; k++) {
		if (runner_ready(ctx, &pl->run[k], &blocked))
			v[n++] = k;
		else if (blocked)
			(*nblocked)++;
	}
	return (n);
}

static void
run_seeded(struct ctx *ctx, struct play *pl, long long for_ms,
    long long max_steps, struct run_end *re)
{
	uint64_t	 end = for_ms >= 0 ? now_ms() + (uint64_t)for_ms : 0;
	size_t		*v, n, nblocked;

	v = xcalloc(pl->nrun + 1, sizeof(*v));
	for (;;) {
		if (ui_stopping()) {
			end_why(re, false, "interrupted");
			break;
		}
		if (max_steps >= 0 && re->steps >= (uint64_t)max_steps) {
			end_why(re, false, "%lld step%s done", max_steps,
			    max_steps == 1 ? "" : "s");
			break;
		}
		if (end != 0 && now_ms() >= end) {
			end_why(re, false, "%lld ms passed", for_ms);
			break;
		}
		n = runnable(ctx, pl, v, &nblocked);
		if (take_failed(pl, re))
			break;
		if (n == 0) {
			/* A timeout may still free someone: wait for it. */
			if (nblocked > 0 && !pl->deadlocked &&
			    (ui_stopping() || wait_timeout(ctx)))
				continue;	/* the top says "interrupted" */
			end_idle(ctx, pl, re);
			break;
		}
		if (seeded_step(ctx, pl, &pl->run[v[splitmix64(&pl->rng) % n]],
		    re) == -1)
			break;
	}
	free(v);
}

static void
run_free(struct ctx *ctx, struct play *pl, long long for_ms,
    long long max_steps, struct run_end *re)
{
	struct runner	*ru;
	uint64_t	 t0 = now_ms(), now, end, wake, flushed = t0, was;
	size_t		 k, busy, batches;
	bool		 moved, blocked, waiting, ready;
	int		 t;
	enum step_r	 r;

	end = for_ms >= 0 ? t0 + (uint64_t)for_ms : 0;
	/* Every step is taken from one count, the agents' and ours. */
	engine_kbatch_limit(ctx->e, max_steps);
	for (;;) {
		moved = false;
		busy = 0;
		batches = 0;
		waiting = false;
		wake = 0;
		now = now_ms();
		for (k = 0; k < pl->nrun; k++) {
			ru = &pl->run[k];
			if (ru->kb) {
				was = re->steps;
				if (!rk_poll(ctx, ru, &re->steps, &blocked)) {
					busy++;
					if (blocked)
						waiting = true;
					else
						batches++;
					if (ru->stopped)
						rk_stop(ctx, ru);
					continue;
				}
				if (re->steps != was)
					batches++;
			}
			ready = runner_ready(ctx, ru, &blocked);
			if (take_failed(pl, re))
				goto out;
			if (!ready) {
				if (blocked) {
					busy++;
					waiting = true;
				}
				continue;
			}
			if (ru->wake_ms != 0 && now < ru->wake_ms) {
				busy++;
				if (wake == 0 || ru->wake_ms < wake)
					wake = ru->wake_ms;
				continue;
			}
			ru->wake_ms = 0;
			if (engine_kbatch_left(ctx->e) == 0)
				goto steps_done;
			if (rk_start(ctx, ru)) {
				busy++;
				batches++;
				continue;
			}
			if (!engine_kbatch_take(ctx->e))
				goto steps_done;
			r = runner_step(ctx, ru, true);
			if (r == SR_FAIL) {
				end_failed(re, ru);
				goto out;
			}
			if (r == SR_ENDED)	/* no operation: no step */
				engine_kbatch_untake(ctx->e);
			if (r != SR_ENDED) {
				re->steps++;
				busy++;
				moved = true;
			}
		}
		if (pl->deadlocked) {
			end_why(re, false, "deadlock");
			break;
		}
		if (ui_stopping()) {
			end_why(re, false, "interrupted");
			break;
		}
		now = now_ms();
		if (end != 0 && now >= end) {
			end_why(re, false, "%lld ms passed", for_ms);
			break;
		}
		/* Every step has been taken, by the agents or by us. */
		if (engine_kbatch_left(ctx->e) == 0)
			goto steps_done;
		if (busy == 0) {
			end_idle(ctx, pl, re);
			break;
		}
		/* Everyone left waits, and nothing will ever wake them. */
		if (!moved && batches == 0 && wake == 0 && waiting &&
		    engine_quiet(ctx->e) &&
		    engine_poll_timeout(ctx->e) == -1 && !pl->deadlocked) {
			engine_settle(ctx->e);
			if (!pl->deadlocked) {
				end_idle(ctx, pl, re);
				break;
			}
			continue;
		}
		if (now - flushed >= 1000) {
			burst_flush(ctx);
			flushed = now;
		}
		/* now was read after wake: either may be past. */
		t = moved ? 0 : batches > 0 ? RUN_TICK_MS : 100;
		if (wake != 0)
			t = wake <= now ? 0 : wake - now < (uint64_t)t ?
			    (int)(wake - now) : t;
		if (end != 0)
			t = end <= now ? 0 : end - now < (uint64_t)t ?
			    (int)(end - now) : t;
		(void)engine_pump(ctx->e, t);
	}
	goto out;
steps_done:
	end_why(re, false, "%lld step%s done", max_steps, max_steps == 1 ?
	    "" : "s");
out:
	rk_stop_all(ctx, pl, &re->steps);
	engine_kbatch_limit(ctx->e, -1);
	engine_settle(ctx->e);
}

/* Something to run?  Else the error says how to get there. */
static bool
run_loaded(struct ctx *ctx, struct play *pl, const struct word *w)
{
	struct proc_info	pi;
	size_t			k;

	for (k = 0; k < pl->nrun; k++) {
		if (runner_live(ctx, &pl->run[k], &pi) &&
		    (pl->run[k].pc < pl->run[k].prog->n ||
		    pl->run[k].inflight))
			return (true);
	}
	cmd_fail(ctx, w, "%s", pl->nrun == 0 ? "no process runs a program "
	    "(program NAME ... end, then P run NAME)" : "every program has "
	    "ended (P run NAME starts one again)");
	return (false);
}

static enum cmd_result
cmd_run_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	const struct arg_opt	*o;
	struct play		*pl = play_observed(ctx);
	struct run_end		 re;
	long long		 seed = -1, for_ms = -1, steps = -1;
	uint64_t		 t0;
	bool			 human;

	if ((o = args_opt(a, "--random")) != NULL)
		seed = o->num;
	if ((o = args_opt(a, "--for")) != NULL)
		for_ms = o->num;
	if ((o = args_opt(a, "--steps")) != NULL)
		steps = o->num;
	if (!run_loaded(ctx, pl, &w[0]))
		return (CMD_FAIL);
	memset(&re, 0, sizeof(re));
	pl->running = true;
	pl->deadlocked = false;
	t0 = now_ms();
	if (seed >= 0) {
		pl->rng = (uint64_t)seed;
		pl->seeded = true;
		run_seeded(ctx, pl, for_ms, steps, &re);
	} else {
		human = !ctx->json;
		if (human) {
			pl->burst = burst_new();
			ctx->event_take = burst_take;
		}
		run_free(ctx, pl, for_ms, steps, &re);
		if (human) {
			ctx->event_take = NULL;
			burst_flush(ctx);
			burst_free(pl->burst);
			pl->burst = NULL;
		}
	}
	pl->running = false;
	if (ui_interrupt_done(ctx) && re.why == NULL)
		end_why(&re, false, "interrupted");
	/* A seeded run's words are the same every time: no clock in them. */
	if (seed >= 0)
		out_line(ctx, "run: %llu step%s (seed %lld): %s",
		    (unsigned long long)re.steps, re.steps == 1 ? "" : "s",
		    seed, re.why);
	else
		out_line(ctx, "run: %llu step%s in %llu ms: %s",
		    (unsigned long long)re.steps, re.steps == 1 ? "" : "s",
		    (unsigned long long)(now_ms() - t0), re.why);
	if (re.failed) {
		enum cmd_result r = cmd_fail(ctx, &w[0], "run stopped: %s",
		    re.why);

		free(re.why);
		return (r);
	}
	free(re.why);
	return (CMD_OK);
}

static const struct cmd_opt run_opts[] = {
	{ "--random", A_NUMBER, "SEED", 0, LLONG_MAX, "--random", NULL, NULL },
	{ "--for", A_NUMBER, "MS", 0, 3600000, "--for", NULL, "--steps" },
	{ "--steps", A_NUMBER, "N", 1, LLONG_MAX, "--steps", NULL, NULL },
	OPT_END
};

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.help = "Let every process that runs a program go (P run NAME gives "
	    "one).  Free: each goes at full speed, concurrently, on real "
	    "CPUs, its next sends and receives handed to its agent in "
	    "batches; the interleaving is the machine's, and bursts are "
	    "summarised (--json has every event).  --random SEED: one "
	    "operation at a time, the next process chosen from SEED, the same "
	    "every time (record keeps the schedule).  Until every program has "
	    "ended, a deadlock, a failed expect, an error or Ctrl-C; --for MS "
	    "and --steps N stop it sooner.  An operation that blocks is one "
	    "step.",
	.example = "run --random 7 --steps 20",
	.whole = true,
	.min_args = 0, .max_args = 0,
	.opts = run_opts,
	.exec = cmd_run_exec,
};

static enum cmd_result
cmd_step_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct play	*pl = play_observed(ctx);
	struct runner	*ru = NULL;
	struct run_end	 re;
	size_t		*v, cnt, nblocked;
	bool		 blocked;
	enum cmd_result	 r = CMD_OK;

	if (!run_loaded(ctx, pl, &w[0]))
		return (CMD_FAIL);
	memset(&re, 0, sizeof(re));
	if (n > 1) {
		if ((ru = runner_find(pl, w[1].s)) == NULL)
			return (cmd_fail(ctx, &w[1], "%s runs no program (%s "
			    "run NAME gives it one)", w[1].s, w[1].s));
		if (!ready_or_timeout(ctx, ru, &blocked)) {
			if (ru->ended)
				return (cmd_fail(ctx, &w[1], "%s's program "
				    "has ended", ru->name));
			if (blocked)
				return (cmd_fail(ctx, &w[1], "%s waits in its "
				    "operation (%s line %zu): it goes on when "
				    "another step lets it", ru->name,
				    ru->prog->name, ru->cur + 1));
			return (cmd_fail(ctx, &w[1], "%s is stopped (%s "
			    "continue)", ru->name, ru->name));
		}
	} else {
		v = xcalloc(pl->nrun + 1, sizeof(*v));
		/* Nobody can go, but a timeout may free someone: wait. */
		while ((cnt = runnable(ctx, pl, v, &nblocked)) == 0 &&
		    nblocked > 0 && !take_failed(pl, &re) && wait_timeout(ctx))
			continue;
		if (cnt > 0 && re.why == NULL)
			ru = &pl->run[v[splitmix64(&pl->rng) % cnt]];
		free(v);
		if (re.why != NULL) {
			r = cmd_fail(ctx, &w[0], "%s", re.why);
			free(re.why);
			return (r);
		}
		if (ru == NULL) {
			end_idle(ctx, pl, &re);
			r = cmd_fail(ctx, &w[0], "no step can be taken: %s",
			    re.why);
			free(re.why);
			return (r);
		}
	}
	pl->running = true;
	pl->deadlocked = false;
	if (seeded_step(ctx, pl, ru, &re) == -1 && re.failed)
		r = cmd_fail(ctx, &w[0], "%s", re.why);
	pl->running = false;
	free(re.why);
	return (r);
}

const struct cmd_entry cmd_step_entry = {
	.name = "step",
	.help = "One operation of PROC's program, or of the process the "
	    "seeded scheduler chooses (run --random SEED sets the seed).  "
	    "When nothing can go, says why.",
	.example = "step A",
	.min_args = 0, .max_args = 1,
	.args = { A_PROC },
	.exec = cmd_step_exec,
};


/* A schedule into file, as replay FILE reads it: whole or not at all. */
int
sched_write(const char *file, char *const *v, size_t n, char **cause)
{
	struct sb	b;
	size_t		i;
	int		r;

	for (i = 0; i < n; i++) {
		/* Never a file that replay would refuse to read. */
		if (strlen(v[i]) + 16 > SCHED_LINE_MAX) {
			xasprintf(cause, "step %zu is longer than a schedule's "
			    "line may be (%d bytes)", i + 1, SCHED_LINE_MAX);
			return (-1);
		}
	}
	sb_init(&b);
	sb_printf(&b, "%s\n", SCHED_HEAD);
	for (i = 0; i < n; i++)
		sb_printf(&b, "%zu %s\n", i + 1, v[i]);
	r = write_file(file, b.s, b.len, cause);
	sb_free(&b);
	return (r);
}

/*
 * record [FILE]: the seeded steps so far, into FILE (whole or not at
 * all: a temporary file renamed into place), or kept in the playground
 * for a replay without a file, which outlives reset.
 */
static enum cmd_result
cmd_record_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct play	*pl = play_get(ctx);
	char		*cause;
	size_t		 i;

	if (pl->nsched == 0)
		return (cmd_fail(ctx, &w[0], "no seeded step to record yet "
		    "(run --random SEED, or step)"));
	if (n == 1) {
		strv_free(pl->saved, pl->nsaved);
		pl->saved = xcalloc(pl->nsched, sizeof(*pl->saved));
		for (i = 0; i < pl->nsched; i++)
			pl->saved[i] = xstrdup(pl->sched[i]);
		pl->nsaved = pl->nsched;
		out_line(ctx, "recorded %zu step%s (replay replays them)",
		    pl->nsaved, pl->nsaved == 1 ? "" : "s");
		return (CMD_OK);
	}
	if (ctx->no_files)
		return (cmd_fail(ctx, &w[1], "writing files is off here"));
	if (sched_write(w[1].s, pl->sched, pl->nsched, &cause) == -1) {
		cmd_fail(ctx, &w[1], "record: %s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	out_line(ctx, "recorded %zu step%s in %s", pl->nsched,
	    pl->nsched == 1 ? "" : "s", w[1].s);
	return (CMD_OK);
}

const struct cmd_entry cmd_record_entry = {
	.name = "record",
	.help = "Write the schedule of the seeded steps since the playground "
	    "started (or reset) to FILE: one line per step, the process, its "
	    "program and line, the operation.  replay FILE drives it again.  "
	    "Without FILE the schedule is kept in the playground, through "
	    "reset, for replay without FILE.",
	.example = "record race.sched",
	.whole = true,
	.min_args = 0, .max_args = 1,
	.args = { A_FILE },
	.exec = cmd_record_exec,
};

/* One step of a schedule: "PROC PROG:LINE ..." */
static int
sched_parse(char *s, char **proc, char **prog, size_t *line, char **text)
{
	char		*save = NULL, *at, *colon;
	const char	*errstr;

	if ((*proc = strtok_r(s, " \t", &save)) == NULL ||
	    (at = strtok_r(NULL, " \t", &save)) == NULL ||
	    (colon = strrchr(at, ':')) == NULL)
		return (-1);
	*colon = '\0';
	*prog = at;
	*text = save != NULL ? save : (char *)"";
	*line = (size_t)strtonum(colon + 1, 1, 1000000, &errstr);
	return (errstr != NULL ? -1 : 0);
}


/* A schedule file's steps, their numbers taken off; -1 if unreadable. */
static int
sched_read(struct ctx *ctx, struct word *w, char ***out, size_t *nout)
{
	FILE		 *f;
	char		 *line = NULL, *p, **v = NULL;
	size_t		  cap = 0, n = 0;
	ssize_t		  len;

	if ((f = fopen(w->s, "r")) == NULL) {
		cmd_fail(ctx, w, "%s: %s", w->s, strerror(errno));
		return (-1);
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len > SCHED_LINE_MAX || n >= SCHED_STEPS_MAX ||
		    memchr(line, '\0', (size_t)len) != NULL) {
			cmd_fail(ctx, w, "%s is not a schedule (record writes "
			    "one)", w->s);
			goto fail;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		/* "12 A ping:2 ...": the step's number is its place. */
		p = line + strspn(line, "0123456789");
		p += strspn(p, " \t");
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(p);
	}
	if (ferror(f)) {
		cmd_fail(ctx, w, "%s: %s", w->s, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	*out = v;
	*nout = n;
	return (0);
fail:
	free(line);
	fclose(f);
	strv_free(v, n);
	return (-1);
}

/* Take the steps v in order; the first that cannot be taken fails. */
static enum cmd_result
replay_steps(struct ctx *ctx, struct word *w, char **v, size_t nv,
    struct run_end *re)
{
	struct play		*pl = ctx->play;
	struct runner		*ru;
	const struct ins	*in;
	char			*s, *proc, *prog, *text;
	size_t			 at, want, step;
	bool			 blocked;
	enum cmd_result		 r = CMD_OK;

	for (step = 1; step <= nv && r == CMD_OK; step++) {
		if (ui_stopping()) {
			end_why(re, false, "interrupted before step %zu", step);
			return (CMD_OK);
		}
		if (take_failed(pl, re)) {
			r = cmd_fail(ctx, &w[0], "%s", re->why);
			break;
		}
		s = xstrdup(v[step - 1]);
		if (sched_parse(s, &proc, &prog, &want, &text) == -1)
			r = cmd_fail(ctx, w, "step %zu of the schedule is not "
			    "\"N PROC PROGRAM:LINE ...\"", step);
		else if ((ru = runner_find(pl, proc)) == NULL ||
		    strcmp(ru->prog->name, prog) != 0)
			r = cmd_fail(ctx, w, "replay diverges at step %zu: "
			    "the schedule has %s running %s, which it does not "
			    "here", step, proc, prog);
		else if (!ready_or_timeout(ctx, ru, &blocked))
			r = cmd_fail(ctx, w, "replay diverges at step %zu: "
			    "the schedule has %s go (%s line %zu), but %s %s",
			    step, proc, prog, want, proc, ru->ended ? "has "
			    "ended" : blocked ? "waits in its operation" :
			    "is stopped");
		else if ((in = runner_next(ru, &at)) == NULL)
			r = cmd_fail(ctx, w, "replay diverges at step %zu: "
			    "the schedule has %s at %s line %zu, but its "
			    "program has ended", step, proc, prog, want);
		else if (at + 1 != want)
			r = cmd_fail(ctx, w, "replay diverges at step %zu: "
			    "the schedule has %s at %s line %zu, but its next "
			    "operation is line %zu", step, proc, prog, want,
			    at + 1);
		else if (strcmp(text, in->text) != 0)
			r = cmd_fail(ctx, w, "replay diverges at step %zu: "
			    "the schedule has %s do '%s' at %s line %zu, but "
			    "that line is '%s' here", step, proc, text, prog,
			    want, in->text);
		else if (seeded_step(ctx, pl, ru, re) == -1) {
			if (re->failed)
				r = cmd_fail(ctx, &w[0], "%s", re->why);
			/* Stopped short of the schedule's end? */
			else if (step < nv)
				r = cmd_fail(ctx, w, "replay diverges after "
				    "step %zu: %s here, but the schedule goes "
				    "on", step, re->why);
			free(s);
			return (r);
		}
		free(s);
	}
	return (r);
}

static enum cmd_result
cmd_replay_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct play	*pl = play_observed(ctx);
	struct run_end	 re;
	char		**v;
	size_t		 nv;
	enum cmd_result	 r;

	if (n > 1) {
		if (sched_read(ctx, &w[1], &v, &nv) == -1)
			return (CMD_FAIL);
	} else if (pl->nsaved == 0)
		return (cmd_fail(ctx, &w[0], "nothing recorded to replay "
		    "(record, after run --random SEED or step)"));
	else {
		v = pl->saved;
		nv = pl->nsaved;
	}
	memset(&re, 0, sizeof(re));
	pl->running = true;
	pl->deadlocked = false;
	r = replay_steps(ctx, n > 1 ? &w[1] : &w[0], v, nv, &re);
	if (n > 1)
		strv_free(v, nv);
	runner_sweep(ctx);
	pl->running = false;
	(void)ui_interrupt_done(ctx);
	if (r == CMD_OK)
		out_line(ctx, "replay: %llu step%s of %s%s%s",
		    (unsigned long long)re.steps, re.steps == 1 ? "" : "s",
		    n > 1 ? w[1].s : "the recording", re.why != NULL ? ": " :
		    "", re.why != NULL ? re.why : "");
	free(re.why);
	return (r);
}

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.help = "Drive the programs through the schedule record wrote (to "
	    "FILE, or kept without one), step by step, in a playground set "
	    "up by the same script; if it cannot follow, says at which step "
	    "and why.",
	.example = "replay race.sched",
	.whole = true,
	.min_args = 0, .max_args = 1,
	.args = { A_FILE },
	.exec = cmd_replay_exec,
};
