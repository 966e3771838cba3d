/*
 * What explore searches on: a model of the playground (engine_model(), no
 * process behind it) with a copy of the programs and where each runner
 * is, printing nowhere; and one step of one runner in it, taken exactly as
 * run --random takes it, with what it came to.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "explore.h"
#include "prog.h"

static FILE	*devnull;

static void
sim_hook(struct ctx *c, enum out_kind k, const char *s)
{
	(void)c;
	(void)k;
	(void)s;
}

/* The programs and runners of src, for a model of its playground. */
static struct play *
play_copy(const struct play *src)
{
	struct play	*pl = xcalloc(1, sizeof(*pl));
	size_t		 i;

	pl->progs = xcalloc(src->nprogs + 1, sizeof(*pl->progs));
	for (i = 0; i < src->nprogs; i++) {
		pl->progs[i] = src->progs[i];
		pl->progs[i]->refs++;
	}
	pl->nprogs = src->nprogs;
	pl->run = xcalloc(src->nrun + 1, sizeof(*pl->run));
	for (i = 0; i < src->nrun; i++) {
		pl->run[i] = src->run[i];
		pl->run[i].prog->refs++;
		pl->run[i].pid = 0;		/* a model's processes */
		pl->run[i].wake_ms = 0;
		pl->run[i].ready = src->run[i].ready != NULL ?
		    xstrdup(src->run[i].ready) : NULL;
		pl->run[i].error = NULL;
		pl->run[i].failed = false;
	}
	pl->nrun = src->nrun;
	pl->running = true;
	return (pl);
}

/* A model of from's playground, its own context around it. */
struct ctx *
sim_new_out(struct ctx *from, bool quiet, const char *const *out,
    size_t nout, char **cause)
{
	struct engine	*e;
	struct ctx	*c;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL) {
		*cause = xstrdup("/dev/null: cannot open");
		return (NULL);
	}
	if ((e = engine_model_without(from->e, out, nout, cause)) == NULL)
		return (NULL);
	c = xcalloc(1, sizeof(*c));
	c->e = e;
	c->out = devnull;
	c->file = "explore";
	c->sim = quiet;
	c->print_hook = sim_hook;
	c->no_files = true;
	out_init(c);
	c->play = play_copy(from->play);
	c->play->observed = NULL;
	(void)play_observed(c);
	c->play->running = true;
	return (c);
}

struct ctx *
sim_new(struct ctx *from, bool quiet, char **cause)
{
	return (sim_new_out(from, quiet, NULL, 0, cause));
}

void
sim_free(struct ctx *c)
{
	if (c == NULL)
		return;
	ctx_end(c);
	free(c);
}

/* One step of runner k in c, and what it came to. */
enum result
step(struct ctx *c, size_t k)
{
	struct runner		*ru = &c->play->run[k];
	const struct ins	*in;
	size_t			 at, i;
	enum step_r		 r;
	bool			 expect;

	ru->wake_ms = 0;
	in = runner_next(ru, &at);
	expect = in != NULL && in->kind == INS_EXPECT;
	if (in != NULL)
		ru->cur = at;
	r = runner_step(c, ru, false);
	runner_sweep(c);
	if (r == SR_FAIL && engine_model_refused(c->e))
		return (X_UNMODELED);
	if (r == SR_FAIL)
		return (expect ? X_EXPECT : X_ERROR);
	if (c->play->deadlocked)
		return (X_DEADLOCK);
	for (i = 0; i < c->play->nrun; i++) {
		if (c->play->run[i].failed)
			return (X_ERROR);
	}
	return (X_NONE);
}
