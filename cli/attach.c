/*
 * ipcplay attach: a student's shell on the teacher's playground.
 *
 * It connects (a Unix socket path, or HOST:PORT over TCP), joins as
 * NAME, then sends each command line and prints what comes back: "text"
 * lines are a command's output, "event" lines what happens to the
 * student's process and channels, "ok" or "error WHY" ends a reply,
 * "bye WHY" ends the seat.  Replies come in the order of the requests,
 * so a queue of what was asked (a command, or "names" for completion)
 * tells whose each line is.
 *
 * On a terminal it is a readline shell (one poll loop for the keyboard,
 * the socket and a signal pipe; events printed above the prompt; Tab
 * completing the student's commands and the playground's names, asked
 * for after every command).  Otherwise it reads commands from standard
 * input, sends each when the last one has its answer, never faster than
 * the classroom's 20 commands a second, and exits 1 if one failed.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "edit.h"
#include "ipcplay.h"
#include "serve.h"

#define PACE_MS		55	/* between commands read from a file */
#define REPLY_MAX	(16 * 1024 * 1024)	/* longest line we keep */
#define ASKED_MAX	64	/* requests without an answer yet */

struct client {
	int		 fd;
	char		*buf;
	size_t		 len, cap;
	char		 name[NAME_LEN + 1];
	bool		 tty;
	char		 asked[ASKED_MAX];	/* 'c' command, 'n' names */
	size_t		 nasked;
	bool		 failed;	/* a command failed */
	bool		 bye;		/* the seat has ended */
	char		**names;	/* for completion */
	size_t		 nnames;
	char		**fresh;	/* the next list, as it arrives */
	size_t		 nfresh;
	int		 lineno;
	bool		 done;
};

static struct client	*cl;
static int		 sig_pipe[2] = { -1, -1 };

static void
attach_usage(void)
{
	fprintf(stderr, "usage: ipcplay attach ADDRESS --as NAME [--code "
	    "CODE]\n");
}

static int
attach_connect(const char *addr, char **cause)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res, *ai;
	char			*host, *port;
	int			 fd = -1, r, saved = ECONNREFUSED;

	if (strchr(addr, '/') != NULL || strchr(addr, ':') == NULL) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlcpy(sun.sun_path, addr, sizeof(sun.sun_path)) >=
		    sizeof(sun.sun_path)) {
			xasprintf(cause, "%s: the path is too long", addr);
			return (-1);
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1 || connect(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			/* "localhost" alone: a port forgotten, most likely. */
			xasprintf(cause, "%s: %s%s", addr, strerror(errno),
			    errno == ENOENT && strchr(addr, '/') == NULL ?
			    " (a socket's path, or HOST:PORT for TCP)" : "");
			if (fd != -1)
				close(fd);
			return (-1);
		}
		return (fd);
	}
	if (serve_split(addr, &host, &port) == -1) {
		xasprintf(cause, "%s: a socket path or HOST:PORT expected",
		    addr);
		return (-1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(*host != '\0' ? host : "localhost", port, &hints,
	    &res);
	free(host);
	free(port);
	if (r != 0) {
		xasprintf(cause, "%s: %s", addr, gai_strerror(r));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		xasprintf(cause, "%s: %s", addr, strerror(saved));
	return (fd);
}

static void
send_line(const char *line, char kind)
{
	size_t	len = strlen(line), off = 0;
	ssize_t	n;

	while (off <= len) {
		/* The line, then its newline. */
		if (off < len)
			n = send(cl->fd, line + off, len - off, MSG_NOSIGNAL);
		else
			n = send(cl->fd, "\n", 1, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return;	/* the read side says why */
		}
		off += (size_t)n;
	}
	if (kind != '\0')	/* a request whose answer we will match */
		cl->asked[cl->nasked++] = kind;
}

/* Print above the prompt without losing what is being typed. */
static void
show(FILE *f, const char *pre, const char *s)
{
	bool	prompt = cl->tty && rl_line_buffer != NULL;

	if (prompt)
		edit_line_hide();
	fprintf(f, "%s%s\n", pre, s);
	fflush(f);
	/* After the last word (a bye), no prompt. */
	if (prompt && cl->done)
		edit_line_drop();
	else if (prompt)
		edit_line_show();
}

/* One line from the server. */
static void
server_line(char *l)
{
	char	pre[64], kind = cl->nasked > 0 ? cl->asked[0] : 'c';

	if (strncmp(l, "text ", 5) == 0) {
		if (kind != 'n') {
			show(stdout, "", l + 5);
			return;
		}
		cl->fresh = xreallocarray(cl->fresh, cl->nfresh + 1,
		    sizeof(*cl->fresh));
		cl->fresh[cl->nfresh++] = xstrdup(l + 5);
	} else if (strncmp(l, "event ", 6) == 0)
		show(stdout, "", l + 6);
	else if (strcmp(l, "ok") == 0 || strncmp(l, "error ", 6) == 0) {
		if (cl->nasked > 0)
			memmove(cl->asked, cl->asked + 1, --cl->nasked);
		if (kind == 'n') {
			/* A refused "names" keeps the list there was. */
			if (l[0] == 'o') {
				strv_free(cl->names, cl->nnames);
				cl->names = cl->fresh;
				cl->nnames = cl->nfresh;
			} else
				strv_free(cl->fresh, cl->nfresh);
			cl->fresh = NULL;
			cl->nfresh = 0;
			return;
		}
		if (l[0] == 'o')
			return;
		cl->failed = true;
		if (cl->tty)
			show(stderr, "error: ", l + 6);
		else {
			snprintf(pre, sizeof(pre), "ipcplay: stdin:%d: ",
			    cl->lineno);
			show(stderr, pre, l + 6);
		}
	} else if (strncmp(l, "bye ", 4) == 0) {
		cl->bye = true;
		cl->done = true;
		show(stderr, "ipcplay: attach: ", l + 4);
	}
}

/* Every whole line received so far, handed to server_line. */
static void
server_lines(void)
{
	char	*nl;
	size_t	 off = 0;

	if (cl->len == 0)
		return;
	while (!cl->bye && (nl = memchr(cl->buf + off, '\n', cl->len - off)) !=
	    NULL) {
		*nl = '\0';
		server_line(cl->buf + off);
		off = (size_t)(nl - cl->buf) + 1;
	}
	memmove(cl->buf, cl->buf + off, cl->len - off);
	cl->len -= off;
	if (cl->len > REPLY_MAX)
		cl->len = 0;	/* a line too long to be ours: forget it */
}

/* Read what the server sent; false when it has gone. */
static bool
server_recv(void)
{
	ssize_t	n;

	if (cl->cap - cl->len < 4096) {
		cl->cap = cl->cap == 0 ? 8192 : cl->cap * 2;
		cl->buf = xreallocarray(cl->buf, cl->cap, 1);
	}
	n = recv(cl->fd, cl->buf + cl->len, cl->cap - cl->len, 0);
	if (n == -1 && errno == EINTR)
		return (true);
	if (n <= 0)
		return (false);
	cl->len += (size_t)n;
	return (true);
}

/* The server's next line before the session (greeting, join), or NULL. */
static char *
server_first_line(int ms)
{
	struct pollfd	 pfd = { cl->fd, POLLIN, 0 };
	char		*nl, *l;

	for (;;) {
		if (cl->len > 0 &&
		    (nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
			l = xmemdup(cl->buf, (size_t)(nl - cl->buf) + 1);
			l[nl - cl->buf] = '\0';
			cl->len -= (size_t)(nl - cl->buf) + 1;
			memmove(cl->buf, nl + 1, cl->len);
			return (l);
		}
		if (cl->len > REPLY_MAX || poll(&pfd, 1, ms) <= 0 ||
		    !server_recv())
			return (NULL);
	}
}

/*
 * The greeting, or the answer to join.  The class answers between the
 * teacher's commands: after two seconds we say why we wait, once, and
 * wait on (Ctrl-C gives up).
 */
static char *
attach_answer(bool *waited)
{
	char	*l;

	if ((l = server_first_line(*waited ? -1 : 2000)) != NULL ||
	    *waited || cl->len > 0)
		return (l);
	*waited = true;
	fprintf(stderr, "ipcplay: attach: waiting for the classroom to answer "
	    "(the teacher's command may still be running)\n");
	return (server_first_line(-1));
}

/* The server has something: false when it has gone (said once). */
static bool
server_read(void)
{
	if (server_recv()) {
		server_lines();
		return (true);
	}
	if (!cl->bye) {
		cl->bye = cl->done = true;
		show(stderr, "ipcplay: attach: ", "the classroom has gone");
	}
	return (false);
}

static const char *const attach_own[] = { "quit", NULL };

static char *
attach_gen(const char *text, int state)
{
	static const char *const *const lists[] = {
		seat_ops, seat_looks, attach_own
	};
	static size_t	 li, i, first;
	size_t		 len = strlen(text);
	const char	*c;

	if (state == 0) {
		li = i = 0;
		/* The first word is a command (help's too); others name things. */
		first = (size_t)rl_point <= len ||
		    strspn(rl_line_buffer, " \t") >= (size_t)rl_point - len ||
		    strncmp(rl_line_buffer + strspn(rl_line_buffer, " \t"),
		    "help ", 5) == 0;
	}
	while (first && li < sizeof(lists) / sizeof(lists[0])) {
		if ((c = lists[li][i++]) == NULL) {
			li++;
			i = 0;
		} else if (strncmp(c, text, len) == 0)
			return (xstrdup(c));
	}
	while (!first && i < cl->nnames) {
		/* "proc A" or "chan c1": the name is after the kind. */
		c = strchr(cl->names[i], ' ');
		c = c != NULL ? c + 1 : cl->names[i];
		i++;
		if (strncmp(c, text, len) == 0 && strcmp(c, cl->name) != 0)
			return (xstrdup(c));
	}
	return (NULL);
}

static char **
attach_complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1;
	return (rl_completion_matches(text, attach_gen));
}

/*
 * A line to send, unless it is one the server would drop us for (bytes
 * that are not UTF-8 text): that one is refused here.
 */
static bool
line_sendable(const char *line)
{
	if (text_line_ok(line, strlen(line)))
		return (true);
	show(stderr, "error: ", "not sent: the line holds bytes that are not "
	    "UTF-8 text, or control characters");
	return (false);
}

/*
 * A line typed (or pasted: readline's bracketed paste gives several lines
 * as one): each line a command, then one "names" for completion.
 */
static void
attach_rl_line(char *line)
{
	char	*p, *one, *rest;
	bool	 sent = false;

	if (line == NULL) {
		fputc('\n', stdout);
		cl->done = true;
		rl_callback_handler_remove();
		return;
	}
	(void)edit_history_add(line);
	for (rest = line; !cl->done && (one = strsep(&rest, "\n")) != NULL;) {
		for (p = one; *p == ' ' || *p == '\t'; p++)
			continue;
		if (*p == '\0')
			continue;
		if (strcmp(p, "quit") == 0) {
			cl->done = true;
			rl_callback_handler_remove();
		} else if (cl->nasked + 2 > ASKED_MAX)
			show(stderr, "error: ", "not sent: wait for the answers "
			    "to what you typed before");
		else if (line_sendable(one)) {
			send_line(one, 'c');
			sent = true;
		}
	}
	if (sent)
		send_line("names", 'n');
	free(line);
}

static void
attach_sig(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	(void)write(sig_pipe[1], &c, 1);
	errno = saved;
}

/*
 * Ctrl-C abandons the line being typed; SIGTERM and SIGHUP leave the
 * class (the terminal given back first); a new window size is
 * readline's to know.
 */
static void
attach_signals(void)
{
	struct sigaction	sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		err(1, "pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = attach_sig;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGWINCH, &sa, NULL);
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
}

static int
attach_tty(void)
{
	struct pollfd	 pfd[3];
	char		 prompt[NAME_LEN + 8], c;
	int		 quit = 0;

	snprintf(prompt, sizeof(prompt), "%s> ", cl->name);
	attach_signals();
	edit_history_begin();
	rl_readline_name = "ipcplay";
	rl_attempted_completion_function = attach_complete;
	rl_callback_handler_install(prompt, attach_rl_line);
	while (!cl->done) {
		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = cl->fd;
		pfd[2].fd = sig_pipe[0];
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		while (pfd[2].revents != 0 && read(sig_pipe[0], &c, 1) == 1) {
			if (c == SIGWINCH)
				rl_resize_terminal();
			else if (c == SIGINT) {
				rl_replace_line("", 0);
				rl_crlf();
				rl_on_new_line();
				rl_redisplay();
			} else
				quit = c;
		}
		if (quit != 0)
			break;
		if (pfd[1].revents != 0 && !server_read())
			break;
		if (!cl->done && (pfd[0].revents & (POLLIN | POLLHUP)))
			rl_callback_read_char();
	}
	rl_callback_handler_remove();
	edit_history_end();
	return (quit);
}

/*
 * Commands from a file or a pipe: each answered before the next goes.
 * Standard input is read by hand (not stdio) so that one poll waits for
 * it and the server together: a bye reaches us even while we wait for
 * the next line.
 */
static void
attach_stream(void)
{
	struct pollfd	 pfd[2];
	struct sb	 in;
	char		 buf[4096], *nl, *line, *p;
	ssize_t		 n;
	size_t		 len, take;
	uint64_t	 last = 0, now;
	bool		 eof = false;

	sb_init(&in);
	while (!cl->done) {
		/* The next whole line, when the last one has its answer. */
		while (cl->nasked == 0 && in.len > 0 &&
		    ((nl = memchr(in.s, '\n', in.len)) != NULL || eof)) {
			len = nl != NULL ? (size_t)(nl - in.s) : in.len;
			take = nl != NULL ? len + 1 : len;
			line = xmemdup(in.s, len + 1);
			line[len] = '\0';
			sb_cut(&in, take);
			cl->lineno++;
			for (p = line; *p == ' ' || *p == '\t'; p++)
				continue;
			if (*p == '\0' || *p == '#') {
				free(line);
				continue;
			}
			if (strcmp(p, "quit") == 0) {
				free(line);
				cl->done = true;
				break;
			}
			if (!text_line_ok(line, len)) {
				fprintf(stderr, "ipcplay: stdin:%d: not sent: "
				    "bytes that are not UTF-8 text, or control "
				    "characters\n", cl->lineno);
				cl->failed = true;
				free(line);
				continue;
			}
			now = now_ms();
			if (now - last < PACE_MS)
				(void)poll(NULL, 0, (int)(PACE_MS - (now - last)));
			last = now_ms();
			send_line(line, 'c');
			free(line);
		}
		if (cl->done || (eof && cl->nasked == 0))
			break;
		pfd[0].fd = eof || cl->nasked > 0 ? -1 : STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = cl->fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0 && !server_read())
			break;
		if (pfd[0].revents != 0) {
			if ((n = read(STDIN_FILENO, buf, sizeof(buf))) <= 0)
				eof = true;
			else
				for (p = buf; p < buf + n; p++)
					sb_putc(&in, *p);
		}
	}
	sb_free(&in);
}

int
attach_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "code", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct client	 c;
	struct pollfd	 pfd;
	const char	*as = NULL, *code = getenv("IPCPLAY_CODE");
	char		*cause, *l, *join;
	int		 ch, quit = 0;
	bool		 waited = false;

	optind = 0;	/* a new scan of a new vector (glibc) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			as = optarg;
			break;
		case 'c':
			code = optarg;
			break;
		default:
			opt_error("attach", longopts, argv[optind - 1]);
			attach_usage();
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || as == NULL) {
		warnx("attach: %s", argc == 0 ? "an ADDRESS is needed" :
		    argc > 1 ? "one ADDRESS only" : "--as NAME is needed");
		attach_usage();
		return (2);
	}
	if (!name_valid(as)) {
		warnx("attach: bad name '%s': a letter, then up to 15 letters, "
		    "digits, _ or -", as);
		return (2);
	}
	if (code != NULL && (*code == '\0' || strpbrk(code, " \t\r\n") !=
	    NULL)) {
		warnx("attach: --code: 32 hex digits expected");
		return (2);
	}
	/* The code is a secret: not in ps(1) for the rest of the session. */
	setproctitle("-ipcplay attach %s --as %s", argv[0], as);
	memset(&c, 0, sizeof(c));
	cl = &c;
	strlcpy(c.name, as, sizeof(c.name));
	c.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	(void)signal(SIGPIPE, SIG_IGN);
	if ((c.fd = attach_connect(argv[0], &cause)) == -1) {
		warnx("attach: %s", cause);
		free(cause);
		return (1);
	}
	l = attach_answer(&waited);
	if (l == NULL || strncmp(l, "ipcplay classroom ", 18) != 0) {
		warnx("attach: %s: %s", argv[0], l == NULL ? "no answer" :
		    strncmp(l, "bye ", 4) == 0 ? l + 4 :
		    "not an ipcplay classroom");
		quit = 1;
	} else {
		free(l);
		xasprintf(&join, "join %s %s", as, code != NULL ? code : "-");
		send_line(join, '\0');	/* answered before the session */
		free(join);
		l = attach_answer(&waited);
		if (l == NULL || strncmp(l, "ok ", 3) != 0) {
			warnx("attach: %s", l == NULL ? "no answer to join" :
			    strncmp(l, "bye ", 4) == 0 ? l + 4 : l);
			quit = 1;
		}
	}
	free(l);
	if (quit == 0) {
		server_lines();	/* what came with the answer */
		if (c.tty) {
			printf("ipcplay attach: you are %s in the classroom at "
			    "%s.  Type 'help', Tab to complete, Ctrl-D to "
			    "leave.\n", as, argv[0]);
			send_line("names", 'n');
			quit = attach_tty();
		} else
			attach_stream();
		/* We are done: what the server still says is printed. */
		(void)shutdown(c.fd, SHUT_WR);
		pfd.fd = c.fd;
		pfd.events = POLLIN;
		while (!c.bye && poll(&pfd, 1, 2000) > 0 && server_recv())
			server_lines();
	}
	close(c.fd);
	free(c.buf);
	strv_free(c.names, c.nnames);
	strv_free(c.fresh, c.nfresh);
	if (quit > 1) {
		(void)signal(quit, SIG_DFL);
		(void)raise(quit);
	}
	return (quit != 0 || c.bye || c.failed ? 1 : 0);
}
