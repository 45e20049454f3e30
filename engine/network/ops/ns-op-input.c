/* ns-op-input.c: the network's input, the preprocessed image: the pass
 * copies it in (ns_pass_forward()) and reads its gradient out. */
#include "ns-network.h"

const NsOp ns_op_input = {
  .name = "input",
  .n_inputs = 0,
  .shape = ns_op_same_shape,
};
