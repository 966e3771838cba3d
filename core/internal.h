/*
 * The engine's private structures, shared by the files of core/ only.
 *
 * Ownership: the engine owns its processes and channels (tail queues in
 * creation order).  A process owns its current operation (struct op) and
 * the waiter records that put it on channels' queues.  A channel owns
 * its buffered messages.  Names are copied, never borrowed.
 */

#ifndef IPCCORE_INTERNAL_H
#define IPCCORE_INTERNAL_H

#include <sys/queue.h>
#include <sys/types.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ipccore.h"

struct proc;
struct chan;
struct kdone;
struct kop;

struct msg {
	TAILQ_ENTRY(msg) entry;
	char		 from[NAME_LEN + 1];	/* the sender, for tap */
	uint64_t	 stamp;		/* e->gen when it was sent */
	size_t		 len;
	size_t		 ncaps;		/* on a cap channel: its distinct
					   capabilities, kept after the data
					   (MSG_CAPS), or MSG_CAPS_MANY */
	unsigned char	 data[];
};
TAILQ_HEAD(msgq, msg);

/* A capability a message carries, read once when it is stored. */
struct msg_cap {
	char		 name[NAME_LEN + 2];
	int		 rights;
};
#define MSG_CAPS_MAX	32		/* distinct ones kept, at most */
#define MSG_CAPS_MANY	((size_t)-1)	/* more: read the data again */
#define MSG_CAPS_OFF(len)	(((len) + 1 + 7) & ~(size_t)7)
#define MSG_CAPS(m)	((struct msg_cap *)(void *)((m)->data + \
			    MSG_CAPS_OFF((m)->len)))
#define MSG_SIZE(m)	(sizeof(struct msg) + MSG_CAPS_OFF((m)->len) + \
			    ((m)->ncaps == MSG_CAPS_MANY ? 0 : \
			    (m)->ncaps * sizeof(struct msg_cap)))

enum wait_role {
	W_SEND,
	W_RECV,
	W_POLL
};

/* A process waiting on one channel; a poll makes one per channel. */
struct waiter {
	TAILQ_ENTRY(waiter) entry;	/* on the channel's queue */
	struct proc	*proc;
	struct chan	*chan;
	enum wait_role	 role;
};
TAILQ_HEAD(waitq, waiter);

/*
 * One process's descriptor for a kernel channel.  The broker keeps no
 * descriptor of its own: this is its record of what it handed out.
 */
struct kend {
	struct proc	*proc;
	int		 fd;		/* its number in the agent */
	int		 side;		/* pipe: 0 read, 1 write; socketpair:
					   0 or 1; mq: 0, 1 or 2 (both) */
	bool		 open;
};

/* May this end write (read)?  Either end of a socket pair does both. */
static inline bool
kend_can(const struct kend *k, int mech, bool wr)
{
	return (mech == MECH_SOCKETPAIR || k->side == 2 ||
	    k->side == (wr ? 1 : 0));
}

struct op {
	enum op_kind	 kind;
	uint32_t	 id;
	char		**names;	/* channel names as resolved */
	size_t		 nnames;
	char		*spec;		/* as written */
	unsigned char	*msg;
	size_t		 len;
	bool		 nonblock, atomic, writable, mailbox;
	int		 timeout_ms;
	uint64_t	 deadline;	/* 0: none */
	uint64_t	 kstart_ns;	/* a kernel one: when it was asked */
	bool		 mb;		/* a modeled batch's (mbatch.c): the
					   agent is answered only ... */
	bool		 mb_reply;	/* ... once it was told it waits */
	uint64_t	 blocked_ms;	/* when it began to wait */
	bool		 ktold;		/* a batch's: its wait is told already */
	size_t		 max;
	int		 sig;
	char		*target;
	struct proc	*target_proc;	/* signal: held unreaped until done */
	bool		 call;		/* a call's send (kind OP_SEND) */
	struct proc	*callee;	/* OP_CALL: who must reply */
	int		 code;
	bool		 blocked;	/* a "blocked" event was given */
	char		 why[96];	/* what a failure is about, or "" */
	size_t		 next;		/* multi-send: next channel */
	size_t		 sent;		/* stream: bytes written so far */
	struct chan	**chans;	/* resolved at request time */
	struct waiter	**waits;	/* one per channel while blocked */
	size_t		 nwaits;
	bool		 kernel;	/* the agent makes the syscall itself */
	bool		 kstarted;	/* ... and said it is about to */
	int		 kfd;		/* with this descriptor */
	int		 kside;
	int		*kfds;		/* a poll: each channel's descriptor,
					   -1 for a modeled one (kpoll.c) */
	int		*ksides;
	bool		 knotified;	/* ... told a modeled one is ready */
	bool		 kwoken;	/* ... while blocked: an answer due */
	size_t		 nkfds;		/* a pass or a drop: kfds' length */
	int		 kends;		/* KEND_SEND, KEND_RECV or 0 */
	bool		 kmove;		/* pass --move */
	struct proc	*kpeer;		/* who takes the pass */
	int		*ktaken;	/* ... under these numbers */
	size_t		 kindex;	/* shm: the word */
	int64_t		 kvalue;
	bool		 kracy;
};

struct proc {
	TAILQ_ENTRY(proc) entry;
	char		 name[NAME_LEN + 1];
	size_t		 idx;		/* dense, for the wait-for graph */
	pid_t		 pid;
	int		 fd;		/* broker's end of the socket */
	int		 wake_fd;	/* write end of the agent's wake pipe */
	bool		 asleep;	/* the agent sleeps in read() on it */
	enum proc_state	 state;
	int		 pending;	/* agent answers still expected */
	bool		 dying;		/* waiting to be reaped */
	bool		 retired;	/* exited, and its name reused */
	struct proc	*reply_to;	/* the caller it may reply to, once */
	bool		 call_fresh;	/* the message it gets now is a call */
	struct proc	*dropped;	/* a caller to fail once it has it */
	int		 sig_inflight;	/* signals on their way: do not reap */
	bool		 hup;		/* socket closed */
	int		 ctl_fd;	/* its control thread, or -1 (kchan.c) */
	bool		 kping;		/* a ping kchan_watch answers */
	bool		 kcheck;	/* blocked in a syscall: still? */
	bool		 kstalled;	/* its control thread did not answer */
	uint64_t	 kseen_ms;	/* when it entered the syscall or was
					   last woken (kchan.c) */
	struct op	*op;
	struct kbatch	*kb;		/* its program's kernel operations
					   (kbatch.c), or NULL */
	struct chan	*mailbox;
	int		 exit_code;
	int		 exit_sig;
	unsigned char	*last;
	size_t		 last_len;
	bool		 has_last;
	size_t		 caught;
	char		*prog;		/* the program it runs, or NULL */
	int		 prog_line;	/* ... and the line its op came from */
	uint32_t	 next_id;
	struct {
		struct proc	*proc;
		int		 sig;
	}		*deferred;	/* caught reports awaiting our ack */
	size_t		 ndeferred;
	/* deadlock scratch */
	bool		 in_d;
	size_t		 unsat;
	int		 comp;
	bool		 behind;	/* stuck behind a deadlock, this check */
	bool		 behind_told;	/* ... and said so */
};
TAILQ_HEAD(procq, proc);

struct chan {
	TAILQ_ENTRY(chan) entry;
	char		 name[NAME_LEN + 2];	/* room for '@' */
	struct proc	*owner;		/* mailbox owner, else NULL */
	uint64_t	 born;		/* e->gen when it was made */
	enum buffering	 buffering;
	size_t		 capacity;
	enum format	 format;
	size_t		 fixed_len;
	enum delivery	 delivery;
	double		 drop, dup, reorder;
	size_t		 max_bytes;
	struct proc	**from;		/* NULL: anyone */
	size_t		 nfrom;
	struct proc	**to;
	size_t		 nto;
	struct msgq	 msgs;
	size_t		 nmsgs;
	size_t		 bytes;
	uint64_t	 version;	/* register: latest version */
	uint64_t	*seen;		/* register: version each proc read */
	size_t		 nseen;
	struct waitq	 senders;
	struct waitq	 receivers;
	struct waitq	 pollers;
	size_t		 nsenders, nreceivers, npollers;
	uint64_t	 c_messages, c_bytes, c_copies, c_wakeups, c_drops,
			 c_dups, c_reorders;
	bool		 tapped;
	char		*filter_src;
	pcre2_code	*filter;
	struct chan	**balance;
	size_t		 nbalance, balance_next;
	bool		 dirty;
	TAILQ_ENTRY(chan) dirty_entry;
	enum mechanism	 mech;		/* MECH_MODELED: all of the above */
	int		 socktype;
	size_t		 kmsgsize;	/* an mq's mq_msgsize */
	int64_t		*words;		/* shm: the broker's read-only map */
	size_t		 nwords;
	struct kend	*ends;
	size_t		 nends;
	/*
	 * A batch's events (kbatch.c): each side's fill counted from them
	 * where the sender cannot measure it, each side's capacity.
	 */
	int64_t		 kest[2];	/* below 0 a moment: a receive told
					   before the send it took from */
	long		 kcap[2];
	/*
	 * For one deadlock check (cap_transit): who may yet gain the right
	 * to send on it, or to receive from it, by receiving a capability
	 * that waits in a channel; *_any: anyone may.
	 */
	struct proc	**gsend, **grecv;
	size_t		  ngsend, ngrecv;
	bool		  gsend_any, grecv_any;
};
TAILQ_HEAD(chanq, chan);

struct later {
	enum event_type	 type;
	char		 chan[NAME_LEN + 2];
	unsigned char	*msg;
	size_t		 len;
	char		*text;		/* a note's text */
	char		 from[NAME_LEN + 2];	/* tap */
	char		 to[NAME_LEN + 2];
};

struct observer {
	event_fn	 fn;
	void		*arg;
};

struct engine {
	struct procq	 procs;
	size_t		 nprocs;
	size_t		 nretired;	/* exited, their names reused */
	size_t		 nlive;
	struct chanq	 chans;
	size_t		 nchans;
	struct chanq	 dirtyq;
	struct observer	*obs;
	size_t		 nobs;
	uint64_t	 seq;
	uint64_t	 rng;
	uint64_t	 seed;
	size_t		 mem_cap;
	size_t		 mem_used;
	size_t		 proc_max;
	int		 sleep_max_ms;
	int		 chld_pipe[2];
	bool		 want_reap;	/* a child may have exited */
	uint64_t	 gen;		/* ticks at each channel and message */
	int		 intr_fd;	/* readable: stop sleeping */
	void		(*wait_hook)(void *);	/* while a sleep passes */
	uint64_t	 hook_ms;	/* when engine_pump last called it */
	void		*wait_arg;
	bool		 interrupted;
	pid_t		 self;
	bool		 wfg_dirty;
	bool		 model;		/* no processes behind it (model.c) */
	bool		 refused;	/* ... and it was asked what it cannot */
	bool		 rdv_note_given;
	bool		 epipe_note_given;
	char		**dl_prev;	/* deadlocks reported, as name lists */
	size_t		 ndl_prev;
	struct later	*later;		/* network events told after the op's */
	size_t		 nlater;
	/*
	 * The steps a free run may still take, shared with every agent
	 * that runs a batch (kbatch.c), which takes one before each
	 * operation: so a run stops after exactly N, however fast.
	 */
	int64_t		*kb_left;
	int		 kb_left_fd;
	bool		 mb_due;	/* a batch's operation ended: the next
					   may begin (mbatch.c) */
	struct pollfd	*pfds;
	struct proc	**pfd_procs;
	size_t		 pfd_cap;
	/* Where the last engine_proc_info/chan_info stopped (inspect.c). */
	struct proc	*pcur;
	size_t		 pcur_i;
	struct chan	*ccur;
	size_t		 ccur_i;
};

/* engine.c */
void	 engine_event(struct engine *, struct event *);
struct op *op_make(struct proc *, const struct op_request *);
struct proc *proc_find(const struct engine *, const char *);
struct chan *chan_find(const struct engine *, const char *);
uint64_t rng_next(struct engine *);
double	 rng_unit(struct engine *);

/*
 * An operation the broker performs itself (op_start) once the agent has
 * sent it back: the message operations, as opposed to the agent's own
 * signals, masks and exit.
 */
static inline bool
op_brokered(enum op_kind k)
{
	return (k == OP_SEND || k == OP_RECV || k == OP_POLL ||
	    k == OP_CALL || k == OP_REPLY || k == OP_REPLYRECV);
}

/* model.c */
int	 model_submit(struct engine *, struct proc *, char **);

/* proc.c */
int	 proc_fork(struct engine *, struct proc *, char **);
int	 proc_write(struct proc *, int, uint32_t, const void *, size_t);
void	 proc_wake(struct proc *);
void	 proc_read(struct engine *, struct proc *);
void	 proc_reap(struct engine *);
void	 proc_gone(struct engine *, struct proc *, int);
char	 proc_kstate(pid_t);
void	 proc_wchan(pid_t, char *, size_t);
void	 proc_close(struct proc *);
void	 proc_ping(struct engine *, struct proc *);

/* op-life.c */
void	 op_free(struct op *);
void	 op_finish(struct engine *, struct proc *, enum op_status,
	    const char *, struct event *);
void	 op_unwait(struct proc *);
void	 op_fail(struct engine *, struct proc *, const char *);
void	 op_wait_on(struct proc *, struct chan *, enum wait_role);
struct proc *op_claim(struct waiter *);
void	 op_ev_chan(struct event *, struct chan *);
void	 op_block(struct engine *, struct proc *, const char *,
	    struct chan *);
void	 op_blocked_event(struct proc *, struct event *);
void	 op_blocked(struct engine *, struct proc *, struct event *);
void	 op_would_block(struct engine *, struct proc *, const char *,
	    struct chan *);
void	 op_rdv_note(struct engine *, struct chan *);
void	 op_blocked_reason(struct chan *, enum op_kind, char *, size_t);

/* op.c */
void	 op_start(struct engine *, struct proc *);
void	 op_timeouts(struct engine *);
void	 op_recv_start(struct engine *, struct proc *);
void	 op_send_start(struct engine *, struct proc *);
uint64_t op_next_deadline(struct engine *);
bool	 op_send_retry(struct engine *, struct proc *);
bool	 op_send_ready_via(struct engine *, struct proc *, struct chan *);
void	 op_send_via(struct engine *, struct proc *, struct chan *);
void	 op_recv_complete(struct engine *, struct proc *, struct chan *,
	    const unsigned char *, size_t, const char *, uint64_t);
bool	 op_poll_retry(struct engine *, struct proc *);

/* call.c */
void	 call_start(struct engine *, struct proc *);
void	 call_wait(struct engine *, struct proc *, struct proc *);
void	 reply_start(struct engine *, struct proc *);
bool	 call_endpoint_ok(struct engine *, struct proc *);
void	 call_received(struct engine *, struct proc *);
void	 call_proc_gone(struct engine *, struct proc *);

/* chan.c */
struct chan *chan_new(struct engine *, const char *, const struct chan_config *,
	    struct proc *);
void	 chan_destroy(struct engine *, struct chan *);
void	 chan_mark(struct engine *, struct chan *);
void	 chan_progress(struct engine *);
void	 chan_put(struct engine *, struct chan *, const char *,
	    const unsigned char *, size_t);
struct msg *chan_take(struct engine *, struct chan *);
struct msg *chan_take_bytes(struct engine *, struct chan *, size_t);
struct msg *chan_take_for(struct engine *, struct chan *, struct proc *);
void	 engine_flush_later(struct engine *);
struct later *engine_later(struct engine *, enum event_type);
bool	 cap_check(struct engine *, struct proc *, const unsigned char *,
	    size_t, const char **, char *, size_t);
size_t	 cap_summary(const unsigned char *, size_t, struct msg_cap *);
void	 cap_transit(struct engine *);
void	 cap_transit_clear(struct engine *);
void	 cap_grant(struct engine *, struct proc *, struct chan *,
	    const unsigned char *, size_t, uint64_t);
bool	 chan_filter_ok(struct engine *, const struct chan *,
	    const unsigned char *, size_t);
bool	 chan_can_take(const struct engine *, const struct chan *,
	    const struct proc *, size_t);
bool	 chan_may_send(const struct chan *, const struct proc *);
bool	 chan_may_recv(const struct chan *, const struct proc *);
bool	 chan_broken(const struct engine *, const struct chan *);
bool	 chan_ended(const struct engine *, const struct chan *);
bool	 chan_readable(const struct engine *, const struct chan *,
	    const struct proc *);
bool	 chan_writable(const struct engine *, const struct chan *, size_t);
size_t	 chan_fill(const struct chan *);
uint64_t seen_get(const struct chan *, const struct proc *);
void	 seen_set(struct chan *, const struct proc *, uint64_t);
long	 chan_capacity(const struct chan *);
void	 chan_proc_gone(struct engine *, struct proc *);
struct waiter *waiter_add(struct chan *, struct proc *, enum wait_role);
void	 waiter_remove(struct waiter *);
void	 msg_free_all(struct engine *, struct chan *);

/* kchan.c: kernel channels, the broker's side */
int	 kchan_create(struct engine *, struct chan *,
	    const struct chan_config *, char **);
int	 kchan_request(struct engine *, struct proc *,
	    const struct op_request *, struct chan **, struct kend **, char **);
int	 kchan_submit(struct engine *, struct proc *);
void	 kchan_started(struct engine *, struct proc *);
void	 kchan_done(struct engine *, struct proc *, const unsigned char *,
	    size_t);
bool	 kchan_watching(const struct engine *);
void	 kchan_watch(struct engine *);
void	 kchan_info(struct engine *, struct chan *, struct chan_info *);
void	 kchan_proc_gone(struct engine *, struct proc *);
size_t	 kchan_helpers(struct chan *, struct proc *, int, bool,
	    struct proc ***);
int	 kchan_close(struct engine *, struct chan *, char **);
bool	 kchan_close_busy(struct engine *, struct chan *, char **);
int	 kend_number(struct engine *, struct proc *, int);
int	 kchan_interpose(const struct chan *, char **);
void	 kend_add(struct chan *, struct proc *, int, int);
void	 kchan_hand(struct engine *, struct chan *, struct proc *,
	    const int *, const int *, size_t);
bool	 kchan_queued(const struct chan *, int, size_t *, bool *);
bool	 kchan_inq(const struct chan *, int, size_t *, size_t *);
void	 kchan_reason(struct engine *, struct chan *, struct op *, char *,
	    size_t);
void	 kchan_ev_fill(struct engine *, struct chan *, const struct op *,
	    struct event *);
void	 kchan_reason_of(const struct chan *, enum op_kind, size_t, long,
	    char *, size_t);
void	 kchan_answer(struct engine *, struct proc *, const unsigned char *,
	    size_t);
void	 kchan_await_exit(struct engine *, struct proc *);

/* kbatch.c: a program's kernel operations, made by its agent alone */
struct kbatch;
void	 kbatch_end(struct engine *, struct proc *, uint32_t, int32_t);
void	 kbatch_drain(struct engine *);
bool	 kbatch_sync(struct engine *, struct proc *);
void	 kbatch_gone(struct engine *, struct proc *);
bool	 kbatch_holds(const struct proc *, const struct chan *);
bool	 kbatch_running(const struct proc *);
bool	 kbatch_any(const struct engine *);
void	 kbatch_before(struct engine *, struct proc *, uint64_t, uint64_t);
bool	 kbatch_count(struct engine *, struct chan *, enum op_kind, int,
	    size_t, size_t *, long *);
bool	 kbatch_counting(struct engine *, const struct chan *);
void	 kbatch_free(struct proc *);
int	 kbatch_go(struct engine *, struct proc *, size_t);

/* ksteps.c: the steps a free run may still take, shared */
void	 kbatch_engine_free(struct engine *);
bool	 kb_left_map(struct engine *, char **);

/* mbatch.c: a batch of modeled operations */
bool	 mbatch_fits(struct engine *, struct proc *,
	    const struct op_request *);
int	 mbatch_start(struct engine *, struct proc *,
	    const struct op_request *const *, const int *, size_t, char **);
void	 mbatch_req(struct engine *, struct proc *, uint32_t,
	    const unsigned char *, size_t);
void	 mbatch_op_done(struct engine *, struct proc *, enum op_status);
void	 mbatch_advance(struct engine *);
void	 mbatch_end(struct engine *, struct proc *);
void	 mbatch_clear(struct kbatch *);
bool	 mbatch_over(struct proc *, bool *);
void	 mbatch_stop(struct engine *, struct proc *);
#define MB_REQ_ID(gen, i)	(0x80000000U | ((uint32_t)(gen) & 0x7fff) << \
				    16 | (uint32_t)(i))
#define MB_REQ_BIT		0x80000000U

/* kwatch.c: a process inside its own syscall */
void	 kchan_recheck(struct engine *, struct proc *);
void	 kchan_checked(struct proc *);
void	 kchan_pong(struct proc *);
void	 kchan_syscall(pid_t, char *, size_t);
bool	 kchan_sleeping(const struct proc *);

/* kpoll.c: a poll over kernel channels, modeled ones among them */
int	 kpoll_request(struct engine *, struct proc *,
	    const struct op_request *, char **);
int	 kpoll_submit(struct engine *, struct proc *);
bool	 kpoll_retry(struct engine *, struct proc *);
void	 kpoll_done(struct engine *, struct proc *, const struct kdone *,
	    const unsigned char *, size_t);
void	 kpoll_block_event(struct proc *, struct event *);
bool	 kpoll_on(const struct op *, const struct chan *, int *);

/* kpass.c: passing a descriptor, closing one's own */
int	 kpass_request(struct engine *, struct proc *,
	    const struct op_request *, char **);
int	 kpass_submit(struct engine *, struct proc *,
	    const struct op_request *);
void	 kpass_done(struct engine *, struct proc *, const struct kdone *);
void	 kpass_taken(struct engine *, struct proc *, const unsigned char *,
	    size_t);
void	 kpass_proc_gone(struct engine *, struct proc *);

/* kshm.c: shared memory */
int	 kshm_create(struct engine *, struct chan *,
	    const struct chan_config *, char **);
void	 kshm_destroy(struct chan *);
int	 kshm_request(struct engine *, struct proc *,
	    const struct op_request *, char **);
int	 kshm_submit(struct engine *, struct proc *,
	    const struct op_request *);
void	 kshm_block_event(struct proc *, struct event *, char *, size_t);
void	 kshm_done(struct engine *, struct proc *, const struct kdone *);

/* kagent.c: kernel channels, the agent's side */
void	 kagent_fds(const unsigned char *, size_t, const int *, size_t);
void	 kagent_op(int, uint32_t, const unsigned char *, size_t);
void	 kagent_close(const unsigned char *, size_t);
void	 kagent_take(int, uint32_t, const unsigned char *, size_t);
void	 agent_kernel_title(const char *);
size_t	 kagent_sys(const struct kop *, const unsigned char *, size_t,
	    unsigned char *, size_t, struct kdone *, bool);

/* kbagent.c: a batch, the agent's side */
void	 kbagent_run(int, uint32_t, const int *, size_t *);
uint64_t now_ns(void);
ssize_t	 wire_send(int, uint32_t, uint32_t, const void *, size_t);
struct iovec;
ssize_t	 fd_send(int, struct iovec *, int, const int *, size_t, int);
ssize_t	 fd_recv(int, void *, size_t, int *, size_t *, int);
ssize_t	 wire_send_fds(int, uint32_t, const void *, size_t, const int *,
	    size_t);

/* wfg.c */
void	 wfg_check(struct engine *);

/* Wire protocol between broker and agent (SOCK_SEQPACKET messages). */
enum wire_type {
	/* broker -> agent */
	WIRE_CMD = 1,	/* perform an operation: u32 id + message bytes */
	WIRE_REPLY,	/* the answer to a request: i32 status + bytes */
	WIRE_BLOCKED,	/* your request waits: the title to show */
	WIRE_KILL,	/* send a signal: i32 pid, i32 sig */
	WIRE_MASK,	/* i32 sig */
	WIRE_UNMASK,	/* i32 sig */
	WIRE_EXIT,	/* i32 code */
	WIRE_PING,
	WIRE_KFDS,	/* kernel ends (SCM_RIGHTS): i32 number for each */
	WIRE_KOP,	/* a syscall on a kernel end: struct kop + bytes */
	WIRE_KCLOSE,	/* i32 numbers to close */
	WIRE_KREADY,	/* a poll's modeled channel is ready */
	WIRE_KTAKE,	/* recvmsg a passed end: i32 socket, i32 numbers */
	WIRE_KBATCH,	/* run the batch in the shared region (kbatch.c);
			   the region's memfd comes with the first */
	/* agent -> broker */
	WIRE_REQ = 32,	/* the request itself: u32 id + message bytes */
	WIRE_KILLED,	/* i32 errno of kill(2) */
	WIRE_CAUGHT,	/* i32 sig, i32 sender pid */
	WIRE_ACK,	/* mask/unmask done */
	WIRE_PONG,
	WIRE_KSTART,	/* about to make the syscall */
	WIRE_KDONE,	/* its result: struct kdone + bytes received */
	WIRE_KTAKEN,	/* i32 errno, i32 ends taken */
	WIRE_KBEND	/* the batch is over: u32 operations done */
};

/* Kernel channels on the wire.  A KOP's header and a 64 KiB message fit
 * in the agent's buffer (WIRE_BUF, proc.c): keep struct kop under 256. */
#define KFD_BASE	10	/* the agent's first kernel end */
#define KFD_CTL		(-1)	/* in WIRE_KFDS: the control socket */

struct kop {
	int32_t		 fd;
	int32_t		 kind;		/* OP_SEND, OP_RECV */
	int32_t		 mech;
	int32_t		 socktype;
	int32_t		 nonblock;
	int32_t		 timeout_ms;	/* -1: none */
	uint32_t	 max;		/* recv: buffer size */
	int32_t		 writable;	/* poll -w */
	int32_t		 nfds;		/* poll: int32 descriptors follow */
	int32_t		 mready;	/* poll: a modeled channel is ready */
	int32_t		 watch;		/* poll: modeled channels too: poll
					   the broker's socket alongside */
	int32_t		 move;		/* pass: close ours once sent */
	char		 title[40];	/* "send p": the title while in it */
	uint32_t	 index;		/* shm: the word */
	int32_t		 racy;
	int64_t		 value;
};

#define KD_TRUNC	0x1	/* a datagram longer than the buffer */
#define KD_FILL		0x2	/* inq and cap are this channel's fill */
#define KD_EOF		0x4	/* the read returned 0: the end */
#define KD_COUNTED	0x8	/* inq is counted from the events (kbatch.c) */

struct kdone {
	int32_t		 err;		/* errno, 0, or ETIMEDOUT */
	int32_t		 flags;
	int64_t		 n;		/* bytes written, read, or the
					   datagram's real length */
	int64_t		 inq;		/* FIONREAD right after (KD_FILL) */
	int64_t		 cap;
	uint64_t	 ns0, ns;	/* when the syscall began, returned */
};

/* The control thread's question and answer (one descriptor). */
struct kstat_rq {
	int32_t		 fd;
	int32_t		 mech;
	uint32_t	 seq;		/* echoed, so a late answer is known */
	int32_t		 pad;
};

struct kstat {
	int32_t		 err;
	uint32_t	 seq;
	int64_t		 inq;		/* FIONREAD */
	int64_t		 cap;		/* F_GETPIPE_SZ or SO_SNDBUF */
	int32_t		 waiting;	/* a message waits (an empty datagram
					   has FIONREAD 0) */
	int32_t		 pad;
};

/*
 * A batch of kernel operations a program's agent makes on its own
 * (kbatch.c, kbagent.c): the broker writes the orders into a region both
 * map, the agent writes each result and says how far it is with plain
 * stores -- no message per operation.  One batch at a time per agent.
 */
#define KB_MAX		256		/* operations in a batch */
#define KB_OUT		(1024 * 1024)	/* their messages, at most */
#define KB_IN		(1024 * 1024)	/* what they received, at most */

/* Plain stores and loads, ordered, on the memory an agent shares. */
#define LD(field)	atomic_load_explicit((_Atomic __typeof__(field) *) \
			    &(field), memory_order_acquire)
#define ST(field, v)	atomic_store_explicit((_Atomic __typeof__(field) *) \
			    &(field), (v), memory_order_release)

struct kb_ent {
	struct kop	 k;
	uint32_t	 off, len;	/* the message, in the out area */
};

struct kb_res {
	int32_t		 err;
	int32_t		 flags;
	int64_t		 n;
	int64_t		 inq, cap;	/* KD_FILL */
	uint64_t	 ns;		/* a send's start, a receive's end */
	uint64_t	 end_ns;	/* its end */
	uint64_t	 wait_ns;	/* when it found it must wait, or 0 */
	uint32_t	 off, len;	/* what it received, in the in area */
};

struct kb_head {
	uint32_t	 stop;		/* broker: start no more */
	uint32_t	 n;		/* orders in this batch */
	uint32_t	 done;		/* agent: results written */
	uint32_t	 cur;		/* agent: 1 + the one under way, or 0 */
	uint64_t	 cur_ns;	/* ... since then */
	uint32_t	 waiting;	/* ... 1 + it, once it waits in it */
	uint32_t	 pad2;
	uint32_t	 gen;		/* the batch's number */
	uint32_t	 modeled;	/* send the requests, make nothing */
};

/* What the broker keeps of each operation of a batch (kbatch.c). */
struct kb_op {
	char		 chan[NAME_LEN + 2];
	int		 line;		/* the program's line */
	int		 kside;		/* the agent's end */
	struct op_request *rq;		/* a modeled one: the request */
	unsigned char	*msg;		/* ... its bytes, as the agent sent
					   them (WIRE_REQ), once they came */
	size_t		 len;
	bool		 came;
};

struct kbatch {
	struct kb_shm	*shm;
	int		 memfd;		/* until the agent has it, or -1 */
	bool		 running;	/* go said, end not heard yet */
	uint32_t	 gen;
	size_t		 n;
	size_t		 drained;	/* results told */
	size_t		 total;		/* results written (at its end) */
	size_t		 adopted;	/* 1 + the one p->op stands for */
	size_t		 snap;		/* results written, at this look */
	bool		 told_blocked;	/* the next result's wait is told */
	bool		 wait_seen;	/* ... to be told, at this look */
	bool		 broken;	/* the agent could not map it */
	/* Modeled operations (mbatch.c): the broker makes them itself. */
	bool		 modeled;
	size_t		 started;	/* begun, from the first */
	bool		 halted;	/* no more may begin: stopped, failed,
					   or no step left */
	bool		 mopen;		/* not over: one may yet begin, or one
					   is under way */
	bool		 mkept;		/* requests or bytes kept (mbatch.c) */
	struct kb_op	 ops[KB_MAX];
};

struct kb_shm {
	struct kb_head	 h;
	struct kb_ent	 ent[KB_MAX];
	struct kb_res	 res[KB_MAX];
	unsigned char	 out[KB_OUT];
	unsigned char	 in[KB_IN];
};

struct wire_hdr {
	uint32_t	 type;
	uint32_t	 id;
};

#endif
