/* ns-network.c: the graph: its nodes (layers in topological order, as the
 * tfjs loader built them), what a node is at a given input size (output
 * shape, the conv or pooling layer that runs it) and the work of a forward
 * pass, each node's from its descriptor (ns-op.h). Nothing here allocates
 * per size: that is the pass plan's job (ns-pass.c), which depends on this
 * file and not the other way round. */
#include "ns-network.h"
#include "ns-winograd.h"

#include <glib/gi18n-lib.h>

#define OP_ADDRESS(name) &ns_op_##name,
const NsOp *const ns_ops[] = { NS_OPS (OP_ADDRESS) NULL };
#undef OP_ADDRESS

void
ns_network_free (NsNetwork *net)
{
  if (!net)
    return;
  for (int i = 0; i < net->n_nodes; i++)
    {
      g_free (net->nodes[i].name);
      g_free (net->nodes[i].kernel);
      g_free (net->nodes[i].bias);
      ns_winograd_free (net->nodes[i].winograd);
    }
  g_free (net->nodes);
  if (net->taps)
    g_hash_table_unref (net->taps);
  g_free (net);
}

void
ns_network_prepare_kernels (NsNetwork *net)
{
  for (int i = 1; i < net->n_nodes; i++)
    if (net->nodes[i].op->prepare)
      net->nodes[i].op->prepare (&net->nodes[i]);
}

int
ns_network_lookup (const NsNetwork *net, const char *layer_name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (net->taps, layer_name)) - 1;
}

/* The concrete conv/pool geometry of a node for its input shape. */
static void
node_geometry (const NsNode *node, NsShape in, NsShape *out, int *pad_top, int *pad_left)
{
  out->h = ns_window_output (in.h, node->kh, node->stride_h, node->padding, pad_top);
  out->w = ns_window_output (in.w, node->kw, node->stride_w, node->padding, pad_left);
}

NsConv
ns_node_conv (const NsNode *node, NsShape in, int threads)
{
  NsConv conv = { 0 };
  conv.threads = threads;
  NsShape out;
  node_geometry (node, in, &out, &conv.pad_top, &conv.pad_left);
  conv.kh = node->kh, conv.kw = node->kw;
  conv.stride_h = node->stride_h, conv.stride_w = node->stride_w;
  conv.cin = node->cin, conv.cout = node->cout;
  conv.kernel = node->kernel, conv.bias = node->bias;
  conv.relu = node->relu;
  conv.winograd = node->winograd;
  return conv;
}

NsPool
ns_node_pool (const NsNode *node, NsShape in)
{
  NsPool pool = { node->kh, node->kw, node->stride_h, node->stride_w, 0, 0 };
  NsShape out;
  node_geometry (node, in, &out, &pool.pad_top, &pool.pad_left);
  return pool;
}

NsShape
ns_node_window_shape (const NsNode *node, NsShape in)
{
  NsShape out = in;
  int top, left;
  node_geometry (node, in, &out, &top, &left);
  return out;
}

gboolean
ns_op_same_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  *out = in[0];
  return TRUE;
}

gboolean
ns_op_window_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error)
{
  *out = ns_node_window_shape (node, in[0]);
  return TRUE;
}

gboolean
ns_network_shapes (const NsNetwork *net, int height, int width, NsShape *shapes, GError **error)
{
  for (int i = 0; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      NsShape in[2] = { { height, width, 3 } }, out;
      for (int k = 0; k < node->n_inputs; k++)
        in[k] = shapes[node->inputs[k]];
      if (!node->op->shape (node, in, &out, error))
        return FALSE;
      if (out.h <= 0 || out.w <= 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("a %dx%d image is too small for this network "
                       "(layer “%s” would have no output)"), width, height, node->name);
          return FALSE;
        }
      shapes[i] = out;
    }
  return TRUE;
}

double
ns_network_flops (const NsNetwork *net, int height, int width)
{
  g_autofree NsShape *shapes = g_new (NsShape, net->n_nodes);
  if (!ns_network_shapes (net, height, width, shapes, NULL))
    return 0;
  double flops = 0;
  for (int i = 1; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      NsShape in[2] = { shapes[node->inputs[0]], shapes[node->inputs[node->n_inputs > 1]] };
      if (node->op->flops)
        flops += node->op->flops (node, in, shapes[i]);
    }
  return flops;
}

gsize
ns_network_weight_floats (const NsNetwork *net)
{
  gsize floats = 0;
  for (int i = 0; i < net->n_nodes; i++)
    if (net->nodes[i].op->weight_floats)
      floats += net->nodes[i].op->weight_floats (&net->nodes[i]);
  return floats;
}
