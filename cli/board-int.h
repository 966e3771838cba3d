/*
 * The dashboard's insides, shared by board.c (the terminal, the loop,
 * readline inside curses) and board-panes.c (what each pane shows).
 */

#ifndef BOARD_INT_H
#define BOARD_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipcplay.h"

#define FRAME_MS	30
#define LOG_MAX		2000

enum {
	C_READY = 1,
	C_BLOCKED,
	C_EXITED,
	C_DEAD,
	C_TITLE,
	C_ERROR
};

struct board;

struct pane {
	const char	*name;
	void		(*update)(struct board *);
	void		(*draw)(struct board *, struct pane *);
	WINDOW		*win;
	int		 scroll;
};

/*
 * A channel's traffic over time, for its rate and its fill sparkline: a
 * sample every HIST_MS, the last HIST_N kept.
 */
#define HIST_N		16
#define HIST_MS		250
struct chan_hist {
	char		 name[NAME_LEN + 2];
	uint64_t	 msgs;		/* its c_messages at the last sample */
	uint64_t	 at;		/* when, ms */
	double		 rate;		/* messages a second since the one before */
	unsigned char	 fill[HIST_N];	/* 0-8: eighths of full */
	size_t		 n;
	bool		 seen;		/* still there in this frame */
};

struct board {
	struct ctx		*ctx;
	struct chan_hist	*hist;
	size_t			 nhist;
	struct proc_info	*procs;
	size_t			 nprocs;
	struct chan_info	*chans;
	size_t			 nchans;
	struct wfg_edge		*edges;
	size_t			 nedges;
	struct deadlock		*dl;
	size_t			 ndl;
	char			*log[LOG_MAX];
	bool			 log_err[LOG_MAX];
	size_t			 log_next, log_count;
	WINDOW			*title, *keys, *input, *help;
	bool			 dirty, show_help, color, utf8, done, off;
	bool			 show_msc;	/* F4: the chart's pane */
	uint64_t		 last_draw;
	uint64_t		 first_event;	/* oldest event not drawn, us */
	size_t			 nevents;	/* events since the last frame */
	SCREEN			*scr;
	bool			 reader;	/* board_read_line() waits */
	bool			 lesson;	/* a lesson plays: a bigger log */
	char			*got;		/* the line it read */
	/*
	 * The transcript while the board is up, as the plain shell would
	 * have printed it: "dashboard off" prints it, so that the terminal's
	 * scrollback holds the whole session.  The last LOG_MAX lines.
	 */
	char			*said[LOG_MAX];
	bool			 said_err[LOG_MAX];
	size_t			 said_next, said_count;
	bool			 replay;
	int			 queue;		/* the byte readline reads next */
	int			 held[64];	/* keys typed while a command ran */
	size_t			 nheld;
	FILE			*devnull;	/* readline's own output */
};

/* board-panes.c */
void	snapshot_free(struct board *);
void	pane_procs_update(struct board *);
void	pane_procs_draw(struct board *, struct pane *);
void	pane_chans_update(struct board *);
void	pane_chans_draw(struct board *, struct pane *);
void	pane_graph_update(struct board *);
void	pane_graph_draw(struct board *, struct pane *);
void	pane_log_draw(struct board *, struct pane *);
void	pane_msc_draw(struct board *, struct pane *);
void	draw_title(struct board *);
void	board_attr_on(struct board *, WINDOW *, int, int);
void	board_attr_off(struct board *, WINDOW *, int, int);
void	pane_frame(struct board *, struct pane *);
void	board_put(WINDOW *, int, int, const char *);
int	in_deadlock(struct board *, const char *);

#endif
