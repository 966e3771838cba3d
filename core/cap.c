/*
 * Capabilities: on a channel with format=cap, a message may carry rights
 * to other channels, written cap:CH (send and receive), cap:CH:send or
 * cap:CH:recv, among its blank-separated words.  Receiving such a message
 * grants the right: the receiver joins CH's from (send) or to (recv)
 * list.  A sender may only pass a right it holds itself, the rule that
 * keeps a capability system closed: rights travel, they are never made
 * up.  A channel open to anyone needs no capability, so granting one
 * there changes nothing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CAP_SEND	0x1
#define CAP_RECV	0x2

/*
 * The next capability word in s[*off..len): its channel name and rights.
 * Returns false at the end.  A word that starts with "cap:" but is not a
 * capability sets *bad.
 */
static bool
cap_next(const unsigned char *s, size_t len, size_t *off, char *name,
    size_t namelen, int *rights, bool *bad)
{
	size_t		 i = *off, j, w;
	const char	*colon;
	char		 word[64];

	*bad = false;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' ||
		    s[i] == '\n' || s[i] == ','))
			i++;
		if (i >= len) {
			*off = i;
			return (false);
		}
		for (j = i; j < len && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != '\n' && s[j] != ','; j++)
			continue;
		w = j - i;
		if (w > 4 && memcmp(s + i, "cap:", 4) == 0)
			break;
		i = j;
	}
	*off = j;
	if (w >= sizeof(word)) {
		*bad = true;
		return (true);
	}
	memcpy(word, s + i + 4, w - 4);
	word[w - 4] = '\0';
	*rights = CAP_SEND | CAP_RECV;
	if ((colon = strchr(word, ':')) != NULL) {
		if (strcmp(colon, ":send") == 0)
			*rights = CAP_SEND;
		else if (strcmp(colon, ":recv") == 0)
			*rights = CAP_RECV;
		else {
			*bad = true;
			return (true);
		}
		word[colon - word] = '\0';
	}
	strlcpy(name, word, namelen);
	return (true);
}

/*
 * May p send this message on a cap channel?  *err says why not, and why
 * names the capability at fault ("nosuch (in cap:nosuch:recv)").
 */
bool
cap_check(struct engine *e, struct proc *p, const unsigned char *msg,
    size_t len, const char **err, char *why, size_t whylen)
{
	struct chan	*c;
	size_t		 off = 0, start;
	char		 name[64];
	int		 rights;
	bool		 bad;

	while (cap_next(msg, len, &off, name, sizeof(name), &rights, &bad)) {
		start = off;
		while (start > 0 && msg[start - 1] != ' ' &&
		    msg[start - 1] != '\t' && msg[start - 1] != '\n' &&
		    msg[start - 1] != ',')
			start--;
		if (bad) {
			*err = "bad capability (cap:CH, cap:CH:send or "
			    "cap:CH:recv)";
			snprintf(why, whylen, "%.*s", (int)(off - start),
			    (const char *)msg + start);
			return (false);
		}
		if ((c = chan_find(e, name)) == NULL) {
			*err = "no such channel";
			snprintf(why, whylen, "%s (in %.*s)", name,
			    (int)(off - start), (const char *)msg + start);
			return (false);
		}
		if (((rights & CAP_SEND) && !chan_may_send(c, p)) ||
		    ((rights & CAP_RECV) && (c->owner != NULL ||
		    !chan_may_recv(c, p)))) {
			*err = "permission denied";
			snprintf(why, whylen, "%s holds no such right on %s "
			    "(in %.*s)", p->name, name, (int)(off - start),
			    (const char *)msg + start);
			return (false);
		}
	}
	return (true);
}

static bool
list_has(struct proc **v, size_t n, const struct proc *p)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i] == p)
			return (true);
	}
	return (false);
}

static bool
list_add(struct proc ***v, size_t *n, struct proc *p)
{
	size_t	i;

	if (*n == 0)
		return (false);		/* open to anyone already */
	for (i = 0; i < *n; i++) {
		if ((*v)[i] == p)
			return (false);
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = p;
	return (true);
}

static void
cap_note(struct engine *e, struct proc *p, struct chan *c, struct chan *via,
    const char *right)
{
	struct later	*l;

	l = engine_later(e, EV_NOTE);
	strlcpy(l->chan, c->name, sizeof(l->chan));
	xasprintf(&l->text, "%s now holds the right to %s on %s (a "
	    "capability received on %s)", p->name, right, c->name, via->name);
}

/*
 * p received msg, sent when e->gen was stamp, on via: grant the rights it
 * carries.  A right names the channel object that existed when the
 * message was sent, not whatever carries its name today: a channel born
 * after the message (closed and made again under the same name) is not
 * the one the sender held a right to, and the capability is stale.
 */
void
cap_grant(struct engine *e, struct proc *p, struct chan *via,
    const unsigned char *msg, size_t len, uint64_t stamp)
{
	struct chan	*c;
	struct later	*l;
	size_t		 off = 0;
	char		 name[64];
	int		 rights;
	bool		 bad;

	while (cap_next(msg, len, &off, name, sizeof(name), &rights, &bad)) {
		if (bad)
			continue;
		if ((c = chan_find(e, name)) == NULL || c->born > stamp) {
			l = engine_later(e, EV_NOTE);
			strlcpy(l->chan, via->name, sizeof(l->chan));
			xasprintf(&l->text, "%s's capability for %s is stale: "
			    "that channel was closed after the message was "
			    "sent, so it grants nothing", p->name, name);
			continue;
		}
		if ((rights & CAP_SEND) && list_add(&c->from, &c->nfrom, p))
			cap_note(e, p, c, via, "send");
		if ((rights & CAP_RECV) && c->owner == NULL &&
		    list_add(&c->to, &c->nto, p))
			cap_note(e, p, c, via, "recv");
		e->wfg_dirty = true;
	}
}

/*
 * Add to *v (or make *any) whoever may receive on d, or may gain that
 * right: they could take a capability waiting there.  True if it grew.
 */
static bool
gainers_add(struct proc ***v, size_t *n, bool *any, struct chan *d)
{
	struct proc	**h;
	size_t		  nh, i, j;
	bool		  grew = false;

	if (*any)
		return (false);
	if (d->owner == NULL && (d->nto == 0 || d->grecv_any)) {
		*any = true;
		return (true);
	}
	for (i = 0; i < 2; i++) {
		if (i == 0) {
			h = d->owner != NULL ? &d->owner : d->to;
			nh = d->owner != NULL ? 1 : d->nto;
		} else {
			h = d->grecv;
			nh = d->ngrecv;
		}
		for (j = 0; j < nh; j++) {
			if (list_has(*v, *n, h[j]))
				continue;
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = h[j];
			grew = true;
		}
	}
	return (grew);
}

/* The rights the capabilities in msg (sent when stamp was) may grant. */
static bool
transit_msg(struct engine *e, struct chan *d, const unsigned char *msg,
    size_t len, uint64_t stamp)
{
	struct chan	*c;
	size_t		 off = 0;
	char		 name[64];
	int		 rights;
	bool		 bad, grew = false;

	while (cap_next(msg, len, &off, name, sizeof(name), &rights, &bad)) {
		if (bad || (c = chan_find(e, name)) == NULL || c->born > stamp)
			continue;
		if (rights & CAP_SEND)
			grew |= gainers_add(&c->gsend, &c->ngsend,
			    &c->gsend_any, d);
		if ((rights & CAP_RECV) && c->owner == NULL)
			grew |= gainers_add(&c->grecv, &c->ngrecv,
			    &c->grecv_any, d);
	}
	return (grew);
}

/*
 * Rights in transit, for a deadlock check.  A capability waiting on a cap
 * channel d -- buffered there, or held by a sender blocked on d -- grants
 * its right to whoever receives it, so each who may receive on d may yet
 * send on, or receive from, the channel it names, and help a process
 * blocked there.  Repeated until nothing grows: a capability for d may be
 * waiting in a third channel.
 */
void
cap_transit(struct engine *e)
{
	struct chan	*d;
	struct msg	*m;
	struct proc	*p;
	struct op	*op;
	bool		 grew;
	size_t		 rounds = 0;

	do {
		grew = false;
		TAILQ_FOREACH(d, &e->chans, entry) {
			if (d->format != FMT_CAP || d->mech != MECH_MODELED)
				continue;
			TAILQ_FOREACH(m, &d->msgs, entry)
				grew |= transit_msg(e, d, m->data, m->len,
				    m->stamp);
		}
		TAILQ_FOREACH(p, &e->procs, entry) {
			op = p->op;
			if (p->state != PS_BLOCKED || op == NULL || op->kernel ||
			    op->kind != OP_SEND || op->chans == NULL ||
			    op->next >= op->nnames)
				continue;
			d = op->chans[op->next];
			if (d != NULL && d->format == FMT_CAP)
				grew |= transit_msg(e, d, op->msg, op->len,
				    e->gen);
		}
	} while (grew && ++rounds < e->nchans + 1);
}

void
cap_transit_clear(struct engine *e)
{
	struct chan	*c;

	TAILQ_FOREACH(c, &e->chans, entry) {
		free(c->gsend);
		free(c->grecv);
		c->gsend = c->grecv = NULL;
		c->ngsend = c->ngrecv = 0;
		c->gsend_any = c->grecv_any = false;
	}
}
