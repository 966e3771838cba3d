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

static const char send_usage[] =
    "PROC send CHAN[,CHAN...] MSG [-n] [--timeout MS] [--atomic] "
    "[--size N]";

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
cmd_spawn_exec(struct ctx *ctx, struct word *w, size_t n)
{
	char	*cause;
	size_t	 i;

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
	.usage = "spawn NAME...",
	.help = "Fork a real process for each NAME.  Each gets a mailbox @NAME.",
	.example = "spawn A B C",
	.min_args = 1, .max_args = -1,
	.args = { A_NAME }, .rest = true,
	.exec = cmd_spawn_exec,
};

static int
signal_word(struct ctx *ctx, const struct word *w, int *sig)
{
	if ((*sig = sig_parse(w->s)) == -1) {
		cmd_fail(ctx, w, "unknown signal '%s' (e.g. TERM, USR1, "
		    "RTMIN+1, 15)", w->s);
		return (-1);
	}
	return (0);
}

static enum cmd_result
cmd_kill_exec(struct ctx *ctx, struct word *w, size_t n)
{
	char	*cause;
	int	 sig = SIGTERM;

	if (n > 2 && signal_word(ctx, &w[2], &sig) == -1)
		return (CMD_FAIL);
	if (engine_kill(ctx->e, w[1].s, sig, &cause) == -1) {
		cmd_fail(ctx, &w[1], "kill: %s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.usage = "kill NAME [SIGNAL]",
	.help = "Send SIGNAL (default TERM) to process NAME from ipcplay "
	    "itself, as kill(1) would.",
	.example = "kill B KILL",
	.min_args = 1, .max_args = 2,
	.args = { A_PROC, A_SIGNAL },
	.exec = cmd_kill_exec,
};

static enum cmd_result
cmd_reset_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)w;
	(void)n;
	engine_reset(ctx->e);
	run_reset(ctx);
	return (CMD_OK);
}

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.usage = "reset",
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

/* The options of the operations, for completion. */
static const char *const send_opts[] = { "-n", "--timeout", "--atomic",
    "--size", NULL };
static const char *const timeout_opts[] = { "--timeout", NULL };
static const char *const recv_opts[] = { "-n", "--timeout", "--max", NULL };
static const char *const poll_opts[] = { "-w", "-n", "--timeout", NULL };

/* Does the operation take option s?  Its table entry says, for all. */
static bool
op_takes(const struct cmd_entry *ce, const char *s)
{
	size_t	i;

	for (i = 0; ce != NULL && ce->opts != NULL && ce->opts[i] != NULL;
	    i++) {
		if (strcmp(ce->opts[i], s) == 0)
			return (true);
	}
	return (false);
}

/*
 * Options of an operation, anywhere after the operation word, as its
 * table entry lists them (completion reads the same list).  A quoted
 * word is never an option, so a message may begin with '-' when quoted.
 */
static int
op_options(struct ctx *ctx, struct word *w, size_t n, struct op_request *rq,
    struct word **pos, size_t maxpos, size_t *npos)
{
	const struct cmd_entry	*ce;
	size_t			 i;
	long long		 v;

	ce = op_lookup(w[1].s);
	*npos = 0;
	rq->timeout_ms = -1;
	for (i = 2; i < n; i++) {
		if (w[i].quoted || w[i].s[0] != '-' || w[i].s[1] == '\0') {
			if (*npos == maxpos) {
				cmd_fail(ctx, &w[i], "%s: too many arguments "
				    "(a message with blanks needs quotes)",
				    w[1].s);
				return (-1);
			}
			pos[(*npos)++] = &w[i];
			continue;
		}
		if (!op_takes(ce, w[i].s)) {
			cmd_fail(ctx, &w[i], "unknown option '%s' for %s (quote "
			    "a message that starts with '-')", w[i].s, w[1].s);
			return (-1);
		}
		if (strcmp(w[i].s, "-n") == 0)
			rq->nonblock = true;
		else if (strcmp(w[i].s, "--atomic") == 0)
			rq->atomic = true;
		else if (strcmp(w[i].s, "-w") == 0)
			rq->writable = true;
		else if (strcmp(w[i].s, "--timeout") == 0) {
			if (i + 1 >= n) {
				cmd_fail(ctx, &w[i], "--timeout needs a number "
				    "of milliseconds");
				return (-1);
			}
			if (parse_uint(ctx, &w[++i], 0, 3600000, "timeout",
			    &v) == -1)
				return (-1);
			rq->timeout_ms = (int)v;
		} else if (strcmp(w[i].s, "--max") == 0) {
			if (i + 1 >= n) {
				cmd_fail(ctx, &w[i], "--max needs a number of "
				    "bytes");
				return (-1);
			}
			if (parse_uint(ctx, &w[++i], 1, MSG_LEN_MAX, "--max",
			    &v) == -1)
				return (-1);
			rq->max = (size_t)v;
		} else if (strcmp(w[i].s, "--size") == 0) {
			if (i + 1 >= n) {
				cmd_fail(ctx, &w[i], "--size needs a number of "
				    "bytes");
				return (-1);
			}
			if (parse_uint(ctx, &w[++i], 1, MSG_LEN_MAX, "--size",
			    &v) == -1)
				return (-1);
			rq->size = (size_t)v;
		}
	}
	if (rq->nonblock && rq->timeout_ms >= 0) {
		cmd_fail(ctx, &w[1], "-n and --timeout do not go together");
		return (-1);
	}
	return (0);
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
cmd_send_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	 rq;
	struct word		*pos[8];
	size_t			 npos, i;
	enum cmd_result		 r;
	unsigned char		*big = NULL;
	bool			 call;

	call = strcmp(w[1].s, "call") == 0;
	memset(&rq, 0, sizeof(rq));
	rq.kind = call ? OP_CALL : OP_SEND;
	if (n > 12)
		return (cmd_fail(ctx, &w[12], "%s: too many arguments",
		    w[1].s));
	if (op_options(ctx, w, n, &rq, pos, sizeof(pos) / sizeof(pos[0]),
	    &npos) == -1)
		return (CMD_FAIL);
	if (npos != 2)
		return (cmd_fail(ctx, npos > 2 ? pos[2] : &w[1], "%s needs a "
		    "channel and one message (quote a message with blanks): "
		    "%s", w[1].s, call ? "PROC call CHAN MSG [--timeout MS]" :
		    send_usage));
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
	r = op_run(ctx, w, &rq);
	free(big);
	strv_free(rq.chans, rq.nchans);
	return (r);
}

const struct cmd_entry cmd_send_entry = {
	.name = "send",
	.usage = send_usage,
	.help = "PROC sends MSG on CHAN (a channel or a mailbox @NAME); it "
	    "blocks while CHAN cannot take it.  -n returns at once instead; "
	    "--timeout gives up after MS milliseconds.  Several channels get "
	    "the message in turn; with --atomic all or none.  --size N sends "
	    "N bytes: MSG repeated, cut at N (to fill a pipe).",
	.example = "A send c1 \"hello\"",
	.min_args = 2, .max_args = 9, .proc_op = true,
	.args = { A_CHAN_SEND, A_MSG }, .opts = send_opts,
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
	.usage = "PROC call CHAN MSG [--timeout MS]",
	.help = "L4 call: PROC sends MSG on the rendezvous channel CHAN and, "
	    "in the same step, waits for the answer; the process that "
	    "receives the call may answer it once with reply.  No window "
	    "between the send and the wait.",
	.example = "C call srv \"get 7\"",
	.min_args = 2, .max_args = 4, .proc_op = true,
	.args = { A_CHAN_SEND, A_MSG }, .opts = timeout_opts,
	.exec = cmd_send_exec,
};

static enum cmd_result
cmd_reply_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	 rq;
	enum cmd_result		 r;
	bool			 recv;
	struct word		*m;

	recv = strcmp(w[1].s, "reply-recv") == 0;
	m = &w[recv ? 3 : 2];
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
	.usage = "PROC reply MSG",
	.help = "Answer the call PROC received last: the caller, which has "
	    "been waiting since its call, gets MSG.  A call is answered once.",
	.example = "S reply \"7 is prime\"",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_MSG },
	.exec = cmd_reply_exec,
};

const struct cmd_entry cmd_replyrecv_entry = {
	.name = "reply-recv",
	.usage = "PROC reply-recv CHAN MSG",
	.help = "L4 ReplyRecv: answer the call PROC received last, then wait "
	    "for the next call on CHAN, in one step: an L4 server's loop.",
	.example = "S reply-recv srv \"7 is prime\"",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_CHAN_RECV, A_MSG },
	.exec = cmd_reply_exec,
};

static enum cmd_result
cmd_recv_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	 rq;
	struct word		*pos[8];
	size_t			 npos;
	enum cmd_result		 r;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_RECV;
	if (n > 9)
		return (cmd_fail(ctx, &w[9], "recv: too many arguments"));
	if (op_options(ctx, w, n, &rq, pos, sizeof(pos) / sizeof(pos[0]),
	    &npos) == -1)
		return (CMD_FAIL);
	if (npos > 1)
		return (cmd_fail(ctx, pos[1], "recv takes one channel"));
	if (npos == 1) {
		if (split_chans(ctx, pos[0], &rq.chans, &rq.nchans) == -1)
			return (CMD_FAIL);
		if (rq.nchans > 1) {
			strv_free(rq.chans, rq.nchans);
			return (cmd_fail(ctx, pos[0], "recv takes one channel; "
			    "use poll to wait on several"));
		}
		rq.chanspec = pos[0]->s;
	}
	r = op_run(ctx, w, &rq);
	strv_free(rq.chans, rq.nchans);
	return (r);
}

const struct cmd_entry cmd_recv_entry = {
	.name = "recv",
	.usage = "PROC recv [CHAN] [-n] [--timeout MS] [--max N]",
	.help = "PROC receives from CHAN (default: its own mailbox); it "
	    "blocks while there is nothing to take.  --max N takes at most N "
	    "bytes (a longer datagram is truncated, and says so).",
	.example = "B recv c1",
	.min_args = 0, .max_args = 6, .proc_op = true,
	.args = { A_CHAN_RECV }, .opts = recv_opts,
	.exec = cmd_recv_exec,
};

static enum cmd_result
cmd_poll_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	 rq;
	struct word		*pos[32];
	size_t			 npos, i, j, k;
	enum cmd_result		 r;
	char			**v, *spec;
	struct sb		 b;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_POLL;
	if (n > 32)
		return (cmd_fail(ctx, &w[32], "poll: too many arguments"));
	if (op_options(ctx, w, n, &rq, pos, sizeof(pos) / sizeof(pos[0]),
	    &npos) == -1)
		return (CMD_FAIL);
	if (npos == 0)
		return (cmd_fail(ctx, &w[1], "poll needs at least one "
		    "channel"));
	sb_init(&b);
	for (i = 0; i < npos; i++) {
		if (split_chans(ctx, pos[i], &v, &k) == -1) {
			strv_free(rq.chans, rq.nchans);
			sb_free(&b);
			return (CMD_FAIL);
		}
		if (rq.nchans + k > CHAN_LIST_MAX) {
			strv_free(v, k);
			strv_free(rq.chans, rq.nchans);
			sb_free(&b);
			return (cmd_fail(ctx, pos[i], "a poll names at most %d "
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
	r = op_run(ctx, w, &rq);
	strv_free(rq.chans, rq.nchans);
	free(spec);
	return (r);
}

const struct cmd_entry cmd_poll_entry = {
	.name = "poll",
	.usage = "PROC poll CHAN... [-w] [-n] [--timeout MS]",
	.help = "PROC waits until any CHAN is readable (with -w: writable) "
	    "and reports the ready set; it never takes a message.  The heart "
	    "of an event loop.",
	.example = "S poll c1 c2 c3",
	.min_args = 1, .max_args = 31, .proc_op = true,
	.args = { A_CHAN_RECV }, .rest = true, .opts = poll_opts,
	.exec = cmd_poll_exec,
};

static enum cmd_result
cmd_signal_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	rq;
	int			sig = SIGUSR1;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_SIGNAL;
	rq.timeout_ms = -1;
	if (n > 3 && signal_word(ctx, &w[3], &sig) == -1)
		return (CMD_FAIL);
	rq.sig = sig;	/* the target exists: cmd_exec checked */
	rq.target = w[2].s;
	return (op_run(ctx, w, &rq));
}

const struct cmd_entry cmd_signal_entry = {
	.name = "signal",
	.usage = "PROC signal TARGET [SIG]",
	.help = "PROC sends a real signal (default USR1) to TARGET's pid with "
	    "kill(2): addressing a process directly.  TARGET reports what it "
	    "caught and from whom.",
	.example = "A signal B USR1",
	.min_args = 1, .max_args = 2, .proc_op = true,
	.args = { A_PROC, A_SIGNAL },
	.exec = cmd_signal_exec,
};

static enum cmd_result
mask_exec(struct ctx *ctx, struct word *w, enum op_kind k)
{
	struct op_request	rq;
	int			sig;

	memset(&rq, 0, sizeof(rq));
	rq.kind = k;
	rq.timeout_ms = -1;
	if (signal_word(ctx, &w[2], &sig) == -1)
		return (CMD_FAIL);
	rq.sig = sig;
	return (op_run(ctx, w, &rq));
}

static enum cmd_result
cmd_mask_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)n;
	return (mask_exec(ctx, w, OP_MASK));
}

static enum cmd_result
cmd_unmask_exec(struct ctx *ctx, struct word *w, size_t n)
{
	(void)n;
	return (mask_exec(ctx, w, OP_UNMASK));
}

const struct cmd_entry cmd_mask_entry = {
	.name = "mask",
	.usage = "PROC mask SIG",
	.help = "Block SIG in PROC (sigprocmask): it stays pending.  A "
	    "standard signal sent twice meanwhile is delivered once; a "
	    "real-time one (RTMIN+N) is queued each time.",
	.example = "B mask USR1",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_SIGNAL },
	.exec = cmd_mask_exec,
};

const struct cmd_entry cmd_unmask_entry = {
	.name = "unmask",
	.usage = "PROC unmask SIG",
	.help = "Unblock SIG in PROC; pending signals are delivered now.",
	.example = "B unmask USR1",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_SIGNAL },
	.exec = cmd_unmask_exec,
};

static enum cmd_result
cmd_exit_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	rq;
	long long		code = 0;

	memset(&rq, 0, sizeof(rq));
	rq.kind = OP_EXIT;
	rq.timeout_ms = -1;
	if (n > 2 && parse_uint(ctx, &w[2], 0, 255, "exit code", &code) == -1)
		return (CMD_FAIL);
	rq.code = (int)code;
	return (op_run(ctx, w, &rq));
}

const struct cmd_entry cmd_exit_entry = {
	.name = "exit",
	.usage = "PROC exit [CODE]",
	.help = "PROC calls _exit(CODE) (default 0).  Its peers see the "
	    "consequences: broken channel, end of channel.",
	.example = "B exit 3",
	.min_args = 0, .max_args = 1, .proc_op = true,
	.args = { A_NUMBER },
	.exec = cmd_exit_exec,
};
