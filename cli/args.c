/*
 * A command as its table entry reads it: the one parser every command
 * goes through, and the usage line every command is shown with.
 *
 * The entry says what goes at each position (enum arg_kind), the range
 * of its number, the words it may be, and the options it takes, flags or
 * with a value of a kind.  cmd_parse() takes a command's words apart
 * accordingly -- options out wherever they are, arguments by position --
 * and checks each one with one style of error: the caret under the word,
 * and for a name that must exist, the nearest name of the same kind.
 * What it hands the command's exec is checked: numbers in range, signals
 * known, words among those the position takes, processes and channels
 * there, options known, given once, each with its value, and none with
 * one it excludes.
 * Every command reports its failures through cmd_fail() here, and the
 * nearest name or word to a typo comes from here too.
 */

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

/*
 * Is w an option of ce ("-n", "--timeout")?  "->" is a word, "-5" a
 * number, a quoted word never is one, and a command without options has
 * none, so "-x" can be a message there.
 */
bool
cmd_is_option(const struct cmd_entry *ce, const struct word *w)
{
	return (!w->quoted && w->s[0] == '-' && w->s[1] != '\0' &&
	    (w->s[1] < '0' || w->s[1] > '9') && ce->opts != NULL &&
	    strcmp(w->s, "->") != 0);
}

/* ce's option called name, or NULL. */
const struct cmd_opt *
cmd_opt_find(const struct cmd_entry *ce, const char *name)
{
	const struct cmd_opt	*o;

	for (o = ce->opts; o != NULL && o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return (o);
	}
	return (NULL);
}

/* Does ce's option s take the next word as its value (--timeout MS)? */
bool
cmd_opt_has_value(const struct cmd_entry *ce, const char *s)
{
	const struct cmd_opt	*o;

	return ((o = cmd_opt_find(ce, s)) != NULL && o->kind != A_END);
}

/* The kind at argument position pos (options not counted), or A_END. */
enum arg_kind
cmd_arg_kind(const struct cmd_entry *ce, size_t pos)
{
	size_t	last;

	if (pos < CMD_ARGS_MAX && ce->args[pos] != A_END)
		return (ce->args[pos]);
	if (!ce->rest || ce->args[0] == A_END)
		return (A_END);
	for (last = 0; last + 1 < CMD_ARGS_MAX && ce->args[last + 1] != A_END;
	    last++)
		continue;
	return (ce->args[last]);
}

/* The kinds as usage lines and the man page name them. */
const char *
arg_kind_name(enum arg_kind k)
{
	static const char *kinds[] = {
		"", "NAME", "PROC", "CHAN", "SEND-CHAN", "RECV-CHAN", "SIGNAL",
		"N", "MSG", "TEXT", "BUFFERING", "COMMAND", "LESSON", "WHAT",
		"WORD", "FILE", "PROCS", "KCHAN", "SOCKETPAIR", "SHM-WORD",
		"PROGRAM"
	};

	if ((size_t)k < sizeof(kinds) / sizeof(kinds[0]))
		return (kinds[k]);
	return ("?");
}

static const char *
arg_meta(const struct cmd_entry *ce, size_t pos)
{
	if (pos < CMD_ARGS_MAX && ce->meta[pos] != NULL)
		return (ce->meta[pos]);
	return (arg_kind_name(cmd_arg_kind(ce, pos)));
}

static const char *
opt_meta(const struct cmd_opt *o)
{
	return (o->meta != NULL ? o->meta : arg_kind_name(o->kind));
}

static char *
usage_make(const struct cmd_entry *ce)
{
	const struct cmd_opt	*o;
	struct sb		 b;
	size_t			 j;
	bool			 opt, last;

	sb_init(&b);
	sb_printf(&b, "%s%s", ce->proc_op ? "PROC " : "", ce->name);
	/* A position past the least a command takes is optional. */
	for (j = 0; j < CMD_ARGS_MAX && ce->args[j] != A_END; j++) {
		opt = (int)j >= ce->min_args;
		if (opt && ce->tail != NULL)
			break;
		last = j + 1 == CMD_ARGS_MAX || ce->args[j + 1] == A_END;
		sb_printf(&b, " %s%s%s%s", opt ? "[" : "", arg_meta(ce, j),
		    ce->rest && last && ce->tail == NULL ? "..." : "",
		    opt ? "]" : "");
	}
	if (ce->tail != NULL)
		sb_printf(&b, " %s", ce->tail);
	/* Two options that exclude each other: [-n | --timeout MS]. */
	for (o = ce->opts; o != NULL && o->name != NULL; o++) {
		sb_puts(&b, o > ce->opts && o[-1].not_with != NULL ? " | " :
		    " [");
		if (o->kind == A_END)
			sb_puts(&b, o->name);
		else
			sb_printf(&b, "%s %s", o->name, opt_meta(o));
		if (o->not_with == NULL)
			sb_puts(&b, "]");
	}
	return (sb_take(&b));
}

/* ce's usage line, made from its entry once: "kill PROC [SIGNAL]". */
const char *
cmd_usage(const struct cmd_entry *ce)
{
	static struct usage {
		const struct cmd_entry	*ce;
		char			*s;
	}		*cache;
	static size_t	 ncache;
	size_t		 i;

	for (i = 0; i < ncache; i++) {
		if (cache[i].ce == ce)
			return (cache[i].s);
	}
	cache = xreallocarray(cache, ncache + 1, sizeof(*cache));
	cache[ncache].ce = ce;
	cache[ncache].s = usage_make(ce);
	return (cache[ncache++].s);
}

/* "same, cross, both" */
static char *
words_list(const char *const *v)
{
	struct sb	b;
	size_t		i;

	sb_init(&b);
	for (i = 0; v != NULL && v[i] != NULL; i++)
		sb_printf(&b, "%s%s", i > 0 ? ", " : "", v[i]);
	return (sb_take(&b));
}

/* Is s one of the words v? */
static bool
word_in(const char *const *v, const char *s)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (strcmp(v[i], s) == 0)
			return (true);
	}
	return (false);
}

/* Is s one of the words v?  If not, say so under w, with the nearest. */
static int
word_check(struct ctx *ctx, const struct word *w, const char *what,
    const char *const *v)
{
	const char	*sugg;
	char		*list;

	if (word_in(v, w->s))
		return (0);
	if ((sugg = word_suggest(v, w->s)) != NULL)
		cmd_fail(ctx, w, "%s: unexpected '%s'; did you mean %s?",
		    what, w->s, sugg);
	else {
		list = words_list(v);
		cmd_fail(ctx, w, "%s: unexpected '%s' (one of: %s)", what,
		    w->s, list);
		free(list);
	}
	return (-1);
}

/* The word's name, the nearest if it is a typo. */
static int
name_exists(struct ctx *ctx, const struct word *w, bool proc)
{
	const char	*sugg;

	if (proc ? engine_is_proc(ctx->e, w->s) : engine_is_chan(ctx->e, w->s))
		return (0);
	if ((sugg = name_suggest(ctx, w->s, proc)) != NULL)
		cmd_fail(ctx, w, "no such %s: %s; did you mean %s?", proc ?
		    "process" : "channel", w->s, sugg);
	else
		cmd_fail(ctx, w, "no such %s: %s", proc ? "process" :
		    "channel", w->s);
	return (-1);
}

static int
parse_option(struct ctx *ctx, const struct cmd_entry *ce, struct word *w,
    size_t n, size_t *i, struct args *a)
{
	const struct cmd_opt	*o;
	struct arg_opt		*ao;
	struct sb		 b;
	char			*list;
	bool			 msg;
	size_t			 j;

	if ((o = cmd_opt_find(ce, w[*i].s)) == NULL) {
		sb_init(&b);
		for (o = ce->opts; o->name != NULL; o++) {
			sb_printf(&b, "%s%s", o == ce->opts ? "" : ", ",
			    o->name);
			if (o->kind != A_END)
				sb_printf(&b, " %s", opt_meta(o));
		}
		for (j = 0, msg = false; j < CMD_ARGS_MAX; j++)
			msg |= ce->args[j] == A_MSG;
		cmd_fail(ctx, &w[*i], "unknown option '%s' for %s (it takes "
		    "%s)%s", w[*i].s, ce->name, b.s, msg ? "; quote a message "
		    "that starts with '-'" : "");
		sb_free(&b);
		return (-1);
	}
	if (args_opt(a, o->name) != NULL) {
		cmd_fail(ctx, &w[*i], "%s: %s given twice", ce->name, o->name);
		return (-1);
	}
	for (j = 0; j < a->no; j++) {
		if ((o->not_with != NULL && strcmp(a->o[j].o->name,
		    o->not_with) == 0) || (a->o[j].o->not_with != NULL &&
		    strcmp(a->o[j].o->not_with, o->name) == 0)) {
			cmd_fail(ctx, &w[*i], "%s and %s do not go together",
			    a->o[j].o->name, o->name);
			return (-1);
		}
	}
	ao = &a->o[a->no++];	/* room for every word: cmd_parse */
	memset(ao, 0, sizeof(*ao));
	ao->o = o;
	ao->w = &w[*i];
	if (o->kind == A_END)
		return (0);
	if (*i + 1 >= n) {
		if (o->kind == A_WORD) {
			list = words_list(o->words);
			cmd_fail(ctx, &w[*i], "%s %s needs one of: %s",
			    ce->name, o->name, list);
			free(list);
		} else
			cmd_fail(ctx, &w[*i], "%s %s needs %s (%s)", ce->name,
			    o->name, o->kind == A_NUMBER ? "a number" :
			    o->kind == A_FILE ? "a file name" : "a value",
			    opt_meta(o));
		return (-1);
	}
	ao->val = &w[++*i];
	if (ao->val->standin)
		return (0);	/* $msg: checked when the program runs */
	if (cmd_is_option(ce, ao->val) && cmd_opt_find(ce, ao->val->s) !=
	    NULL) {
		cmd_fail(ctx, ao->val, "%s %s needs a value (%s) before the "
		    "option %s", ce->name, o->name, opt_meta(o), ao->val->s);
		return (-1);
	}
	switch (o->kind) {
	case A_NUMBER:
		return (parse_uint(ctx, ao->val, o->lo, o->hi, o->what != NULL ?
		    o->what : o->name, &ao->num));
	case A_FILE:
		if (ao->val->s[0] == '\0') {
			cmd_fail(ctx, ao->val, "%s %s needs a file name",
			    ce->name, o->name);
			return (-1);
		}
		return (0);
	case A_WORD:
		return (word_check(ctx, ao->val, o->name, o->words));
	default:
		return (0);
	}
}

static int
parse_arg(struct ctx *ctx, const struct cmd_entry *ce, struct word *w,
    bool names, struct args *a)
{
	struct arg	*ar;

	ar = &a->v[a->nv];	/* room for every word: cmd_parse */
	memset(ar, 0, sizeof(*ar));
	ar->w = w;
	ar->kind = cmd_arg_kind(ce, a->nv++);
	if (w->standin)
		return (0);	/* $msg: checked when the program runs */
	switch (ar->kind) {
	case A_NUMBER:
		return (parse_uint(ctx, w, ce->range.lo, ce->range.hi,
		    ce->range.what != NULL ? ce->range.what : "number",
		    &ar->num));
	case A_SIGNAL:
		if ((ar->sig = sig_parse(w->s)) != -1)
			return (0);
		cmd_fail(ctx, w, "unknown signal '%s' (e.g. TERM, USR1, "
		    "RTMIN+1, 15)", w->s);
		return (-1);
	case A_WORD:
		return (word_check(ctx, w, ce->name, ce->words));
	case A_FILE:
		/* graph --svg --dot: the file name is missing, not "--dot". */
		if (w->quoted || ce->words == NULL || !word_in(ce->words, w->s))
			return (0);
		cmd_fail(ctx, w, "%s: a file name goes here, not '%s'",
		    ce->name, w->s);
		return (-1);
	case A_PROC:
	case A_CHAN:
		/* An operation's channels are the engine's: it knows rights. */
		return (names ? name_exists(ctx, w, ar->kind == A_PROC) : 0);
	default:
		return (0);
	}
}

/* Does ce take words for a person or a message, where blanks need quotes? */
static bool
takes_text(const struct cmd_entry *ce)
{
	size_t	j;

	for (j = 0; j < CMD_ARGS_MAX; j++) {
		if (ce->args[j] == A_MSG || ce->args[j] == A_TEXT)
			return (true);
	}
	return (false);
}

/*
 * Parse w[skip..n-1] as ce's arguments into *a (args_free it, whatever
 * this returns).  names: check that the processes and channels named
 * exist (not in a program's definition, where they may not yet).
 * -1 after one error, reported.
 */
int
cmd_parse(struct ctx *ctx, const struct cmd_entry *ce, struct word *w,
    size_t n, size_t skip, bool names, struct args *a)
{
	const struct word	*at = &w[skip - 1];
	size_t			 i;

	memset(a, 0, sizeof(*a));
	a->ce = ce;
	a->w = w;
	a->n = n;
	/* One allocation each, whatever the words turn out to be. */
	a->v = xcalloc(n - skip + 1, sizeof(*a->v));
	a->o = ce->opts != NULL ? xcalloc(n - skip + 1, sizeof(*a->o)) : NULL;
	for (i = skip; i < n; i++) {
		if (cmd_is_option(ce, &w[i])) {
			if (parse_option(ctx, ce, w, n, &i, a) == -1)
				return (-1);
			continue;
		}
		if (ce->max_args >= 0 && a->nv == (size_t)ce->max_args) {
			if (takes_text(ce))
				cmd_fail(ctx, &w[i], "%s: too many arguments "
				    "(a message with blanks needs quotes); "
				    "usage: %s", ce->name, cmd_usage(ce));
			else
				cmd_fail(ctx, &w[i], "%s: unexpected '%s'; "
				    "usage: %s", ce->name, w[i].s,
				    cmd_usage(ce));
			return (-1);
		}
		if (parse_arg(ctx, ce, &w[i], names, a) == -1)
			return (-1);
	}
	if (a->nv < (size_t)ce->min_args) {
		cmd_fail(ctx, at, "%s: too few arguments; usage: %s", ce->name,
		    cmd_usage(ce));
		return (-1);
	}
	return (0);
}

void
args_free(struct args *a)
{
	free(a->v);
	free(a->o);
	a->v = NULL;
	a->o = NULL;
	a->nv = a->no = 0;
}

/* The option called name, if it was given. */
const struct arg_opt *
args_opt(const struct args *a, const char *name)
{
	size_t	i;

	for (i = 0; i < a->no; i++) {
		if (strcmp(a->o[i].o->name, name) == 0)
			return (&a->o[i]);
	}
	return (NULL);
}

/* Levenshtein, case aside: how far a typo is from a word (99: far). */
size_t
word_distance(const char *a, const char *b)
{
	size_t	la, lb, i, j, *row, prev, tmp, best;

	la = strlen(a);
	lb = strlen(b);
	if (la > 32 || lb > 32)
		return (99);
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return (best);
}

/*
 * The nearest process (procs) or channel name to word, or NULL if none is
 * close: for "did you mean" after a typo.
 */
const char *
name_suggest(struct ctx *ctx, const char *word, bool procs)
{
	static char		 best[NAME_LEN + 2];
	struct proc_info	 pi;
	struct chan_info	 ci;
	size_t			 i, d, bestd = 3;

	best[0] = '\0';
	for (i = 0; procs && engine_proc_info(ctx->e, i, &pi); i++) {
		if ((d = word_distance(word, pi.name)) < bestd) {
			bestd = d;
			strlcpy(best, pi.name, sizeof(best));
		}
	}
	for (i = 0; !procs && engine_chan_info(ctx->e, i, &ci); i++) {
		/* Of the same kind: a channel for a channel, @B for @B. */
		if (ci.mailbox != (word[0] == '@')) {
			chan_info_free(&ci);
			continue;
		}
		if ((d = word_distance(word, ci.name)) < bestd) {
			bestd = d;
			strlcpy(best, ci.name, sizeof(best));
		}
		chan_info_free(&ci);
	}
	return (best[0] != '\0' ? best : NULL);
}

/* The nearest of the words v to s, or NULL if none is close. */
const char *
word_suggest(const char *const *v, const char *s)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	/* A typo leaves some of the word as it was ("" is no typo). */
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if ((d = word_distance(s, v[i])) < bestd && d < strlen(s)) {
			bestd = d;
			best = v[i];
		}
	}
	return (best);
}

/*
 * Report a failed command: "ipcplay: FILE:LINE: message" on stderr (the
 * interactive shell adds a caret under the offending word), and an
 * "error" event for --json.
 */
enum cmd_result
cmd_fail(struct ctx *ctx, const struct word *w, const char *fmt, ...)
{
	struct event	 ev;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	(void)xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (ctx->capture) {
		/* Only trying: the operation itself will say it. */
		free(msg);
		return (CMD_FAIL);
	}
	out_error(ctx, w != NULL ? w->col : 0, msg);
	free(ctx->last_error);
	ctx->last_error = xstrdup(msg);
	if (ctx->json) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_ERROR;
		ev.text = msg;
		ev.file = ctx->file;
		ev.line = ctx->line;
		engine_emit(ctx->e, &ev);
	}
	free(msg);
	return (CMD_FAIL);
}

int
parse_uint(struct ctx *ctx, const struct word *w, long long min,
    long long max, const char *what, long long *out)
{
	const char	*errstr;

	/* strtonum(3) would take " 5" and "+5": a number is its digits. */
	if (isspace((unsigned char)w->s[0]) || w->s[0] == '+')
		errstr = "invalid";
	else
		*out = strtonum(w->s, min, max, &errstr);
	if (errstr != NULL) {
		cmd_fail(ctx, w, "%s '%s' is %s (%lld to %lld)", what, w->s,
		    errstr, min, max);
		return (-1);
	}
	return (0);
}

/* A failure that nothing absorbed: it counts. */
void
cmd_failure(struct ctx *ctx, enum cmd_result r)
{
	(void)r;
	ctx->status = 1;
	if (ctx->bail)
		ctx->stop = true;
}
