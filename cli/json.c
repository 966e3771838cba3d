/*
 * The JSON writer: each event as one JSON object (spec section 5; the
 * type and field names are a contract: fields may be added, never
 * renamed), and the string encoding every printer of JSON uses.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcplay.h"
#include "sb.h"

static void
json_msg(struct sb *b, const struct event *ev)
{
	char	*s;

	if (!ev->has_msg)
		return;
	s = json_str(ev->msg, ev->len);
	sb_printf(b, ",\"msg\":%s", s);
	free(s);
}

/* ,"key":["a","b"] */
void
json_names(struct sb *b, const char *key, const char *const *v, size_t n)
{
	size_t	i;
	char	*s;

	sb_printf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		s = json_str((const unsigned char *)v[i], strlen(v[i]));
		sb_printf(b, "%s%s", i > 0 ? "," : "", s);
		free(s);
	}
	sb_puts(b, "]");
}

/* ,"key":"val" (null for NULL) */
void
json_kv(struct sb *b, const char *key, const char *val)
{
	char	*s;

	if (val == NULL) {
		sb_printf(b, ",\"%s\":null", key);
		return;
	}
	s = json_str((const unsigned char *)val, strlen(val));
	sb_printf(b, ",\"%s\":%s", key, s);
	free(s);
}

static void
json_op(struct sb *b, const struct event *ev)
{
	json_kv(b, "proc", ev->proc);
	if (ev->type == EV_UNBLOCK)
		json_kv(b, "op", op_name(ev->op));
	json_kv(b, "chan", ev->chan);
	if (ev->nchans > 0 && (ev->type != EV_POLL &&
	    !(ev->type == EV_UNBLOCK && ev->op == OP_POLL)))
		json_names(b, "chans", ev->chans, ev->nchans);
	if (ev->type == EV_POLL || (ev->type == EV_UNBLOCK &&
	    ev->op == OP_POLL)) {
		json_names(b, "chans", ev->chans, ev->nchans);
		json_names(b, "ready", ev->ready, ev->nready);
		if (ev->nhup > 0)
			json_names(b, "hangup", ev->hup, ev->nhup);
	} else {
		json_msg(b, ev);
		sb_printf(b, ",\"size\":%zu,\"fill\":%zu", ev->size, ev->fill);
		if (ev->capacity < 0)
			sb_puts(b, ",\"capacity\":null");
		else
			sb_printf(b, ",\"capacity\":%ld", ev->capacity);
	}
	json_kv(b, "status", status_name(ev->status));
	if (ev->status == ST_ERROR)
		json_kv(b, "error", ev->error);
	if (ev->status == ST_ERROR && ev->text != NULL)
		json_kv(b, "detail", ev->text);
	if (ev->reason != NULL)
		json_kv(b, "reason", ev->reason);
	if (ev->peer != NULL)
		json_kv(b, ev->type == EV_CALL || ev->type == EV_REPLY ? "to" :
		    "from", ev->peer);
	if (ev->forward != NULL)
		json_kv(b, "to", ev->forward);
	if (ev->call)
		sb_puts(b, ",\"call\":true");
	if (ev->truncated)
		sb_puts(b, ",\"truncated\":true");
	if (ev->version > 0)
		sb_printf(b, ",\"version\":%llu,\"missed\":%llu",
		    (unsigned long long)ev->version,
		    (unsigned long long)ev->missed);
	if (ev->status == ST_TIMEOUT || (ev->status == ST_BLOCKED &&
	    ev->timeout_ms >= 0))
		sb_printf(b, ",\"timeout\":%d", ev->timeout_ms);
}

char *
event_json(const struct event *ev)
{
	struct sb	 b;
	char		 sbuf[32], fbuf[32];
	size_t		 i;
	const struct deadlock *d;

	sb_init(&b);
	sb_printf(&b, "{\"type\":\"%s\",\"seq\":%llu", event_name(ev->type),
	    (unsigned long long)ev->seq);
	switch (ev->type) {
	case EV_SPAWN:
		json_kv(&b, "proc", ev->proc);
		sb_printf(&b, ",\"pid\":%ld", (long)ev->pid);
		break;
	case EV_CHANNEL:
		json_kv(&b, "chan", ev->chan);
		json_kv(&b, "kind", ev->mechanism == MECH_MODELED ? "modeled" :
		    "kernel");
		if (ev->mechanism == MECH_SHM) {
			json_kv(&b, "mechanism", "shm");
			sb_printf(&b, ",\"words\":%ld", ev->capacity);
			json_kv(&b, "holders", ev->holders != NULL ?
			    ev->holders : "");
			break;
		}
		if (ev->mechanism != MECH_MODELED) {
			json_kv(&b, "mechanism", mechanism_name(ev->mechanism));
			if (ev->mechanism == MECH_SOCKETPAIR)
				json_kv(&b, "socktype",
				    socktype_name(ev->socktype));
			json_kv(&b, "buffering", "kernel");
			sb_printf(&b, ",\"capacity\":%ld", ev->capacity);
			json_kv(&b, "format", ev->format == FMT_DATAGRAM ?
			    "datagram" : "stream");
			json_kv(&b, "delivery", "fifo");
			json_kv(&b, "holders", ev->holders != NULL ?
			    ev->holders : "");
			break;
		}
		json_kv(&b, "buffering", buffering_name(ev->buffering));
		if (ev->capacity < 0)
			sb_puts(&b, ",\"capacity\":null");
		else
			sb_printf(&b, ",\"capacity\":%ld", ev->capacity);
		json_kv(&b, "format", format_name(ev->format, ev->fixed_len,
		    fbuf, sizeof(fbuf)));
		json_kv(&b, "delivery", delivery_name(ev->delivery));
		break;
	case EV_CLOSE:
		json_kv(&b, "chan", ev->chan);
		sb_printf(&b, ",\"discarded\":%zu", ev->fill);
		break;
	case EV_SEND:
	case EV_RECV:
	case EV_POLL:
	case EV_UNBLOCK:
	case EV_CALL:
	case EV_REPLY:
		json_op(&b, ev);
		break;
	case EV_SHM:
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "op", op_name(ev->op));
		json_kv(&b, "shm", ev->chan);
		sb_printf(&b, ",\"index\":%zu,\"value\":%" PRId64, ev->index,
		    ev->op == OP_WAIT && ev->status == ST_OK ? ev->old :
		    ev->value);
		if (ev->op == OP_ADD)
			sb_printf(&b, ",\"old\":%" PRId64 ",\"racy\":%s",
			    ev->old, ev->racy ? "true" : "false");
		json_kv(&b, "status", status_name(ev->status));
		if (ev->reason != NULL)
			json_kv(&b, "reason", ev->reason);
		if (ev->status == ST_ERROR)
			json_kv(&b, "error", ev->error);
		break;
	case EV_PASS:
	case EV_CLOSE_END:
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "chan", ev->chan);
		json_kv(&b, "ends", ev->reason);
		if (ev->type == EV_PASS) {
			json_kv(&b, "to", ev->peer);
			json_kv(&b, "via", ev->forward);
			sb_printf(&b, ",\"move\":%s", ev->code ? "true" :
			    "false");
		}
		json_kv(&b, "status", status_name(ev->status));
		if (ev->status == ST_ERROR) {
			json_kv(&b, "error", ev->error);
			if (ev->text != NULL)
				json_kv(&b, "reason", ev->text);
		}
		break;
	case EV_DROP:
	case EV_DUP:
	case EV_REORDER:
		json_kv(&b, "chan", ev->chan);
		json_msg(&b, ev);
		if (ev->text != NULL)
			json_kv(&b, "reason", ev->text);
		break;
	case EV_SIGNAL:
		json_kv(&b, "from", ev->peer);
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "signal", sig_name(ev->sig, sbuf, sizeof(sbuf)));
		json_kv(&b, "status", status_name(ev->status));
		if (ev->status == ST_ERROR)
			json_kv(&b, "error", ev->error);
		break;
	case EV_CAUGHT:
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "signal", sig_name(ev->sig, sbuf, sizeof(sbuf)));
		json_kv(&b, "from", ev->peer);
		break;
	case EV_MASK:
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "op", op_name(ev->op));
		json_kv(&b, "signal", sig_name(ev->sig, sbuf, sizeof(sbuf)));
		json_kv(&b, "status", status_name(ev->status));
		if (ev->status == ST_ERROR)
			json_kv(&b, "error", ev->error);
		break;
	case EV_EXIT:
		json_kv(&b, "proc", ev->proc);
		if (ev->code == -1)
			json_kv(&b, "signal", sig_name(ev->sig, sbuf,
			    sizeof(sbuf)));
		else
			sb_printf(&b, ",\"code\":%d", ev->code);
		break;
	case EV_DEADLOCK:
		d = ev->deadlock;
		json_names(&b, "procs", (const char *const *)d->procs,
		    d->nprocs);
		json_names(&b, "cycle", (const char *const *)d->cycle,
		    d->ncycle);
		sb_puts(&b, ",\"waits\":[");
		for (i = 0; i < d->nprocs; i++) {
			sb_puts(&b, i > 0 ? ",{" : "{");
			sb_printf(&b, "\"proc\":\"%s\",\"op\":\"%s\"",
			    d->waits[i].proc, op_name(d->waits[i].op));
			json_kv(&b, "chan", d->waits[i].chan);
			if (d->waits[i].helpers != NULL)
				json_kv(&b, "for", d->waits[i].helpers);
			else
				sb_puts(&b, ",\"for\":null");
			if (d->waits[i].program != NULL) {
				json_kv(&b, "program", d->waits[i].program);
				sb_printf(&b, ",\"line\":%d",
				    d->waits[i].line);
			}
			sb_puts(&b, "}");
		}
		sb_puts(&b, "]");
		json_names(&b, "behind", (const char *const *)d->behind,
		    d->nbehind);
		break;
	case EV_STUCK:
		json_kv(&b, "proc", ev->proc);
		json_kv(&b, "op", op_name(ev->op));
		json_kv(&b, "chan", ev->chan);
		sb_printf(&b, ",\"stuck\":%s", ev->status == ST_OK ? "false" :
		    "true");
		if (ev->deadlock != NULL) {
			json_names(&b, "deadlock", (const char *const *)
			    ev->deadlock->procs, ev->deadlock->nprocs);
			json_kv(&b, "for", ev->wait->helpers);
			if (ev->wait->program != NULL) {
				json_kv(&b, "program", ev->wait->program);
				sb_printf(&b, ",\"line\":%d", ev->wait->line);
			}
		}
		break;
	case EV_RESET:
		sb_printf(&b, ",\"procs\":%zu,\"chans\":%zu", ev->size,
		    ev->fill);
		break;
	case EV_TAP:
		json_kv(&b, "chan", ev->chan);
		json_kv(&b, "from", ev->peer);
		json_kv(&b, "to", ev->proc);
		json_msg(&b, ev);
		break;
	case EV_NOTE:
		if (ev->chan != NULL)
			json_kv(&b, "chan", ev->chan);
		if (ev->forward != NULL) {
			json_kv(&b, "proc", ev->proc);
			json_kv(&b, "to", ev->forward);
			json_msg(&b, ev);
		}
		json_kv(&b, "text", ev->text);
		break;
	case EV_SAY:
		json_kv(&b, "text", ev->text);
		break;
	case EV_EXPECT:
		json_kv(&b, "status", ev->status == ST_OK ? "ok" : "fail");
		json_kv(&b, "text", ev->text);
		break;
	case EV_ERROR:
		json_kv(&b, "message", ev->text);
		json_kv(&b, "file", ev->file);
		sb_printf(&b, ",\"line\":%d", ev->line);
		break;
	default:
		break;
	}
	sb_puts(&b, "}");
	return (sb_take(&b));
}

/*
 * A JSON string; each byte that is not well-formed UTF-8 becomes \u00XX,
 * and U+2028 and U+2029 are escaped too, so that no reader splits a line
 * of --json output.
 */
char *
json_str(const unsigned char *s, size_t len)
{
	struct sb	b;
	size_t		i, k, n;
	unsigned char	c;

	sb_init(&b);
	sb_puts(&b, "\"");
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '"' || c == '\\')
			sb_printf(&b, "\\%c", c);
		else if (c == '\n')
			sb_puts(&b, "\\n");
		else if (c == '\t')
			sb_puts(&b, "\\t");
		else if (c == '\r')
			sb_puts(&b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&b, "\\u%04x", c);
		else if (c < 0x80)
			sb_putc(&b, (char)c);
		else if ((n = utf8_len(s + i, len - i)) == 0)
			sb_printf(&b, "\\u%04x", c);
		else if (n == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			/* U+2028, U+2029: valid JSON, but line breaks to some. */
			sb_puts(&b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 2;
		} else {
			for (k = 0; k < n; k++)
				sb_putc(&b, (char)s[i + k]);
			i += n - 1;
		}
	}
	sb_puts(&b, "\"");
	return (sb_take(&b));
}
