/*
 * Inside the lessons: a lesson file read and classified (lesson-file.c),
 * the course in a directory (lesson-book.c), the player (lesson.c).  The
 * player uses the book and the file; the book uses the file; nothing
 * calls back up.
 */

#ifndef LESSON_INT_H
#define LESSON_INT_H

#include <stddef.h>

struct ctx;

enum lline_kind {
	LL_BLANK,	/* empty or a comment */
	LL_CMD,
	LL_SAY,
	LL_PAUSE,
	LL_PREDICT,
	LL_EXERCISE,
	LL_CHECK
};

struct lline {
	char		*text;
	int		 lineno;
	enum lline_kind	 kind;
};

struct lesson {
	char		*path;
	char		*name;		/* "06-deadlock" */
	char		*summary;
	struct lline	*lines;
	size_t		 nlines;
	size_t		 ex;		/* the exercise line, or nlines */
	size_t		 chk;		/* the check mark, or nlines */
};

/* lesson-file.c: NULL with *cause set when the file cannot be read. */
struct lesson	*lesson_load(const char *, char **);
void		 lesson_free(struct lesson *);

/* lesson-book.c */
char		*lessons_dir(void);
char		*lesson_find(const char *, const char *, char **);

#endif
