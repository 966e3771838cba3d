/*
 * libFuzzer target: one input is one script, run the way "ipcplay FILE"
 * runs it (batch_stream, one line after another, then batch_finish) in a
 * fresh playground of real processes.  The playground is made smaller
 * and quicker than a user's (8 processes, repeats of at most 20, sleeps
 * of at most 2 ms) so that the fuzzer runs thousands of scripts a minute;
 * the code paths are the same.  The transcript goes to /dev/null, and
 * errors to stderr, which "make fuzz" closes (-close_fd_mask).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct engine_config	 cf;
	struct ctx		 ctx;
	FILE			*f;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size == 0)
		return (0);
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		abort();
	memset(&cf, 0, sizeof(cf));
	cf.proc_max = 8;
	cf.sleep_max_ms = 2;
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = devnull;
	ctx.repeat_max = 20;
	ctx.no_files = true;	/* record FILE, graph --dot FILE */
	ctx.e = engine_new(&cf);
	out_init(&ctx);
	(void)batch_stream(&ctx, f, "fuzz");
	(void)batch_finish(&ctx);
	fclose(f);
	ctx_end(&ctx);
	fflush(devnull);
	clearerr(devnull);
	return (0);
}
