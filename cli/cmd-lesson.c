/*
 * The lesson commands: predict, exercise, check.
 *
 * They are ordinary commands so that a lesson stays an ordinary script:
 * in batch mode predict prints its question and answer, exercise prints
 * the student's task (the reference solution that follows simply runs),
 * and check announces the expect lines that judge the exercise.  The
 * lesson player (lesson.c) reads the same lines differently: it asks for
 * a guess before revealing an answer, hides the solution, and lets the
 * student type "check" to run the checks on their own attempt.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"
#include "lesson.h"
#include "msc.h"

static enum cmd_result
cmd_predict_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	lesson_say(ctx, "predict: ", w, 1, 2);
	lesson_say(ctx, "answer: ", w, 2, 3);
	return (CMD_OK);
}

const struct cmd_entry cmd_predict_entry = {
	.name = "predict",
	.help = "Ask what will happen next (a lesson step).  Batch mode prints "
	    "the question and the answer; 'ipcplay lesson' asks for a guess "
	    "and shows the answer once the step has run.",
	.example = "predict \"Who is blocked now?\" \"A: the buffer is full.\"",
	.min_args = 2, .max_args = 2,
	.args = { A_TEXT, A_TEXT }, .meta = { "QUESTION", "ANSWER" },
	.exec = cmd_predict_exec,
};

static enum cmd_result
cmd_exercise_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	/* From here on every line is kept for the checks to look at. */
	lines_clear(&ctx->attempt);
	ctx->recording = true;
	ctx->checking = false;
	lesson_say(ctx, "Your turn: ", w, 1, n);
	if (!lesson_playing() && !ctx->interactive)
		lesson_say(ctx, "(batch mode: a reference solution runs now, "
		    "then the checks)", w, 0, 0);
	return (CMD_OK);
}

const struct cmd_entry cmd_exercise_entry = {
	.name = "exercise",
	.help = "Start a lesson's exercise: print the task.  The commands up "
	    "to 'check' are a reference solution: batch mode runs them, "
	    "'ipcplay lesson' lets the student type their own.",
	.example = "exercise \"Make B block in recv on c1.\"",
	.min_args = 1, .max_args = -1,
	.args = { A_TEXT }, .rest = true,
	.exec = cmd_exercise_exec,
};

static enum cmd_result
cmd_check_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	if (lesson_playing())
		return (lesson_check(ctx) ? CMD_OK : CMD_FAIL);
	if (ctx->interactive)
		return (cmd_fail(ctx, &w[0], "no exercise to check; play a "
		    "lesson with 'ipcplay lesson NAME'"));
	lesson_say(ctx, "check: the exercise's checks", w, 0, 0);
	/* The expect lines that follow judge the whole attempt. */
	ctx->checking = ctx->recording;
	return (CMD_OK);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.help = "In a lesson script: the expect lines that follow judge the "
	    "exercise.  At the lesson player's prompt: run those checks on "
	    "your attempt and say which hold.",
	.example = "check",
	.min_args = 0, .max_args = 0,
	.exec = cmd_check_exec,
};

/*
 * lesson [NAME] at the shell's prompt: list the lessons, or play one in
 * a playground of its own (the shell's processes wait meanwhile and are
 * all still there afterwards).
 */
static enum cmd_result
cmd_lesson_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	size_t			 n = a->n;
	struct engine_config	 cf;
	struct engine		*saved;
	struct play		*splay;
	struct msc		*smsc;
	char			*argv[3], *cause;
	enum cmd_result		 cr;
	void			(*ab)(struct ctx *), (*ae)(struct ctx *);
	enum cmd_result		(*ds)(struct ctx *, int);
	int			 r;

	/* A lesson has a playground of its own: the class would lose theirs. */
	if (ctx->serve != NULL)
		return (cmd_fail(ctx, &w[0], "lesson: not while serving a "
		    "classroom (serve the lesson's file instead: ipcplay "
		    "serve FILE)"));
	if (!ctx->interactive)
		return (cmd_fail(ctx, &w[0], "lesson plays at the shell's "
		    "prompt; a script can run a lesson file itself"));
	if (lesson_active())
		return (cmd_fail(ctx, &w[0], "a lesson is already playing; "
		    "lessons do not nest (q leaves this one)"));
	argv[0] = (char *)"lesson";
	argv[1] = n > 1 ? w[1].s : NULL;
	argv[2] = NULL;
	if (n == 1) {
		if (lesson_list(ctx, &cause) == 0)
			return (CMD_OK);
		cr = cmd_fail(ctx, &w[0], "%s", cause);
		free(cause);
		return (cr);
	}
	if (ctx->print_hook != NULL)
		return (cmd_fail(ctx, &w[0], "type 'dashboard off' first: a "
		    "lesson brings its own dashboard"));
	memset(&cf, 0, sizeof(cf));
	saved = ctx->e;
	/* The lesson's dashboard, if it has one, takes these hooks. */
	ab = ctx->async_begin;
	ae = ctx->async_end;
	ds = ctx->dashboard_set;
	ctx->e = engine_new(&cf);
	engine_observe(ctx->e, out_event, ctx);
	/* The lesson's programs are its own, as its processes are. */
	splay = ctx->play;
	ctx->play = NULL;
	/* ... and its chart. */
	smsc = ctx->msc;
	ctx->msc = NULL;
	r = lesson_main(ctx, 2, argv);
	play_free(ctx);
	ctx->play = splay;
	msc_free(ctx);
	ctx->msc = smsc;
	engine_free(ctx->e);
	ctx->e = saved;
	engine_rearm(saved);
	ctx->async_begin = ab;
	ctx->async_end = ae;
	ctx->dashboard_set = ds;
	ctx->interactive = true;
	return (r == 2 ? CMD_FAIL : CMD_OK);
}

const struct cmd_entry cmd_lesson_entry = {
	.name = "lesson",
	.help = "List the lessons, or play one (by number or topic) step by "
	    "step in a playground of its own; your processes wait.",
	.example = "lesson deadlock",
	.min_args = 0, .max_args = 1,
	.args = { A_TOPIC },
	.exec = cmd_lesson_exec,
};
