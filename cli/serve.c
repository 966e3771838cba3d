/*
 * ipcplay serve: the teacher's playground, open to students' terminals.
 *
 * One listening socket (Unix, 0600 or the group's 0660, or TCP) joins
 * the front end's one poll loop (ui_wait asks serve_pollfds for its
 * descriptors and hands them back to serve_dispatch).  Each connection
 * is a seat: its bytes are read into a line of at most SERVE_LINE_MAX
 * bytes, and what it is told goes into a queue written without ever
 * blocking (MSG_DONTWAIT, POLLOUT for the rest).  A client that does not
 * read loses its seat once SERVE_OUT_MAX bytes wait for it; nothing a
 * client does can make the playground wait.
 *
 * Students' commands run only between the teacher's commands (ctx->depth
 * is 0): while the teacher's command runs, their lines wait in the
 * socket.  The protocol is in ipcplay(1), CLASSROOM.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcplay.h"
#include "repl.h"
#include "serve.h"

static struct serve	*the_serve;	/* for the exit handler */

uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static void
serve_usage(void)
{
	fprintf(stderr, "usage: ipcplay serve [--socket PATH | --listen "
	    "HOST:PORT] [--group GROUP]\n"
	    "                     [--log FILE] [FILE ...]\n");
}

/*
 * A bad option of a subcommand (getopt_long with opterr 0): one that
 * needs its argument, or one unknown.
 */
void
opt_error(const char *cmd, const struct option *longopts, const char *word)
{
	const struct option	*o;

	for (o = longopts; o->name != NULL; o++) {
		if (optopt != 0 && o->val == optopt &&
		    o->has_arg == required_argument) {
			warnx("%s: --%s needs an argument", cmd, o->name);
			return;
		}
	}
	warnx("%s: unknown option %s", cmd, word);
}

/* The socket file goes with us, however we end (but SIGKILL). */
static void
serve_unlink(void)
{
	if (the_serve != NULL && the_serve->path != NULL) {
		(void)unlink(the_serve->path);
		free(the_serve->path);
		the_serve->path = NULL;
	}
}

static int
listen_unix(struct serve *s, const char *path, const char *group,
    char **cause)
{
	struct sockaddr_un	 sun;
	struct group		*gr = NULL;
	mode_t			 old;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: the path is too long for a socket",
		    path);
		return (-1);
	}
	if (group != NULL && (gr = getgrnam(group)) == NULL) {
		xasprintf(cause, "--group %s: no such group", group);
		return (-1);
	}
	/* A socket left by a playground that was killed: nobody answers. */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(probe);
			xasprintf(cause, "%s: a classroom is already served "
			    "there", path);
			return (-1);
		}
		if (errno == ECONNREFUSED) {
			struct stat st;

			if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
				(void)unlink(path);
		}
		close(probe);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	/* Born 0600 (0660 for a group): never open to others, not even once. */
	old = umask(gr != NULL ? 0117 : 0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	umask(old);
	s->path = xstrdup(path);
	if (gr != NULL && (chown(path, (uid_t)-1, gr->gr_gid) == -1 ||
	    chmod(path, 0660) == -1)) {
		xasprintf(cause, "%s: group %s: %s", path, group,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	if (listen(fd, 64) == -1) {
		xasprintf(cause, "listen: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	s->lfd = fd;
	s->address = xstrdup(path);
	return (0);
}

/* HOST:PORT, [V6]:PORT or :PORT (every address) into its two parts. */
int
serve_split(const char *hostport, char **host, char **port)
{
	const char	*colon;

	if (hostport[0] == '[') {
		if ((colon = strstr(hostport, "]:")) == NULL)
			return (-1);
		*host = xmemdup(hostport + 1, (size_t)(colon - hostport - 1));
		*port = xstrdup(colon + 2);
	} else {
		if ((colon = strrchr(hostport, ':')) == NULL)
			return (-1);
		*host = xmemdup(hostport, (size_t)(colon - hostport));
		*port = xstrdup(colon + 1);
	}
	if (**port == '\0') {
		free(*host);
		free(*port);
		return (-1);
	}
	return (0);
}

/* A listening socket on one address, or -1 (*saved: why). */
static int
listen_one(const struct addrinfo *ai, int *saved)
{
	int	fd, on = 1, off = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1) {
		*saved = errno;
		return (-1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0)
		return (fd);
	*saved = errno;
	close(fd);
	return (-1);
}

static int
listen_tcp(struct serve *s, const char *hostport, char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	char		*host, *port, hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	int		 fd = -1, r, saved = 0;
	bool		 any;
	struct sockaddr_storage ss;
	socklen_t	 sl = sizeof(ss);

	if (serve_split(hostport, &host, &port) == -1) {
		xasprintf(cause, "--listen %s: HOST:PORT expected", hostport);
		return (-1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	any = *host == '\0';
	r = getaddrinfo(any ? NULL : host, port, &hints, &res);
	free(host);
	free(port);
	if (r != 0) {
		xasprintf(cause, "--listen %s: %s", hostport, gai_strerror(r));
		return (-1);
	}
	/*
	 * No host: every address, IPv6 and IPv4 on one socket when the
	 * system has IPv6 (glibc lists 0.0.0.0 first, so :: is tried first).
	 */
	for (ai = res; any && fd == -1 && ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET6)
			fd = listen_one(ai, &saved);
	}
	for (ai = res; fd == -1 && ai != NULL; ai = ai->ai_next)
		fd = listen_one(ai, &saved);
	freeaddrinfo(res);
	if (fd == -1) {
		xasprintf(cause, "--listen %s: %s", hostport,
		    strerror(saved != 0 ? saved : EADDRNOTAVAIL));
		return (-1);
	}
	s->lfd = fd;
	s->tcp = true;
	/* Port 0 asks for any: say which one it is. */
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof(hbuf), pbuf,
	    sizeof(pbuf), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		xasprintf(&s->address, strchr(hbuf, ':') != NULL ?
		    "[%s]:%s" : "%s:%s", hbuf, pbuf);
	else
		s->address = xstrdup(hostport);
	return (0);
}

/* Where a classroom is served when no address is given. */
static char *
default_socket(void)
{
	const char	*dir = getenv("XDG_RUNTIME_DIR");
	char		*p;

	if (dir != NULL && *dir == '/')
		xasprintf(&p, "%s/ipcplay.sock", dir);
	else
		xasprintf(&p, "/tmp/ipcplay-%u.sock", (unsigned)getuid());
	return (p);
}

/* 128 random bits as 32 hex digits. */
static void
make_code(char *code)
{
	unsigned char	r[16];
	size_t		i;

	arc4random_buf(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++)
		snprintf(code + 2 * i, 3, "%02x", r[i]);
}

void
serve_log(struct serve *s, const char *type, const char *by,
    const char *key, const char *value)
{
	char	*b, *v;

	if (s->log == NULL)
		return;
	b = json_str((const unsigned char *)by, strlen(by));
	v = json_str((const unsigned char *)value, strlen(value));
	fprintf(s->log, "{\"type\":\"%s\",\"by\":%s,\"%s\":%s}\n", type, b,
	    key, v);
	fflush(s->log);
	free(b);
	free(v);
}

struct seat *
seat_find(struct serve *s, const char *name)
{
	struct seat	*st;

	TAILQ_FOREACH(st, &s->seats, entry) {
		if (st->joined && st->gone == NULL &&
		    strcmp(st->name, name) == 0)
			return (st);
	}
	return (NULL);
}

/* Write what waits, as far as the socket takes it now. */
void
seat_flush(struct seat *st)
{
	ssize_t	n;

	while (st->outoff < st->outlen) {
		n = send(st->fd, st->out + st->outoff, st->outlen - st->outoff,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    st->gone == NULL)
				xasprintf(&st->gone, "%s", strerror(errno));
			break;
		}
		st->outoff += (size_t)n;
	}
	if (st->outoff == st->outlen)
		st->outoff = st->outlen = 0;
}

/*
 * Queue one protocol line: "text ...", "event ...", "ok", "error ...".
 * A newline inside would end the line early (and could forge one), so
 * each is made a blank.  Written by seat_flush, once per reply or event;
 * a queue that grows past SERVE_OUT_MAX loses the seat.
 */
void
seat_send(struct serve *s, struct seat *st, const char *fmt, ...)
{
	va_list	 ap;
	char	*line, *p;
	size_t	 len;

	(void)s;
	if (st->gone != NULL || st->fd == -1)
		return;
	va_start(ap, fmt);
	len = (size_t)xvasprintf(&line, fmt, ap);
	va_end(ap);
	for (p = line; (p = strpbrk(p, "\r\n")) != NULL; p++)
		*p = ' ';
	if (st->outlen - st->outoff + len + 1 > SERVE_OUT_MAX) {
		free(line);
		xasprintf(&st->gone, "it does not read what it is sent "
		    "(%d KiB waiting)", SERVE_OUT_MAX / 1024);
		return;
	}
	if (st->outlen + len + 1 > st->outcap) {
		/* Move what is left to the front before growing. */
		if (st->outoff > 0) {
			memmove(st->out, st->out + st->outoff,
			    st->outlen - st->outoff);
			st->outlen -= st->outoff;
			st->outoff = 0;
		}
		while (st->outlen + len + 1 > st->outcap)
			st->outcap = st->outcap == 0 ? 4096 : st->outcap * 2;
		st->out = xreallocarray(st->out, st->outcap, 1);
	}
	memcpy(st->out + st->outlen, line, len);
	st->out[st->outlen + len] = '\n';
	st->outlen += len + 1;
	free(line);
	/* A long reply goes out as it grows, not all at its end. */
	if (st->outlen - st->outoff >= 65536)
		seat_flush(st);
}

/* Text of several lines: one protocol line each, with the same kind. */
void
seat_send_lines(struct serve *s, struct seat *st, const char *kind,
    const char *text)
{
	const char	*p, *nl;

	for (p = text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		seat_send(s, st, "%s %.*s", kind, (int)(nl - p), p);
	}
}

/* Lose the seat at the next safe point; say why to it while we can. */
void
seat_drop(struct serve *s, struct seat *st, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	if (st->gone != NULL)
		return;
	va_start(ap, fmt);
	(void)xvasprintf(&why, fmt, ap);
	va_end(ap);
	seat_send(s, st, "bye %s", why);
	seat_flush(st);
	if (st->gone == NULL)
		st->gone = why;
	else
		free(why);
}

/*
 * Close a seat.  What the client sent and we did not read is read first:
 * closing a TCP socket with unread bytes resets it, and the reset can
 * overtake the "bye" it was told.
 */
static void
seat_close(struct ctx *ctx, struct seat *st)
{
	struct serve	*s = ctx->serve;
	char		 buf[4096];
	int		 k;

	if (st->joined && st->gone != NULL) {
		seat_note(ctx, "%s left the class: %s", st->name, st->gone);
		serve_log(s, "leave", st->name, "why", st->gone);
	}
	if (st->fd != -1) {
		seat_flush(st);
		for (k = 0; k < 64 && recv(st->fd, buf, sizeof(buf),
		    MSG_DONTWAIT) > 0; k++)
			continue;
		(void)shutdown(st->fd, SHUT_RDWR);
		close(st->fd);
	}
	TAILQ_REMOVE(&s->seats, st, entry);
	s->nconn--;
	if (!st->joined)
		s->nwaiting--;
	seat_forget(st);
	free(st->out);
	free(st->gone);
	free(st);
}

/* A TCP peer that vanished (a closed laptop) is noticed within a minute. */
static void
seat_keepalive(int fd)
{
	int	on = 1, idle = 30, intvl = 10, cnt = 3;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static void
serve_accept(struct ctx *ctx)
{
	struct serve	*s = ctx->serve;
	struct seat	*st;
	struct sockaddr_storage ss;
	socklen_t	 sl = sizeof(ss);
	struct ucred	 uc;
	socklen_t	 ul = sizeof(uc);
	char		 h[NI_MAXHOST], p[NI_MAXSERV];
	const char	*full;
	int		 fd;

	while ((fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl,
	    SOCK_CLOEXEC | SOCK_NONBLOCK)) != -1) {
		full = s->nconn >= SERVE_CONN_MAX ? "bye the class is full\n" :
		    s->nwaiting >= SERVE_WAITING_MAX ? "bye too many are "
		    "joining at once: try again\n" : NULL;
		if (full != NULL) {
			(void)send(fd, full, strlen(full), MSG_DONTWAIT |
			    MSG_NOSIGNAL);
			close(fd);
			sl = sizeof(ss);
			continue;
		}
		st = xcalloc(1, sizeof(*st));
		st->fd = fd;
		st->joined_ms = now_ms();
		sb_init(&st->partial);
		if (!s->tcp && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc,
		    &ul) == 0)
			snprintf(st->peer, sizeof(st->peer), "uid %u pid %d",
			    (unsigned)uc.uid, (int)uc.pid);
		else if (s->tcp && getnameinfo((struct sockaddr *)&ss, sl, h,
		    sizeof(h), p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV) ==
		    0)
			snprintf(st->peer, sizeof(st->peer), strchr(h, ':') !=
			    NULL ? "[%.60s]:%.10s" : "%.60s:%.10s", h, p);
		else
			strlcpy(st->peer, "?", sizeof(st->peer));
		if (s->tcp)
			seat_keepalive(fd);
		TAILQ_INSERT_TAIL(&s->seats, st, entry);
		s->nconn++;
		s->nwaiting++;
		seat_send(s, st, "ipcplay classroom %d", SERVE_PROTO);
		seat_flush(st);
		sl = sizeof(ss);
	}
	/* Out of descriptors: stop listening for a second, not spin. */
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
	    errno == ENOMEM)
		s->accept_ms = now_ms() + 1000;
}

/* Bytes that are not text (not UTF-8, or control characters). */
static bool
line_is_text(const char *l, size_t len)
{
	const unsigned char	*u = (const unsigned char *)l;
	size_t			 i = 0, k;

	while (i < len) {
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
				return (false);
			i++;
			continue;
		}
		if ((k = utf8_len(u + i, len - i)) == 0)
			return (false);
		i += k;
	}
	return (true);
}

/*
 * What a seat sent: a little at a time (a round serves everyone a
 * little), cut into lines of at most SERVE_LINE_MAX bytes (a CR before
 * the newline not counted).
 */
static void
seat_input(struct ctx *ctx, struct seat *st)
{
	char	 buf[1024];
	ssize_t	 n;

	n = recv(st->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		if (st->gone == NULL)
			st->gone = xstrdup(n == 0 ? "it hung up" :
			    strerror(errno));
		return;
	}
	if (n > 0)
		seat_bytes(ctx, st, buf, (size_t)n);
}

/* Bytes from a seat, as they came (the fuzzer's way in, too). */
void
seat_bytes(struct ctx *ctx, struct seat *st, const char *buf, size_t n)
{
	struct serve	*s = ctx->serve;
	const char	*nl;
	size_t		 off, take, k;

	st->t_in = now_us();
	for (off = 0; off < n && st->gone == NULL; off += take) {
		nl = memchr(buf + off, '\n', n - off);
		take = nl != NULL ? (size_t)(nl - (buf + off)) + 1 : n - off;
		k = take - (nl != NULL ? 1 : 0);
		if (!st->skipping && st->inlen + k > SERVE_LINE_MAX + 1) {
			st->skipping = true;
			seat_send(s, st, "error the line is longer than %d "
			    "bytes", SERVE_LINE_MAX);
			seat_flush(st);
		}
		if (!st->skipping) {
			memcpy(st->in + st->inlen, buf + off, k);
			st->inlen += k;
		}
		if (nl == NULL)
			break;
		if (st->skipping) {
			st->skipping = false;
			st->inlen = 0;
			continue;
		}
		if (st->inlen > 0 && st->in[st->inlen - 1] == '\r')
			st->inlen--;
		if (st->inlen > SERVE_LINE_MAX) {
			seat_send(s, st, "error the line is longer than %d "
			    "bytes", SERVE_LINE_MAX);
			seat_flush(st);
			st->inlen = 0;
			continue;
		}
		st->in[st->inlen] = '\0';
		if (!line_is_text(st->in, st->inlen)) {
			seat_drop(s, st, "it sent bytes that are not UTF-8 "
			    "text");
			break;
		}
		st->inlen = 0;
		if (!st->joined)
			seat_join(ctx, st, st->in);
		else
			seat_line(ctx, st, st->in);
	}
}

size_t
serve_nfds(const struct ctx *ctx)
{
	return (ctx->serve != NULL ? ctx->serve->nconn + 1 : 0);
}

/*
 * How long the loop may sleep for us: 0 when a seat is to be closed or
 * students are to get fresh processes, else until a connection that has
 * not joined runs out of time or accepting starts again; -1: no limit.
 */
int
serve_timeout(const struct ctx *ctx)
{
	struct serve	*s = ctx->serve;
	struct seat	*st;
	uint64_t	 now, next = 0;

	if (s == NULL)
		return (-1);
	if (s->reset && ctx->depth == 0)
		return (0);
	now = now_ms();
	if (s->accept_ms > now)
		next = s->accept_ms;
	TAILQ_FOREACH(st, &s->seats, entry) {
		if (st->gone != NULL)
			return (0);
		if (!st->joined && (next == 0 ||
		    st->joined_ms + SERVE_JOIN_MS < next))
			next = st->joined_ms + SERVE_JOIN_MS;
	}
	if (next == 0)
		return (-1);
	return (next <= now ? 0 : (int)(next - now));
}

/*
 * The descriptors to wait on.  While a teacher's command runs, students'
 * lines wait: only what we owe them is written.
 */
size_t
serve_pollfds(struct ctx *ctx, struct pollfd *pfd, size_t max)
{
	struct serve	*s = ctx->serve;
	struct seat	*st;
	size_t		 n = 0;

	if (s == NULL || max == 0)
		return (0);
	pfd[n].fd = ctx->depth == 0 && s->accept_ms <= now_ms() ? s->lfd : -1;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	TAILQ_FOREACH(st, &s->seats, entry) {
		if (n >= max)
			break;
		pfd[n].events = (ctx->depth == 0 ? POLLIN : 0) |
		    (st->outlen > st->outoff ? POLLOUT : 0);
		/* Nothing asked: not polled (a hang-up would wake us). */
		pfd[n].fd = pfd[n].events != 0 ? st->fd : -1;
		pfd[n++].revents = 0;
	}
	return (n);
}

void
serve_dispatch(struct ctx *ctx, const struct pollfd *pfd, size_t n)
{
	struct serve	*s = ctx->serve;
	struct seat	*st, *next;
	size_t		 i, k;
	uint64_t	 t0 = now_us(), now;

	if (s == NULL || n == 0)
		return;
	if (s->reset && ctx->depth == 0)
		seat_respawn(ctx);
	if (pfd[0].revents & POLLIN)
		serve_accept(ctx);
	/*
	 * Students in turn, from a different one each round; once a round
	 * has been busy for SERVE_ROUND_US, the rest wait for the next (poll
	 * reports them again at once), so the loop is never held long.
	 */
	s->turn++;
	for (k = 1; k < n; k++) {
		i = 1 + (k - 1 + s->turn) % (n - 1);
		if (pfd[i].revents == 0 || pfd[i].fd == -1)
			continue;
		TAILQ_FOREACH(st, &s->seats, entry) {
			if (st->fd != pfd[i].fd)
				continue;
			if (pfd[i].revents & POLLOUT)
				seat_flush(st);
			if (st->gone == NULL && ctx->depth == 0 &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    now_us() - t0 < SERVE_ROUND_US)
				seat_input(ctx, st);
			break;
		}
	}
	now = now_ms();
	TAILQ_FOREACH_SAFE(st, &s->seats, entry, next) {
		if (!st->joined && st->gone == NULL &&
		    now >= st->joined_ms + SERVE_JOIN_MS)
			seat_drop(s, st, "no join within %d s", SERVE_JOIN_MS /
			    1000);
		if (st->gone != NULL)
			seat_close(ctx, st);
		else if (st->outlen > st->outoff)
			seat_flush(st);
	}
	/* Who came and went is news now, even in a file. */
	fflush(ctx->out);
	if (s->trace != NULL) {
		fprintf(s->trace, "busy %llu\n",
		    (unsigned long long)(now_us() - t0));
		fflush(s->trace);
	}
}

/* After every command: a reset's students get their processes at once. */
static void
serve_after(struct ctx *ctx)
{
	if (ctx->serve != NULL && ctx->serve->reset)
		seat_respawn(ctx);
}

/*
 * The teacher without a terminal: commands from standard input, read as
 * they come so that students are served meanwhile; end of input ends the
 * class as quit does.
 */
static void
serve_stdin(struct ctx *ctx)
{
	struct ui_wait	 w = { NULL, 0 };
	struct sb	 line;
	char		 buf[4096], *nl;
	short		 ready;
	int		 fd = STDIN_FILENO;
	ssize_t		 n;
	size_t		 off;
	bool		 eof = false;

	ctx->file = "stdin";
	sb_init(&line);
	while (!eof && !ctx->stop) {
		if (ui_wait(ctx, &w, &fd, &ready, 1, -1) == -1)
			break;
		if (!(ready & (POLLIN | POLLHUP)))
			continue;
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warn("stdin");
			break;
		}
		if (n == 0) {
			eof = true;
			if (line.len == 0)
				break;
			buf[0] = '\n';
			n = 1;
		}
		for (off = 0; off < (size_t)n; off++) {
			if (buf[off] != '\n') {
				sb_putc(&line, buf[off]);
				continue;
			}
			nl = sb_take(&line);
			sb_init(&line);
			ctx->line++;
			if (run_line_len(ctx, nl != NULL ? nl : "", nl !=
			    NULL ? strlen(nl) : 0) == -1)
				eof = true;
			free(nl);
			if (eof)
				break;
		}
	}
	sb_free(&line);
	ui_wait_free(&w);
}

/* The end of the class: everyone is told, the socket file goes. */
static void
serve_end(struct ctx *ctx)
{
	struct serve	*s = ctx->serve;
	struct seat	*st;

	while ((st = TAILQ_FIRST(&s->seats)) != NULL) {
		seat_send(s, st, "bye the class is over");
		if (st->gone == NULL)
			st->gone = xstrdup("the class is over");
		seat_close(ctx, st);
	}
	close(s->lfd);
	serve_unlink();
	if (s->log != NULL)
		fclose(s->log);
	if (s->trace != NULL)
		fclose(s->trace);
	free(s->address);
	free(s->headline);
	ctx->serve = NULL;
	ctx->headline = NULL;
	ctx->after_command = NULL;
	the_serve = NULL;
	free(s);
}

int
serve_main(struct ctx *ctx, const struct engine_config *cf, int argc,
    char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "group", required_argument, NULL, 'g' },
		{ "log", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct serve	*s;
	const char	*sock = NULL, *hostport = NULL, *group = NULL;
	const char	*logf = NULL, *tr;
	char		*cause = NULL, *def = NULL;
	int		 ch, i, rc;
	bool		 tty;

	optind = 0;	/* a new scan of a new vector (glibc) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'l':
			hostport = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'L':
			logf = optarg;
			break;
		default:
			opt_error("serve", longopts, argv[optind - 1]);
			serve_usage();
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (sock != NULL && hostport != NULL) {
		warnx("serve: --socket and --listen do not go together");
		serve_usage();
		return (2);
	}
	if (group != NULL && sock == NULL) {
		warnx("serve: --group needs --socket PATH in a directory the "
		    "group can reach");
		serve_usage();
		return (2);
	}
	if (ctx->json) {
		warnx("serve: --json is not for a classroom (--log FILE "
		    "writes JSON lines)");
		return (2);
	}
	for (i = 0; i < argc; i++) {
		if (access(argv[i], R_OK) == -1) {
			warn("%s", argv[i]);
			return (2);
		}
	}
	s = xcalloc(1, sizeof(*s));
	s->lfd = -1;
	TAILQ_INIT(&s->seats);
	if (logf != NULL && (s->log = fopen(logf, "we")) == NULL) {
		warn("serve: --log %s", logf);
		free(s);
		return (1);
	}
	if ((tr = getenv("IPCPLAY_SERVE_TRACE")) != NULL && *tr != '\0')
		s->trace = fopen(tr, "ae");
	the_serve = s;
	atexit(serve_unlink);
	if (hostport != NULL)
		rc = listen_tcp(s, hostport, &cause);
	else {
		if (sock == NULL)
			sock = def = default_socket();
		rc = listen_unix(s, sock, group, &cause);
	}
	free(def);
	if (rc == -1) {
		warnx("serve: %s", cause);
		free(cause);
		if (s->log != NULL)
			fclose(s->log);
		if (s->trace != NULL)
			fclose(s->trace);
		serve_unlink();
		the_serve = NULL;
		free(s);
		return (1);
	}
	make_code(s->code);
	ctx->e = engine_new(cf);
	ctx->serve = s;
	ctx->after_command = serve_after;
	out_init(ctx);
	engine_observe(ctx->e, seat_observe, ctx);
	if (s->tcp)
		xasprintf(&s->headline, "join code %.8s-%.8s-%.8s-%.8s at %s",
		    s->code, s->code + 8, s->code + 16, s->code + 24,
		    s->address);
	else
		xasprintf(&s->headline, "join: ipcplay attach %s --as NAME",
		    s->address);
	ctx->headline = s->headline;
	printf("ipcplay serve: a classroom on %s%s\n", s->address,
	    s->tcp ? " (TCP: the join code is needed)" : "");
	printf("join code: %.8s-%.8s-%.8s-%.8s\n", s->code, s->code + 8,
	    s->code + 16, s->code + 24);
	printf("students type: ipcplay attach %s --as NAME%s\n", s->address,
	    s->tcp ? " --code CODE" : "");
	fflush(stdout);
	/*
	 * However the class ends, it ends through serve_end (the socket file
	 * goes): a signal from now on, a closed stdout (EPIPE, not SIGPIPE).
	 */
	tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	(void)signal(SIGPIPE, SIG_IGN);
	ui_catch_quit(ctx);
	if (!tty)
		ui_catch_signal(SIGINT);
	for (i = 0; i < argc && !ctx->stop && !ui_stopping(); i++) {
		if (batch_file(ctx, argv[i]) == -1)
			break;
	}
	ctx->fail_pending = false;
	if (ui_quit_signal() != 0)
		;
	else if (tty) {
		ctx->want_dashboard = true;
		repl_run(ctx);
		ctx->status = 0;
	} else {
		ctx->interactive = false;
		serve_stdin(ctx);
	}
	serve_end(ctx);
	return (batch_finish(ctx));
}
