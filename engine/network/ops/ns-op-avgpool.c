/* ns-op-avgpool.c: AveragePooling2D (ns-pool.c). */
#include "ns-network.h"

static void
avgpool_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  NsPool pool = ns_node_pool (node, pass->shapes[a]);
  ns_avgpool_forward (&pool, pass->values[a], pass->shapes[a], pass->values[i], pass->shapes[i]);
}

static void
avgpool_backward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  NsPool pool = ns_node_pool (node, pass->shapes[a]);
  ns_avgpool_backward (&pool, pass->grads[i], pass->shapes[i], ns_pass_input_grad (pass, i, 0), pass->shapes[a]);
}

const NsOp ns_op_avgpool = {
  .name = "avgpool",
  .n_inputs = 1,
  .shape = ns_op_window_shape,
  .forward = avgpool_forward,
  .backward = avgpool_backward,
};
