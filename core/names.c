/*
 * The words of the language that core/ owns: the names of buffering
 * kinds, formats, operations, states, events and signals.  Both the
 * printers and the parser use these, so a name is spelled in one place.
 */

#include <sys/socket.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipccore.h"

static const struct {
	const char	*name;
	int		 sig;
} sigtab[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

const char *
buffering_name(enum buffering b)
{
	switch (b) {
	case BUF_UNBOUNDED:
		return ("unbounded");
	case BUF_BOUNDED:
		return ("bounded");
	case BUF_REGISTER:
		return ("register");
	case BUF_RENDEZVOUS:
		return ("rendezvous");
	}
	return ("?");
}

const char *
mechanism_name(enum mechanism m)
{
	switch (m) {
	case MECH_MODELED:
		return ("modeled");
	case MECH_PIPE:
		return ("pipe");
	case MECH_FIFO:
		return ("fifo");
	case MECH_SOCKETPAIR:
		return ("socketpair");
	case MECH_MQ:
		return ("mq");
	case MECH_SHM:
		return ("shm");
	}
	return ("?");
}

const char *
socktype_name(int t)
{
	switch (t) {
	case SOCK_STREAM:
		return ("stream");
	case SOCK_DGRAM:
		return ("dgram");
	case SOCK_SEQPACKET:
		return ("seqpacket");
	}
	return ("?");
}

const char *
format_name(enum format f, size_t n, char *buf, size_t len)
{
	switch (f) {
	case FMT_DATAGRAM:
		return ("datagram");
	case FMT_STREAM:
		return ("stream");
	case FMT_FIXED:
		snprintf(buf, len, "fixed:%zu", n);
		return (buf);
	case FMT_CAP:
		return ("cap");
	}
	return ("?");
}

const char *
delivery_name(enum delivery d)
{
	switch (d) {
	case DEL_FIFO:
		return ("fifo");
	case DEL_UNORDERED:
		return ("unordered");
	case DEL_LOSSY:
		return ("lossy");
	}
	return ("?");
}

const char *
op_name(enum op_kind k)
{
	static const char *names[] = {
		"none", "send", "recv", "poll", "signal", "mask", "unmask",
		"exit", "call", "reply", "reply-recv", "pass", "drop",
		"store", "load", "add", "wait", "wake"
	};

	if ((size_t)k < sizeof(names) / sizeof(names[0]))
		return (names[k]);
	return ("?");
}

const char *
status_name(enum op_status s)
{
	static const char *names[] = {
		"ok", "blocked", "would_block", "timeout", "error"
	};

	if ((size_t)s < sizeof(names) / sizeof(names[0]))
		return (names[s]);
	return ("?");
}

const char *
event_name(enum event_type t)
{
	static const char *names[] = {
		"spawn", "channel", "close", "send", "recv", "poll", "unblock",
		"drop", "dup", "reorder", "signal", "caught", "mask", "exit",
		"deadlock", "stuck", "tap", "note", "say", "expect", "error",
		"reset", "call", "reply", "pass", "close_end", "shm"
	};

	if ((size_t)t < sizeof(names) / sizeof(names[0]))
		return (names[t]);
	return ("?");
}

const char *
proc_state_name(enum proc_state s)
{
	switch (s) {
	case PS_IDLE:
		return ("ready");
	case PS_BUSY:
		return ("running");
	case PS_BLOCKED:
		return ("blocked");
	case PS_EXITED:
		return ("exited");
	}
	return ("?");
}

/*
 * Parse a signal written as "USR1", "SIGUSR1", "usr1", "10", "RTMIN",
 * "RTMIN+3" or "RTMAX-1".  Returns the number, or -1.
 */
int
sig_parse(const char *s)
{
	const char	*errstr;
	long long	 n;
	size_t		 i;
	int		 base, off;

	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (*s == '\0')
		return (-1);
	if (isdigit((unsigned char)*s)) {
		n = strtonum(s, 1, SIGRTMAX, &errstr);
		return (errstr != NULL ? -1 : (int)n);
	}
	for (i = 0; i < sizeof(sigtab) / sizeof(sigtab[0]); i++) {
		if (strcasecmp(s, sigtab[i].name) == 0)
			return (sigtab[i].sig);
	}
	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return (-1);
	s += 5;
	if (*s == '\0')
		return (base);
	if (*s != '+' && *s != '-')
		return (-1);
	n = strtonum(s + 1, 0, SIGRTMAX - SIGRTMIN, &errstr);
	if (errstr != NULL)
		return (-1);
	off = (int)n;
	n = *s == '+' ? base + off : base - off;
	if (n < SIGRTMIN || n > SIGRTMAX)
		return (-1);
	return ((int)n);
}

const char *
sig_name(int sig, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(sigtab) / sizeof(sigtab[0]); i++) {
		if (sigtab[i].sig == sig)
			return (sigtab[i].name);
	}
	if (sig == SIGRTMIN)
		snprintf(buf, len, "RTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "%d", sig);
	return (buf);
}

/* [A-Za-z][A-Za-z0-9_-]{0,15} */
bool
name_valid(const char *s)
{
	size_t	i;

	if (!isalpha((unsigned char)s[0]))
		return (false);
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= NAME_LEN)
			return (false);
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return (false);
	}
	return (true);
}
