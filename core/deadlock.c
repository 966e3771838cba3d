/*
 * Deadlocks as the playground reports them: each one once, when it forms
 * (its identity is its members), the processes stuck behind it as they
 * come to be and cease to be, and the deadlocks freed.  Finding them is
 * wfg.c's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
dl_waits_free(struct dl_wait *w, char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(names[i]);
		free(w[i].helpers);
	}
	free(names);
	free(w);
}

void
deadlocks_free(struct deadlock *dl, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		dl_waits_free(dl[i].waits, dl[i].procs, dl[i].nprocs);
		dl_waits_free(dl[i].bwaits, dl[i].behind, dl[i].nbehind);
		for (j = 0; j < dl[i].ncycle; j++)
			free(dl[i].cycle[j]);
		free(dl[i].cycle);
	}
	free(dl);
}

/* A deadlock's identity: its members, in spawn order. */
static char *
dl_key(const struct deadlock *d)
{
	char	*s, *t;
	size_t	 i;

	s = xstrdup("");
	for (i = 0; i < d->nprocs; i++) {
		xasprintf(&t, "%s%s,", s, d->procs[i]);
		free(s);
		s = t;
	}
	return (s);
}

static bool
in_deadlock(const struct deadlock *dl, size_t n, const struct proc *p)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < dl[i].nprocs; j++) {
			if (strcmp(dl[i].procs[j], p->name) == 0)
				return (true);
		}
	}
	return (false);
}

static void
stuck_event(struct engine *e, struct proc *p, const struct deadlock *d,
    const struct dl_wait *w)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_STUCK;
	ev.proc = p->name;
	ev.status = d != NULL ? ST_BLOCKED : ST_OK;
	ev.deadlock = d;
	ev.wait = w;
	if (p->op != NULL) {
		ev.op = p->op->call ? OP_CALL : p->op->kind;
		ev.chan = p->op->spec;
	}
	engine_event(e, &ev);
}

/*
 * After a step: report each deadlock that was not there after the last
 * check (one that dissolves and forms again is reported again), then each
 * process that has come to be stuck behind a deadlock, and each that was
 * and is still blocked but no longer stuck (someone could help it now).
 * A deadlock keeps its identity, and is not reported again, while
 * processes join it from behind or leave.
 */
void
wfg_check(struct engine *e)
{
	struct deadlock	 *dl = NULL;
	struct event	  ev;
	char		**keys;
	size_t		  n = 0, i, j;
	struct proc	 *p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_BLOCKED)
			break;
	}
	/* Nobody blocked, nobody deadlocked: skip building the graph. */
	if (p != NULL)
		n = engine_deadlocks(e, &dl);
	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		keys[i] = dl_key(&dl[i]);
		if (strv_has(e->dl_prev, e->ndl_prev, keys[i]))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_DEADLOCK;
		ev.deadlock = &dl[i];
		engine_event(e, &ev);
	}
	TAILQ_FOREACH(p, &e->procs, entry)
		p->behind = false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < dl[i].nbehind; j++) {
			p = proc_find(e, dl[i].behind[j]);
			p->behind = true;
			if (!p->behind_told)
				stuck_event(e, p, &dl[i], &dl[i].bwaits[j]);
			p->behind_told = true;
		}
	}
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->behind_told && !p->behind) {
			p->behind_told = false;
			if (p->state == PS_BLOCKED && !in_deadlock(dl, n, p))
				stuck_event(e, p, NULL, NULL);
		}
	}
	for (j = 0; j < e->ndl_prev; j++)
		free(e->dl_prev[j]);
	free(e->dl_prev);
	e->dl_prev = keys;
	e->ndl_prev = n;
	deadlocks_free(dl, n);
}
