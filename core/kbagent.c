/*
 * A batch of kernel operations, the agent's side (SPEC section 10: "on a
 * kernel channel the agent makes the syscalls directly and tells the
 * broker only what it needs").  In a free run the broker writes a
 * program's next sends and receives into a region it shares with the
 * agent (kbatch.c) and says "go" once; the agent makes the syscalls one
 * after another at full speed, writing each result into the region and
 * saying with plain stores which one it is in and how many are done.
 * The broker reads that when it likes, and /proc when one seems asleep:
 * no message and no wait per operation, only one at the batch's end.
 *
 * The order of the stores is what the broker relies on: "under way",
 * then "since T", before the syscall; "waiting" before a syscall that
 * waits; the result before "done", "done" before "none under way".
 */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static struct kb_shm	*kb;		/* the region, once mapped */
static int64_t		*left;		/* the steps the run may still take */


/*
 * The fill a receive on a datagram socket left, as its end says it (the
 * next datagram's size).  Every other fill the broker counts from the
 * events: a syscall per operation would cost more than the operation.
 */
static void
kb_fill(const struct kop *k, struct kb_res *r)
{
	int	v;

	if (k->mech == MECH_SOCKETPAIR && k->socktype == SOCK_DGRAM &&
	    k->kind == OP_RECV && ioctl(k->fd, FIONREAD, &v) == 0) {
		r->flags |= KD_FILL;
		r->inq = v;
		r->cap = 0;
	}
}

/* The region comes with the first batch; later ones reuse it. */
static bool
kb_map(const int *fds, size_t *nfds)
{
	void	*p;

	if (*nfds >= 2 && kb == NULL) {
		p = mmap(NULL, sizeof(*kb), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fds[0], 0);
		if (p != MAP_FAILED) {
			kb = p;
			p = mmap(NULL, sizeof(*left), PROT_READ | PROT_WRITE,
			    MAP_SHARED, fds[1], 0);
			if (p != MAP_FAILED)
				left = p;
		}
	}
	if (*nfds > 0) {
		while (*nfds > 0)
			(void)close(fds[--*nfds]);
	}
	return (kb != NULL && left != NULL);
}

/*
 * Is a send tried without waiting first (then the same operation,
 * whatever comes of it: a whole message, a write a pipe or a stream
 * makes at once or not at all, PIPE_BUF)?  A send that waits for room
 * is told "blocked" before the receive that makes it, so the fill the
 * events count never passes the capacity.  Not a receive: one waits in
 * most ping-pongs, and trying first would be a syscall more each time
 * (a receive's long wait is seen as any syscall's, from /proc); not one
 * with -n or a deadline, which decide that themselves.
 */
static bool
kb_try_first(const struct kop *k, size_t len)
{
	if (k->kind != OP_SEND || k->nonblock || k->timeout_ms >= 0)
		return (false);
	if (k->mech == MECH_MQ ||
	    (k->mech == MECH_SOCKETPAIR && k->socktype != SOCK_STREAM))
		return (true);
	return (len <= PIPE_BUF);
}

/*
 * One operation: without waiting, then, if it must wait, said (the
 * title, and "waiting" for the broker) before the syscall that waits.
 */
static size_t
kb_op(struct kb_ent *e, struct kb_res *r, size_t i, unsigned char *in,
    size_t room, struct kdone *d, const char **title)
{
	struct kop	k = e->k;
	size_t		got;

	r->wait_ns = 0;
	k.title[sizeof(k.title) - 1] = '\0';
	if (kb_try_first(&k, e->len)) {
		k.nonblock = 1;
		got = kagent_sys(&k, kb->out + e->off, e->len, in, room, d,
		    false);
		if (d->err != EAGAIN)
			return (got);
		k.nonblock = 0;
		r->wait_ns = now_ns();
		ST(kb->h.waiting, (uint32_t)i + 1);
	}
	/* The title of the syscall it waits in, changed only when it does. */
	if (!k.nonblock && strcmp(*title, e->k.title) != 0) {
		agent_kernel_title(k.title);
		*title = e->k.title;
	}
	got = kagent_sys(&k, kb->out + e->off, e->len, in, room, d, false);
	ST(kb->h.waiting, 0);
	return (got);
}

void
kbagent_run(int sock, uint32_t id, const int *fds, size_t *nfds)
{
	struct kb_ent	*e;
	struct kb_res	*r;
	struct kdone	 d;
	const char	*title = "";
	size_t		 i, n, in = 0, room;
	uint64_t	 t0;
	uint32_t	 done = 0;

	if (!kb_map(fds, nfds)) {
		done = UINT32_MAX;	/* no region: the broker stops asking */
		(void)wire_send(sock, WIRE_KBEND, id, &done, sizeof(done));
		return;
	}
	n = LD(kb->h.n);
	if (LD(kb->h.modeled)) {
		/* Each a request, sent ahead; the broker makes them. */
		for (i = 0; i < n && i < KB_MAX && !LD(kb->h.stop); i++) {
			e = &kb->ent[i];
			if (wire_send(sock, WIRE_REQ, MB_REQ_ID(id, i),
			    kb->out + e->off, e->len) == -1)
				break;
			done = (uint32_t)i + 1;
		}
		(void)wire_send(sock, WIRE_KBEND, id, &done, sizeof(done));
		return;
	}
	for (i = 0; i < n && i < KB_MAX; i++) {
		e = &kb->ent[i];
		r = &kb->res[i];
		if (LD(kb->h.stop))
			break;
		/* What a receive may need: else the broker drains first. */
		room = e->k.kind == OP_RECV ? (e->k.max > 0 && e->k.max <
		    MSG_LEN_MAX ? e->k.max : MSG_LEN_MAX) : 0;
		if (in + room > KB_IN)
			break;
		/* A step of the run's, if one is left. */
		if (atomic_fetch_sub((_Atomic int64_t *)left, 1) <= 0) {
			(void)atomic_fetch_add((_Atomic int64_t *)left, 1);
			break;
		}
		/*
		 * Under way, then since when: a broker that sees it under way
		 * with the time of the one before has an earlier time, and
		 * one that sees none under way looked before this began.
		 */
		ST(kb->h.cur, (uint32_t)i + 1);
		t0 = now_ns();
		ST(kb->h.cur_ns, t0);
		r->len = (uint32_t)kb_op(e, r, i, kb->in + in, KB_IN - in, &d,
		    &title);
		r->off = (uint32_t)in;
		in += r->len;
		r->err = d.err;
		r->flags = d.flags;
		r->n = d.n;
		r->inq = d.inq;
		r->cap = 0;
		if (d.err == 0)
			kb_fill(&e->k, r);
		/* Cause before effect: a send is when it began. */
		r->end_ns = now_ns();
		r->ns = e->k.kind == OP_SEND ? t0 : r->end_ns;
		done = (uint32_t)i + 1;
		ST(kb->h.done, done);
		ST(kb->h.cur, 0);
		/* A failure, or the end of the channel: the broker decides. */
		if (d.err != 0 || (d.flags & KD_EOF))
			break;
	}
	if (*title != '\0')
		agent_kernel_title(NULL);
	(void)wire_send(sock, WIRE_KBEND, id, &done, sizeof(done));
}
