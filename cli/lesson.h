/*
 * Lessons: the guided course (lessons/NN-topic.ipc) and its player.
 *
 * A lesson is an ordinary script.  Three commands (cli/cmd-lesson.c)
 * give it a shape: "predict QUESTION ANSWER" asks before showing,
 * "exercise TEXT" starts the student's turn (the commands up to "check"
 * are a reference solution), and "check" is followed by the expect lines
 * that judge the student's attempt.  In batch mode a lesson simply runs
 * through, solution and all, and exits 0 when every expect holds.
 * "ipcplay lesson NAME" plays it step by step instead.
 */

#ifndef LESSON_H
#define LESSON_H

#include <stdbool.h>
#include <stddef.h>

struct ctx;
struct word;

/* ipcplay lesson [NAME]: argv[0] is "lesson".  Returns the exit status. */
int	 lesson_main(struct ctx *, int, char **);

/* Print the course; 0, or 2 with *cause set (to be freed). */
int	 lesson_list(struct ctx *, char **);

/* The lessons' topics, for completion; the caller frees each and the array. */
size_t	 lesson_topics(char ***);

/* True while the player waits for the student's exercise attempt. */
bool	 lesson_playing(void);

/* True while a lesson plays: lessons do not nest. */
bool	 lesson_active(void);

/* Run the exercise's checks; true when every one holds. */
bool	 lesson_check(struct ctx *);

/* Emit a "say" event: prefix, then words[from..n) joined by blanks. */
void	 lesson_say(struct ctx *, const char *, struct word *, size_t,
	    size_t);

#endif
