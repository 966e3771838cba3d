/*
 * The live dashboard (ncurses): processes, channels as rows of message
 * boxes, the wait-for graph with any deadlock, the event log, and the
 * readline prompt at the bottom.
 */

#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>

struct ctx;

enum board_end {
	BOARD_QUIT,	/* quit or Ctrl-D */
	BOARD_OFF	/* "dashboard off": back to the plain prompt */
};

bool		board_available(void);
enum board_end	board_run(struct ctx *);

/* The board as a line reader, for the lesson player. */
bool		board_begin(struct ctx *);
char		*board_read_line(struct ctx *, const char *);
void		board_end(struct ctx *);

#endif
