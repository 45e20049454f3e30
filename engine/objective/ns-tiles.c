/* ns-tiles.c: tile plans with halos and their feature-grid geometry
 * (docs/tiling.md). */
#include "ns-tiles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define PROBE_SIZE 64   /* input side of the pass that measures strides */

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

/* The spans of an image axis on its canvas: the canvas split as above,
 * moved so that the image starts at 0, the cores cut to the image (a core
 * left empty, all margin, goes). */
static int
split_image_axis (int length, int tile, int halo, int margin, Span **spans)
{
  int n = split_axis (length + 2 * margin, tile, halo, spans), kept = 0;
  for (int k = 0; k < n; k++)
    {
      Span s = (*spans)[k];
      s.core0 = MAX (s.core0 - margin, 0), s.core1 = MIN (s.core1 - margin, length);
      s.window0 -= margin, s.window1 -= margin;
      if (s.core1 > s.core0)
        (*spans)[kept++] = s;
    }
  return kept;
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
ns_tile_plan_new (int width, int height, int tile, int halo, int margin)
{
  g_return_val_if_fail (tile <= 0 || (tile % NS_TILE_ALIGN == 0 && halo % NS_TILE_ALIGN == 0 && halo >= 0), NULL);
  g_return_val_if_fail (margin >= 0, NULL);
  Span *xs, *ys;
  int nx = split_image_axis (width, tile, halo, margin, &xs), ny = split_image_axis (height, tile, halo, margin, &ys);
  NsTilePlan *plan = g_new0 (NsTilePlan, 1);
  plan->width = width, plan->height = height;
  plan->margin = margin;
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

NsTilePlan *
ns_tile_plan_new_inset (int width, int height, int tile, int halo, int inset, int margin)
{
  inset = CLAMP (inset, 0, (MIN (width, height) - 1) / 2);   /* at least one pixel counts */
  NsTilePlan *plan = ns_tile_plan_new (width - 2 * inset, height - 2 * inset, tile, halo, margin);
  plan->width = width, plan->height = height;
  plan->margin = margin - inset;
  for (int t = 0; t < plan->n_tiles; t++)
    {
      NsTile *s = &plan->tiles[t];
      s->core.x0 += inset, s->core.x1 += inset, s->core.y0 += inset, s->core.y1 += inset;
      s->window.x0 += inset, s->window.x1 += inset, s->window.y0 += inset, s->window.y1 += inset;
    }
  return plan;
}

int
ns_tile_inset (int width, int height, int margin)
{
  return CLAMP (MIN (width, height) / 8, 0, margin);
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
 * stride: the positions whose block starts in the core. Interior core edges
 * are aligned, so only the image's ends round (up: a block that starts in
 * the image counts; the grid's end at most, where a layer drops a partial
 * block). */
static void
feature_span (int c0, int c1, int w0, int stride, int n, int *f0, int *f1)
{
  *f0 = MIN (n, (c0 - w0 + stride - 1) / stride);
  *f1 = MIN (n, (c1 - w0 + stride - 1) / stride);
}

NsRect
ns_tile_feature_core (const NsTilePlan *plan, const NsTile *tile, int stride, NsShape shape)
{
  NsRect r;
  feature_span (tile->core.x0, tile->core.x1, tile->window.x0, stride, shape.w, &r.x0, &r.x1);
  feature_span (tile->core.y0, tile->core.y1, tile->window.y0, stride, shape.h, &r.y0, &r.y1);
  return r;
}

int
ns_tile_mirror (int i, int length)
{
  if (length <= 1)
    return 0;
  int period = 2 * (length - 1);   /* a canvas wider than the image mirrors again at the far edge */
  i %= period;
  if (i < 0)
    i += period;
  return i < length ? i : period - i;
}

void
ns_tile_read_window (const NsTilePlan *plan, const NsTile *tile, const float *image, float *window)
{
  const NsRect *w = &tile->window;
  int ww = w->x1 - w->x0;
  for (int y = w->y0; y < w->y1; y++)
    {
      const float *row = image + (gsize) ns_tile_mirror (y, plan->height) * plan->width * 3;
      float *dst = window + (gsize) (y - w->y0) * ww * 3;
      if (w->x0 >= 0 && w->x1 <= plan->width)
        {
          memcpy (dst, row + (gsize) w->x0 * 3, (gsize) ww * 3 * sizeof (float));
          continue;
        }
      for (int x = w->x0; x < w->x1; x++, dst += 3)
        memcpy (dst, row + (gsize) ns_tile_mirror (x, plan->width) * 3, 3 * sizeof (float));
    }
}

void
ns_tile_add_window (const NsTilePlan *plan, const NsTile *tile, const float *window, float *image)
{
  const NsRect *w = &tile->window;
  int ww = w->x1 - w->x0;
  for (int y = w->y0; y < w->y1; y++)
    {
      float *row = image + (gsize) ns_tile_mirror (y, plan->height) * plan->width * 3;
      const float *src = window + (gsize) (y - w->y0) * ww * 3;
      for (int x = w->x0; x < w->x1; x++, src += 3)
        {
          float *dst = row + (gsize) ns_tile_mirror (x, plan->width) * 3;
          dst[0] += src[0], dst[1] += src[1], dst[2] += src[2];
        }
    }
}

gboolean
ns_tile_strides (const NsNetwork *net, const int *nodes, int n, int *strides, int *channels, GError **error)
{
  NsPass *probe = ns_pass_new (net, PROBE_SIZE, PROBE_SIZE, 1, error);
  if (!probe)
    return FALSE;
  gboolean ok = TRUE;
  for (int i = 0; i < n && ok; i++)
    {
      NsShape s = probe->shapes[nodes[i]];
      /* Valid pooling loses a position at the border, so round to a power of two. */
      double ratio = s.w > 0 ? (double) PROBE_SIZE / s.w : 0;
      strides[i] = ratio >= 0.5 && ratio <= 2 * NS_TILE_ALIGN ? 1 << (int) lround (log2 (ratio)) : 0;
      if (channels)
        channels[i] = s.c;
      /* Tiles line up with every layer's grid only if its stride divides the alignment. */
      if (!(ok = strides[i] >= 1 && NS_TILE_ALIGN % strides[i] == 0))
        g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” maps %d pixels to %d positions: its stride "
                     "must divide %d"), net->nodes[nodes[i]].name, PROBE_SIZE, s.w, NS_TILE_ALIGN);
    }
  ns_pass_free (probe);
  return ok;
}

gsize
ns_rect_area (NsRect r)
{
  return r.x1 > r.x0 && r.y1 > r.y0 ? (gsize) (r.x1 - r.x0) * (r.y1 - r.y0) : 0;
}
