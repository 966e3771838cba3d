/*
 * explore's report (SPEC section 11): the schedule found, retraced in a
 * model that keeps its chart and what the engine said, as a numbered
 * list, the DEADLOCK line or the error, a message sequence chart, or one
 * JSON object; and what it covered when it found nothing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "msc.h"
#include "prog.h"
#include "sb.h"

static const char *const result_names[] = {
	[X_NONE] = "none", [X_DEADLOCK] = "deadlock", [X_EXPECT] = "expect",
	[X_ERROR] = "error", [X_UNMODELED] = "error",
};

/* What the last step said, for the report: DEADLOCK or the error. */

static struct said	*said_now;

static void
said_hook(struct ctx *c, enum out_kind k, const char *s)
{
	(void)c;
	if (said_now == NULL)
		return;
	if ((k == OUT_ERROR && strncmp(s, "expect ", 7) != 0) ||
	    strncmp(s, "DEADLOCK", 8) == 0 || strstr(s, "FAILED") != NULL) {
		said_now->lines = xreallocarray(said_now->lines,
		    said_now->n + 1, sizeof(*said_now->lines));
		said_now->lines[said_now->n++] = xstrdup(s);
	}
}

/*
 * The schedule again, from the start, in a model that keeps its chart and
 * what it says: the steps as replay reads them, the JSON entries, the
 * chart's lines.
 */
void
retrace(struct ctx *ctx, struct ctx *root, const uint32_t *path, size_t n,
    char ***steps, char ***shown, struct sb *json, struct said *said,
    char ***chart, size_t *nchart)
{
	struct ctx		*c;
	struct runner		*ru;
	const struct ins	*in;
	struct proc_info	 pi;
	struct chan_info	 ci;
	struct event		 ev;
	struct msc_view		 v;
	char			*cause;
	size_t			 i, at;

	*steps = xcalloc(n + 1, sizeof(**steps));
	*shown = xcalloc(n + 1, sizeof(**shown));
	*chart = NULL;
	*nchart = 0;
	/* From the start the search had: the real playground may hold what
	   its model left out. */
	if ((c = sim_new(root, false, &cause)) == NULL) {
		free(cause);	/* cannot be: root is a model */
		for (i = 0; i < n; i++) {
			(*steps)[i] = xstrdup("");
			(*shown)[i] = xstrdup("");
		}
		return;
	}
	/* The chart's lanes in spawn order, its channels by kind. */
	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_SPAWN;
		ev.proc = pi.name;
		msc_event(c, &ev);
	}
	for (i = 0; engine_chan_info(ctx->e, i, &ci); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_CHANNEL;
		ev.chan = ci.name;
		ev.buffering = ci.buffering;
		ev.format = ci.format;
		ev.mechanism = MECH_MODELED;
		msc_event(c, &ev);
		chan_info_free(&ci);
	}
	c->print_hook = said_hook;
	said_now = said;
	for (i = 0; i < n; i++) {
		ru = &c->play->run[path[i]];
		in = runner_next(ru, &at);
		xasprintf(&(*steps)[i], "%s %s:%zu %s", ru->name,
		    ru->prog->name, in != NULL ? at + 1 : 0, in != NULL ?
		    in->text : "");
		xasprintf(&(*shown)[i], "%5zu  %-8s %-30s (%s line %zu)",
		    i + 1, ru->name, in != NULL ? in->text : "",
		    ru->prog->name, in != NULL ? at + 1 : 0);
		sb_printf(json, "%s{\"step\":%zu,\"proc\":\"%s\",\"program\":"
		    "\"%s\",\"line\":%zu", i > 0 ? "," : "", i + 1, ru->name,
		    ru->prog->name, in != NULL ? at + 1 : 0);
		if (in != NULL && in->n > 0) {
			json_kv(json, "op", in->kind == INS_OP ? in->w[0].s :
			    in->kind == INS_SLEEP ? "sleep" : "expect");
			if (in->kind == INS_OP && in->n > 1 &&
			    in->w[1].s[0] != '-')
				json_kv(json, "chan", in->w[1].s);
		}
		sb_puts(json, "}");
		(void)step(c, path[i]);
	}
	said_now = NULL;
	if (msc_view(c, 0, &v))
		*chart = msc_lines(&v, term_columns(stdout, 80), nchart);
	sim_free(c);
}

/* "1 state", "2,136 states": a count as a person reads it. */
static void
count(struct sb *b, uint64_t n, const char *one, const char *many)
{
	char	buf[32], out[48];
	size_t	len, i, o = 0;

	(void)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	len = strlen(buf);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = buf[i];
	}
	out[o] = '\0';
	sb_printf(b, "%s %s", out, n == 1 ? one : many);
}

void
report(struct ctx *ctx, struct search *s, struct sb *json_sched,
    char **steps, size_t n, struct said *said, char **chart, size_t nchart,
    uint64_t ms)
{
	struct sb	 b, c;
	size_t		 i;

	if (ctx->json) {
		json_begin(ctx, &b, "explore");
		sb_printf(&b, ",\"result\":\"%s\",\"states\":%zu,\"tried\":%llu,"
		    "\"ms\":%llu", s->result != X_NONE ?
		    result_names[s->result] : s->cut_states || s->cut_depth ||
		    s->cut_mem || s->interrupted ? "bounded" : "none", s->states,
		    (unsigned long long)s->tried, (unsigned long long)ms);
		sb_printf(&b, ",\"reduced\":%s,\"schedule\":[%s]",
		    s->full ? "false" : "true", json_sched->s);
		json_names(&b, "said", (const char *const *)said->lines,
		    said->n);
		json_end(ctx, &b);
		return;
	}
	/* "(2,136 states, 4,021 steps tried, 36 ms)" */
	sb_init(&c);
	sb_puts(&c, "(");
	count(&c, s->states, "state", "states");
	sb_puts(&c, ", ");
	count(&c, s->tried, "step tried", "steps tried");
	sb_printf(&c, ", %llu ms)", (unsigned long long)ms);
	if (s->result != X_NONE) {
		out_line(ctx, "explore: %s after %zu step%s %s; the schedule:",
		    s->result == X_DEADLOCK ? "a deadlock" : s->result ==
		    X_EXPECT ? "a failed expect" : "an error", n, n == 1 ?
		    "" : "s", c.s);
		for (i = 0; i < n; i++)
			out_line(ctx, "%s", steps[i]);
		for (i = 0; i < said->n; i++)
			out_line(ctx, "%s", said->lines[i]);
		for (i = 0; i < nchart; i++)
			out_line(ctx, "%s", chart[i]);
		out_line(ctx, "replay drives the real processes through it");
	} else if (s->interrupted)
		out_line(ctx, "explore: interrupted %s: nothing found so far, "
		    "but the search did not finish", c.s);
	else if (s->cut_mem)
		out_line(ctx, "explore: stopped when what it keeps reached %zu "
		    "MB %s: no deadlock in the states searched, but there are "
		    "more (a smaller --max-states or --depth ends sooner)",
		    MEM_BUDGET >> 20, c.s);
	else if (s->cut_states)
		out_line(ctx, "explore: stopped at --max-states %lld%s %s: no "
		    "deadlock in the states searched, but there are more",
		    s->max_states, s->states_given ? "" : " (the default)",
		    c.s);
	else if (s->cut_depth)
		out_line(ctx, "explore: no deadlock within --depth %lld %s; "
		    "longer schedules were not searched", s->max_depth, c.s);
	else {
		sb_init(&b);
		count(&b, s->states, "state", "states");
		sb_puts(&b, " (");
		count(&b, s->tried, "step tried", "steps tried");
		sb_printf(&b, ", %llu ms)", (unsigned long long)ms);
		out_line(ctx, "explore: no deadlock in all %s", b.s);
		sb_free(&b);
	}
	sb_free(&c);
}

/*
 * A deadlock there already: nothing to search for, and the report says
 * so (0 steps), as deadlock would.
 */
bool
already_deadlocked(struct ctx *ctx, const struct word *w)
{
	struct deadlock	*dl;
	struct sb	 b;
	size_t		 n;

	if ((n = engine_deadlocks(ctx->e, &dl)) == 0)
		return (false);
	sb_init(&b);
	deadlock_procs(&b, &dl[0]);
	if (ctx->json) {
		struct sb	 j;
		const char	*said = b.s;

		json_begin(ctx, &j, "explore");
		sb_puts(&j, ",\"result\":\"deadlock\",\"states\":1,"
		    "\"tried\":0,\"ms\":0,\"reduced\":true,\"schedule\":[]");
		json_names(&j, "said", &said, 1);
		json_end(ctx, &j);
	} else
		out_line(ctx, "explore: deadlocked already, after 0 steps: %s "
		    "(deadlock says more)", b.s);
	sb_free(&b);
	deadlocks_free(dl, n);
	(void)w;
	return (true);
}

