/* ns-speed.c: the SGEMM rate probe (ns-speed.h). */
#include "ns-speed.h"

#include <cblas.h>
#include <time.h>

/* CPU seconds of the process (all threads): on a loaded machine, wall time
 * measures its share of the CPU, this measures the work. */
static double
cpu_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

gboolean
ns_sgemm_rate (int size, int runs, NsSgemmRate *rate)
{
  const gsize count = (gsize) size * size;
  g_autofree float *a = g_try_new (float, count);
  g_autofree float *b = g_try_new (float, count);
  g_autofree float *c = g_try_new0 (float, count);
  if (!a || !b || !c || runs < 1)
    return FALSE;
  for (gsize i = 0; i < count; i++)
    {
      /* Plain values away from zero: denormals would slow the probe. */
      a[i] = 0.5f + (float) (i % 7) * 0.125f;
      b[i] = 1.0f - (float) (i % 5) * 0.125f;
    }
  double best = G_MAXDOUBLE, best_cpu = G_MAXDOUBLE;
  for (int run = 0; run <= runs; run++)   /* run 0 warms the caches and pages */
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1.0f, a, size, b, size, 0.0f, c,
                   size);
      double seconds = (g_get_monotonic_time () - start) / 1e6, cpu = cpu_seconds () - cpu_start;
      if (run > 0)
        best = MIN (best, seconds), best_cpu = MIN (best_cpu, cpu);
    }
  double flop = 2.0 * size * size * (double) size;
  rate->gflops = flop / MAX (best, 1e-6) / 1e9;
  rate->gflops_per_cpu_second = flop / MAX (best_cpu, 1e-6) / 1e9;
  return TRUE;
}

double
ns_gemm_gflops_measure (void)
{
  NsSgemmRate rate;
  openblas_set_num_threads (1);   /* as the engine runs it (ns-pass.c) */
  return ns_sgemm_rate (512, 5, &rate) ? rate.gflops : 0;
}
