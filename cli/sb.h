/*
 * A growing string: the printers build lines with it.
 */

#ifndef SB_H
#define SB_H

#include <stddef.h>

struct sb {
	char	*s;
	size_t	 len, cap;
};

void	 sb_init(struct sb *);
void	 sb_putc(struct sb *, char);
void	 sb_puts(struct sb *, const char *);
void	 sb_printf(struct sb *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*sb_take(struct sb *);
void	 sb_cut(struct sb *, size_t);
void	 sb_free(struct sb *);

#endif
