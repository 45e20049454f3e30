/* ns-forward.c: the forward pass, one switch over the nodes in topological
 * order, read top to bottom as the network runs. Each case only picks the
 * node's inputs and buffers and calls a layer kernel (../layers); where the
 * buffers come from is the pass plan's business (ns-pass.c). */
#include "ns-network.h"

#include <math.h>
#include <string.h>

/* In-place softmax of the classification head's n values (forward only:
 * style transfer never back-propagates through the classifier). */
static void
softmax (float *values, int n)
{
  float top = values[0];
  for (int i = 1; i < n; i++)
    top = MAX (top, values[i]);
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += values[i] = expf (values[i] - top);
  for (int i = 0; i < n; i++)
    values[i] = (float) (values[i] / sum);
}

void
ns_pass_forward (NsPass *pass, const float *input)
{
  const NsNetwork *net = pass->net;
  memcpy (pass->values[0], input, ns_shape_size (pass->shapes[0]) * sizeof (float));
  for (int i = 1; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      int a = node->inputs[0];
      const float *in = pass->values[a];
      NsShape in_shape = pass->shapes[a], out_shape = pass->shapes[i];
      float *out = pass->values[i];
      switch (node->op)
        {
        case NS_OP_CONV:
          {
            NsConv conv = ns_node_conv (node, in_shape, pass->threads);
            ns_conv_forward (&conv, in, in_shape, out, out_shape, pass->workspace);
          }
          break;
        case NS_OP_RELU:
          ns_relu_forward (in, out, ns_shape_size (out_shape), pass->threads);
          break;
        case NS_OP_ZEROPAD:
          ns_zeropad_forward (in, in_shape, out, out_shape, node->pad[0], node->pad[2]);
          break;
        case NS_OP_MAXPOOL:
        case NS_OP_AVGPOOL:
          {
            NsPool pool = ns_node_pool (node, in_shape);
            if (node->op == NS_OP_MAXPOOL)
              ns_maxpool_forward (&pool, in, in_shape, out, out_shape, pass->argmax[i], pass->threads);
            else
              ns_avgpool_forward (&pool, in, in_shape, out, out_shape);
          }
          break;
        case NS_OP_ADD:
          (node->relu ? ns_add_relu_forward : ns_add_forward) (in, pass->values[node->inputs[1]], out,
                                                                ns_shape_size (out_shape), pass->threads);
          break;
        case NS_OP_GLOBAL_AVGPOOL:
          ns_global_avgpool_forward (in, in_shape, out);
          break;
        case NS_OP_DENSE:
          ns_dense_forward (in, node->cin, node->kernel, node->bias, node->cout, out);
          if (node->softmax)
            softmax (out, node->cout);
          break;
        case NS_OP_INPUT:
          break;
        }
    }
}
