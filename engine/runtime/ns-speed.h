/* ns-speed.h: how fast this machine multiplies matrices, measured. */
#pragma once

#include <glib.h>

/* Single-threaded OpenBLAS SGEMM rate in GFLOP/s: the best of a few
 * 512 x 512 x 512 products (about 10 ms on a current core); 0 if its
 * matrices do not fit in memory. Sets OpenBLAS to one thread, as the
 * engine runs it. Time estimates scale by it, so they hold on machines
 * faster or slower than the one they were calibrated on. */
double ns_gemm_gflops_measure (void);
