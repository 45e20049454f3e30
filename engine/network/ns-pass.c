/* ns-pass.c: the pass plan: everything a pass at one input size needs,
 * allocated once and reused by every evaluation at that size.
 *
 * Memory is the constraint at large sizes, so buffers are shared. Outputs
 * the backward pass does not read are transient: they live from their node
 * to its last consumer. Gradients live from their first writer (a consumer's
 * backward, or the losses) to their own node's backward. Each kind is packed
 * greedily into few buffers, by lifetime, as a register allocator would.
 * ns_pass_bytes() runs the same plan without allocating, so the memory
 * estimate and the real pass cannot disagree. */
#include "ns-network.h"
#include "ns-parallel.h"

#include <cblas.h>
#include <glib/gi18n-lib.h>

/* ---- scratch not shared between nodes -------------------------------------- */

/* One workspace serves every node in turn: the largest one needed. */
static gsize
workspace_floats (const NsNetwork *net, const NsShape *shapes, int threads)
{
  gsize size = 0;
  for (int i = 1; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      NsShape in[2] = { shapes[node->inputs[0]], shapes[node->inputs[node->n_inputs > 1]] };
      if (node->op->workspace)
        size = MAX (size, node->op->workspace (node, in, shapes[i], threads));
    }
  return size;
}

/* ---- the buffer plan ---------------------------------------------------------- */

/* A buffer's lifetime: a node's output or gradient, busy from start to end. */
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
  /* A ReLU's backward reads its output; max pooling's backward reads only
   * the argmax its forward recorded (NsPass.argmax). */
  return node->tapped || (node->op->keeps_output && node->op->keeps_output (node));
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

/* ---- the pass ------------------------------------------------------------------ */

/* The max pooling layers' argmax indices (one guint32 per output). */
static gsize
argmax_floats (const NsNetwork *net, const NsShape *shapes)
{
  gsize size = 0;
  for (int i = 1; i < net->n_nodes; i++)
    if (net->nodes[i].op->argmax)
      size += ns_shape_size (shapes[i]);
  return size;
}

gsize
ns_pass_bytes (const NsNetwork *net, int height, int width, int threads)
{
  threads = ns_threads_resolve (threads);
  g_autofree NsShape *shapes = g_new (NsShape, net->n_nodes);
  if (!ns_network_shapes (net, height, width, shapes, NULL))
    return 0;
  return (workspace_floats (net, shapes, threads) + argmax_floats (net, shapes) + plan_buffers (net, shapes, NULL))
         * sizeof (float);
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
  if (!ns_network_shapes (net, height, width, pass->shapes, error))
    {
      ns_pass_free (pass);
      return NULL;
    }
  gboolean argmax_ok = TRUE;
  for (int i = 1; i < net->n_nodes && argmax_ok; i++)
    if (net->nodes[i].op->argmax)
      argmax_ok = (pass->argmax[i] = g_try_new (guint32, ns_shape_size (pass->shapes[i]))) != NULL;
  pass->workspace_size = workspace_floats (net, pass->shapes, pass->threads);
  pass->workspace = g_try_malloc (MAX (pass->workspace_size, 1) * sizeof (float));
  pass->buffers = g_ptr_array_new_with_free_func (g_free);
  if (!pass->workspace || !argmax_ok || plan_buffers (net, pass->shapes, pass) == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for the network's activations at "
                   "%dx%d (%.0f MB needed)"), width, height,
                   ns_pass_bytes (net, height, width, pass->threads) / NS_BYTES_PER_MB);
      ns_pass_free (pass);
      return NULL;
    }
  return pass;
}

NsConv
ns_pass_conv (const NsPass *pass, int node)
{
  const NsNode *n = &pass->net->nodes[node];
  return ns_node_conv (n, pass->shapes[n->inputs[0]], pass->threads);
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
