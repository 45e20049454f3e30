/* ns-winograd.c: Winograd F(m x m, 3 x 3) convs (ns-winograd.h).
 *
 * The output is cut into m x m tiles (the last row/column of tiles may hang
 * over the image: those outputs are computed and dropped) and processed a
 * block of whole tile rows at a time, so the workspace stays bounded:
 *   forward:  V = B^T d B per tile (d: the input patch, zero outside the
 *             image); M[xi] = V[xi] U[xi]; Y = A^T M A (+ bias, ReLU);
 *   backward: the adjoint, dM = A dY A^T; dV[xi] = dM[xi] U[xi]^T;
 *             dd = B dV B^T, added into din.
 * Each step splits over conv->threads: the transforms over tiles, the GEMMs
 * over the transform points xi (each thread calls a single-threaded
 * OpenBLAS). Neighbouring patches overlap, so backward adds the patches into
 * din as a gather per input row: threads own disjoint rows.
 *
 * The tile and kernel transforms are in ns-winograd-transform.c. */
#include "ns-winograd.h"
#include "ns-parallel.h"
#include "ns-winograd-transform.h"

#include <string.h>
#include <cblas.h>

#define ALPHA_MAX NS_WINOGRAD_ALPHA_MAX
#define CHUNK     NS_WINOGRAD_CHUNK
#define NS_WINOGRAD_BLOCK_FLOATS ((gsize) 1024 * 1024)
/* A thread must get at least this many floats of transform to be worth starting. */
#define NS_WINOGRAD_PARALLEL_FLOATS ((gsize) 32 * 1024)

struct _NsWinograd
{
  int    m, alpha, cin, cout;
  gsize  block_floats;
  float *u;                /* [alpha * alpha][cin][cout] */
};

gboolean
ns_winograd_supports (const NsConv *conv)
{
  return conv->kh == 3 && conv->kw == 3 && conv->stride_h == 1 && conv->stride_w == 1
         && conv->pad_top == 1 && conv->pad_left == 1;
}

NsWinograd *
ns_winograd_new_full (const NsConv *conv, int m, gsize block_floats)
{
  g_return_val_if_fail (ns_winograd_supports (conv), NULL);
  g_return_val_if_fail (m == 2 || m == 4, NULL);

  NsWinograd *w = g_new0 (NsWinograd, 1);
  const int alpha = m + 2;

  w->m = m;
  w->alpha = alpha;
  w->cin = conv->cin;
  w->cout = conv->cout;
  w->block_floats = block_floats ? block_floats : NS_WINOGRAD_BLOCK_FLOATS;
  w->u = g_try_new (float, (gsize) alpha * alpha * conv->cin * conv->cout);
  if (!w->u)
    {
      g_free (w);
      return NULL;
    }
  ns_winograd_transform_kernel (m, conv->kernel, conv->cin, conv->cout, w->u);
  return w;
}

NsWinograd *
ns_winograd_new (const NsConv *conv)
{
  return ns_winograd_new_full (conv, NS_WINOGRAD_DEFAULT_TILE, 0);
}

void
ns_winograd_free (NsWinograd *w)
{
  if (!w)
    return;
  g_free (w->u);
  g_free (w);
}

int
ns_winograd_tile (const NsWinograd *w)
{
  return w->m;
}

gsize
ns_winograd_bytes (const NsWinograd *w)
{
  return sizeof *w + (gsize) w->alpha * w->alpha * w->cin * w->cout * sizeof (float);
}

/* The tile grid, and the tile rows per block. */
typedef struct
{
  int tiles_h, tiles_w, block_rows;
} Grid;

static Grid
grid_of (const NsWinograd *w, NsShape out)
{
  Grid g;
  gsize tile_floats = (gsize) w->alpha * w->alpha * (w->cin + w->cout);

  g.tiles_h = (out.h + w->m - 1) / w->m;
  g.tiles_w = (out.w + w->m - 1) / w->m;
  g.block_rows = (int) CLAMP (w->block_floats / MAX (tile_floats * g.tiles_w, 1), 1, (gsize) MAX (g.tiles_h, 1));
  return g;
}

gsize
ns_winograd_workspace (const NsWinograd *w, NsShape in, NsShape out, int threads)
{
  Grid g = grid_of (w, out);

  return (gsize) g.block_rows * g.tiles_w * w->alpha * w->alpha * (w->cin + w->cout);
}

/* One block of tile rows [tr0, tr0 + n_tiles / tiles_w). */
typedef struct
{
  const NsWinograd *w;
  const NsConv     *conv;
  const float      *src;      /* forward: in; backward: dout */
  float            *dst;      /* forward: out; backward: din */
  NsShape           shape;    /* spatial size (in and out agree) */
  int               tr0, tiles_w, n_tiles;
  float            *v;        /* V or dV: [alpha^2][n_tiles][cin] */
  float            *mm;       /* M or dM: [alpha^2][n_tiles][cout] */
} Block;

/* Copies the rows x cols grid of HWC vectors at (y0, x0) (channels c0..c0+n
 * of c) into patch (row stride ALPHA_MAX * CHUNK), zero outside the image. */
static void
gather_patch (const float *t, NsShape s, int c, int y0, int x0, int rows, int cols,
              int c0, int n, float *patch)
{
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        int y = y0 + i, x = x0 + j;
        float *p = patch + (i * ALPHA_MAX + j) * CHUNK;

        if (y >= 0 && y < s.h && x >= 0 && x < s.w)
          memcpy (p, t + ((gsize) y * s.w + x) * c + c0, n * sizeof (float));
        else
          memset (p, 0, n * sizeof (float));
      }
}

/* Transforms the rows x cols grid of the tensor t (c channels) at (y0, x0)
 * into dst, reading the tensor in place when the grid is inside the image. */
static void
transform_from_tensor (const Block *b, NsWinogradTransform kind, const float *t, int c, int y0, int x0,
                       int size, float *dst, gsize drs, gsize dcs)
{
  float patch[ALPHA_MAX * ALPHA_MAX * CHUNK];
  gboolean inside = y0 >= 0 && x0 >= 0 && y0 + size <= b->shape.h && x0 + size <= b->shape.w;

  for (int c0 = 0; c0 < c; c0 += CHUNK)
    {
      int n = MIN (CHUNK, c - c0);

      if (inside)
        ns_winograd_transform_tile (b->w->m, kind, t + ((gsize) y0 * b->shape.w + x0) * c + c0,
                        (gsize) b->shape.w * c, c, dst + c0, drs, dcs, n);
      else
        {
          gather_patch (t, b->shape, c, y0, x0, size, size, c0, n, patch);
          ns_winograd_transform_tile (b->w->m, kind, patch, ALPHA_MAX * CHUNK, CHUNK, dst + c0, drs, dcs, n);
        }
    }
}

/* Tiles [begin, end) of the tensor t (c channels) into the Winograd domain,
 * into dst ([alpha^2][n_tiles][c]): each tile's size x size grid starts
 * `offset` pixels before the tile's own m x m outputs. */
static void
tiles_to_domain (const Block *b, gsize begin, gsize end, NsWinogradTransform kind, const float *t, int c,
                 int offset, int size, float *dst)
{
  const int m = b->w->m;
  const gsize point = (gsize) b->n_tiles * c;

  for (gsize i = begin; i < end; i++)
    {
      int tr = b->tr0 + (int) i / b->tiles_w, tc = (int) i % b->tiles_w;

      transform_from_tensor (b, kind, t, c, tr * m - offset, tc * m - offset, size,
                             dst + i * c, b->w->alpha * point, point);
    }
}

static void
forward_input_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Block *b = p;
  tiles_to_domain (b, begin, end, NS_WINOGRAD_INPUT, b->src, b->w->cin, 1, b->w->alpha, b->v);
}

/* Points [begin, end): forward M[xi] = V[xi] U[xi]; backward (the adjoint)
 * dV[xi] = dM[xi] U[xi]^T. */
static void
point_gemms (const Block *b, gsize begin, gsize end, gboolean backward)
{
  const int cin = b->w->cin, cout = b->w->cout;
  const int k = backward ? cout : cin, n = backward ? cin : cout;
  const float *a = backward ? b->mm : b->v;
  float *c = backward ? b->v : b->mm;

  for (gsize xi = begin; xi < end; xi++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, backward ? CblasTrans : CblasNoTrans, b->n_tiles, n, k, 1.0f,
                 a + xi * b->n_tiles * k, k, b->w->u + xi * cin * cout, cout,
                 0.0f, c + xi * b->n_tiles * n, n);
}

static void
forward_gemm_range (gsize begin, gsize end, int worker, gpointer p)
{
  point_gemms (p, begin, end, FALSE);
}

static void
forward_output_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Block *b = p;
  const int m = b->w->m, cout = b->w->cout;
  const gsize point = (gsize) b->n_tiles * cout;
  const float *bias = b->conv->bias;
  float y[ALPHA_MAX * ALPHA_MAX * CHUNK];

  for (gsize t = begin; t < end; t++)
    {
      int tr = b->tr0 + (int) t / b->tiles_w, tc = (int) t % b->tiles_w;
      int rows = MIN (m, b->shape.h - tr * m), cols = MIN (m, b->shape.w - tc * m);

      for (int c0 = 0; c0 < cout; c0 += CHUNK)
        {
          int n = MIN (CHUNK, cout - c0);

          ns_winograd_transform_tile (m, NS_WINOGRAD_OUTPUT, b->mm + t * cout + c0, b->w->alpha * point, point,
                          y, ALPHA_MAX * CHUNK, CHUNK, n);
          for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
              {
                const float *s = y + (i * ALPHA_MAX + j) * CHUNK;
                float *o = b->dst + ((gsize) (tr * m + i) * b->shape.w + tc * m + j) * cout + c0;

                for (int k = 0; k < n; k++)
                  {
                    float v = s[k] + (bias ? bias[c0 + k] : 0.0f);

                    o[k] = b->conv->relu && v < 0.0f ? 0.0f : v;
                  }
              }
        }
    }
}

static void
backward_output_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Block *b = p;
  tiles_to_domain (b, begin, end, NS_WINOGRAD_OUTPUT_ADJOINT, b->src, b->w->cout, 0, b->w->m, b->mm);
}

static void
backward_gemm_range (gsize begin, gsize end, int worker, gpointer p)
{
  point_gemms (p, begin, end, TRUE);
}

/* dd = B dV B^T, in place in v (tile t's patch point (ky, kx) at xi = ky * alpha + kx). */
static void
backward_input_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Block *b = p;
  const int cin = b->w->cin;
  const gsize point = (gsize) b->n_tiles * cin;

  for (gsize t = begin; t < end; t++)
    for (int c0 = 0; c0 < cin; c0 += CHUNK)
      {
        float *v = b->v + t * cin + c0;

        ns_winograd_transform_tile (b->w->m, NS_WINOGRAD_INPUT_ADJOINT, v, b->w->alpha * point, point,
                        v, b->w->alpha * point, point, MIN (CHUNK, cin - c0));
      }
}

/* Adds the block's patches into din rows first + [begin, end). */
static void
backward_add_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Block *b = p;
  const int m = b->w->m, alpha = b->w->alpha, cin = b->w->cin;
  const int block_rows = b->n_tiles / b->tiles_w;
  const int first = MAX (b->tr0 * m - 1, 0);

  for (int iy = first + (int) begin; iy < first + (int) end; iy++)
    for (int tr = b->tr0; tr < b->tr0 + block_rows; tr++)
      {
        int ky = iy - (tr * m - 1);

        if (ky < 0 || ky >= alpha)
          continue;
        for (int tc = 0; tc < b->tiles_w; tc++)
          {
            int t = (tr - b->tr0) * b->tiles_w + tc;

            for (int kx = 0; kx < alpha; kx++)
              {
                int ix = tc * m - 1 + kx;
                const float *s = b->v + ((gsize) (ky * alpha + kx) * b->n_tiles + t) * cin;
                float *d = b->dst + ((gsize) iy * b->shape.w + ix) * cin;

                if (ix < 0 || ix >= b->shape.w)
                  continue;
                for (int k = 0; k < cin; k++)
                  d[k] += s[k];
              }
          }
      }
}

/* Runs the steps over each block of tile rows; a step's items are tiles,
 * transform points or (for the last backward step) din rows. */
typedef enum { ITEMS_TILES, ITEMS_POINTS, ITEMS_DIN_ROWS } Items;

static void
run_blocks (const NsWinograd *w, Block *b, float *workspace, const NsRangeFunc *steps,
            const Items *items, int n_steps)
{
  Grid g = grid_of (w, b->shape);
  int threads = MAX (b->conv->threads, 1);
  gsize tile_floats = (gsize) w->alpha * w->alpha * MAX (w->cin, w->cout);

  b->tiles_w = g.tiles_w;
  for (int tr0 = 0; tr0 < g.tiles_h; tr0 += g.block_rows)
    {
      int rows = MIN (g.block_rows, g.tiles_h - tr0);

      b->tr0 = tr0;
      b->n_tiles = rows * g.tiles_w;
      b->v = workspace;
      b->mm = workspace + (gsize) w->alpha * w->alpha * b->n_tiles * w->cin;
      for (int s = 0; s < n_steps; s++)
        {
          gsize n = 0, min_items = 1;

          if (items[s] == ITEMS_TILES)
            n = b->n_tiles, min_items = NS_WINOGRAD_PARALLEL_FLOATS / tile_floats + 1;
          else if (items[s] == ITEMS_POINTS)
            n = (gsize) w->alpha * w->alpha;
          else
            {
              int first = MAX (tr0 * w->m - 1, 0);
              int last = MIN ((tr0 + rows) * w->m - 1 + w->alpha, b->shape.h);

              n = MAX (last - first, 0);
              min_items = NS_WINOGRAD_PARALLEL_FLOATS / ((gsize) b->shape.w * w->cin * 2) + 1;
            }
          ns_parallel_for (n, min_items, threads, steps[s], b);
        }
    }
}

void
ns_winograd_forward (const NsWinograd *w, const NsConv *conv, const float *in, NsShape in_shape,
                     float *out, NsShape out_shape, float *workspace)
{
  static const NsRangeFunc steps[] = { forward_input_range, forward_gemm_range, forward_output_range };
  static const Items items[] = { ITEMS_TILES, ITEMS_POINTS, ITEMS_TILES };
  Block b = { .w = w, .conv = conv, .src = in, .dst = out, .shape = out_shape };

  g_return_if_fail (in_shape.c == w->cin && out_shape.c == w->cout);
  g_return_if_fail (in_shape.h == out_shape.h && in_shape.w == out_shape.w);
  run_blocks (w, &b, workspace, steps, items, G_N_ELEMENTS (steps));
}

void
ns_winograd_backward (const NsWinograd *w, const NsConv *conv, const float *dout, NsShape out_shape,
                      float *din, NsShape in_shape, float *workspace)
{
  static const NsRangeFunc steps[] = { backward_output_range, backward_gemm_range,
                                       backward_input_range, backward_add_range };
  static const Items items[] = { ITEMS_TILES, ITEMS_POINTS, ITEMS_TILES, ITEMS_DIN_ROWS };
  Block b = { .w = w, .conv = conv, .src = dout, .dst = din, .shape = in_shape };

  g_return_if_fail (in_shape.c == w->cin && out_shape.c == w->cout);
  g_return_if_fail (in_shape.h == out_shape.h && in_shape.w == out_shape.w);
  run_blocks (w, &b, workspace, steps, items, G_N_ELEMENTS (steps));
}
