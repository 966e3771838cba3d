/*
 * A poll over kernel channels: one real poll(2) in the process, on the
 * descriptors it holds.  Modeled channels may be in the same poll; their
 * readiness is the broker's to know, so the agent polls its socket to the
 * broker beside its descriptors, and the broker writes there
 * (WIRE_KREADY) when one of them becomes ready -- as an event loop
 * watches a self-pipe beside its sockets.  The answer lists every
 * channel ready, kernel or modeled, in the order written.
 */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* p's end of a kernel channel for a poll (any end of a socket pair). */
static struct kend *
kpoll_end(struct chan *c, struct proc *p, bool writable)
{
	size_t	i;

	for (i = 0; i < c->nends; i++) {
		if (c->ends[i].proc != p || !c->ends[i].open)
			continue;
		if (kend_can(&c->ends[i], c->mech, writable))
			return (&c->ends[i]);
	}
	return (NULL);
}

/*
 * Every name to its channel, each kernel one to p's end; 0, or -1 and
 * a cause that names the channel at fault.
 */
static int
kpoll_resolve(struct engine *e, struct proc *p, char **names, size_t n,
    bool writable, struct chan **chans, int *fds, int *sides, char **cause)
{
	struct chan	*c;
	struct kend	*k;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		if ((c = chan_find(e, names[i])) == NULL) {
			xasprintf(cause, "no such channel: %s", names[i]);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (chans[j] == c) {
				xasprintf(cause, "channel %s named twice",
				    names[i]);
				return (-1);
			}
		}
		chans[i] = c;
		fds[i] = sides[i] = -1;
		if (c->mech == MECH_MODELED) {
			if (writable ? !chan_may_send(c, p) :
			    !chan_may_recv(c, p)) {
				xasprintf(cause, "%s may not %s %s", p->name,
				    writable ? "send on" : "receive from",
				    c->name);
				return (-1);
			}
			continue;
		}
		if ((k = kpoll_end(c, p, writable)) == NULL) {
			if (c->mech == MECH_SOCKETPAIR)
				xasprintf(cause, "%s holds no end of %s",
				    p->name, c->name);
			else
				xasprintf(cause, "%s holds no %s end of %s",
				    p->name, writable ? "write" : "read",
				    c->name);
			return (-1);
		}
		fds[i] = k->fd;
		sides[i] = k->side;
	}
	return (0);
}

int
kpoll_request(struct engine *e, struct proc *p, const struct op_request *rq,
    char **cause)
{
	struct chan	**chans;
	int		 *fds, *sides, r;

	chans = xcalloc(rq->nchans + 1, sizeof(*chans));
	fds = xcalloc(rq->nchans + 1, sizeof(*fds));
	sides = xcalloc(rq->nchans + 1, sizeof(*sides));
	r = kpoll_resolve(e, p, rq->chans, rq->nchans, rq->writable, chans,
	    fds, sides, cause);
	free(chans);
	free(fds);
	free(sides);
	return (r == -1 ? -1 : 1);
}

/* A modeled channel of the poll: ready, and ready because it is gone? */
static bool
modeled_ready(struct engine *e, struct proc *p, struct chan *c,
    bool writable, bool *gone)
{
	*gone = writable ? chan_broken(e, c) : chan_ended(e, c);
	return (*gone || (writable ? chan_can_take(e, c, p, 0) :
	    chan_readable(e, c, p)));
}

static bool
any_modeled_ready(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	size_t		 i;
	bool		 gone;

	for (i = 0; i < op->nnames; i++) {
		if (op->kfds[i] == -1 && modeled_ready(e, p, op->chans[i],
		    op->writable, &gone))
			return (true);
	}
	return (false);
}

int
kpoll_submit(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;
	struct kop	 k;
	unsigned char	*body;
	int32_t		 fd;
	size_t		 i, nk = 0, nm = 0;
	char		*cause = NULL;
	int		 r;

	op->chans = xcalloc(op->nnames + 1, sizeof(*op->chans));
	op->kfds = xcalloc(op->nnames + 1, sizeof(*op->kfds));
	op->ksides = xcalloc(op->nnames + 1, sizeof(*op->ksides));
	if (kpoll_resolve(e, p, op->names, op->nnames, op->writable,
	    op->chans, op->kfds, op->ksides, &cause) == -1) {
		free(cause);	/* checked just before: cannot happen */
		return (-1);
	}
	memset(&k, 0, sizeof(k));
	k.kind = OP_POLL;
	snprintf(k.title, sizeof(k.title), "poll %s", op->spec);
	k.nonblock = op->nonblock;
	k.timeout_ms = op->timeout_ms;
	k.writable = op->writable;
	body = xmalloc(sizeof(k) + op->nnames * sizeof(fd));
	for (i = 0; i < op->nnames; i++) {
		if (op->kfds[i] == -1) {
			nm++;
			continue;
		}
		fd = op->kfds[i];
		memcpy(body + sizeof(k) + nk++ * sizeof(fd), &fd, sizeof(fd));
		k.mech = op->chans[i]->mech;
	}
	k.nfds = (int32_t)nk;
	k.watch = nm > 0;
	if (nm > 0) {
		k.mready = any_modeled_ready(e, p);
		op->knotified = k.mready;
		/* Their changes reach kpoll_retry, as a poller's would. */
		for (i = 0; i < op->nnames; i++) {
			if (op->kfds[i] == -1)
				op_wait_on(p, op->chans[i], W_POLL);
		}
	}
	memcpy(body, &k, sizeof(k));
	r = proc_write(p, WIRE_KOP, op->id, body, sizeof(k) + nk * sizeof(fd));
	free(body);
	return (r);
}

/*
 * A modeled channel of p's kernel poll has changed: if it is ready now,
 * wake the poll(2) once, through the socket it watches.
 */
bool
kpoll_retry(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;

	if (op->kind != OP_POLL || op->knotified || !any_modeled_ready(e, p))
		return (false);
	op->knotified = true;
	if (proc_write(p, WIRE_KREADY, op->id, NULL, 0) == 0 &&
	    p->state == PS_BLOCKED) {
		/* Its answer is due now: not quiet until it comes. */
		op->kwoken = true;
		p->pending++;
	}
	return (false);
}

/* Does op poll c, a kernel channel?  Then *side is p's side of it. */
bool
kpoll_on(const struct op *op, const struct chan *c, int *side)
{
	size_t	i;

	for (i = 0; op->kfds != NULL && i < op->nnames; i++) {
		if (op->chans[i] == c && op->kfds[i] != -1) {
			*side = op->ksides[i];
			return (true);
		}
	}
	return (false);
}

/* What a blocked poll's event adds to op_blocked_event's: its reason. */
void
kpoll_block_event(struct proc *p, struct event *ev)
{
	ev->reason = p->op->writable ? "nothing writable" : "nothing readable";
}

/*
 * The agent's answer: revents for each kernel descriptor, in the order
 * written; the modeled channels the broker judges itself.
 */
void
kpoll_done(struct engine *e, struct proc *p, const struct kdone *d,
    const unsigned char *data, size_t len)
{
	struct op	 *op = p->op;
	struct event	  ev;
	const char	**ready, **hup;
	size_t		  i, k = 0, n = 0, nhup = 0;
	int32_t		  rev;
	bool		  gone, ok;

	ready = xcalloc(op->nnames + 1, sizeof(*ready));
	hup = xcalloc(op->nnames + 1, sizeof(*hup));
	for (i = 0; i < op->nnames; i++) {
		if (op->kfds[i] == -1) {
			ok = modeled_ready(e, p, op->chans[i], op->writable,
			    &gone);
		} else {
			rev = 0;
			if ((k + 1) * sizeof(rev) <= len)
				memcpy(&rev, data + k * sizeof(rev),
				    sizeof(rev));
			k++;
			gone = (rev & (POLLHUP | POLLERR)) != 0;
			ok = gone || (rev & (op->writable ? POLLOUT :
			    POLLIN)) != 0;
		}
		if (ok)
			ready[n++] = op->chans[i]->name;
		if (gone)
			hup[nhup++] = op->chans[i]->name;
	}
	memset(&ev, 0, sizeof(ev));
	ev.ready = ready;
	ev.nready = n;
	ev.hup = hup;
	ev.nhup = nhup;
	if (n > 0)
		op_finish(e, p, ST_OK, NULL, &ev);
	else if (d->err == ETIMEDOUT) {
		ev.timeout_ms = op->timeout_ms;
		op_finish(e, p, ST_TIMEOUT, NULL, &ev);
	} else if (d->err == 0 || d->err == EAGAIN) {
		ev.reason = op->writable ? "nothing writable" :
		    "nothing readable";
		op_finish(e, p, ST_WOULD_BLOCK, NULL, &ev);
	} else
		op_finish(e, p, ST_ERROR, strerror(d->err), &ev);
	free(ready);
	free(hup);
}
