/*
 * A program's operations in a free run, in batches (SPEC section 10:
 * "on a kernel channel the agent makes the syscalls directly and tells
 * the broker only what it needs"; on a modeled one "batch the agent's
 * requests, avoid a reply per message").  When a program's next lines
 * are sends and receives, all on kernel channels or all on modeled ones,
 * the runner hands up to RK_MAX of them over as one batch (core/kbatch.c,
 * core/mbatch.c) and the agent goes through them at full speed; their
 * events come as the broker reads the results (or makes the requests),
 * and the runner moves through its program by the count of those done.
 * Anything else -- a poll, a sleep, an expect, a line that uses $msg or
 * $ready, which only the broker knows when it runs -- ends the batch
 * before it and goes the usual way, one operation at a time (runner.c).
 *
 * Each line's request is made once, by the command's own parser with
 * the operation captured instead of run (ctx->capture), and kept; a
 * line with $i in it is made again for each turn.
 */

#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"

#define RK_MAX	256

static bool	rk_blocked(struct ctx *, struct runner *);

/* A request and what it points to, in one allocation. */
struct rk_req {
	struct op_request	 rq;
	int			 kind;	/* 1 a kernel one, 2 a modeled one */
	char			*chans[1];
	char			 name[NAME_LEN + 2];
	unsigned char		 msg[];
};

/*
 * Instruction in for ru at turn, as a request its agent could make:
 * NULL if it cannot be one (*each: it uses $i, so make it per turn).
 */
static struct rk_req *
rk_make(struct ctx *ctx, struct runner *ru, const struct ins *in,
    long long turn, bool *each)
{
	struct proc_info	 pi;
	struct prog_vals	 vals;
	struct op_request	*rq;
	struct rk_req		*r = NULL;
	struct word		*w;
	unsigned		 used, all = 0;
	int			 kind;
	size_t			 i, n = in->n + 1;
	enum cmd_result		 res;
	bool			 in_program = ctx->in_program;

	*each = false;
	if (in->kind != INS_OP || !engine_proc_peek(ctx->e, ru->name, &pi))
		return (NULL);
	w = xcalloc(n + 1, sizeof(*w));
	w[0].s = xstrdup(ru->name);
	w[0].len = strlen(ru->name);
	memset(&vals, 0, sizeof(vals));
	vals.turn = turn;
	for (i = 0; i < in->n; i++) {
		w[i + 1] = prog_expand(&in->w[i], &vals, &used);
		all |= used;
	}
	if ((all & (PV_MSG | PV_READY)) == 0) {
		ctx->capture = true;
		ctx->in_program = true;
		res = cmd_run(ctx, w, n);
		ctx->capture = false;
		ctx->in_program = in_program;
		rq = ctx->captured;
		ctx->captured = NULL;
		if (res == CMD_OK && rq != NULL && rq->nchans == 1 &&
		    strlen(rq->chans[0]) < sizeof(r->name) &&
		    (kind = engine_kbatch_fits(ctx->e, ru->name, rq)) != 0) {
			/* One allocation: the request and what it points to. */
			r = xcalloc(1, sizeof(*r) + rq->len);
			r->rq = *rq;
			r->kind = kind;
			strlcpy(r->name, rq->chans[0], sizeof(r->name));
			r->chans[0] = r->name;
			r->rq.chans = r->chans;
			r->rq.chanspec = r->name;
			memcpy(r->msg, rq->msg, rq->len);
			r->rq.msg = r->msg;
			*each = (all & PV_I) != 0;
		}
		op_request_free(rq);
	}
	for (i = 0; i < n; i++)
		free(w[i].s);
	free(w);
	return (r);
}

static void
rk_pos_get(const struct runner *ru, struct rk_pos *p)
{
	p->pc = ru->pc;
	p->turn = ru->turn;
	p->cur = ru->cur;
	p->cur_turn = ru->cur_turn;
}

static void
rk_pos_set(struct runner *ru, const struct rk_pos *p)
{
	ru->pc = p->pc;
	ru->turn = p->turn;
	ru->cur = p->cur;
	ru->cur_turn = p->cur_turn;
}

/*
 * Hand ru's next operations to its agent as a batch (it takes a step of
 * the run's for each, while any is left).  False when its very next one
 * cannot be in one: then it goes alone.
 */
bool
rk_start(struct ctx *ctx, struct runner *ru)
{
	const struct op_request	*rqs[RK_MAX];
	struct rk_req		*r, *temp[RK_MAX];
	const struct ins	*in;
	struct rk_pos		 saved, before;
	int			 lines[RK_MAX];
	size_t			 n = 0, ntemp = 0, i;
	char			*cause;
	bool			 spins, each;
	int			 k, kind = 0;

	if (ru->kb_prog != ru->prog) {
		rk_cache_free(ru);
		ru->kb_prog = ru->prog;
		ru->kb_cache = xcalloc(ru->prog->n + 1,
		    sizeof(*ru->kb_cache));
	}
	if (ru->kb_pos == NULL)
		ru->kb_pos = xcalloc(RK_MAX, sizeof(*ru->kb_pos));
	rk_pos_get(ru, &saved);
	while (n < RK_MAX) {
		rk_pos_get(ru, &before);
		if ((in = runner_advance(ru, &spins)) == NULL) {
			rk_pos_set(ru, &before);
			break;
		}
		r = ru->kb_cache[ru->cur];
		if (r == NULL || r == RK_EACH) {
			r = rk_make(ctx, ru, in, ru->cur_turn, &each);
			if (r == NULL || each) {
				if (ru->kb_cache[ru->cur] == NULL)
					ru->kb_cache[ru->cur] = r == NULL ?
					    RK_NONE : RK_EACH;
				if (r != NULL)
					temp[ntemp++] = r;
			} else
				ru->kb_cache[ru->cur] = r;
		}
		/* One kind to a batch: the agent's own, or the broker's. */
		if (r == NULL || r == RK_NONE || (kind != 0 && r->kind != kind)) {
			rk_pos_set(ru, &before);
			break;
		}
		kind = r->kind;
		rqs[n] = &r->rq;
		lines[n] = (int)ru->cur + 1;
		rk_pos_get(ru, &ru->kb_pos[n]);
		n++;
	}
	rk_pos_set(ru, &saved);
	k = -1;
	if (n > 0) {
		(void)engine_proc_where(ctx->e, ru->name, ru->prog->name,
		    lines[0]);
		if ((k = engine_kbatch(ctx->e, ru->name, rqs, lines, n,
		    &cause)) == -1)
			free(cause);
	}
	for (i = 0; i < ntemp; i++)
		free(temp[i]);
	if (k <= 0)
		return (false);
	ru->kb = true;
	ru->kb_n = (size_t)k;
	ru->kb_counted = 0;
	ru->inflight = true;
	ru->cur = ru->kb_pos[0].cur;
	free(ru->error);
	ru->error = NULL;
	ru->failed = false;
	return (true);
}

/*
 * How far ru's batch is: the operations begun since the last look are
 * added to *steps; *blocked: its process waits in one.  True when the
 * batch is over, ru then where its agent stopped: after the last done
 * operation (its outcome to take, as for any operation in flight), or
 * inside one that was blocked when the run stopped it.
 */
bool
rk_poll(struct ctx *ctx, struct runner *ru, uint64_t *steps, bool *blocked)
{
	struct kbatch_info	bi;
	size_t			last;

	*blocked = false;
	if (!engine_kbatch_info(ctx->e, ru->name, &bi)) {
		/* Its process has gone: runner_live says so. */
		ru->kb = false;
		return (true);
	}
	if (bi.started > ru->kb_counted) {
		*steps += bi.started - ru->kb_counted;
		ru->kb_counted = bi.started;
	}
	last = bi.done < bi.n ? bi.done : bi.n - 1;
	ru->cur = ru->kb_pos[last].cur;
	if (!bi.over) {
		*blocked = rk_blocked(ctx, ru);
		return (false);
	}
	ru->kb = false;
	if (bi.done == 0 && !bi.inside) {
		/* Stopped before it began: where it was. */
		ru->inflight = false;
		return (true);
	}
	last = bi.inside ? bi.done : bi.done - 1;
	rk_pos_set(ru, &ru->kb_pos[last]);
	ru->inflight = true;
	return (true);
}

/* Stop every batch of the run: each agent starts no more of it. */
void
rk_stop_all(struct ctx *ctx, struct play *pl, uint64_t *steps)
{
	size_t	k, left;
	bool	blocked;

	for (k = 0; k < pl->nrun; k++) {
		if (pl->run[k].kb)
			engine_kbatch_stop(ctx->e, pl->run[k].name);
	}
	for (;;) {
		left = 0;
		for (k = 0; k < pl->nrun; k++) {
			if (pl->run[k].kb &&
			    !rk_poll(ctx, &pl->run[k], steps, &blocked))
				left++;
		}
		if (left == 0)
			break;
		(void)engine_pump(ctx->e, 1);
	}
}

/* Is ru's process blocked inside an operation of its batch? */
static bool
rk_blocked(struct ctx *ctx, struct runner *ru)
{
	struct proc_info	pi;

	return (ru->kb && engine_proc_peek(ctx->e, ru->name, &pi) &&
	    pi.state == PS_BLOCKED);
}

/* Stop ru's batch (P stop): it starts no more of it. */
void
rk_stop(struct ctx *ctx, struct runner *ru)
{
	engine_kbatch_stop(ctx->e, ru->name);
}
