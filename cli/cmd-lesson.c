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
#include "lesson.h"

static enum cmd_result
cmd_predict_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)n;
	lesson_say(ctx, "predict: ", w, 1, 2);
	lesson_say(ctx, "answer: ", w, 2, 3);
	return (CMD_OK);
}

const struct cmd_entry cmd_predict_entry = {
	.name = "predict",
	.usage = "predict QUESTION ANSWER",
	.help = "Ask what will happen next (a lesson step).  Batch mode prints "
	    "the question and the answer; 'ipcplay lesson' asks for a guess "
	    "and shows the answer once the step has run.",
	.example = "predict \"Who is blocked now?\" \"A: the buffer is full.\"",
	.min_args = 2, .max_args = 2,
	.exec = cmd_predict_exec,
};

static enum cmd_result
cmd_exercise_exec(struct ctx *ctx, struct word *w, size_t n)
{
	lesson_say(ctx, "Your turn: ", w, 1, n);
	if (!lesson_playing() && !ctx->interactive)
		lesson_say(ctx, "(batch mode: a reference solution runs now, "
		    "then the checks)", w, 0, 0);
	return (CMD_OK);
}

const struct cmd_entry cmd_exercise_entry = {
	.name = "exercise",
	.usage = "exercise TEXT",
	.help = "Start a lesson's exercise: print the task.  The commands up "
	    "to 'check' are a reference solution: batch mode runs them, "
	    "'ipcplay lesson' lets the student type their own.",
	.example = "exercise \"Make B block in recv on c1.\"",
	.min_args = 1, .max_args = -1,
	.exec = cmd_exercise_exec,
};

static enum cmd_result
cmd_check_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)n;
	if (lesson_playing())
		return (lesson_check(ctx) ? CMD_OK : CMD_FAIL);
	if (ctx->interactive)
		return (cmd_fail(ctx, &w[0], "no exercise to check; play a "
		    "lesson with 'ipcplay lesson NAME'"));
	lesson_say(ctx, "check: the exercise's checks", w, 0, 0);
	return (CMD_OK);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "check",
	.help = "In a lesson script: the expect lines that follow judge the "
	    "exercise.  At the lesson player's prompt: run those checks on "
	    "your attempt and say which hold.",
	.example = "check",
	.min_args = 0, .max_args = 0,
	.exec = cmd_check_exec,
};
