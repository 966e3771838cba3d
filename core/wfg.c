/*
 * The wait-for graph and deadlock detection.
 *
 * A blocked process waits for one or more requirements; each requirement
 * is a set of processes any one of which could satisfy it (the processes
 * allowed to receive on the channel it sends on, to send on the channel
 * it receives from, or, for a poll, the union over all its channels).  A
 * sequential send or a receive has one requirement; an atomic multi-send
 * has one per channel that cannot take the message yet (an AND of ORs).
 * "Anyone" (a channel with no from/to list) is kept symbolic so the graph
 * stays linear in size.
 *
 * A blocked process is stuck for good when one of its requirements has no
 * helper outside the stuck set; exited processes help no one.  We start
 * with every blocked process in the set D and peel off, with a worklist,
 * each one all of whose requirements have a helper outside D: a helper
 * leaving D can satisfy requirements in turn.  What remains is deadlocked.
 * Each requirement and each helper entry is visited a constant number of
 * times, so a check costs O(P + E).  The remaining set is split into
 * connected components, each a deadlock, reported once when it forms.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct req {
	struct proc	 *owner;
	struct chan	 *chan;
	bool		  any;		/* anyone may help */
	struct proc	**h;		/* explicit helpers (borrowed) */
	size_t		  nh;
	bool		  sat;
};

struct wfg {
	struct proc	**procs;	/* by idx */
	size_t		  nprocs;
	struct req	 *reqs;
	size_t		  nreqs;
	size_t		 *first;	/* per proc: its first req */
	size_t		 *nreq;		/* per proc: how many */
	size_t		 *rev_start;	/* per proc: reqs it helps */
	size_t		 *rev;
	int		 *parent;	/* union-find */
};

static void
wfg_helpers(struct chan *c, bool send, bool *any, struct proc ***h,
    size_t *nh)
{
	if (send) {
		if (c->owner != NULL) {
			*any = false;
			*h = &c->owner;
			*nh = 1;
		} else if (c->nto > 0) {
			*any = false;
			*h = c->to;
			*nh = c->nto;
		} else
			*any = true;
	} else {
		if (c->nfrom > 0) {
			*any = false;
			*h = c->from;
			*nh = c->nfrom;
		} else
			*any = true;
	}
}

static void
wfg_add(struct wfg *g, struct proc *p, struct chan *c, bool send)
{
	struct req	*r;

	r = &g->reqs[g->nreqs++];
	memset(r, 0, sizeof(*r));
	r->owner = p;
	r->chan = c;
	wfg_helpers(c, send, &r->any, &r->h, &r->nh);
}

/*
 * A poll waits on the union of its channels' helpers: one requirement
 * whose helper list is built here (owned by the graph).
 */
static void
wfg_add_union(struct wfg *g, struct proc *p, struct op *op, bool send,
    struct proc ***owned, size_t *nowned)
{
	struct req	*r;
	struct proc	**h;
	size_t		  i, j, nh;
	bool		  any;

	r = &g->reqs[g->nreqs++];
	memset(r, 0, sizeof(*r));
	r->owner = p;
	r->chan = op->chans[0];
	for (i = 0; i < op->nnames; i++) {
		wfg_helpers(op->chans[i], send, &any, &h, &nh);
		if (any) {
			/* Anyone could help: the explicit lists do not matter. */
			r->any = true;
			r->h = NULL;
			r->nh = 0;
			break;
		}
		owned[*nowned] = xreallocarray(owned[*nowned], r->nh + nh,
		    sizeof(**owned));
		for (j = 0; j < nh; j++)
			owned[*nowned][r->nh++] = h[j];
	}
	if (!r->any)
		r->h = owned[*nowned];
	(*nowned)++;	/* freed with the graph either way */
}

static size_t
wfg_max_reqs(const struct proc *p)
{
	if (p->state != PS_BLOCKED || p->op == NULL)
		return (0);
	if (p->op->kind == OP_SEND && p->op->atomic)
		return (p->op->nnames);
	return (1);
}

static void
wfg_build(struct engine *e, struct wfg *g, struct proc ***owned,
    size_t *nowned)
{
	struct proc	*p;
	struct op	*op;
	size_t		 max = 0, i, j, k;

	memset(g, 0, sizeof(*g));
	g->nprocs = e->nprocs;
	g->procs = xcalloc(g->nprocs + 1, sizeof(*g->procs));
	TAILQ_FOREACH(p, &e->procs, entry) {
		g->procs[p->idx] = p;
		max += wfg_max_reqs(p);
	}
	g->reqs = xcalloc(max + 1, sizeof(*g->reqs));
	g->first = xcalloc(g->nprocs + 1, sizeof(*g->first));
	g->nreq = xcalloc(g->nprocs + 1, sizeof(*g->nreq));
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		g->first[i] = g->nreqs;
		if (wfg_max_reqs(p) == 0)
			continue;
		op = p->op;
		switch (op->kind) {
		case OP_SEND:
			if (op->atomic && op->nnames > 1) {
				for (j = 0; j < op->nnames; j++) {
					if (!chan_can_take(e, op->chans[j], p,
					    op->len))
						wfg_add(g, p, op->chans[j],
						    true);
				}
			} else if (op->next < op->nnames)
				wfg_add(g, p, op->chans[op->next], true);
			break;
		case OP_RECV:
			wfg_add(g, p, op->chans[0], false);
			break;
		case OP_POLL:
			wfg_add_union(g, p, op, op->writable, owned, nowned);
			break;
		default:
			break;
		}
		g->nreq[i] = g->nreqs - g->first[i];
	}
	/* Reverse index: for each process, the requirements it could help. */
	g->rev_start = xcalloc(g->nprocs + 2, sizeof(*g->rev_start));
	for (i = 0; i < g->nreqs; i++)
		for (j = 0; j < g->reqs[i].nh; j++)
			g->rev_start[g->reqs[i].h[j]->idx + 1]++;
	for (i = 0; i < g->nprocs; i++)
		g->rev_start[i + 1] += g->rev_start[i];
	g->rev = xcalloc(g->rev_start[g->nprocs] + 1, sizeof(*g->rev));
	{
		size_t *fillp = xcalloc(g->nprocs + 1, sizeof(*fillp));

		for (i = 0; i < g->nreqs; i++) {
			for (j = 0; j < g->reqs[i].nh; j++) {
				k = g->reqs[i].h[j]->idx;
				g->rev[g->rev_start[k] + fillp[k]++] = i;
			}
		}
		free(fillp);
	}
}

static void
wfg_free(struct wfg *g, struct proc ***owned, size_t nowned)
{
	size_t	i;

	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(g->procs);
	free(g->reqs);
	free(g->first);
	free(g->nreq);
	free(g->rev_start);
	free(g->rev);
	free(g->parent);
}

static bool
live(const struct proc *p)
{
	return (p->state != PS_EXITED);
}

/*
 * A wait with a pending --timeout ends by itself: it is never stuck for
 * good, and like a ready process it may yet help others (as Go's
 * checkdead and Erlang's receive ... after see timers).  When the timer
 * fires the graph changes and the check runs again.
 */
static bool
timed(const struct proc *p)
{
	return (p->op != NULL && p->op->deadline != 0);
}

/* Peel: afterwards p->in_d is true exactly for the deadlocked. */
static void
wfg_peel(struct wfg *g)
{
	struct proc	*p, *q;
	size_t		*work, nwork = 0, outside = 0, i, j, k;
	bool		 any_fired = false;

	work = xcalloc(g->nprocs + 1, sizeof(*work));
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		p->in_d = live(p) && g->nreq[i] > 0 && !timed(p);
		if (live(p) && !p->in_d)
			outside++;
	}
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		p->unsat = 0;
		if (!p->in_d)
			continue;
		for (j = g->first[i]; j < g->first[i] + g->nreq[i]; j++) {
			struct req *r = &g->reqs[j];

			r->sat = false;
			if (r->any)
				r->sat = outside > 0;
			else {
				for (k = 0; k < r->nh; k++) {
					q = r->h[k];
					if (q != p && live(q) && !q->in_d) {
						r->sat = true;
						break;
					}
				}
			}
			if (!r->sat)
				p->unsat++;
		}
		if (p->unsat == 0)
			work[nwork++] = i;
	}
	if (outside > 0)
		any_fired = true;
	while (nwork > 0) {
		i = work[--nwork];
		p = g->procs[i];
		if (!p->in_d)
			continue;
		p->in_d = false;
		outside++;
		if (!any_fired) {
			/* The first live helper outside D: "anyone" holds. */
			any_fired = true;
			for (j = 0; j < g->nreqs; j++) {
				struct req *r = &g->reqs[j];

				if (r->any && !r->sat && r->owner->in_d &&
				    r->owner != p) {
					r->sat = true;
					if (--r->owner->unsat == 0)
						work[nwork++] =
						    r->owner->idx;
				}
			}
		}
		for (k = g->rev_start[i]; k < g->rev_start[i + 1]; k++) {
			struct req *r = &g->reqs[g->rev[k]];

			if (r->sat || !r->owner->in_d || r->owner == p)
				continue;
			r->sat = true;
			if (--r->owner->unsat == 0)
				work[nwork++] = r->owner->idx;
		}
	}
	free(work);
}

static int
uf_find(int *parent, int i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return (i);
}

static void
uf_union(int *parent, int a, int b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a != b)
		parent[a < b ? b : a] = a < b ? a : b;
}

/* The first helper of p's first unsatisfied requirement inside D. */
static struct proc *
wfg_next(struct wfg *g, struct proc *p)
{
	size_t		 i = p->idx, j, k;
	struct req	*r;

	for (j = g->first[i]; j < g->first[i] + g->nreq[i]; j++) {
		r = &g->reqs[j];
		if (r->sat)
			continue;
		if (r->any) {
			for (k = 0; k < g->nprocs; k++) {
				if (g->procs[k] != p && g->procs[k]->in_d)
					return (g->procs[k]);
			}
			continue;
		}
		for (k = 0; k < r->nh; k++) {
			if (r->h[k] != p && r->h[k]->in_d)
				return (r->h[k]);
		}
	}
	return (NULL);
}

static char *
wfg_helper_names(struct wfg *g, struct proc *p)
{
	struct req	*r;
	char		*s = NULL, *t;
	size_t		 j, k;

	for (j = g->first[p->idx]; j < g->first[p->idx] + g->nreq[p->idx];
	    j++) {
		r = &g->reqs[j];
		if (r->sat)
			continue;
		for (k = 0; k < (r->any ? g->nprocs : r->nh); k++) {
			struct proc *q = r->any ? g->procs[k] : r->h[k];

			if (q == p || !live(q))
				continue;
			if (s == NULL)
				s = xstrdup(q->name);
			else {
				xasprintf(&t, "%s or %s", s, q->name);
				free(s);
				s = t;
			}
		}
		break;
	}
	return (s != NULL ? s : xstrdup("nobody"));
}

static const char *
wfg_wait_chan(struct proc *p)
{
	struct op	*op = p->op;

	if (op->kind == OP_SEND && !(op->atomic && op->nnames > 1) &&
	    op->next < op->nnames)
		return (op->chans[op->next]->name);
	return (op->spec);
}

/* Split D into components and describe each as a struct deadlock. */
static size_t
wfg_components(struct wfg *g, struct deadlock **out)
{
	struct deadlock	*dl = NULL;
	struct proc	*p, *any_rep = NULL;
	size_t		 ndl = 0, i, j, k, n;
	int		 root, *comp_of, *mark;

	g->parent = xcalloc(g->nprocs + 1, sizeof(*g->parent));
	for (i = 0; i < g->nprocs; i++)
		g->parent[i] = (int)i;
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		if (!p->in_d)
			continue;
		for (j = g->first[i]; j < g->first[i] + g->nreq[i]; j++) {
			struct req *r = &g->reqs[j];

			if (r->sat)
				continue;
			if (r->any) {
				if (any_rep == NULL)
					any_rep = p;
				uf_union(g->parent, (int)any_rep->idx, (int)i);
				continue;
			}
			for (k = 0; k < r->nh; k++) {
				if (r->h[k]->in_d)
					uf_union(g->parent, (int)i,
					    (int)r->h[k]->idx);
			}
		}
	}
	/* With "anyone" unsatisfied, every live process is in D: one set. */
	if (any_rep != NULL) {
		for (i = 0; i < g->nprocs; i++) {
			if (g->procs[i]->in_d)
				uf_union(g->parent, (int)any_rep->idx, (int)i);
		}
	}
	comp_of = xcalloc(g->nprocs + 1, sizeof(*comp_of));
	for (i = 0; i < g->nprocs; i++)
		comp_of[i] = -1;
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		if (!p->in_d)
			continue;
		root = uf_find(g->parent, (int)i);
		if (comp_of[root] == -1) {
			dl = xreallocarray(dl, ndl + 1, sizeof(*dl));
			memset(&dl[ndl], 0, sizeof(*dl));
			comp_of[root] = (int)ndl++;
		}
		struct deadlock *d = &dl[comp_of[root]];
		d->procs = xreallocarray(d->procs, d->nprocs + 1,
		    sizeof(*d->procs));
		d->waits = xreallocarray(d->waits, d->nprocs + 1,
		    sizeof(*d->waits));
		d->procs[d->nprocs] = xstrdup(p->name);
		d->waits[d->nprocs].proc = d->procs[d->nprocs];
		d->waits[d->nprocs].op = p->op->kind;
		d->waits[d->nprocs].chan = wfg_wait_chan(p);
		d->waits[d->nprocs].helpers = wfg_helper_names(g, p);
		d->nprocs++;
	}
	/*
	 * One cycle per deadlock: walk "waits for" edges from each member in
	 * turn; a walk that reaches a dead end marks its nodes as leading
	 * nowhere, so the search is linear.
	 */
	mark = xcalloc(g->nprocs + 1, sizeof(*mark));	/* 0 new, 1 on path, 2 done */
	for (i = 0; i < g->nprocs; i++) {
		struct proc **path = NULL;
		size_t np = 0;
		struct deadlock *d;

		p = g->procs[i];
		if (!p->in_d)
			continue;
		d = &dl[comp_of[uf_find(g->parent, (int)i)]];
		if (d->ncycle > 0)
			continue;
		while (p != NULL && mark[p->idx] == 0) {
			mark[p->idx] = 1;
			path = xreallocarray(path, np + 1, sizeof(*path));
			path[np++] = p;
			p = wfg_next(g, p);
		}
		if (p != NULL && mark[p->idx] == 1) {
			for (j = 0; j < np && path[j] != p; j++)
				continue;
			n = np - j;
			d->cycle = xcalloc(n + 1, sizeof(*d->cycle));
			for (; j < np; j++)
				d->cycle[d->ncycle++] = xstrdup(path[j]->name);
		}
		for (j = 0; j < np; j++)
			mark[path[j]->idx] = 2;
		free(path);
	}
	free(mark);
	free(comp_of);
	*out = dl;
	return (ndl);
}

static size_t
wfg_run(struct engine *e, struct deadlock **out)
{
	struct wfg	  g;
	struct proc	***owned;
	size_t		  nowned = 0, n;
	struct proc	 *p;

	owned = xcalloc(e->nprocs + 1, sizeof(*owned));
	wfg_build(e, &g, owned, &nowned);
	wfg_peel(&g);
	n = wfg_components(&g, out);
	wfg_free(&g, owned, nowned);
	free(owned);
	TAILQ_FOREACH(p, &e->procs, entry)
		p->in_d = false;
	return (n);
}

size_t
engine_deadlocks(struct engine *e, struct deadlock **out)
{
	return (wfg_run(e, out));
}

void
deadlocks_free(struct deadlock *dl, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < dl[i].nprocs; j++) {
			free(dl[i].procs[j]);
			free(dl[i].waits[j].helpers);
		}
		for (j = 0; j < dl[i].ncycle; j++)
			free(dl[i].cycle[j]);
		free(dl[i].procs);
		free(dl[i].waits);
		free(dl[i].cycle);
	}
	free(dl);
}

static char *
dl_key(const struct deadlock *d)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < d->nprocs; i++) {
		xasprintf(&t, "%s%s,", s, d->procs[i]);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * After a step: report each deadlock that was not there after the last
 * check.  One that dissolves and forms again is reported again.
 */
void
wfg_check(struct engine *e)
{
	struct deadlock	 *dl;
	struct event	  ev;
	char		**keys;
	size_t		  n, i, j;
	bool		  old;
	struct proc	 *p;

	/* Nobody blocked, nobody deadlocked: skip building the graph. */
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_BLOCKED)
			break;
	}
	if (p == NULL) {
		for (j = 0; j < e->ndl_prev; j++)
			free(e->dl_prev[j]);
		free(e->dl_prev);
		e->dl_prev = NULL;
		e->ndl_prev = 0;
		return;
	}
	n = wfg_run(e, &dl);
	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		keys[i] = dl_key(&dl[i]);
		old = false;
		for (j = 0; j < e->ndl_prev; j++) {
			if (strcmp(e->dl_prev[j], keys[i]) == 0)
				old = true;
		}
		if (old)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_DEADLOCK;
		ev.deadlock = &dl[i];
		engine_event(e, &ev);
	}
	for (j = 0; j < e->ndl_prev; j++)
		free(e->dl_prev[j]);
	free(e->dl_prev);
	e->dl_prev = keys;
	e->ndl_prev = n;
	deadlocks_free(dl, n);
}

/* Every "could be unblocked by" edge, for graph and the dashboard. */
size_t
engine_wfg(struct engine *e, struct wfg_edge **out)
{
	struct wfg	  g;
	struct proc	***owned, *p, *q;
	struct wfg_edge	 *v = NULL;
	size_t		  nowned = 0, n = 0, i, j, k, cnt;

	owned = xcalloc(e->nprocs + 1, sizeof(*owned));
	wfg_build(e, &g, owned, &nowned);
	wfg_peel(&g);
	for (i = 0; i < g.nprocs; i++) {
		p = g.procs[i];
		for (j = g.first[i]; j < g.first[i] + g.nreq[i]; j++) {
			struct req *r = &g.reqs[j];

			cnt = 0;
			for (k = 0; k < (r->any ? g.nprocs : r->nh); k++) {
				q = r->any ? g.procs[k] : r->h[k];
				if (q == p || !live(q))
					continue;
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n].from = p->name;
				v[n].to = q->name;
				v[n].op = p->op->kind;
				v[n].chan = r->chan->name;
				v[n].deadlocked = p->in_d && q->in_d;
				n++;
				cnt++;
			}
			if (cnt == 0) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n].from = p->name;
				v[n].to = NULL;
				v[n].op = p->op->kind;
				v[n].chan = r->chan->name;
				v[n].deadlocked = p->in_d;
				n++;
			}
		}
	}
	wfg_free(&g, owned, nowned);
	free(owned);
	TAILQ_FOREACH(p, &e->procs, entry)
		p->in_d = false;
	*out = v;
	return (n);
}

void
wfg_edges_free(struct wfg_edge *v, size_t n)
{
	(void)n;
	free(v);
}
