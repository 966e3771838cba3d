/*
 * A growing string.  Amortised doubling; the buffer is always
 * NUL-terminated, so sb_take() hands back an ordinary C string.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipccore.h"
#include "sb.h"

static void
sb_grow(struct sb *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
sb_init(struct sb *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
	sb_grow(b, 0);
	b->s[0] = '\0';
}

void
sb_putc(struct sb *b, char c)
{
	sb_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
sb_puts(struct sb *b, const char *s)
{
	size_t	n;

	n = strlen(s);
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
sb_take(struct sb *b)
{
	char	*s = b->s;

	b->s = NULL;
	b->len = b->cap = 0;
	return (s);
}

void
sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Drop the first n bytes (a line that has gone out). */
void
sb_cut(struct sb *b, size_t n)
{
	if (b->s == NULL)
		return;
	if (n > b->len)
		n = b->len;
	memmove(b->s, b->s + n, b->len - n + 1);
	b->len -= n;
}
