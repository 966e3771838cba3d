/*
 * ipcplay: an educational IPC playground.  Options, then one of the
 * modes: batch (script files, -c, standard input that is not a terminal)
 * or the interactive shell.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "lesson.h"
#include "complete.h"
#include "repl.h"
#include "serve.h"

extern char **environ;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ipcplay [-D | --dashboard] [--seed N]\n"
	    "       ipcplay [--json] [--bail] [--seed N] [FILE ...]\n"
	    "       ipcplay [--json] [--bail] [--seed N] -c COMMANDS\n"
	    "       ipcplay [--json] [--seed N] lesson [NAME]\n"
	    "       ipcplay bench [MECH...] [--size BYTES[,BYTES...]] "
	    "[--count N]\n"
	    "                     [--cpu same|cross|both] [--json]\n"
	    "       ipcplay compare FILE --as KIND[,KIND...] [--json]\n"
	    "       ipcplay serve [--socket PATH | --listen HOST:PORT] "
	    "[--group GROUP]\n"
	    "                     [--log FILE] [FILE ...]\n"
	    "       ipcplay attach ADDRESS --as NAME [--code CODE]\n"
	    "       ipcplay [-c SETUP] --complete LINE\n"
	    "       ipcplay --grammar\n"
	    "       ipcplay --help | --version\n"
	    "\n"
	    "An educational IPC playground: spawn real processes, connect\n"
	    "them with message-passing channels, and watch them block,\n"
	    "buffer and deadlock.\n"
	    "\n"
	    "  -D, --dashboard  the interactive shell with the live dashboard\n"
	    "  FILE ...      run script files in batch mode (- is stdin)\n"
	    "  -c COMMANDS   run COMMANDS (separated by ; or newlines; -c again\n"
	    "                adds lines)\n"
	    "  lesson [NAME] list the lessons, or play one step by step\n"
	    "  bench ...     measure what each IPC mechanism costs here\n"
	    "  compare FILE --as KIND,...  run FILE once per buffering KIND\n"
	    "                (unbounded, bounded:N, register, rendezvous), side\n"
	    "                by side\n"
	    "  serve ...     a classroom: students attach to this playground\n"
	    "  attach ADDRESS --as NAME  join a classroom as process NAME\n"
	    "  --json        print events as JSON lines\n"
	    "  --bail        stop at the first failed command or expect\n"
	    "  --seed N      seed for every random choice (default 0)\n"
	    "  --complete LINE  what Tab offers after LINE (after -c or FILEs)\n"
	    "  --grammar     each command's arguments, from the command table\n"
	    "  --help        print this help\n"
	    "  --version     print the version\n"
	    "\n"
	    "With no FILE and no -c, ipcplay reads commands from standard\n"
	    "input: an interactive shell on a terminal, a script otherwise.\n"
	    "Type 'help' inside, or see ipcplay(1).\n");
}

/*
 * Keep descriptors 0, 1 and 2 taken (by /dev/null when they came closed)
 * so that no socket of the playground can land on them and receive the
 * transcript.  Returns a bit per descriptor that came closed: reading a
 * script from a closed stdin or printing to a closed stdout is an error,
 * not an empty script or a lost transcript.
 */
static int
std_fds(void)
{
	int	fd, closed = 0;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed |= 1 << fd;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			closed |= 1 << STDOUT_FILENO;
	}
	return (closed);
}

/*
 * The end of a run: everything printed must have reached standard
 * output, or the run failed (a full disk, a closed pipe).
 */
static int
finish(struct ctx *ctx, int status)
{
	ctx_end(ctx);
	if (ctx->out != stdout)
		fclose(ctx->out);
	errno = 0;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (ctx->out_errno != 0)
			errno = ctx->out_errno;
		else if (errno == 0)
			errno = EIO;
		warnx("stdout: %s", strerror(errno));
		if (status == 0)
			status = 1;
	}
	ui_quit_raise();	/* a SIGHUP or SIGTERM ended the session */
	return (ctx->read_error ? 2 : status);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dashboard", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "bail", no_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "complete", required_argument, NULL, 'C' },
		{ "grammar", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct engine_config	 cf;
	struct ctx		 ctx;
	const char		*cmds = NULL, *errstr, *complete = NULL;
	static char		*cmds_buf;	/* -c joined, for the run */
	char			*joined;
	struct stat		 sb;
	int			 ch, i, status, closed;
	bool			 grammar = false;

	engine_title_init(argc, argv, environ);
	glyph_init();
	if ((closed = std_fds()) & (1 << STDOUT_FILENO)) {
		warnx("stdout: %s", strerror(EBADF));
		return (1);
	}
	memset(&cf, 0, sizeof(cf));
	memset(&ctx, 0, sizeof(ctx));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:Dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			/* -c again: its commands follow, on the next line. */
			if (cmds != NULL) {
				xasprintf(&joined, "%s\n%s", cmds, optarg);
				free(cmds_buf);
				cmds = cmds_buf = joined;
			} else
				cmds = optarg;
			break;
		case 'D':
			ctx.want_dashboard = true;
			break;
		case 'j':
			ctx.json = true;
			break;
		case 'b':
			ctx.bail = true;
			break;
		case 's':
			cf.seed = strtonum(optarg, 0, LLONG_MAX, &errstr);
			if (errstr != NULL) {
				warnx("--seed %s: %s", optarg, errstr);
				return (2);
			}
			break;
		case 'C':
			complete = optarg;
			break;
		case 'G':
			grammar = true;
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'V':
			printf("ipcplay %s\n", IPCPLAY_VERSION);
			return (0);
		default:
			for (i = 0; longopts[i].name != NULL; i++) {
				if (longopts[i].val == optopt &&
				    longopts[i].has_arg == required_argument)
					break;
			}
			if (optopt == 'c')
				warnx("-c needs an argument");
			else if (optopt != 0 && longopts[i].name != NULL)
				warnx("--%s needs an argument", longopts[i].name);
			else if (optopt != 0)
				warnx("unknown option -%c", optopt);
			else
				warnx("unknown option %s", argv[optind - 1]);
			usage(stderr);
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (grammar) {
		if (argc > 0) {
			warnx("--grammar takes nothing else: %s", argv[0]);
			usage(stderr);
			return (2);
		}
		grammar_print();
		return (0);
	}
	if (argc > 0 && strcmp(argv[0], "bench") == 0) {
		char *cause = NULL, **bargv;

		if (cmds != NULL) {
			warnx("-c and bench do not go together");
			return (2);
		}
		/* --json before "bench" counts too. */
		bargv = xcalloc((size_t)argc + 1, sizeof(*bargv));
		for (i = 1; i < argc; i++)
			bargv[i - 1] = argv[i];
		if (ctx.json)
			bargv[argc - 1] = "--json";
		ctx.out = stdout;
		ctx.e = engine_new(&cf);
		out_init(&ctx);
		status = bench_main(&ctx, argc - 1 + (ctx.json ? 1 : 0), bargv,
		    &cause);
		free(bargv);
		if (status == 2) {
			warnx("bench: %s", cause);
			free(cause);
			fprintf(stderr, "usage: ipcplay bench [MECH...] [--size "
			    "BYTES[,BYTES...]] [--count N] [--cpu same|cross|"
			    "both] [--json]\n");
		}
		return (finish(&ctx, status));
	}
	if (argc > 0 && strcmp(argv[0], "compare") == 0) {
		if (cmds != NULL) {
			warnx("-c and compare do not go together");
			return (2);
		}
		ctx.out = stdout;
		status = compare_main(&ctx, &cf, argc, argv);
		fflush(stdout);
		return (status);
	}
	if (argc > 0 && (strcmp(argv[0], "serve") == 0 ||
	    strcmp(argv[0], "attach") == 0)) {
		if (cmds != NULL) {
			warnx("-c and %s do not go together", argv[0]);
			return (2);
		}
		if (argv[0][0] == 'a')
			return (attach_main(argc, argv));
		ctx.out = stdout;
		status = serve_main(&ctx, &cf, argc, argv);
		if (ctx.e == NULL)
			return (status);
		return (finish(&ctx, status));
	}
	if (argc > 0 && strcmp(argv[0], "lesson") == 0) {
		if (cmds != NULL) {
			warnx("-c and lesson do not go together");
			return (2);
		}
		ctx.out = stdout;
		ctx.e = engine_new(&cf);
		out_init(&ctx);
		status = lesson_main(&ctx, argc, argv);
		return (finish(&ctx, status));
	}
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 && (closed & 1) != 0) {
			warnx("stdin: %s", strerror(EBADF));
			return (2);
		}
		if (strcmp(argv[i], "-") == 0)
			continue;
		if (access(argv[i], R_OK) == -1 || stat(argv[i], &sb) == -1) {
			warnx("%s: %s", argv[i],
			    strerror(errno));
			return (2);
		}
		if (S_ISDIR(sb.st_mode)) {
			warnx("%s: %s", argv[i],
			    strerror(EISDIR));
			return (2);
		}
	}
	if (cmds != NULL && argc > 0) {
		warnx("-c and script files do not go together");
		return (2);
	}

	/* --complete prints the candidates only, not the setup's transcript. */
	ctx.out = complete != NULL ? fopen("/dev/null", "w") : stdout;
	if (ctx.out == NULL)
		err(2, "/dev/null");
	ctx.e = engine_new(&cf);
	out_init(&ctx);

	if (cmds != NULL)
		batch_string(&ctx, cmds);
	else if (argc > 0) {
		for (i = 0; i < argc && !ctx.stop; i++) {
			if (batch_file(&ctx, argv[i]) == -1)
				break;
		}
	} else if (complete != NULL)
		;	/* no script: complete in an empty playground */
	else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		repl_run(&ctx);
		/* A typo at the prompt is not a failed session. */
		ctx.status = 0;
		ctx.fail_pending = false;
	}
	else if (closed & (1 << STDIN_FILENO)) {
		warnx("stdin: %s", strerror(EBADF));
		ctx.read_error = true;
	} else
		batch_stream(&ctx, stdin, "stdin");
	if (complete != NULL) {
		fflush(stdout);
		complete_print(&ctx, complete);
	}
	return (finish(&ctx, batch_finish(&ctx)));
}
