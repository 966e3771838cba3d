/*
 * The classroom's connections: each a seat, read a little at a time into
 * lines of at most SERVE_LINE_MAX bytes, and written without ever
 * blocking: what a seat is told goes into its queue, sent with
 * MSG_DONTWAIT once per reply or event, the rest when poll says the
 * socket takes more.  A client that lets SERVE_OUT_MAX bytes wait loses
 * its seat; nothing a client does can make the playground wait.
 *
 * ui_wait asks serve_pollfds for the descriptors and hands their events
 * to serve_dispatch, which serves the students in turn, for at most
 * SERVE_ROUND_US a round, and only between the teacher's commands.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcplay.h"
#include "serve.h"

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

	if (st->gone != NULL || st->fd == -1)
		return;
	va_start(ap, fmt);
	len = (size_t)xvasprintf(&line, fmt, ap);
	va_end(ap);
	for (p = line; (p = strpbrk(p, "\r\n")) != NULL; p++)
		*p = ' ';
	/*
	 * A client that lets SERVE_OUT_MAX bytes wait loses its seat; the
	 * bye that says so goes in past the limit (the only line that may).
	 */
	if (st->outlen - st->outoff + len + 1 > SERVE_OUT_MAX &&
	    strncmp(line, "bye ", 4) != 0) {
		free(line);
		seat_drop(s, st, "it does not read what it is sent (%d KiB "
		    "waiting)", SERVE_OUT_MAX / 1024);
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

/* A line of the class's --log: what happened, by whom. */
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

/*
 * Close a seat.  What the client sent and we did not read is read first:
 * closing a TCP socket with unread bytes resets it, and the reset can
 * overtake the "bye" it was told.
 */
void
seat_close(struct ctx *ctx, struct seat *st)
{
	struct serve	*s = ctx->serve;
	char		 buf[4096];
	int		 k;

	s->leave(ctx, st);
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
	int		 fd = -1, k;

	/* A few a round: a class arriving at once waits its turn. */
	for (k = 0; k < SERVE_ACCEPT_ROUND && (fd = accept4(s->lfd,
	    (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK)) != -1;
	    k++) {
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
	if (k < SERVE_ACCEPT_ROUND && fd == -1 && (errno == EMFILE ||
	    errno == ENFILE || errno == ENOBUFS || errno == ENOMEM))
		s->accept_ms = now_ms() + 1000;
}

/* Is this a line of text (UTF-8, no control characters but tab)? */
bool
text_line_ok(const char *l, size_t len)
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
		if (!text_line_ok(st->in, st->inlen)) {
			seat_drop(s, st, "it sent bytes that are not UTF-8 "
			    "text");
			break;
		}
		st->inlen = 0;
		if (!st->joined)
			s->join(ctx, st, st->in);
		else
			s->line(ctx, st, st->in);
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
	uint64_t	 now, next = 0, t;

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
		t = st->joined_ms + SERVE_JOIN_MS;
		if (!st->joined && (next == 0 || t < next))
			next = t;
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
	/* Greeted even while the teacher's command runs; joined after it. */
	pfd[n].fd = s->accept_ms <= now_ms() ? s->lfd : -1;
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

static uint64_t
cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

void
serve_dispatch(struct ctx *ctx, const struct pollfd *pfd, size_t n)
{
	struct serve	*s = ctx->serve;
	struct seat	*st, *next;
	size_t		 i, k;
	uint64_t	 t0 = now_us(), c0 = s != NULL && s->trace != NULL ?
			    cpu_us() : 0, now;
	char		 c;

	if (s == NULL || n == 0)
		return;
	if (s->reset && ctx->depth == 0)
		s->respawn(ctx);
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
		/*
		 * Out of time to join -- unless its join waits unread (sent
		 * while the teacher's command ran, or past this round's turn).
		 */
		if (!st->joined && st->gone == NULL && ctx->depth == 0 &&
		    now >= st->joined_ms + SERVE_JOIN_MS &&
		    recv(st->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 1)
			seat_drop(s, st, "no join within %d s", SERVE_JOIN_MS /
			    1000);
		/* Closing is news to print: a class leaving at once, in turn. */
		if (st->gone != NULL && now_us() - t0 < SERVE_ROUND_US)
			seat_close(ctx, st);
		else if (st->gone == NULL && st->outlen > st->outoff)
			seat_flush(st);
	}
	/* Who came and went is news now, even in a file. */
	fflush(ctx->out);
	/* The round's wall time, and the CPU time the server spent in it. */
	if (s->trace != NULL) {
		fprintf(s->trace, "busy %llu %llu\n",
		    (unsigned long long)(now_us() - t0),
		    (unsigned long long)(cpu_us() - c0));
		fflush(s->trace);
	}
}

