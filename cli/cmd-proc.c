/*
 * Processes and what they do: spawn, kill, and the operations written
 * "PROC op ...": send, recv, poll, signal, mask, unmask, exit.
 *
 * An operation is handed to the engine, which passes it through the
 * process's agent; the command then waits for the system to settle and
 * fails if the operation's own event came back with status "error".
 * Blocking, would-block and timeouts are outcomes, not failures.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"
#include "sb.h"

extern const struct cmd_entry cmd_call_entry, cmd_replyrecv_entry,
    cmd_mask_entry;

/* Words 1 to n-1 can all name new processes (spawn, seat). */
bool
proc_names_ok(struct ctx *ctx, struct word *w, size_t n)
{
	size_t	i;

	for (i = 1; i < n; i++) {
		if (!name_valid(w[i].s)) {
			cmd_fail(ctx, &w[i], "bad process name '%s': a letter, "
			    "then up to 15 letters, digits, _ or -", w[i].s);
			return (false);
		}
		if (cmd_is_reserved(w[i].s)) {
			cmd_fail(ctx, &w[i], "'%s' is a command word and cannot "
			    "name a process", w[i].s);
			return (false);
		}
	}
	return (true);
}

static enum cmd_result
cmd_spawn_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	char		*cause;
	size_t		 i;

	if (!proc_names_ok(ctx, w, n))
		return (CMD_FAIL);
	for (i = 1; i < n; i++) {
		if (engine_spawn(ctx->e, w[i].s, &cause) == -1) {
			cmd_fail(ctx, &w[i], "spawn: %s", cause);
			free(cause);
			return (CMD_FAIL);
		}
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_spawn_entry = {
	.name = "spawn",
	.help = "Fork a real process for each NAME.  Each gets a mailbox @NAME.",
	.example = "spawn A B C",
	.min_args = 1, .max_args = -1,
	.args = { A_NAME }, .rest = true,
	.exec = cmd_spawn_exec,
};

static enum cmd_result
cmd_kill_exec(struct ctx *ctx, struct args *a)
{
	char	*cause;
	int	 sig;

	sig = a->nv > 1 ? a->v[1].sig : SIGTERM;
	if (engine_kill(ctx->e, a->v[0].w->s, sig, &cause) == -1) {
		cmd_fail(ctx, a->v[0].w, "kill: %s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.help = "Send SIGNAL (default TERM) to process PROC from ipcplay "
	    "itself, as kill(1) would.",
	.example = "kill B KILL",
	.min_args = 1, .max_args = 2,
	.args = { A_PROC, A_SIGNAL },
	.exec = cmd_kill_exec,
};

static enum cmd_result
cmd_reset_exec(struct ctx *ctx, struct args *a)
{
	(void)a;
	engine_reset(ctx->e);
	run_reset(ctx);
	return (CMD_OK);
}

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.help = "An empty playground again without leaving: every process is "
	    "ended and every channel gone; random choices start again from "
	    "the seed.  Never abbreviated.",
	.example = "reset",
	.whole = true,
	.min_args = 0, .max_args = 0,
	.exec = cmd_reset_exec,
};

/*
 * Run an operation for w[0] and report its failure.  The command fails
 * only if the operation's own event says "error".
 */
enum cmd_result
op_run(struct ctx *ctx, struct word *w, struct op_request *rq)
{
	char		*cause;
	enum cmd_result	 r = CMD_OK;
	if (ctx->capture) {
		op_request_free(ctx->captured);
		ctx->captured = op_request_dup(rq, true);
		return (CMD_OK);
	}
	if (ctx->dry)
		return (CMD_OK);
	/*
	 * Every wait comes from an operation, and each says where it is
	 * from: a program's line (runner.c), or none when typed.
	 */
	if (!ctx->in_program)
		(void)engine_proc_where(ctx->e, w[0].s, NULL, 0);
	if (ctx->nosettle) {
		/* A free run: the outcome comes later, as events. */
		if (engine_submit(ctx->e, w[0].s, rq, &cause) == -1) {
			cmd_fail(ctx, &w[0], "%s %s%s%s: %s", w[0].s, w[1].s,
			    rq->chanspec != NULL ? " " : "",
			    rq->chanspec != NULL ? rq->chanspec : "", cause);
			free(cause);
			return (CMD_FAIL);
		}
		return (CMD_OK);
	}
	ctx->watch_proc = w[0].s;
	ctx->watch_failed = false;
	if (engine_submit(ctx->e, w[0].s, rq, &cause) == -1) {
		/* Refused: the cause says more than the event's status. */
		ctx->watch_proc = NULL;
		ctx->watch_failed = false;
		free(ctx->watch_error);
		ctx->watch_error = NULL;
		cmd_fail(ctx, &w[0], "%s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	engine_settle(ctx->e);
	if (ctx->watch_failed) {
		const char *sugg = NULL;
		size_t i;

		/* A typo in a channel name: name the nearest one. */
		for (i = 0; i < rq->nchans && sugg == NULL; i++) {
			if (strcmp(ctx->watch_error, "no such channel") == 0 &&
			    !engine_is_chan(ctx->e, rq->chans[i]))
				sugg = name_suggest(ctx, rq->chans[i], false);
		}
		r = cmd_fail(ctx, &w[1], "%s %s%s%s: %s%s%s%s", w[0].s, w[1].s,
		    rq->chanspec != NULL ? " " : "",
		    rq->chanspec != NULL ? rq->chanspec : "",
		    ctx->watch_error, sugg != NULL ? "; did you mean " : "",
		    sugg != NULL ? sugg : "", sugg != NULL ? "?" : "");
		free(ctx->watch_error);
		ctx->watch_error = NULL;
	}
	ctx->watch_proc = NULL;
	ctx->watch_failed = false;
	return (r);
}

/* The options of the operations. */
static const struct cmd_opt send_opts[] = {
	OPT_NONBLOCK, OPT_TIMEOUT, OPT_FLAG("--atomic"),
	{ "--size", A_NUMBER, "N", 1, MSG_LEN_MAX, "--size", NULL, NULL },
	OPT_END
};
static const struct cmd_opt call_opts[] = { OPT_TIMEOUT, OPT_END };
static const struct cmd_opt recv_opts[] = {
	OPT_NONBLOCK, OPT_TIMEOUT,
	{ "--max", A_NUMBER, "N", 1, MSG_LEN_MAX, "--max", NULL, NULL },
	OPT_END
};
static const struct cmd_opt poll_opts[] = {
	OPT_FLAG("-w"), OPT_NONBLOCK, OPT_TIMEOUT, OPT_END
};

/* The options an operation was given, into its request. */
static void
op_options(const struct args *a, struct op_request *rq)
{
	const struct arg_opt	*o;

	rq->timeout_ms = -1;
	rq->nonblock = args_opt(a, "-n") != NULL;
	rq->atomic = args_opt(a, "--atomic") != NULL;
	rq->writable = args_opt(a, "-w") != NULL;
	if ((o = args_opt(a, "--timeout")) != NULL)
		rq->timeout_ms = (int)o->num;
	if ((o = args_opt(a, "--max")) != NULL)
		rq->max = (size_t)o->num;
	if ((o = args_opt(a, "--size")) != NULL)
		rq->size = (size_t)o->num;
}

/*
 * "c1,c2,c3" into names; each must be a name or @name, and a list names
 * at most CHAN_LIST_MAX channels (poll(2) itself stops at RLIMIT_NOFILE).
 */
#define CHAN_LIST_MAX	1024

static int
split_chans(struct ctx *ctx, struct word *w, char ***out, size_t *nout)
{
	char		*s, *tok, *save = NULL, **v = NULL;
	size_t		 n = 0, commas = 0;
	const char	*p;

	for (p = w->s; (p = strchr(p, ',')) != NULL; p++)
		commas++;
	if (w->s[0] == ',' || (w->len > 0 && w->s[w->len - 1] == ',') ||
	    strstr(w->s, ",,") != NULL) {
		cmd_fail(ctx, w, "a list of channels with an empty name in it: "
		    "'%s'", w->s);
		return (-1);
	}
	if (commas >= CHAN_LIST_MAX) {
		cmd_fail(ctx, w, "a list names at most %d channels (this one "
		    "has %zu)", CHAN_LIST_MAX, commas + 1);
		return (-1);
	}
	s = xstrdup(w->s);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!name_valid(tok[0] == '@' ? tok + 1 : tok)) {
			cmd_fail(ctx, w, "bad channel name '%s'", tok);
			strv_free(v, n);
			free(s);
			return (-1);
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(tok);
	}
	free(s);
	if (n == 0) {
		cmd_fail(ctx, w, "no channel named");
		return (-1);
	}
	*out = v;
	*nout = n;
	return (0);
}

/* send, and call (an L4 call is a send that waits for its answer). */
static enum cmd_result
cmd_send_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	 rq;
	struct word		*pos[2] = { a->v[0].w, a->v[1].w };
	size_t			 i;
	enum cmd_result		 r;
	unsigned char		*big = NULL;

	memset(&rq, 0, sizeof(rq));
	rq.kind = a->ce == &cmd_call_entry ? OP_CALL : OP_SEND;
	op_options(a, &rq);
	if (pos[1]->len > MSG_LEN_MAX)
		return (cmd_fail(ctx, pos[1], "message too long (%zu bytes, "
		    "at most %d)", pos[1]->len, MSG_LEN_MAX));
	if (split_chans(ctx, pos[0], &rq.chans, &rq.nchans) == -1)
		return (CMD_FAIL);
	if (rq.atomic && rq.nchans < 2) {
		strv_free(rq.chans, rq.nchans);
		return (cmd_fail(ctx, pos[0], "--atomic needs several channels "
		    "(c1,c2,...)"));
	}
	rq.chanspec = pos[0]->s;
	rq.msg = (const unsigned char *)pos[1]->s;
	rq.len = pos[1]->len;
	if (rq.size > 0) {
		/* MSG again and again, cut at N bytes: a 4 KiB write. */
		if (rq.len == 0) {
			strv_free(rq.chans, rq.nchans);
			return (cmd_fail(ctx, pos[1], "--size repeats the "
			    "message, which is empty"));
		}
		big = xmalloc(rq.size);
		for (i = 0; i < rq.size; i++)
			big[i] = (unsigned char)pos[1]->s[i % pos[1]->len];
		rq.msg = big;
		rq.len = rq.size;
	}
	r = op_run(ctx, a->w, &rq);
	free(big);
	strv_free(rq.chans, rq.nchans);
	return (r);
}

const struct cmd_entry cmd_send_entry = {
	.name = "send",
	.help = "PROC sends MSG on CHAN (a channel or a mailbox @NAME); it "
	    "blocks while CHAN cannot take it.  -n returns at once instead; "
	    "--timeout gives up after MS milliseconds.  Several channels get "
	    "the message in turn; with --atomic all or none.  --size N sends "
	    "N bytes: MSG repeated, cut at N (to fill a pipe).",
	.example = "A send c1 \"hello\"",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_CHAN_SEND, A_MSG }, .meta = { "CHAN[,CHAN...]" },
	.opts = send_opts,
	.exec = cmd_send_exec,
};

/*
 * The L4 operations.  call: send on a rendezvous channel and wait for the
 * answer in one step (cmd_send_exec); reply: answer the call received
 * last; reply-recv: answer, then wait for the next call (an L4 server's
 * loop).
 */
const struct cmd_entry cmd_call_entry = {
	.name = "call",
	.help = "L4 call: PROC sends MSG on the rendezvous channel CHAN and, "
	    "in the same step, waits for the answer; the process that "
	    "receives the call may answer it once with reply.  No window "
	    "between the send and the wait.",
	.example = "C call srv \"get 7\"",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_CHAN_SEND, A_MSG }, .meta = { "CHAN" }, .opts = call_opts,
	.exec = cmd_send_exec,
};

static enum cmd_result
cmd_reply_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	struct op_request	 rq;
	enum cmd_result		 r;
	bool			 recv;
	struct word		*m;

	recv = a->ce == &cmd_replyrecv_entry;
	m = a->v[recv ? 1 : 0].w;
	memset(&rq, 0, sizeof(rq));
	rq.kind = recv ? OP_REPLYRECV : OP_REPLY;
	rq.timeout_ms = -1;
	if (m->len > MSG_LEN_MAX)
		return (cmd_fail(ctx, m, "message too long (%zu bytes, at "
		    "most %d)", m->len, MSG_LEN_MAX));
	if (recv) {
		if (split_chans(ctx, &w[2], &rq.chans, &rq.nchans) == -1)
			return (CMD_FAIL);
		if (rq.nchans != 1) {
			strv_free(rq.chans, rq.nchans);
			return (cmd_fail(ctx, &w[2], "reply-recv waits on one "
			    "channel"));
		}
		rq.chanspec = w[2].s;
	}
	rq.msg = (const unsigned char *)m->s;
	rq.len = m->len;
	r = op_run(ctx, w, &rq);
	strv_free(rq.chans, rq.nchans);
	return (r);
}

const struct cmd_entry cmd_reply_entry = {
	.name = "reply",
	.help = "Answer the call PROC received last: the caller, which has "
	    "been waiting since its call, gets MSG.  A call is answered once.",
	.example = "S reply \"7 is prime\"",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_MSG },
	.exec = cmd_reply_exec,
};

const struct cmd_entry cmd_replyrecv_entry = {
	.name = "reply-recv",
	.help = "L4 ReplyRecv: answer the call PROC received last, then wait "
	    "for the next call on CHAN, in one step: an L4 server's loop.",
	.example = "S reply-recv srv \"7 is prime\"",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_CHAN_RECV, A_MSG }, .meta = { "CHAN" },
	.exec = cmd_reply_exec,
};

static enum cmd_result
cmd_recv_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	 rq;
	struct word		*ch;
	enum cmd_result		 r;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_RECV;
	op_options(a, &rq);
	if (a->nv == 1) {
		ch = a->v[0].w;
		if (split_chans(ctx, ch, &rq.chans, &rq.nchans) == -1)
			return (CMD_FAIL);
		if (rq.nchans > 1) {
			strv_free(rq.chans, rq.nchans);
			return (cmd_fail(ctx, ch, "recv takes one channel; "
			    "use poll to wait on several"));
		}
		rq.chanspec = ch->s;
	}
	r = op_run(ctx, a->w, &rq);
	strv_free(rq.chans, rq.nchans);
	return (r);
}

const struct cmd_entry cmd_recv_entry = {
	.name = "recv",
	.help = "PROC receives from CHAN (default: its own mailbox); it "
	    "blocks while there is nothing to take.  --max N takes at most N "
	    "bytes (a longer datagram is truncated, and says so).",
	.example = "B recv c1",
	.min_args = 0, .max_args = 1, .proc_op = true,
	.args = { A_CHAN_RECV }, .meta = { "CHAN" }, .opts = recv_opts,
	.exec = cmd_recv_exec,
};

static enum cmd_result
cmd_poll_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	 rq;
	size_t			 i, j, k;
	enum cmd_result		 r;
	char			**v, *spec;
	struct sb		 b;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_POLL;
	op_options(a, &rq);
	sb_init(&b);
	for (i = 0; i < a->nv; i++) {
		if (split_chans(ctx, a->v[i].w, &v, &k) == -1) {
			strv_free(rq.chans, rq.nchans);
			sb_free(&b);
			return (CMD_FAIL);
		}
		if (rq.nchans + k > CHAN_LIST_MAX) {
			strv_free(v, k);
			strv_free(rq.chans, rq.nchans);
			sb_free(&b);
			return (cmd_fail(ctx, a->v[i].w, "a poll names at most %d "
			    "channels", CHAN_LIST_MAX));
		}
		rq.chans = xreallocarray(rq.chans, rq.nchans + k,
		    sizeof(*rq.chans));
		for (j = 0; j < k; j++) {
			rq.chans[rq.nchans++] = v[j];
			sb_printf(&b, "%s%s", b.len > 0 ? "," : "", v[j]);
		}
		free(v);
	}
	spec = sb_take(&b);
	rq.chanspec = spec;
	r = op_run(ctx, a->w, &rq);
	strv_free(rq.chans, rq.nchans);
	free(spec);
	return (r);
}

const struct cmd_entry cmd_poll_entry = {
	.name = "poll",
	.help = "PROC waits until any CHAN is readable (with -w: writable) "
	    "and reports the ready set; it never takes a message.  The heart "
	    "of an event loop.",
	.example = "S poll c1 c2 c3",
	.min_args = 1, .max_args = 31, .proc_op = true,
	.args = { A_CHAN_RECV }, .rest = true, .meta = { "CHAN" },
	.opts = poll_opts,
	.exec = cmd_poll_exec,
};

static enum cmd_result
cmd_signal_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	rq;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_SIGNAL;
	rq.timeout_ms = -1;
	rq.sig = a->nv > 1 ? a->v[1].sig : SIGUSR1;
	rq.target = a->v[0].w->s;	/* it exists: cmd_parse checked */
	return (op_run(ctx, a->w, &rq));
}

const struct cmd_entry cmd_signal_entry = {
	.name = "signal",
	.help = "PROC sends a real signal (default USR1) to TARGET's pid with "
	    "kill(2): addressing a process directly.  TARGET reports what it "
	    "caught and from whom.",
	.example = "A signal B USR1",
	.min_args = 1, .max_args = 2, .proc_op = true,
	.args = { A_PROC, A_SIGNAL }, .meta = { "TARGET" },
	.exec = cmd_signal_exec,
};

static enum cmd_result
cmd_mask_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	rq;

	memset(&rq, 0, sizeof(rq));
	rq.kind = a->ce == &cmd_mask_entry ? OP_MASK : OP_UNMASK;
	rq.timeout_ms = -1;
	rq.sig = a->v[0].sig;
	return (op_run(ctx, a->w, &rq));
}

const struct cmd_entry cmd_mask_entry = {
	.name = "mask",
	.help = "Block SIGNAL in PROC (sigprocmask): it stays pending.  A "
	    "standard signal sent twice meanwhile is delivered once; a "
	    "real-time one (RTMIN+N) is queued each time.",
	.example = "B mask USR1",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_SIGNAL },
	.exec = cmd_mask_exec,
};

const struct cmd_entry cmd_unmask_entry = {
	.name = "unmask",
	.help = "Unblock SIGNAL in PROC; pending signals are delivered now.",
	.example = "B unmask USR1",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_SIGNAL },
	.exec = cmd_mask_exec,
};

static enum cmd_result
cmd_exit_exec(struct ctx *ctx, struct args *a)
{
	struct op_request	rq;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_EXIT;
	rq.timeout_ms = -1;
	rq.code = a->nv > 0 ? (int)a->v[0].num : 0;
	return (op_run(ctx, a->w, &rq));
}

const struct cmd_entry cmd_exit_entry = {
	.name = "exit",
	.help = "PROC calls _exit(CODE) (default 0).  Its peers see the "
	    "consequences: broken channel, end of channel.",
	.example = "B exit 3",
	.min_args = 0, .max_args = 1, .proc_op = true,
	.args = { A_NUMBER }, .meta = { "CODE" },
	.range = { 0, 255, "exit code" },
	.exec = cmd_exit_exec,
};
