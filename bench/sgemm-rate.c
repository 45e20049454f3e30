/* sgemm-rate: OpenBLAS' single-precision GEMM throughput on this machine
 * (square 2048 matrices, the engine's probe at that size: ns-speed.h),
 * honouring OPENBLAS_NUM_THREADS. The benchmark uses it to tell engine
 * time from BLAS speed. */
#include "bench-common.h"
#include "ns-speed.h"

#include <cblas.h>
#include <stdio.h>

#define SIZE 2048
#define RUNS 5

int
main (int argc, char **argv)
{
  g_set_prgname ("sgemm-rate");
  NsSgemmRate rate;
  if (!ns_sgemm_rate (SIZE, RUNS, &rate))
    bench_fail ("not enough memory for three %dx%d matrices", SIZE, SIZE);
  printf ("sgemm_gflops %.2f\n", rate.gflops);
  printf ("sgemm_gflops_per_cpu_second %.2f\n", rate.gflops_per_cpu_second);
  printf ("sgemm_threads %d\n", openblas_get_num_threads ());
  return 0;
}
