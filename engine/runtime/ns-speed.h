/* ns-speed.h: how fast this machine multiplies matrices, measured. */
#pragma once

#include <glib.h>

typedef struct
{
  double gflops;                  /* by wall time */
  double gflops_per_cpu_second;   /* by the process's CPU time, all threads: the work, whatever the load */
} NsSgemmRate;

/* The SGEMM probe: `runs` products of size x size x size after one warm-up
 * (caches, pages), with OpenBLAS' thread count as it is; the best run
 * counts, as a busy moment only slows some. FALSE if its matrices do not
 * fit in memory. The benchmarks use it at their own size and threads
 * (bench/sgemm-rate.c, bench/bench-conv.c). */
gboolean ns_sgemm_rate (int size, int runs, NsSgemmRate *rate);

/* The engine's probe: the single-threaded rate in GFLOP/s, the best of
 * five 512 x 512 x 512 products (about 10 ms on a current core), with
 * OpenBLAS set to one thread as the engine runs it; 0 if it failed. Time
 * estimates scale by it, so they hold on machines faster or slower than
 * the one they were calibrated on. */
double ns_gemm_gflops_measure (void);
