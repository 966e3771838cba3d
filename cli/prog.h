/*
 * Programs: what a process does on its own (SPEC section 10).
 *
 * prog.c reads definitions ("program NAME ... end", or "{ a; b }" on one
 * line) into checked instructions; run.c runs them, free or seeded.
 */

#ifndef PROG_H
#define PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcplay.h"

enum ins_kind {
	INS_OP,		/* a process operation: send, recv ... */
	INS_SLEEP,	/* sleep MS: this process only */
	INS_EXPECT,	/* expect ...: a failed one stops the run */
	INS_LOOP,	/* loop: up to its end, for ever */
	INS_END		/* the end of a loop */
};

struct ins {
	enum ins_kind	 kind;
	struct word	*w;		/* the command, after "repeat N" */
	size_t		 n;
	long long	 repeat;	/* repeat N: N; else -1 */
	size_t		 match;		/* loop: its end; end: its loop */
	char		*text;		/* as listed */
	const char	*src;		/* the line it was written on (one of
					   its program's srcs) */
	int		 fline;		/* ... and its number there */
};

struct program {
	char		*name;
	char		*file;		/* where it was defined */
	int		 line;
	struct ins	*v;
	size_t		 n;
	char		**srcs;		/* its lines as written, once each */
	size_t		 nsrcs;
	int		 refs;		/* the table's and each runner's */
};

/* A process that runs a program, and where it is in it. */
struct runner {
	char		 name[NAME_LEN + 1];
	pid_t		 pid;		/* a new process of that name is not it */
	struct program	*prog;
	size_t		 pc;
	long long	 turn;		/* of the repeat at pc, 1-based */
	size_t		 cur;		/* the instruction of the op in flight */
	long long	 cur_turn;
	bool		 inflight;	/* its op is not done yet */
	bool		 ended;
	bool		 stopped;	/* P stop */
	uint64_t	 wake_ms;	/* sleeping until then (free run) */
	char		*ready;		/* $ready */
	char		*error;		/* its op failed: why */
	bool		 failed;	/* ... after a wait: the run stops */
	/*
	 * A batch of its operations its agent makes, or sends ahead, in a
	 * free run (runner-batch.c): how many, how many counted as steps,
	 * where ru is after each; and each instruction's request, made
	 * once when it has no $ in it (rk_cache_free frees them).
	 */
	bool		 kb;
	size_t		 kb_n, kb_counted;
	struct rk_pos	*kb_pos;
	void		**kb_cache;
	const struct program *kb_prog;
};

/* A line whose request cannot be a batch's, or must be made each time. */
#define RK_NONE		((void *)1)
#define RK_EACH		((void *)2)

/* Where a runner is: after an operation, and which it was. */
struct rk_pos {
	size_t		 pc, cur;
	long long	 turn, cur_turn;
};

struct prog_def;
struct burst;

/* The programs of a playground and the scheduler's state (ctx->play). */
struct play {
	struct program	**progs;
	size_t		  nprogs;
	struct prog_def	 *def;		/* a definition under way */
	struct runner	 *run;
	size_t		  nrun;
	struct engine	 *observed;	/* the engine run_observe is on */
	bool		  running;	/* a run or step is under way */
	bool		  deadlocked;	/* a deadlock was reported meanwhile */
	bool		  expect_failed;
	uint64_t	  rng;		/* the seeded scheduler's state */
	bool		  seeded;	/* rng was set by run --random */
	char		**sched;	/* record: the seeded steps so far */
	size_t		  nsched;
	char		**saved;	/* record without a file */
	size_t		  nsaved;
	struct burst	 *burst;	/* a free run's summaries */
};

/* A schedule, as record writes it and replay reads it (run.c). */
/* A schedule's longest line: a step whose message is the longest, written
   with an escape for every byte, and its words. */
#define SCHED_LINE_MAX	(4 * MSG_LEN_MAX + 4096)
#define SCHED_STEPS_MAX	10000000
#define SCHED_HEAD	"# ipcplay schedule: step, process, program:line, " \
			"operation"

int	 sched_write(const char *, char *const *, size_t, char **);

/* prog.c */
struct play	*play_get(struct ctx *);
void		 prog_table_free(struct play *);
size_t		 prog_line(struct ctx *, struct words *, size_t);
bool		 prog_defining(const struct ctx *);
const char	*prog_def_name(const struct ctx *);
void		 prog_eof(struct ctx *);
void		 prog_bad_line(struct ctx *);
void		 prog_abandon(struct ctx *);
const char	*prog_prompt(const struct ctx *, const char *);
struct program	*prog_find(struct play *, const char *);
void		 prog_release(struct program *);
char		*prog_word_show(const struct word *);
/* $i, $msg and $ready: their values, and which a word used. */
struct prog_vals {
	long long		 turn;
	const unsigned char	*msg;
	size_t			 msglen;
	const char		*ready;
};
#define PV_I		1
#define PV_MSG		2
#define PV_READY	4
struct word	 prog_expand(const struct word *, const struct prog_vals *,
		    unsigned *);

/* runner.c: a process that runs a program. */
enum step_r { SR_OP, SR_SLEEP, SR_ENDED, SR_FAIL };
void		 run_reset(struct ctx *);
void		 play_free(struct ctx *);
struct play	*play_observed(struct ctx *);
struct runner	*runner_find(struct play *, const char *);
void		 runner_show(struct ctx *, struct runner *);
const char	*runner_state(struct ctx *, struct runner *, size_t *);
bool		 runner_live(struct ctx *, struct runner *, struct proc_info *);
bool		 runner_ready(struct ctx *, struct runner *, bool *);
void		 runner_sweep(struct ctx *);
const struct ins *runner_next(const struct runner *, size_t *);
const struct ins *runner_advance(struct runner *, bool *);
void		 rk_cache_free(struct runner *);

/* runner-batch.c: a program's operations in a free run, in batches. */
bool		 rk_start(struct ctx *, struct runner *);
bool		 rk_poll(struct ctx *, struct runner *, uint64_t *, bool *);
void		 rk_stop(struct ctx *, struct runner *);
void		 rk_stop_all(struct ctx *, struct play *, uint64_t *);
enum step_r	 runner_step(struct ctx *, struct runner *, bool);

/* burst.c: a free run's human transcript, bursts summarised. */
struct burst	*burst_new(void);
bool		 burst_take(struct ctx *, const struct event *, const char *);
void		 burst_flush(struct ctx *);
void		 burst_free(struct burst *);

#endif
