/*
 * Real processes: fork, the agent that runs in each child, the wire
 * protocol between broker and agent, and reaping.
 *
 * Each child is an agent: a tiny program that waits in recv() on its end
 * of a SOCK_SEQPACKET socketpair.  The broker tells it what to do (WIRE_CMD);
 * it performs the operation as a request to the broker (WIRE_REQ) and
 * waits for the broker's WIRE_REPLY -- the microkernel view of IPC, where
 * a "blocked" process is one whose trap has not yet returned.  Once the
 * broker says the request is blocked (WIRE_BLOCKED), the agent sleeps in
 * read(2) on a pipe of its own instead, and the broker writes a byte there
 * with every later message: so a blocked process is asleep in pipe_read
 * in the kernel (/proc/PID/wchan) and a ready one in its socket's recv,
 * and ps can tell them apart.  Signals are real: the agent's handlers report each caught
 * signal (with the sender's pid from siginfo) straight onto the socket,
 * which is safe because write(2) is async-signal-safe and each seqpacket
 * write is one whole message.
 *
 * A child dies with the playground (PR_SET_PDEATHSIG) and is reaped on
 * SIGCHLD through a self-pipe, so an external kill -9 is seen at once.
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define WIRE_BUF (sizeof(struct wire_hdr) + MSG_LEN_MAX + 256)

static int	agent_fd = -1;
#define AGENT_WAKE_FD	4	/* the read end of the wake pipe */
static char	*title_last;	/* the last byte of our argument strings */
static char	*title_base;	/* where setproctitle writes the title */
static char	 title_now[128];	/* ... what it holds now */
static size_t	 title_len;
static const char *agent_name;	/* the agent's own, for its titles */

ssize_t
wire_send(int fd, uint32_t type, uint32_t id, const void *data, size_t len)
{
	struct wire_hdr	 h;
	struct iovec	 iov[2];
	struct msghdr	 mh;
	ssize_t		 n;

	h.type = type;
	h.id = id;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return (n);
}

/*
 * A message with descriptors (SCM_RIGHTS), out and in: the broker's
 * hand-over of ends, an agent's pass and take.  At most FD_MSG_MAX.
 */
#define FD_MSG_MAX	8

ssize_t
fd_send(int sock, struct iovec *iov, int niov, const int *fds, size_t nfds,
    int flags)
{
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(int) * FD_MSG_MAX)];
	}		 u;
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	ssize_t		 n;

	if (nfds == 0 || nfds > FD_MSG_MAX)
		return (-1);
	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = iov;
	mh.msg_iovlen = niov;
	mh.msg_control = u.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
	while (n == -1 && errno == EINTR);
	return (n);
}

/* fds has room for FD_MSG_MAX; the descriptors come close-on-exec. */
ssize_t
fd_recv(int sock, void *buf, size_t len, int *fds, size_t *nfds, int flags)
{
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(int) * FD_MSG_MAX)];
	}		 u;
	struct iovec	 iov;
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	ssize_t		 n;

	*nfds = 0;
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n == -1 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm != NULL;
	    cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;
		*nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cm), *nfds * sizeof(int));
	}
	return (n);
}

/* A wire message carrying descriptors: the kernel dups them. */
ssize_t
wire_send_fds(int fd, uint32_t type, const void *data, size_t len,
    const int *fds, size_t nfds)
{
	struct wire_hdr	h;
	struct iovec	iov[2];

	h.type = type;
	h.id = 0;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	return (fd_send(fd, iov, 2, fds, nfds, 0));
}

/* Agent side. */

static void
agent_caught(int sig, siginfo_t *si, void *uctx)
{
	int32_t	body[2];
	int	saved = errno;

	(void)uctx;
	body[0] = sig;
	body[1] = si != NULL ? (int32_t)si->si_pid : 0;
	(void)wire_send(agent_fd, WIRE_CAUGHT, 0, body, sizeof(body));
	errno = saved;
}

/*
 * Process titles.  libbsd's setproctitle rewrites the memory that held
 * our arguments and environment and zeroes the rest.  Linux shows that
 * memory in /proc/PID/cmdline (hence ps) up to the first NUL only when
 * the last byte of the arguments is not NUL; otherwise it shows all of
 * it, NULs as blanks -- a padded title with a stray '.' (libbsd's own
 * marker, placed for a program run with no arguments).  So after each
 * title we put a blank in that byte when the title ends before it.
 */
void
engine_title_init(int argc, char *argv[], char *envp[])
{
	if (argc > 0 && argv[argc - 1] != NULL)
		title_last = argv[argc - 1] + strlen(argv[argc - 1]);
	if (argc > 0)
		title_base = argv[0];
	setproctitle_init(argc, argv, envp);
}

static void
agent_title(const char *name, const char *extra)
{
	char	title[128];

	if (extra != NULL && *extra != '\0')
		snprintf(title, sizeof(title), "ipcplay: %s [%s]", name, extra);
	else
		snprintf(title, sizeof(title), "ipcplay: %s", name);
	/* "-": our own prefix, whatever the binary is called. */
	setproctitle("-%s", title);
	if (title_last != NULL && *title_last == '\0')
		*title_last = ' ';
	/* Where it went, if where we think: a title as long may go there. */
	title_len = strlen(title);
	if (title_base == NULL || memcmp(title_base, title, title_len) != 0)
		title_len = 0;
	memcpy(title_now, title, title_len);
}

static void
agent_signals(void)
{
	struct sigaction sa;
	sigset_t	 all;
	int		 sig;

	/* Start from a clean slate: the broker's handlers are not ours. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	}
	/*
	 * A write with no reader left is EPIPE, which the transcript shows
	 * as "broken channel", not a death by SIGPIPE (kchan.c says so).
	 */
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_sigaction = agent_caught;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigaction(SIGUSR2, &sa, NULL);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
}

/*
 * A kernel operation's title: "[blocked send p]" for as long as the
 * syscall lasts, as the broker sets it for a modeled block (kagent.c).
 */
void
agent_kernel_title(const char *what)
{
	char	extra[64];

	char	full[128];
	int	n;

	if (agent_name == NULL)
		return;
	if (what != NULL && *what != '\0') {
		/*
		 * A batch goes from "send p" to "recv p" at every operation:
		 * a title as long as the one shown is written over it, the
		 * same bytes setproctitle would leave, at a fraction of its
		 * cost (it clears its whole area each time).
		 */
		n = snprintf(full, sizeof(full), "ipcplay: %s [blocked %s]",
		    agent_name, what);
		if (title_len > 0 && (size_t)n == title_len) {
			if (memcmp(title_now, full, title_len) != 0) {
				memcpy(title_base, full, title_len);
				memcpy(title_now, full, title_len);
			}
			return;
		}
		snprintf(extra, sizeof(extra), "blocked %s", what);
		agent_title(agent_name, extra);
	} else
		agent_title(agent_name, NULL);
}

/* The socket becomes descriptor 3, the wake pipe 4; nothing else stays. */
static void
agent_fds(int fd, int wake)
{
	int	null, max, i;

	/* Out of the way first, so that neither lands on the other. */
	fd = fcntl(fd, F_DUPFD, 10);
	wake = fcntl(wake, F_DUPFD, 10);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		if (null > STDERR_FILENO)
			(void)close(null);
	}
	(void)dup2(fd, 3);
	(void)dup2(wake, AGENT_WAKE_FD);
	agent_fd = 3;
	if (close_range(AGENT_WAKE_FD + 1, ~0U, 0) == 0)
		return;
	max = (int)sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (i = AGENT_WAKE_FD + 1; i < max; i++)
		(void)close(i);
}

/* A message from the broker, with any descriptors it carries. */
static ssize_t
agent_recv(void *buf, size_t len, int *fds, size_t *nfds)
{
	ssize_t	n;

	n = fd_recv(agent_fd, buf, len, fds, nfds, 0);
	if (n <= 0)
		*nfds = 0;
	return (n);
}

/*
 * The agent's whole life.  Every request it makes is answered by exactly
 * one WIRE_REPLY; while waiting it still answers pings, which is how the
 * broker knows that every signal sent to it has been handled.
 */
static void __attribute__((noreturn))
agent_main(const char *name, int fd, int wake, pid_t broker)
{
	static unsigned char	 buf[WIRE_BUF];
	struct wire_hdr		 h;
	ssize_t			 n;
	int32_t			 v[2], r;
	int			 fds[8];
	size_t			 nfds;
	sigset_t		 set;
	bool			 waiting = false, asleep = false;
	char			 c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != broker)
		_exit(127);
	/*
	 * A process group of its own: Ctrl-C and Ctrl-Z at the playground's
	 * terminal are for the playground, not for its processes.
	 */
	(void)setpgid(0, 0);
	agent_fds(fd, wake);
	agent_signals();
	agent_name = name;
	agent_title(name, NULL);
	/* Ready: the broker counts this answer before it calls us idle. */
	(void)wire_send(agent_fd, WIRE_PONG, 0, NULL, 0);

	for (;;) {
		/* Blocked: asleep in read(2) until the broker has news. */
		while (asleep) {
			n = read(AGENT_WAKE_FD, &c, 1);
			if (n == 1)
				break;
			if (n == 0 || errno != EINTR)
				_exit(0);	/* the broker is gone */
		}
		n = agent_recv(buf, sizeof(buf), fds, &nfds);
		if (n <= 0)
			_exit(0);	/* the broker is gone */
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		n -= sizeof(h);
		switch (h.type) {
		case WIRE_CMD:
			/* Make the request: the trap into the "kernel". */
			(void)wire_send(agent_fd, WIRE_REQ, h.id,
			    buf + sizeof(h), (size_t)n);
			waiting = true;
			break;
		case WIRE_BLOCKED:
			buf[sizeof(h) + (size_t)n] = '\0';
			agent_title(name, (char *)buf + sizeof(h));
			(void)wire_send(agent_fd, WIRE_PONG, h.id, NULL, 0);
			asleep = true;
			break;
		case WIRE_REPLY:
			if (waiting || asleep)
				agent_title(name, NULL);
			waiting = asleep = false;
			break;
		case WIRE_KILL:
			memcpy(v, buf + sizeof(h), sizeof(v));
			r = kill(v[0], v[1]) == -1 ? errno : 0;
			(void)wire_send(agent_fd, WIRE_KILLED, h.id, &r,
			    sizeof(r));
			break;
		case WIRE_MASK:
		case WIRE_UNMASK:
			memcpy(v, buf + sizeof(h), sizeof(v[0]));
			sigemptyset(&set);
			sigaddset(&set, v[0]);
			r = sigprocmask(h.type == WIRE_MASK ? SIG_BLOCK :
			    SIG_UNBLOCK, &set, NULL) == -1 ? errno : 0;
			(void)wire_send(agent_fd, WIRE_ACK, h.id, &r,
			    sizeof(r));
			break;
		case WIRE_EXIT:
			memcpy(v, buf + sizeof(h), sizeof(v[0]));
			_exit(v[0] & 0xff);
		case WIRE_PING:
			(void)wire_send(agent_fd, WIRE_PONG, h.id, NULL, 0);
			break;
		case WIRE_KFDS:
			kagent_fds(buf + sizeof(h), (size_t)n, fds, nfds);
			nfds = 0;
			break;
		case WIRE_KOP:
			kagent_op(agent_fd, h.id, buf + sizeof(h), (size_t)n);
			break;
		case WIRE_KCLOSE:
			kagent_close(buf + sizeof(h), (size_t)n);
			break;
		case WIRE_KTAKE:
			kagent_take(agent_fd, h.id, buf + sizeof(h), (size_t)n);
			break;
		case WIRE_KBATCH:
			kbagent_run(agent_fd, h.id, fds, &nfds);
			break;
		}
		while (nfds > 0)	/* descriptors nobody asked for */
			(void)close(fds[--nfds]);
	}
}

/* Broker side. */

int
proc_fork(struct engine *e, struct proc *p, char **cause)
{
	int	 sv[2], wp[2], bufsz = 4 * MSG_LEN_MAX;
	pid_t	 pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		xasprintf(cause, "socketpair: %s", strerror(errno));
		return (-1);
	}
	if (pipe2(wp, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return (-1);
	}
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	fflush(stdout);
	fflush(stderr);
	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(wp[0]);
		close(wp[1]);
		return (-1);
	case 0:
		close(sv[0]);
		close(wp[1]);
		agent_main(p->name, sv[1], wp[0], e->self);
	}
	close(sv[1]);
	close(wp[0]);
	p->pid = pid;
	p->fd = sv[0];
	p->wake_fd = wp[1];
	p->pending = 1;		/* its "ready" */
	return (0);
}

/*
 * A message to p's agent.  While the agent sleeps on its wake pipe each
 * message comes with a byte there; a reply ends the sleep, and the
 * "blocked" message starts it.
 */
int
proc_write(struct proc *p, int type, uint32_t id, const void *data,
    size_t len)
{
	if (p->fd == -1)
		return (-1);
	if (wire_send(p->fd, (uint32_t)type, id, data, len) == -1)
		return (-1);
	proc_wake(p);
	if (type == WIRE_REPLY)
		p->asleep = false;
	else if (type == WIRE_BLOCKED)
		p->asleep = true;
	return (0);
}

/*
 * A byte on the wake pipe of p, if it sleeps there.  An agent that died a
 * moment ago makes the write EPIPE, and the SIGPIPE it raises would end
 * the playground: it is blocked for the write and taken if it came.  (A
 * pipe, not a socket, so that a blocked process sleeps in pipe_read.)
 */
void
proc_wake(struct proc *p)
{
	static const struct timespec	 zero = { 0, 0 };
	sigset_t			 set, old;

	if (!p->asleep || p->wake_fd == -1)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	(void)sigprocmask(SIG_BLOCK, &set, &old);
	if (write(p->wake_fd, "w", 1) == -1 && errno == EPIPE &&
	    !sigismember(&old, SIGPIPE))
		(void)sigtimedwait(&set, NULL, &zero);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The broker's ends of p's socket and wake pipe. */
void
proc_close(struct proc *p)
{
	if (p->fd != -1)
		close(p->fd);
	if (p->wake_fd != -1)
		close(p->wake_fd);
	if (p->ctl_fd != -1)
		close(p->ctl_fd);
	p->fd = p->wake_fd = p->ctl_fd = -1;
	p->asleep = false;
}

/* Where the kernel has p asleep: /proc/PID/wchan ("pipe_read"), or "". */
void
proc_wchan(pid_t pid, char *buf, size_t len)
{
	char	 path[64];
	ssize_t	 n;
	int	 fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/wchan", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (strcmp(buf, "0") == 0)
		buf[0] = '\0';
}

/* Ask the agent to answer once every signal sent to it is handled. */
void
proc_ping(struct engine *e, struct proc *p)
{
	(void)e;
	if (p->state == PS_EXITED || p->dying || p->fd == -1)
		return;
	/*
	 * Inside a syscall it reads nothing until the syscall returns:
	 * kchan_watch sees from /proc when its handlers are done instead.
	 */
	if (p->op != NULL && p->op->kernel) {
		if (!p->kping)
			p->pending++;
		p->kping = true;
		return;
	}
	if (proc_write(p, WIRE_PING, 0, NULL, 0) == 0)
		p->pending++;
	else
		p->dying = true;	/* already gone: wait for the reaping */
}

static struct proc *
proc_by_pid(struct engine *e, pid_t pid)
{
	struct proc	*p;

	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->pid == pid && !p->retired)
			return (p);
	}
	return (NULL);
}

static void
proc_caught(struct engine *e, struct proc *p, int sig, pid_t from)
{
	struct event	 ev;
	struct proc	*q;
	char		 buf[32];

	/*
	 * The target may report the signal before the sender's agent has
	 * reported sending it: keep the report until the sender's has gone
	 * out, so the transcript reads cause first.
	 */
	if ((q = proc_by_pid(e, from)) != NULL && q->op != NULL &&
	    q->op->kind == OP_SIGNAL && q->state == PS_BUSY) {
		q->deferred = xreallocarray(q->deferred, q->ndeferred + 1,
		    sizeof(*q->deferred));
		q->deferred[q->ndeferred].proc = p;
		q->deferred[q->ndeferred].sig = sig;
		q->ndeferred++;
		return;
	}

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_CAUGHT;
	ev.proc = p->name;
	ev.sig = sig;
	if (from == e->self)
		ev.peer = "ipcplay";
	else if ((q = proc_by_pid(e, from)) != NULL)
		ev.peer = q->name;
	else {
		snprintf(buf, sizeof(buf), "pid %ld", (long)from);
		ev.peer = buf;
	}
	p->caught++;
	engine_event(e, &ev);
}

/* An answer from an agent to a signal, mask or unmask command. */
static void
proc_op_ack(struct engine *e, struct proc *p, int err)
{
	struct event	 ev;
	struct proc	*t;
	char		 target[NAME_LEN + 1] = "";
	size_t		 i;

	if (p->op == NULL)
		return;
	if (p->op->target != NULL)
		strlcpy(target, p->op->target, sizeof(target));
	memset(&ev, 0, sizeof(ev));
	ev.sig = p->op->sig;
	if (p->op->kind == OP_SIGNAL) {
		ev.type = EV_SIGNAL;
		ev.peer = p->name;
		ev.proc = p->op->target;
	} else {
		ev.type = EV_MASK;
		ev.proc = p->name;
		ev.op = p->op->kind;
	}
	if (err != 0)
		op_finish(e, p, ST_ERROR, err == ESRCH ? "no such process" :
		    err == EPERM ? "permission denied" : "invalid argument",
		    &ev);
	else
		op_finish(e, p, ST_OK, NULL, &ev);
	/* The target has the signal pending now; wait until it handled it. */
	for (i = 0; i < p->ndeferred; i++)
		proc_caught(e, p->deferred[i].proc, p->deferred[i].sig,
		    p->pid);
	free(p->deferred);
	p->deferred = NULL;
	p->ndeferred = 0;
	if (err == 0 && ev.type == EV_SIGNAL &&
	    (t = proc_find(e, target)) != NULL)
		proc_ping(e, t);
}

/* Read every message waiting on p's socket. */
void
proc_read(struct engine *e, struct proc *p)
{
	static unsigned char	 buf[WIRE_BUF];
	struct wire_hdr		 h;
	ssize_t			 n;
	int32_t			 v[2];

	for (;;) {
		n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* EOF: the child is dying; SIGCHLD will follow. */
			proc_close(p);
			p->hup = true;
			p->dying = true;
			/*
			 * A dead agent calls kill(2) no more: its target (it
			 * may be itself) can be reaped.
			 */
			if (p->op != NULL && p->op->target_proc != NULL) {
				p->op->target_proc->sig_inflight--;
				p->op->target_proc = NULL;
			}
			e->want_reap = true;
			proc_reap(e);
			return;
		}
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		n -= sizeof(h);
		memset(v, 0, sizeof(v));
		memcpy(v, buf + sizeof(h), (size_t)n < sizeof(v) ?
		    (size_t)n : sizeof(v));
		switch (h.type) {
		case WIRE_REQ:
			if (h.id & MB_REQ_BIT) {
				/* A batch's, sent ahead (mbatch.c). */
				mbatch_req(e, p, h.id, buf + sizeof(h),
				    (size_t)n);
				break;
			}
			if (p->pending > 0)
				p->pending--;
			if (p->op != NULL && p->op->id == h.id) {
				/* The message comes from the process itself. */
				if ((size_t)n == p->op->len)
					memcpy(p->op->msg, buf + sizeof(h),
					    (size_t)n);
				op_start(e, p);
			}
			break;
		case WIRE_KILLED:
		case WIRE_ACK:
			if (p->pending > 0)
				p->pending--;
			proc_op_ack(e, p, v[0]);
			break;
		case WIRE_CAUGHT:
			proc_caught(e, p, v[0], (pid_t)v[1]);
			break;
		case WIRE_PONG:
			if (p->pending > 0)
				p->pending--;
			break;
		case WIRE_KSTART:
			if (p->op != NULL && p->op->id == h.id)
				kchan_started(e, p);
			break;
		case WIRE_KDONE:
			if (p->op != NULL && p->op->id == h.id)
				kchan_done(e, p, buf + sizeof(h), (size_t)n);
			break;
		case WIRE_KTAKEN:
			kpass_taken(e, p, buf + sizeof(h), (size_t)n);
			break;
		case WIRE_KBEND:
			kbatch_end(e, p, h.id, v[0]);
			break;
		}
	}
}

/*
 * The process is gone (reaped).  Tell the world, then let every channel
 * it could have helped see the consequences: broken channels, ends of
 * channels, deadlocks.
 */
void
proc_gone(struct engine *e, struct proc *p, int status)
{
	struct event	 ev;

	p->dying = false;	/* reaped: nobody waits for it any more */
	kbatch_gone(e, p);
	proc_close(p);
	if (p->op != NULL) {
		op_unwait(p);
		op_free(p->op);
		p->op = NULL;
	}
	p->state = PS_EXITED;
	p->pending = 0;
	p->kping = p->kcheck = false;
	p->dying = false;
	e->nlive--;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_EXIT;
	ev.proc = p->name;
	ev.pid = p->pid;
	if (WIFSIGNALED(status)) {
		p->exit_code = -1;
		p->exit_sig = WTERMSIG(status);
		ev.code = -1;
		ev.sig = p->exit_sig;
	} else {
		p->exit_code = WEXITSTATUS(status);
		ev.code = p->exit_code;
	}
	engine_event(e, &ev);
	call_proc_gone(e, p);
	kchan_proc_gone(e, p);
	chan_proc_gone(e, p);
	e->wfg_dirty = true;
}

/*
 * Reap our own children, one pid at a time: never waitpid(-1), which
 * would take another playground's children (a lesson's playground runs
 * beside the shell's), and never a child that a signal is on its way to.
 */
void
proc_reap(struct engine *e)
{
	struct proc	*p;
	pid_t		 pid;
	int		 status;

	if (!e->want_reap)
		return;
	e->want_reap = false;
	TAILQ_FOREACH(p, &e->procs, entry) {
		if (p->state == PS_EXITED)
			continue;
		if (p->sig_inflight > 0) {
			e->want_reap = true;	/* again once it lands */
			continue;
		}
		do
			pid = waitpid(p->pid, &status, WNOHANG);
		while (pid == -1 && errno == EINTR);
		if (pid == p->pid)
			proc_gone(e, p, status);
	}
}

/* The kernel's view of the process: the state letter in /proc/PID/stat. */
char
proc_kstate(pid_t pid)
{
	char	 path[64], buf[512], *s;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return ('-');
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((s = strrchr(buf, ')')) == NULL || s[1] == '\0' || s[2] == '\0')
		return ('-');
	return (s[2]);
}
