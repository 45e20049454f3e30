/* ns-losses.c: Gram matrices, the style, content and total-variation losses
 * and their gradients. The formulas and their normalisation are derived in
 * docs/losses.md. Products go through OpenBLAS in float; loss sums are
 * accumulated in double so that large layers do not lose precision. */
#include "ns-losses.h"
#include "ns-gemm.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* Side of the tiles in which c x c matrices are transposed (both the rows
 * and the columns of a tile stay in cache). */
#define NS_TRANSPOSE_TILE 32

void
ns_gram_accumulate (const float *features, int n, int c, float scale, float *gram, int threads)
{
  if (n <= 0 || c <= 0)
    return;

  /* syrk does half the work of a general product but writes only the upper
   * triangle; the lower one is then mirrored from it. */
  ns_ssyrk_upper (threads, c, n, scale, features, gram);
  /* In tiles: a plain loop reads a column of the upper triangle per row,
   * one cache line and, for c >= 1024, one page per element. */
  for (int i0 = 0; i0 < c; i0 += NS_TRANSPOSE_TILE)
    for (int j0 = 0; j0 <= i0; j0 += NS_TRANSPOSE_TILE)
      for (int i = i0; i < MIN (i0 + NS_TRANSPOSE_TILE, c); i++)
        for (int j = j0; j < MIN (j0 + NS_TRANSPOSE_TILE, i); j++)
          gram[(gsize) i * c + j] = gram[(gsize) j * c + i];
}

double
ns_style_loss (const float *gram, const float *target, int c, double weight, float *dgram)
{
  gsize  count = (gsize) c * c;
  double sum = 0.0;

  if (count == 0)
    return 0.0;

  for (gsize i = 0; i < count; i++)
    {
      double d = (double) gram[i] - target[i];
      sum += d * d;
      if (dgram)
        dgram[i] = (float) (weight * 2.0 * d / count);
    }
  return weight * sum / count;
}

void
ns_gram_backward (const float *features, int n, int c, const float *dgram,
                  float scale, float *grad, int threads)
{
  if (n <= 0 || c <= 0)
    return;

  /* dL/dF = scale F (D + D^T) = 2 scale F D. A plain GEMM: OpenBLAS'
   * ssymm packs through a slower generic path. */
  ns_sgemm (threads, CblasNoTrans, n, c, c, 2.0f * scale, features, c, dgram, c, 1.0f, grad, c);
}

double
ns_content_loss (const float *features, const float *target, gsize count,
                 double weight, float *grad)
{
  double sum = 0.0;

  if (count == 0)
    return 0.0;

  for (gsize i = 0; i < count; i++)
    {
      double d = (double) features[i] - target[i];
      sum += d * d;
      if (grad)
        grad[i] += (float) (weight * 2.0 * d / count);
    }
  return weight * sum / count;
}

double
ns_tv_loss (const float *image, int width, int height, int c, double eps,
            double weight, float *grad)
{
  gsize  pixels = (gsize) width * height;
  double sum = 0.0;

  if (pixels == 0 || c <= 0)
    return 0.0;

  /* Each pixel's term r = sqrt(sum_k dx_k^2 + dy_k^2 + eps) depends on the
   * pixel itself and on its right and lower neighbours:
   *   dr/dI(x,y)   = -(dx + dy) / r
   *   dr/dI(x+1,y) = dx / r,   dr/dI(x,y+1) = dy / r                      */
  double scale = weight / pixels;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize        p = ((gsize) y * width + x) * c;
        const float *here = image + p;
        const float *right = x + 1 < width ? here + c : NULL;
        const float *below = y + 1 < height ? here + (gsize) width * c : NULL;
        double       sq = eps;

        for (int k = 0; k < c; k++)
          {
            double dx = right ? (double) right[k] - here[k] : 0.0;
            double dy = below ? (double) below[k] - here[k] : 0.0;
            sq += dx * dx + dy * dy;
          }
        double r = sqrt (sq);
        sum += r;

        if (!grad || r == 0.0)
          continue;
        double g = scale / r;
        for (int k = 0; k < c; k++)
          {
            double dx = right ? (double) right[k] - here[k] : 0.0;
            double dy = below ? (double) below[k] - here[k] : 0.0;
            grad[p + k] -= (float) (g * (dx + dy));
            if (right)
              grad[p + c + k] += (float) (g * dx);
            if (below)
              grad[p + (gsize) width * c + k] += (float) (g * dy);
          }
      }
  return weight * sum / pixels;
}
