/*
 * One round of an interactive loop, shared by the shell, the dashboard
 * and the lesson player: wait until one of the caller's descriptors is
 * readable, the engine has something to do (an agent's message, a
 * SIGCHLD, a timeout), or max_ms passes; then let the engine do it and
 * look for new deadlocks once it is quiet.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "ipcplay.h"

/* Returns -1 if poll failed; ready[i] gets the revents of fds[i]. */
int
ui_wait(struct ctx *ctx, struct ui_wait *w, const int *fds, short *ready,
    size_t nfds, int max_ms)
{
	size_t	need, n, i;
	int	t, r;

	need = nfds + engine_nprocs(ctx->e) + 1;
	if (need > w->cap) {
		w->pfd = xreallocarray(w->pfd, need, sizeof(*w->pfd));
		w->cap = need;
	}
	for (i = 0; i < nfds; i++) {
		w->pfd[i].fd = fds[i];
		w->pfd[i].events = POLLIN;
		w->pfd[i].revents = 0;
	}
	n = nfds + engine_pollfds(ctx->e, w->pfd + nfds, w->cap - nfds);
	t = engine_poll_timeout(ctx->e);
	if (max_ms >= 0 && (t == -1 || max_ms < t))
		t = max_ms;
	if ((r = poll(w->pfd, n, t)) == -1) {
		if (errno != EINTR)
			return (-1);
		for (i = 0; i < n; i++)
			w->pfd[i].revents = 0;
	}
	engine_dispatch(ctx->e, w->pfd + nfds, n - nfds);
	if (engine_quiet(ctx->e))
		engine_after_step(ctx->e);
	for (i = 0; i < nfds; i++)
		ready[i] = w->pfd[i].revents;
	return (0);
}

void
ui_wait_free(struct ui_wait *w)
{
	free(w->pfd);
	w->pfd = NULL;
	w->cap = 0;
}
