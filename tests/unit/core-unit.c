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

int
main(int argc, char *argv[])
{
	/* The agents set their titles; libbsd wants this first. */
	setproctitle_init(argc, argv, environ);
	test_names();
	test_fifo();
	test_ring();
	test_near_miss();
	printf("1..%d\n", num);
	printf("%d passed, %d failed\n", passed, failed);
	return (failed > 0);
}
