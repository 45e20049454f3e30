/* ns-brushwork.c: the full-size stage: the painting's own brushwork on the
 * enlarged picture (ns-brushwork.h). */
#include "ns-brushwork.h"
#include "ns-patch-match.h"
#include "ns-parallel.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* Measured by eye and with bench/painted_metrics.py on real photos
 * (docs/performance.md, "Painted at 100%"). */
#define MARGIN        32     /* window pixels beyond a tile's core: blur, patch and vote reach (even) */
#define PATCH         7      /* patch side at half resolution (14 final pixels) */
#define ITERATIONS    3      /* PatchMatch rounds */
#define VOTE_RADIUS   3      /* final pixels: each pixel takes the votes of the patches centred within this */
#define VOTE_SIGMA    1.0
#define GAIN          1.3    /* the brushwork's strength */
#define SIGMA_PER_ENLARGEMENT 0.7   /* the base's blur and the bands' split, in final pixels ... */
#define MIN_SIGMA     1.0           /* ... within these */
#define MAX_SIGMA     5.0
#define MAX_STYLE_PIXELS (16 << 20)   /* a larger style image is used at this size */

typedef struct
{
  double        blend;      /* normalised over the styles used */
  const NsMask *region;     /* where it goes (NULL: everywhere) */
  int           width, height;
  float        *high;       /* the brushwork band, width x height x 3 */
  float        *low;        /* the low band at half resolution: the features matched */
  int           low_width, low_height;
  guint8       *valid;      /* half resolution: usable patch centres (NULL: all) */
} Source;

struct _NsBrushwork
{
  NsImage *sketch;
  int      width, height;
  double   sigma;
  guint32  seed;
  int      threads;
  Source   sources[NS_MAX_STYLES];
  int      n_sources;
};

static void
source_clear (Source *s)
{
  g_free (s->high);
  g_free (s->low);
  g_free (s->valid);
}

void
ns_brushwork_free (NsBrushwork *b)
{
  if (!b)
    return;
  ns_image_free (b->sketch);
  for (int i = 0; i < b->n_sources; i++)
    source_clear (&b->sources[i]);
  g_free (b);
}

/* The style image at its own size times scale, at most MAX_STYLE_PIXELS. */
static void
style_size (int width, int height, double scale, int *w, int *h)
{
  double pixels = (double) width * height * scale * scale;
  if (pixels > MAX_STYLE_PIXELS)
    scale *= sqrt (MAX_STYLE_PIXELS / pixels);
  *w = MAX (1, (int) lround (width * scale));
  *h = MAX (1, (int) lround (height * scale));
}

/* The source's bands, its half-resolution features and usable centres. */
static gboolean
source_init (Source *s, const NsStyle *style, double blend, double scale, double sigma, GError **error)
{
  style_size (style->image->width, style->image->height, scale, &s->width, &s->height);
  g_autoptr (NsImage) image = ns_image_resize (style->image, s->width, s->height);
  gsize n = (gsize) s->width * s->height * 3;
  s->blend = blend;
  s->region = style->region;
  s->low_width = (s->width + 1) / 2, s->low_height = (s->height + 1) / 2;
  g_autofree float *scratch = g_try_malloc_n (ns_filter_blur_scratch (s->width, s->height, 3, sigma), sizeof (float));
  s->high = image ? g_try_malloc_n (n, sizeof (float)) : NULL;
  s->low = g_try_malloc_n ((gsize) s->low_width * s->low_height * 3, sizeof (float));
  if (!scratch || !s->high || !s->low)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d style image"), s->width,
                   s->height);
      return FALSE;
    }
  memcpy (s->high, image->pixels, n * sizeof (float));
  ns_filter_blur (image->pixels, s->width, s->height, 3, sigma, scratch);
  for (gsize i = 0; i < n; i++)
    s->high[i] -= image->pixels[i];
  ns_filter_halve (image->pixels, s->width, s->height, 3, s->low);
  if (!style->area)
    return TRUE;
  g_autoptr (NsMask) area = ns_mask_resize (style->area, s->low_width, s->low_height);
  s->valid = area ? g_try_malloc ((gsize) s->low_width * s->low_height) : NULL;
  if (!s->valid)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d mask"), s->low_width,
                   s->low_height);
      return FALSE;
    }
  gboolean any = FALSE;
  for (gsize i = 0; i < (gsize) s->low_width * s->low_height; i++)
    any |= (s->valid[i] = area->values[i] > 0.5f);
  if (!any)
    g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the selected area of a style image is empty"));
  return any;
}

NsBrushwork *
ns_brushwork_new (const NsImage *sketch, int width, int height, const NsStyle *styles, int n_styles,
                  double style_scale, guint32 seed, int threads, GError **error)
{
  g_autoptr (NsBrushwork) b = g_new0 (NsBrushwork, 1);
  b->width = width, b->height = height;
  b->seed = seed;
  b->threads = ns_threads_resolve (threads);
  /* About the enlargement: the enlarged picture's pixel grain goes, its strokes stay. */
  b->sigma = CLAMP (SIGMA_PER_ENLARGEMENT * width / sketch->width, MIN_SIGMA, MAX_SIGMA);
  if (!(b->sketch = ns_image_copy (sketch)))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), sketch->width,
                   sketch->height);
      return NULL;
    }
  double total = 0;
  for (int r = 0; r < n_styles; r++)
    total += styles[r].blend;
  for (int r = 0; r < n_styles; r++)
    if (styles[r].blend > 0
        && !source_init (&b->sources[b->n_sources++], &styles[r], styles[r].blend / total, style_scale, b->sigma,
                         error))
      return NULL;
  return g_steal_pointer (&b);
}

/* ---- one tile ------------------------------------------------------------------------- */

typedef struct
{
  float *base;     /* the window of the enlarged, blurred picture */
  float *half;     /* base at half resolution */
  NsMatch *field;  /* half resolution */
  float *detail;   /* the core's brushwork, all sources, weighted */
  float *weight;   /* the core's sum of the sources' weights */
  float *region;   /* the core's region of one source */
  float *scratch;
} Scratch;

/* The tile's brushwork from one source, weighted by its blend and region,
 * added into detail and weight. Each half-resolution patch Q (its centre at
 * 2Q + 1/2 in final pixels) lays its match's band over the final pixels it
 * covers; a pixel takes the Gaussian-weighted mean of the patches whose
 * centres lie near it, so both parities of pixel see the same weighting. */
static void
vote (const NsBrushwork *b, const Source *s, NsWindow win, NsWindow core, const NsMatch *field, int half_width,
      const float *region, float *detail, float *weight)
{
  int cw = core.x1 - core.x0, ch = core.y1 - core.y0;
  /* The weight of an offset d from a patch centre, d = p - (2Q + 1/2): a
   * half-odd number within the radius, tabulated by 2d. */
  float g[2 * VOTE_RADIUS + 3];
  for (int twice = -(2 * VOTE_RADIUS + 1); twice <= 2 * VOTE_RADIUS + 1; twice += 2)
    g[(twice + 2 * VOTE_RADIUS + 1) / 2] = (float) exp (-0.25 * twice * twice / (2 * VOTE_SIGMA * VOTE_SIGMA));
  for (int y = 0; y < ch; y++)
    for (int x = 0; x < cw; x++)
      {
        /* p in window coordinates (the window starts on an even pixel). */
        int px = core.x0 - win.x0 + x, py = core.y0 - win.y0 + y;
        float sum[3] = { 0, 0, 0 }, total = 0;
        for (int qy = (py - VOTE_RADIUS) / 2; qy <= (py + VOTE_RADIUS) / 2; qy++)
          for (int qx = (px - VOTE_RADIUS) / 2; qx <= (px + VOTE_RADIUS) / 2; qx++)
            {
              int tx = 2 * (px - 2 * qx) - 1, ty = 2 * (py - 2 * qy) - 1;   /* 2d */
              float w = g[(tx + 2 * VOTE_RADIUS + 1) / 2] * g[(ty + 2 * VOTE_RADIUS + 1) / 2];
              NsMatch m = field[(gsize) qy * half_width + qx];
              int sx = CLAMP (2 * m.x + px - 2 * qx, 0, s->width - 1);
              int sy = CLAMP (2 * m.y + py - 2 * qy, 0, s->height - 1);
              const float *v = s->high + ((gsize) sy * s->width + sx) * 3;
              sum[0] += w * v[0], sum[1] += w * v[1], sum[2] += w * v[2];
              total += w;
            }
        gsize i = (gsize) y * cw + x;
        float share = (float) s->blend * (region ? CLAMP (region[i], 0.0f, 1.0f) : 1.0f);
        for (int c = 0; c < 3; c++)
          detail[i * 3 + c] += share * sum[c] / total;
        weight[i] += share;
      }
}

static gboolean
paint_tile (const NsBrushwork *b, int tile, NsWindow core, Scratch *t, float *out)
{
  NsWindow win = { core.x0 - MARGIN, core.y0 - MARGIN, core.x1 + MARGIN, core.y1 + MARGIN };
  int ww = win.x1 - win.x0, wh = win.y1 - win.y0, hw = (ww + 1) / 2, hh = (wh + 1) / 2;
  int cw = core.x1 - core.x0, ch = core.y1 - core.y0;
  const NsImage *sk = b->sketch;
  ns_filter_enlarge (sk->pixels, sk->width, sk->height, 3, b->width, b->height, win, t->base);
  ns_filter_blur (t->base, ww, wh, 3, b->sigma, t->scratch);
  ns_filter_halve (t->base, ww, wh, 3, t->half);
  memset (t->detail, 0, (gsize) cw * ch * 3 * sizeof (float));
  memset (t->weight, 0, (gsize) cw * ch * sizeof (float));
  NsFeatureMap target = { hw, hh, 3, t->half };
  for (int r = 0; r < b->n_sources; r++)
    {
      const Source *s = &b->sources[r];
      NsFeatureMap source = { s->low_width, s->low_height, 3, s->low };
      /* A seed of its own for each tile and style: any tile can be made alone. */
      guint32 seed = b->seed * 2654435761u ^ (guint32) tile * 40503u ^ (guint32) r * 9176u;
      if (!ns_patch_match (&target, &source, s->valid, PATCH, ITERATIONS, seed, t->field))
        return FALSE;
      if (s->region)
        ns_filter_enlarge (s->region->values, s->region->width, s->region->height, 1, b->width, b->height, core,
                           t->region);
      vote (b, s, win, core, t->field, hw, s->region ? t->region : NULL, t->detail, t->weight);
    }
  for (int y = 0; y < ch; y++)
    for (int x = 0; x < cw; x++)
      {
        gsize i = (gsize) y * cw + x;
        const float *base = t->base + ((gsize) (y + MARGIN) * ww + x + MARGIN) * 3;
        float share = t->weight[i] > 0 ? GAIN / t->weight[i] : 0;
        for (int c = 0; c < 3; c++)
          out[i * 3 + c] = CLAMP (base[c] + share * t->detail[i * 3 + c], 0.0f, 1.0f);
      }
  return TRUE;
}

static gboolean
scratch_init (Scratch *t)
{
  int w = NS_BRUSHWORK_TILE + 2 * MARGIN, h = w, hw = (w + 1) / 2, hh = hw;
  gsize core = (gsize) NS_BRUSHWORK_TILE * NS_BRUSHWORK_TILE;
  t->base = g_try_malloc_n ((gsize) w * h * 3, sizeof (float));
  t->half = g_try_malloc_n ((gsize) hw * hh * 3, sizeof (float));
  t->field = g_try_malloc_n ((gsize) hw * hh, sizeof (NsMatch));
  t->detail = g_try_malloc_n (core * 3, sizeof (float));
  t->weight = g_try_malloc_n (core, sizeof (float));
  t->region = g_try_malloc_n (core, sizeof (float));
  t->scratch = g_try_malloc_n (ns_filter_blur_scratch (w, h, 3, MAX_SIGMA), sizeof (float));
  return t->base && t->half && t->field && t->detail && t->weight && t->region && t->scratch;
}

static void
scratch_clear (Scratch *t)
{
  g_free (t->base), g_free (t->half), g_free (t->field);
  g_free (t->detail), g_free (t->weight), g_free (t->region), g_free (t->scratch);
}

/* ---- the tiles of a window ------------------------------------------------------------ */

typedef struct
{
  const NsBrushwork *b;
  NsWindow           window;
  NsImage           *out;
  int                nx, tx0, ty0;   /* the tiles' grid over the window */
  int                first;          /* this batch's first tile (within the window's) */
  gboolean           failed;
} Batch;

static void
batch_item (gsize begin, gsize end, int worker, gpointer data)
{
  Batch *bt = data;
  const NsBrushwork *b = bt->b;
  for (gsize k = begin; k < end; k++)
    {
      int i = bt->first + (int) k;
      int tx = bt->tx0 + i % bt->nx, ty = bt->ty0 + i / bt->nx;
      NsWindow core = { tx * NS_BRUSHWORK_TILE, ty * NS_BRUSHWORK_TILE, MIN ((tx + 1) * NS_BRUSHWORK_TILE, b->width),
                        MIN ((ty + 1) * NS_BRUSHWORK_TILE, b->height) };
      int tiles_x = (b->width + NS_BRUSHWORK_TILE - 1) / NS_BRUSHWORK_TILE;
      Scratch t = { 0 };
      g_autofree float *pixels = g_try_malloc_n ((gsize) (core.x1 - core.x0) * (core.y1 - core.y0) * 3,
                                                 sizeof (float));
      if (!pixels || !scratch_init (&t) || !paint_tile (b, ty * tiles_x + tx, core, &t, pixels))
        bt->failed = TRUE;
      scratch_clear (&t);
      if (bt->failed)
        continue;
      /* The part of the core inside the window. */
      NsWindow w = bt->window;
      int cw = core.x1 - core.x0;
      for (int y = MAX (core.y0, w.y0); y < MIN (core.y1, w.y1); y++)
        {
          int x0 = MAX (core.x0, w.x0), x1 = MIN (core.x1, w.x1);
          memcpy (bt->out->pixels + ((gsize) (y - w.y0) * bt->out->width + x0 - w.x0) * 3,
                  pixels + ((gsize) (y - core.y0) * cw + x0 - core.x0) * 3, (gsize) (x1 - x0) * 3 * sizeof (float));
        }
    }
}

gboolean
ns_brushwork_paint (NsBrushwork *b, NsWindow window, NsImage *out, NsBrushworkProgress progress, gpointer data,
                    GError **error)
{
  int T = NS_BRUSHWORK_TILE;
  Batch bt = { .b = b, .window = window, .out = out };
  bt.tx0 = window.x0 / T, bt.ty0 = window.y0 / T;
  bt.nx = (window.x1 - 1) / T - bt.tx0 + 1;
  int n = bt.nx * ((window.y1 - 1) / T - bt.ty0 + 1);
  for (bt.first = 0; bt.first < n; bt.first += b->threads)
    {
      int count = MIN (b->threads, n - bt.first);
      ns_parallel_items (count, b->threads, batch_item, &bt);
      if (bt.failed)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for the brushwork of a %dx%d "
                       "image"), b->width, b->height);
          return FALSE;
        }
      if (progress && !progress (bt.first + count, n, data))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_CANCELLED, _("cancelled"));
          return FALSE;
        }
    }
  return TRUE;
}

gsize
ns_brushwork_bytes (int style_width, int style_height, int n_styles, double style_scale, int threads)
{
  int w, h;
  style_size (style_width, style_height, style_scale, &w, &h);
  gsize style = (gsize) w * h * 3 * sizeof (float) * 2;   /* the band, and the resize while it is made */
  gsize window = (gsize) (NS_BRUSHWORK_TILE + 2 * MARGIN) * (NS_BRUSHWORK_TILE + 2 * MARGIN);
  gsize core = (gsize) NS_BRUSHWORK_TILE * NS_BRUSHWORK_TILE;
  gsize tile = window * 3 * sizeof (float) * 5 / 4 + window / 4 * sizeof (NsMatch) * 2
               + core * 9 * sizeof (float);
  return style * n_styles + tile * ns_threads_resolve (threads);
}
