/* ns-optimizer.h: L-BFGS through libLBFGS, with a per-iteration callback. */
#pragma once

#include <glib.h>

/* Returns f(x) and writes its gradient. */
typedef double   (*NsObjectiveFunc) (const double *x, double *grad, gsize n, gpointer user_data);
/* Called after every iteration (1-based); return FALSE to stop. */
typedef gboolean (*NsIterationFunc) (const double *x, double fx, int iteration, gpointer user_data);

typedef struct
{
  int iterations;     /* maximum number of iterations */
  int history;        /* L-BFGS memory m (pairs kept); 0 = default (5..10) */
} NsOptimizerParams;

typedef enum
{
  NS_OPTIMIZER_DONE,       /* reached the iteration count or converged */
  NS_OPTIMIZER_STOPPED,    /* the iteration callback returned FALSE */
  NS_OPTIMIZER_FAILED,     /* libLBFGS gave up (e.g. line search); x holds the best point */
  NS_OPTIMIZER_NOT_FINITE, /* the objective returned NaN or infinity (or such a gradient) */
  NS_OPTIMIZER_NO_MEMORY   /* its vectors (n doubles each) could not be allocated; x holds
                            * the best point so far */
} NsOptimizerResult;

/* Minimises f from x (updated in place). *fx receives the final value. */
NsOptimizerResult ns_optimize (double *x, gsize n, const NsOptimizerParams *params,
                               NsObjectiveFunc objective, NsIterationFunc iteration,
                               gpointer user_data, double *fx, int *iterations_done);
