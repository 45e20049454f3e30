/* ns-estimate.c: predicted time and peak memory of a run, before running it.
 *
 * Time: each stage costs its evaluations (L-BFGS iterations times the
 * evaluations per iteration, plus the first line search's extra ones and the
 * style and content targets) times the time of one evaluation: a fixed cost
 * per network pass (reading the weights: ~100 MB, whatever the image size)
 * plus its FLOPs (counted from the layer shapes, forward twice: the input
 * gradient is the same GEMMs transposed) at the rate the engine reaches per
 * thread (Winograd included), plus a per-pixel cost for the optimiser. The
 * rate is this machine's, from its measured SGEMM rate, scaled by the share
 * of the cores that the current load leaves.
 * Stages too large for the memory budget run in tiles (ns_memory_plan(),
 * docs/tiling.md): each evaluation then runs every window forward twice and
 * backward once, halos included.
 * A photo's brushwork stage (ns-brushwork.h: no optimisation) costs a fixed
 * time per pixel, its tiles shared over the threads.
 * Memory: the run plan's peak (ns-memory-plan.h), the same model that
 * ns_stylize() plans and checks with.
 * The constants are calibrated with bench/run-bench (docs/performance.md). */
#include "ns-memory-plan.h"
#include "ns-tiles.h"
#include "ns-parallel.h"

#include <stdlib.h>

/* The engine's speed follows the machine's SGEMM rate, measured by the
 * first estimate (ns_model_gemm_gflops(), ns-speed.h). Measured with bench-model on two 2-core AVX-512
 * machines, one thread, 160 to 512 px long side (4.8 to 49 GFLOP by the
 * layer shapes): the engine got through the FLOPs at 1.04x the probe's rate
 * on both (99 against ~95 GFLOP/s, 137 against 131.6; the 3x3 convs run as
 * Winograd, with a quarter of the multiplications), plus a fixed cost per
 * network pass (reading the weights, ~100 MB) of 1.3 to 2.1 GFLOP's worth.
 * A second thread gave 1.5-1.75x from 128 px up (the helper threads spin
 * between loops, so small images scale too): each further thread adds
 * NS_EXTRA_THREAD * P / (P + NS_THREAD_HALF_PIXELS) for P pixels. */
#define NS_ENGINE_GEMM_RATIO       1.04
#define NS_GFLOPS_UNMEASURED       99.0      /* per thread, when the probe failed */
#define NS_PASS_FIXED_GFLOP        1.6
#define NS_EXTRA_THREAD            0.75
#define NS_THREAD_HALF_PIXELS      5000.0
/* Evaluations per stage = iterations + NS_STAGE_EVALUATIONS: More-Thuente
 * accepts the first step but in the first iteration or two of a stage (300
 * iterations: 301 evaluations single-scale, 306 over 4 stages), and the
 * style Grams and content features cost two forwards, one evaluation. */
#define NS_EVALUATIONS_PER_ITER    1.0
#define NS_STAGE_EVALUATIONS       (1.5 + 1.0)
#define NS_BRUSHWORK_PIXEL_SECONDS 1.5e-6    /* a brushwork stage (no optimisation), per pixel and thread:
                                                * the matching, the votes, the finish */
#define NS_PER_PIXEL_SECONDS       120e-9    /* serial, per iteration: libLBFGS (8 pairs of 3 doubles per
                                                * pixel: ~13 ms at 512x384), conversions, TV */

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

/* FLOPs of one evaluation of a stage, and its network passes (forward and
 * backward together counting one); windows include the canvas' margin. */
static double
stage_flops (const NsNetwork *net, int w, int h, const NsMemoryPlan *memory, double *passes)
{
  g_autoptr (NsTilePlan) tiles = ns_tile_plan_new (w, h, memory->tile, memory->halo, memory->margin);
  *passes = 1;
  if (memory->tile <= 0)
    return 2.0 * ns_network_flops (net, tiles->tiles[0].window.y1 - tiles->tiles[0].window.y0,
                                   tiles->tiles[0].window.x1 - tiles->tiles[0].window.x0);
  double flops = 0;
  *passes = 1.5 * tiles->n_tiles;
  for (int t = 0; t < tiles->n_tiles; t++)
    {
      const NsRect *r = &tiles->tiles[t].window;
      flops += 3.0 * ns_network_flops (net, r->y1 - r->y0, r->x1 - r->x0);   /* sweep 1 forward; sweep 2 forward + backward */
    }
  return flops;
}

void
ns_estimate (const NsModel *model, int content_width, int content_height, const NsParams *params,
             NsEstimate *estimate)
{
  NsRunPlan plan;
  ns_run_plan (model, params, content_width, content_height, (double) content_width / content_height, 0, &plan);
  double gemm_gflops = ns_model_gemm_gflops (model);
  double gflops_per_thread = gemm_gflops > 0 ? NS_ENGINE_GEMM_RATIO * gemm_gflops : NS_GFLOPS_UNMEASURED;
  double seconds = 0;
  for (int k = 0; k < plan.schedule.n_stages; k++)
    {
      int w = plan.schedule.width[k], h = plan.schedule.height[k];
      double pixels = (double) w * h, passes;
      if (plan.schedule.iterations[k] == 0)
        {
          int threads = ns_threads_resolve (params->threads);   /* a tile per thread at once */
          seconds += pixels * NS_BRUSHWORK_PIXEL_SECONDS / (threads * machine_share (threads));
          continue;
        }
      double flops = stage_flops (model->net, w, h, &plan.memory[k], &passes);
      double evaluation = (passes * NS_PASS_FIXED_GFLOP * 1e9 + flops) / (gflops_per_thread * 1e9)
                          / effective_threads (params, pixels) + pixels * NS_PER_PIXEL_SECONDS;
      seconds += evaluation * (plan.schedule.iterations[k] * NS_EVALUATIONS_PER_ITER + NS_STAGE_EVALUATIONS);
    }
  estimate->seconds = seconds;
  estimate->peak_mb = plan.peak_mb;
}
