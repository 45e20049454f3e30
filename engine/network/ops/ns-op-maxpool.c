/* ns-op-maxpool.c: MaxPooling2D; forward records where each output came
 * from, which is all its backward reads (ns-pool.c). */
#include "ns-network.h"

static void
maxpool_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  NsPool pool = ns_node_pool (node, pass->shapes[a]);
  ns_maxpool_forward (&pool, pass->values[a], pass->shapes[a], pass->values[i], pass->shapes[i], pass->argmax[i],
                      pass->threads);
}

static void
maxpool_backward (NsPass *pass, int i)
{
  ns_maxpool_backward (pass->argmax[i], pass->grads[i], pass->shapes[i], ns_pass_input_grad (pass, i, 0));
}

const NsOp ns_op_maxpool = {
  .name = "maxpool",
  .n_inputs = 1,
  .shape = ns_op_window_shape,
  .argmax = TRUE,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
};
