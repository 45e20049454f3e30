/* test-arrays.c: helpers shared by the layer tests (test-arrays.h). */
#include "test-arrays.h"

#include <math.h>

float *
random_floats (GRand *rng, gsize n, double lo, double hi)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rng, lo, hi);
  return v;
}

double *
to_f64 (const float *v, gsize n)
{
  double *d = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    d[i] = v[i];
  return d;
}

double
relative_error (const float *got, const double *want, gsize n)
{
  double scale = 0.0, err = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      scale = fmax (scale, fabs (want[i]));
      err = fmax (err, fabs (got[i] - want[i]));
    }
  g_assert_cmpfloat (scale, >, 0.0);
  return err / scale;
}
