/*
 * Kernel channels, the agent's side.  The broker hands the agent real
 * descriptors (SCM_RIGHTS); the agent makes the syscalls on them itself
 * -- write(2), read(2), send(2), recv(2) -- so a blocked process is asleep
 * in the kernel's own pipe_write or unix_stream_read_generic, and EOF or
 * EPIPE come when the kernel says.  The broker is not on the data path:
 * it gives the writer the message the user typed and hears from the
 * reader what it read, for the transcript, but the bytes go from one
 * process to the other through the kernel alone.
 *
 * The control thread.  The broker must be able to show a pipe's fill
 * while every process that holds it is asleep in a syscall, and it must
 * not hold an end itself: a broker's read end would keep writers from
 * EPIPE, a broker's write end would keep readers from EOF.  So the first
 * kernel end an agent gets comes with a second socket and a thread that
 * answers questions about descriptors (FIONREAD, F_GETPIPE_SZ,
 * SO_SNDBUF).  A thread shares its process's descriptor table: it asks
 * about the very ends the process holds, adding no holder, and the
 * answer is the kernel's.  The thread blocks every signal, so signals
 * (and their reports) stay with the main thread, as before.
 */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define KFD_CTL_NUM	9	/* the control socket */

static bool	ctl_started;

static void
kstat_of(const struct kstat_rq *rq, struct kstat *st)
{
	struct mq_attr	a;
	int		v;
	socklen_t	sl = sizeof(v);
	char		c;

	memset(st, 0, sizeof(*st));
	st->seq = rq->seq;
	if (rq->mech == MECH_MQ) {
		if (mq_getattr(rq->fd, &a) == -1) {
			st->err = errno;
			return;
		}
		st->inq = a.mq_curmsgs;	/* messages, not bytes */
		st->cap = a.mq_maxmsg;
		return;
	}
	if (ioctl(rq->fd, FIONREAD, &v) == -1) {
		st->err = errno;
		return;
	}
	st->inq = v;
	st->waiting = v > 0;
	if (rq->mech == MECH_SOCKETPAIR && v == 0 && getsockopt(rq->fd,
	    SOL_SOCKET, SO_TYPE, &v, &sl) == 0 && v != SOCK_STREAM) {
		/* Peek, not take: is there a message, empty or not? */
		st->waiting = recv(rq->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT |
		    MSG_TRUNC) >= 0;
		sl = sizeof(v);
	}
	if (rq->mech == MECH_SOCKETPAIR)
		v = getsockopt(rq->fd, SOL_SOCKET, SO_SNDBUF, &v, &sl) == -1 ?
		    -1 : v;
	else
		v = fcntl(rq->fd, F_GETPIPE_SZ);
	st->cap = v < 0 ? 0 : v;
}

static void *
ctl_main(void *arg)
{
	struct kstat_rq	rq;
	struct kstat	st;
	int		fd = (int)(intptr_t)arg;
	ssize_t		n;

	for (;;) {
		n = recv(fd, &rq, sizeof(rq), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (NULL);	/* the broker is gone */
		if ((size_t)n != sizeof(rq))
			continue;
		kstat_of(&rq, &st);
		st.seq = rq.seq;
		(void)send(fd, &st, sizeof(st), MSG_NOSIGNAL);
	}
}

static void
ctl_start(int fd)
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	sigset_t	 all, old;

	if (ctl_started || dup2(fd, KFD_CTL_NUM) == -1) {
		(void)close(fd);
		return;
	}
	(void)close(fd);
	/* Born with every signal blocked: they are the main thread's. */
	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	(void)pthread_attr_init(&attr);
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	(void)pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, ctl_main,
	    (void *)(intptr_t)KFD_CTL_NUM) == 0)
		ctl_started = true;
	(void)pthread_attr_destroy(&attr);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * Above every number the message asks for: a parked end then never sits
 * on a number another end is moving to.
 */
static int
kpark_base(const unsigned char *body, size_t len)
{
	int32_t	want, max = KFD_BASE;
	size_t	i;

	for (i = 0; (i + 1) * sizeof(want) <= len; i++) {
		memcpy(&want, body + i * sizeof(want), sizeof(want));
		if (want > max)
			max = want;
	}
	return (max + 1);
}

/*
 * Ends arrive with whatever numbers the kernel gave them; each moves to
 * the number the broker chose.  All are parked high first, so that none
 * lands on a number another one still occupies.
 */
void
kagent_fds(const unsigned char *body, size_t len, const int *fds,
    size_t nfds)
{
	int	 parked[8];
	int32_t	 want;
	size_t	 i;

	for (i = 0; i < nfds && i < 8; i++) {
		parked[i] = fcntl(fds[i], F_DUPFD_CLOEXEC,
		    kpark_base(body, len));
		(void)close(fds[i]);
	}
	for (i = 0; i < nfds && i < 8; i++) {
		if (parked[i] == -1)
			continue;
		if ((i + 1) * sizeof(want) > len) {
			(void)close(parked[i]);
			continue;
		}
		memcpy(&want, body + i * sizeof(want), sizeof(want));
		if (want == KFD_CTL)
			ctl_start(parked[i]);
		else {
			(void)dup2(parked[i], want);
			(void)close(parked[i]);
		}
	}
}

void
kagent_close(const unsigned char *body, size_t len)
{
	int32_t	fd;
	size_t	i;

	for (i = 0; (i + 1) * sizeof(fd) <= len; i++) {
		memcpy(&fd, body + i * sizeof(fd), sizeof(fd));
		if (fd >= KFD_BASE)
			(void)close(fd);
	}
}

/*
 * A FIFO (and a pipe before Linux 6.4) has no RWF_NOWAIT: then
 * O_NONBLOCK around the one call.  The flag belongs to the open file
 * description, which a process that got the end by a pass shares; it is
 * back as it was before this returns.
 */
static ssize_t
knonblock(int fd, struct iovec *iov, bool wr)
{
	ssize_t	n;
	int	fl, saved;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return (-1);
	n = wr ? writev(fd, iov, 1) : readv(fd, iov, 1);
	saved = errno;
	(void)fcntl(fd, F_SETFL, fl);
	errno = saved;
	return (n);
}

static ssize_t
kwrite(const struct kop *k, const unsigned char *msg, size_t len, bool nb)
{
	struct iovec	iov;
	ssize_t		n;

	if (k->mech == MECH_SOCKETPAIR)
		return (send(k->fd, msg, len, MSG_NOSIGNAL |
		    (nb ? MSG_DONTWAIT : 0)));
	if (!nb)
		return (write(k->fd, msg, len));
	/*
	 * Non-blocking for this call only: O_NONBLOCK would change the
	 * open file description, which other holders share.
	 */
	iov.iov_base = (void *)(uintptr_t)msg;
	iov.iov_len = len;
	n = pwritev2(k->fd, &iov, 1, -1, RWF_NOWAIT);
	if (n == -1 && errno == EOPNOTSUPP)
		n = knonblock(k->fd, &iov, true);
	return (n);
}

static bool
khup(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) != 0);
}

static ssize_t
kread(const struct kop *k, unsigned char *buf, size_t len, bool nb,
    int32_t *flags)
{
	struct iovec	iov;
	ssize_t		n;

	if (k->mech == MECH_SOCKETPAIR) {
		n = recv(k->fd, buf, len, (nb ? MSG_DONTWAIT : 0) |
		    (k->socktype != SOCK_STREAM ? MSG_TRUNC : 0));
		if (n > (ssize_t)len)
			*flags |= KD_TRUNC;
		/*
		 * 0 is the end on a stream; on a seqpacket socket it is an
		 * empty message too, unless the peer has hung up; a
		 * datagram socket has no end.
		 */
		if (n == 0 && (k->socktype == SOCK_STREAM ||
		    (k->socktype == SOCK_SEQPACKET && khup(k->fd))))
			*flags |= KD_EOF;
		return (n);
	}
	if (!nb) {
		n = read(k->fd, buf, len);
		if (n == 0)
			*flags |= KD_EOF;
		return (n);
	}
	iov.iov_base = buf;
	iov.iov_len = len;
	n = preadv2(k->fd, &iov, 1, -1, RWF_NOWAIT);
	if (n == -1 && errno == EOPNOTSUPP)
		n = knonblock(k->fd, &iov, false);
	if (n == 0)
		*flags |= KD_EOF;
	return (n);
}

/* poll(2) with EINTR retried on the time left; ms -1: no deadline. */
static int
kpoll_wait(struct pollfd *pfd, nfds_t n, int ms)
{
	struct timespec	 t0, t1;
	long		 left = ms;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = poll(pfd, n, (int)left);
		if (r != -1 || errno != EINTR)
			return (r);
		if (ms < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - ((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return (0);
	}
}

/* poll(2) for the deadline; 0 when it passed, 1 when ready. */
static int
kwait(int fd, short events, int ms)
{
	struct pollfd	pfd = { fd, events, 0 };

	return (kpoll_wait(&pfd, 1, ms));
}

/*
 * A message queue: mq_send(3) and mq_receive(3), and for -n and
 * --timeout their timed forms (mq_timedsend, mq_timedreceive) with a
 * deadline: one already past for -n, since O_NONBLOCK would change the
 * open description other holders share.  A receive buffer below the
 * queue's mq_msgsize is EMSGSIZE, and the message stays queued.
 */
static ssize_t
kmq(const struct kop *k, const unsigned char *msg, size_t len,
    unsigned char *buf, size_t *got)
{
	struct timespec	 ts;
	struct mq_attr	 a;
	ssize_t		 n;
	size_t		 size;
	bool		 timed = k->nonblock || k->timeout_ms >= 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (k->nonblock)
		ts.tv_sec -= 1;
	else if (k->timeout_ms >= 0) {
		ts.tv_sec += k->timeout_ms / 1000;
		ts.tv_nsec += (long)(k->timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	}
	if (k->kind == OP_SEND) {
		n = timed ? mq_timedsend(k->fd, (const char *)msg, len, 0,
		    &ts) : mq_send(k->fd, (const char *)msg, len, 0);
		n = n == 0 ? (ssize_t)len : -1;
	} else {
		if (mq_getattr(k->fd, &a) == -1)
			return (-1);
		size = k->max > 0 ? k->max : (size_t)a.mq_msgsize;
		if (size > MSG_LEN_MAX)
			size = MSG_LEN_MAX;
		n = timed ? mq_timedreceive(k->fd, (char *)buf, size, NULL,
		    &ts) : mq_receive(k->fd, (char *)buf, size, NULL);
		if (n >= 0)
			*got = (size_t)n;
	}
	if (n == -1 && errno == ETIMEDOUT && k->nonblock)
		errno = EAGAIN;
	return (n);
}

/*
 * A poll: one poll(2) over the descriptors, and over the broker's socket
 * too when modeled channels are in it (the broker writes there when one
 * is ready).  The answer: revents for each descriptor, in order.
 */
static void
kagent_poll(int sock, uint32_t id, const struct kop *k,
    const unsigned char *body, size_t len)
{
	struct kdone	 d;
	struct pollfd	*pfd;
	unsigned char	*out;
	struct wire_hdr	 h;
	int32_t		 fd, rev;
	size_t		 i, nk = (size_t)k->nfds;
	bool		 mready = k->mready != 0, watch;
	int		 r, ms;
	char		 buf[64];

	if (nk * sizeof(fd) > len)
		nk = len / sizeof(fd);
	pfd = calloc(nk + 1, sizeof(*pfd));
	out = calloc(1, sizeof(d) + nk * sizeof(rev));
	if (pfd == NULL || out == NULL)
		_exit(1);
	for (i = 0; i < nk; i++) {
		memcpy(&fd, body + i * sizeof(fd), sizeof(fd));
		pfd[i].fd = fd;
		pfd[i].events = k->writable ? POLLOUT : POLLIN;
	}
	watch = k->watch && !mready;
	if (watch) {
		pfd[nk].fd = sock;
		pfd[nk].events = POLLIN;
	}
	ms = mready || k->nonblock ? 0 : k->timeout_ms;
	memset(&d, 0, sizeof(d));
	if (ms != 0)
		agent_kernel_title(k->title);
	(void)wire_send(sock, WIRE_KSTART, id, NULL, 0);
	r = kpoll_wait(pfd, nk + (watch ? 1 : 0), ms);
	if (r > 0 && watch && pfd[nk].revents != 0) {
		/* The broker: a modeled channel is ready.  Then ours, now. */
		if (recv(sock, buf, sizeof(buf), MSG_DONTWAIT) >=
		    (ssize_t)sizeof(h)) {
			memcpy(&h, buf, sizeof(h));
			mready = mready || h.type == WIRE_KREADY;
		}
		r = kpoll_wait(pfd, nk, 0);
	}
	if (r == -1)
		d.err = errno;
	else if (r == 0 && !mready)
		d.err = ms == 0 ? EAGAIN : ETIMEDOUT;
	d.n = r > 0 ? r : 0;
	memcpy(out, &d, sizeof(d));
	for (i = 0; i < nk; i++) {
		rev = pfd[i].revents;
		memcpy(out + sizeof(d) + i * sizeof(rev), &rev, sizeof(rev));
	}
	if (ms != 0)
		agent_kernel_title(NULL);
	(void)wire_send(sock, WIRE_KDONE, id, out, sizeof(d) +
	    nk * sizeof(rev));
	free(pfd);
	free(out);
}

/*
 * Shared memory.  A region is mapped the first time the process uses it
 * (its size is the memfd's); the maps live as long as the process.
 */
static struct kmap {
	int		 fd;
	int64_t		*words;
	size_t		 n;
}		*kmaps;
static size_t	 nkmaps;

static int64_t *
kshm_word(int fd, size_t index)
{
	struct kmap	*m;
	struct stat	 sb;
	void		*p;
	size_t		 i;

	for (i = 0; i < nkmaps; i++) {
		if (kmaps[i].fd == fd)
			return (index < kmaps[i].n ? kmaps[i].words + index :
			    NULL);
	}
	if (fstat(fd, &sb) == -1 || sb.st_size <= 0 ||
	    (p = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED)
		return (NULL);
	if ((m = reallocarray(kmaps, nkmaps + 1, sizeof(*kmaps))) == NULL)
		return (NULL);
	kmaps = m;
	kmaps[nkmaps].fd = fd;
	kmaps[nkmaps].words = p;
	kmaps[nkmaps].n = (size_t)sb.st_size / sizeof(int64_t);
	nkmaps++;
	return (index < kmaps[nkmaps - 1].n ? kmaps[nkmaps - 1].words +
	    index : NULL);
}

/*
 * futex(2) works on 32-bit words: a wait sleeps on the low half of the
 * 64-bit word (little-endian), once the whole word is known to equal
 * the value.
 */
static long
kfutex(int64_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return (syscall(SYS_futex, (uint32_t *)w, op, val, ts, NULL, 0));
}

static void
kagent_shm(int sock, uint32_t id, const struct kop *k)
{
	struct kdone	 d;
	struct timespec	 ts, end;
	int64_t		*w, old;
	long		 r;
	bool		 slept = false;

	memset(&d, 0, sizeof(d));
	(void)wire_send(sock, WIRE_KSTART, id, NULL, 0);
	if ((w = kshm_word(k->fd, k->index)) == NULL) {
		d.err = errno != 0 ? errno : EINVAL;
		goto done;
	}
	switch (k->kind) {
	case OP_STORE:
		__atomic_store_n(w, k->value, __ATOMIC_RELAXED);
		d.n = k->value;
		break;
	case OP_LOAD:
		d.n = __atomic_load_n(w, __ATOMIC_RELAXED);
		break;
	case OP_ADD:
		if (k->racy) {
			/* Two steps: another process may come between. */
			old = __atomic_load_n(w, __ATOMIC_RELAXED);
			sched_yield();
			__atomic_store_n(w, (int64_t)((uint64_t)old +
			    (uint64_t)k->value), __ATOMIC_RELAXED);
		} else
			old = __atomic_fetch_add(w, k->value, __ATOMIC_SEQ_CST);
		d.n = old;
		break;
	case OP_WAIT:
		agent_kernel_title(k->title);
		/* A deadline: a caught signal does not start the wait over. */
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += k->timeout_ms / 1000;
		end.tv_nsec += (long)(k->timeout_ms % 1000) * 1000000;
		if (end.tv_nsec >= 1000000000) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000;
		}
		for (;;) {
			if (k->timeout_ms >= 0) {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_sec = end.tv_sec - ts.tv_sec;
				ts.tv_nsec = end.tv_nsec - ts.tv_nsec;
				if (ts.tv_nsec < 0) {
					ts.tv_sec--;
					ts.tv_nsec += 1000000000;
				}
				if (ts.tv_sec < 0) {
					d.err = ETIMEDOUT;
					break;
				}
			}
			if ((old = __atomic_load_n(w, __ATOMIC_SEQ_CST)) !=
			    k->value) {
				/* Not the value: no wait (or no more). */
				d.err = slept ? 0 : EAGAIN;
				d.n = old;
				break;
			}
			r = kfutex(w, FUTEX_WAIT, (uint32_t)k->value,
			    k->timeout_ms >= 0 ? &ts : NULL);
			if (r == 0) {
				d.n = __atomic_load_n(w, __ATOMIC_SEQ_CST);
				break;	/* woken */
			}
			if (errno == ETIMEDOUT) {
				d.err = ETIMEDOUT;
				break;
			}
			/* EINTR, EAGAIN: look at the word again. */
			slept = slept || errno == EINTR;
		}
		break;
	case OP_WAKE:
		r = kfutex(w, FUTEX_WAKE, k->value > 0 && k->value <= INT32_MAX ?
		    (uint32_t)k->value : 1, NULL);
		if (r == -1)
			d.err = errno;
		else
			d.n = r;
		break;
	}
done:
	if (k->kind == OP_WAIT)
		agent_kernel_title(NULL);
	(void)wire_send(sock, WIRE_KDONE, id, &d, sizeof(d));
}

/*
 * A pass: the ends go over the socket pair in one sendmsg(2) with
 * SCM_RIGHTS (and, with --move, are closed here once sent); a drop
 * closes them.  Never blocking: a full socket is "would block".
 */
static void
kagent_pass(int sock, uint32_t id, const struct kop *k,
    const unsigned char *body, size_t len)
{
	struct kdone	 d;
	struct iovec	 iov;
	int		 fds[4];
	int32_t		 fd;
	size_t		 i, n = (size_t)k->nfds;
	char		 c = 'F';

	memset(&d, 0, sizeof(d));
	(void)wire_send(sock, WIRE_KSTART, id, NULL, 0);
	if (k->kind == OP_DROP) {
		/* close(2) each, as many as there are. */
		for (i = 0; i < n && (i + 1) * sizeof(fd) <= len; i++) {
			memcpy(&fd, body + i * sizeof(fd), sizeof(fd));
			(void)close(fd);
		}
		d.n = (int64_t)i;
		(void)wire_send(sock, WIRE_KDONE, id, &d, sizeof(d));
		return;
	}
	if (n > 4)
		n = 4;
	for (i = 0; i < n && (i + 1) * sizeof(fd) <= len; i++) {
		memcpy(&fd, body + i * sizeof(fd), sizeof(fd));
		fds[i] = fd;
	}
	n = i;
	if (k->kind == OP_PASS && n > 0) {
		/* One byte to carry them: a descriptor needs a message. */
		iov.iov_base = &c;
		iov.iov_len = 1;
		if (fd_send(k->fd, &iov, 1, fds, n, MSG_DONTWAIT) == -1)
			d.err = errno;
	}
	if (d.err == 0 && k->move) {
		for (i = 0; i < n; i++)
			(void)close(fds[i]);
	}
	d.n = (int64_t)n;
	(void)wire_send(sock, WIRE_KDONE, id, &d, sizeof(d));
}

/*
 * Take what a pass sent us: one recvmsg(2) on our end of the socket
 * pair, and each descriptor to the number the broker chose.
 */
void
kagent_take(int sock, uint32_t id, const unsigned char *body, size_t len)
{
	int32_t	 sfd, r[2] = { 0, 0 };
	int	 fds[8];
	size_t	 n = 0;
	char	 c;

	if (len < sizeof(sfd))
		return;
	memcpy(&sfd, body, sizeof(sfd));
	if (fd_recv(sfd, &c, 1, fds, &n, MSG_DONTWAIT) == -1)
		r[0] = errno;
	/* To the numbers the broker chose, as the ends it hands over. */
	kagent_fds(body + sizeof(sfd), len - sizeof(sfd), fds, n);
	if (r[0] == 0 && n == 0)
		r[0] = EBADMSG;	/* a byte with no descriptor */
	r[1] = (int32_t)n;
	(void)wire_send(sock, WIRE_KTAKEN, id, r, sizeof(r));
}

/*
 * The syscall of one send or receive, and what came of it in *d; the
 * bytes received go to out (at most outmax), their count is returned.
 * With fill, the fill the operation left, measured on our own end.
 * A --timeout is a poll(2) deadline before a non-blocking call, as an
 * event loop does.
 */
size_t
kagent_sys(const struct kop *k, const unsigned char *msg, size_t mlen,
    unsigned char *out, size_t outmax, struct kdone *d, bool fill)
{
	size_t		 size, got = 0;
	ssize_t		 n;
	bool		 nb = k->nonblock != 0;
	int		 r;

	memset(d, 0, sizeof(*d));
	if (k->mech == MECH_MQ) {
		n = kmq(k, msg, mlen, out, &got);
		goto result;
	}
	if (k->timeout_ms >= 0 && !nb) {
		r = kwait(k->fd, k->kind == OP_SEND ? POLLOUT : POLLIN,
		    k->timeout_ms);
		if (r == 0) {
			d->err = ETIMEDOUT;
			return (0);
		}
		nb = true;
	}
	if (k->kind == OP_SEND)
		n = kwrite(k, msg, mlen, nb);
	else {
		size = k->max > 0 && k->max < MSG_LEN_MAX ? k->max :
		    MSG_LEN_MAX;
		if (size > outmax)
			size = outmax;
		n = kread(k, out, size, nb, &d->flags);
		if (n > 0)
			got = (size_t)n < size ? (size_t)n : size;
	}
result:
	if (n == -1)
		d->err = errno;
	else
		d->n = n;
	/*
	 * The fill the operation left, measured here on our own end: the
	 * same number the control thread would give the broker, for one
	 * round trip less.  (A socket's own FIONREAD is what it may read,
	 * so only a receive on a socket pair can say it this way.)
	 */
	if (fill && (k->mech != MECH_SOCKETPAIR || k->kind == OP_RECV)) {
		struct kstat_rq	rq = { k->fd, k->mech, 0, 0 };
		struct kstat	st;

		kstat_of(&rq, &st);
		if (st.err == 0) {
			d->flags |= KD_FILL;
			d->inq = st.inq;
			d->cap = st.cap;
		}
	}
	return (got);
}

/*
 * One operation: say "about to" (the broker then watches /proc for the
 * sleep), make the syscall, say what came of it.
 */
void
kagent_op(int sock, uint32_t id, const unsigned char *body, size_t len)
{
	static unsigned char	 out[sizeof(struct kdone) + MSG_LEN_MAX];
	struct kop		 k;
	struct kdone		 d;
	const unsigned char	*msg;
	size_t			 mlen, got;
	uint64_t		 t0;

	if (len < sizeof(k))
		return;
	memcpy(&k, body, sizeof(k));
	msg = body + sizeof(k);
	mlen = len - sizeof(k);
	if (k.kind == OP_POLL) {
		kagent_poll(sock, id, &k, msg, mlen);
		return;
	}
	if (k.kind == OP_PASS || k.kind == OP_DROP) {
		kagent_pass(sock, id, &k, msg, mlen);
		return;
	}
	if (k.mech == MECH_SHM) {
		kagent_shm(sock, id, &k);
		return;
	}
	k.title[sizeof(k.title) - 1] = '\0';
	if (!k.nonblock)
		agent_kernel_title(k.title);
	(void)wire_send(sock, WIRE_KSTART, id, NULL, 0);
	t0 = now_ns();
	got = kagent_sys(&k, msg, mlen, out + sizeof(d), MSG_LEN_MAX, &d,
	    true);
	/* When it ran, for the batches' results around it (kbatch.c). */
	d.ns0 = t0;
	d.ns = now_ns();
	if (!k.nonblock)
		agent_kernel_title(NULL);
	memcpy(out, &d, sizeof(d));
	(void)wire_send(sock, WIRE_KDONE, id, out, sizeof(d) + got);
}
