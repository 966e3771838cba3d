/*
 * The front end's shared declarations: words, the command table, the
 * context a command runs in, and the printers.
 *
 * One path runs every command, whatever its source (a script file, -c,
 * standard input, the readline prompt): lex a line into commands, look
 * each up in the table, run it, then let the engine settle so that every
 * consequence has been printed before the next command.
 */

#ifndef IPCPLAY_H
#define IPCPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipccore.h"
#include "sb.h"

struct word {
	char	*s;		/* NUL-terminated; may hold NULs (see len) */
	size_t	 len;
	bool	 quoted;
	bool	 standin;	/* a program's $msg or $ready, checked when
				   the program runs: its value is not known */
	int	 col;		/* 1-based column in the line */
};

struct words {
	struct word	*v;
	size_t		 n;
};

enum cmd_result {
	CMD_OK,
	CMD_FAIL,
	CMD_QUIT
};

struct ctx;

/*
 * What goes at each position of a command, after its word (after
 * "PROC op" for an operation): the completer offers it, and the man page
 * names every kind.  Options ("-n", "--timeout MS") may come anywhere
 * and are listed apart.
 */
enum arg_kind {
	A_END = 0,
	A_NAME,		/* a new name: nothing to offer */
	A_PROC,		/* an existing process */
	A_CHAN,		/* an existing channel or @mailbox */
	A_CHAN_SEND,	/* one the process may send on (lists: c1,c2) */
	A_CHAN_RECV,	/* one the process may receive from */
	A_SIGNAL,	/* USR1, TERM, RTMIN+1, 9 ... */
	A_NUMBER,
	A_MSG,		/* a message */
	A_TEXT,		/* words for a person */
	A_BUFFERING,	/* a buffering kind, then the channel's options */
	A_COMMAND,	/* a command (help), or a whole command line (repeat) */
	A_TOPIC,	/* a lesson */
	A_EXPECT,	/* one of expect's forms */
	A_WORD,		/* one of .words */
	A_FILE,
	A_PROCS,	/* existing processes: P Q or P,Q */
	A_KCHAN,	/* a kernel channel the process holds an end of */
	A_SOCKPAIR,	/* a socket pair the process holds an end of */
	A_WORDREF,	/* a word of a region the process maps: NAME[I] */
	A_PROGRAM	/* a program defined with program NAME ... end */
};

#define CMD_ARGS_MAX	4

/* An option: a flag (kind A_END), or one that takes the next word. */
struct cmd_opt {
	const char		*name;		/* "-n", "--timeout" */
	enum arg_kind		 kind;		/* of its value */
	const char		*meta;		/* its value in usage: "MS" */
	long long		 lo, hi;	/* A_NUMBER: its range */
	const char		*what;		/* A_NUMBER: errors call it */
	const char *const	*words;		/* A_WORD: its values */
	const char		*not_with;	/* the option after it in the
						   list, which it excludes */
};

/* Options several commands take, a flag, and the end of a list. */
#define OPT_FLAG(n)	{ n, A_END, NULL, 0, 0, NULL, NULL, NULL }
#define OPT_END		OPT_FLAG(NULL)
#define OPT_NONBLOCK	{ "-n", A_END, NULL, 0, 0, NULL, NULL, "--timeout" }
#define OPT_TIMEOUT	{ "--timeout", A_NUMBER, "MS", 0, 3600000, "timeout", \
			    NULL, NULL }

/* The number at an A_NUMBER position: its range and what errors call it. */
struct cmd_range {
	long long	 lo, hi;
	const char	*what;
};

struct args;

struct cmd_entry {
	const char	*name;
	const char	*help;
	const char	*example;
	int		 min_args;	/* positions, options not counted */
	int		 max_args;	/* -1: any */
	bool		 proc_op;	/* written "PROC name ..." */
	bool		 whole;		/* never abbreviated (quit, reset) */
	enum arg_kind	 args[CMD_ARGS_MAX];	/* by position, A_END */
	const char	*meta[CMD_ARGS_MAX];	/* usage's names, if not the
						   kind's */
	bool		 rest;		/* the last kind repeats */
	const char	*tail;		/* usage after the positions it must
					   have, where kinds cannot say it */
	const char *const *words;	/* for A_WORD */
	struct cmd_range range;		/* for A_NUMBER */
	const struct cmd_opt *opts;	/* its options, ended by { NULL } */
	enum cmd_result	(*exec)(struct ctx *, struct args *);
};

/*
 * A command as the table reads it (args.c), handed to its exec: the words
 * as typed, the arguments by position with options taken out, numbers
 * and signals already checked, and the options given.
 */
struct arg {
	struct word	*w;
	enum arg_kind	 kind;
	long long	 num;		/* A_NUMBER */
	int		 sig;		/* A_SIGNAL */
};
struct arg_opt {
	const struct cmd_opt	*o;
	struct word		*w;		/* the option */
	struct word		*val;		/* its value, or NULL */
	long long		 num;		/* A_NUMBER */
};
struct args {
	const struct cmd_entry	*ce;
	struct word		*w;		/* the whole command */
	size_t			 n;
	struct arg		*v;		/* the arguments */
	size_t			 nv;
	struct arg_opt		*o;		/* the options, in order */
	size_t			 no;
};

const char	*arg_kind_name(enum arg_kind);
bool		 cmd_is_option(const struct cmd_entry *, const struct word *);
const struct cmd_opt *cmd_opt_find(const struct cmd_entry *, const char *);
bool		 cmd_opt_has_value(const struct cmd_entry *, const char *);
enum arg_kind	 cmd_arg_kind(const struct cmd_entry *, size_t);
int		 cmd_parse(struct ctx *, const struct cmd_entry *,
		    struct word *, size_t, size_t, bool, struct args *);
void		 args_free(struct args *);
const struct arg_opt *args_opt(const struct args *, const char *);
const char	*cmd_usage(const struct cmd_entry *);

/*
 * A channel's KEY=VALUE options (cmd-chan.c), read by its parser and by
 * the completer: the kinds of channel each is for, and the words it
 * takes ("fixed:" is followed by a number), or NULL for a number, in
 * lo..hi when hi is not 0 (drop= and its kin are probabilities).
 */
#define CK_MODELED	1
#define CK_PIPE		2		/* pipe, fifo */
#define CK_MQ		4
#define CK_UNBOUNDED	8		/* modeled, unbounded */
#define CK_BUFFERED	16		/* modeled, unbounded or bounded */
struct chan_key {
	const char		*key;		/* "format=" */
	unsigned		 on;
	const char *const	*values;
	long long		 lo, hi;
};
extern const struct chan_key chan_keys[];
extern const char *const chan_bufferings[];
extern const char *const chan_socktypes[];
const struct chan_key *chan_key_find(const char *, unsigned);
unsigned	 chan_keys_for(const char *);

/*
 * expect's forms (cmd-expect.c), read by its dispatcher and by the
 * completer: what the first word names, the form's word, the words that
 * follow it (min to max, -1: any; their kinds by position, the last
 * repeating if rest), and the check.
 */
enum expect_subject { EXS_NONE, EXS_PROC, EXS_CHAN };
struct expect_subj;
struct expect_form {
	enum expect_subject	 subject;
	const char		*word;
	const char		*usage;		/* what follows word */
	int			 min, max;
	enum arg_kind		 args[2];
	bool			 rest;
	const char *const	*words;		/* for A_WORD */
	int			(*check)(struct ctx *, struct word *, size_t,
				    struct expect_subj *, char **);
};
extern const struct expect_form expect_forms[];
char	*expect_form_usage(const struct expect_form *);

struct trace_ring;

/* The last lines of the transcript, for "expect saw": a bounded list. */
struct linebuf {
	char		**v;		/* oldest first, inside base */
	size_t		  n;		/* at most RECENT_MAX */
	size_t		  bytes;	/* at most RECENT_BYTES */
	char		**base;		/* room for 2 * RECENT_MAX: the
					   lines move down once per
					   RECENT_MAX added, not each time */
};

enum out_kind {
	OUT_EVENT,	/* one event's line */
	OUT_TEXT,	/* a command's own output (ps, help, ...) */
	OUT_ERROR	/* an error or a failed expect */
};

struct ctx {
	struct engine	*e;
	const char	*file;		/* "-c", "stdin", a path */
	int		 line;
	const char	*linebuf;	/* the line being run, for carets */
	bool		 json;
	bool		 bail;
	bool		 color;
	bool		 interactive;
	int		 status;	/* exit status so far */
	bool		 fail_pending;	/* the last command failed */
	bool		 stop;		/* --bail tripped, or stdout failed */
	bool		 read_error;	/* a script could not be read: exit 2 */
	int		 out_errno;	/* why stdout failed, or 0 */
	long long	 repeat_max;	/* 0: REPEAT_MAX (a fuzzer sets less) */
	bool		 quit_armed;	/* asked: the next quit or Ctrl-D goes */
	struct sb	 text;		/* --json: a line of text not yet out */
	FILE		*out;
	/* The op being watched for its own event's status. */
	const char	*watch_proc;
	enum op_kind	 watch_op;
	bool		 watch_failed;
	char		*watch_error;
	struct trace_ring *trace;
	struct linebuf	 recent;	/* since the last non-expect command */
	/*
	 * A lesson's exercise: every line since "exercise", which its
	 * checks' "expect saw" looks through (how was the task done?).
	 */
	struct linebuf	 attempt;
	bool		 recording;	/* an exercise is under way */
	bool		 checking;	/* its checks are running */
	void		(*tick)(struct ctx *);	/* a long command goes on */
	void		(*async_begin)(struct ctx *);
	void		(*async_end)(struct ctx *);
	bool		 want_dashboard;	/* -D / --dashboard */
	/* Set by the shell when a dashboard can be shown; NULL otherwise. */
	enum cmd_result	(*dashboard_set)(struct ctx *, int);
	void		*ui;		/* the shell's and dashboard's state */
	/*
	 * When set (the dashboard), every line goes here instead of to
	 * stdout/stderr: curses owns the terminal then.
	 */
	void		(*print_hook)(struct ctx *, enum out_kind, const char *);
	struct play	*play;		/* programs (prog.h) */
	struct msc	*msc;		/* the chart so far (msc.h) */
	bool		 dry;		/* check an operation, do not run it */
	bool		 capture;	/* make an operation's request, copied
					   into captured, and neither run it
					   nor say why not (runner-batch.c) */
	struct op_request *captured;
	bool		 nosettle;	/* submit an operation, do not wait */
	bool		 in_program;	/* the operation is a program's */
	bool		 no_files;	/* a fuzzer: no command writes a file */
	bool		 sim;		/* explore's model: no transcript */
	char		*last_error;	/* what cmd_fail said last */
	/* ipcplay compare: every modeled channel made with this buffering. */
	bool		 as_set;
	enum buffering	 as_buf;
	size_t		 as_cap;
	/*
	 * ipcplay serve: the classroom (serve.h), the dashboard's title
	 * line for it, and, while a student's command runs, where its own
	 * text and errors go (to that student, not the transcript).
	 */
	struct serve	*serve;
	const char	*headline;
	void		(*text_hook)(struct ctx *, enum out_kind, const char *);
	/* An event's human line, taken (true) before it is printed: a free
	   run's bursts are summed so (burst.c, set by run.c). */
	bool		(*event_take)(struct ctx *, const struct event *,
			    const char *);
	int		 depth;		/* run_line calls under way */
	void		(*after_command)(struct ctx *);	/* serve: a reset's
						   students get processes */
};

/* lex.c */
int	 lex_line(const char *, struct words **, size_t *, char **, int *);
void	 words_free(struct words *, size_t);
char	*word_quote(const unsigned char *, size_t);
char	*word_quote_cut(const unsigned char *, size_t, size_t, size_t,
	    bool *);
size_t	 word_quote_fit(const unsigned char *, size_t, size_t);
size_t	 utf8_len(const unsigned char *, size_t);
size_t	 utf8_shown(const unsigned char *, size_t);
char	*text_safe(const char *);
size_t	 text_columns(const char *);
size_t	 text_char(const char *, size_t *);
size_t	 text_fit(const char *, size_t);
size_t	 text_wrap(const char *, size_t, char ***);

/* cmd.c, cmd-proc.c */
bool	 proc_names_ok(struct ctx *, struct word *, size_t);
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_lookup(const char *, char **);
const struct cmd_entry *op_lookup(const char *);
enum cmd_result	 op_run(struct ctx *, struct word *, struct op_request *);
bool	 cmd_is_reserved(const char *);
enum cmd_result cmd_run(struct ctx *, struct word *, size_t);
bool	 quit_confirmed(struct ctx *, const char *);
const struct cmd_entry *cmd_resolve(struct ctx *, const struct word *,
	    size_t);
enum cmd_result cmd_fail(struct ctx *, const struct word *, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
void	 cmd_failure(struct ctx *, enum cmd_result);
int	 run_line(struct ctx *, const char *);
enum cmd_result run_words(struct ctx *, struct word *, size_t);
bool	 is_expect_error(struct ctx *, const struct words *);
int	 run_line_len(struct ctx *, const char *, size_t);
const char *cmd_suggest(const char *);
char	*op_list(const char *const *);
const char *word_suggest(const char *const *, const char *);
size_t	 word_distance(const char *, const char *);
const char *name_suggest(struct ctx *, const char *, bool);
#define REPEAT_MAX	1000000
int	 parse_uint(struct ctx *, const struct word *, long long, long long,
	    const char *, long long *);

/* output.c: what "expect saw" may look through, a command's last lines. */
#define RECENT_MAX	1000
#define RECENT_BYTES	(1024 * 1024)
void	 out_init(struct ctx *);
size_t	 term_columns(FILE *, size_t);
int	 compare_main(struct ctx *, const struct engine_config *, int,
	    char **);
void	 out_event(const struct event *, void *);
void	 out_printf(struct ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 out_line(struct ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 out_raw(struct ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 out_error(struct ctx *, int, const char *);
char	*event_human(const struct event *);
const char *event_failer(const struct event *, bool);
bool	 error_peer_gone(const char *, bool);
struct sb;
void	 deadlock_procs(struct sb *, const struct deadlock *);
void	 deadlock_cycle(struct sb *, const struct deadlock *);
void	 edge_text(struct sb *, const struct wfg_edge *);

/* glyph.c: arrows, dashes and lines in the locale's codeset. */
enum glyph { G_ARROW, G_DASH, G_ELLIPSIS, G_HLINE, G_BLOCK, G_NGLYPH };
void		 glyph_init(void);
bool		 glyph_utf8(void);
const char	*glyph(enum glyph);

/* cmd-show.c, cmd-graph.c */
int	 write_file(const char *, const char *, size_t, char **);
void	 json_begin(struct ctx *, struct sb *, const char *);
void	 json_end(struct ctx *, struct sb *);
/* svg.c */
char	*graph_svg(const struct wfg_edge *, size_t, const char *const *,
	    const bool *, size_t, const char *);

/* cmd-bench.c, bench-broker.c */
int	 bench_main(struct ctx *, int, char **, char **);
int	 bench_broker(int, size_t, size_t, int, int, double *, char **);

/* show-kernel.c */
void	 kshow_kind(char *, size_t, const struct chan_info *);
void	 kshow_contents(char *, size_t, const struct chan_info *);
void	 kshow_chan(struct sb *, const struct chan_info *);
void	 kshow_json(struct sb *, const struct chan_info *);
void	 kshow_bar(char *, size_t, int, const struct chan_info *);
bool	 kshow_holds(const struct chan_info *, const char *, bool);
char		*glyph_text(const char *);

/* json.c */
char	*event_json(const struct event *);
char	*json_str(const unsigned char *, size_t);
void	 json_kv(struct sb *, const char *, const char *);
void	 json_names(struct sb *, const char *, const char *const *, size_t);
void	 trace_print(struct ctx *, size_t);
void	 trace_free(struct ctx *);
void	 out_recent_clear(struct ctx *);
void	 out_held_flush(struct ctx *);
void	 ctx_end(struct ctx *);
void	 out_wrap(char *, FILE *);
void	 lines_clear(struct linebuf *);

/* wait.c */
struct ui_wait {
	struct pollfd	*pfd;
	size_t		 cap;
};
int	 ui_wait(struct ctx *, struct ui_wait *, const int *, short *, size_t,
	    int);
void	 ui_wait_free(struct ui_wait *);
void	 ui_catch_quit(struct ctx *);
void	 ui_catch_signal(int);
int	 ui_quit_signal(void);
void	 ui_quit_raise(void);
void	 ui_interrupt(void);
bool	 ui_stopping(void);
bool	 ui_interrupt_done(struct ctx *);

/* batch.c */
int	 batch_file(struct ctx *, const char *);
int	 batch_string(struct ctx *, const char *);
int	 batch_stream(struct ctx *, FILE *, const char *);
int	 batch_finish(struct ctx *);

#endif
