/*
 * The lesson player: "ipcplay lesson" lists the course, "ipcplay lesson
 * NAME" plays one lesson step by step.
 *
 * A lesson file is read whole and each line classified once (a pause, a
 * predict, the exercise, the check mark, or anything else).  The steps
 * run through the same run_line() as batch mode, so a lesson behaves
 * exactly as it does under "ipcplay FILE"; only the stop points differ.
 * A step is the lines up to the next pause.  At a pause the player waits
 * for Enter (any other input runs as a command, so the student can look
 * around with ps or chan); at a predict it asks for a guess and reveals
 * the answer at the end of the step.  At the exercise it shows the task,
 * skips the reference solution and hands over a "lesson>" prompt where
 * "check" runs the expect lines after the check mark.
 *
 * Input is read from an unbuffered stdin after a poll() that also serves
 * the engine, so a timeout firing while the player waits is printed at
 * once, and piping newlines into a non-terminal stdin drives the player
 * (tests do that).  When stdin is not a terminal each line read is
 * echoed after its prompt, so the transcript reads as a session.
 *
 * The lessons directory: $IPCPLAY_LESSONS_DIR if set, else "lessons"
 * beside the binary, else ../share/ipcplay/lessons from the binary's
 * directory (an installed copy, whatever PREFIX was), else the
 * IPCPLAY_LESSONS the binary was built with.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "board.h"
#include "lesson.h"
#include "sb.h"

#ifndef IPCPLAY_LESSONS
#define IPCPLAY_LESSONS "/usr/local/share/ipcplay/lessons"
#endif

enum lline_kind {
	LL_BLANK,	/* empty or a comment */
	LL_CMD,
	LL_SAY,
	LL_PAUSE,
	LL_PREDICT,
	LL_EXERCISE,
	LL_CHECK
};

struct lline {
	char		*text;
	int		 lineno;
	enum lline_kind	 kind;
};

struct lesson {
	char		*path;
	char		*name;		/* "06-deadlock" */
	char		*summary;
	struct lline	*lines;
	size_t		 nlines;
	size_t		 ex;		/* the exercise line, or nlines */
	size_t		 chk;		/* the check mark, or nlines */
};

struct lesson_entry {
	char	*file;			/* "06-deadlock.ipc" */
	int	 num;
};

static struct lesson	*playing;	/* at the exercise prompt */
static bool		 active;	/* a lesson is being played */
static bool		 input_tty;
static bool		 on_board;	/* playing on the dashboard */
static const char	*cur_prompt;

static void	 lesson_free(struct lesson *);

void
lesson_say(struct ctx *ctx, const char *prefix, struct word *w, size_t from,
    size_t n)
{
	struct event	ev;
	struct sb	b;
	size_t		i;

	sb_init(&b);
	sb_puts(&b, prefix);
	for (i = from; i < n; i++) {
		if (i > from)
			sb_putc(&b, ' ');
		sb_puts(&b, w[i].s);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SAY;
	ev.text = b.s;
	engine_emit(ctx->e, &ev);
	sb_free(&b);
}

static void
say_text(struct ctx *ctx, const char *text)
{
	struct event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SAY;
	ev.text = text;
	engine_emit(ctx->e, &ev);
}

bool
lesson_playing(void)
{
	return (playing != NULL);
}

/*
 * Where the player's own text goes (prompts, remarks): with the events,
 * except under --json, where stdout holds nothing but JSON lines.
 */
static FILE *
chrome(struct ctx *ctx)
{
	return (ctx->json ? stderr : ctx->out);
}

static void
put(struct ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	(void)xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (ctx->json || ctx->print_hook == NULL) {
		out_wrap(s, chrome(ctx));
		fputs(s, chrome(ctx));
		fflush(chrome(ctx));
	} else
		out_printf(ctx, "%s", s);
	free(s);
}

/* Events arriving while the player waits for input: clear the prompt. */
static void
wait_begin(struct ctx *ctx)
{
	fflush(ctx->out);
	if (input_tty)
		fputs("\r\033[K", chrome(ctx));
	else
		fputc('\n', chrome(ctx));
	fflush(chrome(ctx));
}

static void
wait_end(struct ctx *ctx)
{
	fflush(ctx->out);
	if (cur_prompt != NULL)
		fputs(cur_prompt, chrome(ctx));
	fflush(chrome(ctx));
}

/*
 * Print prompt and read one line from stdin, serving the engine while
 * waiting.  Returns NULL at end of input.
 */
static char *
read_input(struct ctx *ctx, const char *prompt)
{
	struct ui_wait	 w = { NULL, 0 };
	int		 fd = STDIN_FILENO;
	short		 ready = 0;
	char		*got;
	char		*line = NULL;
	size_t		 lcap = 0;
	ssize_t		 len;

	/* On the dashboard, the board's input line asks. */
	if (on_board) {
		if ((got = board_read_line(ctx, prompt)) != NULL)
			put(ctx, "%s%s\n", prompt, got);
		return (got);
	}
	put(ctx, "%s", prompt);
	cur_prompt = prompt;
	ctx->async_begin = wait_begin;
	ctx->async_end = wait_end;
	for (;;) {
		if (ui_wait(ctx, &w, &fd, &ready, 1, -1) == -1 || ready != 0)
			break;
	}
	ui_wait_free(&w);
	ctx->async_begin = NULL;
	ctx->async_end = NULL;
	cur_prompt = NULL;
	if (ui_quit_signal() != 0)
		return (NULL);
	if ((len = getline(&line, &lcap, stdin)) == -1) {
		free(line);
		if (!input_tty)
			put(ctx, "\n");
		return (NULL);
	}
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!input_tty)
		put(ctx, "%s\n", line);
	return (line);
}

/* The line without leading and trailing blanks, in place. */
static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

static bool
is_quit(const char *s)
{
	return (strcmp(s, "q") == 0 || strcmp(s, "quit") == 0 ||
	    strcmp(s, "exit") == 0);
}

/* Run a line the student typed; a failure does not follow them around. */
static int
run_student(struct ctx *ctx, const char *line)
{
	int	r;

	ctx->line++;
	r = run_line(ctx, line);
	ctx->fail_pending = false;
	if (ui_interrupt_done(ctx))
		put(ctx, "interrupted\n");
	return (r);
}

/* Where the lessons are. */
static char *
lessons_dir(void)
{
	struct stat	 sb;
	const char	*s;
	char		 exe[PATH_MAX], *slash, *dir;
	ssize_t		 len;

	if ((s = getenv("IPCPLAY_LESSONS_DIR")) != NULL && *s != '\0')
		return (xstrdup(s));
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&dir, "%s/lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
			/* A build tree's binary: build/ipcplay. */
			xasprintf(&dir, "%s/../lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
			/* Installed: PREFIX/bin/ipcplay, PREFIX/share/... */
			xasprintf(&dir, "%s/../share/ipcplay/lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
		}
	}
	return (xstrdup(IPCPLAY_LESSONS));
}

/* "06-deadlock.ipc": a number, a dash, a name, ".ipc". */
static int
lesson_filter(const struct dirent *d)
{
	const char	*s = d->d_name;
	size_t		 len = strlen(s);

	if (!isdigit((unsigned char)s[0]) || len < 7 ||
	    strcmp(s + len - 4, ".ipc") != 0)
		return (0);
	while (isdigit((unsigned char)*s))
		s++;
	return (*s == '-');
}

static int
lesson_cmp(const struct dirent **a, const struct dirent **b)
{
	int	na = atoi((*a)->d_name), nb = atoi((*b)->d_name);

	if (na != nb)
		return (na < nb ? -1 : 1);
	return (strcmp((*a)->d_name, (*b)->d_name));
}

/* The lessons in dir, in order; -1 if the directory cannot be read. */
static int
lesson_scan(const char *dir, struct lesson_entry **out, size_t *nout)
{
	struct dirent	**ents;
	int		  n, i;

	*out = NULL;
	*nout = 0;
	if ((n = scandir(dir, &ents, lesson_filter, lesson_cmp)) == -1)
		return (-1);
	*out = xcalloc(n > 0 ? (size_t)n : 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		(*out)[i].file = xstrdup(ents[i]->d_name);
		(*out)[i].num = atoi(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	*nout = (size_t)n;
	return (0);
}

static void
entries_free(struct lesson_entry *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].file);
	free(v);
}

/* "06-deadlock.ipc" -> "deadlock" (a pointer into the name). */
static const char *
topic_of(const char *file)
{
	const char	*s = strchr(file, '-');

	return (s != NULL ? s + 1 : file);
}

static enum lline_kind
classify(const char *text)
{
	struct words	*cmds;
	size_t		 ncmds;
	char		*err, *w;
	int		 col;
	enum lline_kind	 k = LL_CMD;

	if (lex_line(text, &cmds, &ncmds, &err, &col) == -1) {
		free(err);
		return (LL_CMD);	/* run_line reports it */
	}
	if (ncmds == 0)
		k = LL_BLANK;
	else if (ncmds == 1 && !cmds[0].v[0].quoted) {
		w = cmds[0].v[0].s;
		if (strcmp(w, "pause") == 0)
			k = LL_PAUSE;
		else if (strcmp(w, "predict") == 0 && cmds[0].n == 3)
			k = LL_PREDICT;
		else if (strcmp(w, "exercise") == 0)
			k = LL_EXERCISE;
		else if (strcmp(w, "check") == 0 && cmds[0].n == 1)
			k = LL_CHECK;
		else if (strcmp(w, "say") == 0)
			k = LL_SAY;
	}
	words_free(cmds, ncmds);
	return (k);
}

/* "# summary: ..." anywhere in the leading comment block. */
static char *
summary_of(const char *text)
{
	const char	*s = text;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '#')
		return (NULL);
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "summary:", 8) != 0)
		return (NULL);
	s += 8;
	while (*s == ' ' || *s == '\t')
		s++;
	return (xstrdup(s));
}

static struct lesson *
lesson_load(const char *path, char **cause)
{
	struct lesson	*l;
	FILE		*f;
	char		*line = NULL, *base, *dot;
	size_t		 cap = 0;
	ssize_t		 len;
	int		 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	/* A directory opens, then fails to read: say so before playing. */
	if (getc(f) == EOF && ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		fclose(f);
		return (NULL);
	}
	rewind(f);
	l = xcalloc(1, sizeof(*l));
	l->path = xstrdup(path);
	base = strrchr(path, '/');
	l->name = xstrdup(base != NULL ? base + 1 : path);
	if ((dot = strrchr(l->name, '.')) != NULL && strcmp(dot, ".ipc") == 0)
		*dot = '\0';
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		l->lines = xreallocarray(l->lines, l->nlines + 1,
		    sizeof(*l->lines));
		l->lines[l->nlines].text = xstrdup(line);
		l->lines[l->nlines].lineno = lineno;
		l->lines[l->nlines].kind = classify(line);
		if (l->summary == NULL)
			l->summary = summary_of(line);
		l->nlines++;
	}
	free(line);
	fclose(f);
	l->ex = l->chk = l->nlines;
	for (size_t i = 0; i < l->nlines; i++) {
		if (l->lines[i].kind == LL_EXERCISE && l->ex == l->nlines)
			l->ex = i;
		if (l->lines[i].kind == LL_CHECK && i > l->ex &&
		    l->chk == l->nlines)
			l->chk = i;
	}
	if (l->summary == NULL)
		l->summary = xstrdup("");
	return (l);
}

static void
lesson_free(struct lesson *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nlines; i++)
		free(l->lines[i].text);
	free(l->lines);
	free(l->path);
	free(l->name);
	free(l->summary);
	free(l);
}

/* One lesson of the list under --json: {"type":"lesson", ...}. */
static void
lesson_json(struct ctx *ctx, int num, const char *path)
{
	struct lesson	*l;
	char		*cause, *name, *summary, *p;

	if ((l = lesson_load(path, &cause)) == NULL) {
		free(cause);
		return;
	}
	name = json_str((const unsigned char *)topic_of(l->name),
	    strlen(topic_of(l->name)));
	summary = json_str((const unsigned char *)l->summary,
	    strlen(l->summary));
	p = json_str((const unsigned char *)path, strlen(path));
	out_raw(ctx, "{\"type\":\"lesson\",\"num\":%d,\"name\":%s,"
	    "\"summary\":%s,\"path\":%s}\n", num, name, summary, p);
	free(name);
	free(summary);
	free(p);
	lesson_free(l);
}

static int
lesson_list(struct ctx *ctx, const char *dir)
{
	struct lesson_entry	*v;
	struct lesson		*l;
	size_t			 n, i;
	int			 w;
	char			*path, *cause;

	if (lesson_scan(dir, &v, &n) == -1 || n == 0) {
		warnx("no lessons in %s (set IPCPLAY_LESSONS_DIR)", dir);
		if (v != NULL)
			entries_free(v, n);
		return (2);
	}
	/* The topic column fits the longest topic ("deadlock.ipc" - 4). */
	for (i = 0, w = 0; i < n; i++) {
		if ((int)strlen(topic_of(v[i].file)) - 4 > w)
			w = (int)strlen(topic_of(v[i].file)) - 4;
	}
	if (!ctx->json)
		out_printf(ctx, "The lessons (ipcplay lesson NAME plays one, "
		    "step by step):\n");
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, v[i].file);
		if (ctx->json) {
			lesson_json(ctx, v[i].num, path);
			free(path);
			continue;
		}
		if ((l = lesson_load(path, &cause)) == NULL) {
			out_printf(ctx, "  %02d  %-*.*s  (%s)\n", v[i].num, w,
			    w, topic_of(v[i].file), cause);
			free(cause);
		} else {
			out_printf(ctx, "  %02d  %-*s  %s\n", v[i].num, w,
			    topic_of(l->name), l->summary);
			lesson_free(l);
		}
		free(path);
	}
	if (!ctx->json)
		out_printf(ctx, "Run one in batch mode: ipcplay "
		    "%s/NN-topic.ipc\n", dir);
	entries_free(v, n);
	return (0);
}

/*
 * Find a lesson by number ("6", "06"), by topic ("deadlock", or a unique
 * prefix of one), by file name, or by path.  Returns its path or NULL
 * with *cause set.
 */
static char *
lesson_find(const char *dir, const char *name, char **cause)
{
	struct lesson_entry	*v;
	struct stat		 sb;
	size_t			 n, i, len, nfound = 0;
	const char		*errstr, *t;
	char			*path = NULL, *found = NULL, *cands = NULL, *s;
	long long		 num = -1;

	if (strchr(name, '/') != NULL && stat(name, &sb) == 0)
		return (xstrdup(name));
	if (lesson_scan(dir, &v, &n) == -1) {
		xasprintf(cause, "no lessons in %s (set IPCPLAY_LESSONS_DIR)",
		    dir);
		return (NULL);
	}
	if (isdigit((unsigned char)name[0])) {
		num = strtonum(name, 0, 999, &errstr);
		if (errstr != NULL)
			num = -1;
	}
	len = strlen(name);
	for (i = 0; i < n && path == NULL; i++) {
		t = topic_of(v[i].file);
		if (v[i].num == num || strcmp(v[i].file, name) == 0 ||
		    (strncmp(t, name, len) == 0 && t[len] == '.') ||
		    (strncmp(v[i].file, name, len) == 0 &&
		    strcmp(v[i].file + len, ".ipc") == 0))
			xasprintf(&path, "%s/%s", dir, v[i].file);
	}
	for (i = 0; i < n && path == NULL; i++) {
		if (num != -1 || strncmp(topic_of(v[i].file), name, len) != 0)
			continue;
		nfound++;
		free(found);
		found = xstrdup(v[i].file);
		t = topic_of(v[i].file);
		xasprintf(&s, "%s%s%.*s", cands != NULL ? cands : "",
		    cands != NULL ? ", " : "", (int)strlen(t) - 4, t);
		free(cands);
		cands = s;
	}
	if (path == NULL && nfound == 1)
		xasprintf(&path, "%s/%s", dir, found);
	else if (path == NULL && nfound > 1)
		xasprintf(cause, "lesson '%s' is ambiguous: %s", name, cands);
	else if (path == NULL)
		xasprintf(cause, "no lesson '%s' (ipcplay lesson lists them)",
		    name);
	free(found);
	free(cands);
	entries_free(v, n);
	return (path);
}

/* Lex a predict line into its question and answer. */
static void
predict_parts(const char *text, char **q, char **a)
{
	struct words	*cmds;
	size_t		 ncmds;
	char		*err;
	int		 col;

	*q = *a = NULL;
	if (lex_line(text, &cmds, &ncmds, &err, &col) == -1) {
		free(err);
		return;
	}
	if (ncmds == 1 && cmds[0].n == 3) {
		*q = xstrdup(cmds[0].v[1].s);
		*a = xstrdup(cmds[0].v[2].s);
	}
	words_free(cmds, ncmds);
}

/* Run one line of the lesson file itself. */
static int
run_lesson_line(struct ctx *ctx, struct lesson *l, size_t i)
{
	int	r;

	ctx->file = l->path;
	ctx->line = l->lines[i].lineno;
	r = run_line(ctx, l->lines[i].text);
	/* Ctrl-C ended the step's line, not the lesson. */
	if (ui_interrupt_done(ctx))
		put(ctx, "interrupted\n");
	return (r);
}

static void
reveal(struct ctx *ctx, char **answer)
{
	char	*s;

	if (*answer == NULL)
		return;
	xasprintf(&s, "answer: %s", *answer);
	say_text(ctx, s);
	free(s);
	free(*answer);
	*answer = NULL;
}

/*
 * Output during the checks: events and text as usual.  A failed expect
 * already printed what it found, so its error line is not repeated; any
 * other error (a check naming a channel the student has not made yet)
 * is shown as "not yet".
 */
static bool	check_reported;
static void	(*check_next)(struct ctx *, enum out_kind, const char *);

static void
check_hook(struct ctx *ctx, enum out_kind kind, const char *s)
{
	char	*t;

	if (kind == OUT_ERROR) {
		if (!check_reported) {
			xasprintf(&t, "not yet: %s%s", s, check_next != NULL ?
			    "" : "\n");
			if (check_next != NULL)
				check_next(ctx, OUT_TEXT, t);
			else
				fputs(t, chrome(ctx));
			free(t);
		}
		check_reported = true;
		return;
	}
	if (kind == OUT_EVENT && strstr(s, " ... FAILED: ") != NULL)
		check_reported = true;
	/* On the dashboard its own printer shows the rest. */
	if (check_next != NULL) {
		check_next(ctx, kind, s);
		return;
	}
	fputs(s, ctx->out);
	if (kind == OUT_EVENT)
		fputc('\n', ctx->out);
}

bool
lesson_check(struct ctx *ctx)
{
	struct lesson	*l = playing;
	const char	*file;
	void		(*hook)(struct ctx *, enum out_kind, const char *);
	size_t		 i, nheld = 0, nchecks = 0;
	int		 status, line;
	char		*s;

	if (l == NULL)
		return (false);
	file = ctx->file;
	line = ctx->line;
	status = ctx->status;
	hook = ctx->print_hook;
	/* Each failed check is said once, wherever the output goes. */
	check_next = hook;
	ctx->print_hook = check_hook;
	ctx->checking = true;
	say_text(ctx, "Checking your attempt:");
	for (i = l->chk + 1; i < l->nlines; i++) {
		if (l->lines[i].kind == LL_BLANK)
			continue;
		ctx->status = 0;
		ctx->fail_pending = false;
		check_reported = false;
		(void)run_lesson_line(ctx, l, i);
		nchecks++;
		if (ctx->status == 0 && !ctx->fail_pending)
			nheld++;
	}
	ctx->print_hook = hook;
	check_next = NULL;
	ctx->checking = false;
	ctx->fail_pending = false;
	ctx->status = status;
	ctx->file = file;
	ctx->line = line;
	if (nheld == nchecks)
		xasprintf(&s, "All %zu checks hold.  Well done!", nchecks);
	else
		xasprintf(&s, "%zu of %zu checks hold; keep going ('solution' "
		    "shows one way).", nheld, nchecks);
	say_text(ctx, s);
	free(s);
	fflush(ctx->out);
	return (nheld == nchecks);
}

/* The steps: every line before the exercise.  False if the student quit. */
static bool
play_steps(struct ctx *ctx, struct lesson *l)
{
	size_t	 i, step = 1, nsteps = 0;
	char	*in, *s, *q, *answer = NULL, *prompt, *guess;
	bool	 go_on = true, content;

	/* A step is a pause's lines; an empty last one is no step. */
	for (i = 0, content = false; i < l->ex; i++) {
		if (l->lines[i].kind == LL_PAUSE) {
			nsteps++;
			content = false;
		} else if (l->lines[i].kind != LL_BLANK)
			content = true;
	}
	if (content)
		nsteps++;
	for (i = 0; i < l->ex && go_on; i++) {
		switch (l->lines[i].kind) {
		case LL_BLANK:
			break;
		case LL_PAUSE:
			reveal(ctx, &answer);
			xasprintf(&prompt, "-- step %zu of %zu done: Enter for "
			    "the next, q to quit -- ", step, nsteps);
			for (;;) {
				if ((in = read_input(ctx, prompt)) == NULL) {
					go_on = false;
					break;
				}
				s = trim(in);
				if (*s == '\0') {
					free(in);
					break;
				}
				if (is_quit(s) || run_student(ctx, s) == -1) {
					free(in);
					go_on = false;
					break;
				}
				free(in);
			}
			free(prompt);
			step++;
			break;
		case LL_PREDICT:
			reveal(ctx, &answer);
			predict_parts(l->lines[i].text, &q, &answer);
			if (q == NULL) {
				(void)run_lesson_line(ctx, l, i);
				break;
			}
			xasprintf(&s, "predict: %s", q);
			say_text(ctx, s);
			free(s);
			free(q);
			if ((guess = read_input(ctx, "your guess> ")) == NULL)
				go_on = false;
			free(guess);
			break;
		case LL_CMD:
			/*
			 * The student sees what runs, then what it does (an
			 * expect says itself what it checks).
			 */
			if (strncmp(l->lines[i].text, "expect ", 7) != 0)
				put(ctx, "ipcplay> %s\n", l->lines[i].text);
			if (run_lesson_line(ctx, l, i) == -1)
				go_on = false;
			break;
		default:
			if (run_lesson_line(ctx, l, i) == -1)
				go_on = false;
			break;
		}
	}
	reveal(ctx, &answer);
	return (go_on);
}

/* The exercise: the task, then the student's turn.  True if solved. */
static bool
play_exercise(struct ctx *ctx, struct lesson *l)
{
	size_t	 i, sol;
	char	*in, *s;
	bool	 solved = false;

	(void)run_lesson_line(ctx, l, l->ex);
	for (sol = l->ex + 1; sol < l->chk; sol++) {
		if (l->lines[sol].kind == LL_SAY)
			(void)run_lesson_line(ctx, l, sol);
		else if (l->lines[sol].kind != LL_BLANK)
			break;
	}
	if (l->chk == l->nlines) {
		put(ctx, "(this exercise has no checks)\n");
		return (true);
	}
	put(ctx, "\nType commands at the lesson> prompt.  'check' tests your "
	    "attempt, 'solution' shows one, 'quit' leaves.\n");
	playing = l;
	ctx->file = "stdin";
	ctx->line = 0;
	while (!solved) {
		if ((in = read_input(ctx, "lesson> ")) == NULL)
			break;
		s = trim(in);
		if (strcmp(s, "check") == 0) {
			ctx->line++;
			solved = lesson_check(ctx);
		} else if (strcmp(s, "solution") == 0) {
			put(ctx, "One solution:\n");
			for (i = sol; i < l->chk; i++) {
				if (l->lines[i].kind != LL_BLANK)
					put(ctx, "  %s\n", l->lines[i].text);
			}
		} else if (is_quit(s) || (*s != '\0' &&
		    run_student(ctx, s) == -1)) {
			free(in);
			break;
		}
		free(in);
	}
	playing = NULL;
	return (solved);
}

bool
lesson_active(void)
{
	return (active);
}

static int
lesson_play(struct ctx *ctx, const char *path)
{
	struct lesson	*l;
	char		*cause;
	bool		 done;

	if (active) {
		warnx("a lesson is already playing");
		return (2);
	}
	if ((l = lesson_load(path, &cause)) == NULL) {
		warnx("%s", cause);
		free(cause);
		return (2);
	}
	input_tty = isatty(STDIN_FILENO);
	setvbuf(stdin, NULL, _IONBF, 0);
	ui_catch_quit(ctx);
	active = true;
	ctx->interactive = true;
	/* With a usable terminal the lesson plays on the dashboard. */
	if (input_tty && !ctx->json && getenv("IPCPLAY_NO_DASHBOARD") == NULL &&
	    board_available())
		on_board = board_begin(ctx);
	put(ctx, "Lesson %s: %s\n", l->name, l->summary);
	put(ctx, "Enter runs the next step; a command typed there runs too "
	    "(ps, chan NAME, help); q quits.\n\n");
	done = play_steps(ctx, l);
	if (done && l->ex < l->nlines)
		done = play_exercise(ctx, l);
	if (on_board) {
		/* Let the class look at the final state before it goes. */
		if (done)
			free(board_read_line(ctx, "End of the lesson: Enter to "
			    "leave "));
		board_end(ctx);
		on_board = false;
	}
	if (done)
		put(ctx, "End of lesson %s.\n", l->name);
	else
		put(ctx, "Lesson %s left unfinished.\n", l->name);
	active = false;
	ctx->recording = false;
	lines_clear(&ctx->attempt);
	lesson_free(l);
	return (done ? 0 : 1);
}

/* The lessons' topics ("why-ipc", "deadlock", ...), for completion. */
size_t
lesson_topics(char ***out)
{
	struct lesson_entry	*v;
	char			*dir, **t = NULL, *s;
	size_t			 n = 0, i;

	dir = lessons_dir();
	if (lesson_scan(dir, &v, &n) == 0) {
		t = xcalloc(n + 1, sizeof(*t));
		for (i = 0; i < n; i++) {
			t[i] = xstrdup(topic_of(v[i].file));
			if ((s = strstr(t[i], ".ipc")) != NULL)
				*s = '\0';
		}
		entries_free(v, n);
	} else
		n = 0;
	free(dir);
	*out = t;
	return (n);
}

int
lesson_main(struct ctx *ctx, int argc, char **argv)
{
	char	*dir, *path, *cause;
	int	 r;

	if (argc > 2) {
		fprintf(stderr, "usage: %s lesson [NAME]\n", getprogname());
		return (2);
	}
	dir = lessons_dir();
	if (argc == 1) {
		r = lesson_list(ctx, dir);
		free(dir);
		return (r);
	}
	if ((path = lesson_find(dir, argv[1], &cause)) == NULL) {
		warnx("%s", cause);
		free(cause);
		free(dir);
		return (2);
	}
	r = lesson_play(ctx, path);
	free(path);
	free(dir);
	return (r);
}
