/* ns-optimizer.c: L-BFGS through libLBFGS.
 *
 * Choices made for style transfer:
 * - More-Thuente line search (libLBFGS' default): it both backtracks and
 *   extrapolates, so neither a too long nor a too short first step hurts.
 *   libLBFGS scales the first step to unit length in x; later steps use the
 *   curvature of the history.
 * - No gradient-norm test (epsilon = 0): libLBFGS' test ||g|| < eps ||x|| is
 *   not scale-free, and mean-normalised losses have tiny gradients on large
 *   images, so it would stop real runs early. A run ends at the iteration
 *   budget, on the callback's request, or when the line search can no
 *   longer decrease f (numerical convergence).
 * - A line-search failure after progress clears the L-BFGS history and
 *   restarts from the best point (float gradients can spoil one direction);
 *   a restart that cannot make a single step ends the run.
 * - x always ends at the best accepted point seen.
 * - A value or gradient that is not finite ends the run at once: it means a
 *   failed evaluation or corrupt weights, never a usable step.
 * Everything is sequential and deterministic for a deterministic objective.
 */
#include "ns-optimizer.h"

#include <lbfgs.h>
#include <math.h>
#include <string.h>

#define DEFAULT_HISTORY  8
#define MAX_LINESEARCH   20
/* Some libLBFGS builds use SSE and need n to be a multiple of 16 and aligned
 * x; padding with variables of zero gradient keeps them at zero. */
#define PAD              16

typedef struct
{
  gsize           n;
  NsObjectiveFunc objective;
  NsIterationFunc iteration;
  gpointer        user_data;
  int             done;          /* iterations completed before this run */
  int             run_done;      /* iterations completed in this run */
  gboolean        stopped;
  gboolean        not_finite;    /* an evaluation gave NaN or infinity */
  double         *best;          /* best accepted point, n values */
  double          best_fx;
  gboolean        have_best_fx;
} Run;

static lbfgsfloatval_t
evaluate (void *instance, const lbfgsfloatval_t *x, lbfgsfloatval_t *g,
          const int n_padded, const lbfgsfloatval_t step)
{
  Run   *run = instance;

  /* libLBFGS cannot be stopped from here: later calls return NaN at once,
   * which ends its line search within a few cheap calls. */
  if (run->not_finite)
    return NAN;
  double f = run->objective (x, g, run->n, run->user_data);
  memset (g + run->n, 0, (n_padded - run->n) * sizeof *g);
  gboolean finite = isfinite (f);
  for (gsize i = 0; i < run->n && finite; i++)
    finite = isfinite (g[i]);
  if (!finite)
    {
      run->not_finite = TRUE;
      return NAN;
    }
  /* The first evaluation of all is at the start point. */
  if (!run->have_best_fx)
    {
      run->best_fx = f;
      run->have_best_fx = TRUE;
    }
  return f;
}

static int
progress (void *instance, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g,
          const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
          const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step,
          int n_padded, int k, int ls)
{
  Run *run = instance;

  run->run_done = k;
  if (fx <= run->best_fx)
    {
      memcpy (run->best, x, run->n * sizeof *x);
      run->best_fx = fx;
    }
  if (run->iteration &&
      !run->iteration (x, fx, run->done + k, run->user_data))
    {
      run->stopped = TRUE;
      return 1;
    }
  return 0;
}

/* Errors of the line search, which mean "no further decrease found". */
static gboolean
is_line_search_error (int status)
{
  switch (status)
    {
    case LBFGSERR_OUTOFINTERVAL:
    case LBFGSERR_INCORRECT_TMINMAX:
    case LBFGSERR_ROUNDING_ERROR:
    case LBFGSERR_MINIMUMSTEP:
    case LBFGSERR_MAXIMUMSTEP:
    case LBFGSERR_MAXIMUMLINESEARCH:
    case LBFGSERR_WIDTHTOOSMALL:
    case LBFGSERR_INVALIDPARAMETERS:
    case LBFGSERR_INCREASEGRADIENT:
      return TRUE;
    default:
      return FALSE;
    }
}

NsOptimizerResult
ns_optimize (double *x, gsize n, const NsOptimizerParams *params,
             NsObjectiveFunc objective, NsIterationFunc iteration,
             gpointer user_data, double *fx, int *iterations_done)
{
  gsize             n_padded = (n + PAD - 1) / PAD * PAD;
  NsOptimizerResult result = NS_OPTIMIZER_DONE;
  Run               run = { .n = n, .objective = objective, .iteration = iteration,
                            .user_data = user_data };

  if (iterations_done)
    *iterations_done = 0;
  if (n == 0 || n_padded > G_MAXINT)
    {
      if (fx)
        *fx = NAN;
      return NS_OPTIMIZER_FAILED;
    }
  if (params->iterations <= 0)
    {
      /* libLBFGS reads 0 as "no limit"; here it means "just evaluate". */
      g_autofree double *g = g_try_new (double, n);
      double f = g ? objective (x, g, n, user_data) : NAN;
      gboolean finite = isfinite (f);
      for (gsize i = 0; i < n && finite; i++)
        finite = isfinite (g[i]);
      if (fx)
        *fx = f;
      return !g ? NS_OPTIMIZER_NO_MEMORY : finite ? NS_OPTIMIZER_DONE : NS_OPTIMIZER_NOT_FINITE;
    }

  lbfgs_parameter_t lp;
  lbfgs_parameter_init (&lp);
  lp.m = params->history > 0 ? params->history : DEFAULT_HISTORY;
  lp.epsilon = 0.0;
  lp.linesearch = LBFGS_LINESEARCH_MORETHUENTE;
  lp.max_linesearch = MAX_LINESEARCH;

  lbfgsfloatval_t *xp = lbfgs_malloc ((int) n_padded);
  run.best = xp ? g_try_new (double, n) : NULL;
  if (!run.best)
    {
      lbfgs_free (xp);
      if (fx)
        *fx = NAN;
      return NS_OPTIMIZER_NO_MEMORY;
    }
  memcpy (run.best, x, n * sizeof *x);
  run.best_fx = NAN;

  while (run.done < params->iterations)
    {
      memcpy (xp, run.best, n * sizeof *xp);
      memset (xp + n, 0, (n_padded - n) * sizeof *xp);
      lp.max_iterations = params->iterations - run.done;
      run.run_done = 0;

      int status = lbfgs ((int) n_padded, xp, NULL, evaluate, progress, &run, &lp);
      run.done += run.run_done;

      if (run.stopped)
        {
          result = NS_OPTIMIZER_STOPPED;
          break;
        }
      if (run.not_finite)
        {
          result = NS_OPTIMIZER_NOT_FINITE;
          break;
        }
      if (status >= 0 || status == LBFGSERR_MAXIMUMITERATION)
        break;                    /* converged or budget spent */
      if (status == LBFGSERR_OUTOFMEMORY)
        {
          result = NS_OPTIMIZER_NO_MEMORY;   /* its history did not fit: x keeps the best point */
          break;
        }
      if (is_line_search_error (status) && run.run_done > 0)
        continue;                 /* restart with a fresh history */
      /* No step possible: converged if we got anywhere, else a failure. */
      if (!is_line_search_error (status) || run.done == 0)
        result = NS_OPTIMIZER_FAILED;
      break;
    }

  memcpy (x, run.best, n * sizeof *x);
  if (fx)
    *fx = run.have_best_fx ? run.best_fx : NAN;
  if (iterations_done)
    *iterations_done = run.done;
  lbfgs_free (xp);
  g_free (run.best);
  return result;
}
