/* ns-op-input.c: the network's input, the preprocessed image: the pass
 * copies it in (ns_pass_forward()) and reads its gradient out. */
#include "ns-network.h"

static gboolean
input_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  *out = in[0];
  return TRUE;
}

const NsOp ns_op_input = {
  .name = "input",
  .n_inputs = 0,
  .shape = input_shape,
};
