/*
 * Pictures as SVG: the message sequence chart and the wait-for graph.
 *
 * Each document stands alone: no fonts, scripts, styles or images from
 * anywhere else (the only references are to its own arrowheads), generic
 * font families, dark strokes on white and text of 15 px and more, so
 * that it reads on a projector and pastes into slides.  It carries what
 * the terminal chart carries: the same lanes, rows, labels and marks.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "msc.h"
#include "sb.h"

#define FONT	"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""
#define INK	"#1a1a1a"
#define MSGC	"#0b4f9c"	/* messages */
#define WAITC	"#b35900"	/* blocked */
#define BADC	"#b71c1c"	/* lost, deadlock */

#define LANE_W	190		/* between lanes */
#define ROW_H	34
#define GUTTER	56
#define TOP	96		/* title and names */

/*
 * s with XML's five characters escaped, and what XML 1.0 does not allow
 * (control characters, U+FFFE, U+FFFF) shown as U+FFFD.
 */
static void
xml_text(struct sb *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r') || ((unsigned char)s[0] == 0xef &&
		    (unsigned char)s[1] == 0xbf && ((unsigned char)s[2] == 0xbe ||
		    (unsigned char)s[2] == 0xbf))) {
			sb_puts(b, "\xef\xbf\xbd");
			if ((unsigned char)*s == 0xef)
				s += 2;
			continue;
		}
		switch (*s) {
		case '&':
			sb_puts(b, "&amp;");
			break;
		case '<':
			sb_puts(b, "&lt;");
			break;
		case '>':
			sb_puts(b, "&gt;");
			break;
		case '"':
			sb_puts(b, "&quot;");
			break;
		case '\'':
			sb_puts(b, "&apos;");
			break;
		default:
			sb_putc(b, *s);
		}
	}
}

static void
text_at(struct sb *b, double x, double y, const char *anchor, int size,
    const char *color, bool bold, const char *s)
{
	sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
	    "font-size=\"%d\" fill=\"%s\"%s stroke=\"#ffffff\" "
	    "stroke-width=\"4\" paint-order=\"stroke\">", x, y, anchor, size,
	    color, bold ? " font-weight=\"bold\"" : "");
	xml_text(b, s);
	sb_puts(b, "</text>\n");
}

static void
svg_begin(struct sb *b, double w, double h, const char *title)
{
	static const char *const heads[3][2] = {
		{ "head", MSGC }, { "headred", BADC }, { "headink", INK },
	};
	size_t	i;

	sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" %s>\n<title>", w, h, w,
	    h, FONT);
	xml_text(b, title);
	sb_puts(b, "</title>\n");
	sb_puts(b, "<defs>\n");
	for (i = 0; i < 3; i++)
		sb_printf(b, "<marker id=\"%s\" viewBox=\"0 0 10 10\" "
		    "refX=\"10\" refY=\"5\" markerWidth=\"14\" "
		    "markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" "
		    "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 "
		    "L0,10 z\" fill=\"%s\"/></marker>\n", heads[i][0],
		    heads[i][1]);
	sb_puts(b, "</defs>\n");
	sb_printf(b, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
	    "fill=\"#ffffff\"/>\n", w, h);
}

/* A bold name's font size that fits room pixels: 18, down to 14. */
static int
name_px(const char *name, double room)
{
	double	px = room / (0.62 * (double)(strlen(name) > 0 ?
		    strlen(name) : 1));

	return (px >= 18 ? 18 : px <= 14 ? 14 : (int)px);
}

/* A process's box in the graph: as wide as its name needs. */
static double
box_w(const char *name)
{
	double	w = 0.62 * 18 * (double)strlen(name) + 24;

	return (w < 92 ? 92 : w);
}

static double
lx(int lane)
{
	return (GUTTER + LANE_W / 2.0 + lane * LANE_W);
}

static double
ry(const struct msc_view *v, uint64_t n)
{
	if (n < v->first)
		return (TOP - 8);	/* sent before the chart begins */
	return (TOP + ROW_H / 2.0 + (double)(n - v->first) * ROW_H);
}

static int
lane_at(const struct msc_view *v, size_t row, size_t lane)
{
	const struct msc_row *r = &v->rows[row];

	return (lane < r->nlanes ? r->lanes[lane] : LS_NONE);
}

/* Each lane: runs of rows in one state, thin when up, heavy if blocked. */
static void
svg_lanes(struct sb *b, const struct msc_view *v)
{
	size_t	l, i, j;
	int	s;

	for (l = 0; l < v->nlanes; l++) {
		for (i = 0; i < v->nrows; i = j) {
			s = lane_at(v, i, l);
			for (j = i + 1; j < v->nrows && lane_at(v, j, l) == s;
			    j++)
				continue;
			if (s == LS_NONE || s == LS_GONE)
				continue;
			sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"/>\n",
			    lx((int)l), ry(v, v->first + i) - ROW_H / 2.0,
			    lx((int)l), ry(v, v->first + j - 1) + ROW_H / 2.0,
			    s == LS_UP ? "#555555" : s == LS_DEADLOCK ? BADC :
			    WAITC, s == LS_UP ? 2 : 9);
		}
	}
}

static void
svg_row(struct sb *b, const struct msc_view *v, size_t i)
{
	const struct msc_row *r = &v->rows[i];
	uint64_t	 n = v->first + i;
	double		 y = ry(v, n), x, x2, y1;
	char		*label;
	size_t		 l;

	switch (r->kind) {
	case MR_MSG:
		x = lx(r->from);
		if (r->to < 0 || r->to == r->from) {
			sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
			    "fill=\"%s\"/>\n", x, y, MSGC);
			label = msc_label(r, n, true);
			text_at(b, x + 10, y + 5, "start", 15, MSGC, false,
			    label);
			free(label);
			break;
		}
		x2 = lx(r->to) + (r->to > r->from ? -6 : 6);
		y1 = ry(v, r->send);
		sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
		    "fill=\"%s\"/>\n", x, y1, MSGC);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\" "
		    "marker-end=\"url(#head)\"/>\n", x, y1, x2, y, MSGC);
		label = msc_label(r, n, false);
		if (y1 == y)
			text_at(b, (x + x2) / 2, y - 7, "middle", 15, MSGC,
			    false, label);
		else	/* by its head: the send row has its own label */
			text_at(b, x2 + (r->to > r->from ? -14 : 14), y - 7,
			    r->to > r->from ? "end" : "start", 15, MSGC, false,
			    label);
		free(label);
		break;
	case MR_SEND:
		x = lx(r->from);
		sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
		    "fill=\"%s\"/>\n", x, y, MSGC);
		xasprintf(&label, "%s \xe2\x86\x92 %s%s%s", r->text, r->chan,
		    r->note != NULL ? " " : "", r->note != NULL ? r->note : "");
		text_at(b, x + 10, y + 5, "start", 15, MSGC, false, label);
		free(label);
		break;
	case MR_RECV:
		x = lx(r->to);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\" "
		    "stroke-dasharray=\"6 4\" marker-end=\"url(#head)\"/>\n",
		    x - 70, y, x - 6, y, MSGC);
		xasprintf(&label, "%s %s (from ?)", r->text, r->chan);
		text_at(b, x + 10, y + 5, "start", 15, MSGC, false, label);
		free(label);
		break;
	case MR_DROP:
		x = lx(r->from);
		sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
		    "fill=\"%s\"/>\n", x, y, BADC);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"/>\n", x, y,
		    x + 60, y, BADC);
		sb_printf(b, "<path d=\"M%.1f,%.1f l12,12 M%.1f,%.1f l12,-12\" "
		    "stroke=\"%s\" stroke-width=\"3\"/>\n", x + 56, y - 6,
		    x + 56, y + 6, BADC);
		xasprintf(&label, "%s %s lost%s%s", r->text, r->chan,
		    r->note != NULL ? ": " : "", r->note != NULL ? r->note : "");
		text_at(b, x + 76, y + 5, "start", 15, BADC, false, label);
		free(label);
		break;
	case MR_BLOCK:
		x = lx(r->from);
		text_at(b, x + 10, y + 5, "start", 15, WAITC, false,
		    r->note != NULL ? r->note : "blocked");
		break;
	case MR_NOTE:
		text_at(b, lx(r->from) + 10, y + 5, "start", 15, INK, false,
		    r->note != NULL ? r->note : "");
		break;
	case MR_EXIT:
		x = lx(r->from);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n", x - 14,
		    y, x + 14, y, INK);
		text_at(b, x + 18, y + 5, "start", 15, INK, false,
		    r->note != NULL ? r->note : "exit");
		break;
	case MR_DEADLOCK:
		for (l = 0; l < r->nlanes; l++) {
			if (r->lanes[l] != LS_DEADLOCK)
				continue;
			x = lx((int)l);
			sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"110\" "
			    "height=\"26\" rx=\"4\" fill=\"%s\"/>\n", x - 55,
			    y - 13, BADC);
			sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\" font-size=\"16\" "
			    "font-weight=\"bold\" fill=\"#ffffff\">DEADLOCK"
			    "</text>\n", x, y + 6);
		}
		break;
	}
}

char *
msc_svg(const struct msc_view *v, const char *title)
{
	struct sb	 b;
	double		 w, h;
	size_t		 i;
	char		 num[24];

	/* Room right of the last lane for its labels. */
	w = GUTTER + (double)(v->nlanes > 0 ? v->nlanes : 1) * LANE_W + 300;
	h = TOP + (double)v->nrows * ROW_H + 30;
	sb_init(&b);
	svg_begin(&b, w, h, title);
	text_at(&b, 16, 30, "start", 20, INK, true, title);
	for (i = 0; i < v->nlanes; i++) {
		sb_printf(&b, "<rect x=\"%.1f\" y=\"44\" width=\"%d\" "
		    "height=\"32\" rx=\"5\" fill=\"#eef2f7\" stroke=\"%s\" "
		    "stroke-width=\"1.5\"/>\n", lx((int)i) - (LANE_W - 30) / 2.0,
		    LANE_W - 30, INK);
		/* A long name in a smaller font, never under 14 px. */
		text_at(&b, lx((int)i), 66, "middle", name_px(v->lanes[i],
		    LANE_W - 40), INK, true, v->lanes[i]);
	}
	svg_lanes(&b, v);
	for (i = 0; i < v->nrows; i++) {
		(void)snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)(v->first + i));
		text_at(&b, GUTTER - 12, ry(v, v->first + i) + 5, "end", 14,
		    "#666666", false, num);
	}
	for (i = 0; i < v->nrows; i++)
		svg_row(&b, v, i);
	sb_puts(&b, "</svg>\n");
	return (sb_take(&b));
}

/*
 * The wait-for graph: the processes on a circle, an arrow from each
 * blocked one to each that could unblock it (to "nobody" when none
 * could), the deadlock's arrows and processes in red and the cycle
 * written out under the title.
 */
char *
graph_svg(const struct wfg_edge *v, size_t ne, const char *const *procs,
    const bool *blocked, size_t np, const char *caption)
{
	struct sb	 b;
	double		*px, *py, cx, cy, rad, w, h, dx, dy, d, x1, y1, x2,
			 y2;
	const char	**names;
	bool		*bad, nobody = false;
	size_t		 n, i, k, a, z;

	for (i = 0; i < ne; i++) {
		if (v[i].to == NULL)
			nobody = true;
	}
	n = np + (nobody ? 1 : 0);
	names = xcalloc(n + 1, sizeof(*names));
	bad = xcalloc(n + 1, sizeof(*bad));
	px = xcalloc(n + 1, sizeof(*px));
	py = xcalloc(n + 1, sizeof(*py));
	for (i = 0; i < np; i++)
		names[i] = procs[i];
	if (nobody)
		names[np] = "nobody";
	rad = n <= 1 ? 0 : 90 + 34.0 * (double)n;
	w = 2 * rad + 320 < 820 ? 820 : 2 * rad + 320;
	h = 2 * rad + 230;
	cx = w / 2;
	cy = 120 + rad;
	for (i = 0; i < n; i++) {
		px[i] = cx + rad * sin(2 * M_PI * (double)i / (double)n);
		py[i] = cy - rad * cos(2 * M_PI * (double)i / (double)n);
	}
	for (i = 0; i < ne; i++) {
		for (k = 0; k < np && v[i].deadlocked; k++) {
			if (strcmp(names[k], v[i].from) == 0 ||
			    (v[i].to != NULL && strcmp(names[k], v[i].to) == 0))
				bad[k] = true;
		}
	}
	sb_init(&b);
	svg_begin(&b, w, h, "wait-for graph");
	text_at(&b, 16, 30, "start", 20, INK, true, "wait-for graph");
	text_at(&b, 16, 58, "start", 17, caption[0] == 'D' ? BADC : INK,
	    caption[0] == 'D', caption);
	for (i = 0; i < ne; i++) {
		for (a = 0; a < np && strcmp(names[a], v[i].from) != 0; a++)
			continue;
		if (v[i].to == NULL)
			z = np;		/* the "nobody" box, not a process */
		else
			for (z = 0; z < np && strcmp(names[z], v[i].to) != 0;
			    z++)
				continue;
		if (a == np || z == n || (z == np && !nobody))
			continue;
		dx = px[z] - px[a];
		dy = py[z] - py[a];
		if ((d = sqrt(dx * dx + dy * dy)) < 1) {
			/* Waits for itself: a loop over its box. */
			sb_printf(&b, "<path d=\"M%.1f,%.1f c-40,-70 80,-70 "
			    "40,0\" fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"3\" marker-end=\"url(#%s)\"/>\n",
			    px[a] - 20, py[a] - 22, v[i].deadlocked ? BADC :
			    INK, v[i].deadlocked ? "headred" : "headink");
			continue;
		}
		/* Off the centre line, so that A->B and B->A both show. */
		x1 = px[a] + dx / d * 46 - dy / d * 12;
		y1 = py[a] + dy / d * 30 + dx / d * 12;
		x2 = px[z] - dx / d * 52 - dy / d * 12;
		y2 = py[z] - dy / d * 34 + dx / d * 12;
		sb_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\" "
		    "marker-end=\"url(#%s)\"/>\n", x1, y1, x2, y2,
		    v[i].deadlocked ? BADC : INK, v[i].deadlocked ? "4" : "2.5",
		    v[i].deadlocked ? "headred" : "headink");
		{
			char *label;

			xasprintf(&label, "%s %s", op_name(v[i].op),
			    v[i].chan);
			text_at(&b, (x1 + x2) / 2 - dy / d * 16 + (dy != 0 ?
			    (dy > 0 ? -1 : 1) * 30 : 0), (y1 + y2) / 2 + dx / d *
			    22 + 5, "middle", 15, v[i].deadlocked ? BADC : INK,
			    false, label);
			free(label);
		}
	}
	for (i = 0; i < n; i++) {
		bool dashed = i < np && blocked[i];

		sb_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" "
		    "height=\"40\" rx=\"6\" fill=\"%s\" stroke=\"%s\" "
		    "stroke-width=\"%s\"%s/>\n", px[i] - box_w(names[i]) / 2,
		    py[i] - 20, box_w(names[i]),
		    bad[i] ? "#fdecea" : "#eef2f7", bad[i] ? BADC : INK,
		    bad[i] ? "3.5" : "2", dashed ?
		    " stroke-dasharray=\"7 4\"" : "");
		text_at(&b, px[i], py[i] + 6, "middle", 18, bad[i] ? BADC :
		    INK, true, names[i]);
	}
	text_at(&b, 16, h - 18, "start", 14, "#444444", false,
	    "dashed box: blocked; red: deadlocked; an arrow goes from a "
	    "blocked process to one that could unblock it");
	sb_puts(&b, "</svg>\n");
	free(names);
	free(bad);
	free(px);
	free(py);
	return (sb_take(&b));
}
