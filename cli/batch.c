/*
 * Batch mode: script files, -c strings and standard input all go through
 * one reader, line by line, into run_line().  Errors name the source as
 * FILE (the path, "-c" or "stdin") and the line.
 */

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "prog.h"

int
batch_stream(struct ctx *ctx, FILE *f, const char *name)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 r = 0;

	ctx->file = name;
	ctx->line = 0;
	while (r == 0 && (len = getline(&line, &cap, f)) != -1) {
		ctx->line++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		r = run_line_len(ctx, line, (size_t)len);
	}
	free(line);
	/* A file's definitions end in it. */
	if (r == 0)
		prog_eof(ctx);
	/* A script that cannot be read is an error, not an empty script. */
	if (r == 0 && ferror(f)) {
		warnx("%s: %s", name,
		    strerror(errno));
		ctx->read_error = true;
		r = -1;
	}
	return (r);
}

int
batch_file(struct ctx *ctx, const char *path)
{
	FILE	*f;
	int	 r;

	if (strcmp(path, "-") == 0)
		return (batch_stream(ctx, stdin, "stdin"));
	if ((f = fopen(path, "r")) == NULL) {
		warnx("%s: %s", path,
		    strerror(errno));
		ctx->read_error = true;
		return (-1);
	}
	r = batch_stream(ctx, f, path);
	fclose(f);
	return (r);
}

/* -c: commands separated by ';' or newlines; line numbers count from 1. */
int
batch_string(struct ctx *ctx, const char *s)
{
	FILE	*f;
	int	 r;

	if ((f = fmemopen((void *)(uintptr_t)s, strlen(s), "r")) == NULL) {
		ctx->file = "-c";
		ctx->line = 1;
		return (run_line(ctx, s));
	}
	r = batch_stream(ctx, f, "-c");
	fclose(f);
	return (r);
}

/* The end of the input: a failure nothing absorbed now counts. */
int
batch_finish(struct ctx *ctx)
{
	if (ctx->fail_pending) {
		ctx->fail_pending = false;
		cmd_failure(ctx, CMD_FAIL);
	}
	return (ctx->status);
}
