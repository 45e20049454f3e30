/* ns-network.c: the graph: its nodes (layers in topological order, as the
 * tfjs loader built them), what a node is at a given input size (output
 * shape, the conv or pooling layer that runs it) and the work of a forward
 * pass. Nothing here allocates per size: that is the pass plan's job
 * (ns-pass.c), which depends on this file and not the other way round. */
#include "ns-network.h"
#include "ns-winograd.h"

#include <glib/gi18n-lib.h>

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
    {
      NsNode *node = &net->nodes[i];
      /* "same" padding of a stride-1 3x3 is one pixel on each side at any size. */
      NsConv conv = { node->kh, node->kw, node->stride_h, node->stride_w, 1, 1, node->cin, node->cout,
                      node->kernel, node->bias, node->relu, 1, NULL };
      if (node->op == NS_OP_CONV && node->padding == NS_PADDING_SAME && !node->winograd
          && ns_winograd_supports (&conv))
        {
          /* Only the transformed kernel is used from now on (if it fits:
           * else the conv keeps its im2col path). */
          if ((node->winograd = ns_winograd_new (&conv)))
            g_clear_pointer (&node->kernel, g_free);
        }
    }
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

gboolean
ns_network_shapes (const NsNetwork *net, int height, int width, NsShape *shapes, GError **error)
{
  for (int i = 0; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      NsShape in = i ? shapes[node->inputs[0]] : (NsShape) { height, width, 3 };
      NsShape out = in;
      int top, left;
      switch (node->op)
        {
        case NS_OP_INPUT:
        case NS_OP_RELU:
          break;
        case NS_OP_CONV:
          node_geometry (node, in, &out, &top, &left);
          out.c = node->cout;
          if (in.c != node->cin)
            {
              g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” expects %d input channels but "
                           "receives %d"), node->name, node->cin, in.c);
              return FALSE;
            }
          break;
        case NS_OP_MAXPOOL:
        case NS_OP_AVGPOOL:
          node_geometry (node, in, &out, &top, &left);
          break;
        case NS_OP_ZEROPAD:
          out.h += node->pad[0] + node->pad[1];
          out.w += node->pad[2] + node->pad[3];
          break;
        case NS_OP_ADD:
          {
            NsShape other = shapes[node->inputs[1]];
            if (other.h != in.h || other.w != in.w || other.c != in.c)
              {
                g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” adds tensors of different shapes "
                             "(%dx%dx%d and %dx%dx%d)"), node->name, in.h, in.w, in.c, other.h, other.w, other.c);
                return FALSE;
              }
          }
          break;
        case NS_OP_GLOBAL_AVGPOOL:
          out = (NsShape) { 1, 1, in.c };
          break;
        case NS_OP_DENSE:
          if ((int) ns_shape_size (in) != node->cin)
            {
              g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("layer “%s” needs %d inputs but receives "
                             "%llu: the classification head needs the network's own input size"),
                           node->name, node->cin, (unsigned long long) ns_shape_size (in));
              return FALSE;
            }
          out = (NsShape) { 1, 1, node->cout };
          break;
        }
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
      if (node->op == NS_OP_CONV)
        flops += 2.0 * shapes[i].h * shapes[i].w * node->cout * node->kh * node->kw * node->cin;
      else if (node->op == NS_OP_DENSE)
        flops += 2.0 * node->cin * node->cout;
    }
  return flops;
}
