/*
 * Partial-order reduction for explore (SPEC section 11): which of the
 * processes that can go a search must try from a state.
 *
 * The method is Godefroid's persistent sets computed from conflicts
 * (P. Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems", LNCS 1032, 1996, chapter 4): a set T of the next
 * transitions is persistent when no sequence of transitions outside T
 * can touch what a transition in T touches.  A process's transitions
 * here touch channels; what a process may ever touch is known from its
 * program (every channel it names; a name built at run time, a reply,
 * an exit or an expect count as touching everything).  Starting from
 * one process that can go, the set grows with every process that may
 * ever touch a channel the set's next operations touch, and their next
 * operations' channels, until nothing is added.  If a process that
 * cannot go now (blocked, stopped) is drawn in, the set is abandoned:
 * what would release it is not known here.  Of the sets that hold, the
 * smallest is taken.  Exploring only such sets reaches every deadlock
 * (Godefroid, theorem 4.3); the search (cli/explore.c) adds the
 * breadth-first cycle proviso so that no process is put off for ever.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipccore.h"

static int
ones(uint64_t v)
{
	int	n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return (n);
}

uint64_t
por_persistent(const struct por_proc *v, size_t n)
{
	uint64_t	enabled = 0, best = 0, set, chans;
	size_t		i, q;
	bool		grew, ok;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		if (v[i].enabled)
			enabled |= (uint64_t)1 << i;
	}
	for (i = 0; i < n; i++) {
		if (!v[i].enabled)
			continue;
		set = (uint64_t)1 << i;
		chans = v[i].next;
		ok = true;
		do {
			grew = false;
			for (q = 0; q < n && ok; q++) {
				if ((set >> q & 1) || !v[q].live ||
				    (v[q].future & chans) == 0)
					continue;
				if (!v[q].enabled)
					ok = false;
				set |= (uint64_t)1 << q;
				chans |= v[q].next;
				grew = true;
			}
		} while (grew && ok);
		if (ok && (best == 0 || ones(set) < ones(best)))
			best = set;
	}
	return (best != 0 ? best : enabled);
}
