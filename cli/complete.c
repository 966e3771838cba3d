/*
 * Context-aware completion, driven by the same command table that parses.
 * The words before the cursor decide what fits: a command word or a
 * process name at the start; an operation after a process; channel names
 * (and @mailboxes) where a channel goes; process names where a process
 * goes; buffering kinds and key= options after "channel NAME"; signal
 * names after "signal", "kill NAME", "mask" and "unmask".
 */

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <readline/readline.h>

#include "ipcplay.h"
#include "lesson.h"
#include "repl.h"


static const char *signals[] = {
	"USR1", "USR2", "TERM", "KILL", "INT", "HUP", "RTMIN", "RTMIN+1",
	"RTMIN+2", "ALRM", NULL
};

static const char *chanopts[] = {
	"from", "to", "format=datagram", "format=stream", "format=fixed:",
	"format=cap", "delivery=fifo", "delivery=unordered", "delivery=lossy",
	"drop=", "dup=", "reorder=", "max=", NULL
};

static const char *bufferings[] = {
	"unbounded", "bounded", "register", "rendezvous", NULL
};

/* Name storage for one completion: proc_info names are borrowed. */
static char	**names;
static size_t	  nnames;

static void
add_owned(char *s)
{
	names = realloc(names, (nnames + 1) * sizeof(*names));
	names[nnames++] = s;
	repl_comp_add(s);
}

static void
add_list(const char *const *v)
{
	for (; *v != NULL; v++)
		repl_comp_add(*v);
}

static void
add_procs(struct ctx *ctx)
{
	struct proc_info	pi;
	size_t			i;

	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++)
		add_owned(xstrdup(pi.name));
}

static void
add_chans(struct ctx *ctx)
{
	struct chan_info	ci;
	size_t			i;

	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		add_owned(xstrdup(ci.name));
		chan_info_free(&ci);
	}
}

static bool
listed(const char **v, size_t n, const char *name)
{
	size_t	i;

	if (n == 0)
		return (true);		/* anyone */
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return (true);
	}
	return (false);
}

/*
 * The channels proc may use: to send, those whose from list admits it
 * and every mailbox; to receive, those whose to list admits it and its
 * own mailbox only.
 */
static void
add_chans_for(struct ctx *ctx, const char *proc, bool send)
{
	struct chan_info	ci;
	size_t			i;
	bool			ok;

	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		if (ci.mailbox)
			ok = send || strcmp(ci.name + 1, proc) == 0;
		else
			ok = send ? listed(ci.from, ci.nfrom, proc) :
			    listed(ci.to, ci.nto, proc);
		if (ok)
			add_owned(xstrdup(ci.name));
		chan_info_free(&ci);
	}
}

char **
repl_completions(struct ctx *ctx, const char *text, int start, int end)
{
	(void)end;
	return (complete_line(ctx, rl_line_buffer, text, start));
}

/*
 * The candidates for text, the word that starts at line[start]: a
 * readline matches array (the common prefix first), or NULL.
 */
char **
complete_line(struct ctx *ctx, const char *line, const char *text, int start)
{
	struct words	*cmds;
	struct word	*w;
	size_t		 ncmds, n, i;
	char		*prefix, *err, **r;
	int		 col;
	const struct cmd_entry *ce;

	while (nnames > 0)
		free(names[--nnames]);
	repl_comp_reset();
	prefix = xmemdup(line, (size_t)start);
	if (lex_line(prefix, &cmds, &ncmds, &err, &col) == -1) {
		free(err);
		free(prefix);
		return (NULL);
	}
	/* Only the last command of the line matters (after any ';'). */
	if (ncmds == 0 || (start > 0 && strchr(";", prefix[start - 1]))) {
		n = 0;
		w = NULL;
	} else {
		w = cmds[ncmds - 1].v;
		n = cmds[ncmds - 1].n;
	}
	if (n == 0) {
		for (i = 0; cmd_table[i] != NULL; i++)
			if (!cmd_table[i]->proc_op)
				repl_comp_add(cmd_table[i]->name);
		add_procs(ctx);
	} else if (engine_is_proc(ctx->e, w[0].s) && n == 1) {
		for (i = 0; cmd_table[i] != NULL; i++)
			if (cmd_table[i]->proc_op)
				repl_comp_add(cmd_table[i]->name);
	} else if (engine_is_proc(ctx->e, w[0].s) &&
	    (ce = op_lookup(w[1].s)) != NULL) {
		if (strcmp(ce->name, "signal") == 0)
			n == 2 ? add_procs(ctx) : add_list(signals);
		else if (strcmp(ce->name, "mask") == 0 ||
		    strcmp(ce->name, "unmask") == 0)
			add_list(signals);
		else if (strcmp(ce->name, "exit") != 0 &&
		    strcmp(ce->name, "reply") != 0 && (n == 2 ||
		    strcmp(ce->name, "poll") == 0))
			add_chans_for(ctx, w[0].s, strcmp(ce->name, "send") ==
			    0 || strcmp(ce->name, "call") == 0);
	} else if (strcmp(w[0].s, "channel") == 0) {
		if (n == 2)
			add_list(bufferings);
		else if (n >= 3) {
			if (strcmp(w[n - 1].s, "from") == 0 ||
			    strcmp(w[n - 1].s, "to") == 0)
				add_procs(ctx);
			else
				add_list(chanopts);
		}
	} else if (strcmp(w[0].s, "kill") == 0)
		n == 1 ? add_procs(ctx) : add_list(signals);
	else if (strcmp(w[0].s, "lesson") == 0 && n == 1) {
		char	**t;
		size_t	  nt, j;

		nt = lesson_topics(&t);
		for (j = 0; j < nt; j++)
			add_owned(t[j]);
		free(t);
	} else if (strcmp(w[0].s, "spawn") == 0)
		;
	else if (strcmp(w[0].s, "help") == 0 && n == 1) {
		for (i = 0; cmd_table[i] != NULL; i++)
			repl_comp_add(cmd_table[i]->name);
	} else if ((strcmp(w[0].s, "chan") == 0 ||
	    strcmp(w[0].s, "close") == 0 || strcmp(w[0].s, "tap") == 0 ||
	    strcmp(w[0].s, "untap") == 0 || strcmp(w[0].s, "filter") == 0) &&
	    n == 1)
		add_chans(ctx);
	else if (strcmp(w[0].s, "balance") == 0)
		add_chans(ctx);
	else if (strcmp(w[0].s, "expect") == 0 && n == 1) {
		add_procs(ctx);
		add_chans(ctx);
		repl_comp_add("deadlock");
		repl_comp_add("no");
		repl_comp_add("error");
	} else if (strcmp(w[0].s, "expect") == 0 && n == 2 &&
	    engine_is_proc(ctx->e, w[1].s)) {
		static const char *pe[] = { "blocked", "ready", "exited",
		    "received", NULL };
		add_list(pe);
	} else if (strcmp(w[0].s, "expect") == 0 && n == 2 &&
	    engine_is_chan(ctx->e, w[1].s)) {
		static const char *ce2[] = { "holds", "contains", NULL };
		add_list(ce2);
	} else if (strcmp(w[0].s, "graph") == 0)
		repl_comp_add("--dot");
	words_free(cmds, ncmds);
	free(prefix);
	r = repl_comp_match(text);
	return (r);
}
