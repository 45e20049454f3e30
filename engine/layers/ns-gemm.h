/* ns-gemm.h: OpenBLAS products split over the engine's threads.
 *
 * OpenBLAS runs single-threaded (ns-parallel.h); these split a product into
 * independent pieces, one single-threaded OpenBLAS call each. */
#pragma once

#include <glib.h>
#include <cblas.h>

/* C = alpha A op(B) + beta C (row-major; A is m x k, op(B) k x n), split by
 * rows of A and C, or, when A has too few rows for every thread to get a
 * few hundred (each piece packs all of op(B)), by columns of op(B) and C. */
void ns_sgemm (int threads, CBLAS_TRANSPOSE trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* Column pieces for a product with m rows and n columns on this many
 * threads: 0 if it should be split by rows instead. */
int  ns_column_pieces (int threads, int m, int n);
/* Start of column piece i of n columns in pieces (multiples of
 * NS_GEMM_COLUMN_ALIGN, so that pieces start on a SIMD boundary). */
int  ns_column_split  (int n, int pieces, int i);
#define NS_GEMM_COLUMN_ALIGN 16

/* Upper triangle of C (n x n) += alpha A^T A for A (k x n, row-major), split
 * into column blocks of C of equal work or, for n <= 512, by rows of A into
 * partial sums added in a fixed order (reproducible either way). */
void ns_ssyrk_upper (int threads, int n, int k, float alpha, const float *a, float *c);
