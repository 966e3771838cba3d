/*
 * The broker: the playground's kernel.  It owns the process table and the
 * channels, takes the front end's commands, and hands every event to the
 * observers; loop.c runs its one poll() loop over the agents' sockets and
 * the SIGCHLD self-pipe and fires timeouts.
 *
 * Quiescence is known, not guessed.  Every message the broker sends to an
 * agent that needs an answer (a command, a signal, a ping) increments the
 * process's "pending" count and every answer decrements it; a process
 * being killed is "dying" until it is reaped.  The system is quiet when no
 * live process has anything pending and none is dying; only then is the
 * wait-for graph examined, so a deadlock report never races a process
 * that is about to act.
 */

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static int	chld_write_fd = -1;

static void
engine_sigchld(int sig)
{
	int	saved = errno;
	char	c = 0;

	(void)sig;
	if (chld_write_fd != -1)
		(void)write(chld_write_fd, &c, 1);
	errno = saved;
}

uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
}

uint64_t
now_us(void)
{
	return (now_ns() / 1000);
}

uint64_t
now_ms(void)
{
	return (now_us() / 1000);
}

/* splitmix64: small, seedable, and identical on every machine. */
uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* FNV-1a over len bytes: to tell states and messages apart quickly. */
uint64_t
hash_bytes(const void *p, size_t len)
{
	const unsigned char	*b = p;
	uint64_t		 h = 14695981039346656037ULL;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return (h);
}

uint64_t
rng_next(struct engine *e)
{
	return (splitmix64(&e->rng));
}

double
rng_unit(struct engine *e)
{
	return ((double)(rng_next(e) >> 11) / (double)(1ULL << 53));
}

struct engine *
engine_new(const struct engine_config *cf)
{
	struct engine		*e;

	e = xcalloc(1, sizeof(*e));
	TAILQ_INIT(&e->procs);
	TAILQ_INIT(&e->chans);
	TAILQ_INIT(&e->dirtyq);
	e->rng = e->seed = cf != NULL ? cf->seed : 0;
	e->mem_cap = cf != NULL && cf->mem_cap != 0 ? cf->mem_cap :
	    MEM_CAP_DEFAULT;
	e->proc_max = cf != NULL && cf->proc_max != 0 &&
	    cf->proc_max < PROC_MAX ? cf->proc_max : PROC_MAX;
	e->sleep_max_ms = cf != NULL ? cf->sleep_max_ms : 0;
	e->self = getpid();
	e->intr_fd = -1;
	if (pipe2(e->chld_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		e->chld_pipe[0] = e->chld_pipe[1] = -1;
	}
	engine_rearm(e);
	return (e);
}

/*
 * Make e the engine that SIGCHLD wakes.  Only one engine listens at a
 * time; a front end that runs a second playground for a while (a lesson
 * played from the shell) rearms the first one afterwards.
 */
void
engine_rearm(struct engine *e)
{
	struct sigaction	sa;

	chld_write_fd = e->chld_pipe[1];
	e->want_reap = true;	/* exits while another engine listened */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = engine_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, NULL);
}

/*
 * End every process (SIGKILL, reaped at once) and free every process and
 * channel: what engine_free and engine_reset share.
 */
static void
engine_clear(struct engine *e)
{
	struct proc	*p, *tp;
	struct chan	*c, *tc;
	size_t		 i;
	int		 status;

	/* No child outlives the playground (a model has none). */
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state != PS_EXITED && !e->model)
			(void)kill(p->pid, SIGKILL);
		if (p->op != NULL)
			p->op->target_proc = NULL;	/* all are freed */
	}
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_EXITED)
			continue;
		while (!e->model && waitpid(p->pid, &status, 0) == -1 &&
		    errno == EINTR)
			continue;
		proc_close(p);
		p->state = PS_EXITED;
	}
	TAILQ_FOREACH_SAFE(p, &e->procs, entry, tp) {
		if (p->op != NULL) {
			op_unwait(p);
			op_free(p->op);
		}
		kbatch_free(p);
		free(p->last);
		free(p->deferred);
		free(p->prog);
		free(p);
	}
	TAILQ_INIT(&e->procs);
	TAILQ_FOREACH_SAFE(c, &e->chans, entry, tc)
		chan_destroy(e, c);
	TAILQ_INIT(&e->chans);
	e->pcur = NULL;
	e->ccur = NULL;
	TAILQ_INIT(&e->dirtyq);
	for (i = 0; i < e->ndl_prev; i++)
		free(e->dl_prev[i]);
	free(e->dl_prev);
	e->dl_prev = NULL;
	e->ndl_prev = 0;
	for (i = 0; i < e->nlater; i++) {
		free(e->later[i].msg);
		free(e->later[i].text);
	}
	free(e->later);
	e->later = NULL;
	e->nlater = 0;
	e->nprocs = e->nlive = e->nchans = e->nretired = 0;
	e->mem_used = 0;
	e->wfg_dirty = false;
	e->rdv_note_given = false;
	e->epipe_note_given = false;
}

void
engine_free(struct engine *e)
{
	struct sigaction sa;

	if (e == NULL)
		return;
	engine_clear(e);
	kbatch_engine_free(e);
	if (!e->model) {	/* a model never took SIGCHLD */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		(void)sigaction(SIGCHLD, &sa, NULL);
		chld_write_fd = -1;
	}
	if (e->chld_pipe[0] != -1) {
		close(e->chld_pipe[0]);
		close(e->chld_pipe[1]);
	}
	free(e->pfds);
	free(e->pfd_procs);
	free(e->obs);
	free(e);
}

/*
 * An empty playground again, without leaving: every process ended, every
 * channel gone, the random choices from the seed again.  Observers, the
 * event numbering and the limits stay.
 */
void
engine_reset(struct engine *e)
{
	struct event	ev;
	size_t		np = 0, nc = 0;
	struct proc	*p;
	struct chan	*c;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (!p->retired && p->state != PS_EXITED)
			np++;
	}
	TAILQ_FOREACH(c, &e->chans, entry) {
		if (c->owner == NULL)
			nc++;
	}
	engine_clear(e);
	e->rng = e->seed;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_RESET;
	ev.size = np;
	ev.fill = nc;
	engine_event(e, &ev);
}

void
engine_observe(struct engine *e, event_fn fn, void *arg)
{
	e->obs = xreallocarray(e->obs, e->nobs + 1, sizeof(*e->obs));
	e->obs[e->nobs].fn = fn;
	e->obs[e->nobs].arg = arg;
	e->nobs++;
}

uint64_t
engine_next_seq(struct engine *e)
{
	return (++e->seq);
}

void
engine_event(struct engine *e, struct event *ev)
{
	size_t	i;

	ev->seq = ++e->seq;
	for (i = 0; i < e->nobs; i++)
		e->obs[i].fn(ev, e->obs[i].arg);
}

void
engine_emit(struct engine *e, struct event *ev)
{
	engine_event(e, ev);
}

struct proc *
proc_find(const struct engine *e, const char *name)
{
	struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (!p->retired && strcmp(p->name, name) == 0)
			return (p);
	}
	return (NULL);
}

struct chan *
chan_find(const struct engine *e, const char *name)
{
	struct chan	*c;
	struct proc	*p;

	if (name[0] == '@') {
		if ((p = proc_find(e, name + 1)) == NULL)
			return (NULL);
		return (p->mailbox);
	}
	TAILQ_FOREACH(c, &e->chans, entry) {
		if (c->owner == NULL && strcmp(c->name, name) == 0)
			return (c);
	}
	return (NULL);
}

bool
engine_is_proc(const struct engine *e, const char *name)
{
	return (proc_find(e, name) != NULL);
}

bool
engine_is_chan(const struct engine *e, const char *name)
{
	return (chan_find(e, name) != NULL);
}

int
engine_spawn(struct engine *e, const char *name, char **cause)
{
	struct proc		*p, *old;
	struct chan_config	 cf;
	struct event		 ev;

	if (!name_valid(name)) {
		xasprintf(cause, "bad process name '%s'", name);
		return (-1);
	}
	if ((p = proc_find(e, name)) != NULL && (p->state != PS_EXITED ||
	    p->dying)) {
		xasprintf(cause, "process %s already exists", name);
		return (-1);
	}
	if (e->nprocs - e->nretired >= e->proc_max) {
		xasprintf(cause, "too many processes (at most %zu)",
		    e->proc_max);
		return (-1);
	}
	if (chan_find(e, name) != NULL) {
		xasprintf(cause, "%s is already a channel", name);
		return (-1);
	}
	old = p;
	p = xcalloc(1, sizeof(*p));
	strlcpy(p->name, name, sizeof(p->name));
	p->fd = p->wake_fd = p->ctl_fd = -1;
	p->idx = e->nprocs;
	if (proc_fork(e, p, cause) == -1) {
		free(p);
		return (-1);
	}
	/*
	 * An exited process's name is free again.  The old process stays
	 * behind the scenes, with the channels that named it: a new A is
	 * not the A a channel's from list or a capability meant.
	 */
	if (old != NULL) {
		old->retired = true;
		e->nretired++;
		msg_free_all(e, old->mailbox);	/* nobody can read it now */
	}
	TAILQ_INSERT_TAIL(&e->procs, p, entry);
	e->pcur = NULL;			/* the list changed */
	e->nprocs++;
	e->nlive++;
	memset(&cf, 0, sizeof(cf));
	cf.buffering = BUF_UNBOUNDED;
	p->mailbox = chan_new(e, name, &cf, p);
	e->wfg_dirty = true;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SPAWN;
	ev.proc = p->name;
	ev.pid = p->pid;
	engine_event(e, &ev);
	return (0);
}

static int
sig_check(int sig, char **cause)
{
	char	buf[32];

	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU) {
		xasprintf(cause, "signal %s would stop the process, which "
		    "ipcplay does not model", sig_name(sig, buf, sizeof(buf)));
		return (-1);
	}
	return (0);
}

int
engine_kill(struct engine *e, const char *name, int sig, char **cause)
{
	struct proc	*p;
	struct event	 ev;

	if ((p = proc_find(e, name)) == NULL) {
		xasprintf(cause, "no such process: %s", name);
		return (-1);
	}
	if (p->state == PS_EXITED || p->dying) {
		xasprintf(cause, "%s has exited", name);
		return (-1);
	}
	if (sig_check(sig, cause) == -1)
		return (-1);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SIGNAL;
	ev.peer = "ipcplay";
	ev.proc = p->name;
	ev.sig = sig;
	if (kill(p->pid, sig) == -1) {
		ev.status = ST_ERROR;
		ev.error = strerror(errno);
		engine_event(e, &ev);
		xasprintf(cause, "kill %s: %s", name, strerror(errno));
		return (-1);
	}
	engine_event(e, &ev);
	proc_ping(e, p);	/* answered once its handler has reported */
	return (0);
}

int
engine_channel(struct engine *e, const char *name,
    const struct chan_config *cf, char **cause)
{
	struct chan_config kcf;
	struct chan_info ci;
	struct chan	*c;
	struct event	 ev;
	size_t		 i;

	if (!name_valid(name)) {
		xasprintf(cause, "bad channel name '%s'", name);
		return (-1);
	}
	if (chan_find(e, name) != NULL) {
		xasprintf(cause, "channel %s already exists", name);
		return (-1);
	}
	if (e->nchans >= CHAN_MAX + e->nprocs) {
		xasprintf(cause, "too many channels (at most %d)", CHAN_MAX);
		return (-1);
	}
	if (proc_find(e, name) != NULL) {
		xasprintf(cause, "%s is already a process", name);
		return (-1);
	}
	for (i = 0; i < cf->nfrom; i++) {
		if (proc_find(e, cf->from[i]) == NULL) {
			xasprintf(cause, "no such process: %s", cf->from[i]);
			return (-1);
		}
	}
	for (i = 0; i < cf->nto; i++) {
		if (proc_find(e, cf->to[i]) == NULL) {
			xasprintf(cause, "no such process: %s", cf->to[i]);
			return (-1);
		}
	}
	if (cf->mechanism != MECH_MODELED) {
		/* Its ends, not from/to lists, say who may do what. */
		memset(&kcf, 0, sizeof(kcf));
		kcf.buffering = BUF_BOUNDED;
		kcf.format = cf->mechanism == MECH_MQ ||
		    (cf->mechanism == MECH_SOCKETPAIR &&
		    cf->socktype != SOCK_STREAM) ? FMT_DATAGRAM : FMT_STREAM;
		c = chan_new(e, name, &kcf, NULL);
		if (kchan_create(e, c, cf, cause) == -1) {
			TAILQ_REMOVE(&e->chans, c, entry);
			e->ccur = NULL;
			e->nchans--;
			chan_destroy(e, c);
			return (-1);
		}
	} else
		c = chan_new(e, name, cf, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_CHANNEL;
	ev.chan = c->name;
	ev.buffering = c->buffering;
	ev.capacity = chan_capacity(c);
	ev.format = c->format;
	ev.fixed_len = c->fixed_len;
	ev.delivery = c->delivery;
	ev.mechanism = c->mech;
	ev.socktype = c->socktype;
	memset(&ci, 0, sizeof(ci));
	if (c->mech != MECH_MODELED) {
		kchan_info(e, c, &ci);
		ev.holders = ci.holders;
		ev.capacity = (long)c->capacity;
	}
	engine_event(e, &ev);
	chan_info_free(&ci);
	return (0);
}

int
engine_close(struct engine *e, const char *name, char **cause)
{
	struct chan	*c, *o;
	struct event	 ev;
	struct waiter	*w;
	struct proc	*p;
	struct event	 uev;
	size_t		 i, j;

	if ((c = chan_find(e, name)) == NULL) {
		xasprintf(cause, "no such channel: %s", name);
		return (-1);
	}
	if (c->owner != NULL) {
		xasprintf(cause, "%s is a mailbox; it closes when %s exits",
		    name, c->owner->name);
		return (-1);
	}
	if (kchan_close_busy(e, c, cause) ||
	    (c->mech != MECH_MODELED && kchan_close(e, c, cause) == -1))
		return (-1);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_CLOSE;
	ev.chan = c->name;
	ev.fill = chan_fill(c);
	engine_event(e, &ev);
	/* Every waiter ends with "channel closed". */
	for (;;) {
		if ((w = TAILQ_FIRST(&c->senders)) == NULL &&
		    (w = TAILQ_FIRST(&c->receivers)) == NULL &&
		    (w = TAILQ_FIRST(&c->pollers)) == NULL)
			break;
		p = w->proc;
		memset(&uev, 0, sizeof(uev));
		op_finish(e, p, ST_ERROR, "channel closed", &uev);
	}
	/* So does an operation that would use c later (a multi-send). */
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->op == NULL || p->op->chans == NULL)
			continue;
		for (i = 0; i < p->op->nnames; i++) {
			if (p->op->chans[i] == c) {
				memset(&uev, 0, sizeof(uev));
				op_finish(e, p, ST_ERROR, "channel closed",
				    &uev);
				break;
			}
		}
	}
	/* A balancer forwarding to c forgets it. */
	TAILQ_FOREACH(o, &e->chans, entry) {
		for (i = 0, j = 0; i < o->nbalance; i++) {
			if (o->balance[i] != c)
				o->balance[j++] = o->balance[i];
		}
		o->nbalance = j;
	}
	TAILQ_REMOVE(&e->chans, c, entry);
	e->ccur = NULL;
	e->nchans--;
	chan_destroy(e, c);
	e->wfg_dirty = true;
	return (0);
}

/* An operation refused before it started: its event, status error. */
static void
submit_refused(struct engine *e, struct proc *p, const struct op_request *rq,
    const char *why)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	switch (rq->kind) {
	case OP_SEND:
		ev.type = EV_SEND;
		ev.msg = rq->msg;
		ev.len = rq->len;
		ev.has_msg = true;
		break;
	case OP_CALL:
		ev.type = EV_CALL;
		ev.msg = rq->msg;
		ev.len = rq->len;
		ev.has_msg = true;
		break;
	case OP_RECV:
		ev.type = EV_RECV;
		break;
	case OP_REPLY:
	case OP_REPLYRECV:
		ev.type = EV_REPLY;
		break;
	case OP_POLL:
		ev.type = EV_POLL;
		ev.chans = (const char *const *)rq->chans;
		ev.nchans = rq->nchans;
		break;
	case OP_SIGNAL:
		ev.type = EV_SIGNAL;
		ev.peer = p->name;
		ev.proc = rq->target;
		ev.sig = rq->sig;
		ev.status = ST_ERROR;
		ev.error = why;
		engine_event(e, &ev);
		return;
	case OP_MASK:
	case OP_UNMASK:
		ev.type = EV_MASK;
		ev.op = rq->kind;
		ev.sig = rq->sig;
		break;
	default:
		return;
	}
	ev.proc = p->name;
	ev.op = rq->kind;
	ev.chan = rq->chanspec != NULL ? rq->chanspec : rq->nchans > 0 ?
	    rq->chans[0] : NULL;
	if (ev.chan == NULL && rq->kind == OP_RECV)
		ev.chan = p->mailbox->name;
	ev.capacity = -1;
	ev.status = ST_ERROR;
	ev.error = why;
	engine_event(e, &ev);
}

/*
 * Start a user operation: check that the process can take a command, then
 * hand the command to its agent.  The rest happens when the agent's
 * request arrives (op_start).
 */
/* A copy of rq that owns its names (and, with msg, its bytes). */
struct op_request *
op_request_dup(const struct op_request *rq, bool msg)
{
	struct op_request	*c;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	*c = *rq;
	c->chans = xcalloc(rq->nchans + 1, sizeof(*c->chans));
	for (i = 0; i < rq->nchans; i++)
		c->chans[i] = xstrdup(rq->chans[i]);
	c->chanspec = rq->chanspec != NULL ? xstrdup(rq->chanspec) : NULL;
	c->msg = msg ? xmemdup(rq->msg != NULL ? rq->msg :
	    (const unsigned char *)"", rq->len) : NULL;
	if (!msg)
		c->len = 0;
	c->target = c->via = NULL;	/* borrowed: a batch has none */
	return (c);
}

void
op_request_free(struct op_request *rq)
{
	size_t	i;

	if (rq == NULL)
		return;
	for (i = 0; i < rq->nchans; i++)
		free(rq->chans[i]);
	free(rq->chans);
	free((char *)(uintptr_t)rq->chanspec);
	free((unsigned char *)(uintptr_t)rq->msg);
	free(rq);
}

/* p's operation as rq asks it, its names and bytes copied. */
struct op *
op_make(struct proc *p, const struct op_request *rq)
{
	struct op	*op;
	size_t		 i;

	op = xcalloc(1, sizeof(*op));
	op->kind = rq->kind;
	/* Below 2^31: a batch's requests have that bit (mbatch.c). */
	p->next_id = (p->next_id + 1) & 0x7fffffff;
	op->id = p->next_id != 0 ? p->next_id : ++p->next_id;
	op->nnames = rq->nchans;
	op->names = xcalloc(rq->nchans + 1, sizeof(*op->names));
	for (i = 0; i < rq->nchans; i++)
		op->names[i] = xstrdup(rq->chans[i]);
	if (rq->kind == OP_RECV && rq->nchans == 0) {
		op->mailbox = true;
		op->nnames = 1;
		xasprintf(&op->names[0], "@%s", p->name);
	}
	if (rq->chanspec != NULL)
		op->spec = xstrdup(rq->chanspec);
	else if (op->nnames > 0)
		op->spec = xstrdup(op->names[0]);
	else
		op->spec = xstrdup("");
	op->msg = xmemdup(rq->msg != NULL ? rq->msg : (const unsigned char *)
	    "", rq->len);
	op->len = rq->len;
	op->nonblock = rq->nonblock;
	op->atomic = rq->atomic;
	op->writable = rq->writable;
	op->timeout_ms = rq->timeout_ms;
	op->max = rq->max;
	op->sig = rq->sig;
	op->code = rq->code;
	if (rq->target != NULL)
		op->target = xstrdup(rq->target);
	return (op);
}

int
engine_submit(struct engine *e, const char *name,
    const struct op_request *rq, char **cause)
{
	struct proc	*p, *t = NULL;
	struct op	*op;
	struct chan	*kc = NULL;
	struct kend	*ke = NULL;
	int32_t		 v[2];
	char		 buf[32];
	int		 r, kr;

	if ((p = proc_find(e, name)) == NULL) {
		xasprintf(cause, "no such process: %s", name);
		return (-1);
	}
	if (p->state == PS_EXITED || p->dying) {
		xasprintf(cause, "%s has exited", name);
		return (-1);
	}
	if (p->state == PS_BLOCKED && p->op != NULL) {
		submit_refused(e, p, rq, "process is blocked");
		if (p->op->kind == OP_CALL && p->op->callee != NULL)
			xasprintf(cause, "%s is waiting for %s's reply to its "
			    "call on %s", name, p->op->callee->name,
			    p->op->spec);
		else
			xasprintf(cause, "%s is blocked in %s on %s", name,
			    op_name(p->op->call ? OP_CALL : p->op->kind),
			    p->op->spec);
		return (-1);
	}
	if (p->state == PS_BUSY) {
		xasprintf(cause, "%s is busy", name);
		return (-1);
	}
	if (rq->kind == OP_SIGNAL || rq->kind == OP_MASK ||
	    rq->kind == OP_UNMASK) {
		if (rq->sig == SIGKILL || rq->sig == SIGSTOP) {
			if (rq->kind != OP_SIGNAL) {
				xasprintf(cause, "%s cannot be masked",
				    sig_name(rq->sig, buf, sizeof(buf)));
				return (-1);
			}
		}
		if (rq->kind == OP_SIGNAL && sig_check(rq->sig, cause) == -1)
			return (-1);
	}
	if (rq->kind == OP_SIGNAL && ((t = proc_find(e, rq->target)) ==
	    NULL || t->state == PS_EXITED)) {
		/*
		 * Never kill(2) the pid of a process we have reaped: the
		 * kernel may have given it to a stranger already.
		 */
		submit_refused(e, p, rq, "no such process");
		if (t == NULL)
			xasprintf(cause, "no such process: %s", rq->target);
		else
			xasprintf(cause, "%s could not signal %s: it has "
			    "exited", name, rq->target);
		return (-1);
	}

	if (rq->kind == OP_PASS || rq->kind == OP_DROP)
		kr = kpass_request(e, p, rq, cause);
	else if (rq->kind >= OP_STORE && rq->kind <= OP_WAKE)
		kr = kshm_request(e, p, rq, cause);
	else
		kr = kchan_request(e, p, rq, &kc, &ke, cause);
	if (kr == -1) {
		submit_refused(e, p, rq, *cause);
		return (-1);
	}

	op = op_make(p, rq);
	p->op = op;
	p->state = PS_BUSY;
	if (e->model)
		return (model_submit(e, p, cause));

	if (kr == 1) {
		/* The agent makes the syscall itself (kchan.c). */
		op->kernel = true;
		if (op->kind == OP_POLL)
			r = kpoll_submit(e, p);
		else if (op->kind == OP_PASS || op->kind == OP_DROP)
			r = kpass_submit(e, p, rq);
		else if (op->kind >= OP_STORE && op->kind <= OP_WAKE)
			r = kshm_submit(e, p, rq);
		else {
			op->chans = xcalloc(1, sizeof(*op->chans));
			op->chans[0] = kc;
			op->kfd = ke->fd;
			op->kside = ke->side;
			r = kchan_submit(e, p);
		}
		if (r == -1) {
			p->dying = true;
			return (0);
		}
		p->pending++;
		return (0);
	}

	if (op_brokered(op->kind))
		r = proc_write(p, WIRE_CMD, op->id, op->msg, op->len);
	else switch (op->kind) {
	case OP_SIGNAL:
		/*
		 * Until the agent has answered, the target is not reaped
		 * (a zombie keeps its pid), so the kill(2) cannot reach a
		 * process that reused the pid.
		 */
		op->target_proc = t;
		t->sig_inflight++;
		v[0] = t->pid;
		v[1] = op->sig;
		r = proc_write(p, WIRE_KILL, op->id, v, sizeof(v));
		break;
	case OP_MASK:
	case OP_UNMASK:
		v[0] = op->sig;
		r = proc_write(p, op->kind == OP_MASK ? WIRE_MASK :
		    WIRE_UNMASK, op->id, v, sizeof(v[0]));
		break;
	case OP_EXIT:
		v[0] = op->code;
		r = proc_write(p, WIRE_EXIT, op->id, v, sizeof(v[0]));
		if (r == 0) {
			p->dying = true;
			return (0);
		}
		break;
	default:
		r = -1;
		break;
	}
	if (r == -1) {
		/* The agent is gone; its reaping will explain. */
		p->dying = true;
		return (0);
	}
	p->pending++;
	return (0);
}
