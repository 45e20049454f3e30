/* ns-op-add.c: Add of two tensors of one shape (a residual connection),
 * its ReLU optionally fused (ns-elementwise.c). */
#include "ns-network.h"

#include <glib/gi18n-lib.h>

static gboolean
add_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  if (in[1].h != in[0].h || in[1].w != in[0].w || in[1].c != in[0].c)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” adds tensors of different shapes "
                   "(%dx%dx%d and %dx%dx%d)"), node->name, in[0].h, in[0].w, in[0].c, in[1].h, in[1].w, in[1].c);
      return FALSE;
    }
  *out = in[0];
  return TRUE;
}

static gboolean
add_keeps_output (const NsNode *node)
{
  return node->relu;   /* the fused ReLU's mask */
}

static void
add_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  (node->relu ? ns_add_relu_forward : ns_add_forward) (pass->values[node->inputs[0]],
                                                        pass->values[node->inputs[1]], pass->values[i],
                                                        ns_shape_size (pass->shapes[i]), pass->threads);
}

static void
add_backward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0], b = node->inputs[1];
  gsize n = ns_shape_size (pass->shapes[i]);
  float *dout = pass->grads[i];
  if (a == b)   /* x + x: twice the gradient, through the general path */
    {
      if (node->relu)
        ns_relu_mask (pass->values[i], dout, n, pass->threads);
      ns_pass_accumulate_grad (pass, i, 0, dout, n);
      ns_pass_accumulate_grad (pass, i, 1, dout, n);
      return;
    }
  ns_add_backward (pass->values[i], node->relu, dout, pass->grads[a], pass->live[a], pass->grads[b], pass->live[b],
                   n, pass->threads);
  pass->live[a] = pass->live[b] = TRUE;
}

const NsOp ns_op_add = {
  .name = "add",
  .n_inputs = 2,
  .shape = add_shape,
  .keeps_output = add_keeps_output,
  .forward = add_forward,
  .backward = add_backward,
};
