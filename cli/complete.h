/*
 * Completion from the command table, for the shell and the dashboard
 * (through edit.c) and for --complete and --grammar.
 */

#ifndef COMPLETE_H
#define COMPLETE_H

struct ctx;

/* Where a word to complete starts: '@' starts a mailbox name, so it is
 * not a break; ',' separates the channels of a list. */
#define COMPLETE_BREAKS	" \t\n\"';,"

/*
 * The words that fit at line[start] and begin with text, once each, in
 * the order the grammar offers them: a NULL-terminated array the caller
 * frees (each word and the array).
 */
char	**complete_line(struct ctx *, const char *, const char *, int);

/* --complete LINE and --grammar. */
void	 complete_print(struct ctx *, const char *);
void	 grammar_print(void);

#endif
