/*
 * Completion, driven by the command table: each entry says what goes at
 * each of its positions (enum arg_kind) and which options it takes, so a
 * new command completes without a line here.  The words before the
 * cursor decide what fits: a command word or a process name at the
 * start; an operation after a process; then the entry's kind for the
 * position (a channel the process may send on, a signal, a lesson ...).
 */

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"
#include "lesson.h"
#include "complete.h"


static const char *signals[] = {
	"USR1", "USR2", "TERM", "KILL", "INT", "HUP", "RTMIN", "RTMIN+1",
	"RTMIN+2", "ALRM", NULL
};

/* This completion's candidates, each owned, in the order offered. */
static char	**cv;
static size_t	  cn;

static void
add_owned(char *s)
{
	cv = xreallocarray(cv, cn + 1, sizeof(*cv));
	cv[cn++] = s;
}

static void
add(const char *s)
{
	add_owned(xstrdup(s));
}

static void
add_list(const char *const *v)
{
	for (; *v != NULL; v++)
		add(*v);
}

/* The words of v not yet in w (an option is given once). */
static void
add_unused(const char *const *v, struct word *w, size_t n)
{
	size_t	i, len;

	for (; *v != NULL; v++) {
		len = strlen(*v);
		for (i = 0; i < n; i++) {
			if (strncmp(w[i].s, *v, len) == 0)
				break;
		}
		if (i == n)
			add(*v);
	}
}

/*
 * A channel's options for its kind, from the table its parser reads:
 * from, to, and each KEY= not given yet (each KEY=WORD of a key of words).
 */
static void
add_chan_keys(unsigned on, struct word *w, size_t n)
{
	static const char *const fromto[] = { "from", "to", NULL };
	const struct chan_key	*k;
	size_t			 i, j;
	char			*s;

	add_unused(fromto, w, n);
	for (k = chan_keys; k->key != NULL; k++) {
		for (i = 0; i < n && strncmp(w[i].s, k->key,
		    strlen(k->key)) != 0; i++)
			continue;
		if (!(k->on & on) || i < n)
			continue;
		for (j = 0; k->values != NULL && k->values[j] != NULL; j++) {
			xasprintf(&s, "%s%s", k->key, k->values[j]);
			add_owned(s);
		}
		if (k->values == NULL)
			add(k->key);
	}
}

static void
add_procs(struct ctx *ctx, bool exited_too)
{
	struct proc_info	pi;
	size_t			i;

	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (exited_too || pi.state != PS_EXITED)
			add_owned(xstrdup(pi.name));
	}
}

/* Take back a word offered (repeat does not repeat repeat). */
static void
drop(const char *s)
{
	size_t	i, k;

	for (i = k = 0; i < cn; i++) {
		if (strcmp(cv[i], s) == 0)
			free(cv[i]);
		else
			cv[k++] = cv[i];
	}
	cn = k;
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
		else if (ci.mechanism == MECH_SHM)
			ok = false;	/* no message goes through it */
		else if (ci.mechanism != MECH_MODELED)
			ok = kshow_holds(&ci, proc, send);
		else
			ok = send ? listed(ci.from, ci.nfrom, proc) :
			    listed(ci.to, ci.nto, proc);
		if (ok)
			add_owned(xstrdup(ci.name));
		chan_info_free(&ci);
	}
}

/*
 * What proc holds of the kernel's: ends of kernel channels (k A_KCHAN),
 * ends of socket pairs (A_SOCKPAIR), words of regions (A_WORDREF).
 */
static void
add_kernel_for(struct ctx *ctx, const char *proc, enum arg_kind k)
{
	struct chan_info	ci;
	size_t			i, j;
	char			*s;
	bool			ok;

	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		ok = ci.mechanism != MECH_MODELED &&
		    (kshow_holds(&ci, proc, true) ||
		    kshow_holds(&ci, proc, false));
		if (k == A_KCHAN)
			ok = ok && ci.mechanism != MECH_SHM;
		else if (k == A_SOCKPAIR)
			ok = ok && ci.mechanism == MECH_SOCKETPAIR;
		else
			ok = ok && ci.mechanism == MECH_SHM;
		for (j = 0; ok && k == A_WORDREF && j < ci.nwords && j < 16;
		    j++) {
			xasprintf(&s, "%s[%zu]", ci.name, j);
			add_owned(s);
		}
		if (ok && k != A_WORDREF)
			add_owned(xstrdup(ci.name));
		chan_info_free(&ci);
	}
}

/*
 * --complete LINE: what Tab would offer after LINE, one per line, for a
 * shell's completion script (and the tests, which walk the table).
 */
void
complete_print(struct ctx *ctx, const char *line)
{
	const char	*text;
	char		**r;
	size_t		 i;

	/* The word after the last break, as readline would take it. */
	for (text = line + strlen(line); text > line &&
	    strchr(COMPLETE_BREAKS, text[-1]) == NULL; text--)
		continue;
	r = complete_line(ctx, line, text, (int)(text - line));
	for (i = 0; r[i] != NULL; i++) {
		printf("%s\n", r[i]);
		free(r[i]);
	}
	free(r);
}

/* --grammar: each command's argument kinds, from the table. */
void
grammar_print(void)
{
	const struct cmd_entry		*ce;
	const struct cmd_opt		*o;
	const struct expect_form	*f;
	size_t				 i, j;
	char				*u;

	/*
	 * A line a command: its usage, a tab, the kinds of its positions
	 * (optional ones in brackets), a tab, its options (=KIND when it
	 * takes a value); "-" for none, so that no field is empty.
	 */
	for (i = 0; (ce = cmd_table[i]) != NULL; i++) {
		printf("%s\t", cmd_usage(ce));
		if (ce->args[0] == A_END)
			printf("-");
		for (j = 0; j < CMD_ARGS_MAX && ce->args[j] != A_END; j++)
			printf("%s%s%s%s%s", j > 0 ? " " : "",
			    (int)j >= ce->min_args ? "[" : "",
			    arg_kind_name(ce->args[j]), ce->rest &&
			    (j + 1 == CMD_ARGS_MAX || ce->args[j + 1] == A_END) ?
			    "..." : "", (int)j >= ce->min_args ? "]" : "");
		printf("\t");
		if (ce->opts == NULL)
			printf("-");
		for (o = ce->opts; o != NULL && o->name != NULL; o++)
			printf("%s%s%s%s", o == ce->opts ? "" : " ", o->name,
			    o->kind != A_END ? "=" : "",
			    o->kind != A_END ? arg_kind_name(o->kind) : "");
		printf("\n");
	}
	/* expect's forms: as help writes them, a tab, their kinds. */
	for (f = expect_forms; f->word != NULL; f++) {
		u = expect_form_usage(f);
		printf("expect: %s\t", u);
		free(u);
		if (f->args[0] == A_END)
			printf("-");
		for (j = 0; j < 2 && f->args[j] != A_END; j++)
			printf("%s%s%s", j > 0 ? " " : "",
			    arg_kind_name(f->args[j]), f->rest &&
			    (j == 1 || f->args[j + 1] == A_END) ? "..." : "");
		printf("\n");
	}
}

static void
add_topics(void)
{
	char	**t;
	size_t	  nt, j;

	nt = lesson_topics(&t);
	for (j = 0; j < nt; j++)
		add_owned(t[j]);
	free(t);
}

static void	add_kind(struct ctx *, enum arg_kind, const char *const *);

/*
 * After "expect" and the words so far (w[0..n)), from expect's table:
 * a subject or a form's own word first, then the forms for the subject,
 * then what the form takes at that position.
 */
static void
add_expect(struct ctx *ctx, struct word *w, size_t n)
{
	const struct expect_form	*f;
	enum expect_subject		 subj;
	size_t				 pos, first, last;

	if (n == 0) {
		add_procs(ctx, true);	/* expect A exited */
		add_chans(ctx);
	}
	subj = n == 0 ? EXS_NONE : engine_is_proc(ctx->e, w[0].s) ? EXS_PROC :
	    engine_is_chan(ctx->e, w[0].s) ? EXS_CHAN : EXS_NONE;
	for (f = expect_forms; f->word != NULL; f++) {
		/* A process named no: its forms, and "no deadlock". */
		if (f->subject != subj && f->subject != EXS_NONE)
			continue;
		first = f->subject == EXS_NONE ? 0 : 1;	/* the form's word */
		if (n == first) {
			if (f->subject == subj)
				add(f->word);
			continue;
		}
		if (strcmp(w[first].s, f->word) != 0)
			continue;
		pos = n - first - 1;	/* words after the form's */
		if (f->max >= 0 && pos >= (size_t)f->max)
			continue;
		last = f->args[1] != A_END ? 1 : 0;
		if (pos <= last)
			add_kind(ctx, f->args[pos], f->words);
		else if (f->rest)
			add_kind(ctx, f->args[last], f->words);
	}
}

/*
 * The words of a command are w[0..n), the last one complete; offer what
 * fits next, from the command table: the entry's kind for that position
 * (past its options and their values), its options where a word starts
 * with '-', and a few grammars of their own (a channel's options, the
 * forms of expect, the command that repeat runs).
 */
static void
complete_words(struct ctx *ctx, struct word *w, size_t n, const char *text)
{
	const struct cmd_entry	*ce;
	const struct cmd_opt	*o, *oo;
	const char		*proc = NULL;
	char			*amb;
	size_t			 i, skip, pos;
	enum arg_kind		 k;

	if (n == 0) {
		for (i = 0; cmd_table[i] != NULL; i++)
			if (!cmd_table[i]->proc_op)
				add(cmd_table[i]->name);
		add_procs(ctx, false);
		return;
	}
	if (engine_is_proc(ctx->e, w[0].s)) {
		if (n == 1) {
			for (i = 0; cmd_table[i] != NULL; i++)
				if (cmd_table[i]->proc_op)
					add(cmd_table[i]->name);
			return;
		}
		if ((ce = op_lookup(w[1].s)) == NULL)
			return;
		proc = w[0].s;
		skip = 2;
	} else {
		if ((ce = cmd_lookup(w[0].s, &amb)) == NULL) {
			free(amb);
			return;
		}
		skip = 1;
	}
	/* The position: words so far, past options and their values. */
	for (i = skip, pos = 0; i < n; i++) {
		if (cmd_is_option(ce, &w[i])) {
			if (cmd_opt_has_value(ce, w[i].s))
				i++;
			continue;
		}
		pos++;
	}
	/* An option's value: its kind (--cpu same), a number (nothing). */
	if (n > skip && cmd_is_option(ce, &w[n - 1]) &&
	    (o = cmd_opt_find(ce, w[n - 1].s)) != NULL && o->kind != A_END) {
		add_kind(ctx, o->kind, o->words);
		return;
	}
	k = cmd_arg_kind(ce, pos);
	/* Options where a word starts with '-', or where nothing else goes. */
	for (o = ce->opts; o != NULL && o->name != NULL &&
	    (text[0] == '-' || k == A_END); o++) {
		/* Given once, and not beside one it excludes. */
		for (i = skip; i < n; i++) {
			if (strcmp(w[i].s, o->name) == 0 || (o->not_with !=
			    NULL && strcmp(w[i].s, o->not_with) == 0) ||
			    (cmd_is_option(ce, &w[i]) && (oo = cmd_opt_find(ce,
			    w[i].s)) != NULL && oo->not_with != NULL &&
			    strcmp(oo->not_with, o->name) == 0))
				break;
		}
		if (i == n)
			add(o->name);
	}
	if (k == A_END)
		return;
	switch (k) {
	case A_CHAN_SEND:
	case A_CHAN_RECV:
		if (proc != NULL)
			add_chans_for(ctx, proc, k == A_CHAN_SEND);
		else
			add_chans(ctx);
		break;
	case A_KCHAN:
	case A_SOCKPAIR:
	case A_WORDREF:
		if (proc != NULL)
			add_kernel_for(ctx, proc, k);
		break;
	case A_BUFFERING:
		/* channel NAME BUFFERING [N] [from P,...] [to P,...] OPT... */
		if (pos == 1)
			add_list(chan_bufferings);
		else if (strcmp(w[n - 1].s, "from") == 0 ||
		    strcmp(w[n - 1].s, "to") == 0)
			add_procs(ctx, false);
		else if (strcmp(w[skip + 1].s, "socketpair") == 0) {
			/* socketpair TYPE between P Q */
			if (pos == 2)
				add_list(chan_socktypes);
			else if (pos == 3)
				add("between");
			else if (pos == 4 || pos == 5)
				add_procs(ctx, false);
		} else if (strcmp(w[n - 1].s, "bounded") != 0)
			add_chan_keys(chan_keys_for(w[skip + 1].s), w, n);
		break;
	case A_COMMAND:
		if (strcmp(ce->name, "repeat") == 0) {
			complete_words(ctx, w + skip + 1, n - skip - 1, text);
			if (n == skip + 1)
				drop("repeat");
		} else
			for (i = 0; cmd_table[i] != NULL; i++)
				add(cmd_table[i]->name);
		break;
	case A_EXPECT:
		add_expect(ctx, w + skip, n - skip);
		break;
	default:
		add_kind(ctx, k, ce->words);
		break;
	}
}

/* The words of a kind that needs nothing but itself. */
static void
add_kind(struct ctx *ctx, enum arg_kind k, const char *const *words)
{
	size_t	i;

	switch (k) {
	case A_PROC:
	case A_PROCS:
		add_procs(ctx, false);
		break;
	case A_CHAN:
	case A_CHAN_SEND:
	case A_CHAN_RECV:
		add_chans(ctx);
		break;
	case A_SIGNAL:
		add_list(signals);
		break;
	case A_TOPIC:
		add_topics();
		break;
	case A_PROGRAM:
		for (i = 0; ctx->play != NULL && i < ctx->play->nprogs; i++)
			add(ctx->play->progs[i]->name);
		break;
	case A_WORD:
		if (words != NULL)
			add_list(words);
		break;
	default:
		break;
	}
}

/*
 * The candidates for text, the word that starts at line[start]: each
 * word that fits there and starts with text, once, in the order the
 * grammar offers them; a NULL-terminated array the caller frees.
 */
char **
complete_line(struct ctx *ctx, const char *line, const char *text, int start)
{
	struct words	*cmds;
	struct word	*w = NULL;
	size_t		 ncmds, n = 0, i, j, k, nr = 0, len = strlen(text);
	char		*prefix, *err, **r;
	int		 col;

	prefix = xmemdup(line, (size_t)start);
	if (lex_line(prefix, &cmds, &ncmds, &err, &col) == -1)
		free(err);	/* inside a quote: nothing fits */
	else {
		/* Only the last command of the line matters (after ';'). */
		for (k = (size_t)start; k > 0 && (prefix[k - 1] == ' ' ||
		    prefix[k - 1] == '\t'); k--)
			continue;
		if (ncmds > 0 && !(k > 0 && prefix[k - 1] == ';')) {
			w = cmds[ncmds - 1].v;
			n = cmds[ncmds - 1].n;
			/* After "c1,": the next of a list, the list's kind. */
			if (start > 0 && prefix[start - 1] == ',' && n > 0)
				n--;
		}
		complete_words(ctx, w, n, text);
		words_free(cmds, ncmds);
	}
	free(prefix);
	r = xcalloc(cn + 1, sizeof(*r));
	for (i = 0; i < cn; i++) {
		for (j = 0; j < nr && strcmp(r[j], cv[i]) != 0; j++)
			continue;
		if (strncmp(cv[i], text, len) == 0 && j == nr)
			r[nr++] = cv[i];
		else
			free(cv[i]);
	}
	cn = 0;
	return (r);
}
