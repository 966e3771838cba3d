/*
 * The interactive shell (GNU readline).
 */

#ifndef REPL_H
#define REPL_H

#include <stdbool.h>

struct ctx;

void	 repl_run(struct ctx *);
bool	 repl_history_add(const char *);
void	 repl_restore_handler(void);
void	 repl_comp_reset(void);
void	 repl_comp_add(const char *);
char	**repl_comp_match(const char *);
char	**repl_completions(struct ctx *, const char *, int, int);
char	**complete_line(struct ctx *, const char *, const char *, int);
void	 complete_print(struct ctx *, const char *);
void	 grammar_print(void);

#endif
