/*
 * ipcplay serve: the teacher's playground, open to students' terminals.
 *
 * One listening socket (Unix, 0600 or the group's 0660, or TCP, where
 * the 128-bit join code is required) joins the front end's one poll
 * loop; the connections are seat-io.c's, the students' commands seat.c's.
 * The teacher has the dashboard on a terminal, else types on standard
 * input (end of input ends the class); however the class ends, the
 * students are told and the socket file goes.  The protocol is in
 * ipcplay(1), CLASSROOM.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
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
	    sizeof(pbuf), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		/* Every address: students need this machine's name. */
		if ((strcmp(hbuf, "::") == 0 || strcmp(hbuf, "0.0.0.0") == 0) &&
		    gethostname(hbuf, sizeof(hbuf)) == 0)
			hbuf[sizeof(hbuf) - 1] = '\0';
		xasprintf(&s->address, strchr(hbuf, ':') != NULL ?
		    "[%s]:%s" : "%s:%s", hbuf, pbuf);
	}
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
	size_t		 off, len;
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
			/* Its length, not strlen: a NUL byte is an error. */
			len = line.len;
			nl = sb_take(&line);
			sb_init(&line);
			ctx->line++;
			if (run_line_len(ctx, nl != NULL ? nl : "", len) == -1)
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
	char		*cause = NULL, *def = NULL, cwd[PATH_MAX];
	struct stat	 sb;
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
		if (access(argv[i], R_OK) == -1 || stat(argv[i], &sb) == -1) {
			warn("%s", argv[i]);
			return (2);
		}
		if (S_ISDIR(sb.st_mode)) {
			warnx("%s: %s", argv[i], strerror(EISDIR));
			return (2);
		}
	}
	s = xcalloc(1, sizeof(*s));
	s->lfd = -1;
	TAILQ_INIT(&s->seats);
	seat_hooks(s);
	/* A log is appended to: the class of last week stays in it. */
	if (logf != NULL && (s->log = fopen(logf, "ae")) == NULL) {
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
		else if (sock[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
			/* The address students are given works anywhere. */
			xasprintf(&def, "%s/%s", cwd, sock);
			sock = def;
		}
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
	if (ctx->fail_pending) {	/* the scripts' last command failed */
		ctx->fail_pending = false;
		cmd_failure(ctx, CMD_FAIL);
	}
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
