/* ns-op-dense.c: Dense, the classification head (ns-elementwise.c): its
 * softmax in forward only, as style transfer never back-propagates through
 * the classifier (backward treats the head as linear). */
#include "ns-network.h"

#include <math.h>
#include <glib/gi18n-lib.h>

static gboolean
dense_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  if ((int) ns_shape_size (in[0]) != node->cin)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("layer “%s” needs %d inputs but receives "
                     "%llu: the classification head needs the network's own input size"),
                   node->name, node->cin, (unsigned long long) ns_shape_size (in[0]));
      return FALSE;
    }
  *out = (NsShape) { 1, 1, node->cout };
  return TRUE;
}

static double
dense_flops (const NsNode *node, const NsShape *in, NsShape out)
{
  return 2.0 * node->cin * node->cout;
}

static gsize
dense_weight_floats (const NsNode *node)
{
  return (gsize) node->cin * node->cout + node->cout;
}

/* In-place softmax of the head's n values. */
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

static void
dense_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  ns_dense_forward (pass->values[node->inputs[0]], node->cin, node->kernel, node->bias, node->cout, pass->values[i]);
  if (node->softmax)
    softmax (pass->values[i], node->cout);
}

static void
dense_backward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  ns_dense_backward (pass->grads[i], node->cout, node->kernel, node->cin, ns_pass_input_grad (pass, i, 0));
}

const NsOp ns_op_dense = {
  .name = "dense",
  .n_inputs = 1,
  .shape = dense_shape,
  .flops = dense_flops,
  .weight_floats = dense_weight_floats,
  .forward = dense_forward,
  .backward = dense_backward,
};
