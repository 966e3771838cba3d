/*
 * libFuzzer target: the lexer alone.  One input is one line (a NUL ends
 * it, as it ends a C string); every word that comes out is quoted back
 * the way the transcript shows messages.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct words	*cmds;
	size_t		 ncmds, i, j;
	char		*line, *err, *q;
	int		 col;

	line = xmalloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (lex_line(line, &cmds, &ncmds, &err, &col) == -1) {
		if (err == NULL || col < 0 || (size_t)col > size + 1)
			abort();
		free(err);
	} else {
		for (i = 0; i < ncmds; i++) {
			for (j = 0; j < cmds[i].n; j++) {
				q = word_quote((unsigned char *)cmds[i].v[j].s,
				    cmds[i].v[j].len);
				free(q);
			}
		}
		words_free(cmds, ncmds);
	}
	free(line);
	return (0);
}
