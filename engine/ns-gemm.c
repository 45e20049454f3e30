/* ns-gemm.c: GEMM and SYRK split into independent single-threaded pieces. */
#include "ns-gemm.h"
#include "ns-parallel.h"

#include <math.h>

/* Below this much arithmetic a piece is not worth a thread. */
#define NS_GEMM_MIN_FLOPS 4e6
/* Every piece packs all of B: with at least this many rows of A per piece
 * the packing stays a few per cent of the arithmetic. */
#define NS_GEMM_MIN_PIECE_ROWS 256

typedef struct
{
  CBLAS_TRANSPOSE trans_b;
  int             m, n, k;
  float           alpha, beta;
  const float    *a, *b;
  int             lda, ldb, ldc;
  float          *c;
  int             pieces;      /* syrk: column blocks; gemm by columns: pieces */
} Product;

static void
gemm_rows (gsize begin, gsize end, int worker, gpointer p)
{
  const Product *g = p;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, g->trans_b, (int) (end - begin), g->n, g->k, g->alpha,
               g->a + begin * g->lda, g->lda, g->b, g->ldb, g->beta, g->c + begin * g->ldc, g->ldc);
}

static void
gemm_columns (gsize begin, gsize end, int worker, gpointer p)
{
  const Product *g = p;
  for (gsize i = begin; i < end; i++)
    {
      int n0 = ns_column_split (g->n, g->pieces, (int) i), n1 = ns_column_split (g->n, g->pieces, (int) i + 1);
      const float *b = g->trans_b == CblasNoTrans ? g->b + n0 : g->b + (gsize) n0 * g->ldb;
      if (n1 > n0)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, g->trans_b, g->m, n1 - n0, g->k, g->alpha, g->a, g->lda,
                     b, g->ldb, g->beta, g->c + n0, g->ldc);
    }
}

int
ns_column_pieces (int threads, int m, int n)
{
  threads = CLAMP (threads, 1, NS_MAX_THREADS);
  if (m >= threads * 2 * NS_GEMM_MIN_PIECE_ROWS || n < threads * 2 * NS_GEMM_COLUMN_ALIGN)
    return 0;
  return threads;
}

int
ns_column_split (int n, int pieces, int i)
{
  if (i >= pieces)
    return n;
  int units = (n + NS_GEMM_COLUMN_ALIGN - 1) / NS_GEMM_COLUMN_ALIGN;
  return MIN (units * i / pieces * NS_GEMM_COLUMN_ALIGN, n);
}

void
ns_sgemm (int threads, CBLAS_TRANSPOSE trans_b, int m, int n, int k, float alpha,
          const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
  Product g = { trans_b, m, n, k, alpha, beta, a, b, lda, ldb, ldc, c, 0 };
  if (m <= 0 || n <= 0)
    return;
  if ((g.pieces = ns_column_pieces (threads, m, n)) > 1 && 2.0 * m * n * k >= g.pieces * NS_GEMM_MIN_FLOPS)
    {
      ns_parallel_items ((gsize) g.pieces, g.pieces, gemm_columns, &g);
      return;
    }
  gsize min_rows = (gsize) MAX (NS_GEMM_MIN_FLOPS / MAX (2.0 * n * k, 1.0), NS_GEMM_MIN_PIECE_ROWS);
  ns_parallel_for ((gsize) m, min_rows, threads, gemm_rows, &g);
}

/* Column j of the upper triangle has j + 1 entries: block boundaries at
 * n sqrt(i / pieces) give the blocks equal work. */
static int
block_start (int n, int pieces, int i)
{
  return i >= pieces ? n : (int) lround (n * sqrt ((double) i / pieces));
}

/* Column block i of C's upper triangle: the square above the diagonal
 * block by one GEMM, the diagonal block by SYRK. Blocks write disjoint
 * parts of C, so no partial sums are needed. */
static void
syrk_block (gsize begin, gsize end, int worker, gpointer p)
{
  const Product *g = p;
  for (gsize i = begin; i < end; i++)
    {
      int j0 = block_start (g->n, g->pieces, (int) i), j1 = block_start (g->n, g->pieces, (int) i + 1);
      if (j1 <= j0)
        continue;
      if (j0 > 0)
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, j0, j1 - j0, g->k, g->alpha, g->a, g->n,
                     g->a + j0, g->n, 1.0f, g->c + j0, g->n);
      cblas_ssyrk (CblasRowMajor, CblasUpper, CblasTrans, j1 - j0, g->k, g->alpha, g->a + j0, g->n,
                   1.0f, g->c + (gsize) j0 * g->n + j0, g->n);
    }
}

void
ns_ssyrk_upper (int threads, int n, int k, float alpha, const float *a, float *c)
{
  if (n <= 0 || k <= 0)
    return;
  double flops = (double) n * n * k;
  int pieces = (int) CLAMP (flops / NS_GEMM_MIN_FLOPS, 1, CLAMP (threads, 1, NS_MAX_THREADS));
  Product g = { CblasNoTrans, n, n, k, alpha, 1.0f, a, NULL, n, n, n, c, pieces };
  ns_parallel_items ((gsize) pieces, pieces, syrk_block, &g);
}
