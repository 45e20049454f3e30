/* ns-op-relu.c: a ReLU that could not be fused into the conv or add
 * before it (ns-elementwise.c). */
#include "ns-network.h"

static gboolean
relu_keeps_output (const NsNode *node)
{
  return TRUE;   /* its backward masks by it */
}

static void
relu_forward (NsPass *pass, int i)
{
  ns_relu_forward (pass->values[pass->net->nodes[i].inputs[0]], pass->values[i], ns_shape_size (pass->shapes[i]),
                   pass->threads);
}

static void
relu_backward (NsPass *pass, int i)
{
  gsize n = ns_shape_size (pass->shapes[i]);
  ns_relu_mask (pass->values[i], pass->grads[i], n, pass->threads);
  ns_pass_accumulate_grad (pass, i, 0, pass->grads[i], n);
}

const NsOp ns_op_relu = {
  .name = "relu",
  .n_inputs = 1,
  .shape = ns_op_same_shape,
  .keeps_output = relu_keeps_output,
  .forward = relu_forward,
  .backward = relu_backward,
};
