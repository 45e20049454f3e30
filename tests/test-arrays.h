/* test-arrays.h: random float arrays, their float64 copies, and the
 * relative error the layer tests measure against float64 references. */
#pragma once

#include <glib.h>

/* n floats uniform in [lo, hi). */
float  *random_floats  (GRand *rng, gsize n, double lo, double hi);
double *to_f64         (const float *v, gsize n);
/* max |got - want| / max |want|; asserts want is not all zeros. */
double  relative_error (const float *got, const double *want, gsize n);
