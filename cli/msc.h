/*
 * The message sequence chart (msc.c): what the session did, kept as rows
 * from the transcript's own events, and drawn by msc.c (a terminal, the
 * dashboard's pane) and svg.c (a file).
 */

#ifndef MSC_H
#define MSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctx;
struct event;

enum msc_kind {
	MR_SEND,	/* from put a message into chan: it waits there */
	MR_MSG,		/* a message arrived at to, sent from from at row send */
	MR_RECV,	/* to received a message nobody is known to have sent */
	MR_DROP,	/* from's message was lost by chan */
	MR_BLOCK,	/* from blocked in an operation (note) */
	MR_DEADLOCK,	/* lanes marked LS_DEADLOCK are deadlocked */
	MR_EXIT,	/* from ended (note) */
	MR_NOTE		/* from's wait ended without a message (note) */
};

/* A lane's state at a row. */
enum lane_state { LS_NONE, LS_UP, LS_BLOCKED, LS_GONE, LS_DEADLOCK };

struct msc_row {
	enum msc_kind	 kind;
	int		 from, to;	/* lanes, -1: none or unknown */
	uint64_t	 send;		/* MR_MSG: the row of its send (this
					   row's number when sent here) */
	uint64_t	 msgno;		/* the message's number, from 1; 0 none */
	char		*text;		/* the message, quoted */
	char		*chan;
	char		*note;		/* why it blocked, "duplicate", ... */
	unsigned char	*lanes;		/* enum lane_state per lane */
	size_t		 nlanes;
};

struct msc;

/* Rows from number first (1-based, as drawn) on: a view of the chart. */
struct msc_view {
	const char *const	*lanes;
	size_t			 nlanes;
	const struct msc_row	*rows;
	size_t			 nrows;
	uint64_t		 first;		/* the number of rows[0] */
	bool			 cut;		/* rows before it are gone */
};

void	 msc_event(struct ctx *, const struct event *);
void	 msc_free(struct ctx *);
/* The rows of the last N messages (0: all), or false when empty. */
bool	 msc_view(struct ctx *, size_t, struct msc_view *);
/* The view drawn for a terminal width columns wide; lines to be freed. */
char	**msc_lines(const struct msc_view *, size_t, size_t *);
void	 msc_lines_free(char **, size_t);
/* "text chan #N (note)": a message row's label (#N with withsend). */
char	*msc_label(const struct msc_row *, uint64_t, bool);
/* The view as an SVG document (svg.c). */
char	*msc_svg(const struct msc_view *, const char *);

#endif
