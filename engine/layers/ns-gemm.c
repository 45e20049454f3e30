/* ns-gemm.c: GEMM and SYRK split into independent single-threaded pieces. */
#include "ns-gemm.h"
#include "ns-parallel.h"

#include <math.h>

/* Below this much arithmetic a piece is not worth a thread. */
#define NS_GEMM_MIN_FLOPS 4e6
/* Every piece packs all of B: with at least this many rows of A per piece
 * the packing stays a few per cent of the arithmetic. */
#define NS_GEMM_MIN_PIECE_ROWS 256
/* Up to this many channels the Gram is split by rows into partial sums (a
 * 512 x 512 partial is 1 MB): measured 2x faster than column blocks on two
 * threads at 64 and 256 channels, a little at 512; above, column blocks. */
#define NS_SYRK_ROWS_MAX_N 512

typedef struct
{
  CBLAS_TRANSPOSE trans_b;
  int             m, n, k;
  float           alpha, beta;
  const float    *a, *b;
  int             lda, ldb, ldc;
  float          *c;
  int             pieces;      /* syrk, gemm by columns: pieces */
  float          *partial;     /* syrk by rows: partial sums of the pieces after the first */
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
  Product g = { trans_b, m, n, k, alpha, beta, a, b, lda, ldb, ldc, c, 0, NULL };
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

/* Piece i of the k rows of A, for tall A: piece 0 adds into C itself, the
 * others into zeroed partial sums (pieces - 1 of n x n after C's rows in
 * `partial`), added in order afterwards, so the result does not depend on
 * which thread ran which piece. */
static void
syrk_rows (gsize begin, gsize end, int worker, gpointer p)
{
  const Product *g = p;
  for (gsize i = begin; i < end; i++)
    {
      gsize r0 = (gsize) g->k * i / g->pieces, r1 = (gsize) g->k * (i + 1) / g->pieces;
      float *c = i == 0 ? g->c : g->partial + (i - 1) * g->n * g->n;
      cblas_ssyrk (CblasRowMajor, CblasUpper, CblasTrans, g->n, (int) (r1 - r0), g->alpha,
                   g->a + r0 * g->n, g->n, 1.0f, c, g->n);
    }
}

void
ns_ssyrk_upper (int threads, int n, int k, float alpha, const float *a, float *c)
{
  if (n <= 0 || k <= 0)
    return;
  double flops = (double) n * n * k;
  int pieces = (int) CLAMP (flops / NS_GEMM_MIN_FLOPS, 1, CLAMP (threads, 1, NS_MAX_THREADS));
  Product g = { CblasNoTrans, n, n, k, alpha, 1.0f, a, NULL, n, n, n, c, pieces, NULL };
  /* Tall A (many positions, few channels): column blocks would each stream
   * all of A for a thin slice of C; rows with small partial sums scale. */
  if (pieces > 1 && n <= NS_SYRK_ROWS_MAX_N
      && (g.partial = g_try_new0 (float, (gsize) (pieces - 1) * n * n)))   /* else column blocks, no memory */
    {
      ns_parallel_items ((gsize) pieces, pieces, syrk_rows, &g);
      for (int t = 1; t < pieces; t++)
        {
          const float *part = g.partial + (gsize) (t - 1) * n * n;
          for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
              c[(gsize) i * n + j] += part[(gsize) i * n + j];
        }
      g_free (g.partial);
      return;
    }
  ns_parallel_items ((gsize) pieces, pieces, syrk_block, &g);
}
