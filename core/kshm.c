/*
 * Shared memory, the other mechanism: a region of 64-bit words made with
 * memfd_create(2), handed to each process named (SCM_RIGHTS) and mapped
 * by its agent; store, load and add are the processes' own plain or
 * atomic instructions on it, wait and wake are futex(2) calls.  No
 * message moves: a store by one is simply there for the other's next
 * load.  The broker maps the region read-only to show the words; that
 * map makes no difference to anyone.
 */

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define SHM_WORDS_MAX	4096

int
kshm_create(struct engine *e, struct chan *c, const struct chan_config *cf,
    char **cause)
{
	struct proc	*p;
	size_t		 i, len;
	void		*map;
	int		 fd, side = 3;

	if (cf->knmsg == 0 || cf->knmsg > SHM_WORDS_MAX) {
		xasprintf(cause, "a region has 1 to %d words", SHM_WORDS_MAX);
		return (-1);
	}
	len = cf->knmsg * sizeof(int64_t);
	if ((fd = memfd_create("ipcplay-shm", MFD_CLOEXEC)) == -1) {
		xasprintf(cause, "memfd_create: %s", strerror(errno));
		return (-1);
	}
	if (ftruncate(fd, (off_t)len) == -1 || (map = mmap(NULL, len,
	    PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "%s", strerror(errno));
		close(fd);
		return (-1);
	}
	c->words = map;
	c->nwords = cf->knmsg;
	c->capacity = cf->knmsg;
	for (i = 0; i < cf->nfrom; i++) {
		p = proc_find(e, cf->from[i]);
		kchan_hand(e, c, p, &fd, &side, 1);
	}
	close(fd);
	(void)e;
	return (0);
}

void
kshm_destroy(struct chan *c)
{
	if (c->words != NULL)
		(void)munmap(c->words, c->nwords * sizeof(int64_t));
	c->words = NULL;
}

static struct kend *
kshm_end(struct chan *c, struct proc *p)
{
	size_t	i;

	for (i = 0; i < c->nends; i++) {
		if (c->ends[i].proc == p && c->ends[i].open)
			return (&c->ends[i]);
	}
	return (NULL);
}

int
kshm_request(struct engine *e, struct proc *p, const struct op_request *rq,
    char **cause)
{
	struct chan	*c;

	if (rq->nchans != 1 || (c = chan_find(e, rq->chans[0])) == NULL) {
		xasprintf(cause, "no such region: %s", rq->nchans > 0 ?
		    rq->chans[0] : "");
		return (-1);
	}
	if (c->mech != MECH_SHM) {
		xasprintf(cause, "%s is a channel, not shared memory: %s "
		    "works on a region made by shm", c->name,
		    op_name(rq->kind));
		return (-1);
	}
	if (kshm_end(c, p) == NULL) {
		xasprintf(cause, "%s does not map %s", p->name, c->name);
		return (-1);
	}
	if (rq->index >= c->nwords) {
		xasprintf(cause, "%s has %zu words: %s[%zu] is past its end",
		    c->name, c->nwords, c->name, rq->index);
		return (-1);
	}
	return (1);
}

int
kshm_submit(struct engine *e, struct proc *p, const struct op_request *rq)
{
	struct op	*op = p->op;
	struct chan	*c = chan_find(e, rq->chans[0]);
	struct kop	 k;

	op->chans = xcalloc(1, sizeof(*op->chans));
	op->chans[0] = c;
	op->kfd = kshm_end(c, p)->fd;
	op->kindex = rq->index;
	op->kvalue = rq->value;
	op->kracy = rq->racy;
	memset(&k, 0, sizeof(k));
	k.kind = op->kind;
	k.fd = op->kfd;
	k.mech = MECH_SHM;
	k.index = (uint32_t)rq->index;
	k.value = rq->value;
	k.racy = rq->racy;
	snprintf(k.title, sizeof(k.title), "%s %s", op_name(op->kind),
	    op->spec);
	k.timeout_ms = op->timeout_ms;
	return (proc_write(p, WIRE_KOP, op->id, &k, sizeof(k)));
}

static void
kshm_event(struct proc *p, struct event *ev)
{
	struct op	*op = p->op;

	memset(ev, 0, sizeof(*ev));
	ev->type = EV_SHM;
	ev->proc = p->name;
	ev->op = op->kind;
	ev->chan = op->chans[0]->name;
	ev->index = op->kindex;
	ev->value = op->kvalue;
	ev->racy = op->kracy;
	ev->timeout_ms = op->timeout_ms;
}

/* A wait asleep in futex(2): its blocked event. */
void
kshm_block_event(struct proc *p, struct event *ev, char *reason, size_t len)
{
	struct op	*op = p->op;

	kshm_event(p, ev);
	ev->status = ST_BLOCKED;
	snprintf(reason, len, "%s[%zu] is %" PRId64, op->chans[0]->name,
	    op->kindex, op->kvalue);
	ev->reason = reason;
}

void
kshm_done(struct engine *e, struct proc *p, const struct kdone *d)
{
	struct op	*op = p->op;
	struct event	 ev;
	char		 buf[32];

	kshm_event(p, &ev);
	if (op->kind == OP_LOAD && d->err == 0) {
		/* The value is the process's to use: $msg, expect received. */
		snprintf(buf, sizeof(buf), "%" PRId64, d->n);
		free(p->last);
		p->last = (unsigned char *)xstrdup(buf);
		p->last_len = strlen(buf);
		p->has_last = true;
	}
	ev.old = d->n;
	if (op->kind == OP_WAKE || op->kind == OP_LOAD)
		ev.value = d->n;
	switch (d->err) {
	case 0:
		if (op->kind == OP_STORE || op->kind == OP_ADD)
			op->chans[0]->c_messages++;	/* writes */
		op_finish(e, p, ST_OK, NULL, &ev);
		break;
	case EAGAIN:
		/* FUTEX_WAIT found another value: no wait at all. */
		ev.old = d->n;
		op_finish(e, p, ST_WOULD_BLOCK, NULL, &ev);
		break;
	case ETIMEDOUT:
		op_finish(e, p, ST_TIMEOUT, NULL, &ev);
		break;
	default:
		op_finish(e, p, ST_ERROR, strerror(d->err), &ev);
		break;
	}
}
