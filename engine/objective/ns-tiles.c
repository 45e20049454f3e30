/* ns-tiles.c: tile plans with halos, their feature-grid geometry, the loss
 * terms restricted to a tile's core, and the per-stage memory plan
 * (docs/tiling.md). */
#include "ns-tiles.h"
#include "ns-objective.h"
#include "ns-losses.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MB                 1048576.0
#define FULL_HISTORY       8
#define MIN_HISTORY        2
#define MIN_TILE           64
#define MAX_TILE           4096
#define PROBE_SIZE         64        /* input side of the pass that measures strides */
#define MIN_PASS_BYTES     (384 * MB)
#define FIXED_BYTES        (256 * MB)  /* weights, code, libraries, allocator slack */
/* Double vectors of n values alive during L-BFGS besides its history: the
 * driver's x, ns_optimize's copy and best point, libLBFGS' x, g, gp, d. */
#define OPTIMIZER_VECTORS  7

typedef struct
{
  int core0, core1, window0, window1;
} Span;

/* Splits [0, length) into cores of size tile, each with a window reaching
 * halo beyond it; a window that would cross the border is shifted inwards
 * (keeping one size where the border allows), its start kept aligned. */
static int
split_axis (int length, int tile, int halo, Span **spans)
{
  int window = tile + 2 * halo;
  if (tile <= 0 || length <= window + NS_TILE_ALIGN - 1)
    {
      *spans = g_new (Span, 1);
      (*spans)[0] = (Span) { 0, length, 0, length };
      return 1;
    }
  int n = (length + tile - 1) / tile;
  *spans = g_new (Span, n);
  for (int k = 0; k < n; k++)
    {
      Span *s = &(*spans)[k];
      s->core0 = k * tile;
      s->core1 = MIN (length, s->core0 + tile);
      if (s->core1 + halo > length)
        s->window0 = (length - window) / NS_TILE_ALIGN * NS_TILE_ALIGN, s->window1 = length;
      else if (s->core0 - halo < 0)
        s->window0 = 0, s->window1 = window;
      else
        s->window0 = s->core0 - halo, s->window1 = s->core1 + halo;
    }
  return n;
}

static int
by_window_size (const void *a, const void *b)
{
  const NsTile *x = a, *y = b;
  int xw = x->window.x1 - x->window.x0, yw = y->window.x1 - y->window.x0;
  int xh = x->window.y1 - x->window.y0, yh = y->window.y1 - y->window.y0;
  if (xw != yw)
    return xw - yw;
  if (xh != yh)
    return xh - yh;
  return x->core.y0 != y->core.y0 ? x->core.y0 - y->core.y0 : x->core.x0 - y->core.x0;
}

NsTilePlan *
ns_tile_plan_new (int width, int height, int tile, int halo)
{
  g_return_val_if_fail (tile <= 0 || (tile % NS_TILE_ALIGN == 0 && halo % NS_TILE_ALIGN == 0 && halo >= 0), NULL);
  Span *xs, *ys;
  int nx = split_axis (width, tile, halo, &xs), ny = split_axis (height, tile, halo, &ys);
  NsTilePlan *plan = g_new0 (NsTilePlan, 1);
  plan->width = width, plan->height = height;
  plan->n_tiles = nx * ny;
  plan->tiles = g_new (NsTile, plan->n_tiles);
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++)
      plan->tiles[j * nx + i] = (NsTile) {
        { xs[i].core0, ys[j].core0, xs[i].core1, ys[j].core1 },
        { xs[i].window0, ys[j].window0, xs[i].window1, ys[j].window1 },
      };
  /* Equal window sizes adjacent: a pass is rebuilt only when the size changes. */
  qsort (plan->tiles, plan->n_tiles, sizeof (NsTile), by_window_size);
  g_free (xs);
  g_free (ys);
  return plan;
}

void
ns_tile_plan_free (NsTilePlan *plan)
{
  if (!plan)
    return;
  g_free (plan->tiles);
  g_free (plan);
}

/* Core [c0, c1) of a window starting at w0, in a grid of n positions of this
 * stride; a core that ends at the image's end takes the grid's remainder. */
static void
feature_span (int c0, int c1, int w0, int length, int stride, int n, int *f0, int *f1)
{
  *f0 = MIN (n, (c0 - w0) / stride);
  *f1 = c1 == length ? n : MIN (n, (c1 - w0) / stride);
}

NsRect
ns_tile_feature_core (const NsTilePlan *plan, const NsTile *tile, int stride, NsShape shape)
{
  NsRect r;
  feature_span (tile->core.x0, tile->core.x1, tile->window.x0, plan->width, stride, shape.w, &r.x0, &r.x1);
  feature_span (tile->core.y0, tile->core.y1, tile->window.y0, plan->height, stride, shape.h, &r.y0, &r.y1);
  return r;
}

gboolean
ns_tile_strides (const NsNetwork *net, const int *nodes, int n, int *strides, int *channels, GError **error)
{
  NsPass *probe = ns_pass_new (net, PROBE_SIZE, PROBE_SIZE, 1, error);
  if (!probe)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      NsShape s = probe->shapes[nodes[i]];
      /* Valid pooling loses a position at the border, so round to a power of two. */
      strides[i] = 1 << (int) lround (log2 ((double) PROBE_SIZE / s.w));
      if (channels)
        channels[i] = s.c;
      g_warn_if_fail (NS_TILE_ALIGN % strides[i] == 0);
    }
  ns_pass_free (probe);
  return TRUE;
}

/* ---- loss terms over a tile's core ------------------------------------------------ */

gsize
ns_rect_area (NsRect r)
{
  return r.x1 > r.x0 && r.y1 > r.y0 ? (gsize) (r.x1 - r.x0) * (r.y1 - r.y0) : 0;
}

static float *
scratch_floats (NsTileScratch *scratch, gsize floats)
{
  if (scratch->size < floats)
    {
      g_free (scratch->data);
      scratch->data = g_new (float, floats);
      scratch->size = floats;
    }
  return scratch->data;
}

/* Rows of a core gathered per chunk, so that each chunk fits the scratch. */
static int
chunk_rows (NsShape s, NsRect r)
{
  return MAX (1, (int) (NS_TILE_SCRATCH_FLOATS / ((gsize) (r.x1 - r.x0) * s.c)));
}

static void
gather (const float *features, NsShape s, NsRect r, int y, int rows, float *out)
{
  gsize row = (gsize) (r.x1 - r.x0) * s.c;
  for (int k = 0; k < rows; k++)
    memcpy (out + k * row, features + ((gsize) (y + k) * s.w + r.x0) * s.c, row * sizeof (float));
}

void
ns_core_gram (NsTileScratch *scratch, const float *features, NsShape s, NsRect r, float scale, float *gram,
              int threads)
{
  int cw = r.x1 - r.x0;
  if (!ns_rect_area (r))
    return;
  if (cw == s.w)   /* whole rows: contiguous */
    {
      ns_gram_accumulate (features + (gsize) r.y0 * s.w * s.c, (r.y1 - r.y0) * cw, s.c, scale, gram,
                          threads);
      return;
    }
  int rows = chunk_rows (s, r);
  float *buffer = scratch_floats (scratch, (gsize) rows * cw * s.c);
  for (int y = r.y0; y < r.y1; y += rows)
    {
      int m = MIN (rows, r.y1 - y);
      gather (features, s, r, y, m, buffer);
      ns_gram_accumulate (buffer, m * cw, s.c, scale, gram, threads);
    }
}

void
ns_core_gram_backward (NsTileScratch *scratch, const float *features, NsShape s, NsRect r, const float *dgram,
                       float scale, float *grad, int threads)
{
  int cw = r.x1 - r.x0;
  if (!ns_rect_area (r))
    return;
  if (cw == s.w)
    {
      gsize offset = (gsize) r.y0 * s.w * s.c;
      ns_gram_backward (features + offset, (r.y1 - r.y0) * cw, s.c, dgram, scale, grad + offset,
                        threads);
      return;
    }
  int rows = chunk_rows (s, r);
  gsize chunk = (gsize) rows * cw * s.c, row = (gsize) cw * s.c;
  float *buffer = scratch_floats (scratch, 2 * chunk), *dbuffer = buffer + chunk;
  for (int y = r.y0; y < r.y1; y += rows)
    {
      int m = MIN (rows, r.y1 - y);
      gather (features, s, r, y, m, buffer);
      memset (dbuffer, 0, m * row * sizeof (float));
      ns_gram_backward (buffer, m * cw, s.c, dgram, scale, dbuffer, threads);
      for (int k = 0; k < m; k++)
        {
          float *dst = grad + ((gsize) (y + k) * s.w + r.x0) * s.c;
          for (gsize i = 0; i < row; i++)
            dst[i] += dbuffer[k * row + i];
        }
    }
}

double
ns_core_content_loss (const float *features, NsShape s, NsRect r, const float *target, gsize total, double weight,
                      float *grad)
{
  double loss = 0;
  gsize row = (gsize) MAX (0, r.x1 - r.x0) * s.c;
  /* Per row, weight * row / total makes ns_content_loss' mean over the row a
   * share of the mean over the whole image. */
  for (int y = r.y0; y < r.y1 && row; y++, target += row)
    {
      gsize offset = ((gsize) y * s.w + r.x0) * s.c;
      loss += ns_content_loss (features + offset, target, row, weight * row / total, grad ? grad + offset : NULL);
    }
  return loss;
}

/* ---- memory plan ------------------------------------------------------------------ */

/* The largest pass over a window of a tile of this core size. */
static double
tile_pass_bytes (const NsNetwork *net, int tile, int halo, int threads)
{
  int side = tile + 2 * halo + NS_TILE_ALIGN - 1;
  return ns_pass_bytes (net, side, side, threads);
}

void
ns_memory_plan (const NsModel *model, int width, int height, double memory_mb, int threads,
                NsMemoryPlan *plan)
{
  double budget = (memory_mb > 0 ? memory_mb : NS_DEFAULT_MEMORY_MB) * MB;
  double vector = (double) width * height * 3 * sizeof (double);
  double fixed = FIXED_BYTES + (double) width * height * 3 * sizeof (float)   /* the driver's current image */
                 + ns_objective_bytes (model, width, height) + OPTIMIZER_VECTORS * vector;
  double whole = ns_pass_bytes (model->net, height, width, threads);
  *plan = (NsMemoryPlan) { 0, NS_TILE_HALO, FULL_HISTORY, 0 };
  if (fixed + whole + 2 * FULL_HISTORY * vector <= budget)
    {
      plan->peak_mb = (fixed + whole + 2 * FULL_HISTORY * vector) / MB;
      return;
    }
  /* Tiled: the history takes what is left after a minimal pass, the pass
   * then takes the rest (larger tiles waste less on halos). */
  double available = budget - fixed;
  plan->history = CLAMP ((int) ((available - MIN_PASS_BYTES) / (2 * vector)), MIN_HISTORY, FULL_HISTORY);
  double pass_budget = MAX (available - 2 * plan->history * vector, MIN_PASS_BYTES);
  plan->tile = MIN_TILE;
  while (plan->tile + NS_TILE_ALIGN <= MAX_TILE
         && tile_pass_bytes (model->net, plan->tile + NS_TILE_ALIGN, plan->halo, threads) <= pass_budget)
    plan->tile += NS_TILE_ALIGN;
  plan->peak_mb = (fixed + 2 * plan->history * vector + tile_pass_bytes (model->net, plan->tile, plan->halo, threads)) / MB;
}
