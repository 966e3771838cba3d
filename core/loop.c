/*
 * The broker's loop: one poll(2) over the agents' sockets, the SIGCHLD
 * self-pipe and the front end's interrupt descriptor; what arrives is
 * dispatched, timeouts fire, and the playground is settled -- quiet, every
 * consequence of what happened known -- before a command looks at it
 * (the quiescence rule is engine.c's comment).
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define STALL_MS	500	/* how long an agent may keep us waiting */
#define WAIT_HOOK_MS	30	/* a sleep's wait hook runs this often */

bool
engine_quiet(const struct engine *e)
{
	struct proc	*p;

	if (!TAILQ_EMPTY(&e->dirtyq))
		return (false);
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_EXITED)
			continue;
		if (p->pending > 0 || p->dying)
			return (false);
	}
	return (true);
}

size_t
engine_pollfds(struct engine *e, struct pollfd *pfd, size_t max)
{
	struct proc	*p;
	size_t		 n = 0;

	if (n < max && e->chld_pipe[0] != -1) {
		pfd[n].fd = e->chld_pipe[0];
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->fd == -1 || n >= max)
			continue;
		pfd[n].fd = p->fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	return (n);
}

int
engine_poll_timeout(struct engine *e)
{
	uint64_t	d, now;

	if ((d = op_next_deadline(e)) == 0)
		return (-1);
	now = now_ms();
	if (d <= now)
		return (0);
	return ((int)(d - now > 60000 ? 60000 : d - now));
}

void
engine_dispatch(struct engine *e, const struct pollfd *pfd, size_t n)
{
	struct proc	*p;
	size_t		 i;
	char		 buf[64];

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == e->chld_pipe[0]) {
			while (read(e->chld_pipe[0], buf, sizeof(buf)) > 0)
				continue;
			e->want_reap = true;
			continue;
		}
		TAILQ_FOREACH(p, &e->procs, entry) {
			if (p->fd == pfd[i].fd) {
				proc_read(e, p);
				break;
			}
		}
	}
	proc_reap(e);
	op_timeouts(e);
	chan_progress(e);
}

/*
 * An agent we wait for has not answered for a while: if someone stopped
 * it from outside (SIGSTOP), continue it, or the playground would hang.
 */
static void
engine_unstall(struct engine *e)
{
	struct proc	*p;
	struct event	 ev;
	char		 text[128];

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_EXITED || p->pending == 0)
			continue;
		if (proc_kstate(p->pid) != 'T')
			continue;
		(void)kill(p->pid, SIGCONT);
		snprintf(text, sizeof(text), "%s was stopped from outside; "
		    "ipcplay sent it CONT to carry on", p->name);
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_NOTE;
		ev.proc = p->name;
		ev.text = text;
		engine_event(e, &ev);
	}
}

/*
 * One round of the loop: wait for something, then handle it.  A sleep
 * also wakes when the front end's interrupt descriptor becomes readable.
 */
static void
engine_step(struct engine *e, int timeout, bool sleeping)
{
	size_t	n, need;
	int	t;

	if (e->model)
		return;		/* nothing to wait for: no process, no time */
	need = e->nprocs + 2;
	if (need > e->pfd_cap) {
		e->pfds = xreallocarray(e->pfds, need, sizeof(*e->pfds));
		e->pfd_cap = need;
	}
	n = engine_pollfds(e, e->pfds, e->pfd_cap - 1);
	/* Last, the front end's "stop waiting" descriptor (not read here). */
	e->pfds[n].fd = sleeping ? e->intr_fd : -1;
	e->pfds[n].events = POLLIN;
	e->pfds[n].revents = 0;
	t = engine_poll_timeout(e);
	if (t == -1 || (timeout >= 0 && timeout < t))
		t = timeout;
	/* An agent inside a syscall: look at /proc again soon. */
	if (kchan_watching(e) && (t == -1 || t > 1))
		t = 1;
	if (!engine_quiet(e) && (t == -1 || t > STALL_MS))
		t = STALL_MS;
	switch (poll(e->pfds, n + 1, t)) {
	case -1:
		if (errno != EINTR)
			return;
		break;
	case 0:
		engine_unstall(e);
		break;
	}
	if (e->pfds[n].revents != 0)
		e->interrupted = true;
	engine_dispatch(e, e->pfds, n);
	kbatch_drain(e);
	mbatch_advance(e);
	kchan_watch(e);
}

/* Called when the system is quiet: look for new deadlocks. */
void
engine_after_step(struct engine *e)
{
	if (e->wfg_dirty) {
		e->wfg_dirty = false;
		wfg_check(e);
	}
}

/*
 * Wait until every consequence of what has happened is known: first
 * whatever already arrived (a child killed from outside while we read
 * the next command), then whatever the agents still owe us.
 */
/*
 * A descriptor that, once readable, ends every sleep early: the front
 * end's quit signal.  The engine polls it but never reads it.
 */
void
engine_interrupt_fd(struct engine *e, int fd)
{
	e->intr_fd = fd;
}

/*
 * Called every WAIT_HOOK_MS while a sleep passes, between steps (the
 * playground is consistent then): the dashboard draws and reads keys.
 */
void
engine_wait_hook(struct engine *e, void (*fn)(void *), void *arg)
{
	e->wait_hook = fn;
	e->wait_arg = arg;
}

/* The interrupt is over (its descriptor drained): sleeps sleep again. */
void
engine_interrupt_clear(struct engine *e)
{
	e->interrupted = false;
}

void
engine_settle(struct engine *e)
{
	chan_progress(e);
	engine_step(e, 0, false);
	while (!engine_quiet(e))
		engine_step(e, -1, false);
	engine_after_step(e);
}

/*
 * One turn of the loop for a front end that drives it (a free run): wait
 * at most ms for something and handle it, drawing through the wait hook
 * at most every WAIT_HOOK_MS.  True when the front end's interrupt
 * descriptor fired.
 */
bool
engine_pump(struct engine *e, int ms)
{
	uint64_t	now;

	engine_step(e, ms, true);
	now = now_ms();
	if (e->wait_hook != NULL && now - e->hook_ms >= WAIT_HOOK_MS) {
		e->hook_ms = now;
		e->wait_hook(e->wait_arg);
	}
	if (engine_quiet(e))
		engine_after_step(e);
	return (e->interrupted);
}

/* Let real time pass, serving timeouts and agents meanwhile. */
void
engine_sleep(struct engine *e, int ms)
{
	uint64_t	end, now;

	if (e->sleep_max_ms > 0 && ms > e->sleep_max_ms)
		ms = e->sleep_max_ms;
	end = now_ms() + (uint64_t)ms;
	for (;;) {
		now = now_ms();
		if (now >= end || e->interrupted)
			break;
		/* A front end that draws while we sleep wakes us for it. */
		engine_step(e, e->wait_hook != NULL && end - now > WAIT_HOOK_MS ?
		    WAIT_HOOK_MS : (int)(end - now), true);
		if (e->wait_hook != NULL)
			e->wait_hook(e->wait_arg);
		if (engine_quiet(e))
			engine_after_step(e);
	}
	engine_settle(e);
}
