/*
 * The interactive shell.  readline runs through its callback interface so
 * that one poll() loop serves the keyboard and the engine together: a
 * timeout firing or a process killed from outside is printed above the
 * prompt at once, and the half-typed line is drawn again below it.
 *
 * Ctrl-C abandons the line, never the playground; Ctrl-D or quit ends
 * the session.  History and completion are the line editor's (edit.c),
 * shared with the dashboard.
 */

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "board.h"
#include "edit.h"
#include "ipcplay.h"
#include "prog.h"
#include "repl.h"

#define PROMPT EDIT_PROMPT

static struct ctx	*repl_ctx;
static bool		 repl_done;

static void	repl_line(char *);
static bool		 repl_switch;	/* "dashboard on": leave the plain loop */
static int		 sig_pipe[2] = { -1, -1 };
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

/* Print an event above the prompt without losing the typed line. */
static void
async_begin(struct ctx *ctx)
{
	(void)ctx;
	if (!in_command)
		edit_line_hide();
}

static void
async_end(struct ctx *ctx)
{
	(void)ctx;
	if (!in_command)
		edit_line_show();
}

static const char *
repl_prompt(void)
{
	return (repl_ctx == NULL ? PROMPT : prog_prompt(repl_ctx, PROMPT));
}

static void
repl_line(char *line)
{
	if (line == NULL) {
		fputc('\n', stdout);
		if (!quit_confirmed(repl_ctx, "Ctrl-D")) {
			/* A fresh prompt, after readline's end of input. */
			rl_callback_handler_remove();
			rl_callback_handler_install(repl_prompt(), repl_line);
			return;
		}
		repl_done = true;
		rl_callback_handler_remove();
		return;
	}
	(void)edit_history_add(line);
	repl_ctx->line++;
	in_command = 1;
	if (run_line(repl_ctx, line) == -1)
		repl_done = true;
	in_command = 0;
	if (ui_interrupt_done(repl_ctx))
		printf("interrupted\n");
	free(line);
	rl_set_prompt(repl_prompt());
	if (repl_done || repl_switch)
		rl_callback_handler_remove();
	else if (edit_handler_retake()) {
		/*
		 * The dashboard took readline's handler (a lesson played on
		 * it): after all the line's output, so the prompt comes last.
		 */
		rl_callback_handler_install(repl_prompt(), repl_line);
	}
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
	char		*problem;
	char		 c;

	ctx->async_begin = async_begin;
	ctx->async_end = async_end;
	ctx->dashboard_set = repl_dashboard_set;
	repl_switch = false;
	if ((problem = edit_history_problem()) != NULL) {
		warnx("%s", problem);
		free(problem);
	}
	(void)edit_handler_retake();	/* it is ours from here */
	rl_callback_handler_install(repl_prompt(), repl_line);
	while (!repl_done && !repl_switch) {
		fds[0] = STDIN_FILENO;
		fds[1] = sig_pipe[0];
		if (ui_wait(ctx, &w, fds, ready, 2, -1) == -1)
			break;
		if (ready[1] & POLLIN) {
			while (read(sig_pipe[0], &c, 1) == 1)
				continue;
			/* Ctrl-C: abandon the line, keep the playground. */
			if (prog_defining(ctx)) {
				prog_abandon(ctx);
				rl_set_prompt(repl_prompt());
			}
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
		}
		if (ready[0] & (POLLIN | POLLHUP))
			rl_callback_read_char();
	}
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
	edit_setup(ctx);
	edit_history_begin();
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
	edit_history_end();
	if (sig_pipe[0] != -1) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
}
