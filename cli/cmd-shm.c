/*
 * Shared memory, the other mechanism (spec 8): a region of 64-bit words
 * that processes map, and what they do on it -- plain stores and loads,
 * atomic or racy adds, futex waits and wakes.  Nothing is sent: a store
 * by one is simply there for the next load by another.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"

static const char *const between_word[] = { "between", NULL };
static const char *const add_opts[] = { "--racy", NULL };
static const char *const wait_opts[] = { "--timeout", NULL };

/* shm NAME WORDS between P,Q,... */
static enum cmd_result
cmd_shm_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct chan_config	 cf;
	enum cmd_result		 r = CMD_FAIL;
	long long		 v;
	size_t			 i, j;
	char			*cause, *s, *tok, *save = NULL;

	if (!name_valid(w[1].s))
		return (cmd_fail(ctx, &w[1], "bad region name '%s': a letter, "
		    "then up to 15 letters, digits, _ or -", w[1].s));
	if (cmd_is_reserved(w[1].s))
		return (cmd_fail(ctx, &w[1], "'%s' is a command word and cannot "
		    "name a region", w[1].s));
	if (parse_uint(ctx, &w[2], 1, 4096, "number of words", &v) == -1)
		return (CMD_FAIL);
	if (n < 5 || strcmp(w[3].s, "between") != 0)
		return (cmd_fail(ctx, &w[n > 3 ? 3 : 2], "usage: shm NAME WORDS "
		    "between P,Q,... (or P Q ...)"));
	memset(&cf, 0, sizeof(cf));
	cf.mechanism = MECH_SHM;
	cf.knmsg = (size_t)v;
	/* "A,B" or "A B": one list either way. */
	for (i = 4; i < n; i++) {
		s = xstrdup(w[i].s);
		for (tok = strtok_r(s, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			for (j = 0; j < cf.nfrom; j++) {
				if (strcmp(cf.from[j], tok) == 0)
					break;
			}
			if (j < cf.nfrom) {
				cmd_fail(ctx, &w[i], "%s is named twice", tok);
				free(s);
				goto out;
			}
			cf.from = xreallocarray(cf.from, cf.nfrom + 1,
			    sizeof(*cf.from));
			cf.from[cf.nfrom++] = xstrdup(tok);
		}
		free(s);
		save = NULL;
	}
	if (engine_channel(ctx->e, w[1].s, &cf, &cause) == -1) {
		cmd_fail(ctx, &w[1], "shm: %s", cause);
		free(cause);
	} else
		r = CMD_OK;
out:
	while (cf.nfrom > 0)
		free(cf.from[--cf.nfrom]);
	free(cf.from);
	return (r);
}

const struct cmd_entry cmd_shm_entry = {
	.name = "shm",
	.usage = "shm NAME WORDS between P,Q,...",
	.help = "Make a region of WORDS 64-bit words of shared memory "
	    "(memfd_create(2)), zeroed, mapped by each of P,Q,...: what one "
	    "stores, the others load, with no message and no copy.  Use it "
	    "with store, load, add, wait and wake.",
	.example = "shm c 1 between A,B",
	.min_args = 4, .max_args = -1,
	.args = { A_NAME, A_NUMBER, A_WORD, A_PROCS }, .rest = true,
	.words = between_word,
	.exec = cmd_shm_exec,
};

/* "c[3]" (or "c", word 0) into its name and index. */
static int
word_ref(struct ctx *ctx, struct word *w, char **name, size_t *index)
{
	const char	*err;
	char		*s, *b, *e;
	long long	 v;

	s = xstrdup(w->s);
	*index = 0;
	if ((b = strchr(s, '[')) != NULL) {
		if ((e = strchr(b, ']')) == NULL || e[1] != '\0') {
			free(s);
			cmd_fail(ctx, w, "'%s': a word is NAME[I], like c[0]",
			    w->s);
			return (-1);
		}
		*b++ = '\0';
		*e = '\0';
		v = strtonum(b, 0, 4095, &err);
		if (err != NULL) {
			free(s);
			cmd_fail(ctx, w, "'%s': the index %s", w->s, err);
			return (-1);
		}
		*index = (size_t)v;
	}
	*name = s;
	return (0);
}

static int
parse_value(struct ctx *ctx, struct word *w, int64_t *out)
{
	const char	*err;

	*out = strtonum(w->s, LLONG_MIN + 1, LLONG_MAX, &err);
	if (err != NULL) {
		cmd_fail(ctx, w, "'%s': a value is a whole number (%s)", w->s,
		    err);
		return (-1);
	}
	return (0);
}

/* store, load, add, wait, wake: PROC OP NAME[I] [VALUE] [options]. */
static enum cmd_result
cmd_word_exec(struct ctx *ctx, struct word *w, size_t n)
{
	struct op_request	 rq;
	struct word		*pos[2];
	size_t			 i, npos = 0, want;
	long long		 v;
	enum cmd_result		 r;
	char			*name;

	memset(&rq, 0, sizeof(rq));
	rq.timeout_ms = -1;
	if (strcmp(w[1].s, "store") == 0)
		rq.kind = OP_STORE;
	else if (strcmp(w[1].s, "load") == 0)
		rq.kind = OP_LOAD;
	else if (strcmp(w[1].s, "add") == 0)
		rq.kind = OP_ADD;
	else if (strcmp(w[1].s, "wait") == 0)
		rq.kind = OP_WAIT;
	else
		rq.kind = OP_WAKE;
	for (i = 2; i < n; i++) {
		if (!w[i].quoted && rq.kind == OP_ADD &&
		    strcmp(w[i].s, "--racy") == 0)
			rq.racy = true;
		else if (!w[i].quoted && rq.kind == OP_WAIT &&
		    strcmp(w[i].s, "--timeout") == 0) {
			if (i + 1 >= n)
				return (cmd_fail(ctx, &w[i], "--timeout needs a "
				    "number of milliseconds"));
			if (parse_uint(ctx, &w[++i], 0, 3600000, "timeout",
			    &v) == -1)
				return (CMD_FAIL);
			rq.timeout_ms = (int)v;
		} else if (!w[i].quoted && w[i].s[0] == '-' &&
		    (w[i].s[1] < '0' || w[i].s[1] > '9'))
			return (cmd_fail(ctx, &w[i], "unknown option '%s' for "
			    "%s", w[i].s, w[1].s));
		else if (npos < 2)
			pos[npos++] = &w[i];
		else
			return (cmd_fail(ctx, &w[i], "%s: too many arguments",
			    w[1].s));
	}
	want = rq.kind == OP_LOAD ? 1 : rq.kind == OP_WAKE ? npos : 2;
	if (npos == 0 || npos != want)
		return (cmd_fail(ctx, npos > 0 ? pos[npos - 1] : &w[1],
		    "usage: %s", op_lookup(w[1].s)->usage));
	if (word_ref(ctx, pos[0], &name, &rq.index) == -1)
		return (CMD_FAIL);
	rq.value = rq.kind == OP_WAKE ? 1 : 0;
	if (npos == 2 && parse_value(ctx, pos[1], &rq.value) == -1) {
		free(name);
		return (CMD_FAIL);
	}
	if (rq.kind == OP_WAKE && (rq.value < 1 || rq.value > INT32_MAX)) {
		free(name);
		return (cmd_fail(ctx, pos[1], "wake N: N is how many waiters "
		    "to wake, at least 1"));
	}
	rq.chans = &name;
	rq.nchans = 1;
	rq.chanspec = pos[0]->s;
	r = op_run(ctx, w, &rq);
	free(name);
	return (r);
}

const struct cmd_entry cmd_store_entry = {
	.name = "store",
	.usage = "PROC store NAME[I] VALUE",
	.help = "PROC stores VALUE in word I of the shared region NAME: a "
	    "plain store, seen by the next load of anyone who maps it.",
	.example = "A store c[0] 5",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER },
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_load_entry = {
	.name = "load",
	.usage = "PROC load NAME[I]",
	.help = "PROC loads word I of the shared region NAME: a plain load; "
	    "the value is what PROC received ($msg, expect PROC received).",
	.example = "B load c[0]",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_WORDREF },
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_add_entry = {
	.name = "add",
	.usage = "PROC add NAME[I] N [--racy]",
	.help = "PROC adds N to word I: an atomic fetch-add.  --racy does it "
	    "in two steps, a load then a store, as a careless program "
	    "would; two processes doing that at the same time can lose an "
	    "update.  Commands run one at a time, so to see it, interleave "
	    "load and store by hand (lesson 1).",
	.example = "A add c[0] 1",
	.min_args = 2, .max_args = 6, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .opts = add_opts,
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.usage = "PROC wait NAME[I] VALUE [--timeout MS]",
	.help = "While word I equals VALUE, PROC sleeps in the kernel: "
	    "futex(2) FUTEX_WAIT, on the word's low 32 bits.  If the word is "
	    "something else already, it does not wait.  Another process's "
	    "wake ends the sleep.",
	.example = "B wait c[0] 0",
	.min_args = 2, .max_args = 6, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .opts = wait_opts,
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_wake_entry = {
	.name = "wake",
	.usage = "PROC wake NAME[I] [N]",
	.help = "PROC wakes up to N (default 1) processes waiting on word I: "
	    "futex(2) FUTEX_WAKE.",
	.example = "A wake c[0]",
	.min_args = 1, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER },
	.exec = cmd_word_exec,
};
