/*
 * explore (SPEC section 11): what the search (explore.c) and its report
 * (explore-report.c) share.
 */

#ifndef EXPLORE_H
#define EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcplay.h"

struct sb;

/*
 * What the stored states and the copies waiting to be expanded may take,
 * about: a search stops there, as at --max-states, rather than take the
 * session down with it.
 */
#define MEM_BUDGET	((size_t)1 << 30)

enum result { X_NONE, X_DEADLOCK, X_EXPECT, X_ERROR, X_UNMODELED };

struct node {
	size_t		 parent;	/* SIZE_MAX: the start */
	uint32_t	 who;		/* the runner that went */
	uint32_t	 depth;
	uint64_t	 sleep;		/* runners not to try from it */
	bool		 expanded;
};

struct item {
	struct ctx	*c;		/* NULL: made again from the start */
	size_t		 node;
	uint64_t	 want;		/* the runners to try */
	size_t		 cost;		/* what the copy holds, about */
};

struct slot {
	uint64_t	 h;
	unsigned char	*b;		/* NULL: empty */
	size_t		 len;
	size_t		 node;		/* its node, for its depth */
};

struct search {
	/* Channels by bit, and what each runner may ever touch. */
	char		**chans;
	size_t		  nchans;
	uint64_t	 *future;
	uint64_t	**touch;	/* each runner's instructions' */
	size_t		  nrun;
	bool		  full;		/* --full: no reduction */
	bool		  states_given;	/* --max-states, not the default */
	long long	  max_states, max_depth;
	struct node	 *nodes;
	size_t		  nnodes;
	struct item	 *q;
	size_t		  qhead, qn;
	struct slot	 *tab;
	size_t		  tabcap, states;
	bool		  cut_depth, cut_states, interrupted;
	enum result	  result;
	size_t		  at;		/* the problem's node */
	char		 *unmodeled;	/* what the model could not do */
	uint64_t	  t0, shown;
	uint64_t	  tried;	/* steps taken, each from a copy */
	size_t		  mem;		/* bytes held, about (MEM_BUDGET) */
	bool		  cut_mem;
	struct ctx	 *root;		/* the start, as a model */
};

/* What the last step said, for the report: DEADLOCK or the error. */
struct said {
	char	**lines;
	size_t	  n;
};

/* explore-sim.c: models of the playground, and a step in one. */
struct ctx	*sim_new(struct ctx *, bool, char **);
struct ctx	*sim_new_out(struct ctx *, bool, const char *const *, size_t,
		    char **);
void		 sim_free(struct ctx *);
enum result	 step(struct ctx *, size_t);

/* explore.c */
size_t		 path_to(struct search *, size_t, uint32_t **);

/* explore-report.c */
void	 retrace(struct ctx *, struct ctx *, const uint32_t *, size_t,
	    char ***, char ***, struct sb *, struct said *, char ***,
	    size_t *);
void	 report(struct ctx *, struct search *, struct sb *, char **, size_t,
	    struct said *, char **, size_t, uint64_t);
bool	 already_deadlocked(struct ctx *, const struct word *);

#endif
