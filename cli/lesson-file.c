/*
 * A lesson file, read whole and each line classified once: a pause, a
 * predict, the exercise, the check mark, a say, or anything else (a
 * command).  The summary is the "# summary:" comment.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "lesson-int.h"

static enum lline_kind
classify(const char *text)
{
	struct words	*cmds;
	size_t		 ncmds;
	char		*err, *w;
	int		 col;
	enum lline_kind	 k = LL_CMD;

	if (lex_line(text, &cmds, &ncmds, &err, &col) == -1) {
		free(err);
		return (LL_CMD);	/* run_line reports it */
	}
	if (ncmds == 0)
		k = LL_BLANK;
	else if (ncmds == 1 && !cmds[0].v[0].quoted) {
		w = cmds[0].v[0].s;
		if (strcmp(w, "pause") == 0)
			k = LL_PAUSE;
		else if (strcmp(w, "predict") == 0 && cmds[0].n == 3)
			k = LL_PREDICT;
		else if (strcmp(w, "exercise") == 0)
			k = LL_EXERCISE;
		else if (strcmp(w, "check") == 0 && cmds[0].n == 1)
			k = LL_CHECK;
		else if (strcmp(w, "say") == 0)
			k = LL_SAY;
	}
	words_free(cmds, ncmds);
	return (k);
}

/* "# summary: ..." anywhere in the leading comment block. */
static char *
summary_of(const char *text)
{
	const char	*s = text;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '#')
		return (NULL);
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "summary:", 8) != 0)
		return (NULL);
	s += 8;
	while (*s == ' ' || *s == '\t')
		s++;
	return (xstrdup(s));
}

struct lesson *
lesson_load(const char *path, char **cause)
{
	struct lesson	*l;
	FILE		*f;
	char		*line = NULL, *base, *dot;
	size_t		 cap = 0;
	ssize_t		 len;
	int		 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	/* A directory opens, then fails to read: say so before playing. */
	if (getc(f) == EOF && ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		fclose(f);
		return (NULL);
	}
	rewind(f);
	l = xcalloc(1, sizeof(*l));
	l->path = xstrdup(path);
	base = strrchr(path, '/');
	l->name = xstrdup(base != NULL ? base + 1 : path);
	if ((dot = strrchr(l->name, '.')) != NULL && strcmp(dot, ".ipc") == 0)
		*dot = '\0';
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		l->lines = xreallocarray(l->lines, l->nlines + 1,
		    sizeof(*l->lines));
		l->lines[l->nlines].text = xstrdup(line);
		l->lines[l->nlines].lineno = lineno;
		l->lines[l->nlines].kind = classify(line);
		if (l->summary == NULL)
			l->summary = summary_of(line);
		l->nlines++;
	}
	free(line);
	fclose(f);
	l->ex = l->chk = l->nlines;
	for (size_t i = 0; i < l->nlines; i++) {
		if (l->lines[i].kind == LL_EXERCISE && l->ex == l->nlines)
			l->ex = i;
		if (l->lines[i].kind == LL_CHECK && i > l->ex &&
		    l->chk == l->nlines)
			l->chk = i;
	}
	if (l->summary == NULL)
		l->summary = xstrdup("");
	return (l);
}

void
lesson_free(struct lesson *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nlines; i++)
		free(l->lines[i].text);
	free(l->lines);
	free(l->path);
	free(l->name);
	free(l->summary);
	free(l);
}
