/*
 * ipcplay bench broker-rendezvous and broker-bounded: what ipcplay's own
 * broker costs.  A private playground (an engine of its own, no output)
 * spawns A and B, connects them with two modeled channels (rendezvous, or
 * bounded 1) and gives them a ping-pong program; a free run of 4 * COUNT
 * steps (each round trip is A's send and receive and B's) is timed after
 * a warm-up.  The agents are pinned as the two ends of a kernel bench
 * are, and the broker with A: the same CPU for all three, or A and the
 * broker on one and B on the other.
 */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcplay.h"
#include "bench.h"
#include "prog.h"

static double
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

int
bench_broker(int m, size_t size, size_t count, int ca, int cb,
    double *rt_ns, char **cause)
{
	struct engine_config	 cf;
	struct ctx		 ctx;
	struct proc_info	 pa, pb;
	cpu_set_t		 saved;
	FILE			*devnull;
	char			*script, *run;
	size_t			 warm;
	double			 t0;
	int			 r = -1;

	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		xasprintf(cause, "/dev/null: cannot open");
		return (-1);
	}
	memset(&cf, 0, sizeof(cf));
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = devnull;
	ctx.file = "bench";
	ctx.e = engine_new(&cf);
	/*
	 * No transcript: nobody reads it, and making it would be timed
	 * with the broker.  Errors still go to standard error.
	 */
	xasprintf(&script, "spawn A B; channel c1 %s; channel c2 %s\n"
	    "program ping { loop; send c1 x --size %zu; recv c2; end }\n"
	    "program pong { loop; recv c1; send c2 y --size %zu; end }\n"
	    "A run ping; B run pong\n", m == BM_BROKER_RDV ? "rendezvous" :
	    "bounded 1", m == BM_BROKER_RDV ? "rendezvous" : "bounded 1", size,
	    size);
	if (sched_getaffinity(0, sizeof(saved), &saved) == -1) {
		xasprintf(cause, "%s: sched_getaffinity failed",
		    bench_mech_name(m));
		free(script);
		ctx_end(&ctx);
		fclose(devnull);
		return (-1);
	}
	if (batch_string(&ctx, script) != 0 || ctx.fail_pending ||
	    !engine_proc_peek(ctx.e, "A", &pa) ||
	    !engine_proc_peek(ctx.e, "B", &pb)) {
		xasprintf(cause, "%s: the playground could not be set up",
		    bench_mech_name(m));
		goto out;
	}
	if (bench_pin(0, ca) == -1 || bench_pin(pa.pid, ca) == -1 ||
	    bench_pin(pb.pid, cb) == -1) {
		xasprintf(cause, "%s: sched_setaffinity failed",
		    bench_mech_name(m));
		goto out;
	}
	warm = count / 10 < 10 ? 10 : count / 10 > 1000 ? 1000 : count / 10;
	xasprintf(&run, "run --steps %zu", 4 * warm);
	(void)run_line(&ctx, run);
	free(run);
	xasprintf(&run, "run --steps %zu", 4 * count);
	t0 = now_ns();
	(void)run_line(&ctx, run);
	*rt_ns = (now_ns() - t0) / (double)count;
	free(run);
	if (ctx.status != 0 || ui_stopping()) {
		xasprintf(cause, "%s: %s", bench_mech_name(m), ui_stopping() ?
		    "interrupted" : "the run stopped short");
		goto out;
	}
	r = 0;
out:
	(void)sched_setaffinity(0, sizeof(saved), &saved);
	free(script);
	ctx_end(&ctx);
	fclose(devnull);
	return (r);
}
