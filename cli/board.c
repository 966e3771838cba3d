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
#include "board-int.h"
#include "ipcplay.h"
#include "prog.h"
#include "edit.h"

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

static void	draw_key_bar(struct board *);
static void	draw_help(struct board *);

static struct pane panes[] = {
	{ "processes", pane_procs_update, pane_procs_draw, NULL, 0 },
	{ "wait-for graph", pane_graph_update, pane_graph_draw, NULL, 0 },
	{ "channels", pane_chans_update, pane_chans_draw, NULL, 0 },
	{ "events", NULL, pane_log_draw, NULL, 0 },
	{ "message sequence chart", NULL, pane_msc_draw, NULL, 0 },
};
#define P_PROCS	0
#define P_GRAPH	1
#define P_CHANS	2
#define P_LOG	3
#define P_MSC	4
#define NPANES	(sizeof(panes) / sizeof(panes[0]))

/* Is there a terminal we can draw on? */
bool
board_available(void)
{
	const char	*term;
	char		*cup;
	int		 err;

	term = getenv("TERM");
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
	/* Scrolled back, the lines in view stay where they are. */
	if (panes[P_LOG].scroll > 0)
		panes[P_LOG].scroll++;
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

/*
 * Add a line to the log, wrapped at blanks to the log's width in
 * columns, a word longer than a line cut at a character's end.
 */
static void
log_wrap(struct board *b, const char *line, bool err)
{
	const char	*p = line, *end, *q;
	char		*t;
	int		 width = COLS - 2;

	if (width < 20)
		width = 20;
	do {
		end = p + text_fit(p, (size_t)width);
		if (*end != '\0' && *end != ' ') {
			/* Break at the last blank, if the line has one. */
			for (q = end; q > p && *q != ' '; q--)
				continue;
			if (q > p)
				end = q;
			else if (end == p)
				end = p + 1;	/* not even one fits */
		}
		t = xmemdup(p, (size_t)(end - p));
		log_add(b, t, err);
		free(t);
		for (p = end; *p == ' '; p++)
			continue;
	} while (*p != '\0');
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

static void	board_draw(struct board *);

/*
 * While a long command runs (a sleep, a repeat), the board still draws
 * what happens and hears Ctrl-C, which ends the command; any other key
 * waits for the prompt.
 */
static void
board_tick_hook(void *arg)
{
	struct board	*b = arg;
	int		 c;

	if (b == NULL || b != board)
		return;
	/* Keys typed meanwhile wait for the prompt; Ctrl-C does not. */
	while ((c = wgetch(b->input)) != ERR) {
		if (c == 3)
			ui_interrupt();
		else if (b->nheld < sizeof(b->held) / sizeof(b->held[0]))
			b->held[b->nheld++] = c;
	}
	if (b->dirty && now_ms() - b->last_draw >= FRAME_MS)
		board_draw(b);
}

static void
board_tick(struct ctx *ctx)
{
	(void)ctx;
	board_tick_hook(board);
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
	draw_key_bar(b);
	if (b->show_help)
		draw_help(b);
	board_redisplay();
	b->dirty = false;
	b->last_draw = now_ms();
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
	if (b->show_msc) {
		/* The chart under the channels, as wide as they are. */
		panes[P_CHANS].win = newwin(top / 2, w - leftw, 1, leftw);
		panes[P_MSC].win = newwin(top - top / 2, w - leftw,
		    1 + top / 2, leftw);
	} else
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
		/* Ctrl-D on an empty line: leave, once asked. */
		if (b->reader || quit_confirmed(b->ctx, "Ctrl-D"))
			b->done = true;
		return;
	}
	if (b->reader) {
		(void)edit_history_add(line);
		b->got = line;
		return;
	}
	if (edit_history_add(line)) {
		xasprintf(&s, "> %s", line);
		log_add(b, s, false);
		free(s);
		xasprintf(&s, "ipcplay> %s", line);
		said_add(b, s, false);
		free(s);
	}
	b->ctx->line++;
	b->ctx->linebuf = NULL;
	panes[P_LOG].scroll = 0;	/* a command's output is at the end */
	if (run_line(b->ctx, line) == -1)
		b->done = true;
	if (ui_interrupt_done(b->ctx))
		log_add(b, "interrupted", false);
	free(line);
	rl_set_prompt(prog_prompt(b->ctx, EDIT_PROMPT));
	b->dirty = true;
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

/*
 * The dashboard's keys, one row each: what the key does, how the key bar
 * and the help screen name it.  A row with no action gives readline what
 * the key means to it (feed), or the key itself.  A row whose name is
 * NULL is the second key of the row before it (PgDn after PgUp).  For on_scroll: pane, dir.
 */
struct key_def {
	int		  key;
	const char	 *name;		/* on the help screen */
	const char	 *bar;		/* on the key bar */
	const char	 *help;
	void		(*action)(struct board *, const struct key_def *);
	const char	 *feed;
	int		  pane, dir;	/* for on_scroll */
};

static void
on_scroll(struct board *b, const struct key_def *k)
{
	struct pane	*p = &panes[k->pane];
	int		 step = 1;

	if (k->pane == P_LOG)	/* a page, keeping one line in view */
		step = getmaxy(p->win) - 3 > 1 ? getmaxy(p->win) - 3 : 1;
	p->scroll += k->dir * step;
	if (p->scroll < 0)
		p->scroll = 0;
	b->dirty = true;
}

static void
on_help(struct board *b, const struct key_def *k)
{
	if (k->key == '?' && rl_end > 0) {	/* a ? typed in a line */
		board_feed(b, "?", 1);
		return;
	}
	b->show_help = true;
	b->dirty = true;
}

static void
on_msc(struct board *b, const struct key_def *k)
{
	(void)k;
	b->show_msc = !b->show_msc;
	board_layout(b);
}

static void
on_clear(struct board *b, const struct key_def *k)
{
	(void)k;
	/* At a definition's prompt, the definition goes too. */
	if (!b->reader && prog_defining(b->ctx)) {
		prog_abandon(b->ctx);
		log_add(b, "definition dropped", false);
		rl_set_prompt(EDIT_PROMPT);
	}
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
}

static void
on_nothing(struct board *b, const struct key_def *k)
{
	(void)b;
	(void)k;
}

static void
on_resize(struct board *b, const struct key_def *k)
{
	(void)k;
	board_layout(b);
}

static const struct key_def keys[] = {
	/* First, so the key bar keeps it on the narrowest terminal. */
	{ KEY_F(1), "F1 or ?", "F1 help", "this help (? on an empty line)",
	    on_help, NULL, 0, 0 },
	{ '?', NULL, NULL, NULL, on_help, NULL, 0, 0 },
	{ KEY_ENTER, "Enter", NULL, "run the typed command", NULL, "\r", 0, 0 },
	{ '\t', "Tab", "Tab complete", "complete a command, process or "
	    "channel", NULL, NULL, 0, 0 },
	{ KEY_UP, "Up / Down", NULL, "command history", NULL, "\033[A", 0, 0 },
	{ KEY_DOWN, NULL, NULL, NULL, NULL, "\033[B", 0, 0 },
	{ KEY_PPAGE, "PgUp / PgDn", "PgUp/PgDn log", "scroll the event log",
	    on_scroll, NULL, P_LOG, 1 },
	{ KEY_NPAGE, NULL, NULL, NULL, on_scroll, NULL, P_LOG, -1 },
	{ KEY_F(5), "F5 / F6", "F5/F6 procs", "scroll the processes",
	    on_scroll, NULL, P_PROCS, -1 },
	{ KEY_F(6), NULL, NULL, NULL, on_scroll, NULL, P_PROCS, 1 },
	{ KEY_F(4), "F4", "F4 msc", "show or hide the message sequence chart",
	    on_msc, NULL, 0, 0 },
	{ KEY_F(7), "F7 / F8", "F7/F8 chans", "scroll the channels",
	    on_scroll, NULL, P_CHANS, -1 },
	{ KEY_F(8), NULL, NULL, NULL, on_scroll, NULL, P_CHANS, 1 },
	{ 3, "Ctrl-C", NULL, "clear the input line", on_clear, NULL, 0, 0 },
	{ 4, "Ctrl-D", "Ctrl-D quit", "quit (on an empty line)", NULL, NULL,
	    0, 0 },
	/* Not on the help screen: */
	{ 26, NULL, NULL, NULL, on_nothing, NULL, 0, 0 },	/* Ctrl-Z */
	{ KEY_RESIZE, NULL, NULL, NULL, on_resize, NULL, 0, 0 },
	{ KEY_RIGHT, NULL, NULL, NULL, NULL, "\033[C", 0, 0 },
	{ KEY_LEFT, NULL, NULL, NULL, NULL, "\033[D", 0, 0 },
	{ KEY_HOME, NULL, NULL, NULL, NULL, "\001", 0, 0 },	/* Ctrl-A */
	{ KEY_END, NULL, NULL, NULL, NULL, "\005", 0, 0 },	/* Ctrl-E */
	{ KEY_DC, NULL, NULL, NULL, NULL, "\033[3~", 0, 0 },
	{ KEY_BACKSPACE, NULL, NULL, NULL, NULL, "\177", 0, 0 },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* What the help screen says after the keys. */
static const char *help_tail[] = {
	"dashboard off  back to the plain transcript",
	"",
	"States: ready, BLOCKED, DEADLOCK, STUCK (behind one), exited",
	"Boxes: [hi][  ] = a bounded 2 holding one",
	"",
	"any key closes this help",
};
#define NTAIL	(sizeof(help_tail) / sizeof(help_tail[0]))

static void
draw_key_bar(struct board *b)
{
	char	line[256] = "";
	size_t	i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].bar == NULL)
			continue;
		strlcat(line, " ", sizeof(line));
		strlcat(line, keys[i].bar, sizeof(line));
		strlcat(line, " ", sizeof(line));
	}
	werase(b->keys);
	mvwaddnstr(b->keys, 0, 0, line, getmaxx(b->keys));
	wnoutrefresh(b->keys);
}

static void
draw_help(struct board *b)
{
	int	h = 4 + (int)NTAIL, w = 15 + 4, y, x, row;
	size_t	i;
	char	line[256];

	/* As wide as the widest line, as tall as the lines. */
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].help == NULL)
			continue;
		h++;
		if (15 + 4 + (int)strlen(keys[i].help) > w)
			w = 15 + 4 + (int)strlen(keys[i].help);
	}
	for (i = 0; i < NTAIL; i++) {
		if (4 + (int)strlen(help_tail[i]) > w)
			w = 4 + (int)strlen(help_tail[i]);
	}
	/* A small terminal shows what fits, inside the border. */
	if (w > COLS)
		w = COLS;
	if (h > LINES - 1)
		h = LINES - 1;		/* the input line stays below */
	if (w < 6 || h < 3)
		return;
	if (b->help != NULL)
		delwin(b->help);
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	if ((b->help = newwin(h, w, y, x)) == NULL)
		return;
	werase(b->help);
	box(b->help, 0, 0);
	mvwaddnstr(b->help, 1, 2, "ipcplay dashboard: keys", w - 4);
	row = 3;
	for (i = 0; i < NKEYS && row < h - 1; i++) {
		if (keys[i].help == NULL)
			continue;
		snprintf(line, sizeof(line), "%-14.14s %s", keys[i].name,
		    keys[i].help);
		mvwaddnstr(b->help, row++, 2, line, w - 4);
	}
	for (i = 0; i < NTAIL && row < h - 1; i++)
		mvwaddnstr(b->help, row++, 2, help_tail[i], w - 4);
	wnoutrefresh(b->help);
}

static void
board_key(struct board *b, int c)
{
	const struct key_def	*k;
	size_t			 i;
	char			 ch;

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
	for (i = 0; i < NKEYS && keys[i].key != c; i++)
		continue;
	k = i < NKEYS ? &keys[i] : NULL;
	if (k != NULL && k->action != NULL)
		k->action(b, k);
	else if (k != NULL && k->feed != NULL)
		board_feed(b, k->feed, strlen(k->feed));
	else if (c >= 0 && c <= 255) {
		ch = (char)c;
		board_feed(b, &ch, 1);
	}
	/* other function keys: not ours */
	board_redisplay();
}

static void
board_colors(struct board *b)
{
	const char	*nc;

	nc = getenv("NO_COLOR");
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
	b->utf8 = glyph_utf8();
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
	ctx->tick = board_tick;
	engine_wait_hook(ctx->e, board_tick_hook, b);
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
	edit_setup(ctx);
	rl_completion_display_matches_hook = board_matches;
	board_layout(b);
	rl_callback_handler_install(EDIT_PROMPT, board_rl_line);
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
	size_t		i;
	short		ready;
	bool		got;

	while (!b->done && !b->off && b->got == NULL) {
		t = -1;
		if (b->dirty) {
			t = FRAME_MS - (int)(now_ms() - b->last_draw);
			if (t < 0)
				t = 0;
		}
		/* First the keys held while a command ran, in order. */
		for (i = 0; i < b->nheld && !b->done && !b->off &&
		    b->got == NULL; i++)
			board_key(b, b->held[i]);
		if (i > 0) {
			memmove(b->held, b->held + i, (b->nheld - i) *
			    sizeof(b->held[0]));
			b->nheld -= i;
			if (b->dirty)
				board_draw(b);
		}
		if (b->done || b->off || b->got != NULL)
			break;
		if (ui_wait(b->ctx, &w, &fd, &ready, 1, t) == -1)
			break;
		got = false;
		while (!b->done && !b->off && b->got == NULL &&
		    (c = wgetch(b->input)) != ERR) {
			board_key(b, c);
			got = true;
		}
		/*
		 * The terminal is gone (a hang-up with no SIGHUP, as when a
		 * session leader's tmux is killed): end as Ctrl-D does,
		 * rather than wake for ever on a descriptor with nothing.
		 */
		if (!got && (ready & (POLLHUP | POLLERR | POLLNVAL)) != 0)
			b->done = true;
		if (b->dirty && now_ms() - b->last_draw >= FRAME_MS)
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
	rl_set_prompt(prog_prompt(b->ctx, EDIT_PROMPT));
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
	edit_handler_taken();
	ctx->print_hook = NULL;
	ctx->tick = NULL;
	engine_wait_hook(ctx->e, NULL, NULL);
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
	free(b->hist);
	free(b);
	board = NULL;
}

enum board_end
board_run(struct ctx *ctx)
{
	enum board_end	 end;
	char		*problem;

	if (!board_begin(ctx))
		return (BOARD_OFF);
	log_wrap(board, "The live dashboard.  Type commands below; F1 for "
	    "the keys, 'dashboard off' for the plain transcript.", false);
	if ((problem = edit_history_problem()) != NULL) {
		log_wrap(board, problem, true);
		free(problem);
	}
	board_loop(board);
	end = board->done ? BOARD_QUIT : BOARD_OFF;
	board->replay = end == BOARD_OFF && ui_quit_signal() == 0;
	board_end(ctx);
	return (end);
}
