/*
 * The line editor both the shell and the dashboard use: GNU readline's
 * settings, the history, completion, and who owns readline's callback
 * handler.  The shell (repl.c) and the dashboard (board.c) each drive
 * readline in their own way; what they share is here, a floor below
 * both, so neither calls into the other.
 */

#ifndef EDIT_H
#define EDIT_H

#include <stdbool.h>

struct ctx;

#define EDIT_PROMPT	"ipcplay> "

/* readline's settings for ctx's playground: completion, word breaks. */
void	 edit_setup(struct ctx *);

/* The history file: read at the start of a session, trimmed at its end. */
void	 edit_history_begin(void);
void	 edit_history_end(void);

/* What is wrong with the history file, said once by whoever shows the
 * session (NULL if nothing); to be freed. */
char	*edit_history_problem(void);

/* Keep a line that is not blank in the history, and in its file now. */
bool	 edit_history_add(const char *);

/*
 * The dashboard took readline's callback handler (a lesson played on it
 * from the shell); the plain prompt takes it back after its line.
 */
void	 edit_handler_taken(void);
bool	 edit_handler_retake(void);

/* Print above the prompt: hide the typed line, print, show it again. */
void	 edit_line_hide(void);
void	 edit_line_show(void);
void	 edit_line_drop(void);

#endif
