/* ns-gemm.c: GEMM and SYRK split by rows over the engine's threads. */
#include "ns-gemm.h"
#include "ns-parallel.h"

/* Below this much arithmetic a piece is not worth a thread. */
#define NS_GEMM_MIN_FLOPS 4e6

typedef struct
{
  CBLAS_TRANSPOSE trans_b;
  int             n, k;
  float           alpha, beta;
  const float    *a, *b;
  int             lda, ldb, ldc;
  float          *c;
  float          *partial;     /* syrk: a partial n x n sum per piece after the first */
  gsize           pieces;      /* syrk */
} Product;

static void
gemm_rows (gsize begin, gsize end, int worker, gpointer p)
{
  const Product *g = p;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, g->trans_b, (int) (end - begin), g->n, g->k, g->alpha,
               g->a + begin * g->lda, g->lda, g->b, g->ldb, g->beta, g->c + begin * g->ldc, g->ldc);
}

static gsize
min_rows (double flops_per_row)
{
  return (gsize) MAX (NS_GEMM_MIN_FLOPS / MAX (flops_per_row, 1.0), 8.0);
}

void
ns_sgemm (int threads, CBLAS_TRANSPOSE trans_b, int m, int n, int k, float alpha,
          const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
  Product g = { trans_b, n, k, alpha, beta, a, b, lda, ldb, ldc, c, NULL, 0 };
  if (m <= 0 || n <= 0)
    return;
  ns_parallel_for ((gsize) m, min_rows (2.0 * n * k), threads, gemm_rows, &g);
}

/* Piece i of k rows: piece 0 adds into c, the others into zeroed partial
 * sums, which are then added in order. Pieces are fixed by the thread count
 * (not by which thread ran what), so results are reproducible. */
static void
syrk_piece (gsize begin, gsize end, int worker, gpointer p)
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
  int pieces = (int) MIN ((gsize) CLAMP (threads, 1, NS_MAX_THREADS), MAX ((gsize) k / min_rows ((double) n * n), 1));
  Product g = { CblasNoTrans, n, k, alpha, 1.0f, a, NULL, n, n, n, c, NULL, (gsize) pieces };
  if (pieces > 1)
    g.partial = g_new0 (float, (gsize) (pieces - 1) * n * n);
  ns_parallel_items ((gsize) pieces, pieces, syrk_piece, &g);
  for (int t = 1; t < pieces; t++)
    {
      const float *p = g.partial + (gsize) (t - 1) * n * n;
      for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++)
          c[(gsize) i * n + j] += p[(gsize) i * n + j];
    }
  g_free (g.partial);
}
