/*
 * dashboard [on|off]: show or hide the live dashboard.  Only the
 * interactive shell on a usable terminal can show one; elsewhere (batch
 * mode, a pipe, TERM=dumb) the plain transcript goes on and the command
 * quietly does nothing, so lessons run the same in batch.
 */

#include <string.h>

#include "ipcplay.h"

static enum cmd_result
cmd_dashboard_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	int		 on = 1;

	if (n > 1) {
		if (strcmp(w[1].s, "on") == 0)
			on = 1;
		else if (strcmp(w[1].s, "off") == 0)
			on = 0;
		else
			return (cmd_fail(ctx, &w[1], "dashboard takes on or "
			    "off, not '%s'", w[1].s));
	}
	if (ctx->dashboard_set == NULL)
		return (CMD_OK);
	return (ctx->dashboard_set(ctx, on));
}

static const char *const onoff_words[] = { "on", "off", NULL };

const struct cmd_entry cmd_dashboard_entry = {
	.name = "dashboard",
	.help = "Show (default) or hide the live dashboard: processes, "
	    "channels as rows of message boxes, the wait-for graph and the "
	    "event log.  Needs a terminal; batch mode keeps the transcript.",
	.example = "dashboard on",
	.min_args = 0, .max_args = 1,
	.args = { A_WORD }, .words = onoff_words, .meta = { "on|off" },
	.exec = cmd_dashboard_exec,
};
