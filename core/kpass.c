/*
 * Passing a descriptor, and closing one's own: a file descriptor is a
 * capability.  "A pass p:send on s" makes A's agent send its write end
 * of p over the socket pair s with SCM_RIGHTS (sendmsg(2)); the process
 * at the other end of s takes it with recvmsg(2), and from then on holds
 * a write end of p as truly as A does.  The broker only sees that both
 * syscalls happened, and updates its record of who holds what, which the
 * wait-for graph and EOF/EPIPE reasoning need.  "A drop p" makes A
 * close(2) its ends.
 */

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KPASS_MAX	4	/* ends one pass carries */
#define KDROP_MAX	64	/* ends one drop closes */

/* Which of p's ends of c a pass (or a drop) takes. */
static size_t
kpass_ends(struct chan *c, struct proc *p, int ends, struct kend **out)
{
	size_t	i, n = 0;
	int	want;

	for (i = 0; i < c->nends && n < KDROP_MAX; i++) {
		if (c->ends[i].proc != p || !c->ends[i].open)
			continue;
		want = ends == KEND_SEND;
		if (ends != 0 && !kend_can(&c->ends[i], c->mech, want))
			continue;
		out[n++] = &c->ends[i];
	}
	return (n);
}

static const char *
ends_word(const struct chan *c, int ends, size_t n)
{
	if (c->mech == MECH_SOCKETPAIR)
		return (n > 1 ? "ends" : "end");
	if (ends == KEND_SEND)
		return (n > 1 ? "write ends" : "write end");
	if (ends == KEND_RECV)
		return (n > 1 ? "read ends" : "read end");
	return (n > 1 ? "ends" : "end");
}

/* "write end" when every end op takes is a write end, and so on. */
static int
ends_of(const struct op *op)
{
	size_t	i, w = 0;

	for (i = 0; i < op->nkfds; i++) {
		if (op->ksides[i] == 2)
			return (0);	/* an mq descriptor for both */
		w += op->ksides[i] == 1;
	}
	return (w == op->nkfds ? KEND_SEND : w == 0 ? KEND_RECV : 0);
}

/* The one process at the other end of s from p, or NULL and a cause. */
static struct proc *
kpass_peer(struct chan *s, struct proc *p, int *pside, char **cause)
{
	struct proc	*q = NULL;
	size_t		 i;
	int		 side = -1;

	for (i = 0; i < s->nends; i++) {
		if (s->ends[i].proc == p && s->ends[i].open)
			side = s->ends[i].side;
	}
	if (side == -1) {
		xasprintf(cause, "%s holds no end of %s", p->name, s->name);
		return (NULL);
	}
	for (i = 0; i < s->nends; i++) {
		if (s->ends[i].side == side || !s->ends[i].open ||
		    s->ends[i].proc->state == PS_EXITED)
			continue;
		if (q != NULL && q != s->ends[i].proc) {
			xasprintf(cause, "%s and %s both hold the other end "
			    "of %s: the descriptor would go to whichever "
			    "reads first", q->name, s->ends[i].proc->name,
			    s->name);
			return (NULL);
		}
		q = s->ends[i].proc;
	}
	if (q == NULL)
		xasprintf(cause, "nobody holds the other end of %s", s->name);
	*pside = side;
	return (q);
}

int
kpass_request(struct engine *e, struct proc *p, const struct op_request *rq,
    char **cause)
{
	struct chan	*c, *s;
	struct kend	*k[KDROP_MAX];
	struct proc	*q;
	size_t		 fill = 0, n;
	bool		 waiting = false;
	int		 side;

	if (rq->nchans != 1 || (c = chan_find(e, rq->chans[0])) == NULL) {
		xasprintf(cause, "no such channel: %s", rq->nchans > 0 ?
		    rq->chans[0] : "");
		return (-1);
	}
	if (c->mech == MECH_SHM) {
		if (rq->kind == OP_DROP)
			xasprintf(cause, "%s is shared memory: it stays mapped "
			    "while the process lives (there is no end to "
			    "close)", c->name);
		else
			xasprintf(cause, "%s is shared memory: passing a "
			    "region's memfd is not built; name every process "
			    "in shm's between", c->name);
		return (-1);
	}
	if (c->mech == MECH_MODELED) {
		xasprintf(cause, "%s is modeled: it has no descriptor to %s "
		    "(a modeled channel's capability is format=cap)", c->name,
		    rq->kind == OP_PASS ? "pass" : "close");
		return (-1);
	}
	if ((n = kpass_ends(c, p, rq->ends, k)) == 0) {
		xasprintf(cause, "%s holds no %s of %s", p->name,
		    ends_word(c, rq->ends, 1), c->name);
		return (-1);
	}
	if (rq->kind == OP_DROP)
		return (1);
	if (n > KPASS_MAX) {
		xasprintf(cause, "%s holds %zu %s of %s; one pass carries at "
		    "most %d (name :send or :recv, or drop some)", p->name, n,
		    ends_word(c, rq->ends, n), c->name, KPASS_MAX);
		return (-1);
	}
	if ((s = chan_find(e, rq->via)) == NULL) {
		xasprintf(cause, "no such channel: %s", rq->via);
		return (-1);
	}
	if (s->mech != MECH_SOCKETPAIR) {
		xasprintf(cause, "%s is not a socket pair: only a unix(7) "
		    "socket carries descriptors (SCM_RIGHTS)", s->name);
		return (-1);
	}
	if (s == c) {
		xasprintf(cause, "%s cannot carry its own end: pass it over "
		    "another socket pair", s->name);
		return (-1);
	}
	if ((q = kpass_peer(s, p, &side, cause)) == NULL)
		return (-1);
	if (q->op != NULL && q->op->kernel) {
		xasprintf(cause, "%s is inside a syscall; it can take the "
		    "descriptor when it is back", q->name);
		return (-1);
	}
	if (kchan_queued(s, 1 - side, &fill, &waiting) && waiting) {
		if (fill > 0 && s->socktype == SOCK_STREAM)
			xasprintf(cause, "%s has %zu bytes waiting for %s: the "
			    "descriptor would queue behind them; let %s read "
			    "them first", s->name, fill, q->name, q->name);
		else
			xasprintf(cause, "%s has a message waiting for %s: the "
			    "descriptor would queue behind it; let %s read it "
			    "first", s->name, q->name, q->name);
		return (-1);
	}
	return (1);
}

int
kpass_submit(struct engine *e, struct proc *p, const struct op_request *rq)
{
	struct op	*op = p->op;
	struct chan	*c, *s = NULL;
	struct kend	*k[KDROP_MAX];
	struct kop	 kp;
	unsigned char	*body;
	int32_t		 fd;
	size_t		 i, n;
	int		 side = 0, r;
	char		*cause = NULL;

	c = chan_find(e, rq->chans[0]);
	n = kpass_ends(c, p, rq->ends, k);
	op->chans = xcalloc(3, sizeof(*op->chans));
	op->chans[0] = c;
	op->kfds = xcalloc(n + 1, sizeof(*op->kfds));
	op->ksides = xcalloc(n + 1, sizeof(*op->ksides));
	for (i = 0; i < n; i++) {
		op->kfds[i] = k[i]->fd;
		op->ksides[i] = k[i]->side;
	}
	op->nkfds = n;
	op->kends = rq->ends;
	op->kmove = rq->move;
	memset(&kp, 0, sizeof(kp));
	kp.kind = op->kind;
	kp.nfds = (int32_t)n;
	kp.move = rq->move;
	if (op->kind == OP_PASS) {
		s = chan_find(e, rq->via);
		op->chans[1] = s;
		op->kpeer = kpass_peer(s, p, &side, &cause);
		free(cause);
		for (i = 0; i < s->nends; i++) {
			if (s->ends[i].proc == p && s->ends[i].open)
				kp.fd = s->ends[i].fd;
		}
		op->kfd = kp.fd;
	}
	body = xmalloc(sizeof(kp) + n * sizeof(fd));
	memcpy(body, &kp, sizeof(kp));
	for (i = 0; i < n; i++) {
		fd = op->kfds[i];
		memcpy(body + sizeof(kp) + i * sizeof(fd), &fd, sizeof(fd));
	}
	r = proc_write(p, WIRE_KOP, op->id, body, sizeof(kp) + n * sizeof(fd));
	free(body);
	return (r);
}

static void
kpass_event(struct proc *p, struct event *ev)
{
	struct op	*op = p->op;

	memset(ev, 0, sizeof(*ev));
	ev->type = op->kind == OP_PASS ? EV_PASS : EV_CLOSE_END;
	ev->proc = p->name;
	ev->op = op->kind;
	ev->chan = op->chans[0]->name;
	ev->reason = ends_word(op->chans[0], ends_of(op), op->nkfds);
	ev->size = op->nkfds;
	if (op->kind == OP_PASS) {
		ev->peer = op->kpeer != NULL ? op->kpeer->name : "";
		ev->forward = op->chans[1]->name;
		ev->code = op->kmove;
	}
}

/* p's ends that op names are closed now (a drop, or a pass --move). */
static void
kpass_closed(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct chan	*c = op->chans[0];
	size_t		 i, j;

	for (i = 0; i < op->nkfds; i++) {
		for (j = 0; j < c->nends; j++) {
			if (c->ends[j].proc == p && c->ends[j].fd ==
			    op->kfds[i])
				c->ends[j].open = false;
		}
	}
	e->wfg_dirty = true;
}

/* The agent's answer to a pass (its sendmsg) or a drop (its close). */
void
kpass_done(struct engine *e, struct proc *p, const struct kdone *d)
{
	struct op	*op = p->op;
	struct proc	*q = op->kpeer;
	struct event	 ev;
	unsigned char	*body;
	int32_t		 num;
	size_t		 i;

	kpass_event(p, &ev);
	if (d->err != 0) {
		if (d->err == EAGAIN)
			snprintf(op->why, sizeof(op->why), "%s is full",
			    op->chans[1]->name);
		if (op->why[0] != '\0')
			ev.text = op->why;
		op_finish(e, p, ST_ERROR, d->err == EAGAIN ? "would block" :
		    d->err == EPIPE || d->err == ECONNREFUSED ?
		    "broken channel" : strerror(d->err), &ev);
		return;
	}
	if (op->kind == OP_DROP) {
		kpass_closed(e, p);
		op_finish(e, p, ST_OK, NULL, &ev);
		return;
	}
	if (q == NULL || q->state == PS_EXITED || q->fd == -1) {
		op_finish(e, p, ST_ERROR, "no one took it", &ev);
		return;
	}
	/* The descriptor is in flight: the peer takes it (recvmsg). */
	body = xmalloc((op->nkfds + 1) * sizeof(num));
	num = 0;
	for (i = 0; i < op->chans[1]->nends; i++) {
		if (op->chans[1]->ends[i].proc == q &&
		    op->chans[1]->ends[i].open)
			num = op->chans[1]->ends[i].fd;
	}
	memcpy(body, &num, sizeof(num));
	op->ktaken = xcalloc(op->nkfds + 1, sizeof(*op->ktaken));
	for (i = 0; i < op->nkfds; i++) {
		/* Free numbers, each above the one before. */
		op->ktaken[i] = num = kend_number(e, q, i > 0 ?
		    op->ktaken[i - 1] + 1 : KFD_BASE);
		memcpy(body + (i + 1) * sizeof(num), &num, sizeof(num));
	}
	if (proc_write(q, WIRE_KTAKE, op->id, body, (op->nkfds + 1) *
	    sizeof(num)) == 0) {
		q->pending++;
		p->pending++;	/* the pass ends when q has it */
	} else
		op_finish(e, p, ST_ERROR, "no one took it", &ev);
	free(body);
}

/* The peer's answer: it holds the ends now, under the numbers we chose. */
void
kpass_taken(struct engine *e, struct proc *q, const unsigned char *buf,
    size_t len)
{
	struct proc	*p;
	struct op	*op;
	struct event	 ev;
	int32_t		 v[2] = { 0, 0 };
	size_t		 i;

	if (q->pending > 0)
		q->pending--;
	memcpy(v, buf, len < sizeof(v) ? len : sizeof(v));
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->op != NULL && p->op->kind == OP_PASS &&
		    p->op->kpeer == q && p->op->ktaken != NULL)
			break;
	}
	if (p == NULL)
		return;
	op = p->op;
	if (p->pending > 0)
		p->pending--;
	kpass_event(p, &ev);
	if (v[0] != 0) {
		op_finish(e, p, ST_ERROR, strerror(v[0]), &ev);
		return;
	}
	for (i = 0; i < op->nkfds && i < (size_t)v[1]; i++)
		kend_add(op->chans[0], q, op->ktaken[i], op->ksides[i]);
	if (op->kmove)
		kpass_closed(e, p);
	e->wfg_dirty = true;
	op_finish(e, p, ST_OK, NULL, &ev);
}

/* q is gone: a pass on its way to q fails. */
void
kpass_proc_gone(struct engine *e, struct proc *q)
{
	struct proc	*p;
	struct event	 ev;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->op == NULL || p->op->kind != OP_PASS ||
		    p->op->kpeer != q || p->op->ktaken == NULL)
			continue;
		if (p->pending > 0)
			p->pending--;
		kpass_event(p, &ev);
		snprintf(p->op->why, sizeof(p->op->why), "%s exited before it "
		    "took the descriptor", q->name);
		ev.text = p->op->why;
		op_finish(e, p, ST_ERROR, "broken channel", &ev);
	}
}
