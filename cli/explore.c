/*
 * explore (SPEC section 11): every interleaving of the loaded programs,
 * searched for a deadlock, a failed expect or an error, from the state
 * the playground is in.
 *
 * The search runs on models of the playground (engine_model(): the
 * engine's own channel and operation code, no processes behind it), each
 * step a program's next operation taken exactly as run --random takes it
 * (runner_step()), so what explore finds is what the playground does.  It
 * is breadth-first: a state's successors are made by copying its model
 * and taking one step in the copy, and every state is stored by its
 * bytes (engine_state() and the programs' places), so a state is visited
 * once and the first problem found has a shortest schedule.  Steps that
 * can only lead where the search has been -- an independent step tried
 * before, in the other order -- are not taken again (sleep sets,
 * core/por.c): every state is still reached, at its shortest distance.
 * The schedule found is kept for replay, which drives the real processes
 * through it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "explore.h"
#include "msc.h"
#include "prog.h"
#include "sb.h"

#define STATES_DEFAULT	20000
#define COPY_COST	4096	/* a copy's own structures, about */

/* The state's bytes: the model's, then where each program is. */
static size_t
state_of(struct ctx *c, unsigned char **out)
{
	struct runner	*ru;
	unsigned char	*b;
	size_t		 n, k, len, rl;
	uint64_t	 v[6];

	n = engine_state(c->e, &b);
	len = n;
	for (k = 0; k < c->play->nrun; k++) {
		ru = &c->play->run[k];
		rl = ru->ready != NULL ? strlen(ru->ready) : 0;
		b = xreallocarray(b, len + sizeof(v) + rl + 1, 1);
		v[0] = ru->pc;
		v[1] = (uint64_t)ru->turn;
		v[2] = ru->ended;
		v[3] = ru->inflight;
		v[4] = ru->stopped;
		v[5] = ru->ready != NULL ? rl : UINT64_MAX;
		memcpy(b + len, v, sizeof(v));
		len += sizeof(v);
		memcpy(b + len, ru->ready != NULL ? ru->ready : "", rl);
		len += rl;
	}
	*out = b;
	return (len);
}

/* A state's hash, eight bytes at a time (states are kilobytes). */
static uint64_t
state_hash(const unsigned char *b, size_t n)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t		i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	return (h ^ hash_bytes(b + i, n - i));
}

static uint64_t
slot_hash(const unsigned char *b, size_t n)
{
	uint64_t	h = state_hash(b, n);

	return (h ^ (h >> 29));		/* the low bits pick the slot */
}

/* The node a state was stored as, or SIZE_MAX: never seen. */
static size_t
seen_find(struct search *s, const unsigned char *b, size_t n)
{
	uint64_t	h = slot_hash(b, n);
	size_t		i;

	if (s->tabcap == 0)
		return (SIZE_MAX);
	for (i = h & (s->tabcap - 1); s->tab[i].b != NULL;
	    i = (i + 1) & (s->tabcap - 1)) {
		if (s->tab[i].h == h && s->tab[i].len == n &&
		    memcmp(s->tab[i].b, b, n) == 0)
			return (s->tab[i].node);
	}
	return (SIZE_MAX);
}

/* Store a state not seen before as node; the table keeps b. */
static void
seen_add(struct search *s, unsigned char *b, size_t n, size_t node)
{
	struct slot	*old = s->tab;
	size_t		 i, j, cap = s->tabcap;
	uint64_t	 h = slot_hash(b, n);

	if ((s->states + 1) * 2 > s->tabcap) {
		s->tabcap = s->tabcap == 0 ? 1024 : s->tabcap * 2;
		s->tab = xcalloc(s->tabcap, sizeof(*s->tab));
		for (i = 0; i < cap; i++) {
			if (old[i].b == NULL)
				continue;
			for (j = old[i].h & (s->tabcap - 1); s->tab[j].b != NULL;
			    j = (j + 1) & (s->tabcap - 1))
				continue;
			s->tab[j] = old[i];
		}
		free(old);
	}
	for (i = h & (s->tabcap - 1); s->tab[i].b != NULL;
	    i = (i + 1) & (s->tabcap - 1))
		continue;
	s->tab[i].h = h;
	s->tab[i].b = b;
	s->tab[i].len = n;
	s->tab[i].node = node;
	s->states++;
}

static int
chan_bit(struct search *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->nchans; i++) {
		if (strcmp(s->chans[i], name) == 0)
			return ((int)(i < 63 ? i : 63));
	}
	s->chans = xreallocarray(s->chans, s->nchans + 1, sizeof(*s->chans));
	s->chans[s->nchans] = xstrdup(name);
	return ((int)(s->nchans < 63 ? s->nchans++ : (s->nchans++, 63)));
}

static uint64_t
chan_list(struct search *s, const char *list)
{
	char		*dup, *p, *one;
	uint64_t	 v = 0;

	if (strchr(list, '$') != NULL)
		return (POR_ALL);	/* a name made as it runs */
	dup = xstrdup(list);
	for (p = dup; (one = strsep(&p, ",")) != NULL; ) {
		if (*one != '\0')
			v |= (uint64_t)1 << chan_bit(s, one);
	}
	free(dup);
	return (v);
}

/* The channels an instruction of ru's touches, as bits. */
static uint64_t
touches(struct search *s, const struct runner *ru, const struct ins *in)
{
	const struct cmd_entry	*ce;
	const char		*op;
	char			 mbox[NAME_LEN + 2];
	uint64_t		 v = 0;
	size_t			 i;
	bool			 any = false;

	if (in->kind == INS_SLEEP)
		return (0);
	if (in->kind != INS_OP || in->n == 0)
		return (POR_ALL);	/* expect: may look at anything */
	op = in->w[0].s;
	if (strcmp(op, "send") != 0 && strcmp(op, "recv") != 0 &&
	    strcmp(op, "poll") != 0 && strcmp(op, "call") != 0)
		return (POR_ALL);	/* reply, exit, ...: others too */
	ce = op_lookup(op);
	for (i = 1; i < in->n; i++) {
		if (cmd_is_option(ce, &in->w[i])) {
			if (cmd_opt_has_value(ce, in->w[i].s))
				i++;
			continue;
		}
		v |= chan_list(s, in->w[i].s);
		any = true;
		if (strcmp(op, "poll") != 0)
			break;		/* then the message */
	}
	if (!any && strcmp(op, "recv") == 0) {
		(void)snprintf(mbox, sizeof(mbox), "@%s", ru->name);
		v |= (uint64_t)1 << chan_bit(s, mbox);
	}
	return (v);
}

/* An expect a model cannot answer (the transcript, the kernel), or NULL. */
static const char *
unmodeled_expect(const struct ins *in)
{
	size_t	i;

	if (in->kind != INS_EXPECT)
		return (NULL);
	for (i = 0; i < in->n; i++) {
		if (in->w[i].quoted)
			continue;
		if (strcmp(in->w[i].s, "saw") == 0)
			return ("expect saw looks at the transcript, which "
			    "explore's model does not write");
		if (strcmp(in->w[i].s, "wchan") == 0)
			return ("expect ... wchan looks at the kernel, and "
			    "explore's model has no process in it");
	}
	/* expect c bytes N: counters are what happened, not a state. */
	if (in->n >= 3 && !in->w[2].quoted && (strcmp(in->w[2].s, "messages")
	    == 0 || strcmp(in->w[2].s, "bytes") == 0 || strcmp(in->w[2].s,
	    "copies") == 0 || strcmp(in->w[2].s, "wakeups") == 0 ||
	    strcmp(in->w[2].s, "drops") == 0 || strcmp(in->w[2].s, "dups") ==
	    0 || strcmp(in->w[2].s, "reorders") == 0))
		return ("an expect on a channel's counters: they count what "
		    "happened, which explore's states do not keep");
	return (NULL);
}

/* What each runner may ever touch; a cause when it cannot be searched. */
static char *
futures(struct search *s, struct ctx *c)
{
	struct runner	*ru;
	size_t		 k, i;
	const char	*why;
	char		*cause;

	s->nrun = c->play->nrun;
	s->future = xcalloc(s->nrun + 1, sizeof(*s->future));
	s->touch = xcalloc(s->nrun + 1, sizeof(*s->touch));
	for (k = 0; k < s->nrun; k++) {
		ru = &c->play->run[k];
		s->touch[k] = xcalloc(ru->prog->n + 1, sizeof(**s->touch));
		for (i = 0; i < ru->prog->n; i++) {
			s->touch[k][i] = touches(s, ru, &ru->prog->v[i]);
			s->future[k] |= s->touch[k][i];
			if (!ru->ended && (why = unmodeled_expect(
			    &ru->prog->v[i])) != NULL) {
				xasprintf(&cause, "%s (%s line %zu): %s",
				    ru->name, ru->prog->name, i + 1, why);
				return (cause);
			}
		}
	}
	return (NULL);
}

/* Who can go, as bits, and each one's next operation's channels. */
static uint64_t
can_go(struct search *s, struct ctx *c, uint64_t *next)
{
	struct runner	*ru;
	const struct ins *in;
	uint64_t	 enabled = 0;
	size_t		 k, at, n = s->nrun < 64 ? s->nrun : 64;
	bool		 blocked, polls;

	/* A poll waiting on two channels is woken by whichever is sent on
	   first: sends do not commute then. */
	polls = engine_poll_waits(c->e);
	for (k = 0; k < n; k++) {
		ru = &c->play->run[k];
		next[k] = POR_ALL;
		if (!runner_ready(c, ru, &blocked))
			continue;
		enabled |= (uint64_t)1 << k;
		if ((in = runner_next(ru, &at)) != NULL && !polls)
			next[k] = s->touch[k][at];
		else if (in != NULL && in->kind == INS_SLEEP)
			next[k] = 0;
	}
	return (enabled);
}

static size_t
node_add(struct search *s, size_t parent, size_t who, uint64_t sleep)
{
	struct node	*n;

	s->nodes = xreallocarray(s->nodes, s->nnodes + 1, sizeof(*s->nodes));
	n = &s->nodes[s->nnodes];
	n->parent = parent;
	n->who = (uint32_t)who;
	n->depth = parent == SIZE_MAX ? 0 : s->nodes[parent].depth + 1;
	n->sleep = sleep;
	n->expanded = false;
	return (s->nnodes++);
}

static void
push(struct search *s, struct ctx *c, size_t node, uint64_t want,
    size_t cost)
{
	if ((s->qn & (s->qn - 1)) == 0)
		s->q = xreallocarray(s->q, s->qn == 0 ? 16 : s->qn * 2,
		    sizeof(*s->q));
	s->q[s->qn].c = c;
	s->q[s->qn].node = node;
	s->q[s->qn].want = want;
	s->q[s->qn].cost = c != NULL ? cost + COPY_COST : 0;
	s->mem += s->q[s->qn].cost;
	s->qn++;
}

/* A state the search let go of, made again: its schedule from the start. */
static struct ctx *
rebuild(struct search *s, size_t node)
{
	struct ctx	*c;
	uint32_t	*path;
	size_t		 n, i;
	char		*why;

	if ((c = sim_new(s->root, true, &why)) == NULL) {
		free(why);
		return (NULL);
	}
	n = path_to(s, node, &path);
	for (i = 0; i < n; i++)
		(void)step(c, path[i]);
	free(path);
	return (c);
}

static void
progress(struct search *s, struct ctx *ctx, size_t depth)
{
	uint64_t	now = now_ms();

	if (ctx->json || ctx->print_hook != NULL || !isatty(STDERR_FILENO) ||
	    now - s->shown < 250)
		return;
	s->shown = now;
	fprintf(stderr, "\rexplore: %zu state%s, depth %zu ...  ", s->states,
	    s->states == 1 ? "" : "s", depth);
	fflush(stderr);
}

/*
 * The search from the start (s->root): breadth-first, every state stored
 * (by its bytes) with the runners asleep in it (core/por.c).  A problem
 * stops it: s->result, and s->at its node.
 */
static void
search(struct search *s, struct ctx *ctx)
{
	struct ctx	*c, *from;
	struct runner	*ru;
	unsigned char	*b;
	char		*why;
	uint64_t	 next[64], enabled, want, z, prior, nz, missing;
	size_t		 k, n, node, depth, old;
	enum result	 r;

	if ((from = sim_new(s->root, true, &why)) == NULL) {
		free(why);
		return;
	}
	n = state_of(from, &b);
	seen_add(s, b, n, 0);
	s->mem += n;
	push(s, from, node_add(s, SIZE_MAX, 0, 0), UINT64_MAX,
	    engine_mem_used(from->e));
	while (s->qhead < s->qn) {
		struct item it = s->q[s->qhead];

		s->q[s->qhead++].c = NULL;
		s->mem -= it.cost;
		depth = s->nodes[it.node].depth;
		progress(s, ctx, depth);
		if (ui_stopping()) {
			s->interrupted = true;
			sim_free(it.c);
			break;
		}
		if (it.c == NULL && (it.c = rebuild(s, it.node)) == NULL)
			continue;
		enabled = can_go(s, it.c, next);
		z = s->full ? 0 : s->nodes[it.node].sleep;
		want = enabled & ~z & it.want;
		if (want != 0 && s->max_depth >= 0 &&
		    depth >= (size_t)s->max_depth) {
			s->cut_depth = true;
			want = 0;
		}
		prior = 0;
		for (k = 0; k < s->nrun && k < 64; k++) {
			if (!(want >> k & 1))
				continue;
			if ((c = sim_new(it.c, true, &why)) == NULL) {
				free(why);	/* cannot be: it is a model */
				continue;
			}
			s->tried++;
			r = step(c, k);
			if (r == X_UNMODELED) {
				ru = &c->play->run[k];
				xasprintf(&s->unmodeled, "%s (%s line %zu): %s",
				    ru->name, ru->prog->name, ru->cur + 1,
				    ru->error != NULL ? ru->error : "not modeled");
			}
			if (r != X_NONE) {
				s->result = r;
				s->at = node_add(s, it.node, k, 0);
				sim_free(c);
				sim_free(it.c);
				return;
			}
			nz = s->full ? 0 : por_sleep(next, s->nrun, z | prior, k);
			prior |= (uint64_t)1 << k;
			n = state_of(c, &b);
			if ((old = seen_find(s, b, n)) != SIZE_MAX) {
				free(b);
				sim_free(c);
				/* Met sooner than it was (a re-expansion): the
				   shorter way to it is its way now. */
				if (s->nodes[old].depth > depth + 1) {
					s->nodes[old].parent = it.node;
					s->nodes[old].who = (uint32_t)k;
					s->nodes[old].depth = (uint32_t)depth + 1;
				}
				/* Met again with fewer asleep: try those too. */
				missing = s->nodes[old].sleep & ~nz;
				if (missing == 0)
					continue;
				s->nodes[old].sleep &= nz;
				if (s->nodes[old].expanded)
					push(s, NULL, old, missing, 0);
				continue;
			}
			if (s->mem + n + engine_mem_used(c->e) + COPY_COST >
			    MEM_BUDGET)
				s->cut_mem = true;
			if (s->states >= (size_t)s->max_states || s->cut_mem) {
				s->cut_states = !s->cut_mem;
				free(b);
				sim_free(c);
				sim_free(it.c);
				return;
			}
			node = node_add(s, it.node, k, nz);
			seen_add(s, b, n, node);
			s->mem += n + sizeof(struct node) + sizeof(struct slot);
			push(s, c, node, UINT64_MAX, engine_mem_used(c->e));
		}
		s->nodes[it.node].expanded = true;
		sim_free(it.c);
	}
}

/* The schedule to node at, first step first, as runner indexes. */
size_t
path_to(struct search *s, size_t at, uint32_t **out)
{
	size_t		 n = 0, i;
	uint32_t	*v;

	for (i = at; s->nodes[i].parent != SIZE_MAX; i = s->nodes[i].parent)
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = at; s->nodes[i].parent != SIZE_MAX; i = s->nodes[i].parent)
		v[--n + 0] = s->nodes[i].who;
	*out = v;
	return (s->nodes[at].depth);
}

/*
 * The start: a model of the playground, leaving out the channels no
 * program names (a pipe, a lossy channel, shown beside the programs),
 * unless a program may name one as it runs.
 */
static struct ctx *
root_new(struct search *s, struct ctx *ctx, char **cause)
{
	struct chan_info	 ci;
	struct ctx		*c;
	char			**out = NULL;
	size_t			 nout = 0, i, j, k;
	bool			 any = false;

	for (k = 0; k < s->nrun; k++) {
		if (!ctx->play->run[k].ended && s->future[k] == POR_ALL)
			any = true;
	}
	for (i = 0; !any && engine_chan_info(ctx->e, i, &ci); i++) {
		for (j = 0; j < s->nchans; j++) {
			if (strcmp(s->chans[j], ci.name) == 0)
				break;
		}
		if (j == s->nchans && !ci.mailbox) {
			out = xreallocarray(out, nout + 1, sizeof(*out));
			out[nout++] = xstrdup(ci.name);
		}
		chan_info_free(&ci);
	}
	c = sim_new_out(ctx, true, (const char *const *)out, nout, cause);
	strv_free(out, nout);
	return (c);
}

static enum cmd_result
cmd_explore_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	const struct arg_opt	*o;
	struct play		*pl = play_observed(ctx);
	struct search		 s;
	struct said		 said;
	struct sb		 js;
	const char		*save = NULL;
	char			*cause, **steps = NULL, **chart = NULL;
	char			**shown = NULL;
	uint32_t		*path = NULL;
	size_t			 i, np = 0, nchart = 0;
	uint64_t		 ms;
	enum cmd_result		 r = CMD_OK;

	memset(&s, 0, sizeof(s));
	s.max_states = STATES_DEFAULT;
	s.max_depth = -1;
	s.full = args_opt(a, "--full") != NULL;
	if ((o = args_opt(a, "--save")) != NULL)
		save = o->val->s;
	if ((o = args_opt(a, "--depth")) != NULL)
		s.max_depth = o->num;
	if ((o = args_opt(a, "--max-states")) != NULL) {
		s.max_states = o->num;
		s.states_given = true;
	}
	if (save != NULL && ctx->no_files)
		return (cmd_fail(ctx, &w[0], "writing files is off here"));
	if (save != NULL) {
		/* Before the search, not after it: is there a place for it? */
		char *dir = xstrdup(save), *slash = strrchr(dir, '/');

		if (slash != NULL)
			*(slash == dir ? slash + 1 : slash) = '\0';
		if (save[0] == '\0' || access(slash != NULL ? dir : ".",
		    W_OK) == -1) {
			r = cmd_fail(ctx, &w[0], "explore: cannot write %s: %s",
			    save, save[0] == '\0' ? "no file name" :
			    strerror(errno));
			free(dir);
			return (r);
		}
		free(dir);
	}
	if (pl->nrun == 0)
		return (cmd_fail(ctx, &w[0], "no program to explore: give a "
		    "process one with P run NAME"));
	if (pl->nrun > 64)
		return (cmd_fail(ctx, &w[0], "explore searches at most 64 "
		    "programs at once"));
	/* Programs whose process has gone (or is another now) have ended. */
	runner_sweep(ctx);
	if ((cause = futures(&s, ctx)) != NULL ||
	    (s.root = root_new(&s, ctx, &cause)) == NULL) {
		r = cmd_fail(ctx, &w[0], "explore: %s", cause);
		free(cause);
		s.result = X_UNMODELED;
	} else {
		runner_sweep(s.root);
		if (already_deadlocked(ctx, &w[0])) {
			s.result = X_UNMODELED;
			r = CMD_OK;
		} else {
			s.t0 = now_ms();
			search(&s, ctx);
		}
	}
	ms = now_ms() - s.t0;
	if (s.shown != 0)
		fprintf(stderr, "\r%60s\r", "");
	for (i = s.qhead; i < s.qn; i++)
		sim_free(s.q[i].c);
	sb_init(&js);
	sb_puts(&js, "");
	memset(&said, 0, sizeof(said));
	if (s.result == X_UNMODELED) {
		if (s.unmodeled != NULL)
			r = cmd_fail(ctx, &w[0], "explore: %s", s.unmodeled);
		s.result = X_NONE;
		goto out;
	}
	if (s.result != X_NONE) {
		np = path_to(&s, s.at, &path);
		retrace(ctx, s.root, path, np, &steps, &shown, &js, &said,
		    &chart, &nchart);
		/* replay, bare, takes it; --save keeps it in a file. */
		strv_free(pl->saved, pl->nsaved);
		pl->saved = xcalloc(np + 1, sizeof(*pl->saved));
		for (i = 0; i < np; i++)
			pl->saved[i] = xstrdup(steps[i]);
		pl->nsaved = np;
	}
	report(ctx, &s, &js, shown, np, &said, chart, nchart, ms);
	if (save != NULL && s.result != X_NONE) {
		if (sched_write(save, steps, np, &cause) == -1) {
			r = cmd_fail(ctx, &w[0], "explore: %s", cause);
			free(cause);
		} else
			out_line(ctx, "explore: the schedule is in %s (replay "
			    "%s)", save, save);
	} else if (save != NULL)
		out_line(ctx, "explore: nothing found, so nothing saved in %s",
		    save);
out:
	free(s.unmodeled);
	sb_free(&js);
	strv_free(steps, np);
	strv_free(shown, np);
	strv_free(said.lines, said.n);
	if (chart != NULL)
		msc_lines_free(chart, nchart);
	free(path);
	for (i = 0; i < s.tabcap; i++)
		free(s.tab[i].b);
	free(s.tab);
	sim_free(s.root);
	free(s.q);
	free(s.nodes);
	free(s.future);
	for (i = 0; s.touch != NULL && i < s.nrun; i++)
		free(s.touch[i]);
	free(s.touch);
	strv_free(s.chans, s.nchans);
	return (r);
}

static const struct cmd_opt explore_opts[] = {
	{ "--max-states", A_NUMBER, "N", 1, 100000000, "max-states", NULL, NULL },
	{ "--depth", A_NUMBER, "N", 1, 100000000, "depth", NULL, NULL },
	OPT_FLAG("--full"),
	{ "--save", A_FILE, "FILE", 0, 0, NULL, NULL, NULL },
	OPT_END
};

const struct cmd_entry cmd_explore_entry = {
	.name = "explore",
	.help = "Search every interleaving of the loaded programs, from the "
	    "state the playground is in, for a deadlock, a failed expect in a "
	    "program or an error, on a model of the playground (no process "
	    "runs).  Breadth-first, so the schedule it reports is a shortest "
	    "one; replay then drives the real processes through it.  "
	    "Independent operations are not reordered needlessly (--full "
	    "tries every order).  --max-states N (20000 by default) and "
	    "--depth N bound the search, and the report says when they cut "
	    "it; --save FILE keeps the schedule for replay FILE.",
	.example = "explore --max-states 50000",
	.whole = true,		/* "exp" stays expect */
	.min_args = 0, .max_args = 0,
	.opts = explore_opts,
	.exec = cmd_explore_exec,
};
