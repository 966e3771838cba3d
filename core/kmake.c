/*
 * Making a kernel channel: the object (pipe(2), mkfifo(3) in a private
 * directory, socketpair(2)), one descriptor for each (process, end)
 * named, handed over with SCM_RIGHTS; the broker keeps none.
 */

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void
kend_add(struct chan *c, struct proc *p, int fd, int side)
{
	struct kend	*k;

	c->ends = xreallocarray(c->ends, c->nends + 1, sizeof(*c->ends));
	k = &c->ends[c->nends++];
	k->proc = p;
	k->fd = fd;
	k->side = side;
	k->open = true;
}

/*
 * Hand p its ends, and, with its first end, the socket of the control
 * thread that will answer questions about them (kagent.c).
 */
static void
kchan_hand(struct chan *c, struct proc *p, const int *fds, const int *sides,
    size_t n)
{
	int32_t	 nums[4];
	int	 send[4], ctl[2] = { -1, -1 };
	size_t	 i, k = 0;

	for (i = 0; i < n && k < 3; i++) {
		nums[k] = p->next_kfd++;
		send[k++] = fds[i];
	}
	if (p->ctl_fd == -1 && socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, ctl) == 0) {
		nums[k] = KFD_CTL;
		send[k++] = ctl[1];
	}
	if (p->fd == -1 || wire_send_fds(p->fd, WIRE_KFDS, nums,
	    k * sizeof(nums[0]), send, k) == -1) {
		if (ctl[0] != -1) {
			close(ctl[0]);
			close(ctl[1]);
		}
		return;		/* it is dying: the reaping will tell */
	}
	if (p->asleep && p->wake_fd != -1)
		(void)write(p->wake_fd, "w", 1);
	if (ctl[0] != -1) {
		p->ctl_fd = ctl[0];
		close(ctl[1]);
	}
	for (i = 0; i < n && i < 3; i++)
		kend_add(c, p, nums[i], sides[i]);
}

static bool
in_list(char **v, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return (true);
	}
	return (false);
}

static int
kchan_check_procs(struct engine *e, const struct chan_config *cf,
    char **cause)
{
	struct proc	*p;
	size_t		 i;
	char		*name;

	for (i = 0; i < cf->nfrom + cf->nto; i++) {
		name = i < cf->nfrom ? cf->from[i] : cf->to[i - cf->nfrom];
		if ((p = proc_find(e, name)) == NULL) {
			xasprintf(cause, "no such process: %s", name);
			return (-1);
		}
		if (p->state == PS_EXITED || p->dying) {
			xasprintf(cause, "%s has exited: it cannot hold an end",
			    name);
			return (-1);
		}
		if (p->op != NULL && p->op->kernel) {
			xasprintf(cause, "%s is inside a syscall; hand it an "
			    "end when it is back", name);
			return (-1);
		}
	}
	return (0);
}

/* A FIFO opened once per holder, as each process would open it. */
static int
fifo_open(const char *path, int side)
{
	int	fd;

	if (side == 1)
		return (open(path, O_WRONLY | O_CLOEXEC));
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) != -1)
		(void)fcntl(fd, F_SETFL, 0);
	return (fd);
}

/*
 * Make the object and hand out its ends.  fds[i] is the descriptor for
 * the i-th (process, side) pair; the broker closes all of them before
 * it returns.
 */
int
kchan_create(struct engine *e, struct chan *c, const struct chan_config *cf,
    char **cause)
{
	const char	*tmp;
	char		 dir[PATH_MAX], path[PATH_MAX + NAME_LEN + 2];
	struct proc	*p;
	int		 pfd[2] = { -1, -1 }, fds[4], sides[4], *all = NULL;
	size_t		 nall = 0, i, j, n, nnames;
	char		**names;
	int		 rc = -1, sz;

	if (kchan_check_procs(e, cf, cause) == -1)
		return (-1);
	c->mech = cf->mechanism;
	c->socktype = cf->socktype;
	dir[0] = '\0';
	switch (cf->mechanism) {
	case MECH_PIPE:
		if (pipe2(pfd, O_CLOEXEC) == -1) {
			xasprintf(cause, "pipe: %s", strerror(errno));
			return (-1);
		}
		break;
	case MECH_FIFO:
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/ipcplay.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			xasprintf(cause, "mkdtemp %s: %s", dir,
			    strerror(errno));
			return (-1);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, c->name);
		if (mkfifo(path, 0600) == -1) {
			xasprintf(cause, "mkfifo %s: %s", path,
			    strerror(errno));
			(void)rmdir(dir);
			return (-1);
		}
		break;
	case MECH_SOCKETPAIR:
		if (socketpair(AF_UNIX, cf->socktype | SOCK_CLOEXEC, 0,
		    pfd) == -1) {
			xasprintf(cause, "socketpair: %s", strerror(errno));
			return (-1);
		}
		break;
	default:
		xasprintf(cause, "not a kernel mechanism");
		return (-1);
	}

	/* Every (process, side) pair: writers (from), then readers (to). */
	n = nall = cf->nfrom + cf->nto;
	all = xcalloc(n + 1, sizeof(*all));
	for (i = 0; i < n; i++)
		all[i] = -1;
	/* A FIFO's writer would wait in open(2) for a reader: readers first. */
	for (i = n; i-- > 0; ) {
		int side = cf->mechanism == MECH_SOCKETPAIR ? (int)i :
		    i < cf->nfrom ? 1 : 0;
		const char *name = i < cf->nfrom ? cf->from[i] :
		    cf->to[i - cf->nfrom];

		if (cf->mechanism == MECH_FIFO)
			all[i] = fifo_open(path, side);
		else
			all[i] = fcntl(pfd[side], F_DUPFD_CLOEXEC, 3);
		if (all[i] == -1) {
			xasprintf(cause, "%s: %s", name, strerror(errno));
			goto out;
		}
	}
	if (cf->ksize > 0 && cf->mechanism != MECH_SOCKETPAIR &&
	    (sz = fcntl(all[0], F_SETPIPE_SZ, (int)cf->ksize)) == -1) {
		xasprintf(cause, "size=%zu: %s%s", cf->ksize, strerror(errno),
		    errno == EPERM ? " (more than /proc/sys/fs/pipe-max-size)"
		    : "");
		goto out;
	}
	if (cf->mechanism == MECH_SOCKETPAIR) {
		socklen_t sl = sizeof(sz);

		if (getsockopt(all[0], SOL_SOCKET, SO_SNDBUF, &sz, &sl) == -1)
			sz = 0;
	} else
		sz = fcntl(all[0], F_GETPIPE_SZ);
	c->capacity = sz > 0 ? (size_t)sz : 0;

	/* One message per process, with all of its ends. */
	names = xcalloc(n + 1, sizeof(*names));
	nnames = 0;
	for (i = 0; i < n; i++) {
		const char *name = i < cf->nfrom ? cf->from[i] :
		    cf->to[i - cf->nfrom];
		size_t k = 0;

		if (in_list(names, nnames, name))
			continue;
		names[nnames++] = (char *)(uintptr_t)name;
		for (j = i; j < n && k < 3; j++) {
			const char *nj = j < cf->nfrom ? cf->from[j] :
			    cf->to[j - cf->nfrom];

			if (strcmp(nj, name) != 0)
				continue;
			fds[k] = all[j];
			sides[k++] = cf->mechanism == MECH_SOCKETPAIR ?
			    (int)j : j < cf->nfrom ? 1 : 0;
		}
		p = proc_find(e, name);
		kchan_hand(c, p, fds, sides, k);
	}
	free(names);
	rc = 0;
out:
	for (i = 0; i < nall; i++) {
		if (all[i] != -1)
			close(all[i]);
	}
	free(all);
	if (pfd[0] != -1) {
		close(pfd[0]);
		close(pfd[1]);
	}
	if (dir[0] != '\0') {
		/* Every end is open (or failed): the names can go. */
		(void)unlink(path);
		(void)rmdir(dir);
	}
	return (rc);
}
