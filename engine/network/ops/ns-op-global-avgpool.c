/* ns-op-global-avgpool.c: GlobalAveragePooling2D, HWC to C (ns-pool.c). */
#include "ns-network.h"

static gboolean
global_avgpool_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  *out = (NsShape) { 1, 1, in[0].c };
  return TRUE;
}

static void
global_avgpool_forward (NsPass *pass, int i)
{
  int a = pass->net->nodes[i].inputs[0];
  ns_global_avgpool_forward (pass->values[a], pass->shapes[a], pass->values[i]);
}

static void
global_avgpool_backward (NsPass *pass, int i)
{
  int a = pass->net->nodes[i].inputs[0];
  ns_global_avgpool_backward (pass->grads[i], ns_pass_input_grad (pass, i, 0), pass->shapes[a]);
}

const NsOp ns_op_global_avgpool = {
  .name = "global_avgpool",
  .n_inputs = 1,
  .shape = global_avgpool_shape,
  .forward = global_avgpool_forward,
  .backward = global_avgpool_backward,
};
