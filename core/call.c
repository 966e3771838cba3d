/*
 * L4-style IPC: call, reply, reply-recv.
 *
 * "A call CH MSG" is a send on a rendezvous channel (an L4 endpoint)
 * whose sender goes straight into waiting for the answer: there is no
 * moment between the send and the wait in which another message could
 * reach it.  The process that receives the call gets a one-shot right to
 * answer it ("B reply MSG"), and "B reply-recv CH MSG" answers and waits
 * for the next call in one step, which is how an L4 server loop runs.
 *
 * The call's first half is an ordinary send (op.c, with op->call set):
 * it blocks until a receiver comes, costs what a rendezvous costs, and
 * fails as a send fails.  Once delivered, call_wait() turns the op into
 * OP_CALL, waiting for exactly one process, the callee: the wait-for
 * graph draws that edge, so a server that waits for its own client is a
 * deadlock.  The reply travels like a rendezvous message too (no copy up
 * to RDV_REG_BYTES: registers).
 *
 * Nothing here prints.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* caller's call to callee can no longer be answered: it fails. */
static void
call_drop(struct engine *e, struct proc *caller, struct proc *callee)
{
	struct op	*cop = caller->op;
	struct event	 ev;

	if (cop == NULL || cop->kind != OP_CALL || cop->callee != callee)
		return;
	snprintf(cop->why, sizeof(cop->why), "%s took another call before "
	    "replying to this one", callee->name);
	memset(&ev, 0, sizeof(ev));
	ev.text = cop->why;
	op_finish(e, caller, ST_ERROR, "broken channel", &ev);
}

/* A call's first half: a send on one rendezvous channel. */
void
call_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op;

	if (op->nnames != 1) {
		op_fail(e, p, "a call goes to one channel");
		return;
	}
	/* send_start checks the endpoint, once a balancer has chosen it. */
	op->kind = OP_SEND;
	op->call = true;
	op_send_start(e, p);
}

/*
 * The channel a call really goes to (after any balancer) must be an
 * endpoint: false, and the call fails, if it is not.
 */
bool
call_endpoint_ok(struct engine *e, struct proc *p)
{
	if (p->op->chans[0]->buffering == BUF_RENDEZVOUS)
		return (true);
	op_fail(e, p, "a call needs a rendezvous channel (an L4 endpoint)");
	return (false);
}

/*
 * The call was delivered to callee: p now waits for callee's reply, and
 * callee may answer it once.  If p never blocked (a receiver was already
 * waiting), this is p's one "blocked" event; otherwise p stays blocked
 * and only its title changes.
 */
void
call_wait(struct engine *e, struct proc *p, struct proc *callee)
{
	struct op	*op = p->op;
	struct event	 ev;
	char		 title[128];

	op_unwait(p);
	op->kind = OP_CALL;
	op->call = false;
	op->callee = callee;
	/*
	 * The callee holds one right to reply, as in L4: a new call takes
	 * the place of one it has not answered, and that caller's call
	 * fails rather than wait for an answer that can no longer come --
	 * told after the callee's receive, which comes next when the call
	 * is being handed over now (call_fresh), or has come already.
	 */
	if (callee->reply_to != NULL && callee->reply_to != p) {
		if (callee->call_fresh)
			callee->dropped = callee->reply_to;
		else
			call_drop(e, callee->reply_to, callee);
	}
	callee->reply_to = p;
	if (!op->blocked) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_CALL;
		ev.proc = p->name;
		ev.peer = callee->name;
		ev.op = OP_CALL;
		ev.chan = op->spec;
		ev.msg = op->msg;
		ev.len = op->len;
		ev.has_msg = true;
		ev.size = op->len;
		ev.status = ST_BLOCKED;
		ev.timeout_ms = op->timeout_ms;
		op->blocked = true;
		p->state = PS_BLOCKED;
		if (op->timeout_ms >= 0)
			op->deadline = now_ms() + (uint64_t)op->timeout_ms;
		engine_event(e, &ev);
	}
	snprintf(title, sizeof(title), "waiting for reply from %s",
	    callee->name);
	if (proc_write(p, WIRE_BLOCKED, op->id, title, strlen(title)) == 0)
		p->pending++;
	e->wfg_dirty = true;
}

/*
 * "reply MSG" and "reply-recv CH MSG": answer the call p received last,
 * then (reply-recv) receive the next one on CH in the same step.  An L4
 * server loop's reply-recv with nobody to answer (its first round, or a
 * caller that gave up) only receives: a note says where the reply went.
 */
void
reply_start(struct engine *e, struct proc *p)
{
	struct op	*op = p->op, *cop;
	struct proc	*caller = p->reply_to;
	struct chan	*c;
	struct event	 ev, cev;
	unsigned char	*msg;
	size_t		 len = op->len;
	const char	*why = NULL;
	char		 text[160];

	if (op->kind == OP_REPLYRECV &&
	    op->chans[0]->buffering != BUF_RENDEZVOUS) {
		op_fail(e, p, "reply-recv waits on a rendezvous channel (an "
		    "L4 endpoint)");
		return;
	}
	p->reply_to = NULL;		/* a right to answer once */
	cop = caller != NULL ? caller->op : NULL;
	if (caller == NULL)
		why = "no call to reply to";
	else if (caller->state == PS_EXITED || cop == NULL ||
	    cop->kind != OP_CALL || cop->callee != p)
		why = "the caller is gone";
	if (why != NULL && op->kind == OP_REPLY) {
		op_fail(e, p, why);
		return;
	}
	if (why != NULL) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_NOTE;
		ev.proc = p->name;
		snprintf(text, sizeof(text), "%s's reply-recv had %s: it only "
		    "waits for the next call on %s", p->name,
		    caller == NULL ? "no call to reply to" : "a caller that "
		    "is gone", op->chans[0]->name);
		ev.text = text;
		engine_event(e, &ev);
		op->kind = OP_RECV;
		op_recv_start(e, p);
		return;
	}
	c = cop->chans[0];
	c->c_messages++;
	c->c_bytes += len;
	if (len > RDV_REG_BYTES)
		c->c_copies++;
	msg = xmemdup(op->msg, len);

	/* The replier's event first, then the caller wakes with the reply. */
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_REPLY;
	ev.proc = p->name;
	ev.peer = caller->name;
	ev.op = op->kind;
	ev.chan = c->name;
	if (op->kind == OP_REPLYRECV) {
		/* Where it waits next. */
		ev.chans = (const char *const *)op->names;
		ev.nchans = 1;
	}
	ev.msg = msg;
	ev.len = len;
	ev.has_msg = true;
	ev.size = len;
	if (op->kind == OP_REPLY)
		op_finish(e, p, ST_OK, NULL, &ev);
	else {
		ev.status = ST_OK;
		engine_event(e, &ev);
	}
	free(caller->last);
	caller->last = xmemdup(msg, len);
	caller->last_len = len;
	caller->has_last = true;
	memset(&cev, 0, sizeof(cev));
	cev.msg = caller->last;
	cev.len = len;
	cev.has_msg = true;
	cev.size = len;
	cev.peer = p->name;
	op_finish(e, caller, ST_OK, NULL, &cev);
	free(msg);

	if (p->op != NULL && p->op->kind == OP_REPLYRECV) {
		/* The second half: an ordinary receive on CH. */
		p->op->kind = OP_RECV;
		op_recv_start(e, p);
	}
}

/* p has received the call that took the place of an unanswered one. */
void
call_received(struct engine *e, struct proc *p)
{
	struct proc	*old = p->dropped;

	p->dropped = NULL;
	if (old != NULL)
		call_drop(e, old, p);
}

/*
 * p is gone: a call waiting for p's reply fails as a send fails when
 * nobody is left to receive ("broken channel").
 */
void
call_proc_gone(struct engine *e, struct proc *p)
{
	struct proc	*q;
	struct event	 ev;

	TAILQ_FOREACH(q, &e->procs, entry) {
		if (q->op != NULL && q->op->kind == OP_CALL &&
		    q->op->callee == p) {
			memset(&ev, 0, sizeof(ev));
			op_finish(e, q, ST_ERROR, "broken channel", &ev);
		}
	}
}
