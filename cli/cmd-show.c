/*
 * Looking inside: ps, channels, chan, status, trace, stats (the deadlock
 * and the wait-for graph are cmd-graph.c's).
 * Each prints a table for people or, under --json, one object whose type
 * is the command's name.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

static const char *
kstate_word(char k)
{
	switch (k) {
	case 'S':
		return ("S (sleeping)");
	case 'R':
		return ("R (running)");
	case 'D':
		return ("D (disk sleep)");
	case 'Z':
		return ("Z (zombie)");
	case 'T':
		return ("T (stopped)");
	default:
		return ("-");
	}
}

static void
json_proc(struct sb *b, const struct proc_info *pi)
{
	char	*s, sbuf[32];

	sb_printf(b, "{\"name\":\"%s\",\"pid\":%ld,\"state\":\"%s\"",
	    pi->name, (long)pi->pid, proc_state_name(pi->state));
	if (pi->op != OP_NONE && pi->state != PS_EXITED)
		sb_printf(b, ",\"op\":\"%s\",\"chan\":\"%s\"", op_name(pi->op),
		    pi->chan != NULL ? pi->chan : "");
	if (pi->callee != NULL)
		sb_printf(b, ",\"reply_from\":\"%s\"", pi->callee);
	sb_printf(b, ",\"kstate\":\"%c\"", pi->kstate);
	if (pi->wchan[0] != '\0')
		sb_printf(b, ",\"wchan\":\"%s\"", pi->wchan);
	if (pi->syscall[0] != '\0')
		sb_printf(b, ",\"syscall\":\"%s\"", pi->syscall);
	if (pi->state == PS_EXITED) {
		if (pi->exit_code == -1)
			sb_printf(b, ",\"signal\":\"%s\"", sig_name(pi->exit_sig,
			    sbuf, sizeof(sbuf)));
		else
			sb_printf(b, ",\"code\":%d", pi->exit_code);
	}
	if (pi->has_last) {
		s = json_str(pi->last, pi->last_len);
		sb_printf(b, ",\"last\":%s", s);
		free(s);
	}
	sb_puts(b, "}");
}

static void
show_ps(struct ctx *ctx, struct sb *jb)
{
	struct proc_info	pi;
	size_t			i;
	char			what[64], sbuf[32];

	engine_settle_kstates(ctx->e);
	if (jb == NULL)
		out_printf(ctx, "%-16s %7s  %-8s %-20s %s\n", "NAME", "PID",
		    "STATE", "WAITING ON", "KERNEL");
	else
		sb_puts(jb, ",\"procs\":[");
	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (jb != NULL) {
			if (i > 0)
				sb_puts(jb, ",");
			json_proc(jb, &pi);
			continue;
		}
		what[0] = '\0';
		if (pi.callee != NULL)
			snprintf(what, sizeof(what), "reply from %s",
			    pi.callee);
		else if (pi.state == PS_BLOCKED || pi.state == PS_BUSY)
			snprintf(what, sizeof(what), "%s %s", op_name(pi.op),
			    pi.chan != NULL ? pi.chan : "");
		else if (pi.state == PS_EXITED) {
			if (pi.exit_code == -1)
				snprintf(what, sizeof(what), "killed by %s",
				    sig_name(pi.exit_sig, sbuf, sizeof(sbuf)));
			else
				snprintf(what, sizeof(what), "code %d",
				    pi.exit_code);
		}
		out_printf(ctx, "%-16s %7ld  %-8s %-20s %s%s%s%s%s%s\n",
		    pi.name, (long)pi.pid, proc_state_name(pi.state),
		    what[0] != '\0' ? what : "-", kstate_word(pi.kstate),
		    pi.wchan[0] != '\0' ? " in " : "", pi.wchan,
		    pi.syscall[0] != '\0' ? " (" : "", pi.syscall,
		    pi.syscall[0] != '\0' ? "(2))" : "");
	}
	if (jb != NULL)
		sb_puts(jb, "]");
}

static void
names_text(struct sb *b, const char **v, size_t n)
{
	size_t	i;

	if (n == 0) {
		sb_puts(b, "-");
		return;
	}
	for (i = 0; i < n; i++)
		sb_printf(b, "%s%s", i > 0 ? "," : "", v[i]);
}

static void	sb_pad(struct sb *, const char *, int);

/*
 * The names in at most width columns: as many as fit, then how many more
 * ("A,B,+28"), so thirty waiting senders keep the table a table.
 */
static void
names_cell(struct sb *b, const char **v, size_t n, size_t width)
{
	struct sb	t;
	size_t		i, used = 0, len;
	char		more[24];

	sb_init(&t);
	names_text(&t, v, n);
	if (strlen(t.s) <= width) {
		sb_pad(b, t.s, (int)width);
		sb_free(&t);
		return;
	}
	sb_free(&t);
	sb_init(&t);
	for (i = 0; i < n; i++) {
		snprintf(more, sizeof(more), "+%zu", n - i);
		len = strlen(v[i]) + 1;		/* and its comma */
		if (i > 0 && used + len + strlen(more) > width)
			break;		/* the first is shown whatever it takes */
		sb_printf(&t, "%s,", v[i]);
		used += len;
	}
	sb_printf(&t, "+%zu", n - i);
	sb_pad(b, t.s, (int)width);
	sb_free(&t);
}

static void
names_json(struct sb *b, const char *key, const char **v, size_t n)
{
	size_t	i;

	sb_printf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++)
		sb_printf(b, "%s\"%s\"", i > 0 ? "," : "", v[i]);
	sb_puts(b, "]");
}

static void
json_chan(struct sb *b, const struct chan_info *ci)
{
	char	 fbuf[32], *s;
	size_t	 i;

	sb_printf(b, "{\"chan\":\"%s\",\"buffering\":\"%s\"", ci->name,
	    ci->mechanism != MECH_MODELED ? "kernel" :
	    buffering_name(ci->buffering));
	kshow_json(b, ci);
	if (ci->capacity < 0)
		sb_puts(b, ",\"capacity\":null");
	else
		sb_printf(b, ",\"capacity\":%ld", ci->capacity);
	sb_printf(b, ",\"format\":\"%s\",\"delivery\":\"%s\",\"fill\":%zu,"
	    "\"bytes\":%zu", format_name(ci->format, ci->fixed_len, fbuf,
	    sizeof(fbuf)), delivery_name(ci->delivery), ci->fill, ci->bytes);
	sb_puts(b, ",\"msgs\":[");
	for (i = 0; i < ci->nmsgs; i++) {
		s = json_str(ci->msgs[i].data, ci->msgs[i].len);
		sb_printf(b, "%s%s", i > 0 ? "," : "", s);
		free(s);
	}
	sb_puts(b, "]");
	if (ci->buffering == BUF_REGISTER)
		sb_printf(b, ",\"version\":%llu",
		    (unsigned long long)ci->version);
	names_json(b, "senders", ci->senders, ci->nsenders);
	names_json(b, "receivers", ci->receivers, ci->nreceivers);
	names_json(b, "pollers", ci->pollers, ci->npollers);
	if (ci->nfrom > 0)
		names_json(b, "from", ci->from, ci->nfrom);
	if (ci->nto > 0)
		names_json(b, "to", ci->to, ci->nto);
	sb_printf(b, ",\"messages\":%llu,\"bytes_total\":%llu,\"copies\":%llu,"
	    "\"wakeups\":%llu,\"drops\":%llu,\"dups\":%llu,\"reorders\":%llu",
	    (unsigned long long)ci->c_messages,
	    (unsigned long long)ci->c_bytes,
	    (unsigned long long)ci->c_copies,
	    (unsigned long long)ci->c_wakeups,
	    (unsigned long long)ci->c_drops, (unsigned long long)ci->c_dups,
	    (unsigned long long)ci->c_reorders);
	sb_printf(b, ",\"tapped\":%s", ci->tapped ? "true" : "false");
	if (ci->filter != NULL) {
		s = json_str((const unsigned char *)ci->filter,
		    strlen(ci->filter));
		sb_printf(b, ",\"filter\":%s", s);
		free(s);
	}
	if (ci->nbalance > 0)
		names_json(b, "balance", ci->balance, ci->nbalance);
	sb_puts(b, "}");
}

/* "bounded 2/2", "unbounded 3", "register v4", "rendezvous". */
static void
chan_kind(struct sb *b, const struct chan_info *ci)
{
	char	buf[64];

	if (ci->mechanism != MECH_MODELED) {
		kshow_kind(buf, sizeof(buf), ci);
		sb_puts(b, buf);
		return;
	}
	switch (ci->buffering) {
	case BUF_BOUNDED:
		sb_printf(b, "bounded %zu/%ld", ci->fill, ci->capacity);
		break;
	case BUF_UNBOUNDED:
		sb_printf(b, "unbounded %zu", ci->fill);
		break;
	case BUF_REGISTER:
		sb_printf(b, "register v%llu", (unsigned long long)ci->version);
		break;
	case BUF_RENDEZVOUS:
		sb_puts(b, "rendezvous");
		break;
	}
}

/*
 * One message quoted, its text cut to at most cut columns as quoted, at
 * a character's end ("abc…").
 */
static char *
msg_shown(const struct msg_view *m, size_t cut)
{
	char	*q, *t;
	size_t	 k;

	if ((k = word_quote_fit(m->data, m->len, cut)) == m->len)
		return (word_quote(m->data, m->len));
	q = word_quote(m->data, k);
	q[strlen(q) - 1] = '\0';		/* the closing quote */
	xasprintf(&t, "%s%s\"", q, glyph(G_ELLIPSIS));
	free(q);
	return (t);
}

/*
 * A buffer's contents for a person in about width columns: the first
 * messages, each cut to at most cut columns, then how many more there are
 * ("… 2999 more").  A channel holding thousands of messages is one short
 * line, not thousands of bytes.  (JSON has them all.)
 */
static void
chan_contents(struct sb *b, const struct chan_info *ci, size_t cut,
    size_t width)
{
	struct sb	 t;
	char		*q, more[48];
	size_t		 i, used, room, ell;

	/* Everything, if it fits. */
	sb_init(&t);
	for (i = 0; i < ci->nmsgs; i++) {
		q = msg_shown(&ci->msgs[i], cut);
		sb_printf(&t, "%s%s", i > 0 ? " " : "", q);
		free(q);
		if (text_columns(t.s) + 2 > width)
			break;
	}
	if (i == ci->nmsgs) {
		sb_printf(b, "[%s]", t.s);
		sb_free(&t);
		return;
	}
	sb_free(&t);
	/* Otherwise as many as fit beside "… N more". */
	snprintf(more, sizeof(more), " %s %zu more", glyph(G_ELLIPSIS),
	    ci->nmsgs);
	room = width > text_columns(more) + 2 ? width - text_columns(more) - 2 : 0;
	sb_puts(b, "[");
	for (i = 0, used = 0; i < ci->nmsgs; i++) {
		q = msg_shown(&ci->msgs[i], cut);
		if (i == 0 && text_columns(q) > room) {
			/* The first message alone is too wide: shorter. */
			free(q);
			ell = text_columns(glyph(G_ELLIPSIS)) + 2;	/* and quotes */
			q = msg_shown(&ci->msgs[i], room > ell ? room - ell : 1);
		}
		if (i > 0 && used + 1 + text_columns(q) > room) {
			free(q);
			break;
		}
		sb_printf(b, "%s%s", i > 0 ? " " : "", q);
		used += (i > 0) + text_columns(q);
		free(q);
	}
	sb_printf(b, " %s %zu more]", glyph(G_ELLIPSIS), ci->nmsgs - i);
}

/*
 * s, then blanks to width columns and one more: a column of a table.
 * Columns, not bytes: "…" is three bytes and one column.
 */
static void
sb_pad(struct sb *b, const char *s, int width)
{
	int	cols = (int)text_columns(s);

	sb_puts(b, s);
	while (cols++ < width)
		sb_putc(b, ' ');
	sb_putc(b, ' ');
}

static bool
chan_interesting(const struct chan_info *ci)
{
	return (!ci->mailbox || ci->nmsgs > 0 || ci->nreceivers > 0 ||
	    ci->npollers > 0 || ci->c_messages > 0);
}

static void
show_channels(struct ctx *ctx, struct sb *jb)
{
	struct chan_info	ci;
	struct sb		b, k;
	size_t			i, shown = 0;
	char			fbuf[32];

	if (jb != NULL)
		sb_puts(jb, ",\"chans\":[");
	else
		out_printf(ctx, "%-17s %-16s %-9s %-20s %-8s %-8s %s\n",
		    "CHANNEL", "BUFFER", "FORMAT", "CONTENTS", "SENDERS",
		    "RECVRS", "COUNTERS");
	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		if (!chan_interesting(&ci)) {
			chan_info_free(&ci);
			continue;
		}
		if (jb != NULL) {
			if (shown++ > 0)
				sb_puts(jb, ",");
			json_chan(jb, &ci);
			chan_info_free(&ci);
			continue;
		}
		sb_init(&b);
		sb_printf(&b, "%-17s ", ci.name);
		sb_init(&k);
		chan_kind(&k, &ci);
		sb_printf(&b, "%-16s ", k.s);
		sb_free(&k);
		sb_printf(&b, "%-9s ", ci.mechanism == MECH_SHM ? "words" :
		    format_name(ci.format, ci.fixed_len, fbuf, sizeof(fbuf)));
		sb_init(&k);
		if (ci.mechanism != MECH_MODELED) {
			kshow_contents(fbuf, sizeof(fbuf), &ci);
			sb_puts(&k, fbuf);
		} else
			chan_contents(&k, &ci, 12, 20);
		sb_pad(&b, k.s, 20);
		sb_free(&k);
		names_cell(&b, ci.senders, ci.nsenders, 8);
		names_cell(&b, ci.receivers, ci.nreceivers, 8);
		sb_printf(&b, "msgs %llu copies %llu wakeups %llu",
		    (unsigned long long)ci.c_messages,
		    (unsigned long long)ci.c_copies,
		    (unsigned long long)ci.c_wakeups);
		out_printf(ctx, "%s\n", b.s);
		sb_free(&b);
		chan_info_free(&ci);
	}
	if (jb != NULL)
		sb_puts(jb, "]");
}

void
json_begin(struct ctx *ctx, struct sb *b, const char *type)
{
	sb_init(b);
	sb_printf(b, "{\"type\":\"%s\",\"seq\":%llu", type,
	    (unsigned long long)engine_next_seq(ctx->e));
}

void
json_end(struct ctx *ctx, struct sb *b)
{
	sb_puts(b, "}");
	out_raw(ctx, "%s\n", b->s);
	sb_free(b);
	fflush(ctx->out);
}

static enum cmd_result
cmd_ps_exec(struct ctx *ctx, struct args *a)
{
	struct sb	b;

	(void)a;
	if (ctx->json) {
		json_begin(ctx, &b, "ps");
		show_ps(ctx, &b);
		json_end(ctx, &b);
	} else
		show_ps(ctx, NULL);
	return (CMD_OK);
}

const struct cmd_entry cmd_ps_entry = {
	.name = "ps",
	.help = "List the processes: name, pid, state, what each waits on, "
	    "and the kernel's own state letter from /proc (S = asleep in "
	    "read(), really blocked).",
	.example = "ps",
	.min_args = 0, .max_args = 0,
	.exec = cmd_ps_exec,
};

static enum cmd_result
cmd_channels_exec(struct ctx *ctx, struct args *a)
{
	struct sb	b;

	(void)a;
	if (ctx->json) {
		json_begin(ctx, &b, "channels");
		show_channels(ctx, &b);
		json_end(ctx, &b);
	} else
		show_channels(ctx, NULL);
	return (CMD_OK);
}

const struct cmd_entry cmd_channels_entry = {
	.name = "channels",
	.help = "List the channels (and mailboxes in use): buffer fill, "
	    "contents, waiting senders and receivers, counters.",
	.example = "channels",
	.min_args = 0, .max_args = 0,
	.exec = cmd_channels_exec,
};

static enum cmd_result
cmd_chan_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	struct chan_info	 ci;
	struct sb		 b;
	char			 fbuf[32];

	if (!engine_chan_find(ctx->e, w[1].s, &ci))
		return (cmd_fail(ctx, &w[1], "no such channel: %s", w[1].s));
	if (ctx->json) {
		json_begin(ctx, &b, "chan");
		sb_puts(&b, ",\"info\":");
		json_chan(&b, &ci);
		json_end(ctx, &b);
		chan_info_free(&ci);
		return (CMD_OK);
	}
	sb_init(&b);
	sb_printf(&b, "%s: ", ci.name);
	if (ci.mechanism != MECH_MODELED) {
		kshow_chan(&b, &ci);
		out_printf(ctx, "%s\n", b.s);
		sb_free(&b);
		chan_info_free(&ci);
		return (CMD_OK);
	}
	chan_kind(&b, &ci);
	sb_printf(&b, ", %s, %s", format_name(ci.format, ci.fixed_len, fbuf,
	    sizeof(fbuf)), delivery_name(ci.delivery));
	if (ci.delivery == DEL_LOSSY)
		sb_printf(&b, " (drop %g, dup %g, reorder %g)", ci.drop,
		    ci.dup, ci.reorder);
	if (ci.buffering == BUF_UNBOUNDED)
		sb_printf(&b, ", max %zu bytes", ci.max_bytes);
	sb_puts(&b, "\n  from:      ");
	if (ci.mailbox)
		sb_puts(&b, "anyone");
	else if (ci.nfrom == 0)
		sb_puts(&b, "anyone");
	else
		names_text(&b, ci.from, ci.nfrom);
	sb_puts(&b, "\n  to:        ");
	if (ci.mailbox)
		sb_puts(&b, ci.name + 1);
	else if (ci.nto == 0)
		sb_puts(&b, "anyone");
	else
		names_text(&b, ci.to, ci.nto);
	sb_puts(&b, "\n  contents:  ");
	chan_contents(&b, &ci, 24, 64);
	sb_printf(&b, " (%zu bytes)", ci.bytes);
	sb_puts(&b, "\n  senders:   ");
	names_text(&b, ci.senders, ci.nsenders);
	sb_puts(&b, "\n  receivers: ");
	names_text(&b, ci.receivers, ci.nreceivers);
	sb_puts(&b, "\n  pollers:   ");
	names_text(&b, ci.pollers, ci.npollers);
	sb_printf(&b, "\n  counters:  messages %llu, bytes %llu, copies %llu, "
	    "wakeups %llu, drops %llu, dups %llu, reorders %llu",
	    (unsigned long long)ci.c_messages, (unsigned long long)ci.c_bytes,
	    (unsigned long long)ci.c_copies, (unsigned long long)ci.c_wakeups,
	    (unsigned long long)ci.c_drops, (unsigned long long)ci.c_dups,
	    (unsigned long long)ci.c_reorders);
	if (ci.tapped || ci.filter != NULL || ci.nbalance > 0) {
		sb_puts(&b, "\n  interposed:");
		if (ci.tapped)
			sb_puts(&b, " tapped");
		if (ci.filter != NULL)
			sb_printf(&b, " filter /%s/", ci.filter);
		if (ci.nbalance > 0) {
			sb_printf(&b, " balance %s ", glyph(G_ARROW));
			names_text(&b, ci.balance, ci.nbalance);
		}
	}
	out_printf(ctx, "%s\n", b.s);
	sb_free(&b);
	chan_info_free(&ci);
	return (CMD_OK);
}

const struct cmd_entry cmd_chan_entry = {
	.name = "chan",
	.help = "Show one channel in detail: its kind, who may use it, its "
	    "contents, its queues of waiting processes, and its counters.",
	.example = "chan c1",
	.min_args = 1, .max_args = 1,
	.args = { A_CHAN },
	.exec = cmd_chan_exec,
};

static enum cmd_result
cmd_status_exec(struct ctx *ctx, struct args *a)
{
	struct sb	b;

	(void)a;
	if (ctx->json) {
		json_begin(ctx, &b, "status");
		show_ps(ctx, &b);
		show_channels(ctx, &b);
		json_end(ctx, &b);
		return (CMD_OK);
	}
	show_ps(ctx, NULL);
	out_printf(ctx, "\n");
	show_channels(ctx, NULL);
	return (CMD_OK);
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.help = "Show ps and channels together.",
	.example = "status",
	.min_args = 0, .max_args = 0,
	.exec = cmd_status_exec,
};

static enum cmd_result
cmd_trace_exec(struct ctx *ctx, struct args *a)
{
	trace_print(ctx, a->nv > 0 ? (size_t)a->v[0].num : 20);
	return (CMD_OK);
}

const struct cmd_entry cmd_trace_entry = {
	.name = "trace",
	.help = "Print the last N events (default 20, at most 1000).",
	.example = "trace 5",
	.min_args = 0, .max_args = 1,
	.args = { A_NUMBER }, .range = { 1, 1000, "count" },
	.exec = cmd_trace_exec,
};

/*
 * The costs of message passing, per channel: messages, bytes, copies
 * (2 per buffered message, 1 per rendezvous hand-off, 0 for a rendezvous
 * message that fits in registers), wake-ups of blocked processes, and
 * what a lossy network did.
 */
static enum cmd_result
cmd_stats_exec(struct ctx *ctx, struct args *a)
{
	struct chan_info	ci;
	struct sb		b;
	size_t			i, k = 0;
	unsigned long long	tm = 0, tb = 0, tc = 0, tw = 0;

	(void)a;
	if (ctx->json) {
		json_begin(ctx, &b, "stats");
		sb_puts(&b, ",\"chans\":[");
	} else
		out_printf(ctx, "%-17s %-10s %7s %8s %6s %7s %5s %4s %8s\n",
		    "CHANNEL", "BUFFERING", "MSGS", "BYTES", "COPIES",
		    "WAKEUPS", "DROPS", "DUPS", "REORDERS");
	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		if (!chan_interesting(&ci)) {
			chan_info_free(&ci);
			continue;
		}
		tm += ci.c_messages;
		tb += ci.c_bytes;
		tc += ci.c_copies;
		tw += ci.c_wakeups;
		if (ctx->json)
			sb_printf(&b, "%s{\"chan\":\"%s\",\"buffering\":\"%s\","
			    "\"messages\":%llu,\"bytes\":%llu,\"copies\":%llu,"
			    "\"wakeups\":%llu,\"drops\":%llu,\"dups\":%llu,"
			    "\"reorders\":%llu}", k++ > 0 ? "," : "", ci.name,
			    ci.mechanism != MECH_MODELED ? "kernel" :
			    buffering_name(ci.buffering),
			    (unsigned long long)ci.c_messages,
			    (unsigned long long)ci.c_bytes,
			    (unsigned long long)ci.c_copies,
			    (unsigned long long)ci.c_wakeups,
			    (unsigned long long)ci.c_drops,
			    (unsigned long long)ci.c_dups,
			    (unsigned long long)ci.c_reorders);
		else
			out_printf(ctx, "%-17s %-10s %7llu %8llu %6llu %7llu "
			    "%5llu %4llu %8llu\n", ci.name,
			    ci.mechanism != MECH_MODELED ?
			    mechanism_name(ci.mechanism) :
			    buffering_name(ci.buffering),
			    (unsigned long long)ci.c_messages,
			    (unsigned long long)ci.c_bytes,
			    (unsigned long long)ci.c_copies,
			    (unsigned long long)ci.c_wakeups,
			    (unsigned long long)ci.c_drops,
			    (unsigned long long)ci.c_dups,
			    (unsigned long long)ci.c_reorders);
		chan_info_free(&ci);
	}
	if (ctx->json) {
		sb_printf(&b, "],\"messages\":%llu,\"bytes\":%llu,"
		    "\"copies\":%llu,\"wakeups\":%llu", tm, tb, tc, tw);
		json_end(ctx, &b);
	} else
		out_printf(ctx, "%-17s %-10s %7llu %8llu %6llu %7llu\n",
		    "total", "", tm, tb, tc, tw);
	return (CMD_OK);
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.help = "The costs, per channel and in total: messages, bytes, copies "
	    "(2 per buffered message, 1 per rendezvous hand-off, 0 for a "
	    "rendezvous message of at most 16 bytes, as L4 passes it in "
	    "registers) and wake-ups of blocked processes.",
	.example = "stats",
	.min_args = 0, .max_args = 0,
	.exec = cmd_stats_exec,
};
