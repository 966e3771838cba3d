/*
 * libFuzzer target: one input is what a student's client sends the
 * classroom, after "join ann -": its bytes go through the server's own
 * line handling (seat_bytes: line limits, UTF-8, the rate, the student's
 * whitelist, running the command as ann) in a fresh playground of real
 * processes with one seat, whose replies are read and thrown away.  The
 * input is fed in pieces of at most 1 KiB, as recv gives them.
 */

#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
drain(int fd)
{
	char	buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	static const char	 join[] = "join ann -\n";
	struct engine_config	 cf;
	struct ctx		 ctx;
	struct serve		 s;
	struct seat		*st;
	size_t			 off, k;
	int			 sv[2];

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	memset(&cf, 0, sizeof(cf));
	cf.proc_max = 8;
	cf.sleep_max_ms = 2;
	memset(&ctx, 0, sizeof(ctx));
	memset(&s, 0, sizeof(s));
	s.lfd = -1;
	memset(s.code, 'a', 32);
	TAILQ_INIT(&s.seats);
	seat_hooks(&s);
	st = xcalloc(1, sizeof(*st));
	st->fd = sv[0];
	sb_init(&st->partial);
	TAILQ_INSERT_TAIL(&s.seats, st, entry);
	s.nconn = s.nwaiting = 1;
	ctx.out = devnull;
	ctx.repeat_max = 20;
	ctx.e = engine_new(&cf);
	ctx.serve = &s;
	out_init(&ctx);
	engine_observe(ctx.e, seat_observe, &ctx);
	seat_bytes(&ctx, st, join, sizeof(join) - 1);
	for (off = 0; off < size && st->gone == NULL; off += k) {
		k = size - off > 1024 ? 1024 : size - off;
		seat_bytes(&ctx, st, (const char *)data + off, k);
		drain(sv[1]);
	}
	ctx.serve = NULL;
	seat_forget(st);
	free(st->out);
	free(st->gone);
	free(st);
	close(sv[0]);
	close(sv[1]);
	ctx_end(&ctx);
	fflush(devnull);
	clearerr(devnull);
	return (0);
}
