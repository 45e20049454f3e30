/* ns-gram.c: Gram matrices G = F^T F of a layer's features and the
 * gradient through them, over all positions or over a tile's core only.
 * The scale (1/(n c) for the style loss, docs/losses.md) is the caller's:
 * ns-objective.c applies it in one place. Products go through OpenBLAS. */
#include "ns-gram.h"
#include "ns-gemm.h"

#include <cblas.h>
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

/* ---- over a tile's core ------------------------------------------------------------
 * A core that spans whole rows of the grid is contiguous; any other is
 * gathered a few rows at a time into the scratch. */

/* NULL if it cannot grow (it then holds nothing). */
static float *
scratch_floats (NsTileScratch *scratch, gsize floats)
{
  if (scratch->size < floats)
    {
      g_free (scratch->data);
      scratch->data = g_try_new (float, floats);
      scratch->size = scratch->data ? floats : 0;
    }
  return scratch->data;
}

/* Rows of a core gathered per chunk, so that each chunk fits the scratch. */
static int
chunk_rows (NsShape s, NsRect r)
{
  return MAX (1, (int) (NS_TILE_SCRATCH_FLOATS / ((gsize) (r.x1 - r.x0) * s.c)));
}

/* Rows [y, y + rows) of the core into out, each position's features times
 * its mask value raised to power (1 or 2), or as they are without a mask. */
static void
gather (const float *features, NsShape s, NsRect r, const NsCoreMask *mask, int power, int y, int rows, float *out)
{
  int cw = r.x1 - r.x0;
  gsize row = (gsize) cw * s.c;
  for (int k = 0; k < rows; k++)
    {
      const float *src = features + ((gsize) (y + k) * s.w + r.x0) * s.c;
      float *dst = out + k * row;
      if (!mask)
        {
          memcpy (dst, src, row * sizeof (float));
          continue;
        }
      const float *m = mask->values + (gsize) (y - r.y0 + k) * mask->stride;
      for (int x = 0; x < cw; x++)
        {
          float w = power == 2 ? m[x] * m[x] : m[x];
          for (int c = 0; c < s.c; c++)
            dst[(gsize) x * s.c + c] = w * src[(gsize) x * s.c + c];
        }
    }
}

gboolean
ns_core_gram (NsTileScratch *scratch, const float *features, NsShape s, NsRect r, const NsCoreMask *mask,
              float scale, float *gram, int threads)
{
  int cw = r.x1 - r.x0;
  if (!ns_rect_area (r))
    return TRUE;
  if (cw == s.w && !mask)   /* whole rows: contiguous */
    {
      ns_gram_accumulate (features + (gsize) r.y0 * s.w * s.c, (r.y1 - r.y0) * cw, s.c, scale, gram,
                          threads);
      return TRUE;
    }
  /* (m F)^T (m F): each position weighted by its mask value */
  int rows = chunk_rows (s, r);
  float *buffer = scratch_floats (scratch, (gsize) rows * cw * s.c);
  if (!buffer)
    return FALSE;
  for (int y = r.y0; y < r.y1; y += rows)
    {
      int m = MIN (rows, r.y1 - y);
      gather (features, s, r, mask, 1, y, m, buffer);
      ns_gram_accumulate (buffer, m * cw, s.c, scale, gram, threads);
    }
  return TRUE;
}

gboolean
ns_core_gram_backward (NsTileScratch *scratch, const float *features, NsShape s, NsRect r,
                       const NsCoreMask *mask, const float *dgram, float scale, float *grad, int threads)
{
  int cw = r.x1 - r.x0;
  if (!ns_rect_area (r))
    return TRUE;
  if (cw == s.w && !mask)
    {
      gsize offset = (gsize) r.y0 * s.w * s.c;
      ns_gram_backward (features + offset, (r.y1 - r.y0) * cw, s.c, dgram, scale, grad + offset,
                        threads);
      return TRUE;
    }
  /* d/dF_p of sum_p m_p^2 F_p F_p^T: the plain gradient at m_p^2 F_p */
  int rows = chunk_rows (s, r);
  gsize chunk = (gsize) rows * cw * s.c, row = (gsize) cw * s.c;
  float *buffer = scratch_floats (scratch, 2 * chunk);
  if (!buffer)
    return FALSE;
  float *dbuffer = buffer + chunk;
  for (int y = r.y0; y < r.y1; y += rows)
    {
      int m = MIN (rows, r.y1 - y);
      gather (features, s, r, mask, 2, y, m, buffer);
      memset (dbuffer, 0, m * row * sizeof (float));
      ns_gram_backward (buffer, m * cw, s.c, dgram, scale, dbuffer, threads);
      for (int k = 0; k < m; k++)
        {
          float *dst = grad + ((gsize) (y + k) * s.w + r.x0) * s.c;
          for (gsize i = 0; i < row; i++)
            dst[i] += dbuffer[k * row + i];
        }
    }
  return TRUE;
}
