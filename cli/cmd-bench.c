/*
 * ipcplay bench (spec 9): what each mechanism costs on this machine, as
 * a table and a bar chart for a person, or JSON lines for a program.
 * core/bench.c measures; this file asks and prints.  The same options
 * work as "ipcplay bench ..." and as the playground's bench command.
 */


#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "bench.h"
#include "sb.h"

#define BENCH_RUNS	5
#define BENCH_SIZES	8
#define BROKER_COUNT	10000	/* at most, for broker-* */

struct bench_opts {
	bool		 mech[BM__COUNT];
	bool		 named;		/* the mechanisms were named */
	size_t		 sizes[BENCH_SIZES];
	size_t		 nsizes;
	size_t		 count;
	bool		 same, cross;
	bool		 json;
};

/* One (mechanism, placement, size): the median, min and max of the runs. */
struct bench_row {
	enum bench_mech	 m;
	bool		 cross;
	size_t		 k;		/* which of the sizes asked */
	size_t		 size;		/* bytes carried (an eventfd: 8) */
	size_t		 count;		/* round trips a run */
	double		 med, min, max;
	bool		 ok;
	char		*why;
};

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* "64,4096,65536": sizes in bytes. */
static int
parse_sizes(const char *s, struct bench_opts *o, char **cause)
{
	const char	*err;
	char		*copy, *rest, *tok;
	long long	 v;
	size_t		 i;

	o->nsizes = 0;
	copy = rest = xstrdup(s);
	while ((tok = strsep(&rest, ",")) != NULL) {
		v = strtonum(tok, 1, 16 * 1024 * 1024, &err);
		for (i = 0; err == NULL && i < o->nsizes; i++) {
			if (o->sizes[i] == (size_t)v)
				err = "is given twice";
		}
		if (err != NULL || o->nsizes == BENCH_SIZES) {
			xasprintf(cause, "--size: '%s' %s", tok, err != NULL ?
			    (strcmp(err, "invalid") == 0 ? "is not a number of "
			    "bytes" : err) : "is one size too many (at most 8)");
			free(copy);
			return (-1);
		}
		o->sizes[o->nsizes++] = (size_t)v;
	}
	free(copy);
	if (o->nsizes == 0) {
		xasprintf(cause, "--size needs sizes in bytes, like 64,4096");
		return (-1);
	}
	return (0);
}

/* The options, from argv (after "bench"); 0, or -1 and a cause. */
static int
bench_parse(int argc, char **argv, struct bench_opts *o, char **cause)
{
	const char	*err, *sugg;
	int		 i, m, any = 0;
	long long	 v;

	memset(o, 0, sizeof(*o));
	o->sizes[0] = 64;
	o->nsizes = 1;
	o->count = 100000;
	o->same = o->cross = true;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			o->json = true;
		else if (strcmp(argv[i], "--size") == 0 ||
		    strcmp(argv[i], "--count") == 0 ||
		    strcmp(argv[i], "--cpu") == 0) {
			if (i + 1 >= argc) {
				xasprintf(cause, "%s needs a value", argv[i]);
				return (-1);
			}
			if (argv[i][2] == 's') {
				if (parse_sizes(argv[++i], o, cause) == -1)
					return (-1);
			} else if (argv[i][2] == 'c' && argv[i][3] == 'o') {
				v = strtonum(argv[++i], 1, 100000000, &err);
				if (err != NULL) {
					xasprintf(cause, "--count '%s' %s: round "
					    "trips per run, 1 to 100000000",
					    argv[i], err);
					return (-1);
				}
				o->count = (size_t)v;
			} else {
				i++;
				o->same = strcmp(argv[i], "same") == 0 ||
				    strcmp(argv[i], "both") == 0;
				o->cross = strcmp(argv[i], "cross") == 0 ||
				    strcmp(argv[i], "both") == 0;
				if (!o->same && !o->cross) {
					xasprintf(cause, "--cpu '%s': same, "
					    "cross or both", argv[i]);
					return (-1);
				}
			}
		} else if (argv[i][0] == '-') {
			xasprintf(cause, "unknown option '%s' (--size, --count, "
			    "--cpu, --json)", argv[i]);
			return (-1);
		} else if ((m = bench_mech_parse(argv[i])) == -1) {
			sugg = NULL;
			for (m = 0; m < BM__COUNT && sugg == NULL &&
			    argv[i][0] != '\0'; m++) {
				if (strncmp(bench_mech_name(m), argv[i],
				    strlen(argv[i]) < 4 ? strlen(argv[i]) :
				    4) == 0)
					sugg = bench_mech_name(m);
			}
			xasprintf(cause, "unknown mechanism '%s'%s%s%s", argv[i],
			    sugg != NULL ? "; did you mean " : " (pipe, fifo, "
			    "socketpair-stream, socketpair-dgram, "
			    "socketpair-seqpacket, mq, eventfd, shm-futex, "
			    "shm-spin, broker-rendezvous, broker-bounded)",
			    sugg != NULL ? sugg : "", sugg != NULL ? "?" : "");
			return (-1);
		} else {
			o->mech[m] = true;
			any = 1;
		}
	}
	o->named = any;
	if (!any) {
		for (m = 0; m < BM__COUNT; m++)
			o->mech[m] = m != BM_BROKER_RDV &&
			    m != BM_BROKER_BOUNDED;
	}
	return (0);
}


static void
fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.2f us", ns / 1000);
	else
		snprintf(buf, len, "%.2f ms", ns / 1000000);
}

static void
print_json(struct ctx *ctx, const struct bench_row *r)
{
	out_raw(ctx, "{\"type\":\"bench\",\"seq\":%llu,\"mechanism\":"
	    "\"%s\",\"cpu\":"
	    "\"%s\",\"size\":%zu,\"count\":%zu,\"median_ns\":%.0f,"
	    "\"min_ns\":%.0f,\"max_ns\":%.0f,\"msgs_per_s\":%.0f,"
	    "\"copies\":%zu}\n", (unsigned long long)engine_next_seq(ctx->e),
	    bench_mech_name(r->m), r->cross ? "cross" :
	    "same", r->m == BM_EVENTFD ? (size_t)8 : r->size, r->count, r->med,
	    r->min, r->max, r->med > 0 ? 1e9 / r->med * 2 : 0,
	    bench_copies(r->m, r->size));
}

/* The table, then a bar per row, the longest round trip the widest. */
static void
print_human(struct ctx *ctx, const struct bench_row *rows, size_t n,
    const struct bench_opts *o)
{
	char		 med[16], lo[16], hi[16], cell[64];
	struct sb	 b;
	double		 top = 0;
	size_t		 i, k, width, bar;
	int		 w = (int)term_columns(stdout, 80);

	for (k = 0; k < o->nsizes; k++) {
		out_printf(ctx, "%s%zu-byte messages, %zu round trips a run, "
		    "median of %d runs (min-max):\n", k > 0 ? "\n" : "",
		    o->sizes[k], o->count, BENCH_RUNS);
		out_printf(ctx, "%-20s %-5s %-26s %10s %7s\n", "MECHANISM",
		    "CPU", "ROUND TRIP", "MSGS/S", "COPIES");
		top = 0;
		for (i = 0; i < n; i++) {
			if (rows[i].k == k && rows[i].ok &&
			    rows[i].med > top)
				top = rows[i].med;
		}
		for (i = 0; i < n; i++) {
			if (rows[i].k != k)
				continue;
			if (!rows[i].ok) {
				out_printf(ctx, "%-20s %-5s %s\n",
				    bench_mech_name(rows[i].m),
				    rows[i].cross ? "cross" : "same",
				    rows[i].why);
				continue;
			}
			fmt_ns(med, sizeof(med), rows[i].med);
			fmt_ns(lo, sizeof(lo), rows[i].min);
			fmt_ns(hi, sizeof(hi), rows[i].max);
			snprintf(cell, sizeof(cell), "%s (%s-%s)", med, lo, hi);
			out_printf(ctx, "%-20s %-5s %-26s %10.0f %7zu\n",
			    bench_mech_name(rows[i].m), rows[i].cross ?
			    "cross" : "same", cell, 2e9 / rows[i].med,
			    bench_copies(rows[i].m, rows[i].size));
		}
		for (i = 0; i < n; i++) {
			if (rows[i].k == k && rows[i].ok &&
			    rows[i].count != o->count) {
				out_printf(ctx, "(%s: %zu round trips a run)\n",
				    bench_mech_name(rows[i].m), rows[i].count);
				break;
			}
		}
		/* The chart: the bars share what the row leaves. */
		width = w > 50 ? (size_t)w - 40 : 8;
		out_printf(ctx, "\n");
		for (i = 0; i < n; i++) {
			if (rows[i].k != k || !rows[i].ok)
				continue;
			bar = top > 0 ? (size_t)(rows[i].med / top *
			    (double)width + 0.5) : 0;
			sb_init(&b);
			while (bar-- > 0)
				sb_puts(&b, glyph(G_BLOCK));
			fmt_ns(med, sizeof(med), rows[i].med);
			out_printf(ctx, "%-20s %-5s %s %s\n",
			    bench_mech_name(rows[i].m), rows[i].cross ?
			    "cross" : "same", b.s != NULL ? b.s : "", med);
			sb_free(&b);
		}
	}
}

/*
 * With several sizes, one more table: a column per size, so copying
 * costs growing with the size (and shared memory staying flat) show.
 */
static void
print_by_size(struct ctx *ctx, const struct bench_row *rows, size_t n,
    const struct bench_opts *o)
{
	struct sb	b;
	char		cell[24], med[16];
	size_t		i, j, k;

	sb_init(&b);
	sb_printf(&b, "\nround trip by message size:\n%-20s %-5s", "MECHANISM",
	    "CPU");
	for (k = 0; k < o->nsizes; k++) {
		snprintf(cell, sizeof(cell), "%zu B", o->sizes[k]);
		sb_printf(&b, " %10s", cell);
	}
	out_printf(ctx, "%s\n", b.s);
	sb_free(&b);
	/* The rows of the first size name the (mechanism, placement)s. */
	for (i = 0; i < n; i++) {
		if (rows[i].k != 0)
			continue;
		sb_init(&b);
		sb_printf(&b, "%-20s %-5s", bench_mech_name(rows[i].m),
		    rows[i].cross ? "cross" : "same");
		for (k = 0; k < o->nsizes; k++) {
			/* An eventfd's one row stands for every size. */
			for (j = 0; j < n; j++) {
				if (rows[j].m == rows[i].m && rows[j].cross ==
				    rows[i].cross && (rows[j].k == k ||
				    rows[j].m == BM_EVENTFD))
					break;
			}
			if (j < n && rows[j].ok)
				fmt_ns(med, sizeof(med), rows[j].med);
			else
				snprintf(med, sizeof(med), "-");
			sb_printf(&b, " %10s", med);
		}
		out_printf(ctx, "%s\n", b.s);
		sb_free(&b);
	}
}

/* A word for the person, on stderr, or in the dashboard's log. */
static void
bench_say(struct ctx *ctx, const char *what)
{
	if (ctx->print_hook != NULL)
		out_printf(ctx, "note: %s\n", what);
	else
		warnx("bench: %s", what);
}

/*
 * Stop?  In the dashboard, keys are read in its tick (Ctrl-C among them):
 * call it now and then, as a long repeat does.
 */
static struct ctx	*bench_ctx;

static bool
bench_stop(void)
{
	static unsigned	n;

	if (bench_ctx != NULL && bench_ctx->tick != NULL && ++n % 64 == 0)
		bench_ctx->tick(bench_ctx);
	return (ui_stopping());
}

/* One row: five runs, their median, min and max, or why there is none. */
static void
bench_row(struct bench_row *row, size_t count, int ca, int cb)
{
	double	runs[BENCH_RUNS];
	size_t	r;
	bool	broker;

	broker = row->m == BM_BROKER_RDV || row->m == BM_BROKER_BOUNDED;
	/* The broker is some ten times slower: fewer round trips. */
	row->count = broker && count > BROKER_COUNT ? BROKER_COUNT : count;
	for (r = 0; r < BENCH_RUNS && !ui_stopping(); r++) {
		if (broker ? bench_broker(row->m, row->size, row->count, ca,
		    row->cross ? cb : ca, &runs[r], &row->why) == -1 :
		    bench_run(row->m, row->size, count, ca, row->cross ? cb :
		    ca, &runs[r], bench_stop, &row->why) == -1)
			return;
	}
	if (r < BENCH_RUNS) {
		xasprintf(&row->why, "%s: interrupted", bench_mech_name(row->m));
		return;
	}
	qsort(runs, BENCH_RUNS, sizeof(runs[0]), cmp_double);
	row->ok = true;
	row->med = runs[BENCH_RUNS / 2];
	row->min = runs[0];
	row->max = runs[BENCH_RUNS - 1];
}

/*
 * Measure every (mechanism, placement, size) asked; 0, 1 when a run
 * failed, or 2 for a usage error (its cause).  A size that a mechanism
 * named on the command line cannot carry is a usage error; in the default
 * list its rows just say why.  An eventfd carries 8 bytes whatever the
 * size: it is measured once.  Progress on stderr when it is a terminal.
 */
int
bench_main(struct ctx *ctx, int argc, char **argv, char **cause)
{
	struct bench_opts	 o;
	struct bench_row	*rows, *row;
	size_t			 nrows = 0, i, k, total;
	int			 ca, cb, ncpu, m, pl, status = 0;
	char			*why = NULL;
	bool			 tty = isatty(STDERR_FILENO) &&
				    ctx->print_hook == NULL;

	if (bench_parse(argc, argv, &o, cause) == -1)
		return (2);
	bench_ctx = ctx;
	for (m = 0; o.named && m < BM__COUNT; m++) {
		for (k = 0; o.mech[m] && k < o.nsizes; k++) {
			if (bench_check(m, o.sizes[k], cause) == -1)
				return (2);
		}
	}
	ncpu = bench_cpus(&ca, &cb);
	if (o.cross && ncpu < 2) {
		bench_say(ctx, "--cpu cross is not available: this process "
		    "may run on one CPU only");
		o.cross = false;
		if (!o.same)
			return (0);
	}
	rows = xcalloc(BM__COUNT * 2 * o.nsizes + 1, sizeof(*rows));
	total = 0;
	for (m = 0; m < BM__COUNT; m++)
		total += !o.mech[m] ? 0 : (m == BM_EVENTFD ? 1 : o.nsizes) *
		    ((o.same ? 1 : 0) + (o.cross ? 1 : 0));
	for (k = 0; k < o.nsizes && !ui_stopping(); k++) {
		for (m = 0; m < BM__COUNT; m++) {
			if (!o.mech[m] || (m == BM_EVENTFD && k > 0))
				continue;
			for (pl = 0; pl < 2; pl++) {
				if ((pl == 0 && !o.same) || (pl == 1 &&
				    !o.cross))
					continue;
				row = &rows[nrows++];
				row->m = m;
				row->cross = pl == 1;
				row->k = k;
				row->size = m == BM_EVENTFD ? 8 : o.sizes[k];
				if (bench_check(m, o.sizes[k], &why) == -1) {
					row->why = why;	/* default list */
					why = NULL;
					continue;
				}
				if (tty)
					fprintf(stderr, "\rbench: %zu of %zu: %s "
					    "%s %zu bytes...\033[K", nrows,
					    total, bench_mech_name(m), pl == 1 ?
					    "cross" : "same", row->size);
				bench_row(row, o.count, ca, cb);
				if (!row->ok)
					status = 1;
				if (o.json && row->ok)
					print_json(ctx, row);
				else if (o.json)
					out_raw(ctx, "{\"type\":\"error\","
					    "\"seq\":%llu,\"mechanism\":\"%s\","
					    "\"cpu\":\"%s\",\"size\":%zu,"
					    "\"error\":\"%s\"}\n",
					    (unsigned long long)
					    engine_next_seq(ctx->e),
					    bench_mech_name(m),
					    row->cross ? "cross" : "same",
					    row->size, row->why);
			}
		}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (!o.json)
		print_human(ctx, rows, nrows, &o);
	if (!o.json && o.nsizes > 1)
		print_by_size(ctx, rows, nrows, &o);
	for (i = 0; i < nrows; i++)
		free(rows[i].why);
	free(rows);
	return (status);
}

/* The playground's bench command: the same, inside a session. */
static enum cmd_result
cmd_bench_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	char		**argv, *cause = NULL;
	size_t		  i;
	int		  r;

	argv = xcalloc(n + 1, sizeof(*argv));
	for (i = 1; i < n; i++)
		argv[i - 1] = w[i].s;
	if (ctx->json && n >= 1) {
		argv[n - 1] = "--json";
		r = bench_main(ctx, (int)n, argv, &cause);
	} else
		r = bench_main(ctx, (int)n - 1, argv, &cause);
	free(argv);
	/* broker-* made and freed engines of their own: SIGCHLD is ours. */
	engine_rearm(ctx->e);
	if (r == 2) {
		cmd_fail(ctx, &w[0], "bench: %s", cause);
		free(cause);
		return (CMD_FAIL);
	}
	/* 1: a run failed or was stopped; its row says why. */
	return (r == 0 ? CMD_OK : CMD_FAIL);
}

static const char *const cpu_words[] = { "same", "cross", "both", NULL };
/* Their values are bench_parse's to read, as for "ipcplay bench". */
static const struct cmd_opt bench_opts[] = {
	{ "--size", A_TEXT, "BYTES[,BYTES...]", 0, 0, NULL, NULL, NULL },
	{ "--count", A_NUMBER, "N", 1, 100000000, "--count", NULL, NULL },
	{ "--cpu", A_WORD, "same|cross|both", 0, 0, NULL, cpu_words, NULL },
	OPT_FLAG("--json"),
	OPT_END
};
static const char *const bench_words[] = { "pipe", "fifo",
    "socketpair-stream", "socketpair-dgram", "socketpair-seqpacket", "mq",
    "eventfd", "shm-futex", "shm-spin", "broker-rendezvous",
    "broker-bounded", NULL };

const struct cmd_entry cmd_bench_entry = {
	.name = "bench",
	.help = "Measure what each mechanism costs on this machine: two "
	    "processes ping-pong messages over it, pinned to one CPU (same) "
	    "and to two (cross), median of 5 runs.  MECH: pipe fifo "
	    "socketpair-stream socketpair-dgram socketpair-seqpacket mq "
	    "eventfd shm-futex shm-spin (default: all).",
	.example = "bench pipe shm-futex --count 10000",
	.min_args = 0, .max_args = -1,
	.args = { A_WORD }, .rest = true, .words = bench_words,
	.meta = { "MECH" },
	.opts = bench_opts,
	.exec = cmd_bench_exec,
};
