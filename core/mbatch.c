/*
 * A batch of modeled operations in a free run (SPEC section 10: "batch
 * the agent's requests, avoid a reply per message where semantics
 * allow").  The front end hands a program's next sends and receives on
 * modeled channels over as one batch, as for kernel ones (kbatch.c); the
 * orders go into the region the agent shares with the broker, and the
 * agent makes each a real request on its socket (WIRE_REQ, with the
 * message from the process itself) one after the other without waiting
 * for answers.  The broker makes them in order, each once the one
 * before has ended -- the semantics are every operation's own (op.c) --
 * and answers none: the agent needs no answer, as no line of the batch
 * uses what came before ($msg and $ready end a batch).  So a ping-pong of
 * two programs costs one message and the broker's work per operation.
 *
 * A request that waits is not said to the agent at once: a free run
 * blocks and unblocks thousands of times a second.  One still waiting
 * after MB_TITLE_MS is, as any blocked operation is (the process's title
 * "[blocked send c1]", the agent asleep on its wake pipe), and answered
 * when it ends; so is one left waiting when the run stops, which then
 * goes on as the process's own operation.
 */

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MB_TITLE_MS	2	/* waiting this long: said to the agent */


/* The requests a batch kept, and the bytes that came for them. */
void
mbatch_clear(struct kbatch *kb)
{
	size_t	i;

	if (!kb->mkept)
		return;
	kb->mkept = false;
	for (i = 0; i < KB_MAX; i++) {
		op_request_free(kb->ops[i].rq);
		kb->ops[i].rq = NULL;
		free(kb->ops[i].msg);
		kb->ops[i].msg = NULL;
		kb->ops[i].came = false;
	}
}

/*
 * Can the broker make rq from a batch: a send or a receive, whose every
 * channel is a modeled one (a receive may be from the mailbox)?
 */
bool
mbatch_fits(struct engine *e, struct proc *p, const struct op_request *rq)
{
	struct chan	*c;
	size_t		 i;

	(void)p;
	if ((rq->kind != OP_SEND && rq->kind != OP_RECV) ||
	    rq->len > MSG_LEN_MAX || (rq->kind == OP_SEND && rq->nchans == 0))
		return (false);
	for (i = 0; i < rq->nchans; i++) {
		if ((c = chan_find(e, rq->chans[i])) == NULL ||
		    c->mech != MECH_MODELED)
			return (false);
	}
	return (true);
}

/* The orders of a modeled batch, into p's region; then it goes. */
int
mbatch_start(struct engine *e, struct proc *p,
    const struct op_request *const *rqs, const int *lines, size_t n,
    char **cause)
{
	struct kbatch	*kb = p->kb;
	struct kb_ent	*ent;
	size_t		 i, out = 0;

	mbatch_clear(kb);
	for (i = 0; i < n && i < KB_MAX; i++) {
		if (!mbatch_fits(e, p, rqs[i]) || out + rqs[i]->len > KB_OUT)
			break;
		ent = &kb->shm->ent[i];
		memset(ent, 0, sizeof(*ent));
		ent->k.kind = rqs[i]->kind;
		ent->off = (uint32_t)out;
		ent->len = (uint32_t)rqs[i]->len;
		if (rqs[i]->len > 0)
			memcpy(kb->shm->out + out, rqs[i]->msg, rqs[i]->len);
		out += rqs[i]->len;
		memset(&kb->ops[i], 0, sizeof(kb->ops[i]));
		strlcpy(kb->ops[i].chan, rqs[i]->nchans > 0 ?
		    rqs[i]->chans[0] : "", sizeof(kb->ops[i].chan));
		kb->ops[i].line = lines[i];
		/* Its bytes come from the agent. */
		kb->ops[i].rq = op_request_dup(rqs[i], false);
		kb->mkept = true;
	}
	if (i == 0) {
		xasprintf(cause, "not an operation a batch may hold");
		return (-1);
	}
	kb->modeled = true;
	kb->mopen = true;
	return (kbatch_go(e, p, i));
}

/* Over: nothing more will begin, and none is under way. */
static void
mb_settle(struct engine *e, struct proc *p)
{
	struct kbatch	*kb = p->kb;

	if (kb->mopen && p->op == NULL && (kb->halted ||
	    kb->started == kb->n || (!kb->running &&
	    kb->started >= kb->total)))
		kb->mopen = false;
	if (p->state != PS_EXITED && p->op == NULL)
		p->state = kb->running || kb->mopen ? PS_BUSY : PS_IDLE;
	e->wfg_dirty = true;
}

/* Begin p's next operations, in order, while each ends at once. */
static bool
mb_advance(struct engine *e, struct proc *p)
{
	struct kbatch		*kb = p->kb;
	struct op_request	 rq;
	struct op		*op;
	size_t			 i;
	bool			 moved = false;

	while (kb != NULL && kb->modeled && kb->mopen && !kb->halted &&
	    p->op == NULL && p->state != PS_EXITED && !p->dying &&
	    kb->started < kb->n && kb->ops[kb->started].came) {
		if (!engine_kbatch_take(e)) {
			kb->halted = true;	/* every step is taken */
			break;
		}
		i = kb->started++;
		rq = *kb->ops[i].rq;
		rq.msg = kb->ops[i].msg;
		rq.len = kb->ops[i].len;
		op = op_make(p, &rq);
		op->mb = true;
		free(kb->ops[i].msg);
		kb->ops[i].msg = NULL;
		p->op = op;
		p->state = PS_BUSY;
		p->prog_line = kb->ops[i].line;
		op_start(e, p);
		/* Whom it freed or fed goes on first, as for one alone. */
		chan_progress(e);
		moved = true;
		kb = p->kb;
	}
	if (kb != NULL && kb->modeled)
		mb_settle(e, p);
	return (moved);
}

/* A request of p's batch has come (WIRE_REQ): it begins in its turn. */
void
mbatch_req(struct engine *e, struct proc *p, uint32_t id,
    const unsigned char *data, size_t len)
{
	struct kbatch	*kb = p->kb;
	size_t		 i = id & 0xffff;

	if (kb == NULL || !kb->modeled || ((id >> 16) & 0x7fff) !=
	    (kb->gen & 0x7fff) || i >= kb->n || kb->ops[i].came)
		return;
	kb->ops[i].msg = xmemdup(data, len);
	kb->ops[i].len = len;
	kb->ops[i].came = true;
	kb->mkept = true;
	(void)mb_advance(e, p);
}

/*
 * An operation of p's batch has ended (op_finish): one that failed ends
 * the batch; the next begins when the broker is back in its loop
 * (mbatch_advance), not inside the operation that ended this one.
 */
void
mbatch_op_done(struct engine *e, struct proc *p, enum op_status st)
{
	struct kbatch	*kb = p->kb;

	if (kb == NULL || !kb->modeled)
		return;
	kb->drained++;
	if (st == ST_ERROR)
		kb->halted = true;
	if (p->state != PS_EXITED)
		p->state = PS_BUSY;
	e->mb_due = true;
}

/* The agent may show that it waits: its title, its sleep. */
static void
mb_title(struct proc *p)
{
	struct op	*op = p->op;
	char		 title[128];

	if (op == NULL || !op->mb || !op->blocked || op->mb_reply)
		return;
	snprintf(title, sizeof(title), "blocked %s %s", op_name(op->kind),
	    op->spec);
	if (proc_write(p, WIRE_BLOCKED, op->id, title, strlen(title)) == 0)
		p->pending++;	/* the agent acknowledges its new title */
	op->mb_reply = true;	/* ... and is answered when it ends */
}

/*
 * Back in the loop: every batch goes on as far as it can, and one that
 * has waited MB_TITLE_MS says so.
 */
void
mbatch_advance(struct engine *e)
{
	struct proc	*p;
	uint64_t	 now = 0;
	bool		 moved;

	do {
		moved = false;
		e->mb_due = false;
		TAILQ_FOREACH(p, &e->procs, entry) {
			if (p->kb != NULL && p->kb->modeled &&
			    mb_advance(e, p))
				moved = true;
		}
		/* What they did to the channels: waiters matched. */
		chan_progress(e);
	} while (moved || e->mb_due);
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->kb == NULL || !p->kb->modeled || p->op == NULL ||
		    !p->op->mb || !p->op->blocked || p->op->mb_reply)
			continue;
		if (now == 0)
			now = now_ms();
		if (now - p->op->blocked_ms >= MB_TITLE_MS)
			mb_title(p);
	}
}

/* The agent has sent every request it will (WIRE_KBEND). */
void
mbatch_end(struct engine *e, struct proc *p)
{
	(void)mb_advance(e, p);
}

/*
 * Is p's batch over (none will begin, none under way)?  *inside: it was
 * stopped with one waiting, which goes on as p's own operation.
 */
bool
mbatch_over(struct proc *p, bool *inside)
{
	struct kbatch	*kb = p->kb;

	*inside = false;
	if (!kb->running && !kb->mopen)
		return (true);
	if (!kb->running && kb->halted && p->op != NULL && p->op->blocked) {
		*inside = true;
		return (true);
	}
	return (false);
}

/* Begin no more of p's batch; one waiting is told to the agent. */
void
mbatch_stop(struct engine *e, struct proc *p)
{
	struct kbatch	*kb = p->kb;

	kb->halted = true;
	ST(kb->shm->h.stop, 1);
	mb_title(p);
	mb_settle(e, p);
}
