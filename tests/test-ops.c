/* test-ops.c: every layer type of the op table (ns-op.h), through the
 * network's own forward and backward: for each case of each op, a network
 * of the input and that one node (for a two-input op, the input and a
 * zero padding of none of it, so that its inputs are distinct tensors),
 *   - its forward against the float64 reference loop of naive-layers.c,
 *     where there is one;
 *   - its input gradient (ns_pass_backward() of a random r on its output)
 *     against the central difference of L = sum r * output, at every input
 *     coordinate whose step crosses no ReLU or max-pool kink (fd-check.h).
 * A table row without a case here fails /ops/every-op-has-a-case. */
#include "fd-check.h"
#include "naive-layers.h"
#include "test-arrays.h"

#include <math.h>
#include <string.h>

#define EPS 1e-2f

typedef struct
{
  const char *op;            /* the descriptor's name */
  const char *what;
  NsShape     in;
  gboolean    same_inputs;   /* a two-input op reads the input twice (x + x) */
  /* The node's parameters and weights, for input shape in (NULL: none). */
  void      (*configure) (NsNode *node, NsShape in, GRand *rng);
  /* Its forward in float64 from naive-layers.c (NULL: none there); kernel
   * is the node's HWIO kernel as configured (a Winograd node frees its own). */
  void      (*naive) (const NsNode *node, const float *kernel, const double *const *in, const NsShape *in_shape,
                      double *out, NsShape out_shape);
} Case;

/* ---- parameters --------------------------------------------------------------------- */

static void
conv (NsNode *node, NsShape in, int k, int stride, NsPadding padding, int cout, gboolean relu, GRand *rng)
{
  node->kh = node->kw = k;
  node->stride_h = node->stride_w = stride;
  node->padding = padding;
  node->cin = in.c, node->cout = cout;
  node->kernel = random_floats (rng, (gsize) k * k * in.c * cout, -0.5, 0.5);
  node->bias = random_floats (rng, cout, -0.5, 0.5);
  node->relu = relu;
}

static void
conv_3x3_same (NsNode *node, NsShape in, GRand *rng)
{
  conv (node, in, 3, 1, NS_PADDING_SAME, 5, FALSE, rng);   /* the Winograd path */
}

static void
conv_3x3_stride_2_relu (NsNode *node, NsShape in, GRand *rng)
{
  conv (node, in, 3, 2, NS_PADDING_VALID, 4, TRUE, rng);   /* im2col, fused ReLU */
}

static void
conv_1x1 (NsNode *node, NsShape in, GRand *rng)
{
  conv (node, in, 1, 1, NS_PADDING_VALID, 6, FALSE, rng);   /* a plain GEMM */
}

static void
pool_3x3_stride_2_same (NsNode *node, NsShape in, GRand *rng)
{
  node->kh = node->kw = 3;
  node->stride_h = node->stride_w = 2;
  node->padding = NS_PADDING_SAME;
}

static void
pad_1_2_0_3 (NsNode *node, NsShape in, GRand *rng)
{
  node->pad[0] = 1, node->pad[1] = 2, node->pad[2] = 0, node->pad[3] = 3;
}

static void
add_relu (NsNode *node, NsShape in, GRand *rng)
{
  node->relu = TRUE;
}

static void
dense (NsNode *node, NsShape in, GRand *rng)
{
  node->cin = (int) ns_shape_size (in), node->cout = 7;
  node->kernel = random_floats (rng, (gsize) node->cin * node->cout, -0.5, 0.5);
  node->bias = random_floats (rng, node->cout, -0.5, 0.5);
  node->softmax = FALSE;   /* forward only by design: backward treats the head as linear */
}

/* ---- float64 references -------------------------------------------------------------- */

static void
naive_conv_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is, double *out,
                 NsShape os)
{
  NsConv c = ns_node_conv (node, is[0], 1);
  c.kernel = kernel;
  naive_conv (&c, in[0], is[0], out, os);
}

static void
naive_relu_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is, double *out,
                 NsShape os)
{
  naive_relu (in[0], out, ns_shape_size (os));
}

static void
naive_zeropad_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is,
                    double *out, NsShape os)
{
  naive_zeropad (in[0], is[0], out, os, node->pad[0], node->pad[2]);
}

static void
naive_maxpool_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is,
                    double *out, NsShape os)
{
  NsPool pool = ns_node_pool (node, is[0]);
  naive_maxpool (&pool, in[0], is[0], out, os);
}

static void
naive_avgpool_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is,
                    double *out, NsShape os)
{
  NsPool pool = ns_node_pool (node, is[0]);
  naive_avgpool (&pool, in[0], is[0], out, os);
}

static void
naive_add_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is, double *out,
                NsShape os)
{
  for (gsize i = 0; i < ns_shape_size (os); i++)
    out[i] = node->relu ? MAX (in[0][i] + in[1][i], 0.0) : in[0][i] + in[1][i];
}

static void
naive_global_avgpool_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is,
                           double *out, NsShape os)
{
  naive_global_avgpool (in[0], is[0], out);
}

static void
naive_dense_node (const NsNode *node, const float *kernel, const double *const *in, const NsShape *is,
                  double *out, NsShape os)
{
  naive_dense (in[0], node->cin, kernel, node->bias, node->cout, out);
}

static const Case cases[] = {
  { "input", "image", { 4, 5, 3 }, FALSE, NULL, NULL },
  { "conv", "3x3-same-winograd", { 9, 7, 3 }, FALSE, conv_3x3_same, naive_conv_node },
  { "conv", "3x3-stride-2-relu", { 9, 8, 3 }, FALSE, conv_3x3_stride_2_relu, naive_conv_node },
  { "conv", "1x1", { 5, 4, 3 }, FALSE, conv_1x1, naive_conv_node },
  { "relu", "plain", { 5, 6, 3 }, FALSE, NULL, naive_relu_node },
  { "zeropad", "1-2-0-3", { 4, 5, 3 }, FALSE, pad_1_2_0_3, naive_zeropad_node },
  { "maxpool", "3x3-stride-2-same", { 7, 9, 3 }, FALSE, pool_3x3_stride_2_same, naive_maxpool_node },
  { "avgpool", "3x3-stride-2-same", { 7, 9, 3 }, FALSE, pool_3x3_stride_2_same, naive_avgpool_node },
  { "add", "two-tensors", { 4, 5, 3 }, FALSE, NULL, naive_add_node },
  { "add", "two-tensors-relu", { 4, 5, 3 }, FALSE, add_relu, naive_add_node },
  { "add", "x-plus-x-relu", { 4, 5, 3 }, TRUE, add_relu, naive_add_node },
  { "global_avgpool", "plain", { 4, 6, 3 }, FALSE, NULL, naive_global_avgpool_node },
  { "dense", "no-softmax", { 2, 3, 3 }, FALSE, dense, naive_dense_node },
};

/* ---- the network of a case ------------------------------------------------------------ */

static const NsOp *
op_named (const char *name)
{
  for (int k = 0; ns_ops[k]; k++)
    if (g_str_equal (ns_ops[k]->name, name))
      return ns_ops[k];
  g_error ("no op named %s in ns_ops", name);
}

/* The input, for a two-input op of distinct inputs a zero padding of none
 * of it, and the case's node, tapped (its output kept); *kernel receives a
 * copy of the node's configured kernel. */
static NsNetwork *
case_network (const Case *c, GRand *rng, float **kernel)
{
  const NsOp *op = op_named (c->op);
  NsNetwork *net = g_new0 (NsNetwork, 1);
  net->nodes = g_new0 (NsNode, 3);
  net->nodes[net->n_nodes++] = (NsNode) { .name = g_strdup ("input"), .op = &ns_op_input };
  if (op == &ns_op_input)
    {
      net->nodes[0].tapped = TRUE;
      return net;
    }
  if (op->n_inputs == 2 && !c->same_inputs)
    net->nodes[net->n_nodes++] = (NsNode) { .name = g_strdup ("copy"), .op = &ns_op_zeropad, .n_inputs = 1 };
  NsNode *node = &net->nodes[net->n_nodes++];
  *node = (NsNode) { .name = g_strdup (c->op), .op = op, .n_inputs = op->n_inputs, .tapped = TRUE,
                     .inputs = { 0, c->same_inputs ? 0 : 1 } };
  if (c->configure)
    c->configure (node, c->in, rng);
  gsize kernel_floats = node->op == &ns_op_conv ? (gsize) node->kh * node->kw * node->cin * node->cout
                        : (gsize) node->cin * node->cout;
  *kernel = node->kernel ? g_memdup2 (node->kernel, kernel_floats * sizeof (float)) : NULL;
  ns_network_prepare_kernels (net);
  return net;
}

static double
weighted_sum (const float *y, const float *r, gsize n)
{
  double sum = 0;
  for (gsize j = 0; j < n; j++)
    sum += (double) r[j] * y[j];
  return sum;
}

/* ---- the test ----------------------------------------------------------------------- */

static void
check_forward (const Case *c, NsPass *pass, const float *kernel, const float *x)
{
  const NsNetwork *net = pass->net;
  int i = net->n_nodes - 1;
  const NsNode *node = &net->nodes[i];
  NsShape os = pass->shapes[i];
  g_autofree double *x64 = to_f64 (x, ns_shape_size (c->in));
  g_autofree double *want = g_new (double, ns_shape_size (os));
  const double *in[2] = { x64, x64 };   /* the copy equals the input */
  NsShape is[2] = { c->in, c->in };
  c->naive (node, kernel, in, is, want, os);
  double error = relative_error (pass->values[i], want, ns_shape_size (os));
  g_test_message ("%s %s: forward relative error %.2g", c->op, c->what, error);
  g_assert_cmpfloat (error, <, node->winograd ? 1e-5 : 1e-6);
}

static void
check_gradient (const Case *c, NsPass *pass, float *x, GRand *rng)
{
  const NsNetwork *net = pass->net;
  int i = net->n_nodes - 1;
  gsize nx = ns_shape_size (c->in), ny = ns_shape_size (pass->shapes[i]);
  g_autofree float *r = random_floats (rng, ny, -1, 1), *grad = g_new (float, nx);
  ns_pass_forward (pass, x);
  ns_pass_zero_grads (pass);
  memcpy (ns_pass_grad (pass, i), r, ny * sizeof (float));
  ns_pass_backward (pass, grad);

  g_autofree double *fd = g_new (double, nx);
  g_autofree gboolean *kink = g_new (gboolean, nx);
  double rms = 0;
  for (gsize k = 0; k < nx; k++)
    {
      kink[k] = fd_crosses_kink (pass, x, k, EPS);
      double loss[2];
      for (int side = 0; side < 2; side++)
        {
          float saved = x[k];
          x[k] = saved + (side ? -EPS : EPS);
          ns_pass_forward (pass, x);
          loss[side] = weighted_sum (pass->values[i], r, ny);
          x[k] = saved;
        }
      fd[k] = (loss[0] - loss[1]) / (2.0 * EPS);
      rms += fd[k] * fd[k];
    }
  rms = sqrt (rms / nx);
  int checked = 0;
  double worst = 0;
  for (gsize k = 0; k < nx; k++)
    if (!kink[k])
      {
        checked++;
        worst = MAX (worst, fd_relative_error (grad[k], fd[k], MAX (rms, 1e-3)));
      }
  g_test_message ("%s %s: %d of %" G_GSIZE_FORMAT " input gradients checked, worst relative error %.2g", c->op,
                  c->what, checked, nx, worst);
  g_assert_cmpint (checked, >=, (int) nx / 2);
  g_assert_cmpfloat (worst, <, 2e-3);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GRand) rng = g_rand_new_with_seed (17);
  g_autofree float *kernel = NULL;
  NsNetwork *net = case_network (c, rng, &kernel);
  GError *error = NULL;
  NsPass *pass = ns_pass_new (net, c->in.h, c->in.w, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->in.c, ==, 3);   /* a network's input is RGB */
  g_autofree float *x = random_floats (rng, ns_shape_size (c->in), -1, 1);
  ns_pass_forward (pass, x);
  if (c->naive)
    check_forward (c, pass, kernel, x);
  check_gradient (c, pass, x, rng);
  ns_pass_free (pass);
  ns_network_free (net);
}

static void
test_every_op_has_a_case (void)
{
  for (int k = 0; ns_ops[k]; k++)
    {
      int n = 0;
      for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
        n += g_str_equal (cases[i].op, ns_ops[k]->name);
      if (n == 0)
        g_error ("op %s has no case in test-ops.c", ns_ops[k]->name);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/every-op-has-a-case", test_every_op_has_a_case);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ops/%s/%s", cases[i].op, cases[i].what);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  return g_test_run ();
}
