/* ns-estimate.c: predicted time and peak memory of a run, before running it.
 *
 * Time: each stage costs its evaluations (L-BFGS iterations times the
 * evaluations per iteration, plus the style and content targets, about one
 * evaluation's worth) times the time of one evaluation: its FLOPs (forward
 * counted twice: the input gradient is the same GEMMs transposed) at the
 * rate the engine reaches per thread, plus a per-pixel cost for the losses,
 * the conversions and the optimiser. The rate is for an otherwise idle
 * machine: on a loaded one the run takes longer by the load.
 * Memory: the largest stage's pass, objective and L-BFGS history, plus the
 * weights and a fixed base.
 * The constants are calibrated with bench/run-bench (docs/performance.md). */
#include "ns-internal.h"
#include "ns-objective.h"
#include "ns-schedule.h"

/* Measured on the 2-core AVX-512 CI machine at 512 px: a whole evaluation
 * runs at ~61 GFLOP per busy core-second (OpenBLAS SGEMM: ~100); a second
 * thread adds ~85% of one (the element-wise loops scale less than GEMMs). */
#define NS_GFLOPS_PER_THREAD       60.0
#define NS_EXTRA_THREAD_EFFICIENCY 0.85
#define NS_EVALUATIONS_PER_ITER    1.15      /* More-Thuente: ~1 after the first iterations */
#define NS_SETUP_EVALUATIONS       1.0       /* style Grams + content features: two forwards */
#define NS_PER_PIXEL_SECONDS       40e-9     /* losses, preprocessing, optimiser */
#define NS_BASE_MB                 60.0      /* code, libraries, allocator */
#define NS_LBFGS_HISTORY           8         /* pairs of n doubles (ns-optimizer.c) */

static gsize
weights_bytes (const NsNetwork *net)
{
  gsize floats = 0;
  for (int i = 0; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      if (node->op == NS_OP_CONV)
        floats += (gsize) node->kh * node->kw * node->cin * node->cout + node->cout;
      else if (node->op == NS_OP_DENSE)
        floats += (gsize) node->cin * node->cout + node->cout;
    }
  return floats * sizeof (float);
}

static double
effective_gflops (const NsParams *params)
{
  int threads = params->threads > 0 ? params->threads : (int) g_get_num_processors ();
  return NS_GFLOPS_PER_THREAD * (1 + NS_EXTRA_THREAD_EFFICIENCY * (MAX (threads, 1) - 1));
}

void
ns_estimate (const NsModel *model, int content_width, int content_height, const NsParams *params,
             NsEstimate *estimate)
{
  NsSchedulePlan plan;
  ns_schedule_plan (model->recipe, params, content_width, content_height, &plan);
  double gflops = effective_gflops (params);
  double seconds = 0, peak = 0;
  for (int k = 0; k < plan.n_stages; k++)
    {
      int w = plan.width[k], h = plan.height[k];
      double pixels = (double) w * h;
      double evaluation = 2.0 * ns_network_flops (model->net, h, w) / (gflops * 1e9) + pixels * NS_PER_PIXEL_SECONDS;
      seconds += evaluation * (plan.iterations[k] * NS_EVALUATIONS_PER_ITER + NS_SETUP_EVALUATIONS);
      /* The pass, the objective's buffers, and L-BFGS' history (pairs of n doubles). */
      double bytes = ns_pass_bytes (model->net, h, w) + ns_objective_bytes (model, w, h)
                     + 2.0 * NS_LBFGS_HISTORY * pixels * 3 * sizeof (double);
      peak = MAX (peak, bytes);
    }
  estimate->seconds = seconds;
  estimate->peak_mb = NS_BASE_MB + (weights_bytes (model->net) + peak) / 1048576.0;
}
