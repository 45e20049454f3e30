/* ns-estimate.c: predicted time and peak memory of a run, before running it.
 *
 * Time is the FLOPs of one evaluation (forward + input gradient) divided by
 * the rate this engine reaches, times the evaluations L-BFGS makes per
 * iteration, plus a per-pixel cost for losses and the optimiser.
 * The constants are calibrated with bench/run-bench (see docs/performance.md). */
#include "ns-internal.h"
#include "ns-objective.h"
#include "ns-schedule.h"

/* Effective GFLOP/s of forward + backward (forward FLOPs counted twice) and
 * L-BFGS evaluations per iteration, measured on the 2-core CI machine. */
#define NS_EFFECTIVE_GFLOPS        100.0
#define NS_EVALUATIONS_PER_ITER    1.1
#define NS_PER_PIXEL_SECONDS       40e-9     /* losses, preprocessing, optimiser */
#define NS_BASE_MB                 60.0      /* code, libraries, allocator */

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
      double pixels = (double) w * h;
      double evaluation = 2.0 * ns_network_flops (model->net, h, w) / (NS_EFFECTIVE_GFLOPS * 1e9)
                          + pixels * NS_PER_PIXEL_SECONDS;
      seconds += evaluation * (plan.iterations[k] * NS_EVALUATIONS_PER_ITER + 2);   /* + targets */
      /* The pass, the objective's buffers, and L-BFGS' history (8 pairs of doubles). */
      double bytes = ns_pass_bytes (model->net, h, w) + ns_objective_bytes (model, w, h)
                     + 2.0 * 8 * pixels * 3 * sizeof (double);
      peak = MAX (peak, bytes);
    }
  estimate->seconds = seconds;
  estimate->peak_mb = NS_BASE_MB + (weights_bytes (model->net) + peak) / 1048576.0;
}
