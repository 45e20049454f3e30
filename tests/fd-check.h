/* fd-check.h: central-difference checks of the gradients the engine computes
 * through a network (piecewise linear: ReLU and max-pool kinks). */
#pragma once

#include "ns-objective.h"

/* TRUE if some node of the network is not linear in input coordinate i over
 * [input - eps, input + eps]: a ReLU or max-pool kink lies in between, where
 * a central difference is not a derivative. pass is scratch; input is left
 * as it was. */
gboolean fd_crosses_kink (NsPass *pass, float *input, gsize i, float eps);

typedef struct
{
  int    checked, skipped;  /* coordinates compared, and skipped at kinks */
  double max_rel_error;     /* see fd_relative_error() */
  double l2_rel_error;      /* |g - fd| / |fd| over the checked coordinates */
} FdReport;

/* |got - want| / max(|got|, |want|, floor): floor (a typical gradient size)
 * keeps coordinates whose gradient is almost zero from dominating. */
double fd_relative_error (double got, double want, double floor);

/* Compares ns_objective_evaluate()'s gradient at x (RGB 0..1) with the
 * fourth-order central difference (steps +-eps, +-2 eps) at n random
 * coordinates along which the network crosses no kink. */
void fd_check_objective (NsObjective *objective, const double *x, int n, double eps, GRand *rng,
                         FdReport *report);
