/*
 * Program definitions: "program NAME", its lines, "end" -- or
 * "program NAME { a; b }" on one line -- read into checked instructions.
 *
 * Every line is checked as it arrives, as the operation it will be, with
 * the same parser (cmd_check_op) that runs it later: a bad line is one
 * error naming FILE:LINE, and a definition with any bad line is not
 * defined at all (nothing half-defined).  $i, $msg and $ready are checked
 * with stand-in values, and $i only inside a repeat.  Names (channels,
 * signal targets) are not checked here: a program may be defined before
 * what it uses exists.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"

struct prog_def {
	struct program	*p;
	size_t		*loops;		/* open loops, innermost last */
	size_t		 nloops;
	int		 errors;
	bool		 brace;		/* opened with '{': '}' closes */
	const char	*src_of;	/* the line its last source copy is of */
	int		 src_line;
};

struct play *
play_get(struct ctx *ctx)
{
	if (ctx->play == NULL)
		ctx->play = xcalloc(1, sizeof(struct play));
	return (ctx->play);
}

static void
ins_clear(struct ins *in)
{
	size_t	i;

	for (i = 0; i < in->n; i++)
		free(in->w[i].s);
	free(in->w);
	free(in->text);
}

void
prog_release(struct program *p)
{
	size_t	i;

	if (p == NULL || --p->refs > 0)
		return;
	for (i = 0; i < p->n; i++)
		ins_clear(&p->v[i]);
	free(p->v);
	for (i = 0; i < p->nsrcs; i++)
		free(p->srcs[i]);
	free(p->srcs);
	free(p->name);
	free(p->file);
	free(p);
}

static void
def_free(struct prog_def *d)
{
	if (d == NULL)
		return;
	prog_release(d->p);
	free(d->loops);
	free(d);
}

struct program *
prog_find(struct play *pl, const char *name)
{
	size_t	i;

	for (i = 0; pl != NULL && i < pl->nprogs; i++) {
		if (strcmp(pl->progs[i]->name, name) == 0)
			return (pl->progs[i]);
	}
	return (NULL);
}

bool
prog_defining(const struct ctx *ctx)
{
	return (ctx->play != NULL && ctx->play->def != NULL);
}

const char *
prog_def_name(const struct ctx *ctx)
{
	return (prog_defining(ctx) ? ctx->play->def->p->name : NULL);
}

/*
 * Is the variable var ("i", "msg", "ready") written at s[k] ("$i"), not
 * followed by more of a name?
 */
static bool
prog_var_at(const char *s, size_t len, size_t k, const char *var)
{
	size_t	vl = strlen(var);
	char	c;

	if (s[k] != '$' || k + 1 + vl > len || memcmp(s + k + 1, var, vl) != 0)
		return (false);
	if (k + 1 + vl == len)
		return (true);
	c = s[k + 1 + vl];
	return (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_'));
}

/* A word as a listing shows it: bare when it reads back the same. */
char *
prog_word_show(const struct word *w)
{
	size_t	i;

	if (w->len == 0 || w->quoted)
		return (word_quote((const unsigned char *)w->s, w->len));
	for (i = 0; i < w->len; i++) {
		unsigned char c = (unsigned char)w->s[i];

		if (c <= ' ' || c == '"' || c == '\'' || c == '\\' ||
		    c == ';' || c == '#' || c == 0x7f)
			return (word_quote((const unsigned char *)w->s,
			    w->len));
	}
	return (xmemdup(w->s, w->len + 1));
}

static char *
words_show(const struct word *w, size_t n, long long repeat)
{
	struct sb	 b;
	size_t		 i;
	char		*s;

	sb_init(&b);
	if (repeat >= 0)
		sb_printf(&b, "repeat %lld ", repeat);
	for (i = 0; i < n; i++) {
		s = prog_word_show(&w[i]);
		sb_printf(&b, "%s%s", i > 0 ? " " : "", s);
		free(s);
	}
	return (sb_take(&b));
}

static struct word
word_copy(const struct word *w)
{
	struct word	c = *w;

	c.s = xmemdup(w->s, w->len + 1);
	return (c);
}

/* The stand-ins a definition's check gives $i, $msg and $ready. */
static const struct prog_vals standins = { 1, (const unsigned char *)"m", 1,
    "c" };

/*
 * A word with $i, $msg and $ready replaced by their values, "$$" by "$";
 * *used gets the PV_ bits of the variables it holds.  A word that took a
 * message or a channel's name is never an option (a message "-n" stays a
 * message).  One walker for the definition's check and for the run.
 */
struct word
prog_expand(const struct word *w, const struct prog_vals *v, unsigned *used)
{
	struct word	c = *w;
	struct sb	b;
	size_t		k;

	*used = 0;
	sb_init(&b);
	for (k = 0; k < w->len; k++) {
		if (w->s[k] == '$' && k + 1 < w->len && w->s[k + 1] == '$') {
			sb_putc(&b, '$');
			k++;
		} else if (prog_var_at(w->s, w->len, k, "i")) {
			sb_printf(&b, "%lld", v->turn);
			*used |= PV_I;
			k += 1;
		} else if (prog_var_at(w->s, w->len, k, "msg")) {
			for (size_t j = 0; j < v->msglen; j++)
				sb_putc(&b, (char)v->msg[j]);
			*used |= PV_MSG;
			c.quoted = true;
			k += 3;
		} else if (prog_var_at(w->s, w->len, k, "ready")) {
			sb_puts(&b, v->ready != NULL ? v->ready : "");
			*used |= PV_READY;
			c.quoted = true;
			k += 5;
		} else
			sb_putc(&b, w->s[k]);
	}
	c.len = b.len;
	sb_putc(&b, '\0');
	c.s = sb_take(&b);
	return (c);
}

static void
def_add(struct prog_def *d, enum ins_kind kind, const struct word *w,
    size_t n, long long repeat, struct ctx *ctx)
{
	struct program	*p = d->p;
	struct ins	*in;
	size_t		 i;

	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	in = &p->v[p->n++];
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->repeat = repeat;
	in->w = xcalloc(n + 1, sizeof(*in->w));
	for (i = 0; i < n; i++)
		in->w[i] = word_copy(&w[i]);
	in->n = n;
	in->text = words_show(w, n, repeat);
	/* A long line of many commands is kept once, not once each. */
	if (d->src_of != ctx->linebuf || d->src_line != ctx->line ||
	    p->nsrcs == 0) {
		p->srcs = xreallocarray(p->srcs, p->nsrcs + 1,
		    sizeof(*p->srcs));
		p->srcs[p->nsrcs++] = xstrdup(ctx->linebuf != NULL ?
		    ctx->linebuf : "");
		d->src_of = ctx->linebuf;
		d->src_line = ctx->line;
	}
	in->src = p->srcs[p->nsrcs - 1];
	in->fline = ctx->line;
}

static bool
is_word(const struct word *w, const char *s)
{
	return (!w->quoted && strcmp(w->s, s) == 0);
}

/* An operation a program may hold: every process operation but these. */
static const char *const not_in_programs[] = { "run", "stop", "continue",
    NULL };

static const struct cmd_entry *
prog_op(const struct word *w)
{
	const struct cmd_entry	*ce;
	size_t			 i;

	if (w->quoted || (ce = op_lookup(w->s)) == NULL)
		return (NULL);
	for (i = 0; not_in_programs[i] != NULL; i++) {
		if (strcmp(ce->name, not_in_programs[i]) == 0)
			return (NULL);
	}
	return (ce);
}

/*
 * Which instruction a command is, or INS_LOOP when it is none a program
 * may hold (the error said).
 */
static enum ins_kind
cmd_kind(struct ctx *ctx, struct prog_def *d, struct word *w, size_t n)
{
	const char	*sugg;
	char		*ops;

	if (is_word(&w[0], "sleep"))
		return (INS_SLEEP);
	if (is_word(&w[0], "expect"))
		return (INS_EXPECT);
	if (prog_op(&w[0]) != NULL)
		return (INS_OP);
	if (n >= 2 && prog_op(&w[1]) != NULL)
		cmd_fail(ctx, &w[0], "a program's operations are done by the "
		    "process that runs it: write '%s ...' without '%s'",
		    w[1].s, w[0].s);
	else if (!w[0].quoted && (cmd_is_reserved(w[0].s) ||
	    engine_is_proc(ctx->e, w[0].s))) {
		ops = op_list(not_in_programs);
		cmd_fail(ctx, &w[0], "'%s' cannot stand in a program, which "
		    "holds what its process does: %s, sleep, expect, repeat N, "
		    "loop ... end", w[0].s, ops);
		free(ops);
	}
	else if (is_word(&w[0], "end") && d->brace)
		cmd_fail(ctx, &w[0], "'end' closes a loop, and none is open; "
		    "program %s ends at '}'", d->p->name);
	else if ((sugg = cmd_suggest(w[0].s)) != NULL &&
	    prog_op(&(struct word){ .s = (char *)sugg }) != NULL)
		cmd_fail(ctx, &w[0], "unknown operation '%s'; did you mean "
		    "'%s'?", w[0].s, sugg);
	else {
		ops = op_list(not_in_programs);
		cmd_fail(ctx, &w[0], "unknown operation '%s' (%s, sleep, "
		    "expect, repeat, loop, end)", w[0].s, ops);
		free(ops);
	}
	return (INS_LOOP);
}

/*
 * Check an operation as a program holds it, w[0] a stand-in process: its
 * words, options and numbers, with nothing run (ctx->dry) and no name
 * looked up (what it names may not exist yet).
 */
static enum cmd_result
cmd_check_op(struct ctx *ctx, struct word *w, size_t n)
{
	const struct cmd_entry	*ce;
	struct args		 a;
	enum cmd_result		 r = CMD_FAIL;

	ce = op_lookup(w[1].s);
	if (cmd_parse(ctx, ce, w, n, 2, false, &a) == 0) {
		ctx->dry = true;
		r = ce->exec(ctx, &a);
		ctx->dry = false;
	}
	args_free(&a);
	return (r);
}

/*
 * One command of a program (after any "repeat N"): check it as it will
 * run, with stand-ins for the variables and for the process, then add it.
 */
static int
def_cmd(struct ctx *ctx, struct prog_def *d, struct word *w, size_t n,
    long long repeat)
{
	struct word	*c;
	size_t		 i;
	long long	 v;
	enum ins_kind	 kind;
	enum cmd_result	 r = CMD_FAIL;
	unsigned	 used;
	const struct word *bad = NULL;

	c = xcalloc(n + 1, sizeof(*c));
	c[0].s = xstrdup("PROC");
	c[0].len = 4;
	c[0].col = w[0].col;
	for (i = 0; i < n; i++) {
		c[i + 1] = prog_expand(&w[i], &standins, &used);
		c[i + 1].standin = (used & (PV_MSG | PV_READY)) != 0;
		if (repeat < 0 && (used & PV_I) && bad == NULL)
			bad = &w[i];
	}
	kind = INS_LOOP;
	if (bad != NULL)
		cmd_fail(ctx, bad, "$i counts the turns of a repeat; it has no "
		    "value outside one");
	else if ((kind = cmd_kind(ctx, d, w, n)) == INS_LOOP)
		;	/* it said why */
	else if (kind == INS_SLEEP && n != 2)
		cmd_fail(ctx, &w[0], "sleep takes one number of milliseconds: "
		    "sleep MS");
	else if (kind == INS_SLEEP)
		r = !c[2].standin && parse_uint(ctx, &c[2], 0, 600000,
		    "sleep time", &v) == -1 ? CMD_FAIL : CMD_OK;
	else if (kind == INS_EXPECT && n < 2)
		cmd_fail(ctx, &w[0], "expect needs a condition (help expect)");
	else if (kind == INS_EXPECT)
		r = CMD_OK;	/* its condition is looked at when it runs */
	else
		r = cmd_check_op(ctx, c, n + 1);
	for (i = 0; i <= n; i++)
		free(c[i].s);
	free(c);
	if (r != CMD_OK)
		return (-1);
	def_add(d, kind, w, n, repeat, ctx);
	return (0);
}

/* One line (command) of a definition. */
static int
def_line(struct ctx *ctx, struct prog_def *d, struct word *w, size_t n)
{
	long long	count;
	size_t		open;

	if (is_word(&w[0], "loop")) {
		if (n > 1) {
			cmd_fail(ctx, &w[1], "loop takes nothing after it: its "
			    "lines follow, up to 'end'");
			return (-1);
		}
		d->loops = xreallocarray(d->loops, d->nloops + 1,
		    sizeof(*d->loops));
		d->loops[d->nloops++] = d->p->n;
		def_add(d, INS_LOOP, w, n, -1, ctx);
		return (0);
	}
	if (is_word(&w[0], "end") && d->nloops > 0) {
		if (n > 1) {
			cmd_fail(ctx, &w[1], "nothing may follow 'end'");
			return (-1);
		}
		open = d->loops[--d->nloops];
		if (open + 1 == d->p->n) {
			cmd_fail(ctx, &w[0], "an empty loop would spin for "
			    "ever doing nothing");
			return (-1);
		}
		def_add(d, INS_END, w, n, -1, ctx);
		d->p->v[open].match = d->p->n - 1;
		d->p->v[d->p->n - 1].match = open;
		return (0);
	}
	if (is_word(&w[0], "repeat")) {
		if (n < 3) {
			cmd_fail(ctx, &w[0], "repeat needs a count and a "
			    "command: repeat N CMD");
			return (-1);
		}
		if (parse_uint(ctx, &w[1], 0, ctx->repeat_max > 0 ?
		    ctx->repeat_max : REPEAT_MAX, "repeat count", &count) == -1)
			return (-1);
		if (is_word(&w[2], "repeat") || is_word(&w[2], "loop") ||
		    is_word(&w[2], "end")) {
			cmd_fail(ctx, &w[2], "repeat holds one command, not "
			    "'%s' (a loop ... end holds several)", w[2].s);
			return (-1);
		}
		return (def_cmd(ctx, d, w + 2, n - 2, count));
	}
	return (def_cmd(ctx, d, w, n, -1));
}

/* The definition is complete: install it, or say why not. */
static void
def_close(struct ctx *ctx, const struct word *at)
{
	struct play	*pl = ctx->play;
	struct prog_def	*d = pl->def;
	struct program	*old;
	size_t		 i;

	pl->def = NULL;
	if (d->errors == 0 && d->nloops > 0) {
		cmd_fail(ctx, at, "program %s: the loop on its line %zu has no "
		    "end", d->p->name, d->loops[d->nloops - 1] + 1);
		d->errors++;
	}
	if (d->errors == 0 && d->p->n == 0) {
		cmd_fail(ctx, at, "program %s is empty", d->p->name);
		d->errors++;
	}
	if (d->errors > 0) {
		ctx->fail_pending = true;
		out_printf(ctx, "program %s not defined (%d bad line%s)\n",
		    d->p->name, d->errors, d->errors == 1 ? "" : "s");
		def_free(d);
		return;
	}
	for (i = 0; i < pl->nprogs; i++) {
		if (strcmp(pl->progs[i]->name, d->p->name) == 0)
			break;
	}
	if (i < pl->nprogs) {
		old = pl->progs[i];
		pl->progs[i] = d->p;
		prog_release(old);
	} else {
		pl->progs = xreallocarray(pl->progs, pl->nprogs + 1,
		    sizeof(*pl->progs));
		pl->progs[pl->nprogs++] = d->p;
	}
	if (ctx->interactive)
		out_printf(ctx, "program %s defined (%zu line%s)\n",
		    d->p->name, d->p->n, d->p->n == 1 ? "" : "s");
	d->p = NULL;
	def_free(d);
}

/*
 * Split "{send" and "c2}" into "{" "send" and "c2" "}": braces need no
 * blanks around them.
 */
static void
split_braces(struct words *c)
{
	size_t		i;
	struct word	*w;

	for (i = 0; i < c->n; i++) {
		w = &c->v[i];
		if (w->quoted || w->len < 2)
			continue;
		if (w->s[0] == '{' || w->s[w->len - 1] == '}') {
			bool front = w->s[0] == '{';

			c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
			memmove(&c->v[i + 1], &c->v[i], (c->n - i) *
			    sizeof(*c->v));
			c->n++;
			w = &c->v[i];
			if (front) {
				w->s = xstrdup("{");
				w->len = 1;
				memmove(w[1].s, w[1].s + 1, w[1].len);
				w[1].len--;
				w[1].col++;
			} else {
				w[1].s = xstrdup("}");
				w[1].len = 1;
				w[1].col += (int)w->len - 1;
				w->s[--w->len] = '\0';
			}
		}
	}
}

/*
 * Feed the commands of one line to the definition under way.  A line
 * that closes it may hold nothing after the closing word.
 */
static size_t
def_feed(struct ctx *ctx, struct words *cmds, size_t ncmds, size_t first,
    size_t skip)
{
	struct prog_def	*d = ctx->play->def;
	struct word	*w, *closer = NULL;
	size_t		 i, n, k;
	bool		 bad = false, ends;

	/* What follows the command that closes it is not its. */
	for (i = first; i < ncmds && closer == NULL; i++) {
		/* Braces are syntax only in a definition that opened one. */
		if (d->brace)
			split_braces(&cmds[i]);
		w = cmds[i].v + (i == first ? skip : 0);
		n = cmds[i].n - (i == first ? skip : 0);
		for (k = 0; k < n; k++) {
			if (d->brace && is_word(&w[k], "}"))
				break;
		}
		/* "end" closes the program when no loop is open. */
		ends = k > 0 && is_word(&w[0], "end") && d->nloops == 0 &&
		    !d->brace;
		if (k > 0 && !ends && def_line(ctx, d, w, k) == -1) {
			d->errors++;
			bad = true;
		}
		if (k < n) {
			closer = &w[k];
			if (k + 1 < n) {
				cmd_fail(ctx, &w[k + 1], "nothing may follow "
				    "'}'");
				d->errors++;
				bad = true;
			}
		} else if (ends) {
			closer = &w[0];
			if (n > 1) {
				cmd_fail(ctx, &w[1], "nothing may follow 'end'");
				d->errors++;
				bad = true;
			}
		}
	}
	if (bad)
		ctx->fail_pending = true;
	if (closer != NULL)
		def_close(ctx, closer);
	return (i);
}

/* Start a definition: "program NAME", "program NAME {", "... { a; b }". */
static size_t
def_start(struct ctx *ctx, struct words *cmds, size_t ncmds)
{
	struct play	*pl = play_get(ctx);
	struct prog_def	*d;
	struct word	*w;
	size_t		 n;

	split_braces(&cmds[0]);
	w = cmds[0].v;
	n = cmds[0].n;
	if (n < 2) {
		cmd_fail(ctx, &w[0], "program needs a name: program NAME, its "
		    "lines, end (or program NAME { CMD; CMD })");
		ctx->fail_pending = true;
		return (1);
	}
	if (!name_valid(w[1].s) || w[1].quoted) {
		cmd_fail(ctx, &w[1], "bad program name '%s' (letters, digits, "
		    "_ and -, at most %d)", w[1].s, NAME_LEN);
		ctx->fail_pending = true;
		return (1);
	}
	if (n > 2 && !is_word(&w[2], "{")) {
		cmd_fail(ctx, &w[2], "program %s: its lines follow, up to "
		    "'end' (or write program %s { CMD; CMD })", w[1].s, w[1].s);
		ctx->fail_pending = true;
		return (1);
	}
	d = xcalloc(1, sizeof(*d));
	d->p = xcalloc(1, sizeof(*d->p));
	d->p->name = xstrdup(w[1].s);
	d->p->file = xstrdup(ctx->file != NULL ? ctx->file : "");
	d->p->line = ctx->line;
	d->p->refs = 1;
	d->brace = n > 2;
	pl->def = d;
	return (def_feed(ctx, cmds, ncmds, 0, d->brace ? 3 : 2));
}

/*
 * Commands of a lexed line that are (part of) a definition, the first
 * of them starting it or the definition under way: how many are its.
 * The commands after the one that ends it are not.
 */
size_t
prog_line(struct ctx *ctx, struct words *cmds, size_t ncmds)
{
	if (prog_defining(ctx))
		return (def_feed(ctx, cmds, ncmds, 0, 0));
	return (def_start(ctx, cmds, ncmds));
}

/* The prompt: "ipcplay> ", or during a definition its name, "ping> ". */
const char *
prog_prompt(const struct ctx *ctx, const char *plain)
{
	static char	p[NAME_LEN + 8];

	if (!prog_defining(ctx))
		return (plain);
	snprintf(p, sizeof(p), "%s> ", prog_def_name(ctx));
	return (p);
}

/* Ctrl-C at a definition's prompt: it is dropped. */
void
prog_abandon(struct ctx *ctx)
{
	if (!prog_defining(ctx))
		return;
	def_free(ctx->play->def);
	ctx->play->def = NULL;
}

/* A line of the definition could not even be read: it counts as bad. */
void
prog_bad_line(struct ctx *ctx)
{
	if (prog_defining(ctx))
		ctx->play->def->errors++;
}

/* The input ended: a definition without its end is not defined. */
void
prog_eof(struct ctx *ctx)
{
	struct prog_def	*d;
	struct word	 w;

	if (!prog_defining(ctx))
		return;
	d = ctx->play->def;
	ctx->play->def = NULL;
	memset(&w, 0, sizeof(w));
	if (ctx->fail_pending) {
		ctx->fail_pending = false;
		cmd_failure(ctx, CMD_FAIL);
	}
	cmd_fail(ctx, &w, "program %s (line %d) has no '%s' before the end "
	    "of the input", d->p->name, d->p->line, d->brace ? "}" : "end");
	ctx->fail_pending = true;
	def_free(d);
}

/* The programs and a definition under way, freed (runner.c's play_free). */
void
prog_table_free(struct play *pl)
{
	size_t	i;

	def_free(pl->def);
	pl->def = NULL;
	for (i = 0; i < pl->nprogs; i++)
		prog_release(pl->progs[i]);
	free(pl->progs);
	pl->progs = NULL;
	pl->nprogs = 0;
}

static enum cmd_result
cmd_program_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	return (cmd_fail(ctx, &w[0], "program starts a line of its own (not "
	    "inside repeat)"));
}

const struct cmd_entry cmd_program_entry = {
	.name = "program",
	.help = "Define what a process does on its own: the lines up to "
	    "'end' (or program NAME { CMD; CMD } on one line) are operations "
	    "without the process name -- send recv poll call reply "
	    "reply-recv signal mask unmask exit pass drop store load add "
	    "wait wake -- and sleep MS, expect ..., repeat N CMD, loop ... "
	    "end (for ever).  $i counts a repeat's turns, $msg is the last "
	    "message received, $ready the first ready channel of the last "
	    "poll; they work inside words (\"re:$msg\").  Each line is "
	    "checked as it is read: one bad line and nothing is defined.  "
	    "Then P run NAME, and run or step.",
	.example = "program echo { loop; recv c1; send c2 \"re:$msg\"; end }",
	.whole = true,
	.min_args = 1, .max_args = -1,
	.args = { A_NAME, A_COMMAND }, .rest = true, .tail = "... end",
	.exec = cmd_program_exec,
};
