/*
 * The steps a free run may still take (SPEC section 10: "--steps N"),
 * one count in a region every agent that runs a batch maps (kbatch.c):
 * an agent takes a step before each operation it makes, the broker one
 * before each it makes itself, so a run stops after exactly N however
 * fast they go.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The steps left, in a region every agent maps; made the first time. */
bool
kb_left_map(struct engine *e, char **cause)
{
	void	*m;
	int	 fd;

	if (e->kb_left != NULL)
		return (true);
	if ((fd = memfd_create("ipcplay-steps", MFD_CLOEXEC)) == -1 ||
	    ftruncate(fd, sizeof(int64_t)) == -1 ||
	    (m = mmap(NULL, sizeof(int64_t), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "the steps' region: %s", strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return (false);
	}
	e->kb_left = m;
	e->kb_left_fd = fd;
	ST(*e->kb_left, INT64_MAX);
	return (true);
}

/* A run may take n more steps (-1: any number). */
void
engine_kbatch_limit(struct engine *e, long long n)
{
	char	*cause = NULL;

	if (!kb_left_map(e, &cause)) {
		free(cause);
		return;
	}
	ST(*e->kb_left, n < 0 ? INT64_MAX : (int64_t)n);
}

long long
engine_kbatch_left(struct engine *e)
{
	int64_t	n;

	if (e->kb_left == NULL)
		return (-1);
	n = LD(*e->kb_left);
	return (n == INT64_MAX ? -1 : n < 0 ? 0 : n);
}

/* One step, for an operation made the usual way: false if none is left. */
bool
engine_kbatch_take(struct engine *e)
{
	if (e->kb_left == NULL)
		return (true);
	if (atomic_fetch_sub((_Atomic int64_t *)e->kb_left, 1) > 0)
		return (true);
	(void)atomic_fetch_add((_Atomic int64_t *)e->kb_left, 1);
	return (false);
}

/* A step taken for an operation that did not happen, given back. */
void
engine_kbatch_untake(struct engine *e)
{
	if (e->kb_left != NULL)
		(void)atomic_fetch_add((_Atomic int64_t *)e->kb_left, 1);
}

void
kbatch_engine_free(struct engine *e)
{
	if (e->kb_left != NULL) {
		(void)munmap(e->kb_left, sizeof(int64_t));
		(void)close(e->kb_left_fd);
		e->kb_left = NULL;
	}
}
