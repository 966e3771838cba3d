/*
 * The line editor the shell and the dashboard share (see edit.h).
 *
 * History lives in ${XDG_STATE_HOME:-~/.local/state}/ipcplay/history
 * (IPCPLAY_HISTORY overrides), the last 1,000 lines of it; each line is
 * appended as it is typed, so a session killed outright keeps it.
 * Completion asks complete.c for the candidates and gives readline those
 * that start with the word.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "edit.h"
#include "ipcplay.h"
#include "complete.h"

#define HISTORY_MAX 1000	/* lines kept in the history file */

static struct ctx	 *edit_ctx;
static char		 *history_path;
static bool		  handler_taken;
static char		 *history_problem;	/* to be said once */
static char		**cands;	/* this completion's, for edit_gen */

static char *
history_file(void)
{
	const char	*s, *home;
	char		*dir, *path, *parent;

	if ((s = getenv("IPCPLAY_HISTORY")) != NULL && *s != '\0')
		return (xstrdup(s));
	if ((s = getenv("XDG_STATE_HOME")) != NULL && *s != '\0')
		xasprintf(&dir, "%s/ipcplay", s);
	else {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			return (NULL);
		xasprintf(&parent, "%s/.local", home);
		(void)mkdir(parent, 0700);
		free(parent);
		xasprintf(&parent, "%s/.local/state", home);
		(void)mkdir(parent, 0700);
		free(parent);
		xasprintf(&dir, "%s/.local/state/ipcplay", home);
	}
	(void)mkdir(dir, 0700);
	xasprintf(&path, "%s/history", dir);
	free(dir);
	return (path);
}

void
edit_history_begin(void)
{
	struct stat	sb;
	int		e;

	using_history();
	stifle_history(HISTORY_MAX);
	if ((history_path = history_file()) == NULL)
		return;
	if (stat(history_path, &sb) == 0 && S_ISDIR(sb.st_mode))
		e = EISDIR;
	else if ((e = read_history(history_path)) == ENOENT)
		e = write_history(history_path);   /* the first run: create it */
	else if (e == 0 && access(history_path, W_OK) == -1)
		e = errno;			   /* readable, not writable */
	if (e != 0) {
		/* Said once, where it shows; the session goes on. */
		xasprintf(&history_problem, "history %s: %s (this session's "
		    "lines are not saved)", history_path, strerror(e));
		free(history_path);
		history_path = NULL;
	}
	/* Lines are appended as they are typed; the file keeps the last. */
	if (history_path != NULL)
		(void)history_truncate_file(history_path, HISTORY_MAX);
}

/* What is wrong with the history file, once; the caller frees it. */
char *
edit_history_problem(void)
{
	char	*s = history_problem;

	history_problem = NULL;
	return (s);
}

void
edit_history_end(void)
{
	free(history_problem);
	history_problem = NULL;
	if (history_path != NULL)
		(void)history_truncate_file(history_path, HISTORY_MAX);
	free(history_path);
	history_path = NULL;
}

bool
edit_history_add(const char *line)
{
	if (line[strspn(line, " \t")] == '\0')
		return (false);
	add_history(line);
	if (history_path != NULL)
		(void)append_history(1, history_path);
	return (true);
}

/* readline's generator: the candidates one by one. */
static char *
edit_gen(const char *text, int state)
{
	static size_t	i;

	(void)text;
	if (state == 0)
		i = 0;
	if (cands == NULL || cands[i] == NULL)
		return (NULL);
	return (xstrdup(cands[i++]));
}

/* Tab: the candidates for the word at start, from complete.c. */
static char **
edit_complete(const char *text, int start, int end)
{
	char	**m;
	size_t	  i;

	(void)end;
	rl_attempted_completion_over = 1;
	if (edit_ctx == NULL)
		return (NULL);
	cands = complete_line(edit_ctx, rl_line_buffer, text, start);
	m = rl_completion_matches(text, edit_gen);
	for (i = 0; cands != NULL && cands[i] != NULL; i++)
		free(cands[i]);
	free(cands);
	cands = NULL;
	return (m);
}

void
edit_setup(struct ctx *ctx)
{
	edit_ctx = ctx;
	rl_readline_name = "ipcplay";
	rl_attempted_completion_function = edit_complete;
	rl_completer_word_break_characters = COMPLETE_BREAKS;
	rl_catch_signals = 0;
	rl_change_environment = 0;
}

void
edit_handler_taken(void)
{
	handler_taken = true;
}

/* True once after edit_handler_taken(): install the handler again. */
bool
edit_handler_retake(void)
{
	bool	r = handler_taken;

	handler_taken = false;
	return (r);
}

/*
 * Text is to be printed above the prompt: the line being typed leaves the
 * screen (edit_line_hide), the text is printed, and the prompt and the
 * line come back under it, the cursor where it was (edit_line_show).
 */
static char	*hidden_line;
static int	 hidden_point;

void
edit_line_hide(void)
{
	free(hidden_line);
	hidden_line = rl_copy_text(0, rl_end);
	hidden_point = rl_point;
	rl_save_prompt();
	rl_replace_line("", 0);
	rl_redisplay();
	fputs("\r\033[K", stdout);
	fflush(stdout);
}

void
edit_line_show(void)
{
	fflush(stdout);
	rl_restore_prompt();
	rl_replace_line(hidden_line != NULL ? hidden_line : "", 0);
	rl_point = hidden_point;
	free(hidden_line);
	hidden_line = NULL;
	rl_forced_update_display();
}

/* The line stays off the screen: the session is over. */
void
edit_line_drop(void)
{
	rl_restore_prompt();
	free(hidden_line);
	hidden_line = NULL;
}
