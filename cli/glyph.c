/*
 * Glyphs chosen in one place by the locale: in a UTF-8 codeset the
 * transcript, the dashboard and the graph draw arrows, dashes and lines
 * with Unicode; in any other (LANG=C, a serial console) with ASCII, so a
 * terminal never shows mojibake.  Everything that prints a glyph asks
 * glyph(); text written in UTF-8 by a person (a lesson's "expect saw")
 * is put into the same glyphs with glyph_text().
 */

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

static const struct {
	const char	*utf8, *ascii;
} glyphs[G_NGLYPH] = {
	[G_ARROW] = { "\xe2\x86\x92", "->" },
	[G_DASH] = { "\xe2\x80\x94", "--" },
	[G_ELLIPSIS] = { "\xe2\x80\xa6", "..." },
	[G_HLINE] = { "\xe2\x94\x80", "-" },
	[G_BLOCK] = { "\xe2\x96\x88", "#" },
};

static bool	utf8 = true;

/* Take the character type from the environment, once, before any output. */
void
glyph_init(void)
{
	const char	*cs;

	(void)setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	utf8 = strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
}

bool
glyph_utf8(void)
{
	return (utf8);
}

const char *
glyph(enum glyph g)
{
	return (utf8 ? glyphs[g].utf8 : glyphs[g].ascii);
}

/* s with each glyph of the table in this locale's form; to be freed. */
char *
glyph_text(const char *s)
{
	struct sb	 b;
	size_t		 k, len;

	if (utf8)
		return (xstrdup(s));
	sb_init(&b);
	while (*s != '\0') {
		for (k = 0; k < G_NGLYPH; k++) {
			len = strlen(glyphs[k].utf8);
			if (strncmp(s, glyphs[k].utf8, len) == 0)
				break;
		}
		if (k < G_NGLYPH) {
			sb_puts(&b, glyphs[k].ascii);
			s += len;
		} else
			sb_putc(&b, *s++);
	}
	return (sb_take(&b));
}
