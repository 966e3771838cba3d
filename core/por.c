/*
 * Partial-order reduction for explore (SPEC section 11): sleep sets.
 *
 * P. Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems" (LNCS 1032, 1996), chapter 5.  When a search has
 * tried process a's next operation from a state and then tries b's, and
 * the two are independent (they touch no channel in common), then in the
 * state after b there is no need to try a again: a-then-b reaches the
 * same state as b-then-a, by a schedule of the same length.  So each
 * state carries a set of processes asleep in it, inherited along
 * independent steps, and those are not tried.
 *
 * Unlike persistent sets, sleep sets prune steps, never states: every
 * state is still reached, at its shortest distance from the start, so a
 * breadth-first search still finds the shortest schedule to any problem,
 * a deadlock of some processes while others go on included, and an error
 * or a failed expect anywhere.  What is saved is the work of taking a
 * step that can only lead where the search has been.  With states stored
 * (explore keeps them all), a state met again with fewer processes
 * asleep must have the difference tried after all (the book's section
 * 5.3); the search does that.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipccore.h"

/* Do two next operations commute: no channel in common, nothing global? */
bool
por_independent(uint64_t a, uint64_t b)
{
	return (a != POR_ALL && b != POR_ALL && (a & b) == 0);
}

/*
 * The processes asleep after process k's step, from those asleep before
 * it or tried before it in the same state (z): the ones whose next
 * operation commutes with k's.  next[i] is process i's next operation's
 * channels, as bits.
 */
uint64_t
por_sleep(const uint64_t *next, size_t n, uint64_t z, size_t k)
{
	uint64_t	out = 0;
	size_t		i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		if (i != k && (z >> i & 1) && por_independent(next[i],
		    next[k]))
			out |= (uint64_t)1 << i;
	}
	return (out);
}
