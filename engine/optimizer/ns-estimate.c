/* ns-estimate.c: predicted time and peak memory of a run, before running it.
 *
 * Time: each stage costs its evaluations (L-BFGS iterations times the
 * evaluations per iteration, plus the first line search's extra ones and the
 * style and content targets) times the time of one evaluation: a fixed cost
 * per network pass (reading the weights: ~100 MB, whatever the image size)
 * plus its FLOPs (counted from the layer shapes, forward twice: the input
 * gradient is the same GEMMs transposed) at the rate the engine reaches per
 * thread (Winograd included), plus a per-pixel cost for the optimiser. The rate is this machine's when idle,
 * scaled by the share of the cores that the current load leaves.
 * Stages too large for the memory budget run in tiles (ns_memory_plan(),
 * docs/tiling.md): each evaluation then runs every window forward twice and
 * backward once, halos included.
 * Memory: the largest stage's pass (whole image or largest window), objective
 * and L-BFGS history, plus the weights and a fixed base.
 * The constants are calibrated with bench/run-bench (docs/performance.md). */
#include "ns-model.h"
#include "ns-objective.h"
#include "ns-schedule.h"
#include "ns-tiles.h"
#include "ns-winograd.h"
#include "ns-parallel.h"

#include <stdlib.h>

/* Measured on the 2-core AVX-512 CI machine, idle (bench-model): one thread
 * takes 0.052, 0.072, 0.141, 0.273 and 0.517 s per evaluation at 128, 160,
 * 256, 362 and 512 px long side (3.1 to 49 GFLOP by the layer shapes): 21 ms
 * fixed (the weights' traffic) plus 99 GFLOP/s (the 3x3 convs run as
 * Winograd, with a quarter of the multiplications; OpenBLAS SGEMM: ~95).
 * A second thread gave 1.5-1.75x from 128 px up (the helper threads spin
 * between loops, so small images scale too): each further thread adds
 * NS_EXTRA_THREAD * P / (P + NS_THREAD_HALF_PIXELS) for P pixels. */
#define NS_GFLOPS_PER_THREAD       99.0
#define NS_PASS_FIXED_SECONDS      0.021
#define NS_EXTRA_THREAD            0.75
#define NS_THREAD_HALF_PIXELS      5000.0
/* Evaluations per stage = iterations + NS_STAGE_EVALUATIONS: More-Thuente
 * accepts the first step but in the first iteration or two of a stage (300
 * iterations: 301 evaluations single-scale, 306 over 4 stages), and the
 * style Grams and content features cost two forwards, one evaluation. */
#define NS_EVALUATIONS_PER_ITER    1.0
#define NS_STAGE_EVALUATIONS       (1.5 + 1.0)
#define NS_PER_PIXEL_SECONDS       120e-9    /* serial, per iteration: libLBFGS (8 pairs of 3 doubles per
                                                * pixel: ~13 ms at 512x384), conversions, TV */
#define NS_BASE_MB                 40.0      /* code, libraries, allocator (measured: 169 MB at 256 px) */

static gsize
weights_bytes (const NsNetwork *net)
{
  gsize floats = 0;
  for (int i = 0; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      if (node->op == NS_OP_CONV && node->winograd)
        floats += ns_winograd_bytes (node->winograd) / sizeof (float) + node->cout;
      else if (node->op == NS_OP_CONV)
        floats += (gsize) node->kh * node->kw * node->cin * node->cout + node->cout;
      else if (node->op == NS_OP_DENSE)
        floats += (gsize) node->cin * node->cout + node->cout;
    }
  return floats * sizeof (float);
}

/* The share of its threads' time a run gets when other work keeps `load`
 * processes runnable (the 1-minute load average, sampled now, less this
 * process's own threads, which it counts for a minute after they ran): with
 * more runnable threads than cores, the cores are shared evenly. */
static double
machine_share (int threads)
{
  double load[1], cores = g_get_num_processors ();
  if (getloadavg (load, 1) != 1)
    return 1.0;
  double others = MAX (load[0] - threads, 0.0);
  return others + threads <= cores ? 1.0 : cores / (others + threads);
}

/* How many threads' worth of work a run of this many pixels gets. */
static double
effective_threads (const NsParams *params, double pixels)
{
  int threads = ns_threads_resolve (params->threads);   /* as the run will */
  double extra = (threads - 1) * NS_EXTRA_THREAD * pixels / (pixels + NS_THREAD_HALF_PIXELS);
  return (1 + extra) * machine_share (threads);
}

/* FLOPs of one evaluation of a stage, its network passes (forward and
 * backward together counting one), and the bytes of its largest pass. */
static double
stage_flops (const NsNetwork *net, int w, int h, const NsMemoryPlan *memory, int threads, double *passes,
             double *pass_bytes)
{
  *passes = 1;
  if (memory->tile <= 0)
    {
      *pass_bytes = ns_pass_bytes (net, h, w, threads);
      return 2.0 * ns_network_flops (net, h, w);
    }
  g_autoptr (NsTilePlan) tiles = ns_tile_plan_new (w, h, memory->tile, memory->halo);
  double flops = 0;
  *passes = 1.5 * tiles->n_tiles;
  *pass_bytes = 0;
  for (int t = 0; t < tiles->n_tiles; t++)
    {
      const NsRect *r = &tiles->tiles[t].window;
      int tw = r->x1 - r->x0, th = r->y1 - r->y0;
      flops += 3.0 * ns_network_flops (net, th, tw);   /* sweep 1 forward; sweep 2 forward + backward */
      *pass_bytes = MAX (*pass_bytes, (double) ns_pass_bytes (net, th, tw, threads));
    }
  return flops;
}

void
ns_estimate (const NsModel *model, int content_width, int content_height, const NsParams *params,
             NsEstimate *estimate)
{
  NsSchedulePlan plan;
  ns_schedule_plan (model->recipe, params, content_width, content_height, &plan);
  double seconds = 0, peak = 0;
  for (int k = 0; k < plan.n_stages; k++)
    {
      int w = plan.width[k], h = plan.height[k];
      double pixels = (double) w * h, pass_bytes, passes;
      NsMemoryPlan memory;
      ns_memory_plan (model, w, h, params->memory_limit_mb, params->threads, &memory);
      double flops = stage_flops (model->net, w, h, &memory, params->threads, &passes, &pass_bytes);
      double evaluation = (passes * NS_PASS_FIXED_SECONDS + flops / (NS_GFLOPS_PER_THREAD * 1e9))
                          / effective_threads (params, pixels) + pixels * NS_PER_PIXEL_SECONDS;
      seconds += evaluation * (plan.iterations[k] * NS_EVALUATIONS_PER_ITER + NS_STAGE_EVALUATIONS);
      /* The pass, the objective's buffers, and L-BFGS' history (pairs of n doubles). */
      double bytes = pass_bytes + ns_objective_bytes (model, w, h) + 2.0 * memory.history * pixels * 3 * sizeof (double);
      peak = MAX (peak, bytes);
    }
  estimate->seconds = seconds;
  estimate->peak_mb = NS_BASE_MB + (weights_bytes (model->net) + peak) / 1048576.0;
}
