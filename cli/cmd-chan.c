/*
 * Channels: create and destroy them, and interpose on them (tap, filter,
 * balance) -- the advantages of message passing: because every message
 * crosses a boundary the kernel controls, it can be logged, validated or
 * redirected without the processes knowing.
 */

#include <sys/socket.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

static const char *const formats[] = { "datagram", "stream", "fixed:",
    "cap", NULL };
static const char *const deliveries[] = { "fifo", "unordered", "lossy",
    NULL };

const struct chan_key chan_keys[] = {
	{ "format=", CK_MODELED, formats, 0, 0 },
	{ "delivery=", CK_MODELED, deliveries, 0, 0 },
	{ "drop=", CK_BUFFERED, NULL, 0, 0 },
	{ "dup=", CK_BUFFERED, NULL, 0, 0 },
	{ "reorder=", CK_BUFFERED, NULL, 0, 0 },
	{ "max=", CK_UNBOUNDED, NULL, 1, MEM_CAP_DEFAULT },
	{ "size=", CK_PIPE, NULL, 1, 1024 * 1024 * 1024 },
	{ "msgsize=", CK_MQ, NULL, 1, MSG_LEN_MAX },
	{ NULL, 0, NULL, 0, 0 }
};

const char *const chan_bufferings[] = { "unbounded", "bounded", "register",
    "rendezvous", "pipe", "fifo", "socketpair", "mq", NULL };
const char *const chan_socktypes[] = { "stream", "dgram", "seqpacket", NULL };

/* The key of "key=value" s, if a channel of kind on takes it. */
const struct chan_key *
chan_key_find(const char *s, unsigned on)
{
	const struct chan_key	*k;

	for (k = chan_keys; k->key != NULL; k++) {
		if ((k->on & on) && strncmp(s, k->key, strlen(k->key)) == 0)
			return (k);
	}
	return (NULL);
}

/* The chan_keys bits of a channel whose BUFFERING word is kind. */
unsigned
chan_keys_for(const char *kind)
{
	if (strcmp(kind, "unbounded") == 0)
		return (CK_MODELED | CK_BUFFERED | CK_UNBOUNDED);
	if (strcmp(kind, "bounded") == 0)
		return (CK_MODELED | CK_BUFFERED);
	if (strcmp(kind, "pipe") == 0 || strcmp(kind, "fifo") == 0)
		return (CK_PIPE);
	if (strcmp(kind, "mq") == 0)
		return (CK_MQ);
	if (strcmp(kind, "socketpair") == 0)
		return (0);
	return (CK_MODELED);
}

/* The number of a KEY=N word w whose key is k ("max=5"). */
static int
chan_key_number(struct ctx *ctx, const struct word *w,
    const struct chan_key *k, long long *v)
{
	struct word	tw = *w;
	char		what[16];

	tw.s += strlen(k->key);
	snprintf(what, sizeof(what), "%.*s", (int)strlen(k->key) - 1, k->key);
	return (parse_uint(ctx, &tw, k->lo, k->hi, what, v));
}

/* w[i] is KEY=VALUE: was its key given before it (w[3..i))? */
static bool
key_again(struct ctx *ctx, struct word *w, size_t i)
{
	size_t	j, klen = (size_t)(strchr(w[i].s, '=') - w[i].s + 1);

	for (j = 3; j < i; j++) {
		if (strncmp(w[j].s, w[i].s, klen) == 0) {
			cmd_fail(ctx, &w[i], "%.*s given twice", (int)klen,
			    w[i].s);
			return (true);
		}
	}
	return (false);
}

/* "format=, delivery=, ...": the keys a channel of kind on takes. */
static char *
chan_keys_list(unsigned on)
{
	const struct chan_key	*k;
	struct sb		 b;

	sb_init(&b);
	for (k = chan_keys; k->key != NULL; k++) {
		if (k->on & on)
			sb_printf(&b, "%s%s", b.len > 0 ? ", " : "", k->key);
	}
	return (sb_take(&b));
}

/*
 * A KEY=VALUE word of a channel of kind on: a key it takes, and for a key
 * of words, one of them.  -1 after the error.
 */
static int
chan_key_check(struct ctx *ctx, const struct word *w, unsigned on,
    const char *what)
{
	const struct chan_key	*k;
	const char		*val;
	char			*list;
	size_t			 i;

	if ((k = chan_key_find(w->s, on)) == NULL) {
		list = chan_keys_list(on);
		if (chan_key_find(w->s, ~0U) != NULL)
			cmd_fail(ctx, w, "%.*s is not for %s channels: they take "
			    "only %s", (int)(strchr(w->s, '=') - w->s + 1), w->s,
			    what, list);
		else
			cmd_fail(ctx, w, "unknown option '%s' (%s)", w->s,
			    list);
		free(list);
		return (-1);
	}
	val = w->s + strlen(k->key);
	for (i = 0; k->values != NULL && k->values[i] != NULL; i++) {
		if (strcmp(val, k->values[i]) == 0 || (strcmp(k->values[i],
		    "fixed:") == 0 && strncmp(val, "fixed:", 6) == 0))
			return (0);
	}
	if (k->values == NULL)
		return (0);
	list = NULL;
	for (i = 0; k->values[i] != NULL; i++) {
		char *t;

		xasprintf(&t, "%s%s%s%s", list != NULL ? list : "", i > 0 ?
		    ", " : "", k->values[i], strcmp(k->values[i], "fixed:") ==
		    0 ? "N" : "");
		free(list);
		list = t;
	}
	cmd_fail(ctx, w, "unknown %.*s '%s' (%s)", (int)strlen(k->key) - 1,
	    k->key, val, list);
	free(list);
	return (-1);
}

static char **
split_names(struct ctx *ctx, struct word *w, size_t *n)
{
	char	*s, *tok, *save = NULL, **v = NULL;

	*n = 0;
	s = xstrdup(w->s);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(tok);
	}
	free(s);
	if (*n == 0)
		cmd_fail(ctx, w, "empty list of processes");
	return (v);
}

static int
prob(struct ctx *ctx, struct word *w, const char *val, double *out)
{
	char	*end;

	*out = strtod(val, &end);
	if (*val == '\0' || *end != '\0' || isnan(*out) || *out < 0 ||
	    *out > 1) {
		cmd_fail(ctx, w, "%s: a probability is a number from 0 to 1",
		    w->s);
		return (-1);
	}
	return (0);
}

/* from P,... or to P,... at w[i]: the list, once. */
static int
from_to(struct ctx *ctx, struct word *w, size_t n, size_t i,
    struct chan_config *cf)
{
	char	***list = w[i].s[0] == 'f' ? &cf->from : &cf->to;
	size_t	  *nlist = w[i].s[0] == 'f' ? &cf->nfrom : &cf->nto;
	size_t	   j, k;

	if (i + 1 >= n) {
		cmd_fail(ctx, &w[i], "%s needs a list of processes, like A,B",
		    w[i].s);
		return (-1);
	}
	if (*list != NULL) {
		cmd_fail(ctx, &w[i], "%s given twice", w[i].s);
		return (-1);
	}
	*list = split_names(ctx, &w[i + 1], nlist);
	if (*nlist == 0)
		return (-1);
	for (j = 0; j < *nlist; j++) {
		for (k = 0; k < j; k++) {
			if (strcmp((*list)[j], (*list)[k]) == 0) {
				cmd_fail(ctx, &w[i + 1], "%s is named twice",
				    (*list)[j]);
				return (-1);
			}
		}
	}
	return (0);
}

static enum mechanism
kernel_mechanism(const char *s)
{
	if (strcmp(s, "pipe") == 0)
		return (MECH_PIPE);
	if (strcmp(s, "fifo") == 0)
		return (MECH_FIFO);
	if (strcmp(s, "socketpair") == 0)
		return (MECH_SOCKETPAIR);
	if (strcmp(s, "mq") == 0)
		return (MECH_MQ);
	return (MECH_MODELED);
}

/*
 * channel NAME pipe|fifo [size=BYTES] from P,... to Q,...
 * channel NAME socketpair stream|dgram|seqpacket between P Q
 * channel NAME mq [N] [msgsize=BYTES] [from P,...] [to Q,...]
 * The kernel decides the format and the delivery; the options of a
 * modeled channel are refused with the reason.
 */
static enum cmd_result
cmd_kchannel(struct ctx *ctx, struct word *w, size_t n)
{
	struct chan_config	 cf;
	enum cmd_result		 r = CMD_FAIL;
	long long		 v;
	const struct chan_key	*k;
	size_t			 i = 3;
	char			*cause, *list;
	const char		*what;
	unsigned		 on;

	memset(&cf, 0, sizeof(cf));
	cf.mechanism = kernel_mechanism(w[2].s);
	what = w[2].s;
	on = chan_keys_for(what);
	if (cf.mechanism == MECH_SOCKETPAIR) {
		if (n < 4) {
			return (cmd_fail(ctx, &w[2], "socketpair needs a type: "
			    "channel %s socketpair stream|dgram|seqpacket "
			    "between P Q", w[1].s));
		}
		if (strcmp(w[3].s, "stream") == 0)
			cf.socktype = SOCK_STREAM;
		else if (strcmp(w[3].s, "dgram") == 0)
			cf.socktype = SOCK_DGRAM;
		else if (strcmp(w[3].s, "seqpacket") == 0)
			cf.socktype = SOCK_SEQPACKET;
		else
			return (cmd_fail(ctx, &w[3], "unknown socket type '%s' "
			    "(stream, dgram, seqpacket)", w[3].s));
		for (i = 4; i < n; i++) {
			if (strchr(w[i].s, '=') != NULL)
				return (cmd_fail(ctx, &w[i], "%.*s is not for "
				    "a socket pair: its buffer is the kernel's "
				    "(SO_SNDBUF)", (int)(strchr(w[i].s, '=') -
				    w[i].s + 1), w[i].s));
		}
		/* between P Q, or between P,Q */
		if (n == 6 && strcmp(w[4].s, "between") == 0) {
			cf.from = split_names(ctx, &w[5], &cf.nfrom);
			if (cf.nfrom == 0)
				goto out;
		} else if (n == 7 && strcmp(w[4].s, "between") == 0) {
			cf.from = xcalloc(2, sizeof(*cf.from));
			cf.from[0] = xstrdup(w[5].s);
			cf.from[1] = xstrdup(w[6].s);
			cf.nfrom = 2;
		}
		if (cf.nfrom != 2) {
			cmd_fail(ctx, &w[n > 4 ? 4 : 3], "a socket pair joins "
			    "two processes: channel %s socketpair %s between P "
			    "Q", w[1].s, w[3].s);
			goto out;
		}
		if (strcmp(cf.from[0], cf.from[1]) == 0) {
			cmd_fail(ctx, &w[n - 1], "a socket pair joins two "
			    "processes, not %s and itself (a pipe from %s to "
			    "%s does that)", cf.from[0], cf.from[0],
			    cf.from[0]);
			goto out;
		}
		goto make;
	}
	if (cf.mechanism == MECH_MQ && n > 3 && w[3].s[0] >= '0' &&
	    w[3].s[0] <= '9') {
		if (parse_uint(ctx, &w[3], 1, 65536, "queue length", &v) == -1)
			goto out;
		cf.knmsg = (size_t)v;
		i = 4;
	}
	for (; i < n; i++) {
		if (strcmp(w[i].s, "from") == 0 || strcmp(w[i].s, "to") == 0) {
			if (from_to(ctx, w, n, i++, &cf) == -1)
				goto out;
		} else if ((k = chan_key_find(w[i].s, on)) != NULL) {
			/* size= or msgsize=: the kernel's buffer. */
			if (key_again(ctx, w, i) ||
			    chan_key_number(ctx, &w[i], k, &v) == -1)
				goto out;
			cf.ksize = (size_t)v;
		} else if (strcmp(w[i].s, "between") == 0) {
			cmd_fail(ctx, &w[i], "between is for socket pairs; a "
			    "%s has a writing side and a reading side: from P "
			    "to Q", what);
			goto out;
		} else if (strchr(w[i].s, '=') != NULL) {
			list = chan_keys_list(on);
			cmd_fail(ctx, &w[i], "%.*s is not for a%s %s, %s: it "
			    "takes only %s%s", (int)(strchr(w[i].s, '=') -
			    w[i].s + 1), w[i].s, cf.mechanism == MECH_MQ ? "n" :
			    "", what, cf.mechanism == MECH_MQ ? "a message "
			    "queue whose messages keep their boundaries" :
			    "the kernel's byte stream, delivered in order",
			    cf.mechanism == MECH_MQ ? "N and " : "", list);
			free(list);
			goto out;
		} else {
			cmd_fail(ctx, &w[i], "unexpected '%s' (%s, from P,..., "
			    "to Q,...)", w[i].s, cf.mechanism == MECH_MQ ?
			    "N, msgsize=BYTES" : "size=BYTES");
			goto out;
		}
	}
	if (cf.mechanism != MECH_MQ && (cf.nfrom == 0 || cf.nto == 0)) {
		cmd_fail(ctx, &w[2], "a %s needs its holders: channel %s %s "
		    "from P,... to Q,... (who gets the write end, who the "
		    "read end)", what, w[1].s, what);
		goto out;
	}
make:
	if (engine_channel(ctx->e, w[1].s, &cf, &cause) == -1) {
		cmd_fail(ctx, &w[1], "channel: %s", cause);
		free(cause);
		goto out;
	}
	r = CMD_OK;
out:
	strv_free(cf.from, cf.nfrom);
	strv_free(cf.to, cf.nto);
	return (r);
}

/*
 * ipcplay compare: every modeled channel gets the run's buffering, and
 * loses, with a note, what that buffering cannot take.  The script's own
 * options were checked against its own buffering already.
 */
static void
compare_override(struct ctx *ctx, const char *name, struct chan_config *cf)
{
	const char	*kind = buffering_name(ctx->as_buf);
	bool		 nobuf = ctx->as_buf == BUF_REGISTER ||
			    ctx->as_buf == BUF_RENDEZVOUS;

	cf->buffering = ctx->as_buf;
	cf->capacity = ctx->as_cap;
	if (cf->max_bytes != 0 && ctx->as_buf != BUF_UNBOUNDED) {
		out_line(ctx, "compare: %s drops max= under %s", name, kind);
		cf->max_bytes = 0;
	}
	if (cf->delivery != DEL_FIFO && nobuf) {
		out_line(ctx, "compare: %s drops delivery=%s under %s (no "
		    "buffer to act on)", name, delivery_name(cf->delivery),
		    kind);
		cf->delivery = DEL_FIFO;
		cf->drop = cf->dup = cf->reorder = 0;
	}
	if (cf->format == FMT_STREAM && nobuf) {
		out_line(ctx, "compare: %s drops format=stream under %s (no "
		    "byte buffer)", name, kind);
		cf->format = FMT_DATAGRAM;
	}
}

static enum cmd_result
cmd_channel_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	size_t			 n = a->n;
	struct chan_config	 cf;
	enum cmd_result		 r = CMD_FAIL;
	long long		 v;
	size_t			 i = 3;
	char			*cause, *val, *list;
	bool			 lossy_opt = false;
	unsigned		 on = chan_keys_for(w[2].s);

	memset(&cf, 0, sizeof(cf));
	if (!name_valid(w[1].s)) {
		return (cmd_fail(ctx, &w[1], "bad channel name '%s': a letter, "
		    "then up to 15 letters, digits, _ or -", w[1].s));
	}
	if (cmd_is_reserved(w[1].s))
		return (cmd_fail(ctx, &w[1], "'%s' is a command word and cannot "
		    "name a channel", w[1].s));
	if (kernel_mechanism(w[2].s) != MECH_MODELED)
		return (cmd_kchannel(ctx, w, n));
	if (strcmp(w[2].s, "unbounded") == 0)
		cf.buffering = BUF_UNBOUNDED;
	else if (strcmp(w[2].s, "bounded") == 0) {
		cf.buffering = BUF_BOUNDED;
		if (n < 4)
			return (cmd_fail(ctx, &w[2], "bounded needs a capacity: "
			    "channel %s bounded N", w[1].s));
		if (parse_uint(ctx, &w[3], 1, CHAN_CAP_MAX, "capacity", &v)
		    == -1)
			return (CMD_FAIL);
		cf.capacity = (size_t)v;
		i = 4;
	} else if (strcmp(w[2].s, "register") == 0)
		cf.buffering = BUF_REGISTER;
	else if (strcmp(w[2].s, "rendezvous") == 0)
		cf.buffering = BUF_RENDEZVOUS;
	else
		return (cmd_fail(ctx, &w[2], "unknown buffering '%s' (unbounded, "
		    "bounded N, register, rendezvous; or a kernel channel: "
		    "pipe, fifo, socketpair, mq)", w[2].s));

	for (; i < n; i++) {
		if (strcmp(w[i].s, "from") == 0 || strcmp(w[i].s, "to") == 0) {
			if (from_to(ctx, w, n, i++, &cf) == -1)
				goto out;
			continue;
		}
		if ((val = strchr(w[i].s, '=')) == NULL) {
			list = chan_keys_list(on);
			cmd_fail(ctx, &w[i], "unexpected '%s' (from P,..., to "
			    "P,..., %s)", w[i].s, list);
			free(list);
			goto out;
		}
		if (chan_key_check(ctx, &w[i], on, w[2].s) == -1 ||
		    key_again(ctx, w, i))
			goto out;
		val++;
		if (strncmp(w[i].s, "format=", 7) == 0) {
			if (strcmp(val, "datagram") == 0)
				cf.format = FMT_DATAGRAM;
			else if (strcmp(val, "stream") == 0)
				cf.format = FMT_STREAM;
			else if (strcmp(val, "cap") == 0)
				cf.format = FMT_CAP;
			else if (strncmp(val, "fixed:", 6) == 0) {
				struct word tw = w[i];

				tw.s = val + 6;
				if (parse_uint(ctx, &tw, 1, MSG_LEN_MAX,
				    "fixed size", &v) == -1)
					goto out;
				cf.format = FMT_FIXED;
				cf.fixed_len = (size_t)v;
			}
		} else if (strncmp(w[i].s, "delivery=", 9) == 0) {
			if (strcmp(val, "fifo") == 0)
				cf.delivery = DEL_FIFO;
			else if (strcmp(val, "unordered") == 0)
				cf.delivery = DEL_UNORDERED;
			else
				cf.delivery = DEL_LOSSY;
		} else if (strncmp(w[i].s, "drop=", 5) == 0) {
			if (prob(ctx, &w[i], val, &cf.drop) == -1)
				goto out;
			lossy_opt = true;
		} else if (strncmp(w[i].s, "dup=", 4) == 0) {
			if (prob(ctx, &w[i], val, &cf.dup) == -1)
				goto out;
			lossy_opt = true;
		} else if (strncmp(w[i].s, "reorder=", 8) == 0) {
			if (prob(ctx, &w[i], val, &cf.reorder) == -1)
				goto out;
			lossy_opt = true;
		} else if (strncmp(w[i].s, "max=", 4) == 0) {
			if (chan_key_number(ctx, &w[i], chan_key_find(w[i].s,
			    on), &v) == -1)
				goto out;
			cf.max_bytes = (size_t)v;
		}
	}
	if (ctx->as_set)
		compare_override(ctx, w[1].s, &cf);
	if (lossy_opt && cf.delivery != DEL_LOSSY) {
		cmd_fail(ctx, &w[1], "drop=, dup= and reorder= need "
		    "delivery=lossy");
		goto out;
	}
	if (cf.delivery != DEL_FIFO && (cf.buffering == BUF_REGISTER ||
	    cf.buffering == BUF_RENDEZVOUS)) {
		cmd_fail(ctx, &w[1], "delivery=%s needs a buffer to act on "
		    "(unbounded or bounded)", delivery_name(cf.delivery));
		goto out;
	}
	if (cf.format == FMT_STREAM && (cf.buffering == BUF_REGISTER ||
	    cf.buffering == BUF_RENDEZVOUS)) {
		cmd_fail(ctx, &w[1], "format=stream needs a byte buffer "
		    "(unbounded or bounded)");
		goto out;
	}
	if (engine_channel(ctx->e, w[1].s, &cf, &cause) == -1) {
		cmd_fail(ctx, &w[1], "channel: %s", cause);
		free(cause);
		goto out;
	}
	r = CMD_OK;
out:
	strv_free(cf.from, cf.nfrom);
	strv_free(cf.to, cf.nto);
	return (r);
}

const struct cmd_entry cmd_channel_entry = {
	.name = "channel",
	.help = "Create a channel.  BUFFERING is unbounded, bounded N, "
	    "register or rendezvous.  from/to limit who may send/receive.  "
	    "OPTION: format=datagram|stream|fixed:N|cap, "
	    "delivery=fifo|unordered|lossy, drop=P dup=P reorder=P (lossy), "
	    "max=BYTES (unbounded).  Or a kernel channel, whose processes "
	    "make the syscalls themselves: pipe [size=BYTES] from P,... to "
	    "Q,... (pipe(2): P,... hold the write end, Q,... the read end); "
	    "fifo, the same through mkfifo(3); socketpair "
	    "stream|dgram|seqpacket between P Q (socketpair(2)); mq [N] "
	    "[msgsize=BYTES] [from P,...] [to Q,...] (mq_open(3): N "
	    "messages; without from/to every process gets both ends).",
	.example = "channel c1 bounded 2 from A to B",
	.min_args = 2, .max_args = -1,
	.args = { A_NAME, A_BUFFERING }, .rest = true,
	.tail = "[from P,...] [to P,...] [OPTION...]",
	.exec = cmd_channel_exec,
};

static enum cmd_result
chan_simple(struct ctx *ctx, struct word *w,
    int (*fn)(struct engine *, const char *, char **), const char *what)
{
	char	*cause;

	if (fn(ctx->e, w[1].s, &cause) == -1) {
		cmd_fail(ctx, &w[1], "%s: %s", what, cause);
		free(cause);
		return (CMD_FAIL);
	}
	return (CMD_OK);
}

static enum cmd_result
cmd_close_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	return (chan_simple(ctx, w, engine_close, "close"));
}

const struct cmd_entry cmd_close_entry = {
	.name = "close",
	.help = "Destroy channel CHAN.  Processes waiting on it get \"channel "
	    "closed\"; later use is \"no such channel\".",
	.example = "close c1",
	.min_args = 1, .max_args = 1,
	.args = { A_CHAN },
	.exec = cmd_close_exec,
};

static int
tap_on(struct engine *e, const char *name, char **cause)
{
	return (engine_tap(e, name, true, cause));
}

static int
tap_off(struct engine *e, const char *name, char **cause)
{
	return (engine_tap(e, name, false, cause));
}

static enum cmd_result
cmd_tap_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	return (chan_simple(ctx, w, tap_on, "tap"));
}

static enum cmd_result
cmd_untap_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	return (chan_simple(ctx, w, tap_off, "untap"));
}

const struct cmd_entry cmd_tap_entry = {
	.name = "tap",
	.help = "Log every message delivered through CHAN: who sent it, who "
	    "got it, what it said.  Interposition costs the processes "
	    "nothing and needs no change to them.",
	.example = "tap c1",
	.min_args = 1, .max_args = 1,
	.args = { A_CHAN },
	.exec = cmd_tap_exec,
};

const struct cmd_entry cmd_untap_entry = {
	.name = "untap",
	.help = "Stop logging CHAN.",
	.example = "untap c1",
	.min_args = 1, .max_args = 1,
	.args = { A_CHAN },
	.exec = cmd_untap_exec,
};

static enum cmd_result
cmd_filter_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	char		*cause;

	if (engine_filter(ctx->e, w[1].s, w[2].s, &cause) == -1) {
		cmd_fail(ctx, w[1].s[0] != '\0' && engine_is_chan(ctx->e,
		    w[1].s) ? &w[2] : &w[1], "filter: %s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	return (CMD_OK);
}

const struct cmd_entry cmd_filter_entry = {
	.name = "filter",
	.help = "Reject every message sent on CHAN that does not match REGEX "
	    "(Perl-compatible, PCRE2): the sender gets \"rejected by "
	    "filter\".  Validation at the message boundary.  Matching is "
	    "bounded: a message the filter cannot decide is rejected too.",
	.example = "filter c1 '^[0-9]+$'",
	.min_args = 2, .max_args = 2,
	.args = { A_CHAN, A_TEXT }, .meta = { NULL, "REGEX" },
	.exec = cmd_filter_exec,
};

static enum cmd_result
cmd_balance_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	char		**to;
	char		*cause;
	size_t		  i, nto;
	enum cmd_result	  r = CMD_OK;

	nto = n - 3;
	to = xcalloc(nto + 1, sizeof(*to));
	for (i = 0; i < nto; i++)
		to[i] = w[3 + i].s;
	if (engine_balance(ctx->e, w[1].s, to, nto, &cause) == -1) {
		r = cmd_fail(ctx, &w[1], "balance: %s", cause);
		free(cause);
	}
	free(to);
	return (r);
}

static const char *const balance_words[] = { "->", NULL };

const struct cmd_entry cmd_balance_entry = {
	.name = "balance",
	.help = "Forward each message sent on the first CHAN to the others in "
	    "turn (round-robin): a load-balancing proxy the senders never "
	    "see.  With no targets, stop balancing.",
	.example = "balance jobs -> w1 w2",
	.min_args = 2, .max_args = -1,
	.args = { A_CHAN, A_WORD, A_CHAN }, .rest = true,
	.meta = { NULL, "->" }, .words = balance_words,
	.exec = cmd_balance_exec,
};
