/*
 * ipcplay compare FILE --as KIND,KIND... [--json]: one script run once per
 * buffering kind, every modeled channel made with that kind, shown side
 * by side and summed up in one table.
 *
 * Each run is a child of its own (a playground of its own, processes of
 * its own, ended before the next begins) whose every line is sent back
 * tagged with the script line that was running: that is how the columns
 * are aligned by command.  Its summary is counted from the engine's
 * events by an observer of its own, and sent last.
 */

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "sb.h"

#define KINDS_MAX	8

struct kind {
	char		*name;		/* as written */
	enum buffering	 buf;
	size_t		 cap;
	/* What its run said: a line each, tagged with the script line. */
	int		*at;
	char		**text;
	size_t		 n;
	/* Its summary. */
	unsigned long long blocked, copies;
	size_t		 peak;
	bool		 deadlock, ran;
	int		 exit;
};

struct tally {
	unsigned long long blocked;
	size_t		 peak;
	bool		 deadlock;
	char		**kernel;	/* the kernel channels' names */
	size_t		 nkernel;
};

static int
kind_parse(const char *s, struct kind *k, char **why)
{
	const char	*errstr;
	long long	 v;

	if (strcmp(s, "unbounded") == 0)
		k->buf = BUF_UNBOUNDED;
	else if (strcmp(s, "register") == 0)
		k->buf = BUF_REGISTER;
	else if (strcmp(s, "rendezvous") == 0)
		k->buf = BUF_RENDEZVOUS;
	else if (strncmp(s, "bounded:", 8) == 0) {
		v = strtonum(s + 8, 1, CHAN_CAP_MAX, &errstr);
		if (errstr != NULL) {
			xasprintf(why, "bounded:%s: the capacity is %s (1 to "
			    "%d)", s + 8, errstr, CHAN_CAP_MAX);
			return (-1);
		}
		k->buf = BUF_BOUNDED;
		k->cap = (size_t)v;
		xasprintf(&k->name, "bounded:%zu", k->cap);
		return (0);
	} else {
		xasprintf(why, "unknown kind '%s' (unbounded, bounded:N, "
		    "register, rendezvous)", s);
		return (-1);
	}
	k->name = xstrdup(s);
	return (0);
}

/* The child's lines: "LINE\tKIND\tTEXT", a line of text each. */
static void
child_hook(struct ctx *ctx, enum out_kind kind, const char *s)
{
	const char	*nl;

	do {
		nl = strchr(s, '\n');
		fprintf(ctx->out, "%d\t%c\t%.*s\n", ctx->line, kind ==
		    OUT_ERROR ? 'x' : 't', nl != NULL ? (int)(nl - s) :
		    (int)strlen(s), s);
		s = nl != NULL ? nl + 1 : s;
	} while (nl != NULL && *s != '\0');
}

static bool
is_kernel(const struct tally *t, const char *chan)
{
	size_t	i;

	for (i = 0; chan != NULL && i < t->nkernel; i++) {
		if (strcmp(t->kernel[i], chan) == 0)
			return (true);
	}
	return (false);
}

/* The summary's counts, from the run's events: modeled channels only. */
static void
child_tally(const struct event *ev, void *arg)
{
	struct tally	*t = arg;

	if (ev->type == EV_CHANNEL && ev->mechanism != MECH_MODELED &&
	    ev->chan != NULL) {
		t->kernel = xreallocarray(t->kernel, t->nkernel + 1,
		    sizeof(*t->kernel));
		t->kernel[t->nkernel++] = xstrdup(ev->chan);
		return;
	}
	if (ev->type == EV_CHANNEL || ev->type == EV_RESET)
		return;
	if (ev->type == EV_DEADLOCK)
		t->deadlock = true;
	if (is_kernel(t, ev->forward != NULL ? ev->forward : ev->chan))
		return;
	/* A delivered call that waits for its reply is not a blocked send. */
	if ((ev->type == EV_SEND || (ev->type == EV_CALL && ev->peer ==
	    NULL)) && ev->status == ST_BLOCKED)
		t->blocked++;
	if (ev->fill > t->peak)
		t->peak = ev->fill;
}

static void __attribute__((noreturn))
child(const struct engine_config *cf, const struct kind *k, const char *file,
    const struct sb *script, int fd, size_t cols)
{
	char	colbuf[24];

	struct ctx		 ctx;
	struct chan_info	 ci;
	struct tally		 t;
	unsigned long long	 copies = 0;
	size_t			 i;
	int			 status;
	FILE			*f;

	/* What the run draws (msc) fits its column. */
	(void)snprintf(colbuf, sizeof(colbuf), "%zu", cols < 20 ? 20 : cols);
	(void)setenv("COLUMNS", colbuf, 1);
	/* A parent that goes (Ctrl-C, SIGTERM) takes the run with it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(3);
	memset(&ctx, 0, sizeof(ctx));
	memset(&t, 0, sizeof(t));
	if ((ctx.out = fdopen(fd, "w")) == NULL)
		_exit(3);
	if ((f = fmemopen(script->s, script->len, "r")) == NULL)
		_exit(3);
	ctx.as_set = true;
	ctx.as_buf = k->buf;
	ctx.as_cap = k->cap;
	ctx.print_hook = child_hook;
	ctx.e = engine_new(cf);
	out_init(&ctx);
	engine_observe(ctx.e, child_tally, &t);
	(void)batch_stream(&ctx, f, file);
	fclose(f);
	status = batch_finish(&ctx);
	for (i = 0; engine_chan_info(ctx.e, i, &ci); i++) {
		copies += ci.c_copies;
		chan_info_free(&ci);
	}
	ctx.line = 0;
	ctx_end(&ctx);
	fprintf(ctx.out, "S\t%llu\t%zu\t%llu\t%d\t%d\n", t.blocked, t.peak,
	    copies, t.deadlock, status);
	strv_free(t.kernel, t.nkernel);
	fflush(ctx.out);
	_exit(ferror(ctx.out) ? 3 : status);
}

/* Read what one run said, up to its end. */
static void
take(struct kind *k, FILE *f)
{
	char	*line = NULL, *tab, *tab2;
	size_t	 cap = 0;
	ssize_t	 len;

	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == 'S' && line[1] == '\t') {
			int dl = 0;

			if (sscanf(line + 2, "%llu\t%zu\t%llu\t%d\t%d",
			    &k->blocked, &k->peak, &k->copies, &dl,
			    &k->exit) == 5) {
				k->deadlock = dl != 0;
				k->ran = true;
			}
			continue;
		}
		if ((tab = strchr(line, '\t')) == NULL ||
		    (tab2 = strchr(tab + 1, '\t')) == NULL)
			continue;
		k->at = xreallocarray(k->at, k->n + 1, sizeof(*k->at));
		k->text = xreallocarray(k->text, k->n + 1, sizeof(*k->text));
		k->at[k->n] = atoi(line);
		if (tab[1] == 'x')
			xasprintf(&k->text[k->n], "error: %s", tab2 + 1);
		else
			k->text[k->n] = xstrdup(tab2 + 1);
		k->n++;
	}
	free(line);
}

static int
run_kind(const struct engine_config *cf, struct kind *k, const char *file,
    const struct sb *script, size_t cols)
{
	FILE	*f;
	pid_t	 pid, r;
	int	 fd[2], st = 0;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fd) == -1)
		return (-1);
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return (-1);
	}
	if (pid == 0) {
		close(fd[0]);
		child(cf, k, file, script, fd[1], cols);
	}
	close(fd[1]);
	if ((f = fdopen(fd[0], "r")) != NULL) {
		take(k, f);
		fclose(f);
	} else
		close(fd[0]);
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		continue;
	if (r == -1)
		k->exit = 1;
	else if (!k->ran)
		k->exit = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return (f != NULL ? 0 : -1);
}

/* The script, read once: each run and the headings take this copy. */
static int
script_read(const char *file, struct sb *b, char ***lines, size_t *n)
{
	FILE	*f;
	char	 buf[8192], *p, *nl;
	size_t	 got;

	*lines = NULL;
	*n = 0;
	if (strcmp(file, "-") == 0)
		f = fdopen(dup(STDIN_FILENO), "r");
	else
		f = fopen(file, "r");
	if (f == NULL)
		return (-1);
	sb_init(b);
	sb_puts(b, "");
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < got; i++)
			sb_putc(b, buf[i]);
	}
	if (ferror(f)) {
		fclose(f);
		sb_free(b);
		return (-1);
	}
	fclose(f);
	for (p = b->s; *p != '\0'; p = nl + 1) {
		*lines = xreallocarray(*lines, *n + 1, sizeof(**lines));
		if ((nl = strchr(p, '\n')) == NULL) {
			(*lines)[(*n)++] = xstrdup(p);
			break;
		}
		(*lines)[(*n)++] = xmemdup(p, (size_t)(nl - p) + 1);
		(*lines)[*n - 1][nl - p] = '\0';
	}
	return (0);
}


/* The width of each kind's column. */
static size_t
col_width(size_t nk)
{
	size_t	col = (term_columns(stdout, 100) - 7) / nk;

	return (col > 3 ? col - 3 : 1);
}

static void
pad(struct sb *b, const char *s, size_t w)
{
	size_t	c = text_columns(s);

	sb_puts(b, s);
	for (; c < w; c++)
		sb_putc(b, ' ');
}

/* The rows one kind has for script line at, wrapped to w. */
static size_t
kind_rows(const struct kind *k, int at, size_t w, char ***out)
{
	char	**v = NULL, **p;
	size_t	 n = 0, i, j, np;

	for (i = 0; i < k->n; i++) {
		if (k->at[i] != at)
			continue;
		np = text_wrap(k->text[i], w, &p);
		v = xreallocarray(v, n + np, sizeof(*v));
		for (j = 0; j < np; j++)
			v[n++] = p[j];
		free(p);
	}
	*out = v;
	return (n);
}

/* "   12 -> the command", wrapped to the width. */
static void
heading(int l, const char *line, size_t w)
{
	char	**v;
	size_t	  n, i;

	n = text_wrap(line, w > 16 ? w - 8 : 8, &v);
	for (i = 0; i < n; i++) {
		if (i == 0)
			printf("%5d %s %s\n", l, glyph(G_ARROW), v[i]);
		else
			printf("%8s%s\n", "", v[i]);
	}
	strv_free(v, n);
}

static void
side_by_side(struct kind *k, size_t nk, char **lines, size_t nlines)
{
	const char	*bar = glyph_utf8() ? "\xe2\x94\x82" : "|";
	struct sb	 b;
	char		**rows[KINDS_MAX];
	size_t		 nrows[KINDS_MAX], w, col, i, r, most, j;
	int		 at, last = 0;

	for (i = 0; i < nk; i++) {
		for (j = 0; j < k[i].n; j++)
			last = k[i].at[j] > last ? k[i].at[j] : last;
	}
	w = term_columns(stdout, 100);
	col = col_width(nk);
	sb_init(&b);
	sb_printf(&b, "%6s", "");
	for (i = 0; i < nk; i++) {
		sb_printf(&b, "%s ", bar);
		pad(&b, k[i].name, col + 1);
	}
	printf("%s\n", b.s);
	sb_free(&b);
	/* Line 0: what was said when the playground ended. */
	for (at = 1; at <= last + 1; at++) {
		int	 l = at <= last ? at : 0;

		most = 0;
		for (i = 0; i < nk; i++) {
			nrows[i] = kind_rows(&k[i], l, col, &rows[i]);
			most = nrows[i] > most ? nrows[i] : most;
		}
		if (l > 0 && (size_t)l <= nlines && (most > 0 ||
		    (lines[l - 1][strspn(lines[l - 1], " \t")] != '\0' &&
		    lines[l - 1][strspn(lines[l - 1], " \t")] != '#')))
			heading(l, lines[l - 1], w);
		else if (l == 0 && most > 0)
			printf("%5s %s (the end)\n", "", glyph(G_ARROW));
		for (r = 0; r < most; r++) {
			sb_init(&b);
			sb_printf(&b, "%6s", "");
			for (i = 0; i < nk; i++) {
				sb_printf(&b, "%s ", bar);
				pad(&b, r < nrows[i] ? rows[i][r] : "",
				    i + 1 < nk ? col + 1 : 0);
			}
			printf("%s\n", b.s);
			sb_free(&b);
		}
		for (i = 0; i < nk; i++)
			strv_free(rows[i], nrows[i]);
	}
}

static void
summary(struct kind *k, size_t nk)
{
	size_t	i;

	printf("\n%-14s %13s %10s %8s  %-8s %4s\n", "KIND", "BLOCKED SENDS",
	    "PEAK FILL", "COPIES", "DEADLOCK", "EXIT");
	for (i = 0; i < nk; i++)
		printf("%-14s %13llu %10zu %8llu  %-8s %4d\n", k[i].name,
		    k[i].blocked, k[i].peak, k[i].copies, k[i].deadlock ?
		    "yes" : "no", k[i].exit);
}

static void
kinds_free(struct kind *k, size_t nk)
{
	size_t	i;

	for (i = 0; i < nk; i++) {
		free(k[i].name);
		free(k[i].at);
		strv_free(k[i].text, k[i].n);
	}
}

static int
usage_error(const char *fmt, const char *arg)
{
	warnx(fmt, arg);
	fprintf(stderr, "usage: ipcplay compare FILE --as KIND,KIND... "
	    "[--json]\n       KIND: unbounded, bounded:N, register, "
	    "rendezvous\n");
	return (2);
}

int
compare_main(struct ctx *ctx, const struct engine_config *cf, int argc,
    char **argv)
{
	struct kind	 k[KINDS_MAX];
	struct stat	 st;
	const char	*file = NULL, *as = NULL;
	char		*list, *p, *word, *why, **lines;
	struct sb	 script;
	size_t		 nk = 0, nlines, i;
	int		 a, status = 0;
	bool		 json = ctx->json;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (strcmp(argv[a], "--as") == 0) {
			if (++a >= argc)
				return (usage_error("compare: --as needs "
				    "kinds: %s", "unbounded,rendezvous"));
			as = argv[a];
		} else if (strncmp(argv[a], "--as=", 5) == 0)
			as = argv[a] + 5;
		else if (argv[a][0] == '-' && argv[a][1] != '\0')
			return (usage_error("compare: unknown option %s",
			    argv[a]));
		else if (file != NULL)
			return (usage_error("compare: one script at a time: "
			    "%s", argv[a]));
		else
			file = argv[a];
	}
	if (file == NULL)
		return (usage_error("compare: which script?%s", ""));
	if (as == NULL)
		return (usage_error("compare: --as KIND,... is needed%s", ""));
	if (strcmp(file, "-") != 0 && (stat(file, &st) == -1 ||
	    access(file, R_OK) == -1)) {
		warn("compare: %s", file);
		return (2);
	}
	if (strcmp(file, "-") != 0 && S_ISDIR(st.st_mode))
		return (usage_error("compare: %s: is a directory", file));
	memset(k, 0, sizeof(k));
	list = xstrdup(as);
	for (p = list; (word = strsep(&p, ",")) != NULL; ) {
		if (*word == '\0')
			continue;
		if (nk == KINDS_MAX) {
			free(list);
			kinds_free(k, nk);
			return (usage_error("compare: at most 8 kinds%s", ""));
		}
		if (kind_parse(word, &k[nk], &why) == -1) {
			free(list);
			kinds_free(k, nk);
			warnx("compare: %s", why);
			free(why);
			return (usage_error("%s", "compare: nothing was run"));
		}
		nk++;
	}
	free(list);
	if (nk == 0)
		return (usage_error("compare: --as names no kind%s", ""));
	if (script_read(file, &script, &lines, &nlines) == -1) {
		warn("compare: %s", file);
		kinds_free(k, nk);
		return (2);
	}
	for (i = 0; i < nk; i++) {
		if (run_kind(cf, &k[i], file, &script, col_width(nk)) == -1) {
			warn("compare: %s", k[i].name);
			k[i].exit = 1;
		}
		if (k[i].exit != 0)
			status = 1;
	}
	if (json) {
		for (i = 0; i < nk; i++)
			printf("{\"type\":\"compare\",\"kind\":\"%s\","
			    "\"blocked_sends\":%llu,\"peak_fill\":%zu,"
			    "\"copies\":%llu,\"deadlock\":%s,\"exit\":%d}\n",
			    k[i].name, k[i].blocked, k[i].peak, k[i].copies,
			    k[i].deadlock ? "true" : "false", k[i].exit);
	} else {
		printf("%s under %zu kind%s of buffering\n\n", file, nk,
		    nk == 1 ? "" : "s");
		side_by_side(k, nk, lines, nlines);
		summary(k, nk);
	}
	strv_free(lines, nlines);
	sb_free(&script);
	kinds_free(k, nk);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return (1);
	}
	return (status);
}
