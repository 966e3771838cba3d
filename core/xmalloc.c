/*
 * Allocation that never returns NULL.  Running out of memory in a teaching
 * tool is fatal; the front end installs a hook (engine_set_fatal_hook) so
 * that the terminal is restored before the message is printed.
 */

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipccore.h"

static void (*fatal_hook)(void);

void
engine_set_fatal_hook(void (*fn)(void))
{
	fatal_hook = fn;
}

static void
fatal(void)
{
	if (fatal_hook != NULL)
		fatal_hook();
	errx(1, "out of memory");
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		fatal();
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal();
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(old, n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal();
	return (p);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal();
	return (p);
}

void *
xmemdup(const void *src, size_t len)
{
	void	*p;

	p = xmalloc(len + 1);
	if (len > 0)
		memcpy(p, src, len);
	((char *)p)[len] = '\0';
	return (p);
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(out, fmt, ap);
	va_end(ap);
	return (n);
}

int
xvasprintf(char **out, const char *fmt, va_list ap)
{
	int	n;

	if ((n = vasprintf(out, fmt, ap)) == -1)
		fatal();
	return (n);
}

/* Is s one of the n strings of v? */
bool
strv_has(char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return (true);
	}
	return (false);
}

/* A vector of n strings, each and all. */
void
strv_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}
