/*
 * The wait-for graph and its deadlocks: deadlock, graph (text, DOT, SVG),
 * and write_file, which every command that writes a file shares.  Each
 * prints for people or, under --json, one object whose type is the
 * command's name.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcplay.h"
#include "sb.h"

static enum cmd_result
cmd_deadlock_exec(struct ctx *ctx, struct args *a)
{
	struct deadlock	*dl;
	struct event	 ev;
	struct sb	 b;
	size_t		 nd, i, j;
	char		*h;

	(void)a;
	nd = engine_deadlocks(ctx->e, &dl);
	if (ctx->json) {
		json_begin(ctx, &b, "deadlock_check");
		sb_printf(&b, ",\"deadlocked\":%s,\"count\":%zu}",
		    nd > 0 ? "true" : "false", nd);
		out_raw(ctx, "%s\n", b.s);
		sb_free(&b);
	}
	for (i = 0; i < nd; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_DEADLOCK;
		ev.deadlock = &dl[i];
		if (ctx->json) {
			engine_emit(ctx->e, &ev);
			continue;
		}
		h = event_human(&ev);
		out_printf(ctx, "%s\n", h);
		free(h);
		for (j = 0; j < dl[i].nbehind; j++) {
			memset(&ev, 0, sizeof(ev));
			ev.type = EV_STUCK;
			ev.status = ST_BLOCKED;
			ev.proc = dl[i].behind[j];
			ev.deadlock = &dl[i];
			ev.wait = &dl[i].bwaits[j];
			h = event_human(&ev);
			out_printf(ctx, "  %s\n", h);
			free(h);
		}
	}
	if (nd == 0 && !ctx->json)
		out_printf(ctx, "no deadlock\n");
	deadlocks_free(dl, nd);
	return (CMD_OK);
}

const struct cmd_entry cmd_deadlock_entry = {
	.name = "deadlock",
	.help = "Check for deadlock now and print each one (the processes, "
	    "what each waits for, a cycle), or \"no deadlock\".  The engine "
	    "also checks after every step by itself.",
	.example = "deadlock",
	.min_args = 0, .max_args = 0,
	.exec = cmd_deadlock_exec,
};

/*
 * Write len bytes to path, whole or not at all: into a temporary file
 * beside it, then renamed over it.  Only a regular file is replaced (not
 * /dev/full, a FIFO or a directory).  -1 with *cause on failure.
 */
int
write_file(const char *path, const char *data, size_t len, char **cause)
{
	struct stat	 st;
	char	*tmp, *real = NULL;
	FILE	*f;
	int	 fd, saved = 0, r;
	mode_t	 mode = 0644;
	bool	 ok;

	if (path[0] == '\0') {
		xasprintf(cause, "a file name is needed");
		return (-1);
	}
	/* A link to a file: the file is what gets replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (real = realpath(path, NULL)) != NULL) {
		r = write_file(real, data, len, cause);
		free(real);
		return (r);
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		xasprintf(cause, "cannot write %s: not a regular file", path);
		return (-1);
	}
	if (lstat(path, &st) == 0)
		mode = st.st_mode & 07777;	/* it keeps its permissions */

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return (-1);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		ok = false;
	} else {
		ok = fwrite(data, 1, len, f) == len && fflush(f) == 0 &&
		    fchmod(fd, mode) == 0;
		if (!ok)
			saved = errno;
		if (fclose(f) == EOF && ok) {
			saved = errno;
			ok = false;
		}
	}
	if (ok && rename(tmp, path) == -1) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		(void)unlink(tmp);
		xasprintf(cause, "cannot write %s: %s", path,
		    strerror(saved));
	}
	free(tmp);
	return (ok ? 0 : -1);
}

/* graph --svg FILE: the picture, with the cycle written under its title. */
static enum cmd_result
graph_svg_write(struct ctx *ctx, struct word *w, const char *file)
{
	struct wfg_edge	*v;
	struct deadlock	*dl;
	struct proc_info pi;
	struct sb	 cap;
	const char	**names = NULL;
	bool		*blocked = NULL;
	size_t		 ne, nd, np = 0, i, k;
	char		*svg, *why;
	int		 rc;

	if (ctx->no_files)
		return (cmd_fail(ctx, w, "writing files is off here"));
	ne = engine_wfg(ctx->e, &v);
	for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
		if (pi.state == PS_EXITED)
			continue;
		names = xreallocarray(names, np + 1, sizeof(*names));
		blocked = xreallocarray(blocked, np + 1, sizeof(*blocked));
		names[np] = xstrdup(pi.name);
		blocked[np++] = pi.state == PS_BLOCKED;
	}
	sb_init(&cap);
	nd = engine_deadlocks(ctx->e, &dl);
	for (i = 0; i < nd; i++) {
		sb_puts(&cap, i == 0 ? "DEADLOCK: " : "; ");
		if (dl[i].ncycle == 0) {
			for (k = 0; k < dl[i].nprocs; k++)
				sb_printf(&cap, "%s%s", k > 0 ? ", " : "",
				    dl[i].procs[k]);
			sb_puts(&cap, " (nobody could help)");
			continue;
		}
		for (k = 0; k < dl[i].ncycle; k++)
			sb_printf(&cap, "%s \xe2\x86\x92 ", dl[i].cycle[k]);
		sb_puts(&cap, dl[i].cycle[0]);
	}
	deadlocks_free(dl, nd);
	if (nd == 0)
		sb_puts(&cap, ne == 0 ? "nobody waits" : "no deadlock");
	svg = graph_svg(v, ne, names, blocked, np, cap.s);
	rc = write_file(file, svg, strlen(svg), &why);
	free(svg);
	if (rc == -1) {
		cmd_fail(ctx, w, "graph: %s", why);
		free(why);
	} else
		out_printf(ctx, "wrote the wait-for graph to %s (%zu edge%s; "
		    "%s)\n", file, ne, ne == 1 ? "" : "s", cap.s);
	sb_free(&cap);
	for (i = 0; i < np; i++)
		free((char *)names[i]);
	free(names);
	free(blocked);
	wfg_edges_free(v, ne);
	return (rc == -1 ? CMD_FAIL : CMD_OK);
}

static enum cmd_result
cmd_graph_exec(struct ctx *ctx, struct args *a)
{
	struct word	*w = a->w;
	size_t		 n = a->n;
	struct wfg_edge	*v;
	struct proc_info pi;
	struct sb	 b;
	size_t		 ne, i;
	bool		 dot = false;
	const char	*file = NULL;
	char		*s;

	if (n > 1 && strcmp(w[1].s, "--svg") == 0) {
		if (n < 3 || w[2].s[0] == '\0')
			return (cmd_fail(ctx, &w[1], "graph --svg needs a "
			    "file name"));
		if (n > 3)
			return (cmd_fail(ctx, &w[3], "unexpected '%s' (graph "
			    "--svg FILE)", w[3].s));
		return (graph_svg_write(ctx, &w[2], w[2].s));
	}
	if (n > 1) {
		if (strcmp(w[1].s, "--dot") != 0)
			return (cmd_fail(ctx, &w[1], "unknown option '%s' "
			    "(graph [--dot [FILE] | --svg FILE])", w[1].s));
		dot = true;
		if (n > 2 && w[2].s[0] == '\0')
			return (cmd_fail(ctx, &w[2], "graph --dot needs a file "
			    "name, or none to print the DOT"));
		if (n > 2)
			file = w[2].s;
	}
	ne = engine_wfg(ctx->e, &v);
	sb_init(&b);
	if (dot || ctx->json) {
		sb_puts(&b, "digraph waitfor {\n");
		for (i = 0; engine_proc_info(ctx->e, i, &pi); i++) {
			if (pi.state == PS_EXITED)
				continue;
			sb_printf(&b, "  \"%s\" [shape=box%s];\n", pi.name,
			    pi.state == PS_BLOCKED ? ",style=dashed" : "");
		}
		/*
		 * Nobody could help: a node of its own, whose name no process
		 * can have (a process may be called "nobody").
		 */
		for (i = 0; i < ne && v[i].to != NULL; i++)
			continue;
		if (i < ne)
			sb_puts(&b, "  \"(nobody)\" [label=\"nobody\","
			    "shape=plaintext];\n");
		for (i = 0; i < ne; i++) {
			sb_printf(&b, "  \"%s\" -> \"%s\" [label=\"%s %s\"%s];"
			    "\n", v[i].from, v[i].to != NULL ? v[i].to :
			    "(nobody)", op_name(v[i].op), v[i].chan,
			    v[i].deadlocked ? ",color=red" : "");
		}
		sb_puts(&b, "}\n");
	}
	if (file != NULL) {
		if (ctx->no_files)
			xasprintf(&s, "writing files is off here");
		if (ctx->no_files || write_file(file, b.s, b.len, &s) == -1) {
			sb_free(&b);
			wfg_edges_free(v, ne);
			cmd_fail(ctx, &w[2], "graph: %s", s);
			free(s);
			return (CMD_FAIL);
		}
		out_printf(ctx, "wrote the wait-for graph to %s (%zu edge%s)\n",
		    file, ne, ne == 1 ? "" : "s");
	} else if (ctx->json) {
		struct sb j;

		json_begin(ctx, &j, "graph");
		sb_puts(&j, ",\"edges\":[");
		for (i = 0; i < ne; i++) {
			sb_printf(&j, "%s{\"from\":\"%s\",\"to\":", i > 0 ?
			    "," : "", v[i].from);
			if (v[i].to != NULL)
				sb_printf(&j, "\"%s\"", v[i].to);
			else
				sb_puts(&j, "null");
			sb_printf(&j, ",\"op\":\"%s\",\"chan\":\"%s\","
			    "\"deadlocked\":%s}", op_name(v[i].op), v[i].chan,
			    v[i].deadlocked ? "true" : "false");
		}
		sb_puts(&j, "]");
		s = json_str((const unsigned char *)b.s, b.len);
		sb_printf(&j, ",\"dot\":%s", s);
		free(s);
		json_end(ctx, &j);
	} else if (dot)
		out_printf(ctx, "%s", b.s);
	else if (ne == 0)
		out_printf(ctx, "nobody waits\n");
	else {
		for (i = 0; i < ne; i++) {
			sb_free(&b);
			sb_init(&b);
			edge_text(&b, &v[i]);
			out_printf(ctx, "%s\n", b.s);
		}
	}
	sb_free(&b);
	wfg_edges_free(v, ne);
	return (CMD_OK);
}

static const char *const dot_words[] = { "--dot", "--svg", NULL };

const struct cmd_entry cmd_graph_entry = {
	.name = "graph",
	.help = "Print the wait-for graph: an arrow from each blocked process "
	    "to each process that could unblock it, marked DEADLOCK where "
	    "both are deadlocked.  --dot prints Graphviz DOT, or writes it to "
	    "FILE (then: dot -Tpng FILE > g.png); --svg FILE draws it as SVG, "
	    "the deadlock's cycle in red and written under the title.",
	.example = "graph --dot wait.dot",
	.min_args = 0, .max_args = 2,
	.args = { A_WORD, A_FILE }, .words = dot_words,
	.tail = "[--dot [FILE] | --svg FILE]",
	.exec = cmd_graph_exec,
};
