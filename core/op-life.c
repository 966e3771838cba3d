/*
 * An operation's life, whatever its kind: waiting on a channel's queue,
 * the "blocked" and "would block" events and the reason they give, and
 * the one end every operation has (op_finish, op_fail), which answers
 * the agent.  op.c starts the operations of each kind on top of these.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
op_free(struct op *op)
{
	size_t	i;

	if (op == NULL)
		return;
	for (i = 0; i < op->nnames; i++)
		free(op->names[i]);
	free(op->names);
	free(op->spec);
	free(op->msg);
	free(op->target);
	if (op->target_proc != NULL)
		op->target_proc->sig_inflight--;
	free(op->chans);
	free(op->waits);
	free(op->kfds);
	free(op->ksides);
	free(op->ktaken);
	free(op);
}

/* Take p off every wait queue. */
void
op_unwait(struct proc *p)
{
	struct op	*op = p->op;
	size_t		 i;

	if (op == NULL)
		return;
	for (i = 0; i < op->nwaits; i++) {
		if (op->waits[i] != NULL)
			waiter_remove(op->waits[i]);
		op->waits[i] = NULL;
	}
	op->nwaits = 0;
}

/* A partner takes this waiter: off the queue, and forgotten by its op. */
struct proc *
op_claim(struct waiter *w)
{
	struct proc	*p = w->proc;
	size_t		 i;

	if (p->op != NULL) {
		for (i = 0; i < p->op->nwaits; i++) {
			if (p->op->waits[i] == w)
				p->op->waits[i] = NULL;
		}
	}
	waiter_remove(w);
	return (p);
}

void
op_wait_on(struct proc *p, struct chan *c, enum wait_role role)
{
	struct op	*op = p->op;

	op->waits = xreallocarray(op->waits, op->nwaits + 1,
	    sizeof(*op->waits));
	op->waits[op->nwaits++] = waiter_add(c, p, role);
}

void
op_ev_chan(struct event *ev, struct chan *c)
{
	ev->fill = chan_fill(c);
	ev->capacity = chan_capacity(c);
	if (c->mech != MECH_MODELED)
		ev->fill = 0;	/* kchan.c gives the kernel's own */
}

/*
 * End p's operation: one event (its own, or "unblock" if it had blocked),
 * the answer to the agent, and p is ready again.
 */
void
op_finish(struct engine *e, struct proc *p, enum op_status st,
    const char *err, struct event *ev)
{
	struct op	*op = p->op;
	struct chan	*c;
	size_t		 i;
	int32_t		 code;
	unsigned char	 *reply;
	bool		 mb;

	if (op == NULL)
		return;
	if (op->kind == OP_SEND || op->kind == OP_RECV ||
	    op->kind == OP_POLL || op->kind == OP_CALL) {
		ev->type = op->blocked ? EV_UNBLOCK : op->kind == OP_SEND ?
		    (op->call ? EV_CALL : EV_SEND) : op->kind == OP_RECV ?
		    EV_RECV : op->kind == OP_POLL ? EV_POLL : EV_CALL;
		ev->proc = p->name;
		ev->op = op->call ? OP_CALL : op->kind;
		if (ev->chan == NULL)
			ev->chan = op->spec;
		if (op->nnames > 1 || op->kind == OP_POLL) {
			ev->chans = (const char *const *)op->names;
			ev->nchans = op->nnames;
		}
		if (op->kind == OP_SEND && !ev->has_msg) {
			ev->msg = op->msg;
			ev->len = op->len;
			ev->has_msg = true;
		}
		if (op->kind == OP_SEND && st == ST_OK && ev->size == 0)
			ev->size = op->len;
		if (ev->capacity == 0 && ev->fill == 0 && op->chans != NULL &&
		    op->chans[0] != NULL)
			op_ev_chan(ev, op->chans[0]);
	}
	if (op->kind == OP_REPLY || op->kind == OP_REPLYRECV) {
		ev->type = EV_REPLY;
		ev->proc = p->name;
		ev->op = op->kind;
		if (ev->chan == NULL && op->kind == OP_REPLYRECV)
			ev->chan = op->spec;
	}
	ev->status = st;
	ev->error = err;
	if (op->blocked && st == ST_OK && op->chans != NULL) {
		for (i = 0; i < op->nnames; i++) {
			if ((c = op->chans[i]) != NULL)
				c->c_wakeups++;
		}
	}
	op_unwait(p);
	engine_event(e, ev);
	engine_flush_later(e);
	if (op->kind != OP_SIGNAL && op->kind != OP_MASK &&
	    op->kind != OP_UNMASK && op->kind != OP_EXIT && !op->kernel &&
	    (!op->mb || op->mb_reply)) {
		/* The answer to the agent: with what it received, if any. */
		bool got = (op->kind == OP_RECV || op->kind == OP_CALL) &&
		    ev->has_msg;

		code = (int32_t)st;
		reply = xmalloc(sizeof(code) + ev->len);
		memcpy(reply, &code, sizeof(code));
		if (got && ev->len > 0)
			memcpy(reply + sizeof(code), ev->msg, ev->len);
		(void)proc_write(p, WIRE_REPLY, op->id, reply, sizeof(code) +
		    (got ? ev->len : 0));
		free(reply);
	}
	mb = op->mb;
	op_free(op);
	p->op = NULL;
	if (p->state != PS_EXITED)
		p->state = PS_IDLE;
	e->wfg_dirty = true;
	if (mb)
		mbatch_op_done(e, p, st);
}

void
op_fail(struct engine *e, struct proc *p, const char *err)
{
	struct op	*op = p->op;
	struct event	 ev;

	memset(&ev, 0, sizeof(ev));
	/* A balanced channel forwarded it: say where it failed. */
	if (op != NULL && op->chans != NULL && op->nnames == 1 &&
	    op->chans[0] != NULL && strcmp(op->chans[0]->name,
	    op->names[0]) != 0)
		ev.forward = op->chans[0]->name;
	if (op != NULL && op->why[0] != '\0')
		ev.text = op->why;	/* what the failure is about */
	op_finish(e, p, ST_ERROR, err, &ev);
}

/*
 * A "blocked" event's fields that every blocked operation has, modeled
 * or a kernel one (kwatch.c): who, what, on which channel, the message.
 */
void
op_blocked_event(struct proc *p, struct event *ev)
{
	struct op	*op = p->op;

	memset(ev, 0, sizeof(*ev));
	ev->type = op->kind == OP_SEND ? (op->call ? EV_CALL : EV_SEND) :
	    op->kind == OP_RECV ? EV_RECV : EV_POLL;
	ev->proc = p->name;
	ev->op = op->call ? OP_CALL : op->kind;
	ev->chan = op->spec;
	if (op->nnames > 1 || op->kind == OP_POLL) {
		ev->chans = (const char *const *)op->names;
		ev->nchans = op->nnames;
	}
	if (op->kind == OP_SEND) {
		ev->msg = op->msg;
		ev->len = op->len;
		ev->has_msg = true;
	}
	ev->status = ST_BLOCKED;
	ev->size = op->sent;
	ev->timeout_ms = op->timeout_ms;
}

/* p is blocked now: say so (ev), and let the graph look again. */
void
op_blocked(struct engine *e, struct proc *p, struct event *ev)
{
	struct op	*op = p->op;

	op->blocked = true;
	p->state = PS_BLOCKED;
	if (op->timeout_ms >= 0)
		op->deadline = now_ms() + (uint64_t)op->timeout_ms;
	if (!op->ktold)		/* a batch's, told when it was found */
		engine_event(e, ev);
	e->wfg_dirty = true;
}

/* Park p: one "blocked" event; the agent's title says why. */
void
op_block(struct engine *e, struct proc *p, const char *reason,
    struct chan *c)
{
	struct op	*op = p->op;
	struct event	 ev;
	char		 title[128];
	size_t		 i;

	op_blocked_event(p, &ev);
	ev.reason = reason;
	if (c != NULL) {
		op_ev_chan(&ev, c);
		if (op->nnames == 1 && strcmp(c->name, op->names[0]) != 0)
			ev.forward = c->name;
	}
	op_blocked(e, p, &ev);
	/* A batch's: said to the agent only if it waits long (mbatch.c). */
	op->blocked_ms = now_ms();
	if (op->mb) {
		for (i = 0; i < op->nwaits; i++) {
			if (op->waits[i] != NULL)
				chan_mark(e, op->waits[i]->chan);
		}
		return;
	}
	snprintf(title, sizeof(title), "blocked %s %s", op_name(op->call ?
	    OP_CALL : op->kind), c != NULL && op->kind == OP_SEND &&
	    !op->atomic ? c->name : op->spec);
	if (proc_write(p, WIRE_BLOCKED, op->id, title, strlen(title)) == 0)
		p->pending++;	/* the agent acknowledges its new title */
	for (i = 0; i < op->nwaits; i++) {
		if (op->waits[i] != NULL)
			chan_mark(e, op->waits[i]->chan);
	}
}

void
op_would_block(struct engine *e, struct proc *p, const char *reason,
    struct chan *c)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.reason = reason;
	if (c != NULL)
		op_ev_chan(&ev, c);
	op_finish(e, p, ST_WOULD_BLOCK, NULL, &ev);
}

/*
 * The first non-blocking use of a rendezvous channel gets a note: with no
 * buffer, a non-blocking operation can only meet a partner that is
 * already waiting, so it nearly always fails.
 */
void
op_rdv_note(struct engine *e, struct chan *c)
{
	struct event	ev;

	if (e->rdv_note_given || c->buffering != BUF_RENDEZVOUS)
		return;
	e->rdv_note_given = true;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NOTE;
	ev.chan = c->name;
	ev.text = "a non-blocking operation on a rendezvous channel succeeds "
	    "only if a partner is already waiting; with no buffer there is "
	    "nothing to leave behind, so it almost always would block";
	engine_event(e, &ev);
}

void
op_blocked_reason(struct chan *c, enum op_kind k, char *buf, size_t len)
{
	switch (c->buffering) {
	case BUF_BOUNDED:
		if (k == OP_SEND)
			snprintf(buf, len, "full %zu/%zu", chan_fill(c),
			    c->capacity);
		else
			snprintf(buf, len, "empty");
		break;
	case BUF_UNBOUNDED:
		snprintf(buf, len, k == OP_SEND ? "over its limit" : "empty");
		break;
	case BUF_REGISTER:
		snprintf(buf, len, "never written");
		break;
	case BUF_RENDEZVOUS:
		snprintf(buf, len, k == OP_SEND ? "no receiver waiting" :
		    "no sender waiting");
		break;
	}
}
