/*
 * A playground's context, ended: what main, the fuzzer, compare, explore
 * and the broker bench each make and end the same way.
 */

#include <stdio.h>
#include <stdlib.h>

#include "ipcplay.h"
#include "msc.h"
#include "prog.h"
#include "sb.h"

/*
 * The end of a playground: the last line of text out, the engine (and so
 * every process) gone, and everything the printers kept freed.  main and
 * the fuzzer end the same way.
 */
void
ctx_end(struct ctx *ctx)
{
	if (ctx->text.len > 0)
		out_printf(ctx, "\n");
	sb_free(&ctx->text);
	play_free(ctx);
	free(ctx->last_error);
	ctx->last_error = NULL;
	engine_free(ctx->e);
	ctx->e = NULL;
	trace_free(ctx);
	msc_free(ctx);
	out_recent_clear(ctx);
	lines_clear(&ctx->attempt);
}
