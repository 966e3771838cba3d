/*
 * Looking inside the playground: what ps, channels, the dashboard and
 * the checks of expect see.  A process's or channel's state is copied
 * into a proc_info or chan_info; a process's kernel state is read from
 * /proc.  Nothing here changes the playground.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

size_t
engine_nprocs(const struct engine *e)
{
	return (e->nprocs);
}

/*
 * An agent the broker calls idle or blocked may still be on its way back
 * into read() for a few microseconds: running, or asleep but still on a
 * CPU (then /proc has no wait channel yet).  Before showing the kernel's
 * state letters (ps), give each a moment (at most 10 ms in all) to
 * settle.
 */
static bool
proc_settling(pid_t pid)
{
	char	wchan[48];
	char	st;

	if ((st = proc_kstate(pid)) == 'R')
		return (true);
	if (st != 'S')
		return (false);
	proc_wchan(pid, wchan, sizeof(wchan));
	return (wchan[0] == '\0');
}

void
engine_settle_kstates(struct engine *e)
{
	struct timespec	 ts = { 0, 200000 };
	struct proc	*p;
	int		 i;

	for (i = 0; i < 50; i++) {
		TAILQ_FOREACH(p, &e->procs, entry) {
			if ((p->state == PS_IDLE || p->state == PS_BLOCKED) &&
			    proc_settling(p->pid))
				break;
		}
		if (p == NULL)
			return;
		nanosleep(&ts, NULL);
	}
}

static void
proc_fill_info(struct proc *p, struct proc_info *pi, bool kernel)
{
	memset(pi, 0, sizeof(*pi));
	pi->name = p->name;
	pi->pid = p->pid;
	pi->state = p->state;
	if (p->op != NULL && p->state != PS_EXITED) {
		pi->op = p->op->kind;
		pi->chan = p->op->spec;
		if (p->op->kind == OP_SEND && !p->op->atomic &&
		    p->op->nnames > 1 && p->op->next < p->op->nnames)
			pi->chan = p->op->names[p->op->next];
		if (p->op->call)
			pi->op = OP_CALL;
		pi->kernel = p->op->kernel;
		if (p->op->kind == OP_CALL && p->op->callee != NULL)
			pi->callee = p->op->callee->name;
	}
	pi->kstate = '-';
	if (kernel && p->state != PS_EXITED) {
		pi->kstate = proc_kstate(p->pid);
		proc_wchan(p->pid, pi->wchan, sizeof(pi->wchan));
		if (p->state == PS_BLOCKED && pi->kernel)
			kchan_syscall(p->pid, pi->syscall,
			    sizeof(pi->syscall));
	}
	pi->exit_code = p->exit_code;
	pi->exit_sig = p->exit_sig;
	pi->dying = p->dying && p->state != PS_EXITED;
	pi->has_last = p->has_last;
	pi->last = p->last;
	pi->last_len = p->last_len;
	pi->caught = p->caught;
}

bool
engine_proc_info(struct engine *e, size_t i, struct proc_info *pi)
{
	struct proc	*p;
	size_t		 k = 0;

	/*
	 * Callers walk i = 0, 1, 2 ...: go on from where the last call
	 * stopped (any change to the list forgets the place), so a walk
	 * is linear, not quadratic.
	 */
	p = TAILQ_FIRST(&e->procs);
	if (e->pcur != NULL && i >= e->pcur_i) {
		p = e->pcur;
		k = e->pcur_i;
	}
	for (; p != NULL; p = TAILQ_NEXT(p, entry)) {
		if (p->retired)
			continue;
		if (k++ == i) {
			e->pcur = p;
			e->pcur_i = i;
			proc_fill_info(p, pi, true);
			return (true);
		}
	}
	return (false);
}

bool
engine_proc_find(struct engine *e, const char *name, struct proc_info *pi)
{
	struct proc	*p;

	if ((p = proc_find(e, name)) == NULL)
		return (false);
	proc_fill_info(p, pi, true);
	return (true);
}

/*
 * The same without asking the kernel (no kstate, wchan or syscall): for
 * a scheduler that looks many times a millisecond.
 */
bool
engine_proc_peek(struct engine *e, const char *name, struct proc_info *pi)
{
	struct proc	*p;

	if ((p = proc_find(e, name)) == NULL)
		return (false);
	proc_fill_info(p, pi, false);
	return (true);
}

static const char **
waitq_names(struct waitq *q, size_t n)
{
	const char	**v;
	struct waiter	 *w;
	size_t		  i = 0;

	v = xcalloc(n + 1, sizeof(*v));
	TAILQ_FOREACH(w, q, entry) {
		if (i < n)
			v[i++] = w->proc->name;
	}
	return (v);
}

static void
chan_fill_info(struct engine *e, struct chan *c, struct chan_info *ci)
{
	struct msg	*m;
	size_t		 i;

	(void)e;
	memset(ci, 0, sizeof(*ci));
	ci->name = c->name;
	ci->mailbox = c->owner != NULL;
	ci->buffering = c->buffering;
	ci->capacity = chan_capacity(c);
	ci->format = c->format;
	ci->fixed_len = c->fixed_len;
	ci->delivery = c->delivery;
	ci->drop = c->drop;
	ci->dup = c->dup;
	ci->reorder = c->reorder;
	ci->max_bytes = c->max_bytes;
	ci->fill = chan_fill(c);
	ci->bytes = c->bytes;
	ci->nmsgs = c->nmsgs;
	ci->msgs = xcalloc(c->nmsgs + 1, sizeof(*ci->msgs));
	i = 0;
	TAILQ_FOREACH(m, &c->msgs, entry) {
		ci->msgs[i].data = m->data;
		ci->msgs[i].len = m->len;
		i++;
	}
	ci->version = c->version;
	ci->nsenders = c->nsenders;
	ci->nreceivers = c->nreceivers;
	ci->npollers = c->npollers;
	ci->senders = waitq_names(&c->senders, c->nsenders);
	ci->receivers = waitq_names(&c->receivers, c->nreceivers);
	ci->pollers = waitq_names(&c->pollers, c->npollers);
	ci->nfrom = c->nfrom;
	ci->from = xcalloc(c->nfrom + 1, sizeof(*ci->from));
	for (i = 0; i < c->nfrom; i++)
		ci->from[i] = c->from[i]->name;
	ci->nto = c->nto;
	ci->to = xcalloc(c->nto + 1, sizeof(*ci->to));
	for (i = 0; i < c->nto; i++)
		ci->to[i] = c->to[i]->name;
	ci->c_messages = c->c_messages;
	ci->c_bytes = c->c_bytes;
	ci->c_copies = c->c_copies;
	ci->c_wakeups = c->c_wakeups;
	ci->c_drops = c->c_drops;
	ci->c_dups = c->c_dups;
	ci->c_reorders = c->c_reorders;
	ci->tapped = c->tapped;
	ci->filter = c->filter_src;
	ci->nbalance = c->nbalance;
	ci->balance = xcalloc(c->nbalance + 1, sizeof(*ci->balance));
	for (i = 0; i < c->nbalance; i++)
		ci->balance[i] = c->balance[i]->name;
	if (c->mech != MECH_MODELED)
		kchan_info(e, c, ci);
}

void
chan_info_free(struct chan_info *ci)
{
	free(ci->msgs);
	free(ci->senders);
	free(ci->receivers);
	free(ci->pollers);
	free(ci->from);
	free(ci->to);
	free(ci->balance);
	free(ci->holders);
	memset(ci, 0, sizeof(*ci));
}

bool
engine_chan_info(struct engine *e, size_t i, struct chan_info *ci)
{
	struct chan	*c;
	size_t		 k = 0;

	/* As engine_proc_info: a walk goes on from the last place. */
	c = TAILQ_FIRST(&e->chans);
	if (e->ccur != NULL && i >= e->ccur_i) {
		c = e->ccur;
		k = e->ccur_i;
	}
	for (; c != NULL; c = TAILQ_NEXT(c, entry)) {
		if (c->owner != NULL && c->owner->retired)
			continue;
		if (k++ == i) {
			e->ccur = c;
			e->ccur_i = i;
			chan_fill_info(e, c, ci);
			return (true);
		}
	}
	return (false);
}

bool
engine_chan_find(struct engine *e, const char *name, struct chan_info *ci)
{
	struct chan	*c;

	if ((c = chan_find(e, name)) == NULL)
		return (false);
	chan_fill_info(e, c, ci);
	return (true);
}

/*
 * Where P's current operation comes from: a program and its line (NULL:
 * typed), for the deadlock report's waits.
 */
int
engine_proc_where(struct engine *e, const char *name, const char *prog,
    int line)
{
	struct proc	*p;

	if ((p = proc_find(e, name)) == NULL)
		return (-1);
	free(p->prog);
	p->prog = prog != NULL ? xstrdup(prog) : NULL;
	p->prog_line = line;
	return (0);
}
