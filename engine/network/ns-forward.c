/* ns-forward.c: the forward pass, one node after another in topological
 * order, each by its descriptor (ns-op.h); where the buffers come from is
 * the pass plan's business (ns-pass.c). */
#include "ns-network.h"

#include <string.h>

void
ns_pass_forward (NsPass *pass, const float *input)
{
  const NsNetwork *net = pass->net;
  memcpy (pass->values[0], input, ns_shape_size (pass->shapes[0]) * sizeof (float));
  for (int i = 1; i < net->n_nodes; i++)
    net->nodes[i].op->forward (pass, i);
}
