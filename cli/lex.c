/*
 * The lexer: one line of the language into commands, each a vector of
 * words.  Blanks separate words; "..." and '...' quote; inside double
 * quotes \n \t \\ \" \0 and \xHH escape; # outside quotes starts a
 * comment; ; outside quotes ends a command.  Parsing never prints: a
 * problem comes back as a message and the column it was found at.
 */

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ipcplay.h"

struct buf {
	char	*s;
	size_t	 len, cap;
};

static void
buf_add(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		b->cap = b->cap == 0 ? 32 : b->cap * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

static void
push_word(struct words *cmd, struct buf *b, bool quoted, int col)
{
	cmd->v = xreallocarray(cmd->v, cmd->n + 1, sizeof(*cmd->v));
	memset(&cmd->v[cmd->n], 0, sizeof(cmd->v[cmd->n]));
	cmd->v[cmd->n].s = b->s != NULL ? b->s : xstrdup("");
	cmd->v[cmd->n].len = b->len;
	cmd->v[cmd->n].quoted = quoted;
	cmd->v[cmd->n].col = col;
	cmd->n++;
	memset(b, 0, sizeof(*b));
}

void
words_free(struct words *cmds, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < cmds[i].n; j++)
			free(cmds[i].v[j].s);
		free(cmds[i].v);
	}
	free(cmds);
}

/*
 * Split line into commands.  Returns 0, or -1 with *err (to free) and
 * *errcol set.  Empty commands are dropped.
 */
int
lex_line(const char *line, struct words **out, size_t *nout, char **err,
    int *errcol)
{
	struct words	*cmds = NULL;
	size_t		 ncmds = 0;
	struct words	 cur = { NULL, 0 };
	struct buf	 b = { NULL, 0, 0 };
	const char	*p = line;
	bool		 inword = false, quoted = false;
	int		 col = 0, h1, h2;
	char		 q;

	*err = NULL;
	for (;;) {
		if (*p == '\0' || *p == '\n' || *p == '#' || *p == ';' ||
		    *p == ' ' || *p == '\t' || *p == '\r') {
			if (inword)
				push_word(&cur, &b, quoted, col);
			inword = quoted = false;
			if (*p == '\0' || *p == '\n' || *p == '#' ||
			    *p == ';') {
				if (cur.n > 0) {
					cmds = xreallocarray(cmds, ncmds + 1,
					    sizeof(*cmds));
					cmds[ncmds++] = cur;
				}
				cur.v = NULL;
				cur.n = 0;
				if (*p != ';')
					break;
			}
			p++;
			continue;
		}
		if (!inword) {
			inword = true;
			col = (int)(p - line) + 1;
		}
		if (*p != '"' && *p != '\'') {
			buf_add(&b, *p++);
			continue;
		}
		q = *p++;
		quoted = true;
		while (*p != q) {
			if (*p == '\0' || *p == '\n') {
				xasprintf(err, "unterminated %s quote",
				    q == '"' ? "double" : "single");
				*errcol = col;
				goto fail;
			}
			if (q == '"' && *p == '\\') {
				p++;
				if (*p == '\0' || *p == '\n') {
					xasprintf(err, "unterminated double "
					    "quote");
					*errcol = col;
					goto fail;
				}
				switch (*p) {
				case 'n':
					buf_add(&b, '\n');
					break;
				case 't':
					buf_add(&b, '\t');
					break;
				case 'r':
					buf_add(&b, '\r');
					break;
				case '0':
					buf_add(&b, '\0');
					break;
				case '\\':
				case '"':
				case '\'':
				case '$':
					buf_add(&b, *p);
					break;
				case 'x':
					if ((h1 = hexval((unsigned char)p[1])) ==
					    -1 || (h2 = hexval((unsigned char)
					    p[2])) == -1) {
						xasprintf(err, "\\x needs two "
						    "hex digits");
						*errcol = (int)(p - line);
						goto fail;
					}
					buf_add(&b, (char)(h1 * 16 + h2));
					p += 2;
					break;
				default:
					xasprintf(err, "unknown escape \\%c",
					    *p != '\0' ? *p : ' ');
					*errcol = (int)(p - line);
					goto fail;
				}
				p++;
				continue;
			}
			buf_add(&b, *p++);
		}
		p++;
	}
	free(b.s);
	*out = cmds;
	*nout = ncmds;
	return (0);
fail:
	free(b.s);
	for (size_t i = 0; i < cur.n; i++)
		free(cur.v[i].s);
	free(cur.v);
	words_free(cmds, ncmds);
	*out = NULL;
	*nout = 0;
	return (-1);
}

/*
 * The length of the well-formed UTF-8 sequence at s (RFC 3629, table 3-7
 * of the Unicode standard), or 0: no overlong forms, no surrogates
 * (U+D800..DFFF), nothing above U+10FFFF.
 */
size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, k;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (need >= len)
		return (0);
	if (s[1] < lo || s[1] > hi)
		return (0);
	for (k = 2; k <= need; k++) {
		if (s[k] < 0x80 || s[k] > 0xbf)
			return (0);
	}
	return (need + 1);
}

/*
 * The length of the UTF-8 character at s if it may be shown as itself,
 * or 0: not well formed, a C1 control (U+0080..U+009F, which terminals
 * obey) or a bidirectional control (U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), which would turn the rest of the line around.
 */
size_t
utf8_shown(const unsigned char *s, size_t len)
{
	size_t	n;

	if ((n = utf8_len(s, len)) == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return (0);
	if (n == 3 && s[0] == 0xe2 && ((s[1] == 0x80 && (s[2] == 0x8e ||
	    s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae))) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)))
		return (0);
	return (n);
}

/*
 * Text for a terminal: s with every byte that is not printable ASCII or
 * part of a character utf8_shown() allows written \xNN, so an error
 * that repeats a user's word is one line of text.  To be freed.
 */
char *
text_safe(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, n, len = strlen(s);

	for (i = 0; i < len; i++) {
		if (u[i] >= 0x80 && (n = utf8_shown(u + i, len - i)) > 0) {
			for (; n > 0; n--)
				buf_add(&b, (char)u[i++]);
			i--;
		} else if (u[i] < 0x20 || u[i] >= 0x7f) {
			buf_add(&b, '\\');
			buf_add(&b, 'x');
			buf_add(&b, hex[u[i] >> 4]);
			buf_add(&b, hex[u[i] & 0xf]);
		} else
			buf_add(&b, (char)u[i]);
	}
	return (b.s != NULL ? b.s : xstrdup(""));
}

static size_t	char_columns(const char *, size_t *);

/* A message as the transcript shows it: "..." with C escapes. */
char *
word_quote(const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct buf	b = { NULL, 0, 0 };
	size_t		i, n;

	buf_add(&b, '"');
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			buf_add(&b, '\\');
			buf_add(&b, '"');
			break;
		case '\\':
			buf_add(&b, '\\');
			buf_add(&b, '\\');
			break;
		case '\n':
			buf_add(&b, '\\');
			buf_add(&b, 'n');
			break;
		case '\t':
			buf_add(&b, '\\');
			buf_add(&b, 't');
			break;
		case '\0':
			buf_add(&b, '\\');
			buf_add(&b, '0');
			break;
		default:
			/* Valid UTF-8 as itself; any other byte escaped. */
			if (s[i] >= 0x80 && (n = utf8_shown(s + i, len - i)) > 0) {
				for (; n > 0; n--)
					buf_add(&b, (char)s[i++]);
				i--;
			} else if (s[i] < 0x20 || s[i] >= 0x7f) {
				buf_add(&b, '\\');
				buf_add(&b, 'x');
				buf_add(&b, hex[s[i] >> 4]);
				buf_add(&b, hex[s[i] & 0xf]);
			} else
				buf_add(&b, (char)s[i]);
		}
	}
	buf_add(&b, '"');
	return (b.s);
}

/*
 * A message as the transcript shows it, cut after about cols columns of
 * its quoted form: "its start…".  *cut says whether it was.
 */
char *
word_quote_cut(const unsigned char *s, size_t len, size_t max, size_t cols,
    bool *cut)
{
	char	*q, *out;
	size_t	 k;

	*cut = len > max;
	if (!*cut)
		return (word_quote(s, len));
	k = word_quote_fit(s, len, cols);
	q = word_quote(s, k);
	q[strlen(q) - 1] = '\0';	/* the closing quote */
	xasprintf(&out, "%s%s\"", q, glyph(G_ELLIPSIS));
	free(q);
	return (out);
}

/*
 * How many of s's first bytes word_quote() shows in at most cols columns
 * (the quotes apart), ending at a character's end: an escape takes two
 * or four columns, a UTF-8 character one.
 */
size_t
word_quote_fit(const unsigned char *s, size_t len, size_t cols)
{
	size_t	i = 0, n, w, used = 0, k;
	char	ch[8];

	while (i < len) {
		n = 1;
		if (s[i] == '"' || s[i] == '\\' || s[i] == '\n' ||
		    s[i] == '\t' || s[i] == '\0')
			w = 2;
		else if (s[i] >= 0x80 && (n = utf8_shown(s + i, len - i)) > 0) {
			memcpy(ch, s + i, n);
			ch[n] = '\0';
			w = char_columns(ch, &k);
		}
		else if (s[i] < 0x20 || s[i] >= 0x7f) {
			n = 1;
			w = 4;
		} else
			w = 1;
		if (used + w > cols)
			break;
		used += w;
		i += n;
	}
	return (i);
}

/*
 * The columns the character at s takes on a terminal, *n its bytes: as
 * wcwidth(3) says in this locale (2 for 日, 0 for a combining accent),
 * else one for a byte that starts a character and none for the rest.
 */
static size_t
char_columns(const char *s, size_t *n)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		r;
	int		w;

	memset(&st, 0, sizeof(st));
	r = mbrtowc(&wc, s, MB_LEN_MAX, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		*n = 1;
		return (((unsigned char)*s & 0xc0) == 0x80 ? 0 : 1);
	}
	*n = r;
	return ((w = wcwidth(wc)) < 0 ? 1 : (size_t)w);
}

/* The columns the character at s takes, and its length in *n. */
size_t
text_char(const char *s, size_t *n)
{
	return (char_columns(s, n));
}

/* The columns s takes on a terminal. */
size_t
text_columns(const char *s)
{
	size_t	cols = 0, n;

	while (*s != '\0') {
		cols += char_columns(s, &n);
		s += n;
	}
	return (cols);
}

/*
 * s as lines of at most cols columns: broken at the last blank of a line
 * when it is in the line's second half (the blank dropped, and those
 * after it), else where the columns end.  The lines, to be freed with
 * strv_free; how many (one, empty, for an empty s).
 */
size_t
text_wrap(const char *s, size_t cols, char ***out)
{
	char	**v = NULL;
	size_t	  n = 0, fit, b;

	do {
		fit = text_fit(s, cols);
		if (fit == 0 && *s != '\0')
			(void)text_char(s, &fit);	/* wider than a line */
		if (s[fit] != '\0') {
			for (b = fit; b > fit / 2 && s[b] != ' '; b--)
				continue;
			if (b > fit / 2)
				fit = b;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n] = xmalloc(fit + 1);
		memcpy(v[n], s, fit);
		v[n++][fit] = '\0';
		s += fit;
		s += strspn(s, " ");
	} while (*s != '\0');
	*out = v;
	return (n);
}

/* How many bytes of s fill at most cols columns, ending at a character. */
size_t
text_fit(const char *s, size_t cols)
{
	size_t	i = 0, used = 0, w, n;

	while (s[i] != '\0') {
		w = char_columns(s + i, &n);
		if (used + w > cols)
			break;
		used += w;
		i += n;
	}
	return (i);
}
