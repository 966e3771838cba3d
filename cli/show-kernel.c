/*
 * How a kernel channel looks: its kind with the kernel's fill ("pipe
 * 6/65536"), its detail for chan, its JSON fields and the dashboard's
 * bar.  Every number is the kernel's own, asked of the holders (see
 * core/kchan.c); the bytes themselves never reach ipcplay, so there are
 * no contents to show.
 */

#include <sys/socket.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipcplay.h"

static const char *
kshow_type(const struct chan_info *ci)
{
	return (ci->mechanism == MECH_SOCKETPAIR ?
	    socktype_name(ci->socktype) : mechanism_name(ci->mechanism));
}

/* A region's words, "5 0 0 …", in at most len bytes. */
static void
kshow_words(char *buf, size_t len, const struct chan_info *ci,
    const char *open, const char *close)
{
	size_t	i, o = 0;
	int	k;

	buf[0] = '\0';
	for (i = 0; i < ci->nwords; i++) {
		k = snprintf(buf + o, len - o, "%s%s%" PRId64 "%s",
		    i > 0 && *open == '\0' ? " " : "", open, ci->words[i],
		    close);
		if (k < 0 || (size_t)k >= len - o - 4) {
			buf[o] = '\0';
			(void)strlcat(buf, glyph(G_ELLIPSIS), len);
			return;
		}
		o += (size_t)k;
	}
}

/* 212992 as "208K" past 9999: a cell stays narrow. */
static const char *
kshow_num(char *buf, size_t len, size_t n)
{
	if (n < 10000)
		snprintf(buf, len, "%zu", n);
	else if (n < 10000 * 1024)
		snprintf(buf, len, "%zuK", n / 1024);
	else
		snprintf(buf, len, "%zuM", n / (1024 * 1024));
	return (buf);
}

/*
 * "pipe 6/65536", "stream 5/208K" (a socket pair: both ways, against
 * one way's sndbuf); "?" when no holder could say.
 */
void
kshow_kind(char *buf, size_t len, const struct chan_info *ci)
{
	char	f[16], c[16];

	if (ci->mechanism == MECH_SHM)
		snprintf(buf, len, "shm %zu word%s", ci->nwords,
		    ci->nwords == 1 ? "" : "s");
	else if (ci->kstat_ok)
		snprintf(buf, len, "%s %s/%s", kshow_type(ci),
		    kshow_num(f, sizeof(f), ci->fill),
		    kshow_num(c, sizeof(c), ci->kcap));
	else
		snprintf(buf, len, "%s ?/%s", kshow_type(ci),
		    kshow_num(c, sizeof(c), ci->kcap));
}

/* What CONTENTS says for a kernel channel: the bytes it holds. */
void
kshow_contents(char *buf, size_t len, const struct chan_info *ci)
{
	if (ci->mechanism == MECH_SHM)
		kshow_words(buf, len, ci, "", "");
	else if (!ci->kstat_ok)
		snprintf(buf, len, "(no holder)");
	else
		snprintf(buf, len, "%zu %s%s", ci->fill,
		    ci->mechanism == MECH_MQ ? "message" : "byte",
		    ci->fill == 1 ? "" : "s");
}

static void
kshow_names(struct sb *b, const char **v, size_t n)
{
	size_t	i;

	if (n == 0)
		sb_puts(b, "-");
	for (i = 0; i < n; i++)
		sb_printf(b, "%s%s", i > 0 ? "," : "", v[i]);
}

/* The chan command's lines after "NAME: ". */
void
kshow_chan(struct sb *b, const struct chan_info *ci)
{
	size_t	i;

	if (ci->mechanism == MECH_SHM) {
		sb_printf(b, "shared memory (memfd), %zu word%s of 64 bits",
		    ci->nwords, ci->nwords == 1 ? "" : "s");
		sb_printf(b, "\n  mapped by: %s", ci->holders != NULL &&
		    *ci->holders != '\0' ? ci->holders : "nobody");
		sb_puts(b, "\n  words:    ");
		for (i = 0; i < ci->nwords; i++)
			sb_printf(b, " [%zu] %" PRId64, i, ci->words[i]);
		sb_puts(b, "\n  waiting:   ");
		kshow_names(b, ci->receivers, ci->nreceivers);
		if (ci->nreceivers > 0)
			sb_puts(b, " (futex)");
		return;
	}
	if (ci->mechanism == MECH_MQ)
		sb_printf(b, "mq (kernel), %zu messages of at most %zu bytes, "
		    "each kept whole", ci->kcap, ci->kmsgsize);
	else if (ci->mechanism == MECH_SOCKETPAIR)
		sb_printf(b, "socketpair %s (kernel), sndbuf %zu bytes, %s",
		    socktype_name(ci->socktype), ci->kcap,
		    ci->socktype == SOCK_STREAM ? "a byte stream each way" :
		    "messages keep their boundaries");
	else
		sb_printf(b, "%s (kernel), %zu bytes of buffer, a byte stream",
		    mechanism_name(ci->mechanism), ci->kcap);
	sb_printf(b, "\n  holders:   %s", ci->holders != NULL &&
	    *ci->holders != '\0' ? ci->holders : "nobody (every end is "
	    "closed)");
	sb_puts(b, "\n  buffered:  ");
	if (!ci->kstat_ok)
		sb_puts(b, "unknown: no live holder to ask");
	else if (ci->mechanism == MECH_MQ)
		sb_printf(b, "%zu of %zu messages (mq_getattr)", ci->fill,
		    ci->kcap);
	else if (ci->mechanism == MECH_SOCKETPAIR)
		sb_printf(b, "%zu bytes for the first holder to read, %zu for "
		    "the second%s", ci->kfill[0], ci->kfill[1],
		    ci->socktype == SOCK_DGRAM ? " (dgram: the next message "
		    "only)" : "");
	else
		sb_printf(b, "%zu of %zu bytes (FIONREAD)", ci->fill,
		    ci->kcap);
	sb_puts(b, "\n  senders:   ");
	kshow_names(b, ci->senders, ci->nsenders);
	sb_puts(b, "\n  receivers: ");
	kshow_names(b, ci->receivers, ci->nreceivers);
	sb_printf(b, "\n  counters:  writes %llu, bytes %llu, wakeups %llu",
	    (unsigned long long)ci->c_messages, (unsigned long long)ci->c_bytes,
	    (unsigned long long)ci->c_wakeups);
}

/* The fields a kernel channel adds to its JSON object. */
void
kshow_json(struct sb *b, const struct chan_info *ci)
{
	size_t	i;

	sb_printf(b, ",\"kind\":\"%s\"", ci->mechanism == MECH_MODELED ?
	    "modeled" : "kernel");
	if (ci->mechanism == MECH_MODELED)
		return;
	sb_printf(b, ",\"mechanism\":\"%s\"", mechanism_name(ci->mechanism));
	if (ci->mechanism == MECH_SOCKETPAIR)
		sb_printf(b, ",\"socktype\":\"%s\",\"queued\":[%zu,%zu]",
		    socktype_name(ci->socktype), ci->kfill[0], ci->kfill[1]);
	if (ci->mechanism == MECH_MQ)
		sb_printf(b, ",\"msgsize\":%zu", ci->kmsgsize);
	if (ci->mechanism == MECH_SHM) {
		sb_puts(b, ",\"words\":[");
		for (i = 0; i < ci->nwords; i++)
			sb_printf(b, "%s%" PRId64, i > 0 ? "," : "",
			    ci->words[i]);
		sb_puts(b, "]");
	}
	sb_printf(b, ",\"holders\":\"%s\",\"kstat\":%s", ci->holders != NULL ?
	    ci->holders : "", ci->kstat_ok ? "true" : "false");
}

/* Does proc hold the end a send (or a receive) needs?  "A:w B:r", "A B". */
bool
kshow_holds(const struct chan_info *ci, const char *proc, bool send)
{
	const char	*s = ci->holders, *e;
	size_t		 len = strlen(proc);

	while (s != NULL && *s != '\0') {
		e = s + strcspn(s, " ");
		if ((size_t)(e - s) >= len && strncmp(s, proc, len) == 0 &&
		    (s + len == e || (s[len] == ':' && memchr(s + len + 1,
		    send ? 'w' : 'r', (size_t)(e - s - len - 1)) != NULL)))
			return (true);
		s = *e == ' ' ? e + 1 : e;
	}
	return (false);
}

/* The dashboard's bar: fill in bytes against capacity, width columns. */
void
kshow_bar(char *buf, size_t len, int width, const struct chan_info *ci)
{
	size_t	full, i, o = 0;
	bool	utf8 = strcmp(glyph(G_HLINE), "-") != 0;

	if (ci->mechanism == MECH_SHM) {
		kshow_words(buf, len, ci, "[", "]");
		return;
	}
	if (width < 3 || len < 8) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	full = ci->kcap > 0 ? ci->fill * (size_t)width / ci->kcap : 0;
	if (ci->fill > 0 && full == 0)
		full = 1;	/* a byte is not nothing */
	if (full > (size_t)width)
		full = (size_t)width;
	buf[o++] = '[';
	for (i = 0; i < (size_t)width && o + 4 < len; i++) {
		if (i < full && utf8) {
			memcpy(buf + o, "\xe2\x96\x88", 3);	/* █ */
			o += 3;
		} else
			buf[o++] = i < full ? '#' : '.';
	}
	if (o + 2 < len)
		buf[o++] = ']';
	buf[o] = '\0';
}
