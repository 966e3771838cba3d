/*
 * The interactive shell.  readline runs through its callback interface so
 * that one poll() loop serves the keyboard and the engine together: a
 * timeout firing or a process killed from outside is printed above the
 * prompt at once, and the half-typed line is drawn again below it.
 *
 * History lives in ${XDG_STATE_HOME:-~/.local/state}/ipcplay/history
 * (IPCPLAY_HISTORY overrides), the last 1,000 lines of it.  Ctrl-C abandons the line, never the
 * playground; Ctrl-D or quit ends the session.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "board.h"
#include "ipcplay.h"
#include "repl.h"

#define PROMPT "ipcplay> "
#define HISTORY_MAX 1000	/* lines kept in the history file */

static struct ctx	*repl_ctx;
static bool		 repl_done;
static bool		 plain_active;	/* repl_plain's loop is running */
static bool		 handler_lost;	/* reinstall after this line */

static void	repl_line(char *);
static bool		 repl_switch;	/* "dashboard on": leave the plain loop */
static int		 sig_pipe[2] = { -1, -1 };
static char		*repl_history_path;
static volatile sig_atomic_t in_command;

/*
 * Ctrl-C: during a command, end the command (a sleep, a repeat); at the
 * prompt, abandon the line being typed.  Never the playground.
 */
static void
repl_sigint(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	if (in_command) {
		ui_interrupt();
		return;
	}
	if (sig_pipe[1] != -1)
		(void)write(sig_pipe[1], &c, 1);
	errno = saved;
}

static char *
history_file(void)
{
	const char	*s, *home;
	char		*dir, *path;

	if ((s = getenv("IPCPLAY_HISTORY")) != NULL && *s != '\0')
		return (xstrdup(s));
	if ((s = getenv("XDG_STATE_HOME")) != NULL && *s != '\0')
		xasprintf(&dir, "%s/ipcplay", s);
	else {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			return (NULL);
		xasprintf(&dir, "%s/.local/state/ipcplay", home);
		{
			char *parent;

			xasprintf(&parent, "%s/.local", home);
			(void)mkdir(parent, 0700);
			free(parent);
			xasprintf(&parent, "%s/.local/state", home);
			(void)mkdir(parent, 0700);
			free(parent);
		}
	}
	(void)mkdir(dir, 0700);
	xasprintf(&path, "%s/history", dir);
	free(dir);
	return (path);
}

/* Print an event above the prompt without losing the typed line. */
static char	*saved_line;
static int	 saved_point;

static void
async_begin(struct ctx *ctx)
{
	(void)ctx;
	if (in_command)
		return;
	saved_line = rl_copy_text(0, rl_end);
	saved_point = rl_point;
	rl_save_prompt();
	rl_replace_line("", 0);
	rl_redisplay();
	fputs("\r\033[K", stdout);
}

static void
async_end(struct ctx *ctx)
{
	(void)ctx;
	if (in_command)
		return;
	fflush(stdout);
	rl_restore_prompt();
	rl_replace_line(saved_line != NULL ? saved_line : "", 0);
	rl_point = saved_point;
	free(saved_line);
	saved_line = NULL;
	rl_forced_update_display();
}

/*
 * Something borrowed readline from under the plain prompt (a lesson
 * played on the dashboard from the shell): give the prompt its handler
 * back.
 */
void
repl_restore_handler(void)
{
	if (plain_active)
		handler_lost = true;
}

/* Keep a line that is not blank in the history, and in its file now. */
bool
repl_history_add(const char *line)
{
	if (line[strspn(line, " \t")] == '\0')
		return (false);
	add_history(line);
	if (repl_history_path != NULL)
		(void)append_history(1, repl_history_path);
	return (true);
}

static void
repl_line(char *line)
{
	if (line == NULL) {
		fputc('\n', stdout);
		if (!quit_confirmed(repl_ctx, "Ctrl-D")) {
			/* A fresh prompt, after readline's end of input. */
			rl_callback_handler_remove();
			rl_callback_handler_install(PROMPT, repl_line);
			return;
		}
		repl_done = true;
		rl_callback_handler_remove();
		return;
	}
	(void)repl_history_add(line);
	repl_ctx->line++;
	in_command = 1;
	if (run_line(repl_ctx, line) == -1)
		repl_done = true;
	in_command = 0;
	if (ui_interrupt_done(repl_ctx))
		printf("interrupted\n");
	free(line);
	if (repl_done || repl_switch)
		rl_callback_handler_remove();
	else if (handler_lost) {
		/* After all the line's output, so the prompt comes last. */
		handler_lost = false;
		rl_callback_handler_install(PROMPT, repl_line);
	}
}

/* Completion: command words, process and channel names, op words. */
static const char	**comp_words;
static size_t		  comp_n;

static void
comp_add(const char *w)
{
	comp_words = xreallocarray(comp_words, comp_n + 1,
	    sizeof(*comp_words));
	comp_words[comp_n++] = w;
}

static char *
comp_gen(const char *text, int state)
{
	static size_t	i;
	size_t		len = strlen(text);

	if (state == 0)
		i = 0;
	while (i < comp_n) {
		const char *w = comp_words[i++];

		if (strncmp(w, text, len) == 0)
			return (xstrdup(w));
	}
	return (NULL);
}


static char **
repl_complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	return (repl_completions(repl_ctx, text, start, end));
}

/* Fill the candidate list for the word at start; see complete.c. */
void
repl_comp_reset(void)
{
	comp_n = 0;
}

void
repl_comp_add(const char *w)
{
	comp_add(w);
}

char **
repl_comp_match(const char *text)
{
	return (rl_completion_matches(text, comp_gen));
}

/* "dashboard on|off" typed at the plain prompt. */
static enum cmd_result
repl_dashboard_set(struct ctx *ctx, int on)
{
	if (!on)
		return (CMD_OK);
	if (board_available()) {
		ctx->want_dashboard = true;
		repl_switch = true;
		return (CMD_OK);
	}
	out_printf(ctx, "no usable terminal for the dashboard; the "
	    "transcript goes on\n");
	return (CMD_OK);
}

/* The plain readline prompt, until quit, Ctrl-D or "dashboard on". */
static void
repl_plain(struct ctx *ctx)
{
	struct ui_wait	 w = { NULL, 0 };
	int		 fds[2];
	short		 ready[2];
	char		 c;

	ctx->async_begin = async_begin;
	ctx->async_end = async_end;
	ctx->dashboard_set = repl_dashboard_set;
	repl_switch = false;
	rl_callback_handler_install(PROMPT, repl_line);
	plain_active = true;
	while (!repl_done && !repl_switch) {
		fds[0] = STDIN_FILENO;
		fds[1] = sig_pipe[0];
		if (ui_wait(ctx, &w, fds, ready, 2, -1) == -1)
			break;
		if (ready[1] & POLLIN) {
			while (read(sig_pipe[0], &c, 1) == 1)
				continue;
			/* Ctrl-C: abandon the line, keep the playground. */
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
		}
		if (ready[0] & (POLLIN | POLLHUP))
			rl_callback_read_char();
	}
	plain_active = false;
	rl_callback_handler_remove();
	ctx->async_begin = NULL;
	ctx->async_end = NULL;
	ctx->dashboard_set = NULL;
	ui_wait_free(&w);
}

void
repl_run(struct ctx *ctx)
{
	struct sigaction	 sa;

	repl_ctx = ctx;
	ctx->interactive = true;
	ctx->file = "stdin";
	rl_readline_name = "ipcplay";
	rl_attempted_completion_function = repl_complete;
	/* '@' starts a mailbox name; ',' separates channels in a list. */
	rl_completer_word_break_characters = " \t\n\"';,";
	rl_catch_signals = 0;
	rl_change_environment = 0;
	using_history();
	stifle_history(HISTORY_MAX);
	if ((repl_history_path = history_file()) != NULL &&
	    read_history(repl_history_path) == ENOENT) {
		/* The first run: create the file so lines can be appended. */
		if (write_history(repl_history_path) != 0) {
			free(repl_history_path);
			repl_history_path = NULL;
		}
	}
	/* Lines are appended as they are typed; the file keeps the last. */
	if (repl_history_path != NULL)
		(void)history_truncate_file(repl_history_path, HISTORY_MAX);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		sig_pipe[0] = sig_pipe[1] = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = repl_sigint;
	/* A write to the terminal cut short by Ctrl-C goes on (no EINTR). */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	ui_catch_quit(ctx);
	if (!ctx->want_dashboard)
		printf("ipcplay %s: an IPC playground.  Type 'help' for the "
		    "commands, Tab to complete, Ctrl-D to quit.\n",
		    IPCPLAY_VERSION);
	while (!repl_done && ui_quit_signal() == 0) {
		if (ctx->want_dashboard && board_available()) {
			if (board_run(ctx) == BOARD_QUIT ||
			    ui_quit_signal() != 0)
				break;
			ctx->want_dashboard = false;
		}
		repl_plain(ctx);
	}
	if (repl_history_path != NULL)
		(void)history_truncate_file(repl_history_path, HISTORY_MAX);
	free(repl_history_path);
	repl_history_path = NULL;
	free(comp_words);
	if (sig_pipe[0] != -1) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
}
