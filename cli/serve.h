/*
 * The classroom (ipcplay serve / attach): students' terminals attached
 * to the teacher's playground, each driving one process.
 *
 * serve.c owns the listening socket, the teacher's side and the end of
 * the class; seat-io.c the students' connections (a seat each): reading
 * their lines, writing without ever blocking, the limits, the log.
 * seat.c runs a student's command as their process and decides which
 * events each student is told; the connections reach it only through
 * the hooks in struct serve.  attach.c is the student's side.
 */

#ifndef SERVE_H
#define SERVE_H

#include <sys/queue.h>

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipcplay.h"
#include "sb.h"

#define SERVE_PROTO	1		/* the protocol's version */
#define SERVE_LINE_MAX	4096		/* longest line a student may send */
#define SERVE_RATE	20		/* commands a second, then "slow down" */
#define SERVE_RATE_DROP	(10 * SERVE_RATE) /* ... then the seat is lost */
#define SERVE_OUT_MAX	(1024 * 1024)	/* unsent bytes before a slow client
					   loses its seat */
#define SERVE_CONN_MAX	256		/* connections at once */
#define SERVE_WAITING_MAX 32		/* ... of which not joined yet */
#define SERVE_JOIN_MS	10000		/* to send "join" after connecting */
#define SERVE_SPAWN_MAX	100		/* live processes joining may make */
#define SERVE_HEAVY	10		/* msc counts as this many commands */
#define SERVE_REPLY_MAX	(256 * 1024)	/* text one command sends a student */
#define SERVE_USED_MAX	64		/* channels remembered per seat */
#define SERVE_ACCEPT_ROUND 8		/* connections accepted a round */
#define SERVE_ROUND_US	2000		/* students served in one round of
					   the loop, at most this long */

struct seat {
	TAILQ_ENTRY(seat) entry;
	int		 fd;
	bool		 joined;
	char		 name[NAME_LEN + 1];
	char		 peer[80];	/* "uid 1000" or "192.0.2.1:40000" */
	char		 in[SERVE_LINE_MAX + 2];	/* a line, its CR, its NUL */
	size_t		 inlen;
	bool		 skipping;	/* the rest of a line too long */
	char		*out;		/* bytes not yet written */
	size_t		 outlen, outcap, outoff;
	uint64_t	 window_ms;	/* the rate's one-second window */
	unsigned	 window_n;
	unsigned long	 ncmds;		/* commands run */
	uint64_t	 joined_ms;	/* when it joined (connected, before) */
	uint64_t	 last_ms;
	char		*gone;		/* why it is to be dropped, or NULL */
	/* While its command runs: the text's unfinished line, the error. */
	struct sb	 partial;
	char		*err;
	size_t		 sent;		/* text bytes of this line so far */
	size_t		 unsent;	/* lines past SERVE_REPLY_MAX */
	char		*used[SERVE_USED_MAX];	/* channels it named */
	size_t		 nused;
	uint64_t	 t_in;		/* when its last bytes came, us */
	struct linebuf	 recent;	/* what its "expect saw" looks at */
	bool		 fail_pending;	/* for its own "expect error" */
	uint64_t	 names_ms;	/* its last "names" */
};
TAILQ_HEAD(seatq, seat);

struct serve {
	int		 lfd;
	bool		 tcp;
	char		*path;		/* the Unix socket, unlinked at the end */
	char		*address;	/* what attach is given */
	char		 code[33];	/* 32 hex digits */
	struct seatq	 seats;
	size_t		 nconn;
	size_t		 nwaiting;	/* connected, not joined yet */
	uint64_t	 accept_ms;	/* no accepting before (out of fds) */
	struct seat	*actor;		/* whose command runs now */
	FILE		*log;		/* --log: JSON lines with "by" */
	FILE		*trace;		/* $IPCPLAY_SERVE_TRACE: timings */
	char		*headline;	/* the dashboard's title shows it */
	size_t		 turn;		/* who is served first this round */
	bool		 reset;		/* the playground was reset: students
					   get fresh processes */
	/*
	 * seat.c's, for the connections (seat_hooks() sets them): a joining
	 * connection's line, a student's command line, a seat closing, the
	 * students' processes made again after a reset.
	 */
	void		(*join)(struct ctx *, struct seat *, char *);
	void		(*line)(struct ctx *, struct seat *, char *);
	void		(*leave)(struct ctx *, struct seat *);
	void		(*respawn)(struct ctx *);
};

/* serve.c, seat-io.c */
int	 serve_main(struct ctx *, const struct engine_config *, int, char **);
size_t	 serve_pollfds(struct ctx *, struct pollfd *, size_t);
size_t	 serve_nfds(const struct ctx *);
int	 serve_timeout(const struct ctx *);
void	 serve_dispatch(struct ctx *, const struct pollfd *, size_t);
void	 seat_bytes(struct ctx *, struct seat *, const char *, size_t);
void	 seat_send(struct serve *, struct seat *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 seat_send_lines(struct serve *, struct seat *, const char *,
	    const char *);
void	 seat_flush(struct seat *);
void	 seat_drop(struct serve *, struct seat *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
struct seat *seat_find(struct serve *, const char *);
void	 seat_close(struct ctx *, struct seat *);
int	 serve_split(const char *, char **, char **);
struct option;
void	 opt_error(const char *, const struct option *, const char *);
void	 serve_log(struct serve *, const char *, const char *, const char *,
	    const char *);

/* seat.c */
extern const char *const seat_ops[];
extern const char *const seat_looks[];
void	 seat_observe(const struct event *, void *);
void	 seat_forget(struct seat *);
void	 seat_hooks(struct serve *);
bool	 text_line_ok(const char *, size_t);
void	 seat_respawn(struct ctx *);
void	 seat_note(struct ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
bool	 code_matches(const char *, const char *);

/* attach.c */
int	 attach_main(int, char **);

#endif
