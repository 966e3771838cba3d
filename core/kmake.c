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
#include <mqueue.h>
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
void
kchan_hand(struct engine *e, struct chan *c, struct proc *p, const int *fds,
    const int *sides, size_t n)
{
	int32_t	 nums[4];
	int	 send[4], ctl[2] = { -1, -1 };
	size_t	 i, k = 0, first = c->nends;

	for (i = 0; i < n && k < 3; i++) {
		nums[k] = kend_number(e, p, KFD_BASE);
		send[k++] = fds[i];
		kend_add(c, p, nums[k - 1], sides[i]);	/* taken now */
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
		for (i = first; i < c->nends; i++)
			c->ends[i].open = false;
		return;		/* it is dying: the reaping will tell */
	}
	proc_wake(p);
	if (ctl[0] != -1) {
		p->ctl_fd = ctl[0];
		close(ctl[1]);
	}
}

/*
 * The lowest descriptor number from KFD_BASE up that p does not use for
 * an open end: numbers are reused, so a long session does not run out.
 */
int
kend_number(struct engine *e, struct proc *p, int from)
{
	struct chan	*c;
	size_t		 i;
	int		 n = from > KFD_BASE ? from : KFD_BASE;
	bool		 used;

	do {
		used = false;
		TAILQ_FOREACH(c, &e->chans, entry) {
			for (i = 0; i < c->nends && !used; i++) {
				if (c->ends[i].proc == p &&
				    c->ends[i].open && c->ends[i].fd == n)
					used = true;
			}
		}
	} while (used && ++n > 0);
	return (n);
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
	/* A queue for everyone: everyone must be able to take its end. */
	if (cf->mechanism == MECH_MQ && cf->nfrom + cf->nto == 0) {
		TAILQ_FOREACH(p, &e->procs, entry) {
			if (p->state == PS_EXITED || p->dying || p->retired ||
			    p->op == NULL || !p->op->kernel)
				continue;
			xasprintf(cause, "%s is inside a syscall; make the "
			    "queue when it is back, or name its holders with "
			    "from and to", p->name);
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

/* size= (F_SETPIPE_SZ), then the capacity as the kernel says it. */
static int
kchan_size(struct chan *c, const struct chan_config *cf, int fd,
    char **cause)
{
	socklen_t	sl;
	int		sz;

	if (cf->ksize > 0 && cf->mechanism != MECH_SOCKETPAIR &&
	    fcntl(fd, F_SETPIPE_SZ, (int)cf->ksize) == -1) {
		xasprintf(cause, "size=%zu: %s%s", cf->ksize, strerror(errno),
		    errno == EPERM ? " (more than /proc/sys/fs/pipe-max-size)"
		    : "");
		return (-1);
	}
	if (cf->mechanism == MECH_SOCKETPAIR) {
		sl = sizeof(sz);
		if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, &sl) == -1)
			sz = 0;
	} else
		sz = fcntl(fd, F_GETPIPE_SZ);
	c->capacity = sz > 0 ? (size_t)sz : 0;
	return (0);
}

/* One (process, end) that the command names. */
struct khold {
	struct proc	*proc;
	int		 side;
	int		 fd;
};

/*
 * Who gets which end: pipes and FIFOs, from P (write) to Q (read); a
 * socket pair, one end each; an mq, from/to as given, or both ends to
 * every live process when neither is.
 */
static size_t
kchan_holders(struct engine *e, const struct chan_config *cf,
    struct khold **out)
{
	struct proc	*p;
	size_t		 i, n = 0;

	*out = xcalloc(cf->nfrom + cf->nto + e->nprocs + 1, sizeof(**out));
	for (i = 0; i < cf->nfrom + cf->nto; i++) {
		(*out)[n].proc = proc_find(e, i < cf->nfrom ? cf->from[i] :
		    cf->to[i - cf->nfrom]);
		(*out)[n].side = cf->mechanism == MECH_SOCKETPAIR ? (int)i :
		    i < cf->nfrom ? 1 : 0;
		(*out)[n++].fd = -1;
	}
	if (cf->mechanism == MECH_MQ && n == 0) {
		TAILQ_FOREACH(p, &e->procs, entry) {
			if (p->state == PS_EXITED || p->dying || p->retired)
				continue;
			(*out)[n].proc = p;
			(*out)[n].side = 2;
			(*out)[n++].fd = -1;
		}
	}
	return (n);
}

/* A /proc/sys/fs/mqueue limit, or -1. */
static long
mq_limit(const char *name)
{
	char	path[64], buf[32];
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", name);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL)
			v = strtol(buf, NULL, 10);
		fclose(f);
	}
	return (v);
}

/* Make the queue; mq_unlink comes once every end is open. */
static int
mq_make(struct chan *c, const struct chan_config *cf, char *name,
    size_t len, char **cause)
{
	static unsigned	 seq;
	struct mq_attr	 a;
	long		 max;
	mqd_t		 q;

	memset(&a, 0, sizeof(a));
	a.mq_maxmsg = cf->knmsg > 0 ? (long)cf->knmsg :
	    ((max = mq_limit("msg_default")) > 0 ? max : 10);
	a.mq_msgsize = cf->ksize > 0 ? (long)cf->ksize :
	    ((max = mq_limit("msgsize_default")) > 0 ? max : 8192);
	if ((max = mq_limit("msg_max")) > 0 && a.mq_maxmsg > max) {
		xasprintf(cause, "%ld messages is more than "
		    "/proc/sys/fs/mqueue/msg_max (%ld)", a.mq_maxmsg, max);
		return (-1);
	}
	if ((max = mq_limit("msgsize_max")) > 0 && a.mq_msgsize > max) {
		xasprintf(cause, "msgsize=%ld is more than "
		    "/proc/sys/fs/mqueue/msgsize_max (%ld)", a.mq_msgsize, max);
		return (-1);
	}
	snprintf(name, len, "/ipcplay.%ld.%u", (long)getpid(), ++seq);
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a);
	if (q == (mqd_t)-1) {
		xasprintf(cause, "mq_open: %s%s", strerror(errno),
		    errno == EMFILE || errno == ENOMEM ? " (RLIMIT_MSGQUEUE: "
		    "the bytes of your queues)" : "");
		return (-1);
	}
	(void)mq_close(q);
	c->capacity = (size_t)a.mq_maxmsg;
	c->kmsgsize = (size_t)a.mq_msgsize;
	return (0);
}

static int
mq_end(const char *name, int side)
{
	return ((int)mq_open(name, (side == 1 ? O_WRONLY : side == 0 ?
	    O_RDONLY : O_RDWR) | O_CLOEXEC));
}

/*
 * Make the object and hand out its ends: a descriptor for each (process,
 * end) the command names, one message per process.  The broker closes
 * all of its own before it returns.
 */
int
kchan_create(struct engine *e, struct chan *c, const struct chan_config *cf,
    char **cause)
{
	const char	*tmp;
	char		 dir[PATH_MAX], path[PATH_MAX + NAME_LEN + 2];
	char		 mqname[64];
	struct khold	*h;
	int		 pfd[2] = { -1, -1 }, fds[3], sides[3];
	size_t		 n, i, j, k;
	int		 rc = -1, sz;

	if (kchan_check_procs(e, cf, cause) == -1)
		return (-1);
	c->mech = cf->mechanism;
	c->socktype = cf->socktype;
	if (c->mech == MECH_SHM)
		return (kshm_create(e, c, cf, cause));
	dir[0] = mqname[0] = '\0';
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
	case MECH_MQ:
		if (mq_make(c, cf, mqname, sizeof(mqname), cause) == -1)
			return (-1);
		break;
	default:
		xasprintf(cause, "not a kernel mechanism");
		return (-1);
	}

	/* A FIFO's writer would wait in open(2) for a reader: readers first. */
	n = kchan_holders(e, cf, &h);
	for (i = n; i-- > 0; ) {
		if (cf->mechanism == MECH_FIFO)
			h[i].fd = fifo_open(path, h[i].side);
		else if (cf->mechanism == MECH_MQ)
			h[i].fd = mq_end(mqname, h[i].side);
		else
			h[i].fd = fcntl(pfd[h[i].side], F_DUPFD_CLOEXEC, 3);
		if (h[i].fd == -1) {
			xasprintf(cause, "%s: %s", h[i].proc->name,
			    strerror(errno));
			goto out;
		}
	}
	if (n > 0 && cf->mechanism != MECH_MQ && (sz = kchan_size(c, cf,
	    h[0].fd, cause)) == -1)
		goto out;

	/* One message per process, with all of its ends. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && h[j].proc != h[i].proc; j++)
			continue;
		if (j < i)
			continue;	/* handed with its first */
		for (j = i, k = 0; j < n && k < 3; j++) {
			if (h[j].proc != h[i].proc)
				continue;
			fds[k] = h[j].fd;
			sides[k++] = h[j].side;
		}
		kchan_hand(e, c, h[i].proc, fds, sides, k);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		if (h[i].fd != -1)
			close(h[i].fd);
	}
	free(h);
	if (pfd[0] != -1) {
		close(pfd[0]);
		close(pfd[1]);
	}
	/* Every end is open (or failed): the names can go. */
	if (dir[0] != '\0') {
		(void)unlink(path);
		(void)rmdir(dir);
	}
	if (mqname[0] != '\0')
		(void)mq_unlink(mqname);
	return (rc);
}
