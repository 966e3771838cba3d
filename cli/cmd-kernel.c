/*
 * What a process does with the descriptors of kernel channels: pass one
 * over a socket pair (SCM_RIGHTS), or close its own.  A descriptor is a
 * capability: whoever holds it may use the channel.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"

static const char *const pass_words[] = { "on", NULL };
static const struct cmd_opt pass_opts[] = { OPT_FLAG("--move"),
    OPT_END };

/* P pass CH[:send|:recv] on S [--move] */
static enum cmd_result
cmd_pass_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	 rq;
	struct word		*pos[3] = { a->v[0].w, a->v[1].w, a->v[2].w };
	char			*ch, *colon;
	enum cmd_result		 r;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_PASS;
	rq.timeout_ms = -1;
	rq.move = args_opt(a, "--move") != NULL;
	if (pos[0]->s[0] == ':')
		return (cmd_fail(ctx, pos[0], "pass needs a channel before "
		    "its end: CHAN:send or CHAN:recv"));
	ch = xstrdup(pos[0]->s);
	if ((colon = strchr(ch, ':')) != NULL) {
		*colon++ = '\0';
		if (strcmp(colon, "send") == 0)
			rq.ends = KEND_SEND;
		else if (strcmp(colon, "recv") == 0)
			rq.ends = KEND_RECV;
		else {
			r = cmd_fail(ctx, pos[0], "'%s': the end is :send "
			    "(the write end) or :recv (the read end)", colon);
			free(ch);
			return (r);
		}
	}
	rq.chans = &ch;
	rq.nchans = 1;
	rq.chanspec = pos[0]->s;
	rq.via = pos[2]->s;
	r = op_run(ctx, a->w, &rq);
	free(ch);
	return (r);
}

const struct cmd_entry cmd_pass_entry = {
	.name = "pass",
	.help = "PROC sends its end of the kernel channel CHAN (the write end "
	    "with :send, the read end with :recv, every end it holds "
	    "without) over the socket pair SOCKETPAIR: a real sendmsg(2) with "
	    "SCM_RIGHTS, and a recvmsg(2) by the process at the other end, "
	    "which holds the end from then on and may use CHAN.  PROC keeps "
	    "its own copy unless --move.  A file descriptor is a "
	    "capability.",
	.example = "A pass p:send on s",
	.min_args = 3, .max_args = 3, .proc_op = true,
	.args = { A_KCHAN, A_WORD, A_SOCKPAIR }, .words = pass_words,
	.meta = { "CHAN[:send|:recv]", "on" },
	.opts = pass_opts,
	.exec = cmd_pass_exec,
};

/* P drop CH */
static enum cmd_result
cmd_drop_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	struct op_request	 rq;
	char			*ch;
	enum cmd_result		 r;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_DROP;
	rq.timeout_ms = -1;
	ch = w[2].s;
	rq.chans = &ch;
	rq.nchans = 1;
	rq.chanspec = w[2].s;
	r = op_run(ctx, w, &rq);
	return (r);
}

const struct cmd_entry cmd_drop_entry = {
	.name = "drop",
	.help = "PROC closes its own ends of the kernel channel CHAN "
	    "(close(2)).  When the last write end is closed, readers get end "
	    "of channel once it is empty; when the last read end is, writers "
	    "get broken channel.",
	.example = "A drop p",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_KCHAN }, .meta = { "CHAN" },
	.exec = cmd_drop_exec,
};
