/*
 * The public face of the ipcplay engine.  cli/ sees only this header.
 *
 * The engine plays the kernel of a small message-passing system.  It forks
 * real processes ("agents"), each connected to the engine (the broker) by
 * its own SOCK_SEQPACKET socket.  A user operation such as "A send c1 hi"
 * is handed to A's agent, which performs it as a real request on its
 * socket and sleeps in read() until the broker answers; the broker applies
 * the channel's semantics and answers at once, or later when a partner
 * arrives, a timeout fires or the channel breaks.
 *
 * Nothing here prints.  Everything that happens is an event (struct
 * event) handed to the observers registered with engine_observe(); the
 * command-line printers, the JSON writer, the trace and the dashboard are
 * all observers.  Functions that can fail return -1 and store a cause
 * string, which the caller frees.
 */

#ifndef IPCCORE_H
#define IPCCORE_H

#include <sys/types.h>

#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAME_LEN	16		/* longest process or channel name */
#define MSG_LEN_MAX	(64 * 1024)	/* longest message one op carries */
#define CHAN_CAP_MAX	100000		/* largest bounded capacity */
#define CHAN_MAX_DEFAULT (1024 * 1024)	/* default max= of unbounded */
#define MEM_CAP_DEFAULT	(64 * 1024 * 1024) /* playground-wide buffer cap */
#define RDV_REG_BYTES	16		/* L4: register-sized messages */
#define PROC_MAX	1000		/* processes in one playground */
#define CHAN_MAX	10000		/* channels in one playground */

enum buffering {
	BUF_UNBOUNDED,
	BUF_BOUNDED,
	BUF_REGISTER,
	BUF_RENDEZVOUS
};

enum format {
	FMT_DATAGRAM,
	FMT_STREAM,
	FMT_FIXED,
	FMT_CAP
};

enum delivery {
	DEL_FIFO,
	DEL_UNORDERED,
	DEL_LOSSY
};

/* Where a channel lives: modeled by the broker, or a kernel object. */
enum mechanism {
	MECH_MODELED,
	MECH_PIPE,
	MECH_FIFO,
	MECH_SOCKETPAIR,
	MECH_MQ,
	MECH_SHM	/* shared memory: words, not messages */
};

enum op_kind {
	OP_NONE,
	OP_SEND,
	OP_RECV,
	OP_POLL,
	OP_SIGNAL,
	OP_MASK,
	OP_UNMASK,
	OP_EXIT,
	OP_CALL,	/* L4: send, then wait for the reply, in one step */
	OP_REPLY,	/* answer the call received last */
	OP_REPLYRECV,	/* reply, then receive the next call */
	OP_PASS,	/* send an end of a kernel channel (SCM_RIGHTS) */
	OP_DROP,	/* close one's own ends of a kernel channel */
	OP_STORE,	/* shared memory: a plain store */
	OP_LOAD,	/* ... a plain load */
	OP_ADD,		/* ... an atomic fetch-add (or a racy one) */
	OP_WAIT,	/* ... futex(2) FUTEX_WAIT */
	OP_WAKE		/* ... FUTEX_WAKE */
};

enum op_status {
	ST_OK,
	ST_BLOCKED,
	ST_WOULD_BLOCK,
	ST_TIMEOUT,
	ST_ERROR
};

enum proc_state {
	PS_IDLE,	/* waiting for a command */
	PS_BUSY,	/* a command is on its way through the agent */
	PS_BLOCKED,	/* its request waits in the broker */
	PS_EXITED
};

enum event_type {
	EV_SPAWN,
	EV_CHANNEL,
	EV_CLOSE,
	EV_SEND,
	EV_RECV,
	EV_POLL,
	EV_UNBLOCK,
	EV_DROP,
	EV_DUP,
	EV_REORDER,
	EV_SIGNAL,
	EV_CAUGHT,
	EV_MASK,
	EV_EXIT,
	EV_DEADLOCK,
	EV_STUCK,	/* proc joins (ST_BLOCKED) or leaves (ST_OK) the
			   processes stuck behind a deadlock */
	EV_TAP,
	EV_NOTE,
	EV_SAY,
	EV_EXPECT,
	EV_ERROR,
	EV_RESET,	/* size: processes ended, fill: channels gone */
	EV_CALL,	/* proc called peer on chan: it waits for the reply */
	EV_REPLY,	/* proc replied msg to peer */
	EV_PASS,	/* proc passed (text) ends of chan to peer over
			   forward; code 1: moved */
	EV_CLOSE_END,	/* proc closed its (text) ends of chan */
	EV_SHM,		/* proc did op on chan[index]: value, code (the
			   value before an add; woken for a wake) */
	EV__COUNT
};

/* One process's wait inside a deadlock, or behind one. */
struct dl_wait {
	const char	*proc;
	enum op_kind	 op;
	const char	*chan;		/* as written */
	char		*helpers;	/* "B", "B or C"; NULL: no other live
					   process could ever help */
	size_t		 nhelpers;
	bool		 all_deadlocked; /* every helper is in the deadlock */
	bool		 awaits_reply;	/* a delivered call: the helper is its
					   callee */
	const char	*program;	/* the program whose line made the wait,
					   or NULL (a typed command) */
	int		 line;		/* ... that line, 1-based */
};

/*
 * A deadlock: a set of blocked processes that wait for each other (a
 * cycle of the wait-for graph), or a lone process that nobody could ever
 * help.  Processes stuck only because they wait on a deadlock are stuck
 * behind it: listed apart, so that the deadlock keeps its identity while
 * they come and go.
 */
struct deadlock {
	size_t		  nprocs;
	char		**procs;	/* spawn order */
	struct dl_wait	 *waits;	/* one per process */
	size_t		  ncycle;
	char		**cycle;	/* empty when no cycle exists */
	size_t		  nbehind;
	char		**behind;	/* stuck behind it, spawn order */
	struct dl_wait	 *bwaits;	/* one per process behind */
};

/*
 * An event.  Pointers are valid only during the observer call.  Unused
 * fields are zero/NULL; capacity is -1 for "none" (unbounded).
 */
struct event {
	enum event_type	 type;
	uint64_t	 seq;
	const char	*proc;
	const char	*peer;		/* from (signal, caught, tap), to (tap) */
	const char	*chan;		/* as written: "c1" or "c1,c2" */
	const char	*forward;	/* balance: where it really went */
	const char *const *chans;
	size_t		 nchans;
	const char *const *ready;
	size_t		 nready;
	const char *const *hup;		/* poll: ready because the other side
					   is gone (POLLHUP): a subset */
	size_t		 nhup;
	const unsigned char *msg;
	size_t		 len;
	bool		 has_msg;
	enum op_kind	 op;
	enum op_status	 status;
	const char	*error;		/* reason when status is ST_ERROR */
	const char	*reason;	/* why it blocked: "full 2/2", "empty" */
	size_t		 size;
	size_t		 fill;
	long		 capacity;
	int		 sig;
	int		 code;		/* exit code, -1 if killed by a signal */
	pid_t		 pid;
	const char	*text;		/* note, say, expect, error */
	const char	*file;		/* error */
	int		 line;		/* error */
	bool		 truncated;
	bool		 call;		/* recv: a call, which waits for a reply */
	uint64_t	 version;	/* register */
	uint64_t	 missed;	/* register */
	int		 timeout_ms;
	enum buffering	 buffering;	/* channel */
	enum format	 format;
	size_t		 fixed_len;
	enum delivery	 delivery;
	enum mechanism	 mechanism;	/* channel */
	int		 socktype;	/* channel: SOCK_STREAM, ... */
	const char	*holders;	/* channel: "A:w B:r" */
	const struct deadlock *deadlock;
	const struct dl_wait *wait;	/* stuck: the process's wait */
	size_t		 index;		/* shm: the word */
	int64_t		 value;		/* shm */
	int64_t		 old;		/* shm add: the value before */
	bool		 racy;		/* shm add --racy */
};

typedef void (*event_fn)(const struct event *, void *);

struct engine_config {
	uint64_t	 seed;
	size_t		 mem_cap;	/* 0: MEM_CAP_DEFAULT */
	/* Tighter limits for a fuzzer, which runs many playgrounds a second. */
	size_t		 proc_max;	/* 0: PROC_MAX */
	int		 sleep_max_ms;	/* 0: sleeps are not shortened */
};

struct chan_config {
	enum buffering	 buffering;
	size_t		 capacity;	/* bounded only */
	enum format	 format;
	size_t		 fixed_len;	/* fixed:N */
	enum delivery	 delivery;
	double		 drop, dup, reorder;
	size_t		 max_bytes;	/* 0: CHAN_MAX_DEFAULT (unbounded) */
	char		**from;		/* NULL: anyone may send */
	size_t		 nfrom;
	char		**to;		/* NULL: anyone may receive */
	size_t		 nto;
	enum mechanism	 mechanism;	/* a kernel channel: the rest is unused */
	int		 socktype;	/* socketpair */
	size_t		 ksize;		/* pipe, fifo size=; mq msgsize=;
					   0: the default */
	size_t		 knmsg;		/* mq N (mq_maxmsg); shm WORDS; 0:
					   the default */
};

/* A user operation, as parsed by cli/. */
struct op_request {
	enum op_kind	 kind;
	char		**chans;	/* send/recv/poll; recv: 0 = mailbox */
	size_t		 nchans;
	const char	*chanspec;	/* as written */
	const unsigned char *msg;
	size_t		 len;
	bool		 nonblock;
	bool		 atomic;
	bool		 writable;	/* poll -w */
	int		 timeout_ms;	/* -1: none */
	size_t		 max;		/* recv --max; 0: none */
	size_t		 size;		/* send --size; 0: the message as is */
	int		 sig;		/* signal, mask, unmask */
	const char	*target;	/* signal */
	int		 code;		/* exit */
	const char	*via;		/* pass: the socket pair */
	int		 ends;		/* pass: KEND_SEND, KEND_RECV, or 0:
					   every end */
	bool		 move;		/* pass --move */
	size_t		 index;		/* shm: NAME[I] */
	int64_t		 value;		/* shm: store, add, wait; wake: N */
	bool		 racy;		/* add --racy */
};

#define KEND_SEND	1
#define KEND_RECV	2

struct proc_info {
	const char	*name;
	pid_t		 pid;
	enum proc_state	 state;
	enum op_kind	 op;		/* busy or blocked */
	const char	*chan;		/* what it waits on, as written */
	const char	*callee;	/* a call waiting for its reply */
	char		 kstate;	/* from /proc: 'S', 'R', ... or '-' */
	char		 wchan[48];	/* where it sleeps in the kernel */
	bool		 kernel;	/* its operation is its own syscall */
	char		 syscall[24];	/* ... asleep in it: /proc/PID/syscall
					   by name ("write"), or "" */
	int		 exit_code;	/* -1 if killed */
	int		 exit_sig;
	bool		 dying;		/* gone, its exit not told yet */
	bool		 has_last;
	const unsigned char *last;	/* last completed receive */
	size_t		 last_len;
	size_t		 caught;	/* signals caught so far */
};

struct msg_view {
	const unsigned char *data;
	size_t		 len;
};

struct chan_info {
	const char	*name;
	bool		 mailbox;
	enum buffering	 buffering;
	long		 capacity;	/* -1: unbounded */
	enum format	 format;
	size_t		 fixed_len;
	enum delivery	 delivery;
	double		 drop, dup, reorder;
	size_t		 max_bytes;
	size_t		 fill;		/* messages (bytes for stream) */
	size_t		 bytes;		/* payload bytes held */
	size_t		 nmsgs;
	struct msg_view	*msgs;		/* buffer contents, oldest first */
	uint64_t	 version;	/* register */
	size_t		 nsenders, nreceivers, npollers;
	const char	**senders;	/* waiting, FIFO order */
	const char	**receivers;
	const char	**pollers;
	const char	**from;
	size_t		 nfrom;
	const char	**to;
	size_t		 nto;
	uint64_t	 c_messages, c_bytes, c_copies, c_wakeups, c_drops,
			 c_dups, c_reorders;
	bool		 tapped;
	const char	*filter;
	const char	**balance;
	size_t		 nbalance;
	/* A kernel channel: fill and capacity are the kernel's, in bytes. */
	enum mechanism	 mechanism;
	int		 socktype;
	bool		 kstat_ok;	/* the kernel could be asked */
	size_t		 kfill[2];	/* pipe: [0]; socketpair: toward each
					   side's reader */
	size_t		 kcap;		/* bytes; an mq: messages */
	size_t		 kmsgsize;	/* an mq: mq_msgsize */
	const int64_t	*words;		/* shm: its words, as they are now */
	size_t		 nwords;
	char		*holders;	/* "A:w B:r" */
};

struct wfg_edge {
	const char	*from;		/* the blocked process */
	const char	*to;		/* one that could unblock it */
	enum op_kind	 op;
	const char	*chan;
	bool		 deadlocked;
};

struct engine;

/* Life. */
struct engine	*engine_new(const struct engine_config *);
void		 engine_free(struct engine *);
void		 engine_reset(struct engine *);
void		 engine_rearm(struct engine *);
void		 engine_observe(struct engine *, event_fn, void *);
void		 engine_emit(struct engine *, struct event *);
uint64_t	 engine_next_seq(struct engine *);

/* Commands. */
int	 engine_spawn(struct engine *, const char *, char **);
int	 engine_kill(struct engine *, const char *, int, char **);
int	 engine_channel(struct engine *, const char *,
	    const struct chan_config *, char **);
int	 engine_close(struct engine *, const char *, char **);
int	 engine_submit(struct engine *, const char *,
	    const struct op_request *, char **);
struct op_request *op_request_dup(const struct op_request *, bool);
void	 op_request_free(struct op_request *);

/*
 * A program's kernel operations, made by its agent on its own, in a
 * batch (kbatch.c): the events come as the broker reads the results.
 */
struct kbatch_info {
	size_t		 n;		/* operations in the batch */
	size_t		 started;	/* begun: done, or under way */
	size_t		 done;		/* told, as events */
	bool		 over;		/* nothing more will start, and every
					   result is told ... */
	bool		 inside;	/* ... but for one that was blocked
					   when it was stopped: it goes on as
					   the process's own operation */
};
int	 engine_kbatch_fits(struct engine *, const char *,
	    const struct op_request *);
int	 engine_kbatch(struct engine *, const char *,
	    const struct op_request *const *, const int *, size_t, char **);
bool	 engine_kbatch_info(struct engine *, const char *,
	    struct kbatch_info *);
void	 engine_kbatch_stop(struct engine *, const char *);
void	 engine_kbatch_limit(struct engine *, long long);
long long engine_kbatch_left(struct engine *);
bool	 engine_kbatch_take(struct engine *);
void	 engine_kbatch_untake(struct engine *);
int	 engine_tap(struct engine *, const char *, bool, char **);
int	 engine_filter(struct engine *, const char *, const char *, char **);
int	 engine_balance(struct engine *, const char *, char **, size_t,
	    char **);

/* Driving the broker. */
void	 engine_settle(struct engine *);
void	 engine_sleep(struct engine *, int);
void	 engine_interrupt_fd(struct engine *, int);
void	 engine_interrupt_clear(struct engine *);
void	 engine_wait_hook(struct engine *, void (*)(void *), void *);
bool	 engine_quiet(const struct engine *);
size_t	 engine_pollfds(struct engine *, struct pollfd *, size_t);
int	 engine_poll_timeout(struct engine *);
void	 engine_dispatch(struct engine *, const struct pollfd *, size_t);
void	 engine_after_step(struct engine *);
bool	 engine_pump(struct engine *, int);
int	 engine_proc_where(struct engine *, const char *, const char *, int);
void	 engine_set_fatal_hook(void (*)(void));
void	 engine_title_init(int, char *[], char *[]);

/* Looking inside. */
size_t	 engine_nprocs(const struct engine *);
void	 engine_settle_kstates(struct engine *);
bool	 engine_proc_info(struct engine *, size_t, struct proc_info *);
bool	 engine_proc_find(struct engine *, const char *, struct proc_info *);
bool	 engine_proc_peek(struct engine *, const char *, struct proc_info *);
bool	 engine_chan_info(struct engine *, size_t, struct chan_info *);
bool	 engine_chan_find(struct engine *, const char *, struct chan_info *);
void	 chan_info_free(struct chan_info *);
size_t	 engine_deadlocks(struct engine *, struct deadlock **);
void	 deadlocks_free(struct deadlock *, size_t);
size_t	 engine_wfg(struct engine *, struct wfg_edge **);
/*
 * A model of e's modeled state with no process behind it, for a search
 * (model.c); NULL and *cause when e has what a model cannot hold.  Its
 * state as bytes that tell two models apart.
 */
struct engine	*engine_model(const struct engine *, char **);
/* ... leaving out the channels named, where nobody waits. */
struct engine	*engine_model_without(const struct engine *,
		    const char *const *, size_t, char **);
size_t	 engine_state(const struct engine *, unsigned char **);
/* Is a process blocked in a poll (one send could wake it, or another)? */
bool	 engine_poll_waits(const struct engine *);
/* The bytes of messages an engine holds. */
size_t	 engine_mem_used(const struct engine *);
/* The model was asked for what it cannot do (a timeout, a signal). */
bool	 engine_model_refused(const struct engine *);

/*
 * Partial-order reduction (por.c), sleep sets: a process's next operation
 * as the channels it touches, as bits (POR_ALL: anything); the processes
 * asleep after process k's step.
 */
#define POR_ALL		UINT64_MAX
bool	 por_independent(uint64_t, uint64_t);
uint64_t por_sleep(const uint64_t *, size_t, uint64_t, size_t);
void	 wfg_edges_free(struct wfg_edge *, size_t);
bool	 engine_is_proc(const struct engine *, const char *);
bool	 engine_is_chan(const struct engine *, const char *);

/* Names and words. */
const char	*buffering_name(enum buffering);
const char	*format_name(enum format, size_t, char *, size_t);
const char	*delivery_name(enum delivery);
const char	*op_name(enum op_kind);
const char	*mechanism_name(enum mechanism);
const char	*socktype_name(int);
const char	*status_name(enum op_status);
const char	*event_name(enum event_type);
const char	*proc_state_name(enum proc_state);
int		 sig_parse(const char *);
const char	*sig_name(int, char *, size_t);
bool		 name_valid(const char *);

/* A monotonic clock in ms, and the seeded generator (core/engine.c). */
uint64_t	 now_ms(void);
uint64_t	 now_us(void);
uint64_t	 splitmix64(uint64_t *);
uint64_t	 hash_bytes(const void *, size_t);

/* Memory that never fails (core/xmalloc.c). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
void	 strv_free(char **, size_t);
bool	 strv_has(char *const *, size_t, const char *);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

#endif
