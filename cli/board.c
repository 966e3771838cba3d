/*
 * The live dashboard: what students look at on the projector.
 *
 * Panes come from a table ({ name, update, draw }): update reads a
 * snapshot of the engine, draw touches only the pane's own WINDOW, and a
 * frame ends with one doupdate().  Everything is event-driven: an engine
 * event, a key or a resize marks the board dirty, and the one poll() loop
 * (keyboard, the engine's sockets and SIGCHLD pipe, its timeouts) redraws
 * at most every FRAME_MS, so bursts of events cost one frame and an idle
 * board costs nothing.
 *
 * readline runs through its callback interface with curses owning the
 * terminal: keys come from wgetch() (keypad on, raw mode); the board's
 * own keys (PgUp, F1, ...) are handled here, editing keys are turned
 * back into the sequences readline binds, and everything else is fed to
 * readline one byte at a time through rl_getc_function.  An
 * rl_input_available_hook that reports only that byte keeps readline
 * from reading ahead, and a custom rl_redisplay_function draws
 * rl_display_prompt and rl_line_buffer into the input window.  History
 * and completion are the shell's.
 * Every line the language prints arrives through ctx->print_hook
 * and goes to the event log.
 *
 * Without colour (NO_COLOR, or a terminal without it) every state is still
 * told by a word: ready, BLOCKED, DEADLOCK, STUCK (waiting only on a
 * deadlock), exited.
 */

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "board.h"
#include "ipcplay.h"
#include "repl.h"

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

struct board {
	struct ctx		*ctx;
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
	FILE			*devnull;	/* readline's own output */
};

static struct board	*board;		/* the running board, or NULL */
static bool		 observing;
static FILE		*frame_log;		/* IPCPLAY_BOARD_TRACE: frame timings */

static uint64_t
board_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}


static void	pane_procs_update(struct board *);
static void	pane_procs_draw(struct board *, struct pane *);
static void	pane_chans_update(struct board *);
static void	pane_chans_draw(struct board *, struct pane *);
static void	pane_graph_update(struct board *);
static void	pane_graph_draw(struct board *, struct pane *);
static void	pane_log_draw(struct board *, struct pane *);

static struct pane panes[] = {
	{ "processes", pane_procs_update, pane_procs_draw, NULL, 0 },
	{ "wait-for graph", pane_graph_update, pane_graph_draw, NULL, 0 },
	{ "channels", pane_chans_update, pane_chans_draw, NULL, 0 },
	{ "events", NULL, pane_log_draw, NULL, 0 },
};
#define P_PROCS	0
#define P_GRAPH	1
#define P_CHANS	2
#define P_LOG	3
#define NPANES	(sizeof(panes) / sizeof(panes[0]))

static uint64_t
board_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* Is there a terminal we can draw on? */
bool
board_available(void)
{
	const char	*term = getenv("TERM");
	char		*cup;
	int		 err;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (false);
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0)
		return (false);
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return (false);
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		del_curterm(cur_term);
		return (false);
	}
	del_curterm(cur_term);
	return (true);
}

/* The log. */

static void
log_add(struct board *b, const char *line, bool err)
{
	free(b->log[b->log_next]);
	b->log[b->log_next] = xstrdup(line);
	b->log_err[b->log_next] = err;
	b->log_next = (b->log_next + 1) % LOG_MAX;
	if (b->log_count < LOG_MAX)
		b->log_count++;
	b->dirty = true;
}

/* Keep a line of the transcript for "dashboard off". */
static void
said_add(struct board *b, const char *text, bool err)
{
	free(b->said[b->said_next]);
	b->said[b->said_next] = xstrdup(text);
	b->said_err[b->said_next] = err;
	b->said_next = (b->said_next + 1) % LOG_MAX;
	if (b->said_count < LOG_MAX)
		b->said_count++;
}

/* Add a line to the log, wrapped at blanks to the log's width. */
static void
log_wrap(struct board *b, const char *line, bool err)
{
	char	*s, *p, *cut;
	int	 width = COLS - 2;

	if (width < 20)
		width = 20;
	s = xstrdup(line);
	p = s;
	while ((int)strlen(p) > width) {
		cut = p + width;
		while (cut > p && *cut != ' ')
			cut--;
		if (cut == p)
			cut = p + width;	/* one long word: cut it */
		*cut = '\0';
		log_add(b, p, err);
		p = cut + 1;
		while (*p == ' ')
			p++;
	}
	if (*p != '\0' || p == s)
		log_add(b, p, err);
	free(s);
}

static void
board_print(struct ctx *ctx, enum out_kind kind, const char *text)
{
	char	*copy, *line, *save = NULL, *err;

	(void)ctx;
	if (board == NULL)
		return;
	said_add(board, text, kind == OUT_ERROR);
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (kind == OUT_ERROR) {
			xasprintf(&err, "error: %s", line);
			log_wrap(board, err, true);
			free(err);
		} else
			log_wrap(board, line, false);
	}
	free(copy);
}

static void
board_event(const struct event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (board == NULL)
		return;
	board->dirty = true;
	if (board->first_event == 0)
		board->first_event = board_now_us();
	board->nevents++;
}

/* Snapshots. */

static void
snapshot_free(struct board *b)
{
	size_t	i;

	for (i = 0; i < b->nchans; i++)
		chan_info_free(&b->chans[i]);
	free(b->chans);
	free(b->procs);
	wfg_edges_free(b->edges, b->nedges);
	deadlocks_free(b->dl, b->ndl);
	b->chans = NULL;
	b->procs = NULL;
	b->edges = NULL;
	b->dl = NULL;
	b->nchans = b->nprocs = b->nedges = b->ndl = 0;
}

static void
pane_procs_update(struct board *b)
{
	size_t	i, n = engine_nprocs(b->ctx->e);

	b->procs = xcalloc(n + 1, sizeof(*b->procs));
	for (i = 0; i < n && engine_proc_info(b->ctx->e, i, &b->procs[i]);
	    i++)
		continue;
	b->nprocs = i;
}

static bool
chan_shown(const struct chan_info *ci)
{
	return (!ci->mailbox || ci->nmsgs > 0 || ci->nreceivers > 0 ||
	    ci->nsenders > 0 || ci->npollers > 0);
}

static void
pane_chans_update(struct board *b)
{
	struct chan_info	ci;
	size_t			i;

	for (i = 0; engine_chan_info(b->ctx->e, i, &ci); i++) {
		if (!chan_shown(&ci)) {
			chan_info_free(&ci);
			continue;
		}
		b->chans = xreallocarray(b->chans, b->nchans + 1,
		    sizeof(*b->chans));
		b->chans[b->nchans++] = ci;
	}
}

static void
pane_graph_update(struct board *b)
{
	b->nedges = engine_wfg(b->ctx->e, &b->edges);
	b->ndl = engine_deadlocks(b->ctx->e, &b->dl);
}

/* Drawing helpers. */

static void
board_attr_on(struct board *b, WINDOW *w, int pair, int extra)
{
	if (b->color && pair != 0)
		wattron(w, COLOR_PAIR(pair));
	if (extra != 0)
		wattron(w, extra);
}

static void
board_attr_off(struct board *b, WINDOW *w, int pair, int extra)
{
	if (b->color && pair != 0)
		wattroff(w, COLOR_PAIR(pair));
	if (extra != 0)
		wattroff(w, extra);
}

static void
pane_frame(struct board *b, struct pane *p)
{
	werase(p->win);
	box(p->win, 0, 0);
	mvwprintw(p->win, 0, 2, " %s ", p->name);
	(void)b;
}

/* Put s at (y, x), cut to the pane's inner width. */
static void
put(WINDOW *w, int y, int x, const char *s)
{
	int	maxx, maxy, room;

	getmaxyx(w, maxy, maxx);
	if (y <= 0 || y >= maxy - 1)
		return;
	room = maxx - 1 - x;
	if (room <= 0)
		return;
	mvwaddnstr(w, y, x, s, room);
}

/* 2: in a deadlock, 1: stuck behind one, 0: neither. */
static int
in_deadlock(struct board *b, const char *name)
{
	size_t	i, j;

	for (i = 0; i < b->ndl; i++) {
		for (j = 0; j < b->dl[i].nprocs; j++) {
			if (strcmp(b->dl[i].procs[j], name) == 0)
				return (2);
		}
		for (j = 0; j < b->dl[i].nbehind; j++) {
			if (strcmp(b->dl[i].behind[j], name) == 0)
				return (1);
		}
	}
	return (0);
}

/* A message as the transcript writes it, without the quotes. */
static char *
box_quote(const unsigned char *s, size_t len)
{
	char	*q;
	size_t	 n;

	q = word_quote(s, len);
	n = strlen(q);
	if (n >= 2) {
		memmove(q, q + 1, n - 2);
		q[n - 2] = '\0';
	}
	return (q);
}

/*
 * A message in a box of inner width w (at least 2): "[hi]", padded to
 * "[hi  ]", cut with '~' when longer.  Every box of a row has the same
 * width, so the row reads as a buffer of slots.
 */
static void
box_text(const unsigned char *s, size_t len, int w, char *out,
    size_t outlen)
{
	char	*q;

	q = box_quote(s, len);
	if ((int)strlen(q) > w) {
		q[w - 1] = '~';
		q[w] = '\0';
	}
	snprintf(out, outlen, "[%-*s]", w, q);
	free(q);
}

static void
pane_procs_draw(struct board *b, struct pane *p)
{
	struct proc_info	*pi;
	char			 line[256], what[64], last[32], sbuf[32];
	const char		*state;
	int			 y = 1, maxy, pair, extra, room, wlen, bw;
	size_t			 i;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	if (b->nprocs == 0)
		put(p->win, 1, 2, "no processes yet: try spawn A B");
	if (p->scroll > (int)b->nprocs - 1)
		p->scroll = b->nprocs > 0 ? (int)b->nprocs - 1 : 0;
	for (i = (size_t)p->scroll; i < b->nprocs && y < maxy - 1; i++) {
		pi = &b->procs[i];
		what[0] = last[0] = '\0';
		extra = 0;
		switch (pi->state) {
		case PS_BLOCKED:
			if (in_deadlock(b, pi->name) == 2) {
				state = "DEADLOCK";
				pair = C_DEAD;
				extra = A_BOLD;
			} else if (in_deadlock(b, pi->name) == 1) {
				state = "STUCK";
				pair = C_DEAD;
			} else {
				state = "BLOCKED";
				pair = C_BLOCKED;
			}
			if (pi->callee != NULL)
				snprintf(what, sizeof(what), "reply from %s",
				    pi->callee);
			else
				snprintf(what, sizeof(what), "%s %s",
				    op_name(pi->op), pi->chan != NULL ?
				    pi->chan : "");
			break;
		case PS_EXITED:
			state = "exited";
			pair = C_EXITED;
			extra = A_DIM;
			if (pi->exit_code == -1)
				snprintf(what, sizeof(what), "by %s",
				    sig_name(pi->exit_sig, sbuf, sizeof(sbuf)));
			else
				snprintf(what, sizeof(what), "code %d",
				    pi->exit_code);
			break;
		case PS_BUSY:
			state = "running";
			pair = C_READY;
			break;
		default:
			state = "ready";
			pair = C_READY;
			break;
		}
		/*
		 * What it waits on gets the room it needs first; the last
		 * message received follows in a box if a readable one fits.
		 */
		room = getmaxx(p->win) - 27;
		wlen = (int)strlen(what);
		if (wlen > room)
			wlen = room > 0 ? room : 0;
		bw = room - (wlen > 12 ? wlen : 12) - 3;
		if (bw > 12)
			bw = 12;
		if (pi->has_last && bw >= 2)
			box_text(pi->last, pi->last_len, bw, last,
			    sizeof(last));
		snprintf(line, sizeof(line), "%-8.8s %6ld ", pi->name,
		    (long)pi->pid);
		put(p->win, y, 1, line);
		board_attr_on(b, p->win, pair, extra);
		put(p->win, y, 17, state);
		board_attr_off(b, p->win, pair, extra);
		snprintf(line, sizeof(line), "%-*.*s %s", wlen > 12 ? wlen :
		    12, wlen, what, last);
		put(p->win, y, 26, line);
		y++;
	}
}

/*
 * A channel's buffer as a row of message boxes in room columns.  The
 * boxes share one width, as wide as the longest message shown needs (2
 * to 12 characters inside), and as many as fit; those that do not are
 * "+N".  A box is never cut by the edge of the pane.
 */
static void
chan_boxes(struct board *b, const struct chan_info *ci, int room, char *out,
    size_t len)
{
	char	 one[64], *q;
	size_t	 i, shown, cap;
	int	 w = 2, n, need;

	(void)b;
	out[0] = '\0';
	switch (ci->buffering) {
	case BUF_REGISTER:
		if (ci->nmsgs > 0) {
			q = box_quote(ci->msgs[0].data, ci->msgs[0].len);
			w = (int)strlen(q);
			free(q);
			w = w < 2 ? 2 : w > room - 12 ? room - 12 : w;
			box_text(ci->msgs[0].data, ci->msgs[0].len,
			    w < 2 ? 2 : w, one, sizeof(one));
			snprintf(out, len, "%s v%llu", one,
			    (unsigned long long)ci->version);
		} else
			snprintf(out, len, "[  ] never written");
		return;
	case BUF_RENDEZVOUS:
		snprintf(out, len, "[  ] hand-off");
		return;
	default:
		break;
	}
	cap = ci->buffering == BUF_BOUNDED && ci->format != FMT_STREAM ?
	    (size_t)ci->capacity : ci->nmsgs;
	if (cap == 0) {
		strlcpy(out, "(empty)", len);
		return;
	}
	/* The width the first few messages want. */
	for (i = 0; i < ci->nmsgs && i < 16; i++) {
		q = box_quote(ci->msgs[i].data, ci->msgs[i].len);
		if ((int)strlen(q) > w)
			w = (int)strlen(q);
		free(q);
	}
	if (w > 12)
		w = 12;
	/* As many boxes as fit, leaving room for "+N" if some do not. */
	for (;;) {
		n = room / (w + 2);
		if ((size_t)n < cap) {
			need = snprintf(one, sizeof(one), "+%zu", cap);
			n = (room - need) / (w + 2);
		}
		if (n >= 3 || (size_t)n >= cap || w == 2)
			break;
		w--;
	}
	if (n < 1)
		n = room >= 4 ? 1 : 0;
	shown = (size_t)n < cap ? (size_t)n : cap;
	for (i = 0; i < shown; i++) {
		if (i < ci->nmsgs)
			box_text(ci->msgs[i].data, ci->msgs[i].len, w, one,
			    sizeof(one));
		else
			snprintf(one, sizeof(one), "[%*s]", w, "");
		strlcat(out, one, len);
	}
	if (cap > shown) {
		snprintf(one, sizeof(one), "+%zu", cap - shown);
		strlcat(out, one, len);
	}
}

static void
names(char *out, size_t len, const char **v, size_t n)
{
	size_t	i;

	out[0] = '\0';
	if (n == 0) {
		strlcpy(out, "-", len);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(out, ",", len);
		strlcat(out, v[i], len);
	}
}

static void
pane_chans_draw(struct board *b, struct pane *p)
{
	struct chan_info	*ci;
	char			 line[512], boxes[256], kind[48], snd[96],
				 rcv[96];
	int			 y = 1, maxy;
	size_t			 i;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	if (b->nchans == 0)
		put(p->win, 1, 2, "no channels yet: try channel c1 bounded 2");
	if (p->scroll > (int)b->nchans - 1)
		p->scroll = b->nchans > 0 ? (int)b->nchans - 1 : 0;
	for (i = (size_t)p->scroll; i < b->nchans && y < maxy - 1; i++) {
		ci = &b->chans[i];
		switch (ci->buffering) {
		case BUF_BOUNDED:
			snprintf(kind, sizeof(kind), "bounded %zu/%ld",
			    ci->fill, ci->capacity);
			break;
		case BUF_UNBOUNDED:
			snprintf(kind, sizeof(kind), "unbounded %zu",
			    ci->fill);
			break;
		default:
			snprintf(kind, sizeof(kind), "%s",
			    buffering_name(ci->buffering));
			break;
		}
		chan_boxes(b, ci, getmaxx(p->win) - 2 - 23, boxes,
		    sizeof(boxes));
		snprintf(line, sizeof(line), "%-6.6s %-14s %s", ci->name, kind,
		    boxes);
		put(p->win, y++, 1, line);
		names(snd, sizeof(snd), ci->senders, ci->nsenders);
		names(rcv, sizeof(rcv), ci->receivers, ci->nreceivers);
		snprintf(line, sizeof(line), "  senders: %s  receivers: %s",
		    snd, rcv);
		if (ci->nsenders > 0 || ci->nreceivers > 0)
			board_attr_on(b, p->win, C_BLOCKED, 0);
		put(p->win, y, 1, line);
		if (ci->nsenders > 0 || ci->nreceivers > 0)
			board_attr_off(b, p->win, C_BLOCKED, 0);
		y++;
		snprintf(line, sizeof(line), "  msgs %llu copies %llu drops "
		    "%llu", (unsigned long long)ci->c_messages,
		    (unsigned long long)ci->c_copies,
		    (unsigned long long)ci->c_drops);
		put(p->win, y++, 1, line);
	}
}

static void
pane_graph_draw(struct board *b, struct pane *p)
{
	char	line[256];
	int	y = 1, maxy;
	size_t	i;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	if (b->nedges == 0)
		put(p->win, 1, 2, "nobody waits");
	for (i = (size_t)p->scroll; i < b->nedges && y < maxy - 1; i++) {
		snprintf(line, sizeof(line), b->utf8 ? "%s \xe2\x94\x80%s %s"
		    "\xe2\x86\x92 %s%s" : "%s -%s %s-> %s%s", b->edges[i].from,
		    op_name(b->edges[i].op), b->edges[i].chan,
		    b->edges[i].to != NULL ? b->edges[i].to : "(nobody)",
		    b->edges[i].deadlocked ? "  DEADLOCK" : "");
		if (b->edges[i].deadlocked)
			board_attr_on(b, p->win, C_DEAD, A_BOLD);
		put(p->win, y++, 1, line);
		if (b->edges[i].deadlocked)
			board_attr_off(b, p->win, C_DEAD, A_BOLD);
	}
}

static void
pane_log_draw(struct board *b, struct pane *p)
{
	int	maxy, rows, y, k;
	size_t	start, idx;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	rows = maxy - 2;
	if (p->scroll > (int)b->log_count - rows)
		p->scroll = (int)b->log_count - rows;
	if (p->scroll < 0)
		p->scroll = 0;
	if (p->scroll > 0)
		mvwprintw(p->win, 0, 12, " scrolled back %d ", p->scroll);
	k = (int)b->log_count - rows - p->scroll;
	start = k > 0 ? (size_t)k : 0;
	for (y = 1; y <= rows && start < b->log_count; y++, start++) {
		idx = (b->log_next + LOG_MAX - b->log_count + start) % LOG_MAX;
		if (b->log_err[idx])
			board_attr_on(b, p->win, C_ERROR, A_BOLD);
		else if (strncmp(b->log[idx], "DEADLOCK", 8) == 0)
			board_attr_on(b, p->win, C_DEAD, A_BOLD);
		put(p->win, y, 1, b->log[idx]);
		if (b->log_err[idx])
			board_attr_off(b, p->win, C_ERROR, A_BOLD);
		else if (strncmp(b->log[idx], "DEADLOCK", 8) == 0)
			board_attr_off(b, p->win, C_DEAD, A_BOLD);
	}
}

static void
draw_title(struct board *b)
{
	char	 line[512];
	size_t	 i, j;
	int	 maxx = getmaxx(b->title);

	werase(b->title);
	board_attr_on(b, b->title, C_TITLE, A_BOLD);
	mvwaddnstr(b->title, 0, 0, " ipcplay dashboard", maxx);
	board_attr_off(b, b->title, C_TITLE, A_BOLD);
	if (b->ndl == 0) {
		mvwaddnstr(b->title, 0, 20, "  no deadlock", maxx - 20);
		return;
	}
	/* Every deadlock, one after the other, as far as the line goes. */
	line[0] = '\0';
	for (i = 0; i < b->ndl; i++) {
		strlcat(line, i == 0 ? " DEADLOCK: " : " | ", sizeof(line));
		if (b->dl[i].ncycle > 0) {
			for (j = 0; j < b->dl[i].ncycle; j++) {
				strlcat(line, b->dl[i].cycle[j], sizeof(line));
				strlcat(line, b->utf8 ? " \xe2\x86\x92 " :
				    " -> ", sizeof(line));
			}
			strlcat(line, b->dl[i].cycle[0], sizeof(line));
		} else {
			for (j = 0; j < b->dl[i].nprocs; j++) {
				if (j > 0)
					strlcat(line, ", ", sizeof(line));
				strlcat(line, b->dl[i].procs[j], sizeof(line));
			}
			strlcat(line, " (nobody can help)", sizeof(line));
		}
	}
	strlcat(line, " ", sizeof(line));
	board_attr_on(b, b->title, C_DEAD, A_BOLD | A_REVERSE);
	mvwaddnstr(b->title, 0, 20, line, maxx - 20);
	board_attr_off(b, b->title, C_DEAD, A_BOLD | A_REVERSE);
}

static void
draw_help(struct board *b)
{
	static const char *text[] = {
		"ipcplay dashboard: keys",
		"",
		"Enter          run the typed command",
		"Tab            complete a command, process or channel",
		"Up / Down      command history",
		"PgUp / PgDn    scroll the event log",
		"F5 / F6        scroll the processes",
		"F7 / F8        scroll the channels",
		"Ctrl-C         clear the input line",
		"Ctrl-D         quit (on an empty line)",
		"F1 or ?        this help (? on an empty line)",
		"dashboard off  back to the plain transcript",
		"",
		"States: ready, BLOCKED, DEADLOCK, STUCK (behind one), exited",
		"Boxes: [hi][  ] = a bounded 2 holding one",
		"",
		"any key closes this help",
	};
	int	h = (int)(sizeof(text) / sizeof(text[0])) + 2, w = 58, i;
	int	y = (LINES - h) / 2, x = (COLS - w) / 2;

	if (b->help != NULL)
		delwin(b->help);
	b->help = newwin(h < LINES ? h : LINES, w < COLS ? w : COLS,
	    y > 0 ? y : 0, x > 0 ? x : 0);
	if (b->help == NULL)
		return;
	werase(b->help);
	box(b->help, 0, 0);
	for (i = 0; i < h - 2; i++)
		mvwaddnstr(b->help, i + 1, 2, text[i], w - 4);
	wnoutrefresh(b->help);
}

/*
 * readline's redisplay, drawn into the input window: the prompt, the
 * line (scrolled so the cursor stays in view), the cursor at rl_point.
 */
static void
board_redisplay(void)
{
	const char	*prompt;
	int		 maxx, plen, off = 0, point, end, from;

	if (board == NULL || board->input == NULL)
		return;
	prompt = rl_display_prompt != NULL ? rl_display_prompt : "";
	plen = (int)strlen(prompt);
	point = rl_point;
	end = rl_end;
	maxx = getmaxx(board->input);
	if (plen + point >= maxx - 1)
		off = plen + point - (maxx - 2);
	werase(board->input);
	if (off < plen)
		mvwaddstr(board->input, 0, 0, prompt + off);
	from = off > plen ? off - plen : 0;
	if (rl_line_buffer != NULL && from <= end)
		waddnstr(board->input, rl_line_buffer + from,
		    maxx - 1 - (plen - (off < plen ? off : plen)));
	wmove(board->input, 0, plen + point - off);
	wnoutrefresh(board->input);
	doupdate();
}

static void
board_draw(struct board *b)
{
	size_t		i;
	uint64_t	t0 = board_now_us(), t1;

	snapshot_free(b);
	for (i = 0; i < NPANES; i++) {
		if (panes[i].update != NULL)
			panes[i].update(b);
	}
	draw_title(b);
	wnoutrefresh(b->title);
	for (i = 0; i < NPANES; i++) {
		if (panes[i].win == NULL)
			continue;
		panes[i].draw(b, &panes[i]);
		wnoutrefresh(panes[i].win);
	}
	werase(b->keys);
	mvwaddnstr(b->keys, 0, 0, " PgUp/PgDn log  F5/F6 procs  F7/F8 chans"
	    "  Tab complete  F1 help  Ctrl-D quit", getmaxx(b->keys));
	wnoutrefresh(b->keys);
	if (b->show_help)
		draw_help(b);
	board_redisplay();
	b->dirty = false;
	b->last_draw = board_now();
	if (frame_log != NULL) {
		/* The frame's cost, and how long its oldest event waited. */
		t1 = board_now_us();
		fprintf(frame_log, "frame %llu us, event-to-screen %lld us, %zu "
		    "events\n", (unsigned long long)(t1 - t0),
		    b->first_event != 0 ? (long long)(t1 - b->first_event) :
		    -1LL, b->nevents);
		fflush(frame_log);
	}
	b->first_event = 0;
	b->nevents = 0;
}

/* Windows for the current size. */
static void
board_layout(struct board *b)
{
	int	h = LINES, w = COLS, logh, top, leftw, procsh;
	size_t	i;

	for (i = 0; i < NPANES; i++) {
		if (panes[i].win != NULL)
			delwin(panes[i].win);
		panes[i].win = NULL;
	}
	if (b->title != NULL)
		delwin(b->title);
	if (b->keys != NULL)
		delwin(b->keys);
	if (b->input != NULL)
		delwin(b->input);
	if (h < 12)
		h = 12;
	if (w < 40)
		w = 40;
	/* A lesson's narration needs room to be read. */
	logh = b->lesson ? h * 2 / 5 : h / 4;
	if (logh < 5)
		logh = 5;
	top = h - logh - 3;
	leftw = w * 9 / 20;
	procsh = top * 3 / 5;
	b->title = newwin(1, w, 0, 0);
	panes[P_PROCS].win = newwin(procsh, leftw, 1, 0);
	panes[P_GRAPH].win = newwin(top - procsh, leftw, 1 + procsh, 0);
	panes[P_CHANS].win = newwin(top, w - leftw, 1, leftw);
	panes[P_LOG].win = newwin(logh, w, 1 + top, 0);
	b->keys = newwin(1, w, h - 2, 0);
	b->input = newwin(1, w, h - 1, 0);
	keypad(b->input, TRUE);
	nodelay(b->input, TRUE);
	clearok(curscr, TRUE);
	b->dirty = true;
}

/*
 * readline reads the keyboard through this one-byte queue: a key is
 * pushed, then rl_callback_read_char() takes it.  Telling readline that
 * nothing else is waiting (board_avail) keeps it from reading ahead.
 */
static int
board_getc(FILE *f)
{
	int	c;

	(void)f;
	if (board == NULL || board->queue < 0)
		return (EOF);
	c = board->queue;
	board->queue = -1;
	return (c);
}

static int
board_avail(void)
{
	return (board != NULL && board->queue >= 0);
}

static void
board_feed(struct board *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n && board != NULL; i++) {
		b->queue = (unsigned char)s[i];
		rl_callback_read_char();
	}
}

/* A line from readline: for a reader (the lesson player), or to run. */
static void
board_rl_line(char *line)
{
	struct board	*b = board;
	char		*s;

	if (b == NULL) {
		free(line);
		return;
	}
	if (line == NULL) {
		b->done = true;		/* Ctrl-D on an empty line */
		return;
	}
	if (b->reader) {
		(void)repl_history_add(line);
		b->got = line;
		return;
	}
	if (repl_history_add(line)) {
		xasprintf(&s, "> %s", line);
		log_add(b, s, false);
		free(s);
		xasprintf(&s, "ipcplay> %s", line);
		said_add(b, s, false);
		free(s);
	}
	b->ctx->line++;
	b->ctx->linebuf = NULL;
	if (run_line(b->ctx, line) == -1)
		b->done = true;
	free(line);
	b->dirty = true;
}

/* Tab: the shell's context-aware completion. */
static char **
board_complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	if (board == NULL)
		return (NULL);
	return (complete_line(board->ctx, rl_line_buffer, text, start));
}

/* Several matches: list them in the log, not on the terminal. */
static void
board_matches(char **matches, int num, int max)
{
	char	line[1024];
	int	i;

	(void)max;
	if (board == NULL)
		return;
	snprintf(line, sizeof(line), "completions:");
	for (i = 1; i <= num; i++) {
		strlcat(line, " ", sizeof(line));
		strlcat(line, matches[i], sizeof(line));
	}
	log_add(board, line, false);
}

static enum cmd_result
board_dashboard_set(struct ctx *ctx, int on)
{
	(void)ctx;
	if (!on && board != NULL)
		board->off = true;
	return (CMD_OK);
}

static void
board_key(struct board *b, int c)
{
	int	page = getmaxy(panes[P_LOG].win) - 2;

	if (b->show_help) {
		b->show_help = false;
		if (b->help != NULL) {
			delwin(b->help);
			b->help = NULL;
		}
		b->dirty = true;
		if (c != KEY_RESIZE)
			return;
	}
	switch (c) {
	case KEY_RESIZE:
		board_layout(b);
		return;
	case KEY_F(1):
		b->show_help = true;
		b->dirty = true;
		return;
	case '?':
		if (rl_end == 0) {
			b->show_help = true;
			b->dirty = true;
			return;
		}
		break;
	case KEY_PPAGE:
		panes[P_LOG].scroll += page > 1 ? page - 1 : 1;
		b->dirty = true;
		return;
	case KEY_NPAGE:
		panes[P_LOG].scroll -= page > 1 ? page - 1 : 1;
		b->dirty = true;
		return;
	case KEY_F(5):
		if (panes[P_PROCS].scroll > 0)
			panes[P_PROCS].scroll--;
		b->dirty = true;
		return;
	case KEY_F(6):
		panes[P_PROCS].scroll++;
		b->dirty = true;
		return;
	case KEY_F(7):
		if (panes[P_CHANS].scroll > 0)
			panes[P_CHANS].scroll--;
		b->dirty = true;
		return;
	case KEY_F(8):
		panes[P_CHANS].scroll++;
		b->dirty = true;
		return;
	case 3:				/* Ctrl-C: abandon the line */
		rl_replace_line("", 0);
		rl_point = rl_end = 0;
		break;
	case 26:			/* Ctrl-Z: nothing to suspend here */
		break;
	case KEY_UP:
		board_feed(b, "\033[A", 3);
		break;
	case KEY_DOWN:
		board_feed(b, "\033[B", 3);
		break;
	case KEY_RIGHT:
		board_feed(b, "\033[C", 3);
		break;
	case KEY_LEFT:
		board_feed(b, "\033[D", 3);
		break;
	case KEY_HOME:
		board_feed(b, "\001", 1);	/* Ctrl-A */
		break;
	case KEY_END:
		board_feed(b, "\005", 1);	/* Ctrl-E */
		break;
	case KEY_DC:
		board_feed(b, "\033[3~", 4);
		break;
	case KEY_BACKSPACE:
		board_feed(b, "\177", 1);
		break;
	case KEY_ENTER:
		board_feed(b, "\r", 1);
		break;
	default:
		if (c >= 0 && c <= 255) {
			char ch = (char)c;

			board_feed(b, &ch, 1);
		}
		break;		/* other function keys: not ours */
	}
	board_redisplay();
}

static void
board_colors(struct board *b)
{
	const char	*nc = getenv("NO_COLOR");

	b->color = has_colors() && (nc == NULL || *nc == '\0');
	if (!b->color)
		return;
	start_color();
	use_default_colors();
	init_pair(C_READY, COLOR_GREEN, -1);
	init_pair(C_BLOCKED, COLOR_YELLOW, -1);
	init_pair(C_EXITED, -1, -1);
	init_pair(C_DEAD, COLOR_RED, -1);
	init_pair(C_TITLE, COLOR_CYAN, -1);
	init_pair(C_ERROR, COLOR_RED, -1);
}

/* Take the terminal: the board is shown from now until board_end(). */
bool
board_begin(struct ctx *ctx)
{
	struct board	*b;

	b = xcalloc(1, sizeof(*b));
	b->ctx = ctx;
	setlocale(LC_ALL, "");
	b->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/*
	 * In a UTF-8 locale draw lines with Unicode, not the terminal's
	 * alternate character set, which many terminal emulators (and
	 * projector setups) get wrong.
	 */
	if (b->utf8)
		(void)setenv("NCURSES_NO_UTF8_ACS", "1", 1);
	if ((b->scr = newterm(NULL, stdout, stdin)) == NULL) {
		free(b);
		return (false);
	}
	raw();
	noecho();
	nonl();
	board_colors(b);
	board = b;
	if (!observing) {
		engine_observe(ctx->e, board_event, NULL);
		observing = true;
	}
	ctx->print_hook = board_print;
	ctx->dashboard_set = board_dashboard_set;
	if (getenv("IPCPLAY_BOARD_TRACE") != NULL)
		frame_log = fopen(getenv("IPCPLAY_BOARD_TRACE"), "a");
	/* readline, with curses owning the terminal. */
	b->queue = -1;
	b->devnull = fopen("/dev/null", "w");
	rl_outstream = b->devnull;
	rl_getc_function = board_getc;
	rl_input_available_hook = board_avail;
	rl_redisplay_function = board_redisplay;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_catch_signals = 0;
	rl_change_environment = 0;
	rl_attempted_completion_function = board_complete;
	rl_completer_word_break_characters = " \t\n\"';,";
	rl_completion_display_matches_hook = board_matches;
	board_layout(b);
	rl_callback_handler_install("ipcplay> ", board_rl_line);
	return (true);
}

/*
 * The one loop: keyboard, engine, frames.  Runs until quit, "dashboard
 * off", or (for a reader, such as the lesson player) a line is entered.
 */
static void
board_loop(struct board *b)
{
	struct ui_wait	w = { NULL, 0 };
	int		fd = STDIN_FILENO, t, c;
	short		ready;

	while (!b->done && !b->off && b->got == NULL) {
		t = -1;
		if (b->dirty) {
			t = FRAME_MS - (int)(board_now() - b->last_draw);
			if (t < 0)
				t = 0;
		}
		if (ui_wait(b->ctx, &w, &fd, &ready, 1, t) == -1)
			break;
		while (!b->done && !b->off && b->got == NULL &&
		    (c = wgetch(b->input)) != ERR)
			board_key(b, c);
		if (b->dirty && board_now() - b->last_draw >= FRAME_MS)
			board_draw(b);
	}
	if (b->dirty)
		board_draw(b);
	ui_wait_free(&w);
}

/*
 * Read one line at the board's input line, with prompt, while the board
 * stays live.  NULL when the user quits (Ctrl-D).
 */
char *
board_read_line(struct ctx *ctx, const char *prompt)
{
	struct board	*b = board;
	char		*line;

	(void)ctx;
	if (b == NULL)
		return (NULL);
	if (!b->lesson) {
		b->lesson = true;
		board_layout(b);
	}
	b->reader = true;
	rl_set_prompt(prompt);
	b->dirty = true;
	board_loop(b);
	b->reader = false;
	rl_set_prompt("ipcplay> ");
	line = b->got;
	b->got = NULL;
	b->done = false;
	return (line);
}

/* Give the terminal back. */
void
board_end(struct ctx *ctx)
{
	struct board	*b = board;
	size_t		 i;

	if (b == NULL)
		return;
	rl_callback_handler_remove();
	rl_getc_function = rl_getc;
	rl_input_available_hook = NULL;
	rl_redisplay_function = rl_redisplay;
	rl_prep_term_function = rl_prep_terminal;
	rl_deprep_term_function = rl_deprep_terminal;
	rl_completion_display_matches_hook = NULL;
	rl_outstream = stdout;
	if (b->devnull != NULL)
		fclose(b->devnull);
	repl_restore_handler();
	ctx->print_hook = NULL;
	ctx->dashboard_set = NULL;
	snapshot_free(b);
	for (i = 0; i < NPANES; i++) {
		if (panes[i].win != NULL)
			delwin(panes[i].win);
		panes[i].win = NULL;
		panes[i].scroll = 0;
	}
	if (b->help != NULL)
		delwin(b->help);
	delwin(b->title);
	delwin(b->keys);
	delwin(b->input);
	endwin();
	delscreen(b->scr);
	/* Back in the plain shell: what was said meanwhile, in order. */
	for (i = 0; b->replay && i < b->said_count; i++) {
		size_t k = (b->said_next + LOG_MAX - b->said_count + i) %
		    LOG_MAX;
		const char *s = b->said[k];

		fprintf(b->said_err[k] ? stderr : stdout, "%s%s", s,
		    s[0] != '\0' && s[strlen(s) - 1] == '\n' ? "" : "\n");
	}
	fflush(stdout);
	for (i = 0; i < LOG_MAX; i++) {
		free(b->log[i]);
		free(b->said[i]);
	}
	if (frame_log != NULL)
		fclose(frame_log);
	frame_log = NULL;
	free(b->got);
	free(b);
	board = NULL;
}

enum board_end
board_run(struct ctx *ctx)
{
	enum board_end	end;

	if (!board_begin(ctx))
		return (BOARD_OFF);
	log_add(board, "The live dashboard.  Type commands below; F1 for the "
	    "keys, 'dashboard off' for the plain transcript.", false);
	board_loop(board);
	end = board->done ? BOARD_QUIT : BOARD_OFF;
	board->replay = end == BOARD_OFF && ui_quit_signal() == 0;
	board_end(ctx);
	return (end);
}
