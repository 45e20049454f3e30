/* ns-memory-plan.c: the engine's one memory model (ns-memory-plan.h,
 * docs/tiling.md). The constants are measured with bench/run-bench
 * (docs/performance.md). */
#include "ns-memory-plan.h"
#include "ns-tiles.h"
#include "ns-gram.h"
#include "ns-finish.h"
#include "ns-brushwork.h"

#include <math.h>

#define MB                 NS_BYTES_PER_MB
#define BASE_BYTES         (40 * MB)    /* code, libraries, allocator (169 MB measured at 256 px) */
#define FULL_HISTORY       8
#define MIN_HISTORY        2
#define MIN_TILE           64
#define MAX_TILE           4096
#define MIN_PASS_BYTES     (384 * MB)
/* The canvas' margin from this long side up (docs/tiling.md, "Margin"): it
 * costs 15% more pixels at 512x384, 31% at 256x192 and 60% at 128x96, and
 * below 160 px it changes more than the border (regions' seams). */
#define MARGIN_MIN_SIDE    160
/* Double vectors of n values alive during L-BFGS besides its history: the
 * driver's x, ns_optimize's copy and best point, libLBFGS' x, g, gp, d. */
#define OPTIMIZER_VECTORS  7

double
ns_memory_budget_mb (double memory_limit_mb)
{
  return memory_limit_mb > 0 ? MIN (memory_limit_mb, NS_DEFAULT_MEMORY_MB) : NS_DEFAULT_MEMORY_MB;
}

/* The weights as the network holds them (3x3 kernels in the Winograd domain). */
static double
weights_bytes (const NsNetwork *net)
{
  return (double) ns_network_weight_floats (net) * sizeof (float);
}

double
ns_objective_bytes (const NsModel *model, int width, int height)
{
  const NsRecipe *recipe = model->recipe;
  int n = recipe->n_style + recipe->n_content;
  g_autofree int *nodes = g_new (int, n), *strides = g_new (int, n), *channels = g_new (int, n);
  for (int l = 0; l < n; l++)
    nodes[l] = l < recipe->n_style ? model->style_nodes[l] : model->content_nodes[l - recipe->n_style];
  /* rgb and grad_rgb, and the gathering scratch */
  double bytes = (double) width * height * 3 * 2 * sizeof (float) + 2.0 * NS_TILE_SCRATCH_FLOATS * sizeof (float);
  if (ns_tile_strides (model->net, nodes, n, strides, channels, NULL))
    for (int l = 0; l < n; l++)
      bytes += l < recipe->n_style ? (double) channels[l] * channels[l] * 2 * sizeof (float)   /* target, dgram */
                                   : (double) width * height / strides[l] / strides[l] * channels[l] * sizeof (float);
  return bytes;
}

/* The largest pass over a window of a tile of this core size, or over the
 * whole canvas if it is smaller. */
static double
tile_pass_bytes (const NsNetwork *net, int width, int height, int tile, int halo, int margin, int threads)
{
  int side = tile + 2 * halo + NS_TILE_ALIGN - 1;
  return ns_pass_bytes (net, MIN (height + 2 * margin, side), MIN (width + 2 * margin, side), threads);
}

void
ns_memory_plan (const NsModel *model, int width, int height, int style_width, int style_height, double budget_mb,
                int threads, NsMemoryPlan *plan)
{
  double budget = budget_mb * MB;
  double vector = (double) width * height * 3 * sizeof (double);
  double fixed = BASE_BYTES + weights_bytes (model->net)
                 + (double) width * height * (3 + NS_FINISH_FLOATS_PER_PIXEL) * sizeof (float)   /* the driver's
                                                                                        * image, its finish */
                 + ns_objective_bytes (model, width, height) + OPTIMIZER_VECTORS * vector;
  /* the image on its canvas; the style image's Gram over its inner part, with context */
  int m = MAX (width, height) >= MARGIN_MIN_SIDE ? NS_TILE_MARGIN : 0;
  int ms = m - ns_tile_inset (style_width, style_height, m);
  double whole = MAX (ns_pass_bytes (model->net, height + 2 * m, width + 2 * m, threads),
                      ns_pass_bytes (model->net, style_height + 2 * ms, style_width + 2 * ms, threads));
  *plan = (NsMemoryPlan) { 0, NS_TILE_HALO, m, FULL_HISTORY, 0 };
  if (fixed + whole + 2 * FULL_HISTORY * vector <= budget)
    {
      plan->peak_mb = (fixed + whole + 2 * FULL_HISTORY * vector) / MB;
      return;
    }
  /* Tiled (the style image's pass too): the history takes what is left
   * after a minimal pass, the pass then takes the rest (larger tiles waste
   * less on halos). */
  int long_w = MAX (width, style_width), long_h = MAX (height, style_height);
  double available = budget - fixed;
  plan->history = CLAMP ((int) ((available - MIN_PASS_BYTES) / (2 * vector)), MIN_HISTORY, FULL_HISTORY);
  double pass_budget = MAX (available - 2 * plan->history * vector, MIN_PASS_BYTES);
  plan->tile = MIN_TILE;
  while (plan->tile + NS_TILE_ALIGN <= MAX_TILE
         && tile_pass_bytes (model->net, long_w, long_h, plan->tile + NS_TILE_ALIGN, plan->halo, m, threads)
              <= pass_budget)
    plan->tile += NS_TILE_ALIGN;
  plan->peak_mb = (fixed + 2 * plan->history * vector
                   + tile_pass_bytes (model->net, long_w, long_h, plan->tile, plan->halo, m, threads)) / MB;
}

/* A brushwork stage (no optimisation, ns-brushwork.h): its result and the
 * finish, the styles' bands and the tiles' scratch. */
static void
brushwork_plan (const NsModel *model, const NsParams *params, int width, int height, double style_pixels,
                NsMemoryPlan *plan)
{
  double floats = (double) width * height * (3 + NS_FINISH_FLOATS_PER_PIXEL);
  int side = (int) ceil (sqrt (style_pixels));
  double brushwork = ns_brushwork_bytes (side, side, 1, params->style_scale > 0 ? params->style_scale : 1.0,
                                         params->threads);
  *plan = (NsMemoryPlan) { 0, NS_TILE_HALO, 0, 0,
                           (BASE_BYTES + weights_bytes (model->net) + floats * sizeof (float) + brushwork) / MB };
}

void
ns_run_plan (const NsModel *model, const NsParams *params, int content_width, int content_height,
             double style_aspect, double style_pixels, NsRunPlan *plan)
{
  ns_schedule_plan (model->recipe, params, content_width, content_height, &plan->schedule);
  plan->peak_mb = 0;
  /* The caller's content and the run's prepared copy (ns-colors.h), at the
   * content's own size: a photo's, whatever the stage's. */
  double content_mb = 2.0 * content_width * content_height * 3 * sizeof (float) / MB;
  double scale = params->style_scale > 0 ? params->style_scale : 1.0;
  for (int k = 0; k < plan->schedule.n_stages; k++)
    {
      int w = plan->schedule.width[k], h = plan->schedule.height[k];
      if (plan->schedule.iterations[k] == 0)
        {
          brushwork_plan (model, params, w, h, style_pixels > 0 ? style_pixels : NS_PLAN_STYLE_PIXELS,
                          &plan->memory[k]);
          plan->memory[k].peak_mb += content_mb;
          plan->peak_mb = MAX (plan->peak_mb, plan->memory[k].peak_mb);
          continue;
        }
      double style_long = scale * MAX (w, h);
      int sw = MAX (1, (int) lround (style_aspect >= 1 ? style_long : style_long * style_aspect));
      int sh = MAX (1, (int) lround (style_aspect >= 1 ? style_long / style_aspect : style_long));
      ns_memory_plan (model, w, h, sw, sh, ns_memory_budget_mb (params->memory_limit_mb), params->threads,
                      &plan->memory[k]);
      plan->memory[k].peak_mb += content_mb;
      plan->peak_mb = MAX (plan->peak_mb, plan->memory[k].peak_mb);
    }
}
