/*
 * The message sequence chart drawn with characters, for a terminal and
 * the dashboard's pane, and the msc command.
 *
 * A row is one line: the lanes at fixed columns, a message's arrow from
 * its sender's lane to its receiver's on the row it arrived (a filled dot
 * when it was sent on that row, a hollow one when it waited in a buffer
 * since row #N, which the label names), a blocked process's lane drawn
 * heavy from the row it blocked on, a lost message as an arrow ending in
 * a cross.  Box drawing in a UTF-8 locale, ASCII in any other.  The chart
 * fits the width it is given: lanes get narrower down to a floor, then
 * the lanes that do not fit are left out and the chart says so.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "msc.h"
#include "sb.h"

#define LANE_MIN	10	/* columns a lane needs at least */
#define LANE_MAX	30

enum mg { M_LANE, M_HEAVY, M_DOT, M_HOLLOW, M_LINE, M_CROSSING, M_HCROSSING,
	M_RIGHT,
	M_LEFT, M_LOST, M_END, M_NMG };

static const char *const mglyphs[M_NMG][2] = {
	[M_LANE] = { "\xe2\x94\x82", "|" },
	[M_HEAVY] = { "\xe2\x94\x83", "#" },
	[M_DOT] = { "\xe2\x97\x8f", "*" },
	[M_HOLLOW] = { "\xe2\x97\x8b", "o" },
	[M_LINE] = { "\xe2\x94\x80", "-" },
	[M_CROSSING] = { "\xe2\x94\xbc", "+" },
	[M_HCROSSING] = { "\xe2\x95\x82", "#" },
	[M_RIGHT] = { "\xe2\x96\xb6", ">" },
	[M_LEFT] = { "\xe2\x97\x80", "<" },
	[M_LOST] = { "\xe2\x9c\x95", "X" },
	[M_END] = { "\xe2\x94\xb4", "_" },
};

static const char *
mg(enum mg g)
{
	return (mglyphs[g][glyph_utf8() ? 0 : 1]);
}

/* One line being drawn: a cell per column, each a character or "". */
struct grid {
	char	(*cell)[8];
	size_t	  width;
};

static void
put(struct grid *g, long x, const char *s)
{
	if (x < 0 || (size_t)x >= g->width)
		return;
	strlcpy(g->cell[x], s, sizeof(g->cell[x]));
}

/* s from column x on, in at most cols columns (cut with an ellipsis). */
static void
put_text(struct grid *g, long x, long cols, const char *s)
{
	const char	*ell = glyph(G_ELLIPSIS);
	size_t		 n, w, fit, have;
	long		 end;

	if (cols <= 0 || x < 0)
		return;
	if ((size_t)x + (size_t)cols > g->width)
		cols = (long)g->width - x;
	if (cols <= 0)
		return;
	have = text_columns(s);
	fit = have;
	if (have > (size_t)cols) {
		w = text_columns(ell);
		fit = (size_t)cols > w ? (size_t)cols - w : 0;
	}
	end = x + (long)fit;
	while (*s != '\0' && x < end) {
		if (!glyph_utf8() && (unsigned char)*s >= 0x80) {
			/* ASCII only: a byte of a UTF-8 character is a ?. */
			put(g, x++, "?");
			s++;
			continue;
		}
		w = text_char(s, &n);
		if (x + (long)w > end)
			break;
		if (w == 0) {
			/* A combining mark joins the character before. */
			size_t at = x > 0 ? strlen(g->cell[x - 1]) : 0;

			if (x > 0 && at + n < sizeof(g->cell[0])) {
				memcpy(g->cell[x - 1] + at, s, n);
				g->cell[x - 1][at + n] = '\0';
			}
			s += n;
			continue;
		}
		if (n >= sizeof(g->cell[0]))
			n = 1;
		memcpy(g->cell[x], s, n);
		g->cell[x][n] = '\0';
		if (w == 2 && x + 1 < (long)g->width)
			g->cell[x + 1][0] = '\0';
		x += w > 0 ? (long)w : 1;
		s += n;
	}
	if (have > (size_t)cols && glyph_utf8())
		put(g, x, ell);
	else if (have > (size_t)cols) {
		for (; *ell != '\0' && x < (long)g->width; ell++)
			put(g, x++, (char[2]){ *ell, '\0' });
	}
}

/* The line, blanks at its end left out. */
static char *
grid_line(struct grid *g)
{
	struct sb	b;
	size_t		i, last = 0;

	for (i = 0; i < g->width; i++) {
		if (strcmp(g->cell[i], " ") != 0 && g->cell[i][0] != '\0')
			last = i + 1;
	}
	sb_init(&b);
	sb_puts(&b, "");
	for (i = 0; i < last; i++)
		sb_puts(&b, g->cell[i]);
	return (sb_take(&b));
}

static void
grid_clear(struct grid *g)
{
	size_t	i;

	for (i = 0; i < g->width; i++)
		strlcpy(g->cell[i], " ", sizeof(g->cell[i]));
}

struct layout {
	size_t	gutter, lane, shown, width;
};

static long
lane_x(const struct layout *l, int i)
{
	return ((long)(l->gutter + l->lane / 2 + (size_t)i * l->lane));
}

static bool
shown(const struct layout *l, int i)
{
	return (i >= 0 && (size_t)i < l->shown);
}

/* The room right of lane i for its label. */
static long
room(const struct layout *l, int i)
{
	if ((size_t)i + 1 >= l->shown)
		return ((long)l->width - lane_x(l, i) - 2);
	return ((long)l->lane - 3);
}

static void
draw_lanes(struct grid *g, const struct layout *l, const struct msc_row *r)
{
	size_t	i;
	int	s;

	for (i = 0; i < l->shown; i++) {
		s = i < r->nlanes ? r->lanes[i] : LS_NONE;
		if (s == LS_UP)
			put(g, lane_x(l, (int)i), mg(M_LANE));
		else if (s == LS_BLOCKED || s == LS_DEADLOCK)
			put(g, lane_x(l, (int)i), mg(M_HEAVY));
	}
}

static void
draw_arrow(struct grid *g, const struct layout *l, const struct msc_row *r,
    uint64_t n)
{
	long	xa, xb, x, lo, hi;
	char	*label;
	size_t	i;
	bool	right;

	/* A lane left out: the arrow comes from (goes to) the edge. */
	xa = shown(l, r->from) ? lane_x(l, r->from) : (long)l->width;
	xb = shown(l, r->to) ? lane_x(l, r->to) : (long)l->width;
	right = xb > xa;
	lo = right ? xa : xb;
	hi = right ? xb : xa;
	for (x = lo + 1; x < hi; x++) {
		put(g, x, mg(M_LINE));
		for (i = 0; i < l->shown; i++) {
			if (x == lane_x(l, (int)i) && i < r->nlanes &&
			    r->lanes[i] != LS_NONE && r->lanes[i] != LS_GONE)
				put(g, x, mg(r->lanes[i] == LS_UP ?
				    M_CROSSING : M_HCROSSING));
		}
	}
	put(g, xa, mg(r->send == n ? M_DOT : M_HOLLOW));
	put(g, right ? xb - 1 : xb + 1, mg(right ? M_RIGHT : M_LEFT));
	label = msc_label(r, n, true);
	if (hi - lo - 5 >= 3)
		put_text(g, lo + 3, hi - lo - 5, label);
	else
		put_text(g, hi + 2, room(l, right ? r->to : r->from), label);
	free(label);
}

static void
draw_row(struct grid *g, const struct layout *l, const struct msc_row *r,
    uint64_t n)
{
	char	*label, num[24];
	long	 x;
	size_t	 i, len;

	grid_clear(g);
	(void)snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	len = strlen(num);
	if (len < l->gutter)
		put_text(g, (long)(l->gutter - 1 - len), (long)len, num);
	draw_lanes(g, l, r);
	switch (r->kind) {
	case MR_MSG:
		if (!shown(l, r->from) && !shown(l, r->to))
			break;
		if (r->from == r->to || r->to < 0) {
			if (!shown(l, r->from))
				break;
			put(g, lane_x(l, r->from), mg(M_DOT));
			label = msc_label(r, n, true);
			put_text(g, lane_x(l, r->from) + 2, room(l, r->from),
			    label);
			free(label);
		} else
			draw_arrow(g, l, r, n);
		break;
	case MR_SEND:
	case MR_EXIT:
	case MR_BLOCK:
	case MR_NOTE:
		if (!shown(l, r->from))
			break;
		x = lane_x(l, r->from);
		if (r->kind == MR_SEND) {
			put(g, x, mg(M_DOT));
			xasprintf(&label, "%s %s %s%s%s", r->text, glyph(G_ARROW),
			    r->chan, r->note != NULL ? " " : "",
			    r->note != NULL ? r->note : "");
		} else {
			if (r->kind == MR_EXIT)
				put(g, x, mg(M_END));
			label = xstrdup(r->note != NULL ? r->note : "");
		}
		put_text(g, x + 2, room(l, r->from), label);
		free(label);
		break;
	case MR_RECV:
		if (!shown(l, r->to))
			break;
		x = lane_x(l, r->to);
		put(g, x + 1, mg(M_LEFT));
		xasprintf(&label, "%s %s (from ?)", r->text, r->chan);
		put_text(g, x + 3, room(l, r->to) - 1, label);
		free(label);
		break;
	case MR_DROP:
		if (!shown(l, r->from))
			break;
		x = lane_x(l, r->from);
		put(g, x, mg(M_DOT));
		put(g, x + 1, mg(M_LINE));
		put(g, x + 2, mg(M_LOST));
		xasprintf(&label, "%s %s lost%s%s", r->text, r->chan,
		    r->note != NULL ? ": " : "", r->note != NULL ? r->note :
		    "");
		put_text(g, x + 4, room(l, r->from) - 2, label);
		free(label);
		break;
	case MR_DEADLOCK:
		for (i = 0; i < l->shown && i < r->nlanes; i++) {
			if (r->lanes[i] != LS_DEADLOCK)
				continue;
			x = lane_x(l, (int)i);
			len = l->lane - 1 < 8 ? l->lane - 1 : 8;
			put_text(g, x - (long)len / 2, (long)len, "DEADLOCK");
		}
		break;
	}
}

/* s broken at blanks into lines of at most width, after out[n - 1]. */
static size_t
note_lines(const char *s, size_t width, char ***out, size_t n)
{
	char	**v;
	size_t	  nv, i;

	nv = text_wrap(s, width, &v);
	*out = xreallocarray(*out, n + nv, sizeof(**out));
	for (i = 0; i < nv; i++)
		(*out)[n++] = v[i];
	free(v);
	return (n);
}

static size_t
digits(uint64_t n)
{
	size_t	d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return (d);
}

char **
msc_lines(const struct msc_view *v, size_t width, size_t *nlines)
{
	struct layout	 l;
	struct grid	 g;
	char		**out, *s;
	size_t		 i, n = 0, avail;

	if (width < 20)
		width = 20;
	l.width = width;
	l.gutter = digits(v->first + v->nrows) + 1;
	avail = width - l.gutter;
	l.shown = v->nlanes;
	l.lane = v->nlanes > 0 ? avail / v->nlanes : avail;
	if (l.lane > LANE_MAX)
		l.lane = LANE_MAX;
	if (l.lane < LANE_MIN) {
		l.lane = LANE_MIN;
		l.shown = avail / LANE_MIN;
	}
	g.width = width;
	g.cell = xcalloc(width, sizeof(*g.cell));
	out = NULL;
	if (v->cut)
		n = note_lines("(the rows before are no longer kept: the chart "
		    "keeps the last 100000)", width, &out, n);
	out = xreallocarray(out, n + v->nrows + 3, sizeof(*out));
	/* Centre each name on its lane. */
	grid_clear(&g);
	for (i = 0; i < l.shown; i++) {
		size_t w = text_columns(v->lanes[i]);

		if (w > l.lane - 1)
			w = l.lane - 1;
		put_text(&g, lane_x(&l, (int)i) - (long)w / 2, (long)l.lane -
		    1, v->lanes[i]);
	}
	out[n++] = grid_line(&g);
	for (i = 0; i < v->nrows; i++) {
		draw_row(&g, &l, &v->rows[i], v->first + i);
		out[n++] = grid_line(&g);
	}
	if (l.shown < v->nlanes) {
		xasprintf(&s, "(%zu of %zu lanes shown: %s and after need %zu "
		    "more columns; msc --svg FILE draws them all)", l.shown,
		    v->nlanes, v->lanes[l.shown], (v->nlanes - l.shown) *
		    LANE_MIN);
		n = note_lines(s, width, &out, n);
		free(s);
	}
	free(g.cell);
	*nlines = n;
	return (out);
}

void
msc_lines_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}


static const char *const kind_names[] = {
	[MR_SEND] = "send", [MR_MSG] = "message", [MR_RECV] = "recv",
	[MR_DROP] = "lost", [MR_BLOCK] = "blocked", [MR_DEADLOCK] = "deadlock",
	[MR_EXIT] = "exit", [MR_NOTE] = "note",
};

static void
json_lane(struct sb *b, const char *key, const struct msc_view *v, int l)
{
	if (l >= 0 && (size_t)l < v->nlanes)
		sb_printf(b, ",\"%s\":\"%s\"", key, v->lanes[l]);
}

static void
msc_json(struct ctx *ctx, const struct msc_view *v)
{
	struct sb	 b;
	const struct msc_row *r;
	size_t		 i, k;
	bool		 any;

	json_begin(ctx, &b, "msc");
	sb_puts(&b, ",\"lanes\":[");
	for (i = 0; i < v->nlanes; i++)
		sb_printf(&b, "%s\"%s\"", i > 0 ? "," : "", v->lanes[i]);
	sb_puts(&b, "],\"rows\":[");
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		sb_printf(&b, "%s{\"row\":%llu,\"kind\":\"%s\"", i > 0 ? "," :
		    "", (unsigned long long)(v->first + i), kind_names[r->kind]);
		json_lane(&b, "from", v, r->from);
		json_lane(&b, "to", v, r->to);
		if (r->kind == MR_MSG)
			sb_printf(&b, ",\"sent_at\":%llu",
			    (unsigned long long)r->send);
		if (r->text != NULL)
			json_kv(&b, "text", r->text);
		if (r->chan != NULL)
			json_kv(&b, "chan", r->chan);
		if (r->note != NULL)
			json_kv(&b, "note", r->note);
		if (r->kind == MR_DEADLOCK) {
			sb_puts(&b, ",\"procs\":[");
			for (k = 0, any = false; k < r->nlanes; k++) {
				if (r->lanes[k] == LS_DEADLOCK) {
					sb_printf(&b, "%s\"%s\"", any ? "," :
					    "", v->lanes[k]);
					any = true;
				}
			}
			sb_puts(&b, "]");
		}
		sb_puts(&b, "}");
	}
	sb_puts(&b, "]");
	json_end(ctx, &b);
}

#define MSC_SEAT_ROWS	200	/* the most a classroom's student is drawn */

static enum cmd_result
cmd_msc_exec(struct ctx *ctx, struct args *a)
{
	struct word		*w = a->w;
	const struct arg_opt	*o;
	struct msc_view		 v;
	const char		*file = NULL;
	long long		 last = 0;
	char			**lines, *svg, *why;
	size_t			 i, nl;

	if ((o = args_opt(a, "--svg")) != NULL)
		file = o->val->s;
	if ((o = args_opt(a, "--last")) != NULL)
		last = o->num;
	if (file != NULL && ctx->no_files)
		return (cmd_fail(ctx, &w[0], "writing files is off here"));
	/* A classroom's student: a chart a terminal can take, and quickly. */
	if (ctx->text_hook != NULL && (last == 0 || last > MSC_SEAT_ROWS))
		last = MSC_SEAT_ROWS;
	if (!msc_view(ctx, (size_t)last, &v)) {
		if (ctx->json) {
			struct sb b;

			json_begin(ctx, &b, "msc");
			sb_puts(&b, ",\"lanes\":[],\"rows\":[]");
			json_end(ctx, &b);
		} else
			out_printf(ctx, "nothing to draw yet: no message, "
			    "block or exit so far\n");
		if (file == NULL)
			return (CMD_OK);
	}
	if (file != NULL) {
		svg = msc_svg(&v, "message sequence chart");
		if (write_file(file, svg, strlen(svg), &why) == -1) {
			free(svg);
			cmd_fail(ctx, &w[0], "msc: %s", why);
			free(why);
			return (CMD_FAIL);
		}
		free(svg);
		out_printf(ctx, "wrote the message sequence chart to %s (%zu "
		    "row%s, %zu lane%s)\n", file, v.nrows, v.nrows == 1 ? "" :
		    "s", v.nlanes, v.nlanes == 1 ? "" : "s");
		return (CMD_OK);
	}
	if (ctx->json) {
		msc_json(ctx, &v);
		return (CMD_OK);
	}
	lines = msc_lines(&v, term_columns(ctx->print_hook == NULL &&
	    ctx->text_hook == NULL ? ctx->out : NULL, 80), &nl);
	for (i = 0; i < nl; i++)
		out_printf(ctx, "%s\n", lines[i]);
	msc_lines_free(lines, nl);
	return (CMD_OK);
}

static const struct cmd_opt msc_opts[] = {
	{ "--svg", A_FILE, "FILE", 0, 0, NULL, NULL, NULL },
	{ "--last", A_NUMBER, "N", 1, 1000000, "--last", NULL, NULL },
	OPT_END
};

const struct cmd_entry cmd_msc_entry = {
	.name = "msc",
	.help = "Draw the message sequence chart of the session so far: a "
	    "lane per process, an arrow per message from the row it was "
	    "sent on (#N when it waited in a buffer) to the row it arrived "
	    "on, a heavy lane while a process is blocked, a cross for a "
	    "lost message, DEADLOCK under the lanes of a deadlock.  --last N "
	    "draws the last N messages; --svg FILE writes the chart as SVG "
	    "for a browser or slides.",
	.example = "msc --last 20",
	.min_args = 0, .max_args = 0,
	.opts = msc_opts,
	.exec = cmd_msc_exec,
};
