/*
 * The dashboard's panes: each takes a snapshot of the playground from
 * core (update) and draws it into its own window (draw); board.c lays
 * the panes out, runs the loop and owns the terminal.  Processes with
 * their state in a word, channels as rows of message boxes, the
 * wait-for graph, the event log, and the title with every deadlock.
 */

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board-int.h"
#include "msc.h"
#include "ipcplay.h"

/* Snapshots. */

void
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

void
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

/* How full ci is, in eighths (a kernel channel: its bytes). */
static unsigned char
fill_eighths(const struct chan_info *ci)
{
	double	f = 0;

	if (ci->mechanism == MECH_SHM)
		return (0);
	if (ci->mechanism != MECH_MODELED) {
		if (ci->kcap > 0)
			f = (double)(ci->kfill[0] + ci->kfill[1]) /
			    (double)ci->kcap;
	} else if (ci->capacity > 0)
		f = (double)ci->fill / (double)ci->capacity;
	else if (ci->fill > 0)
		f = ci->fill >= 64 ? 1 : (double)ci->fill / 64;
	if (f > 1)
		f = 1;
	return ((unsigned char)(f * 8 + 0.5));
}

/* A sample of ci's traffic, when HIST_MS have passed since the last. */
static void
hist_sample(struct board *b, const struct chan_info *ci, uint64_t now)
{
	struct chan_hist	*h = NULL;
	size_t			 i;

	for (i = 0; i < b->nhist; i++) {
		if (strcmp(b->hist[i].name, ci->name) == 0) {
			h = &b->hist[i];
			break;
		}
	}
	if (h == NULL) {
		b->hist = xreallocarray(b->hist, b->nhist + 1,
		    sizeof(*b->hist));
		h = &b->hist[b->nhist++];
		memset(h, 0, sizeof(*h));
		strlcpy(h->name, ci->name, sizeof(h->name));
		h->msgs = ci->c_messages;
		h->at = now;
	}
	h->seen = true;
	if (now - h->at < HIST_MS)
		return;
	/* A channel closed and made again under its name starts over. */
	h->rate = ci->c_messages >= h->msgs ? (double)(ci->c_messages -
	    h->msgs) * 1000 / (double)(now - h->at) : 0;
	h->msgs = ci->c_messages;
	h->at = now;
	if (h->n == HIST_N) {
		memmove(h->fill, h->fill + 1, HIST_N - 1);
		h->n--;
	}
	h->fill[h->n++] = fill_eighths(ci);
}

static const struct chan_hist *
hist_find(const struct board *b, const char *name)
{
	size_t	i;

	for (i = 0; i < b->nhist; i++) {
		if (strcmp(b->hist[i].name, name) == 0)
			return (&b->hist[i]);
	}
	return (NULL);
}

void
pane_chans_update(struct board *b)
{
	struct chan_info	ci;
	uint64_t		now = now_ms();
	size_t			i, k;

	for (i = 0; i < b->nhist; i++)
		b->hist[i].seen = false;
	for (i = 0; engine_chan_info(b->ctx->e, i, &ci); i++) {
		hist_sample(b, &ci, now);
		if (!chan_shown(&ci)) {
			chan_info_free(&ci);
			continue;
		}
		b->chans = xreallocarray(b->chans, b->nchans + 1,
		    sizeof(*b->chans));
		b->chans[b->nchans++] = ci;
	}
	/* Forget the channels that are gone. */
	for (i = k = 0; i < b->nhist; i++) {
		if (b->hist[i].seen)
			b->hist[k++] = b->hist[i];
	}
	b->nhist = k;
}

/* " 1234/s ▁▂▃█": the rate and the fill over the last samples. */
static void
hist_show(const struct board *b, const char *name, char *out, size_t len)
{
	/* Empty is the lowest bar, so that the line shows it was sampled. */
	static const char *const bars[] = { "\u2581", "\u2581", "\u2582",
	    "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.:-=+*##";
	const struct chan_hist	*h = hist_find(b, name);
	size_t			 i, o;
	int			 n;

	out[0] = '\0';
	if (h == NULL || h->n == 0)
		return;
	n = snprintf(out, len, "  %.0f/s ", h->rate);
	if (n < 0 || (size_t)n >= len)
		return;
	o = (size_t)n;
	for (i = 0; i < h->n && o + 4 < len; i++) {
		if (b->utf8) {
			memcpy(out + o, bars[h->fill[i]], strlen(bars[h->fill[i]]));
			o += strlen(bars[h->fill[i]]);
		} else
			out[o++] = ascii[h->fill[i]];
	}
	out[o] = '\0';
}

void
pane_graph_update(struct board *b)
{
	b->nedges = engine_wfg(b->ctx->e, &b->edges);
	b->ndl = engine_deadlocks(b->ctx->e, &b->dl);
}

/* Drawing helpers. */

void
board_attr_on(struct board *b, WINDOW *w, int pair, int extra)
{
	if (b->color && pair != 0)
		wattron(w, COLOR_PAIR(pair));
	if (extra != 0)
		wattron(w, extra);
}

void
board_attr_off(struct board *b, WINDOW *w, int pair, int extra)
{
	if (b->color && pair != 0)
		wattroff(w, COLOR_PAIR(pair));
	if (extra != 0)
		wattroff(w, extra);
}

void
pane_frame(struct board *b, struct pane *p)
{
	char	title[64];
	int	room;

	werase(p->win);
	box(p->win, 0, 0);
	/* The title stays on the top border, however narrow the pane. */
	room = getmaxx(p->win) - 4;
	(void)snprintf(title, sizeof(title), " %s ", p->name);
	if (room > 0)
		mvwaddnstr(p->win, 0, 2, title, room);
	(void)b;
}

/* Put s at (y, x), cut to the pane's inner width. */
void
board_put(WINDOW *w, int y, int x, const char *s)
{
	int	maxx, maxy, room;

	getmaxyx(w, maxy, maxx);
	if (y <= 0 || y >= maxy - 1)
		return;
	room = maxx - 1 - x;
	if (room <= 0)
		return;
	mvwaddnstr(w, y, x, s, (int)text_fit(s, (size_t)room));
}

/* 2: in a deadlock, 1: stuck behind one, 0: neither. */
int
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

void
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
		board_put(p->win, 1, 2, "no processes yet: try spawn A B");
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
			else if (pi->kernel && pi->wchan[0] != '\0')
				snprintf(what, sizeof(what), "%s %s in %s",
				    op_name(pi->op), pi->chan, pi->wchan);
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
		bw = room - (wlen > 0 ? wlen + 1 : 0) - 3;
		if (bw > 12)
			bw = 12;
		if (pi->has_last && bw >= 2)
			box_text(pi->last, pi->last_len, bw, last,
			    sizeof(last));
		snprintf(line, sizeof(line), "%-8.8s %6ld ", pi->name,
		    (long)pi->pid);
		board_put(p->win, y, 1, line);
		board_attr_on(b, p->win, pair, extra);
		board_put(p->win, y, 17, state);
		board_attr_off(b, p->win, pair, extra);
		snprintf(line, sizeof(line), "%-*.*s%s%s", wlen, wlen, what,
		    wlen > 0 ? " " : "", last);
		board_put(p->win, y, 26, line);
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
chan_kind_short(char *kind, size_t len, const struct chan_info *ci)
{
	switch (ci->buffering) {
	case BUF_BOUNDED:
		snprintf(kind, len, "bounded %zu/%ld", ci->fill, ci->capacity);
		break;
	case BUF_UNBOUNDED:
		snprintf(kind, len, "unbounded %zu", ci->fill);
		break;
	default:
		snprintf(kind, len, "%s", buffering_name(ci->buffering));
		break;
	}
}

void
pane_chans_draw(struct board *b, struct pane *p)
{
	struct chan_info	*ci;
	char			 line[512], boxes[256], kind[48], snd[96],
				 rcv[96], hist[96];
	int			 y = 1, maxy, kw;
	size_t			 i;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	if (b->nchans == 0)
		board_put(p->win, 1, 2, "no channels yet: try channel c1 bounded 2");
	if (p->scroll > (int)b->nchans - 1)
		p->scroll = b->nchans > 0 ? (int)b->nchans - 1 : 0;
	for (i = (size_t)p->scroll; i < b->nchans && y < maxy - 1; i++) {
		ci = &b->chans[i];
		if (ci->mechanism != MECH_MODELED) {
			/* Bytes, not messages: a bar of the capacity. */
			kshow_kind(kind, sizeof(kind), ci);
			/* The bar takes what the row leaves ("[", "]"). */
			kw = strlen(kind) > 14 ? (int)strlen(kind) : 14;
			kshow_bar(boxes, sizeof(boxes), getmaxx(p->win) - 2 -
			    (6 + 1 + kw + 1) - 2, ci);
		} else {
			chan_kind_short(kind, sizeof(kind), ci);
			chan_boxes(b, ci, getmaxx(p->win) - 2 - 23, boxes,
			    sizeof(boxes));
		}
		snprintf(line, sizeof(line), "%-6.6s %-14s %s", ci->name, kind,
		    boxes);
		board_put(p->win, y++, 1, line);
		names(snd, sizeof(snd), ci->senders, ci->nsenders);
		names(rcv, sizeof(rcv), ci->receivers, ci->nreceivers);
		if (ci->mechanism == MECH_SHM)
			snprintf(line, sizeof(line), "  waiting (futex): %s",
			    rcv);
		else
			snprintf(line, sizeof(line), "  senders: %s  "
			    "receivers: %s", snd, rcv);
		if (ci->nsenders > 0 || ci->nreceivers > 0)
			board_attr_on(b, p->win, C_BLOCKED, 0);
		board_put(p->win, y, 1, line);
		if (ci->nsenders > 0 || ci->nreceivers > 0)
			board_attr_off(b, p->win, C_BLOCKED, 0);
		y++;
		hist_show(b, ci->name, hist, sizeof(hist));
		if (ci->mechanism != MECH_MODELED)
			snprintf(line, sizeof(line), "  held by %s  writes "
			    "%llu%s", ci->holders != NULL && *ci->holders !=
			    '\0' ? ci->holders : "nobody",
			    (unsigned long long)ci->c_messages, hist);
		else
			snprintf(line, sizeof(line), "  msgs %llu copies %llu "
			    "drops %llu%s", (unsigned long long)ci->c_messages,
			    (unsigned long long)ci->c_copies,
			    (unsigned long long)ci->c_drops, hist);
		board_put(p->win, y++, 1, line);
	}
}

void
pane_graph_draw(struct board *b, struct pane *p)
{
	char	line[256];
	struct sb sb;
	int	y = 1, maxy;
	size_t	i;

	pane_frame(b, p);
	maxy = getmaxy(p->win);
	if (b->nedges == 0)
		board_put(p->win, 1, 2, "nobody waits");
	for (i = (size_t)p->scroll; i < b->nedges && y < maxy - 1; i++) {
		sb_init(&sb);
		edge_text(&sb, &b->edges[i]);
		strlcpy(line, sb.s, sizeof(line));
		sb_free(&sb);
		if (b->edges[i].deadlocked)
			board_attr_on(b, p->win, C_DEAD, A_BOLD);
		board_put(p->win, y++, 1, line);
		if (b->edges[i].deadlocked)
			board_attr_off(b, p->win, C_DEAD, A_BOLD);
	}
}

void
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
		board_put(p->win, y, 1, b->log[idx]);
		if (b->log_err[idx])
			board_attr_off(b, p->win, C_ERROR, A_BOLD);
		else if (strncmp(b->log[idx], "DEADLOCK", 8) == 0)
			board_attr_off(b, p->win, C_DEAD, A_BOLD);
	}
}

/* The chart's last rows, following the session as it goes. */
void
pane_msc_draw(struct board *b, struct pane *p)
{
	struct msc_view	 v;
	char		**lines;
	size_t		 n, i, keep;
	int		 maxy, maxx, y;

	pane_frame(b, p);
	getmaxyx(p->win, maxy, maxx);
	if (maxy < 4 || maxx < 22)
		return;
	if (!msc_view(b->ctx, 0, &v)) {
		board_put(p->win, 1, 1, "nothing sent yet");
		return;
	}
	keep = (size_t)maxy - 3;	/* the names' line, then rows */
	if (v.nrows > keep) {
		v.first += v.nrows - keep;
		v.rows += v.nrows - keep;
		v.nrows = keep;
	}
	lines = msc_lines(&v, (size_t)maxx - 2, &n);
	for (i = 0, y = 1; i < n && y < maxy - 1; i++, y++)
		board_put(p->win, y, 1, lines[i]);
	msc_lines_free(lines, n);
}

void
draw_title(struct board *b)
{
	char	 line[512];
	struct sb sb;
	size_t	 i;
	int	 maxx, x = 20;

	maxx = getmaxx(b->title);
	werase(b->title);
	board_attr_on(b, b->title, C_TITLE, A_BOLD);
	/*
	 * A classroom: how to join comes first, whole if it can (students
	 * copy it from the projector); the deadlock banner takes the rest.
	 */
	if (b->ctx->headline != NULL) {
		mvwaddnstr(b->title, 0, 1, b->ctx->headline,
		    (int)text_fit(b->ctx->headline, (size_t)(maxx > 1 ?
		    maxx - 1 : 0)));
		x = 1 + (int)text_columns(b->ctx->headline) + 1;
	} else
		mvwaddnstr(b->title, 0, 0, " ipcplay dashboard", maxx);
	board_attr_off(b, b->title, C_TITLE, A_BOLD);
	if (x >= maxx)
		return;
	if (b->ndl == 0) {
		mvwaddnstr(b->title, 0, x, "  no deadlock", maxx - x);
		return;
	}
	/* Every deadlock, one after the other, as far as the line goes. */
	line[0] = '\0';
	for (i = 0; i < b->ndl; i++) {
		strlcat(line, i == 0 ? " DEADLOCK: " : " | ", sizeof(line));
		sb_init(&sb);
		if (b->dl[i].ncycle > 0)
			deadlock_cycle(&sb, &b->dl[i]);
		else {
			deadlock_procs(&sb, &b->dl[i]);
			sb_puts(&sb, " (nobody can help)");
		}
		strlcat(line, sb.s, sizeof(line));
		sb_free(&sb);
	}
	strlcat(line, " ", sizeof(line));
	board_attr_on(b, b->title, C_DEAD, A_BOLD | A_REVERSE);
	mvwaddnstr(b->title, 0, x, line, (int)text_fit(line,
	    (size_t)(maxx - x)));
	board_attr_off(b, b->title, C_DEAD, A_BOLD | A_REVERSE);
}

