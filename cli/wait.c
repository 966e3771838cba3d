/*
 * One round of an interactive loop, shared by the shell, the dashboard
 * and the lesson player: wait until one of the caller's descriptors is
 * readable, the engine has something to do (an agent's message, a
 * SIGCHLD, a timeout), or max_ms passes; then let the engine do it and
 * look for new deadlocks once it is quiet.
 *
 * The interactive front ends also end here on SIGHUP and SIGTERM: the
 * handler only writes to a self-pipe, which this loop (and the engine,
 * so that a long sleep ends early) polls; ui_wait then returns -1 for
 * good, each front end unwinds and gives the terminal back, and main
 * dies of the signal once the playground is gone.  Ctrl-C during a
 * command uses the same pipe to end that command only (a sleep, a
 * repeat, the rest of the line): ui_interrupt_done() then drains it.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "serve.h"

static int			quit_pipe[2] = { -1, -1 };
static volatile sig_atomic_t	quit_sig;
static volatile sig_atomic_t	interrupted;

static void
ui_quit_handler(int sig)
{
	int	saved = errno;
	char	c = 0;

	quit_sig = sig;
	(void)write(quit_pipe[1], &c, 1);
	errno = saved;
}

/* From now on SIGHUP and SIGTERM end the interactive session cleanly. */
void
ui_catch_quit(struct ctx *ctx)
{
	struct sigaction	sa;

	if (quit_pipe[0] == -1 &&
	    pipe2(quit_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_quit_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	engine_interrupt_fd(ctx->e, quit_pipe[0]);
}

/* One more signal that ends the session so (SIGINT for ipcplay serve). */
void
ui_catch_signal(int sig)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_quit_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

/* The signal that ended the session, or 0. */
int
ui_quit_signal(void)
{
	return (quit_sig);
}

/* Ctrl-C during a command: end it.  Async-signal-safe. */
void
ui_interrupt(void)
{
	int	saved = errno;
	char	c = 0;

	interrupted = 1;
	if (quit_pipe[1] != -1)
		(void)write(quit_pipe[1], &c, 1);
	errno = saved;
}

/* Should the command being run stop now (a quit, or Ctrl-C)? */
bool
ui_stopping(void)
{
	return (quit_sig != 0 || interrupted != 0);
}

/*
 * After a command: forget a Ctrl-C (drain the pipe, let the engine sleep
 * again).  Returns true if there was one.  A quit is never forgotten.
 */
bool
ui_interrupt_done(struct ctx *ctx)
{
	char	buf[64];
	bool	was = interrupted != 0;

	if (quit_sig != 0 || !was)
		return (was);
	interrupted = 0;
	while (read(quit_pipe[0], buf, sizeof(buf)) > 0)
		continue;
	engine_interrupt_clear(ctx->e);
	return (true);
}

/*
 * The session is over.  SIGHUP and SIGTERM get their default action back
 * (a hangup that comes after the end of input must still end us, even
 * in whatever runs at exit), and if one of them ended the session we die
 * of it now, as an uncaught one would have killed us.
 */
void
ui_quit_raise(void)
{
	struct sigaction	sa;

	if (quit_pipe[0] == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	if (quit_sig == SIGINT)	/* serve without a terminal catches it */
		(void)sigaction(SIGINT, &sa, NULL);
	if (quit_sig != 0)
		(void)raise(quit_sig);
}

/*
 * Returns -1 if poll failed or a quit signal arrived; ready[i] gets the
 * revents of fds[i].
 */
int
ui_wait(struct ctx *ctx, struct ui_wait *w, const int *fds, short *ready,
    size_t nfds, int max_ms)
{
	size_t	need, n, ns, i;
	int	t, ts, r;

	if (quit_sig != 0)
		return (-1);
	need = nfds + engine_nprocs(ctx->e) + 2 + serve_nfds(ctx);
	if (need > w->cap) {
		w->pfd = xreallocarray(w->pfd, need, sizeof(*w->pfd));
		w->cap = need;
	}
	for (i = 0; i < nfds; i++) {
		w->pfd[i].fd = fds[i];
		w->pfd[i].events = POLLIN;
		w->pfd[i].revents = 0;
	}
	/* The quit pipe, when there is one, sits with the caller's. */
	w->pfd[nfds].fd = quit_pipe[0];
	w->pfd[nfds].events = POLLIN;
	w->pfd[nfds].revents = 0;
	nfds++;
	n = nfds + engine_pollfds(ctx->e, w->pfd + nfds, w->cap - nfds);
	/* A classroom's students, last (serve.c). */
	ns = serve_pollfds(ctx, w->pfd + n, w->cap - n);
	t = engine_poll_timeout(ctx->e);
	if (max_ms >= 0 && (t == -1 || max_ms < t))
		t = max_ms;
	if ((ts = serve_timeout(ctx)) != -1 && (t == -1 || ts < t))
		t = ts;
	if ((r = poll(w->pfd, n + ns, t)) == -1) {
		if (errno != EINTR)
			return (-1);
		for (i = 0; i < n + ns; i++)
			w->pfd[i].revents = 0;
	}
	engine_dispatch(ctx->e, w->pfd + nfds, n - nfds);
	serve_dispatch(ctx, w->pfd + n, ns);
	if (engine_quiet(ctx->e))
		engine_after_step(ctx->e);
	for (i = 0; i + 1 < nfds; i++)
		ready[i] = w->pfd[i].revents;
	/*
	 * A Ctrl-C meant for a command that has ended (a lesson played
	 * from the shell waits here while the shell's line runs): at a
	 * prompt it ends nothing, so forget it rather than wake forever.
	 */
	if (quit_sig == 0 && (w->pfd[nfds - 1].revents & POLLIN))
		(void)ui_interrupt_done(ctx);
	return (quit_sig != 0 ? -1 : 0);
}

void
ui_wait_free(struct ui_wait *w)
{
	free(w->pfd);
	w->pfd = NULL;
	w->cap = 0;
}
