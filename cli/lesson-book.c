/*
 * The course: the lessons in a directory (NN-topic.ipc, in order), the
 * list "ipcplay lesson" prints, finding one by number, topic or path,
 * and the topics for completion.
 *
 * The lessons directory: $IPCPLAY_LESSONS_DIR if set, else "lessons"
 * beside the binary, else ../share/ipcplay/lessons from the binary's
 * directory (an installed copy, whatever PREFIX was), else the
 * IPCPLAY_LESSONS the binary was built with.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "lesson.h"
#include "lesson-int.h"

#ifndef IPCPLAY_LESSONS
#define IPCPLAY_LESSONS "/usr/local/share/ipcplay/lessons"
#endif

struct lesson_entry {
	char	*file;			/* "06-deadlock.ipc" */
	int	 num;
};

/* Where the lessons are. */
char *
lessons_dir(void)
{
	struct stat	 sb;
	const char	*s;
	char		 exe[PATH_MAX], *slash, *dir;
	ssize_t		 len;

	if ((s = getenv("IPCPLAY_LESSONS_DIR")) != NULL && *s != '\0')
		return (xstrdup(s));
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&dir, "%s/lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
			/* A build tree's binary: build/ipcplay. */
			xasprintf(&dir, "%s/../lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
			/* Installed: PREFIX/bin/ipcplay, PREFIX/share/... */
			xasprintf(&dir, "%s/../share/ipcplay/lessons", exe);
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
				return (dir);
			free(dir);
		}
	}
	return (xstrdup(IPCPLAY_LESSONS));
}

/* "06-deadlock.ipc": a number, a dash, a name, ".ipc". */
static int
lesson_filter(const struct dirent *d)
{
	const char	*s = d->d_name;
	size_t		 len;

	len = strlen(s);
	if (!isdigit((unsigned char)s[0]) || len < 7 ||
	    strcmp(s + len - 4, ".ipc") != 0)
		return (0);
	while (isdigit((unsigned char)*s))
		s++;
	return (*s == '-');
}

static int
lesson_cmp(const struct dirent **a, const struct dirent **b)
{
	int	na, nb;

	na = atoi((*a)->d_name);
	nb = atoi((*b)->d_name);
	if (na != nb)
		return (na < nb ? -1 : 1);
	return (strcmp((*a)->d_name, (*b)->d_name));
}

/* The lessons in dir, in order; -1 if the directory cannot be read. */
static int
lesson_scan(const char *dir, struct lesson_entry **out, size_t *nout)
{
	struct dirent	**ents;
	int		  n, i;

	*out = NULL;
	*nout = 0;
	if ((n = scandir(dir, &ents, lesson_filter, lesson_cmp)) == -1)
		return (-1);
	*out = xcalloc(n > 0 ? (size_t)n : 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		(*out)[i].file = xstrdup(ents[i]->d_name);
		(*out)[i].num = atoi(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	*nout = (size_t)n;
	return (0);
}

static void
entries_free(struct lesson_entry *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].file);
	free(v);
}

/* "06-deadlock.ipc" -> "deadlock" (a pointer into the name). */
static const char *
topic_of(const char *file)
{
	const char	*s;

	s = strchr(file, '-');
	return (s != NULL ? s + 1 : file);
}

/* One lesson of the list under --json: {"type":"lesson", ...}. */
static void
lesson_json(struct ctx *ctx, int num, const char *path)
{
	struct lesson	*l;
	char		*cause, *name, *summary, *p;

	if ((l = lesson_load(path, &cause)) == NULL) {
		free(cause);
		return;
	}
	name = json_str((const unsigned char *)topic_of(l->name),
	    strlen(topic_of(l->name)));
	summary = json_str((const unsigned char *)l->summary,
	    strlen(l->summary));
	p = json_str((const unsigned char *)path, strlen(path));
	out_raw(ctx, "{\"type\":\"lesson\",\"num\":%d,\"name\":%s,"
	    "\"summary\":%s,\"path\":%s}\n", num, name, summary, p);
	free(name);
	free(summary);
	free(p);
	lesson_free(l);
}

/*
 * The course, as "ipcplay lesson" prints it.  0, or 2 with *cause set
 * when there are no lessons.
 */
int
lesson_list(struct ctx *ctx, char **cause)
{
	struct lesson_entry	*v;
	struct lesson		*l;
	size_t			 n, i;
	int			 w;
	char			*path, *dir, *why;

	dir = lessons_dir();
	if (lesson_scan(dir, &v, &n) == -1 || n == 0) {
		xasprintf(cause, "no lessons in %s (set IPCPLAY_LESSONS_DIR)",
		    dir);
		if (v != NULL)
			entries_free(v, n);
		free(dir);
		return (2);
	}
	/* The topic column fits the longest topic ("deadlock.ipc" - 4). */
	for (i = 0, w = 0; i < n; i++) {
		if ((int)strlen(topic_of(v[i].file)) - 4 > w)
			w = (int)strlen(topic_of(v[i].file)) - 4;
	}
	if (!ctx->json)
		out_printf(ctx, "The lessons (ipcplay lesson NAME plays one, "
		    "step by step):\n");
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, v[i].file);
		if (ctx->json) {
			lesson_json(ctx, v[i].num, path);
			free(path);
			continue;
		}
		if ((l = lesson_load(path, &why)) == NULL) {
			out_printf(ctx, "  %02d  %-*.*s  (%s)\n", v[i].num, w,
			    w, topic_of(v[i].file), why);
			free(why);
		} else {
			out_printf(ctx, "  %02d  %-*s  %s\n", v[i].num, w,
			    topic_of(l->name), l->summary);
			lesson_free(l);
		}
		free(path);
	}
	if (!ctx->json)
		out_printf(ctx, "Run one in batch mode: ipcplay "
		    "%s/NN-topic.ipc\n", dir);
	entries_free(v, n);
	free(dir);
	return (0);
}

/*
 * Find a lesson by number ("6", "06"), by topic ("deadlock", or a unique
 * prefix of one), by file name, or by path.  Returns its path or NULL
 * with *cause set.
 */
char *
lesson_find(const char *dir, const char *name, char **cause)
{
	struct lesson_entry	*v;
	struct stat		 sb;
	size_t			 n, i, len, nfound = 0;
	const char		*errstr, *t;
	char			*path = NULL, *found = NULL, *cands = NULL, *s;
	long long		 num = -1;

	if (*name == '\0') {
		xasprintf(cause, "no lesson '' (ipcplay lesson lists them)");
		return (NULL);
	}
	if (strchr(name, '/') != NULL && stat(name, &sb) == 0)
		return (xstrdup(name));
	if (lesson_scan(dir, &v, &n) == -1) {
		xasprintf(cause, "no lessons in %s (set IPCPLAY_LESSONS_DIR)",
		    dir);
		return (NULL);
	}
	if (isdigit((unsigned char)name[0])) {
		num = strtonum(name, 0, 999, &errstr);
		if (errstr != NULL)
			num = -1;
	}
	len = strlen(name);
	for (i = 0; i < n && path == NULL; i++) {
		t = topic_of(v[i].file);
		if (v[i].num == num || strcmp(v[i].file, name) == 0 ||
		    (strncmp(t, name, len) == 0 && t[len] == '.') ||
		    (strncmp(v[i].file, name, len) == 0 &&
		    strcmp(v[i].file + len, ".ipc") == 0))
			xasprintf(&path, "%s/%s", dir, v[i].file);
	}
	for (i = 0; i < n && path == NULL; i++) {
		if (num != -1 || strncmp(topic_of(v[i].file), name, len) != 0)
			continue;
		nfound++;
		free(found);
		found = xstrdup(v[i].file);
		t = topic_of(v[i].file);
		xasprintf(&s, "%s%s%.*s", cands != NULL ? cands : "",
		    cands != NULL ? ", " : "", (int)strlen(t) - 4, t);
		free(cands);
		cands = s;
	}
	if (path == NULL && nfound == 1)
		xasprintf(&path, "%s/%s", dir, found);
	else if (path == NULL && nfound > 1)
		xasprintf(cause, "lesson '%s' is ambiguous: %s", name, cands);
	else if (path == NULL)
		xasprintf(cause, "no lesson '%s' (ipcplay lesson lists them)",
		    name);
	free(found);
	free(cands);
	entries_free(v, n);
	return (path);
}

/* The lessons' topics ("why-ipc", "deadlock", ...), for completion. */
size_t
lesson_topics(char ***out)
{
	struct lesson_entry	*v;
	char			*dir, **t = NULL, *s;
	size_t			 n = 0, i;

	dir = lessons_dir();
	if (lesson_scan(dir, &v, &n) == 0) {
		t = xcalloc(n + 1, sizeof(*t));
		for (i = 0; i < n; i++) {
			t[i] = xstrdup(topic_of(v[i].file));
			if ((s = strstr(t[i], ".ipc")) != NULL)
				*s = '\0';
		}
		entries_free(v, n);
	} else
		n = 0;
	free(dir);
	*out = t;
	return (n);
}
