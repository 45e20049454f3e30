/* ns-backward.c: back-propagation from the gradients the losses put on
 * tapped outputs down to the input image, the forward pass in reverse,
 * each node by its descriptor (ns-op.h).
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

float *
ns_pass_input_grad (NsPass *pass, int node, int k)
{
  return grad_buffer (pass, pass->net->nodes[node].inputs[k]);
}

void
ns_pass_accumulate_grad (NsPass *pass, int node, int k, const float *dout, gsize n)
{
  int input = pass->net->nodes[node].inputs[k];
  if (!pass->live[input])
    {
      memcpy (pass->grads[input], dout, n * sizeof (float));
      pass->live[input] = TRUE;
      return;
    }
  ns_add_forward (pass->grads[input], dout, pass->grads[input], n, pass->threads);
}

void
ns_pass_backward (NsPass *pass, float *dinput)
{
  const NsNetwork *net = pass->net;
  for (int i = net->n_nodes - 1; i >= 1; i--)
    if (pass->live[i])
      net->nodes[i].op->backward (pass, i);
  gsize n = ns_shape_size (pass->shapes[0]);
  if (pass->live[0])
    memcpy (dinput, pass->grads[0], n * sizeof (float));
  else
    memset (dinput, 0, n * sizeof (float));
}
