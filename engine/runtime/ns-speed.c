/* ns-speed.c: the SGEMM rate probe. */
#include "ns-speed.h"

#include <cblas.h>

#define PROBE_SIZE 512
#define PROBE_RUNS 5      /* the best one counts: a busy moment only slows some */

double
ns_gemm_gflops_measure (void)
{
  const gsize count = (gsize) PROBE_SIZE * PROBE_SIZE;
  g_autofree float *a = g_try_new (float, count);
  g_autofree float *b = g_try_new (float, count);
  g_autofree float *c = g_try_new0 (float, count);
  if (!a || !b || !c)
    return 0;
  for (gsize i = 0; i < count; i++)
    {
      /* Plain values away from zero: denormals would slow the probe. */
      a[i] = 0.5f + (float) (i % 7) * 0.125f;
      b[i] = 1.0f - (float) (i % 5) * 0.125f;
    }
  /* As the engine runs it (ns-pass.c): one thread per call. */
  openblas_set_num_threads (1);
  gint64 best = G_MAXINT64;
  for (int run = 0; run <= PROBE_RUNS; run++)   /* run 0 warms the caches and pages */
    {
      gint64 start = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, PROBE_SIZE, PROBE_SIZE, PROBE_SIZE, 1.0f,
                   a, PROBE_SIZE, b, PROBE_SIZE, 0.0f, c, PROBE_SIZE);
      gint64 took = g_get_monotonic_time () - start;
      if (run > 0)
        best = MIN (best, took);
    }
  return 2.0 * PROBE_SIZE * PROBE_SIZE * PROBE_SIZE / (MAX (best, 1) * 1e3);
}
