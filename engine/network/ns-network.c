/* ns-network.c: runs the graph forward, and backward to the input image.
 *
 * An NsPass holds everything for one input size: each node's output, the
 * gradient with respect to it, and conv scratch space. Gradients are
 * allocated on first use and reused across evaluations. */
#include "ns-network.h"
#include "ns-parallel.h"
#include "ns-winograd.h"

#include <string.h>
#include <cblas.h>

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
          /* Only the transformed kernel is used from now on. */
          node->winograd = ns_winograd_new (&conv);
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

/* Output shapes of all nodes; FALSE if the input is too small somewhere. */
static gboolean
infer_shapes (const NsNetwork *net, int height, int width, NsShape *shapes, GError **error)
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
              g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” expects %d input channels but "
                           "receives %d", node->name, node->cin, in.c);
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
                g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” adds tensors of different shapes "
                             "(%dx%dx%d and %dx%dx%d)", node->name, in.h, in.w, in.c, other.h, other.w, other.c);
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
              g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "layer “%s” needs %d inputs but receives %"
                           G_GSIZE_FORMAT ": the classification head needs the network's own input size",
                           node->name, node->cin, ns_shape_size (in));
              return FALSE;
            }
          out = (NsShape) { 1, 1, node->cout };
          break;
        }
      if (out.h <= 0 || out.w <= 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "a %dx%d image is too small for this network "
                       "(layer “%s” would have no output)", width, height, node->name);
          return FALSE;
        }
      shapes[i] = out;
    }
  return TRUE;
}

static NsConv
conv_params (const NsNode *node, NsShape in, int threads)
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

static NsPool
pool_params (const NsNode *node, NsShape in)
{
  NsPool pool = { node->kh, node->kw, node->stride_h, node->stride_w, 0, 0 };
  NsShape out;
  node_geometry (node, in, &out, &pool.pad_top, &pool.pad_left);
  return pool;
}

static gsize
workspace_floats (const NsNetwork *net, const NsShape *shapes, int threads)
{
  gsize size = 0;
  for (int i = 1; i < net->n_nodes; i++)
    if (net->nodes[i].op == NS_OP_CONV)
      {
        NsShape in = shapes[net->nodes[i].inputs[0]];
        NsConv conv = conv_params (&net->nodes[i], in, threads);
        size = MAX (size, ns_conv_workspace (&conv, in, shapes[i]));
      }
  return size;
}

/* ---- memory plan ----------------------------------------------------------
 * Outputs the backward pass does not read are transient: they live from their
 * node to its last consumer and share buffers. Gradients live from their first
 * writer (a consumer's backward, or the losses) to their own node's backward.
 * Both are packed greedily into few buffers. */

typedef struct
{
  int   start, end;      /* in processing order: a buffer is free once end < start */
  gsize size;            /* floats */
  int   node;
} Interval;

static gboolean
value_kept (const NsNetwork *net, int i)
{
  const NsNode *node = &net->nodes[i];
  /* ReLU backward reads its output; max pooling's backward reads only the
   * argmax its forward recorded (NsPass.argmax). */
  return node->tapped || node->op == NS_OP_RELU
         || ((node->op == NS_OP_CONV || node->op == NS_OP_ADD) && node->relu);
}

static int
last_consumer (const NsNetwork *net, int i)
{
  int last = i;
  for (int j = i + 1; j < net->n_nodes; j++)
    for (int k = 0; k < net->nodes[j].n_inputs; k++)
      if (net->nodes[j].inputs[k] == i)
        last = j;
  return last;
}

static int
by_start (gconstpointer a, gconstpointer b)
{
  const Interval *x = a, *y = b;
  return x->start != y->start ? x->start - y->start : x->node - y->node;
}

/* Gives each interval a buffer (best fit among free ones, else the largest
 * free one grown, else a new one). Sorts intervals; returns buffer sizes. */
static GArray *
pack_intervals (GArray *intervals, int *assignment)
{
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  GArray *busy_until = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_sort (intervals, by_start);
  for (guint k = 0; k < intervals->len; k++)
    {
      const Interval *iv = &g_array_index (intervals, Interval, k);
      int best = -1, largest = -1;
      for (guint b = 0; b < sizes->len; b++)
        {
          if (g_array_index (busy_until, int, b) >= iv->start)
            continue;
          gsize size = g_array_index (sizes, gsize, b);
          if (size >= iv->size && (best < 0 || size < g_array_index (sizes, gsize, best)))
            best = b;
          if (largest < 0 || size > g_array_index (sizes, gsize, largest))
            largest = b;
        }
      if (best < 0 && largest >= 0)
        {
          best = largest;
          g_array_index (sizes, gsize, best) = iv->size;
        }
      if (best < 0)
        {
          best = sizes->len;
          g_array_append_val (sizes, iv->size);
          g_array_append_val (busy_until, iv->end);
        }
      g_array_index (busy_until, int, best) = iv->end;
      assignment[k] = best;
    }
  g_array_unref (busy_until);
  return sizes;
}

/* Plans all activation and gradient buffers and, if pointers is not NULL,
 * allocates them into buffers and points pointers[node] into them. Returns
 * the planned floats, or 0 if an allocation failed. */
static gsize
pack_and_allocate (GArray *intervals, float **pointers, GPtrArray *buffers)
{
  int *assignment = g_new (int, intervals->len);
  GArray *sizes = pack_intervals (intervals, assignment);
  float **owned = g_new0 (float *, sizes->len);
  gsize total = 0;
  gboolean ok = TRUE;
  for (guint b = 0; b < sizes->len; b++)
    {
      gsize size = g_array_index (sizes, gsize, b);
      total += size;
      if (pointers && ok && (ok = (owned[b] = g_try_malloc (MAX (size, 1) * sizeof (float))) != NULL))
        g_ptr_array_add (buffers, owned[b]);
    }
  for (guint k = 0; k < intervals->len && pointers && ok; k++)
    pointers[g_array_index (intervals, Interval, k).node] = owned[assignment[k]];
  g_free (owned);
  g_free (assignment);
  g_array_unref (sizes);
  return ok ? total : 0;
}

static gsize
plan_buffers (const NsNetwork *net, const NsShape *shapes, NsPass *pass)
{
  int n = net->n_nodes;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (Interval));
  GArray *grads = g_array_new (FALSE, FALSE, sizeof (Interval));
  for (int i = 0; i < n; i++)
    {
      gsize size = ns_shape_size (shapes[i]);
      int last = last_consumer (net, i);
      /* A kept output is busy from before the start to past the end. */
      Interval v = value_kept (net, i) ? (Interval) { -1, n, size, i } : (Interval) { i, last, size, i };
      g_array_append_val (values, v);
      /* Backward runs from node n-1 down to 0: time n - node. */
      Interval g = { net->nodes[i].tapped ? 0 : n - last, n - i, size, i };
      g_array_append_val (grads, g);
    }
  gsize a = pack_and_allocate (values, pass ? pass->values : NULL, pass ? pass->buffers : NULL);
  gsize b = a ? pack_and_allocate (grads, pass ? pass->grads : NULL, pass ? pass->buffers : NULL) : 0;
  g_array_unref (values);
  g_array_unref (grads);
  return a && b ? a + b : 0;
}

/* The max pooling layers' argmax indices (one guint32 per output). */
static gsize
argmax_floats (const NsNetwork *net, const NsShape *shapes)
{
  gsize size = 0;
  for (int i = 1; i < net->n_nodes; i++)
    if (net->nodes[i].op == NS_OP_MAXPOOL)
      size += ns_shape_size (shapes[i]);
  return size;
}

gsize
ns_pass_bytes (const NsNetwork *net, int height, int width, int threads)
{
  threads = ns_threads_resolve (threads);
  g_autofree NsShape *shapes = g_new (NsShape, net->n_nodes);
  if (!infer_shapes (net, height, width, shapes, NULL))
    return 0;
  return (workspace_floats (net, shapes, threads) + argmax_floats (net, shapes) + plan_buffers (net, shapes, NULL))
         * sizeof (float);
}

double
ns_network_flops (const NsNetwork *net, int height, int width)
{
  g_autofree NsShape *shapes = g_new (NsShape, net->n_nodes);
  if (!infer_shapes (net, height, width, shapes, NULL))
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

NsPass *
ns_pass_new (const NsNetwork *net, int height, int width, int threads, GError **error)
{
  NsPass *pass = g_new0 (NsPass, 1);
  pass->net = net;
  pass->threads = ns_threads_resolve (threads);
  /* The kernels split their work themselves, GEMMs included; OpenBLAS'
   * own threads would compete with them (and spin between calls). */
  openblas_set_num_threads (1);
  pass->shapes = g_new (NsShape, net->n_nodes);
  pass->values = g_new0 (float *, net->n_nodes);
  pass->grads = g_new0 (float *, net->n_nodes);
  pass->live = g_new0 (gboolean, net->n_nodes);
  pass->argmax = g_new0 (guint32 *, net->n_nodes);
  if (!infer_shapes (net, height, width, pass->shapes, error))
    {
      ns_pass_free (pass);
      return NULL;
    }
  gboolean argmax_ok = TRUE;
  for (int i = 1; i < net->n_nodes && argmax_ok; i++)
    if (net->nodes[i].op == NS_OP_MAXPOOL)
      argmax_ok = (pass->argmax[i] = g_try_new (guint32, ns_shape_size (pass->shapes[i]))) != NULL;
  pass->workspace_size = workspace_floats (net, pass->shapes, pass->threads);
  pass->workspace = g_try_malloc (MAX (pass->workspace_size, 1) * sizeof (float));
  pass->buffers = g_ptr_array_new_with_free_func (g_free);
  if (!pass->workspace || !argmax_ok || plan_buffers (net, pass->shapes, pass) == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for the network's activations at "
                   "%dx%d (%.0f MB needed)", width, height, ns_pass_bytes (net, height, width, pass->threads) / 1048576.0);
      ns_pass_free (pass);
      return NULL;
    }
  return pass;
}

NsConv
ns_pass_conv (const NsPass *pass, int node)
{
  const NsNode *n = &pass->net->nodes[node];
  return conv_params (n, pass->shapes[n->inputs[0]], pass->threads);
}

void
ns_pass_free (NsPass *pass)
{
  if (!pass)
    return;
  if (pass->buffers)
    g_ptr_array_unref (pass->buffers);
  if (pass->argmax)
    for (int i = 0; i < pass->net->n_nodes; i++)
      g_free (pass->argmax[i]);
  g_free (pass->argmax);
  g_free (pass->values);
  g_free (pass->grads);
  g_free (pass->live);
  g_free (pass->shapes);
  g_free (pass->workspace);
  g_free (pass);
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
            NsConv conv = conv_params (node, in_shape, pass->threads);
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
            NsPool pool = pool_params (node, in_shape);
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
            ns_softmax (out, node->cout);
          break;
        case NS_OP_INPUT:
          break;
        }
    }
}

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
            NsConv conv = conv_params (node, in_shape, pass->threads);
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
            NsPool pool = pool_params (node, in_shape);
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
