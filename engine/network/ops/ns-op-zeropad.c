/* ns-op-zeropad.c: ZeroPadding2D, pad[] rows and columns of zeros on each
 * side (ns-elementwise.c). */
#include "ns-network.h"

static gboolean
zeropad_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  *out = in[0];
  out->h += node->pad[0] + node->pad[1];
  out->w += node->pad[2] + node->pad[3];
  return TRUE;
}

static void
zeropad_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  ns_zeropad_forward (pass->values[a], pass->shapes[a], pass->values[i], pass->shapes[i], node->pad[0],
                      node->pad[2]);
}

static void
zeropad_backward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  ns_zeropad_backward (pass->grads[i], pass->shapes[i], ns_pass_input_grad (pass, i, 0), pass->shapes[a],
                       node->pad[0], node->pad[2]);
}

const NsOp ns_op_zeropad = {
  .name = "zeropad",
  .n_inputs = 1,
  .shape = zeropad_shape,
  .forward = zeropad_forward,
  .backward = zeropad_backward,
};
