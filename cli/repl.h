/*
 * The interactive shell (GNU readline): the session, until quit or
 * Ctrl-D.
 */

#ifndef REPL_H
#define REPL_H

struct ctx;

void	 repl_run(struct ctx *);

#endif
