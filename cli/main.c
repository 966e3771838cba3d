/*
 * ipcplay: an educational IPC playground.  Options, then one of the
 * modes: batch (script files, -c, standard input that is not a terminal)
 * or the interactive shell.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "lesson.h"
#include "repl.h"

extern char **environ;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ipcplay [-D | --dashboard] [--seed N]\n"
	    "       ipcplay [--json] [--bail] [--seed N] [FILE ...]\n"
	    "       ipcplay [--json] [--bail] [--seed N] -c COMMANDS\n"
	    "       ipcplay [--json] [--seed N] lesson [NAME]\n"
	    "       ipcplay --help | --version\n"
	    "\n"
	    "An educational IPC playground: spawn real processes, connect\n"
	    "them with message-passing channels, and watch them block,\n"
	    "buffer and deadlock.\n"
	    "\n"
	    "  -D, --dashboard  the interactive shell with the live dashboard\n"
	    "  FILE ...      run script files in batch mode (- is stdin)\n"
	    "  -c COMMANDS   run COMMANDS (separated by ; or newlines)\n"
	    "  lesson [NAME] list the lessons, or play one step by step\n"
	    "  --json        print events as JSON lines\n"
	    "  --bail        stop at the first failed command or expect\n"
	    "  --seed N      seed for every random choice (default 0)\n"
	    "  --help        print this help\n"
	    "  --version     print the version\n"
	    "\n"
	    "With no FILE and no -c, ipcplay reads commands from standard\n"
	    "input: an interactive shell on a terminal, a script otherwise.\n"
	    "Type 'help' inside, or see ipcplay(1).\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dashboard", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "bail", no_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct engine_config	 cf;
	struct ctx		 ctx;
	const char		*cmds = NULL, *errstr;
	int			 ch, i, status;

	setproctitle_init(argc, argv, environ);
	memset(&cf, 0, sizeof(cf));
	memset(&ctx, 0, sizeof(ctx));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:Dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
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
				fprintf(stderr, "%s: --seed %s: %s\n",
				    getprogname(), optarg, errstr);
				return (2);
			}
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'V':
			printf("ipcplay %s\n", IPCPLAY_VERSION);
			return (0);
		default:
			if (optopt == 'c')
				fprintf(stderr, "%s: -c needs an argument\n",
				    getprogname());
			else if (optopt != 0)
				fprintf(stderr, "%s: unknown option -%c\n",
				    getprogname(), optopt);
			else
				fprintf(stderr, "%s: unknown option %s\n",
				    getprogname(), argv[optind - 1]);
			usage(stderr);
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "lesson") == 0) {
		if (cmds != NULL) {
			fprintf(stderr, "%s: -c and lesson do not go together\n",
			    getprogname());
			return (2);
		}
		ctx.out = stdout;
		ctx.e = engine_new(&cf);
		out_init(&ctx);
		status = lesson_main(&ctx, argc, argv);
		fflush(stdout);
		engine_free(ctx.e);
		trace_free(&ctx);
		out_recent_clear(&ctx);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0 && access(argv[i], R_OK) == -1) {
			fprintf(stderr, "%s: %s: %s\n", getprogname(), argv[i],
			    strerror(errno));
			return (2);
		}
	}
	if (cmds != NULL && argc > 0) {
		fprintf(stderr, "%s: -c and script files do not go together\n",
		    getprogname());
		return (2);
	}

	ctx.out = stdout;
	ctx.e = engine_new(&cf);
	out_init(&ctx);

	if (cmds != NULL)
		batch_string(&ctx, cmds);
	else if (argc > 0) {
		for (i = 0; i < argc && !ctx.stop; i++) {
			if (batch_file(&ctx, argv[i]) == -1)
				break;
		}
	} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		repl_run(&ctx);
		/* A typo at the prompt is not a failed session. */
		ctx.status = 0;
		ctx.fail_pending = false;
	}
	else
		batch_stream(&ctx, stdin, "stdin");
	status = batch_finish(&ctx);
	fflush(stdout);
	engine_free(ctx.e);
	trace_free(&ctx);
	out_recent_clear(&ctx);
	return (status);
}
