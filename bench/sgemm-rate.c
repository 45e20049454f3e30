/* sgemm-rate: measures OpenBLAS single-precision GEMM throughput on this
 * machine (square 2048 matrices), honouring OPENBLAS_NUM_THREADS. The
 * benchmark uses it to tell engine time from BLAS speed. */
#include <glib.h>
#include <cblas.h>
#include <stdio.h>
#include <time.h>

/* CPU seconds of the process (all threads): on a loaded machine, wall time
 * measures our share of the CPU, this measures the work. */
static double
cpu_now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

#define SIZE 2048
#define RUNS 5

int
main (void)
{
  const gsize count = (gsize) SIZE * SIZE;
  g_autofree float *a = g_new (float, count);
  g_autofree float *b = g_new (float, count);
  g_autofree float *c = g_new0 (float, count);
  /* Deterministic, non-trivial values; denormals or zeros could skew timing. */
  for (gsize i = 0; i < count; i++)
    {
      a[i] = (float) ((i * 7919) % 1000) / 1000.0f - 0.5f;
      b[i] = (float) ((i * 104729) % 1000) / 1000.0f - 0.5f;
    }

  double best = G_MAXDOUBLE, best_cpu = G_MAXDOUBLE;
  for (int run = -1; run < RUNS; run++)   /* run -1 is the warm-up */
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_now ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, SIZE, SIZE, SIZE,
                   1.0f, a, SIZE, b, SIZE, 0.0f, c, SIZE);
      double seconds = (g_get_monotonic_time () - start) / 1e6;
      double cpu = cpu_now () - cpu_start;
      if (run >= 0 && seconds < best)
        best = seconds;
      if (run >= 0 && cpu < best_cpu)
        best_cpu = cpu;
    }

  double gflops = 2.0 * SIZE * SIZE * (double) SIZE / best / 1e9;
  printf ("sgemm_gflops %.2f\n", gflops);
  printf ("sgemm_gflops_per_cpu_second %.2f\n", gflops * best / best_cpu);
  printf ("sgemm_threads %d\n", openblas_get_num_threads ());
  printf ("sgemm_checksum %.6g\n", (double) c[count / 2 + 17]);   /* keeps the work observable */
  return 0;
}
