/* ns-backward.c: back-propagation from the gradients the losses put on
 * tapped outputs down to the input image, the forward switch in reverse.
 *
 * Gradient buffers are shared over time (ns-pass.c), so each evaluation
 * tracks which ones hold a gradient yet (NsPass.live): a buffer's first
 * writer overwrites it instead of adding to zeros, and nodes nothing
 * reached are skipped. */
#include "ns-network.h"

#include <string.h>

void
ns_pass_zero_grads (NsPass *pass)
{
  memset (pass->live, 0, pass->net->n_nodes * sizeof (gboolean));
}

/* The gradient buffer of a node, zeroed on first use in this evaluation. */
static float *
grad_buffer (NsPass *pass, int node)
{
  gsize n = ns_shape_size (pass->shapes[node]);
  if (!pass->live[node])
    {
      memset (pass->grads[node], 0, n * sizeof (float));
      pass->live[node] = TRUE;
    }
  return pass->grads[node];
}

float *
ns_pass_grad (NsPass *pass, int node)
{
  /* Only tapped outputs have gradient buffers of their own before backward. */
  g_return_val_if_fail (pass->net->nodes[node].tapped, NULL);
  return grad_buffer (pass, node);
}

/* grad[node] += dout, for layers whose input gradient is their output's.
 * The first gradient a node receives is copied, not added to zeros. */
static void
accumulate_grad (NsPass *pass, int node, const float *dout, gsize n)
{
  if (!pass->live[node])
    {
      memcpy (pass->grads[node], dout, n * sizeof (float));
      pass->live[node] = TRUE;
      return;
    }
  ns_add_forward (pass->grads[node], dout, pass->grads[node], n, pass->threads);
}

void
ns_pass_backward (NsPass *pass, float *dinput)
{
  const NsNetwork *net = pass->net;
  for (int i = net->n_nodes - 1; i >= 1; i--)
    {
      if (!pass->live[i])
        continue;
      const NsNode *node = &net->nodes[i];
      int a = node->inputs[0];
      NsShape in_shape = pass->shapes[a], out_shape = pass->shapes[i];
      float *dout = pass->grads[i];
      gsize n = ns_shape_size (out_shape);
      switch (node->op)
        {
        case NS_OP_CONV:
          {
            NsConv conv = ns_node_conv (node, in_shape, pass->threads);
            if (node->relu)
              ns_relu_mask (pass->values[i], dout, n, pass->threads);
            ns_conv_backward (&conv, dout, out_shape, grad_buffer (pass, a), in_shape, pass->workspace);
          }
          break;
        case NS_OP_RELU:
          ns_relu_mask (pass->values[i], dout, n, pass->threads);
          accumulate_grad (pass, a, dout, n);
          break;
        case NS_OP_ZEROPAD:
          ns_zeropad_backward (dout, out_shape, grad_buffer (pass, a), in_shape, node->pad[0], node->pad[2]);
          break;
        case NS_OP_MAXPOOL:
          ns_maxpool_backward (pass->argmax[i], dout, out_shape, grad_buffer (pass, a));
          break;
        case NS_OP_AVGPOOL:
          {
            NsPool pool = ns_node_pool (node, in_shape);
            ns_avgpool_backward (&pool, dout, out_shape, grad_buffer (pass, a), in_shape);
          }
          break;
        case NS_OP_ADD:
          {
            int b = node->inputs[1];
            if (a == b)   /* x + x: twice the gradient, through the general path */
              {
                if (node->relu)
                  ns_relu_mask (pass->values[i], dout, n, pass->threads);
                accumulate_grad (pass, a, dout, n);
                accumulate_grad (pass, b, dout, n);
                break;
              }
            ns_add_backward (pass->values[i], node->relu, dout, pass->grads[a], pass->live[a],
                             pass->grads[b], pass->live[b], n, pass->threads);
            pass->live[a] = pass->live[b] = TRUE;
          }
          break;
        case NS_OP_GLOBAL_AVGPOOL:
          ns_global_avgpool_backward (dout, grad_buffer (pass, a), in_shape);
          break;
        case NS_OP_DENSE:
          ns_dense_backward (dout, node->cout, node->kernel, node->cin, grad_buffer (pass, a));
          break;
        case NS_OP_INPUT:
          break;
        }
    }
  gsize n = ns_shape_size (pass->shapes[0]);
  if (pass->live[0])
    memcpy (dinput, pass->grads[0], n * sizeof (float));
  else
    memset (dinput, 0, n * sizeof (float));
}
