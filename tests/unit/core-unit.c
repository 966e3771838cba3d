/*
 * Unit tests of core/ through its public header only: no readline, no
 * curses, no command language.  Properties that are easier to state in C
 * than in a transcript: name and signal round trips, FIFO order of a
 * bounded channel's waiting senders, and the deadlock sets of a ring and
 * of a near miss.  Prints TAP ("ok N - name"), then "N passed, N failed".
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipccore.h"

static int	passed, failed, num;

static void
check(int ok, const char *name)
{
	num++;
	if (ok)
		passed++;
	else
		failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", num, name);
}

/* Events are not needed here; counting deadlock reports is. */
static int	deadlock_events;

static void
observe(const struct event *ev, void *arg)
{
	(void)arg;
	if (ev->type == EV_DEADLOCK)
		deadlock_events++;
}

static struct engine *
playground(void)
{
	struct engine_config	cf;
	struct engine		*e;

	memset(&cf, 0, sizeof(cf));
	e = engine_new(&cf);
	engine_observe(e, observe, NULL);
	deadlock_events = 0;
	return (e);
}

/* Run one operation of proc on chan (msg NULL for a receive), settled. */
static int
op_(struct engine *e, const char *proc, enum op_kind kind, const char *chan,
    const char *msg)
{
	struct op_request	 rq;
	char			*cause, *names[1];

	memset(&rq, 0, sizeof(rq));
	names[0] = (char *)chan;
	rq.kind = kind;
	rq.chans = names;
	rq.nchans = 1;
	rq.chanspec = chan;
	if (msg != NULL) {
		rq.msg = (const unsigned char *)msg;
		rq.len = strlen(msg);
	}
	rq.timeout_ms = -1;
	if (engine_submit(e, proc, &rq, &cause) == -1) {
		free(cause);
		return (-1);
	}
	engine_settle(e);
	return (0);
}

static int
send_(struct engine *e, const char *proc, const char *chan, const char *msg)
{
	return (op_(e, proc, OP_SEND, chan, msg));
}

static int
recv_(struct engine *e, const char *proc, const char *chan)
{
	return (op_(e, proc, OP_RECV, chan, NULL));
}

static int
channel_(struct engine *e, const char *name, enum buffering b, size_t cap,
    const char *from, const char *to)
{
	struct chan_config	 cf;
	char			*cause, *f[1], *t[1];

	memset(&cf, 0, sizeof(cf));
	cf.buffering = b;
	cf.capacity = cap;
	if (from != NULL) {
		f[0] = (char *)from;
		cf.from = f;
		cf.nfrom = 1;
	}
	if (to != NULL) {
		t[0] = (char *)to;
		cf.to = t;
		cf.nto = 1;
	}
	if (engine_channel(e, name, &cf, &cause) == -1) {
		free(cause);
		return (-1);
	}
	return (0);
}

static void
test_names(void)
{
	char	buf[32];
	int	sig;

	check(name_valid("A") && name_valid("worker_1-b") &&
	    !name_valid("1A") && !name_valid("") &&
	    !name_valid("abcdefghijklmnopq"), "names follow [A-Za-z][A-Za-z0-9_-]{0,15}");
	check(sig_parse("USR1") == SIGUSR1 && sig_parse("SIGTERM") == SIGTERM &&
	    sig_parse("usr2") == SIGUSR2 && sig_parse("9") == SIGKILL &&
	    sig_parse("NOPE") == -1, "signals parse with or without SIG, or as numbers");
	sig = sig_parse("RTMIN+2");
	check(sig == SIGRTMIN + 2 &&
	    strcmp(sig_name(sig, buf, sizeof(buf)), "RTMIN+2") == 0,
	    "RTMIN+N round-trips");
	check(strcmp(sig_name(SIGUSR1, buf, sizeof(buf)), "USR1") == 0,
	    "signal names are written without SIG");
}

static void
test_fifo(void)
{
	struct engine		*e = playground();
	struct chan_info	 ci;
	char			*cause;
	int			 ok;

	ok = engine_spawn(e, "P", &cause) == 0 &&
	    engine_spawn(e, "Q", &cause) == 0 &&
	    engine_spawn(e, "R", &cause) == 0 &&
	    engine_spawn(e, "C", &cause) == 0;
	engine_settle(e);
	ok = ok && channel_(e, "b", BUF_BOUNDED, 1, NULL, NULL) == 0;
	send_(e, "P", "b", "p");
	send_(e, "Q", "b", "q");
	send_(e, "R", "b", "r");
	ok = ok && engine_chan_find(e, "b", &ci);
	check(ok && ci.nsenders == 2 && strcmp(ci.senders[0], "Q") == 0 &&
	    strcmp(ci.senders[1], "R") == 0,
	    "waiting senders queue in arrival order");
	chan_info_free(&ci);
	recv_(e, "C", "b");
	ok = engine_chan_find(e, "b", &ci) && ci.nmsgs == 1 &&
	    ci.msgs[0].len == 1 && ci.msgs[0].data[0] == 'q' &&
	    ci.nsenders == 1 && strcmp(ci.senders[0], "R") == 0;
	check(ok, "the head of the queue goes in first when room is made");
	chan_info_free(&ci);
	engine_free(e);
}

static void
test_ring(void)
{
	struct engine	*e = playground();
	struct deadlock	*dl;
	char		*cause;
	size_t		 n;
	int		 ok;

	ok = engine_spawn(e, "A", &cause) == 0 &&
	    engine_spawn(e, "B", &cause) == 0 &&
	    engine_spawn(e, "C", &cause) == 0;
	engine_settle(e);
	ok = ok && channel_(e, "ab", BUF_RENDEZVOUS, 0, "A", "B") == 0 &&
	    channel_(e, "bc", BUF_RENDEZVOUS, 0, "B", "C") == 0 &&
	    channel_(e, "ca", BUF_RENDEZVOUS, 0, "C", "A") == 0;
	send_(e, "A", "ab", "x");
	send_(e, "B", "bc", "y");
	n = engine_deadlocks(e, &dl);
	check(ok && n == 0, "two of a ring blocked is not a deadlock");
	deadlocks_free(dl, n);
	send_(e, "C", "ca", "z");
	n = engine_deadlocks(e, &dl);
	check(n == 1 && dl[0].nprocs == 3 && dl[0].ncycle == 3 &&
	    strcmp(dl[0].cycle[0], "A") == 0 &&
	    strcmp(dl[0].cycle[1], "B") == 0 &&
	    strcmp(dl[0].cycle[2], "C") == 0,
	    "the whole ring is one deadlock with the cycle A, B, C");
	deadlocks_free(dl, n);
	check(deadlock_events == 1, "the deadlock was reported exactly once");
	engine_settle(e);
	check(deadlock_events == 1, "and not again on the next step");
	engine_free(e);
}

static void
test_near_miss(void)
{
	struct engine	*e = playground();
	struct deadlock	*dl;
	char		*cause;
	size_t		 n;

	(void)engine_spawn(e, "A", &cause);
	(void)engine_spawn(e, "B", &cause);
	(void)engine_spawn(e, "C", &cause);
	engine_settle(e);
	(void)channel_(e, "ab", BUF_RENDEZVOUS, 0, "A", "B");
	(void)channel_(e, "bc", BUF_RENDEZVOUS, 0, "B", "C");
	send_(e, "A", "ab", "x");
	send_(e, "B", "bc", "y");
	n = engine_deadlocks(e, &dl);
	check(n == 0 && deadlock_events == 0,
	    "a chain whose last process is free is not a deadlock");
	deadlocks_free(dl, n);
	engine_free(e);
}

extern char	**environ;

/*
 * Partial-order reduction (por.c) on toy models: processes that each
 * repeat a list of sends and receives on bounded counters of tokens.  A
 * breadth-first search with sleep sets, as explore does it (a state met
 * again with fewer asleep has the difference tried), against the full
 * search: the same states, the same deadlock verdict, the same shortest
 * distance to it, fewer steps tried.
 */
#define TOY_P	6
#define TOY_C	6
#define TOY_OPS	4
#define TOY_MAX	20000

struct toy {
	int	nproc, nchan, cap[TOY_C], init[TOY_C];
	int	nops[TOY_P];
	int	op[TOY_P][TOY_OPS];	/* +c+1: send on c; -(c+1): recv */
	int	loops;			/* programs go round for ever */
};

struct toy_state {
	unsigned char	pc[TOY_P], tok[TOY_C], done[TOY_P];
};

struct toy_result {
	size_t	states, tried;
	int	deadlock_at;		/* depth of the first, or -1 */
};

static bool
toy_enabled(const struct toy *t, const struct toy_state *s, int p)
{
	int	o, c;

	if (s->done[p])
		return (false);
	o = t->op[p][s->pc[p]];
	c = (o > 0 ? o : -o) - 1;
	return (o > 0 ? s->tok[c] < t->cap[c] : s->tok[c] > 0);
}

static void
toy_step(const struct toy *t, struct toy_state *s, int p)
{
	int	o = t->op[p][s->pc[p]], c = (o > 0 ? o : -o) - 1;

	s->tok[c] += o > 0 ? 1 : -1;
	if (++s->pc[p] == t->nops[p]) {
		s->pc[p] = 0;
		if (!t->loops)
			s->done[p] = 1;
	}
}

static void
toy_search(const struct toy *t, bool reduce, struct toy_result *res)
{
	static struct toy_state	 seen[TOY_MAX];
	static int		 depth[TOY_MAX];
	static uint64_t		 sleep[TOY_MAX];
	static bool		 done[TOY_MAX];
	static size_t		 queue[4 * TOY_MAX];
	static uint64_t		 todo[4 * TOY_MAX];
	uint64_t		 next[TOY_P], all, z, prior, nz, miss;
	struct toy_state	 s, n;
	size_t			 nseen = 0, head = 0, nq = 0, i, at;
	int			 p, k;
	bool			 live;

	memset(res, 0, sizeof(*res));
	res->deadlock_at = -1;
	memset(&s, 0, sizeof(s));
	for (k = 0; k < t->nchan; k++)
		s.tok[k] = (unsigned char)t->init[k];
	seen[0] = s;
	depth[0] = 0;
	sleep[0] = 0;
	done[0] = false;
	nseen = 1;
	queue[nq] = 0;
	todo[nq++] = UINT64_MAX;
	while (head < nq) {
		at = queue[head];
		s = seen[at];
		all = 0;
		live = false;
		for (p = 0; p < t->nproc; p++) {
			int o = t->op[p][s.pc[p]];

			next[p] = (uint64_t)1 << ((o > 0 ? o : -o) - 1);
			live |= !s.done[p];
			if (toy_enabled(t, &s, p))
				all |= (uint64_t)1 << p;
		}
		if (all == 0 && live && res->deadlock_at < 0)
			res->deadlock_at = depth[at];
		z = reduce ? sleep[at] : 0;
		all &= ~z & todo[head++];
		prior = 0;
		for (p = 0; p < t->nproc; p++) {
			if (!(all >> p & 1))
				continue;
			n = s;
			toy_step(t, &n, p);
			res->tried++;
			nz = reduce ? por_sleep(next, (size_t)t->nproc,
			    z | prior, (size_t)p) : 0;
			prior |= (uint64_t)1 << p;
			for (i = 0; i < nseen; i++) {
				if (memcmp(&seen[i], &n, sizeof(n)) == 0)
					break;
			}
			if (i < nseen) {
				miss = sleep[i] & ~nz;
				sleep[i] &= nz;
				if (miss != 0 && done[i] && nq < 4 * TOY_MAX) {
					queue[nq] = i;
					todo[nq++] = miss;
				}
				continue;
			}
			if (nseen == TOY_MAX || nq == 4 * TOY_MAX)
				break;
			seen[nseen] = n;
			depth[nseen] = depth[at] + 1;
			sleep[nseen] = nz;
			done[nseen] = false;
			queue[nq] = nseen++;
			todo[nq++] = UINT64_MAX;
		}
		done[at] = true;
	}
	res->states = nseen;
}

static void
toy_ring(struct toy *t, int n, bool fix)
{
	int	i, l, r;

	memset(t, 0, sizeof(*t));
	t->nproc = t->nchan = n;
	t->loops = 1;
	for (i = 0; i < n; i++) {
		t->cap[i] = 1;
		t->init[i] = 1;
		l = i;
		r = (i + 1) % n;
		if (fix && i == n - 1) {
			l = r;
			r = i;
		}
		t->nops[i] = 4;
		t->op[i][0] = -(l + 1);
		t->op[i][1] = -(r + 1);
		t->op[i][2] = l + 1;
		t->op[i][3] = r + 1;
	}
}

static void
toy_check(const struct toy *t, const char *what)
{
	struct toy_result	full, red;
	char			name[200];

	toy_search(t, false, &full);
	toy_search(t, true, &red);
	snprintf(name, sizeof(name), "por: %s: %zu states both ways, deadlock "
	    "at %d both ways, %zu steps tried instead of %zu", what,
	    full.states, full.deadlock_at, red.tried, full.tried);
	check(red.states == full.states && red.deadlock_at ==
	    full.deadlock_at && red.tried <= full.tried, name);
}

static void
test_por(void)
{
	struct toy	t;
	char		what[64];
	int		n, i;

	for (n = 2; n <= 5; n++) {
		toy_ring(&t, n, false);
		snprintf(what, sizeof(what), "%d philosophers, left first", n);
		toy_check(&t, what);
		toy_ring(&t, n, true);
		snprintf(what, sizeof(what), "%d philosophers, one right first",
		    n);
		toy_check(&t, what);
	}
	/* Three independent producer/consumer pairs. */
	memset(&t, 0, sizeof(t));
	t.nproc = 6;
	t.nchan = 3;
	for (i = 0; i < 3; i++) {
		t.cap[i] = 2;
		t.nops[2 * i] = 3;
		t.nops[2 * i + 1] = 3;
		t.op[2 * i][0] = t.op[2 * i][1] = t.op[2 * i][2] = i + 1;
		t.op[2 * i + 1][0] = t.op[2 * i + 1][1] =
		    t.op[2 * i + 1][2] = -(i + 1);
	}
	toy_check(&t, "three independent pairs");
	/* A consumer that wants one more than is sent: a deadlock of one. */
	t.nops[1] = 4;
	t.op[1][3] = -1;
	toy_check(&t, "a consumer short of a message");
}

int
main(int argc, char *argv[])
{
	/* The agents set their titles; libbsd wants this first. */
	setproctitle_init(argc, argv, environ);
	test_names();
	test_fifo();
	test_ring();
	test_near_miss();
	test_por();
	printf("1..%d\n", num);
	printf("%d passed, %d failed\n", passed, failed);
	return (failed > 0);
}
