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

/* A capability waiting in d for the right(s) to c: an edge of the closure. */
struct cap_edge {
	struct chan	*d;
	struct chan	*c;
	int		 rights;
};

struct transit {
	struct cap_edge	*v;
	size_t		 n;
};

/*
 * The distinct capabilities of a message, at most MSG_CAPS_MAX of them
 * into out; MSG_CAPS_MANY if it has more.  Names too long for a channel
 * and bad words are no capability.
 */
size_t
cap_summary(const unsigned char *msg, size_t len, struct msg_cap *out)
{
	size_t	off = 0, n = 0, i;
	char	name[64];
	int	rights;
	bool	bad;

	while (cap_next(msg, len, &off, name, sizeof(name), &rights, &bad)) {
		if (bad || strlen(name) >= sizeof(out->name))
			continue;
		for (i = 0; i < n && strcmp(out[i].name, name) != 0; i++)
			continue;
		if (i < n) {
			out[i].rights |= rights;
			continue;
		}
		if (n == MSG_CAPS_MAX)
			return (MSG_CAPS_MANY);
		strlcpy(out[n].name, name, sizeof(out[n].name));
		out[n++].rights = rights;
	}
	return (n);
}

/* An edge from d for the right(s) to the channel called name: once each. */
static void
transit_add(struct engine *e, struct transit *t, struct chan *d,
    const struct msg *m, const char *name, int rights, size_t first)
{
	struct chan	*c;
	size_t		 i;

	if ((c = chan_find(e, name)) == NULL || c->born > m->stamp ||
	    c->mech != MECH_MODELED)
		return;
	if (c->owner != NULL)
		rights &= ~CAP_RECV;	/* a mailbox is its owner's */
	for (i = first; i < t->n; i++) {
		if (t->v[i].c == c) {
			t->v[i].rights |= rights;
			return;
		}
	}
	if (rights == 0)
		return;
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n].d = d;
	t->v[t->n].c = c;
	t->v[t->n++].rights = rights;
}

/*
 * The edges of a message waiting in d: from the capabilities read when
 * it was stored, or, for one with very many, from its words again.
 */
static void
transit_msg(struct engine *e, struct transit *t, struct chan *d,
    const struct msg *m)
{
	const struct msg_cap	*v = MSG_CAPS(m);
	size_t			 first = t->n, off = 0, k;
	char			 name[64];
	int			 rights;
	bool			 bad;

	if (m->ncaps != MSG_CAPS_MANY) {
		for (k = 0; k < m->ncaps; k++)
			transit_add(e, t, d, m, v[k].name, v[k].rights, first);
		return;
	}
	while (cap_next(m->data, m->len, &off, name, sizeof(name), &rights,
	    &bad)) {
		if (!bad)
			transit_add(e, t, d, m, name, rights, first);
	}
}

/* Does p hold the right already (then it is a helper anyway)? */
static bool
holds(const struct chan *c, int right, const struct proc *p)
{
	if (right == CAP_SEND)
		return (c->nfrom == 0 || list_has(c->from, c->nfrom, p));
	return (c->owner == p || (c->owner == NULL && (c->nto == 0 ||
	    list_has(c->to, c->nto, p))));
}

/*
 * Whoever may receive on the edge's d, or may gain that right, may gain
 * the edge's right to c: add them to c's gainers.  True if they grew.
 */
static bool
transit_edge(const struct cap_edge *ed, int right)
{
	struct chan	 *c = ed->c, *d = ed->d;
	struct proc	***v, **h;
	size_t		 *n, nh, i, j;
	bool		 *any, grew = false;

	v = right == CAP_SEND ? &c->gsend : &c->grecv;
	n = right == CAP_SEND ? &c->ngsend : &c->ngrecv;
	any = right == CAP_SEND ? &c->gsend_any : &c->grecv_any;
	if (*any)
		return (false);
	if (d->owner == NULL && (d->nto == 0 || d->grecv_any)) {
		*any = true;
		return (true);
	}
	for (i = 0; i < 2; i++) {
		h = i == 0 ? (d->owner != NULL ? &d->owner : d->to) : d->grecv;
		nh = i == 0 ? (d->owner != NULL ? 1 : d->nto) : d->ngrecv;
		for (j = 0; j < nh; j++) {
			if (holds(c, right, h[j]) || list_has(*v, *n, h[j]))
				continue;
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = h[j];
			grew = true;
		}
	}
	return (grew);
}

static int
edge_cmp(const void *a, const void *b)
{
	const struct cap_edge	*x = a, *y = b;

	return (x->d < y->d ? -1 : x->d > y->d);
}

/*
 * Rights in transit, for a deadlock check.  A capability waiting in a
 * cap channel d grants its right to whoever receives it, so each who may
 * receive on d -- or may gain that right in turn, from a capability for d
 * waiting in a third channel -- may yet send on, or receive from, the
 * channel it names, and help a process blocked there.  (A sender blocked
 * with a capability holds the right itself, so it helps already.)  Each
 * message is read once a check; then a worklist: a channel whose
 * receivers grew has its own capabilities' edges looked at again.
 */
void
cap_transit(struct engine *e)
{
	struct transit	 t;
	struct chan	*d, **work = NULL;
	struct msg	*m;
	size_t		 nwork = 0, i, lo, hi, mid;

	memset(&t, 0, sizeof(t));
	TAILQ_FOREACH(d, &e->chans, entry) {
		if (d->format != FMT_CAP || d->mech != MECH_MODELED)
			continue;
		TAILQ_FOREACH(m, &d->msgs, entry)
			transit_msg(e, &t, d, m);
	}
	if (t.n == 0)
		return;
	qsort(t.v, t.n, sizeof(*t.v), edge_cmp);
	work = xreallocarray(NULL, t.n + 1, sizeof(*work));
	for (i = 0; i < t.n; i++) {
		if (t.v[i].rights & CAP_SEND)
			(void)transit_edge(&t.v[i], CAP_SEND);
		if ((t.v[i].rights & CAP_RECV) &&
		    transit_edge(&t.v[i], CAP_RECV))
			work[nwork++] = t.v[i].c;	/* once an edge here */
	}
	/* Each channel whose receivers grew: the edges out of it again. */
	while (nwork > 0) {
		d = work[--nwork];
		for (lo = 0, hi = t.n; lo < hi; ) {
			mid = (lo + hi) / 2;
			if (t.v[mid].d < d)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (i = lo; i < t.n && t.v[i].d == d; i++) {
			if ((t.v[i].rights & CAP_SEND))
				(void)transit_edge(&t.v[i], CAP_SEND);
			if ((t.v[i].rights & CAP_RECV) &&
			    transit_edge(&t.v[i], CAP_RECV)) {
				work = xreallocarray(work, nwork + 1,
				    sizeof(*work));
				work[nwork++] = t.v[i].c;
			}
		}
	}
	free(work);
	free(t.v);
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
