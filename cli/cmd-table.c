/*
 * The command table, and finding a command in it: by exact name, then by
 * unique prefix (an ambiguous prefix names the candidates); the nearest
 * one to a typo.  Each entry (in its cmd-*.c) carries its grammar, read
 * by args.c; cmd.c runs what is found here.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipcplay.h"
#include "sb.h"

extern const struct cmd_entry cmd_spawn_entry, cmd_kill_entry,
    cmd_channel_entry, cmd_close_entry, cmd_ps_entry, cmd_channels_entry,
    cmd_chan_entry, cmd_status_entry, cmd_deadlock_entry, cmd_graph_entry,
    cmd_trace_entry, cmd_tap_entry, cmd_untap_entry, cmd_filter_entry,
    cmd_balance_entry, cmd_sleep_entry, cmd_repeat_entry, cmd_expect_entry,
    cmd_say_entry, cmd_pause_entry, cmd_help_entry, cmd_quit_entry,
    cmd_send_entry, cmd_recv_entry, cmd_poll_entry, cmd_signal_entry,
    cmd_mask_entry, cmd_unmask_entry, cmd_exit_entry, cmd_dashboard_entry, cmd_stats_entry,
    cmd_predict_entry, cmd_exercise_entry, cmd_check_entry, cmd_lesson_entry,
    cmd_reset_entry, cmd_call_entry, cmd_reply_entry, cmd_replyrecv_entry,
    cmd_pass_entry, cmd_drop_entry, cmd_shm_entry, cmd_store_entry,
    cmd_load_entry, cmd_add_entry, cmd_wait_entry, cmd_wake_entry,
    cmd_bench_entry, cmd_program_entry, cmd_programs_entry, cmd_run_entry,
    cmd_step_entry, cmd_record_entry, cmd_replay_entry, cmd_prun_entry,
    cmd_pstop_entry, cmd_pcont_entry, cmd_msc_entry, cmd_explore_entry,
    cmd_kick_entry, cmd_seat_entry, cmd_students_entry;

const struct cmd_entry *const cmd_table[] = {
	&cmd_spawn_entry, &cmd_kill_entry, &cmd_reset_entry, &cmd_channel_entry,
	&cmd_close_entry, &cmd_send_entry, &cmd_recv_entry, &cmd_poll_entry,
	&cmd_call_entry, &cmd_reply_entry, &cmd_replyrecv_entry,
	&cmd_pass_entry, &cmd_drop_entry, &cmd_shm_entry, &cmd_store_entry,
	&cmd_load_entry, &cmd_add_entry, &cmd_wait_entry, &cmd_wake_entry,
	&cmd_bench_entry,
	&cmd_prun_entry, &cmd_pstop_entry, &cmd_pcont_entry,
	&cmd_program_entry, &cmd_programs_entry, &cmd_run_entry,
	&cmd_step_entry, &cmd_record_entry, &cmd_replay_entry,
	&cmd_explore_entry,
	&cmd_signal_entry, &cmd_mask_entry, &cmd_unmask_entry,
	&cmd_exit_entry, &cmd_ps_entry, &cmd_channels_entry, &cmd_chan_entry,
	&cmd_status_entry, &cmd_stats_entry, &cmd_deadlock_entry, &cmd_graph_entry,
	&cmd_msc_entry,
	&cmd_trace_entry, &cmd_tap_entry, &cmd_untap_entry,
	&cmd_filter_entry, &cmd_balance_entry, &cmd_sleep_entry,
	&cmd_repeat_entry, &cmd_expect_entry, &cmd_say_entry,
	&cmd_pause_entry, &cmd_predict_entry, &cmd_exercise_entry,
	&cmd_check_entry, &cmd_lesson_entry, &cmd_dashboard_entry,
	&cmd_help_entry, &cmd_kick_entry, &cmd_seat_entry,
	&cmd_students_entry,
	&cmd_quit_entry, NULL
};

const struct cmd_entry *
op_lookup(const char *name)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op &&
		    strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	return (NULL);
}

/* Words a process may not be called, so a line is never ambiguous. */
bool
cmd_is_reserved(const char *name)
{
	size_t	i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcasecmp(cmd_table[i]->name, name) == 0)
			return (true);
	}
	return (false);
}

/* Exact name, then unique prefix.  *amb gets the candidates if ambiguous. */
const struct cmd_entry *
cmd_lookup(const char *name, char **amb)
{
	const struct cmd_entry	*found = NULL;
	size_t			 i, n = 0, len = strlen(name);
	char			*s = NULL, *t;

	*amb = NULL;
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!cmd_table[i]->proc_op &&
		    strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	if (len == 0)
		return (NULL);
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->proc_op || cmd_table[i]->whole ||
		    strncmp(cmd_table[i]->name, name, len) != 0)
			continue;
		found = cmd_table[i];
		n++;
		if (s == NULL)
			s = xstrdup(found->name);
		else {
			xasprintf(&t, "%s, %s", s, found->name);
			free(s);
			s = t;
		}
	}
	if (n == 1) {
		free(s);
		return (found);
	}
	*amb = s;
	return (NULL);
}

/* The nearest command or operation word, or NULL if none is close. */
const char *
cmd_suggest(const char *word)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	for (i = 0; cmd_table[i] != NULL; i++) {
		d = word_distance(word, cmd_table[i]->name);
		if (d < bestd) {
			bestd = d;
			best = cmd_table[i]->name;
		}
	}
	return (best);
}

/* "send, recv, ...": the operation words of the table but those in skip. */
char *
op_list(const char *const *skip)
{
	struct sb	b;
	size_t		i, j;

	sb_init(&b);
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (!cmd_table[i]->proc_op)
			continue;
		for (j = 0; skip != NULL && skip[j] != NULL &&
		    strcmp(skip[j], cmd_table[i]->name) != 0; j++)
			continue;
		if (skip == NULL || skip[j] == NULL)
			sb_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    cmd_table[i]->name);
	}
	return (sb_take(&b));
}
