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
 * connected components, each a deadlock; deadlock.c reports each once,
 * when it forms.
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
	struct proc	***xown;	/* helper lists with rights in transit */
	size_t		  nxown;
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

/*
 * The helpers of a wait on c, and those who may gain the right from a
 * capability in transit (cap_transit): a merged list is the graph's.
 */
static void
wfg_helpers_all(struct wfg *g, struct chan *c, bool send, bool *any,
    struct proc ***h, size_t *nh)
{
	struct proc	**gv, **v;
	size_t		  ng;
	bool		  gany;

	wfg_helpers(c, send, any, h, nh);
	gv = send ? c->grecv : c->gsend;
	ng = send ? c->ngrecv : c->ngsend;
	gany = send ? c->grecv_any : c->gsend_any;
	if (*any || (ng == 0 && !gany))
		return;
	if (gany) {
		*any = true;
		*h = NULL;
		*nh = 0;
		return;
	}
	v = xreallocarray(NULL, *nh + ng, sizeof(*v));
	if (*nh > 0)
		memcpy(v, *h, *nh * sizeof(*v));
	memcpy(v + *nh, gv, ng * sizeof(*v));
	g->xown = xreallocarray(g->xown, g->nxown + 1, sizeof(*g->xown));
	g->xown[g->nxown++] = v;
	*h = v;
	*nh += ng;
}

static void
wfg_add(struct wfg *g, struct proc *p, struct chan *c, bool send)
{
	struct req	*r;

	r = &g->reqs[g->nreqs++];
	memset(r, 0, sizeof(*r));
	r->owner = p;
	r->chan = c;
	wfg_helpers_all(g, c, send, &r->any, &r->h, &r->nh);
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
		wfg_helpers_all(g, op->chans[i], send, &any, &h, &nh);
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

/*
 * A poll(2) over kernel channels, modeled ones among them: any helper of
 * any of its channels will do (the union, as wfg_add_union builds it).
 */
static void
wfg_kpoll(struct wfg *g, struct req *r, struct proc *p, struct proc ***out)
{
	struct op	 *op = p->op;
	struct proc	**h;
	size_t		  i, j, k, nh;
	bool		  any;

	*out = xcalloc(1, sizeof(**out));
	for (i = 0; i < op->nnames; i++) {
		if (op->kfds[i] != -1) {
			nh = kchan_helpers(op->chans[i], p, op->ksides[i],
			    op->writable, &h);
			any = false;
		} else {
			wfg_helpers_all(g, op->chans[i], op->writable, &any,
			    &h, &nh);
			if (any) {
				r->any = true;
				r->nh = 0;
				return;
			}
			h = nh > 0 ? xmemdup(h, nh * sizeof(*h)) : NULL;
		}
		*out = xreallocarray(*out, r->nh + nh + 1, sizeof(**out));
		for (j = 0; j < nh; j++) {
			for (k = 0; k < r->nh && (*out)[k] != h[j]; k++)
				continue;
			if (k == r->nh)
				(*out)[r->nh++] = h[j];	/* once each */
		}
		free(h);
	}
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
	struct req	*r;
	size_t		 max = 0, i, j, k, *fillp;

	memset(g, 0, sizeof(*g));
	cap_transit(e);
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
		if (op->kernel) {
			/* Whoever holds the other end (kchan.c). */
			r = &g->reqs[g->nreqs++];
			memset(r, 0, sizeof(*r));
			r->owner = p;
			r->chan = op->chans[0];
			if (op->kind == OP_POLL)
				wfg_kpoll(g, r, p, &owned[*nowned]);
			else
				r->nh = kchan_helpers(op->chans[0], p,
				    op->kside, op->kind == OP_SEND,
				    &owned[*nowned]);
			r->h = owned[(*nowned)++];
			g->nreq[i] = g->nreqs - g->first[i];
			continue;
		}
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
		case OP_CALL:
			/* Only the callee can answer a delivered call. */
			r = &g->reqs[g->nreqs++];
			memset(r, 0, sizeof(*r));
			r->owner = p;
			r->chan = op->chans[0];
			r->h = &op->callee;
			r->nh = 1;
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
	fillp = xcalloc(g->nprocs + 1, sizeof(*fillp));
	for (i = 0; i < g->nreqs; i++) {
		for (j = 0; j < g->reqs[i].nh; j++) {
			k = g->reqs[i].h[j]->idx;
			g->rev[g->rev_start[k] + fillp[k]++] = i;
		}
	}
	free(fillp);
}

static void
wfg_free(struct wfg *g, struct proc ***owned, size_t nowned)
{
	size_t	i;

	for (i = 0; i < nowned; i++)
		free(owned[i]);
	for (i = 0; i < g->nxown; i++)
		free(g->xown[i]);
	free(g->xown);
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

/*
 * The edges of D: q is a successor of p when p is in D and q, in D too,
 * is a helper of one of p's unsatisfied requirements.  "Anyone" means
 * every other member of D.  Calls fn for each; a helper may come twice.
 */
static void
wfg_succ(struct wfg *g, struct proc *p, void (*fn)(struct proc *, void *),
    void *arg)
{
	struct req	*r;
	struct proc	*q;
	size_t		 j, k;

	for (j = g->first[p->idx]; j < g->first[p->idx] + g->nreq[p->idx];
	    j++) {
		r = &g->reqs[j];
		if (r->sat)
			continue;
		for (k = 0; k < (r->any ? g->nprocs : r->nh); k++) {
			q = r->any ? g->procs[k] : r->h[k];
			if (q != p && q->in_d)
				fn(q, arg);
		}
	}
}

/* Tarjan's strongly connected components of D, sinks first. */
struct scc {
	struct wfg	*g;
	int		*index, *low, *comp;
	bool		*on;
	struct proc	**stack;
	size_t		 sp;
	int		 next, ncomp;
	struct proc	*cur;
};

static void	scc_visit(struct scc *, struct proc *);

static void
scc_edge(struct proc *q, void *arg)
{
	struct scc	*s = arg;
	struct proc	*p = s->cur;

	if (s->index[q->idx] == -1) {
		scc_visit(s, q);
		s->cur = p;
		if (s->low[q->idx] < s->low[p->idx])
			s->low[p->idx] = s->low[q->idx];
	} else if (s->on[q->idx] && s->index[q->idx] < s->low[p->idx])
		s->low[p->idx] = s->index[q->idx];
}

/* Depth is bounded by the number of processes (PROC_MAX). */
static void
scc_visit(struct scc *s, struct proc *p)
{
	struct proc	*q;

	s->index[p->idx] = s->low[p->idx] = s->next++;
	s->stack[s->sp++] = p;
	s->on[p->idx] = true;
	s->cur = p;
	wfg_succ(s->g, p, scc_edge, s);
	if (s->low[p->idx] != s->index[p->idx])
		return;
	do {
		q = s->stack[--s->sp];
		s->on[q->idx] = false;
		s->comp[q->idx] = s->ncomp;
	} while (q != p);
	s->ncomp++;
}

static void
count_edge(struct proc *q, void *arg)
{
	(void)q;
	(*(size_t *)arg)++;
}

static void
first_edge(struct proc *q, void *arg)
{
	struct proc	**out = arg;

	if (*out == NULL)
		*out = q;
}

/* The first helper of p's first unsatisfied requirement inside D. */
static struct proc *
wfg_next(struct wfg *g, struct proc *p)
{
	struct proc	*q = NULL;

	wfg_succ(g, p, first_edge, &q);
	return (q);
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

/*
 * Who could help p: the live helpers of its first unsatisfied
 * requirement ("B", "B or C", "B, C or D"), or NULL when no other live
 * process could; and whether each of them is in a deadlock.
 */
static void
wfg_wait(struct wfg *g, struct proc *p, const int *core_of,
    struct dl_wait *w)
{
	struct req	*r;
	struct proc	*q, *prev = NULL;
	char		*s = NULL, *t;
	size_t		 j, k;

	memset(w, 0, sizeof(*w));
	w->proc = p->name;
	w->op = p->op->call ? OP_CALL : p->op->kind;
	w->awaits_reply = p->op->kind == OP_CALL;
	w->chan = wfg_wait_chan(p);
	w->program = p->prog;
	w->line = p->prog_line;
	w->all_deadlocked = true;
	for (j = g->first[p->idx]; j < g->first[p->idx] + g->nreq[p->idx];
	    j++) {
		r = &g->reqs[j];
		if (r->sat)
			continue;
		for (k = 0; k < (r->any ? g->nprocs : r->nh); k++) {
			q = r->any ? g->procs[k] : r->h[k];
			if (q == p || !live(q))
				continue;
			if (core_of[q->idx] == -1)
				w->all_deadlocked = false;
			/* Each name joins when the next comes: ", " or " or ". */
			if (prev != NULL) {
				xasprintf(&t, "%s%s%s", s != NULL ? s : "",
				    s != NULL ? ", " : "", prev->name);
				free(s);
				s = t;
			}
			prev = q;
			w->nhelpers++;
		}
		break;
	}
	if (prev != NULL) {
		xasprintf(&t, "%s%s%s", s != NULL ? s : "", s != NULL ?
		    " or " : "", prev->name);
		free(s);
		s = t;
	}
	w->helpers = s;
}

static struct deadlock *
dl_add(struct deadlock **dl, size_t *ndl)
{
	*dl = xreallocarray(*dl, *ndl + 1, sizeof(**dl));
	memset(&(*dl)[*ndl], 0, sizeof(**dl));
	return (&(*dl)[(*ndl)++]);
}

/* The first successor of p inside component c. */
struct pick {
	const int	*comp;
	int		 c;
	struct proc	*q;
};

static void
pick_edge(struct proc *q, void *arg)
{
	struct pick	*k = arg;

	if (k->q == NULL && k->comp[q->idx] == k->c)
		k->q = q;
}

/*
 * One cycle of a deadlock of two or more: every member has a successor
 * inside the component, so a walk from any member comes back to a node
 * it has seen; the path from there on is a cycle.
 */
static void
wfg_cycle(struct wfg *g, struct proc *p, const int *comp, struct deadlock *d)
{
	struct proc	**path;
	struct pick	  k;
	size_t		  np = 0, j;
	bool		 *seen;

	path = xcalloc(g->nprocs + 1, sizeof(*path));
	seen = xcalloc(g->nprocs + 1, sizeof(*seen));
	k.comp = comp;
	k.c = comp[p->idx];
	while (p != NULL && !seen[p->idx]) {
		seen[p->idx] = true;
		path[np++] = p;
		k.q = NULL;
		wfg_succ(g, p, pick_edge, &k);
		p = k.q;
	}
	if (p != NULL) {
		for (j = 0; j < np && path[j] != p; j++)
			continue;
		d->cycle = xcalloc(np - j + 1, sizeof(*d->cycle));
		for (; j < np; j++)
			d->cycle[d->ncycle++] = xstrdup(path[j]->name);
	}
	free(seen);
	free(path);
}

/*
 * Split D into deadlocks and the processes stuck behind them.  A
 * strongly connected component of two or more is a deadlock (they wait
 * for each other), and so is a lone process that no live process could
 * help at all.  Any other member of D waits only on processes already
 * stuck: it is stuck behind the first deadlock its waits lead to.
 * Tarjan's algorithm gives the components sinks first, so that deadlock
 * is known when a process behind it is met.  O(P + E).
 */
static size_t
wfg_split(struct wfg *g, struct deadlock **out)
{
	struct deadlock	*dl = NULL, *d;
	struct scc	 s;
	struct proc	*p, *q;
	size_t		 ndl = 0, i, deg, *size;
	int		*core_of, *dl_of_comp, c;

	memset(&s, 0, sizeof(s));
	s.g = g;
	s.index = xcalloc(g->nprocs + 1, sizeof(*s.index));
	s.low = xcalloc(g->nprocs + 1, sizeof(*s.low));
	s.comp = xcalloc(g->nprocs + 1, sizeof(*s.comp));
	s.on = xcalloc(g->nprocs + 1, sizeof(*s.on));
	s.stack = xcalloc(g->nprocs + 1, sizeof(*s.stack));
	for (i = 0; i < g->nprocs; i++)
		s.index[i] = s.comp[i] = -1;
	for (i = 0; i < g->nprocs; i++) {
		if (g->procs[i]->in_d && s.index[i] == -1)
			scc_visit(&s, g->procs[i]);
	}
	size = xcalloc((size_t)s.ncomp + 1, sizeof(*size));
	for (i = 0; i < g->nprocs; i++) {
		if (s.comp[i] != -1)
			size[s.comp[i]]++;
	}
	/* Deadlock numbers in component order, members in spawn order. */
	dl_of_comp = xcalloc((size_t)s.ncomp + 1, sizeof(*dl_of_comp));
	for (c = 0; c < s.ncomp; c++)
		dl_of_comp[c] = -1;
	core_of = xcalloc(g->nprocs + 1, sizeof(*core_of));
	for (i = 0; i < g->nprocs; i++) {
		core_of[i] = -1;
		if ((c = s.comp[i]) == -1)
			continue;
		deg = 0;
		if (size[c] == 1)
			wfg_succ(g, g->procs[i], count_edge, &deg);
		if (size[c] == 1 && deg > 0)
			continue;
		if (dl_of_comp[c] == -1) {
			dl_of_comp[c] = (int)ndl;
			(void)dl_add(&dl, &ndl);
		}
		core_of[i] = dl_of_comp[c];
	}
	for (i = 0; i < g->nprocs; i++) {
		if (core_of[i] == -1)
			continue;
		p = g->procs[i];
		d = &dl[core_of[i]];
		d->procs = xreallocarray(d->procs, d->nprocs + 1,
		    sizeof(*d->procs));
		d->waits = xreallocarray(d->waits, d->nprocs + 1,
		    sizeof(*d->waits));
		d->procs[d->nprocs] = xstrdup(p->name);
		wfg_wait(g, p, core_of, &d->waits[d->nprocs]);
		d->waits[d->nprocs].proc = d->procs[d->nprocs];
		d->nprocs++;
		if (d->ncycle == 0 && size[s.comp[i]] > 1)
			wfg_cycle(g, p, s.comp, d);
	}
	/*
	 * Behind: a component of one with successors.  Sinks came first, so
	 * walking to the first successor's deadlock (or the deadlock it is
	 * behind) ends at once.
	 */
	for (c = 0; c < s.ncomp; c++) {
		for (i = 0; i < g->nprocs; i++) {
			if (s.comp[i] != c || core_of[i] != -1)
				continue;
			p = g->procs[i];
			q = wfg_next(g, p);
			dl_of_comp[c] = dl_of_comp[s.comp[q->idx]];
			d = &dl[dl_of_comp[c]];
			d->behind = xreallocarray(d->behind, d->nbehind + 1,
			    sizeof(*d->behind));
			d->bwaits = xreallocarray(d->bwaits, d->nbehind + 1,
			    sizeof(*d->bwaits));
			d->behind[d->nbehind] = xstrdup(p->name);
			wfg_wait(g, p, core_of, &d->bwaits[d->nbehind]);
			d->bwaits[d->nbehind].proc = d->behind[d->nbehind];
			d->nbehind++;
		}
	}
	free(core_of);
	free(dl_of_comp);
	free(size);
	free(s.index);
	free(s.low);
	free(s.comp);
	free(s.on);
	free(s.stack);
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
	n = wfg_split(&g, out);
	wfg_free(&g, owned, nowned);
	cap_transit_clear(e);
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

/* Every "could be unblocked by" edge, for graph and the dashboard. */
size_t
engine_wfg(struct engine *e, struct wfg_edge **out)
{
	struct wfg	  g;
	struct proc	***owned, *p, *q;
	struct wfg_edge	 *v = NULL;
	struct deadlock	 *dl;
	size_t		  nowned = 0, n = 0, i, j, k, cnt, ndl;

	owned = xcalloc(e->nprocs + 1, sizeof(*owned));
	wfg_build(e, &g, owned, &nowned);
	wfg_peel(&g);
	/*
	 * An edge is DEADLOCK inside one deadlock only: the edges of a
	 * process stuck behind one are not.
	 */
	ndl = wfg_split(&g, &dl);
	TAILQ_FOREACH(p, &e->procs, entry)
		p->comp = -1;
	for (i = 0; i < ndl; i++) {
		for (j = 0; j < dl[i].nprocs; j++)
			proc_find(e, dl[i].procs[j])->comp = (int)i;
	}
	deadlocks_free(dl, ndl);
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
				v[n].op = p->op->call ? OP_CALL : p->op->kind;
				v[n].chan = r->chan->name;
				v[n].deadlocked = p->comp != -1 &&
				    p->comp == q->comp;
				n++;
				cnt++;
			}
			if (cnt == 0) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n].from = p->name;
				v[n].to = NULL;
				v[n].op = p->op->call ? OP_CALL : p->op->kind;
				v[n].chan = r->chan->name;
				v[n].deadlocked = p->comp != -1;
				n++;
			}
		}
	}
	wfg_free(&g, owned, nowned);
	cap_transit_clear(e);
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
