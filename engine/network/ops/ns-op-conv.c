/* ns-op-conv.c: Conv2D, batch norm folded in, its ReLU optionally fused:
 * im2col + GEMM, or Winograd F(4x4, 3x3) for stride-1 3x3 "same" convs
 * (../../layers/ns-conv.c, ns-winograd.c). */
#include "ns-network.h"
#include "ns-winograd.h"

#include <glib/gi18n-lib.h>

static gboolean
conv_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  if (in[0].c != node->cin)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” expects %d input channels but "
                   "receives %d"), node->name, node->cin, in[0].c);
      return FALSE;
    }
  *out = ns_node_window_shape (node, in[0]);
  out->c = node->cout;
  return TRUE;
}

static double
conv_flops (const NsNode *node, const NsShape *in, NsShape out)
{
  return 2.0 * out.h * out.w * node->cout * node->kh * node->kw * node->cin;
}

static gsize
conv_weight_floats (const NsNode *node)
{
  gsize kernel = node->winograd ? ns_winograd_bytes (node->winograd) / sizeof (float)
                                : (gsize) node->kh * node->kw * node->cin * node->cout;
  return kernel + node->cout;
}

static gsize
conv_workspace (const NsNode *node, const NsShape *in, NsShape out, int threads)
{
  NsConv conv = ns_node_conv (node, in[0], threads);
  return ns_conv_workspace (&conv, in[0], out);
}

static gboolean
conv_keeps_output (const NsNode *node)
{
  return node->relu;   /* the fused ReLU's mask */
}

/* The Winograd form of a stride-1 3x3 "same" kernel, whose padding is one
 * pixel on each side at any size; only it is used from then on (if it
 * fits: else the conv keeps its im2col path). */
static void
conv_prepare (NsNode *node)
{
  NsConv conv = { node->kh, node->kw, node->stride_h, node->stride_w, 1, 1, node->cin, node->cout,
                  node->kernel, node->bias, node->relu, 1, NULL };
  if (node->padding == NS_PADDING_SAME && !node->winograd && ns_winograd_supports (&conv)
      && (node->winograd = ns_winograd_new (&conv)))
    g_clear_pointer (&node->kernel, g_free);
}

static void
conv_forward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  NsConv conv = ns_node_conv (node, pass->shapes[a], pass->threads);
  ns_conv_forward (&conv, pass->values[a], pass->shapes[a], pass->values[i], pass->shapes[i], pass->workspace);
}

static void
conv_backward (NsPass *pass, int i)
{
  const NsNode *node = &pass->net->nodes[i];
  int a = node->inputs[0];
  NsConv conv = ns_node_conv (node, pass->shapes[a], pass->threads);
  if (node->relu)
    ns_relu_mask (pass->values[i], pass->grads[i], ns_shape_size (pass->shapes[i]), pass->threads);
  ns_conv_backward (&conv, pass->grads[i], pass->shapes[i], ns_pass_input_grad (pass, i, 0), pass->shapes[a],
                    pass->workspace);
}

const NsOp ns_op_conv = {
  .name = "conv",
  .n_inputs = 1,
  .shape = conv_shape,
  .flops = conv_flops,
  .weight_floats = conv_weight_floats,
  .workspace = conv_workspace,
  .keeps_output = conv_keeps_output,
  .prepare = conv_prepare,
  .forward = conv_forward,
  .backward = conv_backward,
};
