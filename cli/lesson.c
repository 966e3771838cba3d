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
 * The lesson file is read by lesson-file.c, found by lesson-book.c.
 * A process plays one lesson at a time; the player's state is one
 * struct.
 */

#include <ctype.h>
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "board.h"
#include "lesson.h"
#include "lesson-int.h"
#include "sb.h"

static struct player {
	struct lesson	*playing;	/* at the exercise prompt */
	bool		 active;	/* a lesson is being played */
	bool		 input_tty;
	bool		 on_board;	/* playing on the dashboard */
	const char	*prompt;	/* shown while waiting for input */
	/* During the checks: */
	bool		 check_reported;
	void		(*check_next)(struct ctx *, enum out_kind,
			    const char *);
} pl;


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
	return (pl.playing != NULL);
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
	if (pl.input_tty)
		fputs("\r\033[K", chrome(ctx));
	else
		fputc('\n', chrome(ctx));
	fflush(chrome(ctx));
}

static void
wait_end(struct ctx *ctx)
{
	fflush(ctx->out);
	if (pl.prompt != NULL)
		fputs(pl.prompt, chrome(ctx));
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
	if (pl.on_board) {
		if ((got = board_read_line(ctx, prompt)) != NULL)
			put(ctx, "%s%s\n", prompt, got);
		return (got);
	}
	put(ctx, "%s", prompt);
	pl.prompt = prompt;
	ctx->async_begin = wait_begin;
	ctx->async_end = wait_end;
	for (;;) {
		if (ui_wait(ctx, &w, &fd, &ready, 1, -1) == -1 || ready != 0)
			break;
	}
	ui_wait_free(&w);
	ctx->async_begin = NULL;
	ctx->async_end = NULL;
	pl.prompt = NULL;
	if (ui_quit_signal() != 0)
		return (NULL);
	if ((len = getline(&line, &lcap, stdin)) == -1) {
		free(line);
		if (!pl.input_tty)
			put(ctx, "\n");
		return (NULL);
	}
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!pl.input_tty)
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
static void
check_hook(struct ctx *ctx, enum out_kind kind, const char *s)
{
	char	*t;

	if (kind == OUT_ERROR) {
		if (!pl.check_reported) {
			xasprintf(&t, "not yet: %s%s", s,
			    pl.check_next != NULL ? "" : "\n");
			if (pl.check_next != NULL)
				pl.check_next(ctx, OUT_TEXT, t);
			else
				fputs(t, chrome(ctx));
			free(t);
		}
		pl.check_reported = true;
		return;
	}
	if (kind == OUT_EVENT && strstr(s, " ... FAILED: ") != NULL)
		pl.check_reported = true;
	/* On the dashboard its own printer shows the rest. */
	if (pl.check_next != NULL) {
		pl.check_next(ctx, kind, s);
		return;
	}
	fputs(s, ctx->out);
	if (kind == OUT_EVENT)
		fputc('\n', ctx->out);
}

bool
lesson_check(struct ctx *ctx)
{
	struct lesson	*l = pl.playing;
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
	pl.check_next = hook;
	ctx->print_hook = check_hook;
	ctx->checking = true;
	say_text(ctx, "Checking your attempt:");
	for (i = l->chk + 1; i < l->nlines; i++) {
		if (l->lines[i].kind == LL_BLANK)
			continue;
		ctx->status = 0;
		ctx->fail_pending = false;
		pl.check_reported = false;
		(void)run_lesson_line(ctx, l, i);
		nchecks++;
		if (ctx->status == 0 && !ctx->fail_pending)
			nheld++;
	}
	ctx->print_hook = hook;
	pl.check_next = NULL;
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
	pl.playing = l;
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
	pl.playing = NULL;
	return (solved);
}

bool
lesson_active(void)
{
	return (pl.active);
}

static int
lesson_play(struct ctx *ctx, const char *path)
{
	struct lesson	*l;
	char		*cause;
	bool		 done;

	if (pl.active) {
		warnx("a lesson is already playing");
		return (2);
	}
	if ((l = lesson_load(path, &cause)) == NULL) {
		warnx("%s", cause);
		free(cause);
		return (2);
	}
	pl.input_tty = isatty(STDIN_FILENO);
	setvbuf(stdin, NULL, _IONBF, 0);
	ui_catch_quit(ctx);
	pl.active = true;
	ctx->interactive = true;
	/* With a usable terminal the lesson plays on the dashboard. */
	if (pl.input_tty && !ctx->json &&
	    getenv("IPCPLAY_NO_DASHBOARD") == NULL && board_available())
		pl.on_board = board_begin(ctx);
	put(ctx, "Lesson %s: %s\n", l->name, l->summary);
	put(ctx, "Enter runs the next step; a command typed there runs too "
	    "(ps, chan NAME, help); q quits.\n\n");
	done = play_steps(ctx, l);
	if (done && l->ex < l->nlines)
		done = play_exercise(ctx, l);
	if (pl.on_board) {
		/* Let the class look at the final state before it goes. */
		if (done)
			free(board_read_line(ctx, "End of the lesson: Enter to "
			    "leave "));
		board_end(ctx);
		pl.on_board = false;
	}
	if (done)
		put(ctx, "End of lesson %s.\n", l->name);
	else
		put(ctx, "Lesson %s left unfinished.\n", l->name);
	pl.active = false;
	ctx->recording = false;
	lines_clear(&ctx->attempt);
	lesson_free(l);
	return (done ? 0 : 1);
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
	if (argc == 1) {
		if ((r = lesson_list(ctx, &cause)) != 0) {
			warnx("%s", cause);
			free(cause);
		}
		return (r);
	}
	dir = lessons_dir();
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
