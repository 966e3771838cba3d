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
static const struct cmd_opt add_opts[] = { OPT_FLAG("--racy"),
    OPT_END };
static const struct cmd_opt wait_opts[] = { OPT_TIMEOUT, OPT_END };

extern const struct cmd_entry cmd_store_entry, cmd_load_entry, cmd_add_entry,
    cmd_wait_entry;

/* A word's value: any 64-bit number but the least (its negation is none). */
#define VALUE_RANGE	{ LLONG_MIN + 1, LLONG_MAX, "value" }

/* shm NAME WORDS between P,Q,... */
static enum cmd_result
cmd_shm_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	size_t			 n = a->n;
	struct chan_config	 cf;
	enum cmd_result		 r = CMD_FAIL;
	size_t			 i, j;
	char			*cause, *s, *tok, *save = NULL;

	if (!name_valid(w[1].s))
		return (cmd_fail(ctx, &w[1], "bad region name '%s': a letter, "
		    "then up to 15 letters, digits, _ or -", w[1].s));
	if (cmd_is_reserved(w[1].s))
		return (cmd_fail(ctx, &w[1], "'%s' is a command word and cannot "
		    "name a region", w[1].s));
	memset(&cf, 0, sizeof(cf));
	cf.mechanism = MECH_SHM;
	cf.knmsg = (size_t)a->v[1].num;
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
	if (cf.nfrom == 0)
		cmd_fail(ctx, &w[n - 1], "shm: no process named to map %s",
		    w[1].s);
	else if (engine_channel(ctx->e, w[1].s, &cf, &cause) == -1) {
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
	.help = "Make a region of WORDS 64-bit words of shared memory "
	    "(memfd_create(2)), zeroed, mapped by each of P,Q,...: what one "
	    "stores, the others load, with no message and no copy.  Use it "
	    "with store, load, add, wait and wake.",
	.example = "shm c 1 between A,B",
	.min_args = 4, .max_args = -1,
	.args = { A_NAME, A_NUMBER, A_WORD, A_PROCS }, .rest = true,
	.meta = { NULL, "WORDS", "between", "P,Q" }, .words = between_word,
	.range = { 1, 4096, "number of words" },
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

/* store, load, add, wait, wake: PROC OP NAME[I] [VALUE] [options]. */
static enum cmd_result
cmd_word_exec(struct ctx *ctx, struct args *a)
{
	const struct cmd_entry	*ce = a->ce;
	const struct arg_opt	*o;
	struct op_request	 rq;
	enum cmd_result		 r;
	char			*name;

	memset(&rq, 0, sizeof(rq));
	rq.timeout_ms = -1;
	if (ce == &cmd_store_entry)
		rq.kind = OP_STORE;
	else if (ce == &cmd_load_entry)
		rq.kind = OP_LOAD;
	else if (ce == &cmd_add_entry)
		rq.kind = OP_ADD;
	else if (ce == &cmd_wait_entry)
		rq.kind = OP_WAIT;
	else
		rq.kind = OP_WAKE;
	rq.racy = args_opt(a, "--racy") != NULL;
	if ((o = args_opt(a, "--timeout")) != NULL)
		rq.timeout_ms = (int)o->num;
	if (word_ref(ctx, a->v[0].w, &name, &rq.index) == -1)
		return (CMD_FAIL);
	rq.value = rq.kind == OP_WAKE ? 1 : 0;
	if (a->nv > 1)
		rq.value = a->v[1].num;
	rq.chans = &name;
	rq.nchans = 1;
	rq.chanspec = a->v[0].w->s;
	r = op_run(ctx, a->w, &rq);
	free(name);
	return (r);
}

const struct cmd_entry cmd_store_entry = {
	.name = "store",
	.help = "PROC stores VALUE in word I of the shared region NAME: a "
	    "plain store, seen by the next load of anyone who maps it.",
	.example = "A store c[0] 5",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .meta = { "NAME[I]", "VALUE" },
	.range = VALUE_RANGE,
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_load_entry = {
	.name = "load",
	.help = "PROC loads word I of the shared region NAME: a plain load; "
	    "the value is what PROC received ($msg, expect PROC received).",
	.example = "B load c[0]",
	.min_args = 1, .max_args = 1, .proc_op = true,
	.args = { A_WORDREF }, .meta = { "NAME[I]" },
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_add_entry = {
	.name = "add",
	.help = "PROC adds N to word I: an atomic fetch-add.  --racy does it "
	    "in two steps, a load then a store, as a careless program "
	    "would; two processes doing that at the same time can lose an "
	    "update.  Commands run one at a time, so to see it, interleave "
	    "load and store by hand (lesson 1).",
	.example = "A add c[0] 1",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .meta = { "NAME[I]" },
	.range = VALUE_RANGE, .opts = add_opts,
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.help = "While word I equals VALUE, PROC sleeps in the kernel: "
	    "futex(2) FUTEX_WAIT, on the word's low 32 bits.  If the word is "
	    "something else already, it does not wait.  Another process's "
	    "wake ends the sleep.",
	.example = "B wait c[0] 0",
	.min_args = 2, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .meta = { "NAME[I]", "VALUE" },
	.range = VALUE_RANGE, .opts = wait_opts,
	.exec = cmd_word_exec,
};

const struct cmd_entry cmd_wake_entry = {
	.name = "wake",
	.help = "PROC wakes up to N (default 1) processes waiting on word I: "
	    "futex(2) FUTEX_WAKE.",
	.example = "A wake c[0]",
	.min_args = 1, .max_args = 2, .proc_op = true,
	.args = { A_WORDREF, A_NUMBER }, .meta = { "NAME[I]" },
	.range = { 1, INT32_MAX, "number of waiters" },
	.exec = cmd_word_exec,
};
