/* test-layers.c: every layer kernel against the float64 reference loops of
 * naive-layers.c (forward) and against central finite differences of
 * L = sum (r * f(x)) through those loops (backward). Every backward starts
 * from a random din, so each check also proves din is added to. */
#include "ns-layers.h"
#include "naive-layers.h"
#include "test-arrays.h"
#include "ns-parallel.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define FD_EPS 1e-5      /* float64 reference: a small step is exact on linear pieces */
#define FWD_TOL 1e-5
#define BWD_TOL 1e-3

/* max |got - want| <= tol * max |want|, and want is not all zeros. */
static void
assert_close (const float *got, const double *want, gsize n, double tol)
{
  double e = relative_error (got, want, n);

  if (e > tol)
    g_error ("max error %g > %g (relative)", e, tol);
}

/* Checks din - din0 against the central-difference gradient of sum (r * f(x)). */
static void
assert_input_gradient (NaiveForward f, gconstpointer ctx, const float *x, gsize nx,
                       const float *r, gsize ny, const float *din0, const float *din)
{
  double *x64 = to_f64 (x, nx), *r64 = to_f64 (r, ny), *fd = g_new (double, nx);
  float *delta = g_new (float, nx);

  naive_input_gradient (f, ctx, x64, nx, r64, ny, FD_EPS, fd);
  for (gsize i = 0; i < nx; i++)
    delta[i] = din[i] - din0[i];
  assert_close (delta, fd, nx, BWD_TOL);
  g_free (x64); g_free (r64); g_free (fd); g_free (delta);
}

static void
test_window_output (void)
{
  int pad;

  g_assert_cmpint (ns_window_output (7, 3, 2, NS_PADDING_SAME, &pad), ==, 4);
  g_assert_cmpint (pad, ==, 1);               /* total 2: 1 + 1 */
  g_assert_cmpint (ns_window_output (8, 3, 2, NS_PADDING_SAME, &pad), ==, 4);
  g_assert_cmpint (pad, ==, 0);               /* total 1: 0 top, 1 bottom */
  g_assert_cmpint (ns_window_output (8, 3, 1, NS_PADDING_SAME, &pad), ==, 8);
  g_assert_cmpint (pad, ==, 1);
  g_assert_cmpint (ns_window_output (8, 2, 1, NS_PADDING_SAME, &pad), ==, 8);
  g_assert_cmpint (pad, ==, 0);               /* total 1: the smaller half first */
  g_assert_cmpint (ns_window_output (230, 7, 2, NS_PADDING_VALID, &pad), ==, 112);
  g_assert_cmpint (pad, ==, 0);
  g_assert_cmpint (ns_window_output (113, 3, 2, NS_PADDING_VALID, NULL), ==, 56);
  g_assert_cmpint (ns_window_output (2, 3, 2, NS_PADDING_VALID, NULL), ==, 0);
  g_assert_cmpint (ns_window_output (1, 1, 2, NS_PADDING_SAME, &pad), ==, 1);
  g_assert_cmpint (pad, ==, 0);
}

/* ---- conv ------------------------------------------------------------- */

typedef struct
{
  int h, w, cin, cout, kh, kw, sh, sw;
  NsPadding padding;
  gboolean bias, relu;
  int block_rows;     /* forced im2col block (0: default) */
  int threads;        /* NsConv.threads (0: one) */
} ConvCase;

typedef struct
{
  const NsConv *conv;
  NsShape in, out;
} ConvCtx;

static void
conv_forward64 (gconstpointer p, const double *x, double *y)
{
  const ConvCtx *c = p;

  naive_conv (c->conv, x, c->in, y, c->out);
}

/* A workspace of exactly n floats followed by a guard band, to check that
 * the conv never writes past the size it advertised. */
static float *
guarded_workspace (gsize n)
{
  float *ws = g_new (float, n + 16);

  for (int i = 0; i < 16; i++)
    ws[n + i] = 12345.0f;
  return ws;
}

static void
assert_guard (const float *ws, gsize n)
{
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (ws[n + i], ==, 12345.0f);
}

static void
test_conv_case (gconstpointer data)
{
  const ConvCase *cc = data;
  GRand *rng = g_rand_new_with_seed (cc->h * 1000 + cc->w * 10 + cc->kh);
  NsShape is = { cc->h, cc->w, cc->cin }, os = { 0, 0, cc->cout };
  NsConv conv = { cc->kh, cc->kw, cc->sh, cc->sw, 0, 0, cc->cin, cc->cout, NULL, NULL, cc->relu, cc->threads, NULL };
  ConvCtx ctx = { &conv, is, os };
  float *kernel, *bias = NULL, *in, *out, *r, *din0, *din, *ws;
  double *in64, *want;
  gsize n_in, n_out, n_ws;

  os.h = ns_window_output (cc->h, cc->kh, cc->sh, cc->padding, &conv.pad_top);
  os.w = ns_window_output (cc->w, cc->kw, cc->sw, cc->padding, &conv.pad_left);
  ctx.out = os;
  n_in = ns_shape_size (is);
  n_out = ns_shape_size (os);
  kernel = random_floats (rng, (gsize) cc->kh * cc->kw * cc->cin * cc->cout, -1, 1);
  if (cc->bias)
    bias = random_floats (rng, cc->cout, -1, 1);
  conv.kernel = kernel;
  conv.bias = bias;
  in = random_floats (rng, n_in, -1, 1);
  in64 = to_f64 (in, n_in);
  want = g_new (double, n_out);
  out = g_new (float, n_out);
  naive_conv (&conv, in64, is, want, os);

  /* Forward, with the default block and with the forced one. */
  n_ws = ns_conv_workspace (&conv, is, os);
  ws = guarded_workspace (n_ws);
  ns_conv_forward (&conv, in, is, out, os, ws);
  assert_guard (ws, n_ws);
  assert_close (out, want, n_out, FWD_TOL);
  g_free (ws);

  n_ws = ns_conv_workspace_blocked (&conv, is, os, cc->block_rows);
  ws = guarded_workspace (n_ws);
  memset (out, 0, n_out * sizeof (float));
  ns_conv_forward_blocked (&conv, in, is, out, os, ws, cc->block_rows);
  assert_close (out, want, n_out, FWD_TOL);

  /* Backward: dout is r masked by the ReLU, as the network will pass it. */
  if (cc->relu)
    {
      NsConv linear = conv;

      linear.relu = FALSE;
      naive_conv (&linear, in64, is, want, os);
      /* |kernel| <= 1: a step moves an output by at most FD_EPS, so no
       * output may be that close to the ReLU kink. */
      for (gsize i = 0; i < n_out; i++)
        g_assert_cmpfloat (fabs (want[i]), >, 2 * FD_EPS);
    }
  r = random_floats (rng, n_out, -1, 1);
  din0 = random_floats (rng, n_in, -1, 1);
  din = g_memdup2 (din0, n_in * sizeof (float));
  {
    float *dout = g_memdup2 (r, n_out * sizeof (float));

    if (cc->relu)
      ns_relu_mask (out, dout, n_out, 1);
    ns_conv_backward_blocked (&conv, dout, os, din, is, ws, cc->block_rows);
    assert_guard (ws, n_ws);
    assert_input_gradient (conv_forward64, &ctx, in, n_in, r, n_out, din0, din);

    /* The default block gives the same gradient. */
    g_free (ws);
    n_ws = ns_conv_workspace (&conv, is, os);
    ws = guarded_workspace (n_ws);
    memcpy (din, din0, n_in * sizeof (float));
    ns_conv_backward (&conv, dout, os, din, is, ws);
    assert_guard (ws, n_ws);
    assert_input_gradient (conv_forward64, &ctx, in, n_in, r, n_out, din0, din);
    g_free (dout);
  }

  g_free (kernel); g_free (bias); g_free (in); g_free (in64); g_free (want); g_free (out);
  g_free (r); g_free (din0); g_free (din); g_free (ws);
  g_rand_free (rng);
}

static const struct
{
  const char *name;
  ConvCase c;
} conv_cases[] = {
  { "1x1-s1-bias-relu",      { 5, 7, 8, 6, 1, 1, 1, 1, NS_PADDING_VALID, TRUE, TRUE, 0, 0 } },
  { "1x1-s1-plain",          { 4, 3, 5, 9, 1, 1, 1, 1, NS_PADDING_SAME, FALSE, FALSE, 0, 0 } },
  { "1x1-s2-valid",          { 9, 8, 5, 7, 1, 1, 2, 2, NS_PADDING_VALID, TRUE, FALSE, 0, 0 } },
  { "1x1-s2-blocks",         { 9, 7, 4, 3, 1, 1, 2, 2, NS_PADDING_VALID, FALSE, TRUE, 2, 0 } },
  { "3x3-same-s1",           { 6, 5, 4, 3, 3, 3, 1, 1, NS_PADDING_SAME, FALSE, FALSE, 0, 0 } },
  { "3x3-same-s1-bias-relu", { 7, 6, 3, 5, 3, 3, 1, 1, NS_PADDING_SAME, TRUE, TRUE, 0, 0 } },
  { "3x3-same-s2-even",      { 8, 10, 3, 5, 3, 3, 2, 2, NS_PADDING_SAME, TRUE, TRUE, 0, 0 } },
  { "3x3-same-s2-odd",       { 7, 9, 2, 4, 3, 3, 2, 2, NS_PADDING_SAME, TRUE, FALSE, 0, 0 } },
  { "7x7-valid-s2",          { 15, 13, 3, 4, 7, 7, 2, 2, NS_PADDING_VALID, TRUE, FALSE, 0, 0 } },
  { "7x7-same-s2",           { 12, 11, 3, 4, 7, 7, 2, 2, NS_PADDING_SAME, FALSE, TRUE, 0, 0 } },
  { "3x3-valid-s1",          { 6, 7, 2, 3, 3, 3, 1, 1, NS_PADDING_VALID, FALSE, TRUE, 0, 0 } },
  { "2x3-same-s2x1",         { 7, 6, 3, 2, 2, 3, 2, 1, NS_PADDING_SAME, TRUE, FALSE, 0, 0 } },
  { "3x3-same-blocks-of-1",  { 5, 6, 3, 4, 3, 3, 1, 1, NS_PADDING_SAME, TRUE, FALSE, 1, 0 } },
  { "3x3-same-blocks-of-4",  { 11, 6, 3, 4, 3, 3, 1, 1, NS_PADDING_SAME, TRUE, TRUE, 4, 0 } },
  { "3x3-same-s2-blocks",    { 11, 9, 2, 3, 3, 3, 2, 2, NS_PADDING_SAME, FALSE, FALSE, 2, 0 } },
  /* Stride 1 with uneven padding (even kernel), valid padding, blocks. */
  { "2x3-same-s1-blocks",    { 7, 6, 3, 5, 2, 3, 1, 1, NS_PADDING_SAME, TRUE, TRUE, 3, 0 } },
  { "3x3-valid-s1-blocks",   { 8, 6, 4, 2, 3, 3, 1, 1, NS_PADDING_VALID, FALSE, FALSE, 2, 0 } },
};

/* A 3x3 conv over a large input must split its im2col into several blocks
 * by default, and still bound the workspace. */
static void
test_conv_default_blocks (void)
{
  NsConv conv = { 3, 3, 1, 1, 1, 1, 64, 64, NULL, NULL, FALSE, 1, NULL };
  NsShape s = { 256, 256, 64 };
  gsize ws = ns_conv_workspace (&conv, s, s);
  gsize row = (gsize) 256 * 9 * 64;

  g_assert_cmpuint (ws % row, ==, 0);
  g_assert_cmpuint (ws / row, <, 256);
  g_assert_cmpuint (ws, <=, (gsize) 2 * 1024 * 1024);
  /* At least one row even when one row exceeds the budget. */
  s.w = 8192;
  g_assert_cmpuint (ns_conv_workspace (&conv, s, s), ==, (gsize) 8192 * 9 * 64);
  /* The 1x1 stride-1 conv needs no scratch memory. */
  conv.kh = conv.kw = 1;
  conv.pad_top = conv.pad_left = 0;
  g_assert_cmpuint (ns_conv_workspace (&conv, s, s), ==, 0);
}

/* Layers big enough that im2col, col2im, the bias fill and the ReLU split
 * over threads. Forward against the naive loops; the input gradient by the
 * adjoint identity <dout, conv(x)> = <conv^T(dout), x> in float64 (a finite-
 * difference check would be too slow at this size). No bias or ReLU in the
 * adjoint check, so that conv is linear. */
static void
check_large_conv (int h, int w, int cin, int cout, int k, int stride)
{
  GRand *rng = g_rand_new_with_seed (h * 7 + k);
  NsShape is = { h, w, cin }, os = { 0, 0, cout };
  NsConv conv = { k, k, stride, stride, 0, 0, cin, cout, NULL, NULL, TRUE, 4, NULL };
  os.h = ns_window_output (h, k, stride, NS_PADDING_SAME, &conv.pad_top);
  os.w = ns_window_output (w, k, stride, NS_PADDING_SAME, &conv.pad_left);
  gsize n_in = ns_shape_size (is), n_out = ns_shape_size (os), n_ws = ns_conv_workspace (&conv, is, os);
  float *kernel = random_floats (rng, (gsize) k * k * cin * cout, -1, 1), *bias = random_floats (rng, cout, -1, 1);
  float *in = random_floats (rng, n_in, -1, 1), *out = g_new (float, n_out), *ws = guarded_workspace (n_ws);
  float *dout = random_floats (rng, n_out, -1, 1), *din = g_new0 (float, n_in);
  double *in64 = to_f64 (in, n_in), *want = g_new (double, n_out);
  double lhs = 0, rhs = 0, scale = 0;

  conv.kernel = kernel;
  conv.bias = bias;
  naive_conv (&conv, in64, is, want, os);
  ns_conv_forward (&conv, in, is, out, os, ws);
  assert_close (out, want, n_out, FWD_TOL);

  conv.bias = NULL;
  conv.relu = FALSE;
  naive_conv (&conv, in64, is, want, os);
  ns_conv_backward (&conv, dout, os, din, is, ws);
  assert_guard (ws, n_ws);
  for (gsize i = 0; i < n_out; i++)
    lhs += dout[i] * want[i], scale += fabs (dout[i] * want[i]);
  for (gsize i = 0; i < n_in; i++)
    rhs += (double) din[i] * in[i];
  if (fabs (lhs - rhs) > 1e-5 * scale)
    g_error ("adjoint mismatch: %g vs %g (scale %g)", lhs, rhs, scale);
  g_free (kernel); g_free (bias); g_free (in); g_free (out); g_free (ws); g_free (dout); g_free (din);
  g_free (in64); g_free (want);
  g_rand_free (rng);
}

static void
test_conv_large (void)
{
  openblas_set_num_threads (1);   /* as the engine runs it: the split is the conv's own */
  check_large_conv (48, 40, 16, 8, 3, 1);   /* im2col, and col2im of overlapping 3x3 windows */
  check_large_conv (64, 64, 3, 8, 7, 2);    /* col2im of a 7x7 stride 2: overlapping windows */
  check_large_conv (80, 80, 64, 16, 1, 2);  /* col2im of a 1x1 stride 2 */
  check_large_conv (8, 12, 384, 390, 1, 1); /* few positions: split by output (input) channels, last piece partial */
}

typedef struct
{
  int   *visits;
  gsize  n;
} Visits;

static void
count_visits (gsize begin, gsize end, int worker, gpointer p)
{
  Visits *v = p;

  g_assert_cmpint (worker, >=, 0);
  g_assert_cmpint (worker, <, NS_MAX_THREADS);
  g_assert_cmpuint (begin, <, end);
  g_assert_cmpuint (end, <=, v->n);
  for (gsize i = begin; i < end; i++)
    g_atomic_int_inc (&v->visits[i]);
}

/* Every index once, whatever the split. */
static void
test_parallel_for (void)
{
  const gsize sizes[] = { 0, 1, 5, 1000, 4097 };
  const int threads[] = { 1, 2, 3, 7, 1000 };
  const gsize minimums[] = { 1, 100 };

  for (gsize a = 0; a < G_N_ELEMENTS (sizes); a++)
    for (gsize b = 0; b < G_N_ELEMENTS (threads); b++)
      for (gsize c = 0; c < G_N_ELEMENTS (minimums); c++)
        {
          Visits v = { g_new0 (int, sizes[a] + 1), sizes[a] };

          ns_parallel_for (sizes[a], minimums[c], threads[b], count_visits, &v);
          for (gsize i = 0; i < sizes[a]; i++)
            g_assert_cmpint (v.visits[i], ==, 1);
          memset (v.visits, 0, sizes[a] * sizeof (int));
          ns_parallel_items (sizes[a], threads[b], count_visits, &v);
          for (gsize i = 0; i < sizes[a]; i++)
            g_assert_cmpint (v.visits[i], ==, 1);
          g_free (v.visits);
        }
}

/* ---- pooling ---------------------------------------------------------- */

typedef struct
{
  int h, w, c, k, stride;
  NsPadding padding;
  gboolean max;
} PoolCase;

typedef struct
{
  const NsPool *pool;
  NsShape in, out;
  gboolean max;
} PoolCtx;

static void
pool_forward64 (gconstpointer p, const double *x, double *y)
{
  const PoolCtx *c = p;

  (c->max ? naive_maxpool : naive_avgpool) (c->pool, x, c->in, y, c->out);
}

static void
test_pool_case (gconstpointer data)
{
  const PoolCase *pc = data;
  GRand *rng = g_rand_new_with_seed (pc->h * 100 + pc->w + pc->max);
  NsShape is = { pc->h, pc->w, pc->c }, os = { 0, 0, pc->c };
  NsPool pool = { pc->k, pc->k, pc->stride, pc->stride, 0, 0 };
  PoolCtx ctx = { &pool, is, os, pc->max };
  gsize n_in = ns_shape_size (is), n_out;
  float *in = g_new (float, n_in), *out, *r, *din0, *din;
  double *in64, *want;

  os.h = ns_window_output (pc->h, pc->k, pc->stride, pc->padding, &pool.pad_top);
  os.w = ns_window_output (pc->w, pc->k, pc->stride, pc->padding, &pool.pad_left);
  ctx.out = os;
  n_out = ns_shape_size (os);
  /* Distinct values 0.01 apart in random order: no max ties within FD_EPS. */
  for (gsize i = 0; i < n_in; i++)
    in[i] = 0.01f * ((float) i - n_in / 2.0f);
  for (gsize i = n_in - 1; i > 0; i--)
    {
      gsize j = g_rand_int_range (rng, 0, i + 1);
      float t = in[i];

      in[i] = in[j];
      in[j] = t;
    }
  in64 = to_f64 (in, n_in);
  want = g_new (double, n_out);
  out = g_new (float, n_out);
  pool_forward64 (&ctx, in64, want);
  guint32 *argmax = g_new (guint32, n_out);
  if (pc->max)
    ns_maxpool_forward (&pool, in, is, out, os, argmax, 1);
  else
    ns_avgpool_forward (&pool, in, is, out, os);
  assert_close (out, want, n_out, FWD_TOL);

  r = random_floats (rng, n_out, -1, 1);
  din0 = random_floats (rng, n_in, -1, 1);
  din = g_memdup2 (din0, n_in * sizeof (float));
  if (pc->max)
    ns_maxpool_backward (argmax, r, os, din);
  else
    ns_avgpool_backward (&pool, r, os, din, is);
  assert_input_gradient (pool_forward64, &ctx, in, n_in, r, n_out, din0, din);

  g_free (in); g_free (in64); g_free (want); g_free (out); g_free (r); g_free (din0); g_free (din);
  g_free (argmax);
  g_rand_free (rng);
}

static const struct
{
  const char *name;
  PoolCase c;
} pool_cases[] = {
  { "max-3x3-s2-valid", { 9, 9, 3, 3, 2, NS_PADDING_VALID, TRUE } },
  { "max-3x3-s2-same",  { 8, 7, 2, 3, 2, NS_PADDING_SAME, TRUE } },
  { "max-2x2-s2-valid", { 6, 5, 4, 2, 2, NS_PADDING_VALID, TRUE } },
  { "avg-3x3-s1-same",  { 5, 6, 3, 3, 1, NS_PADDING_SAME, FALSE } },
  { "avg-2x2-s2-same",  { 7, 5, 2, 2, 2, NS_PADDING_SAME, FALSE } },
  { "avg-3x3-s2-valid", { 8, 9, 3, 3, 2, NS_PADDING_VALID, FALSE } },
  /* Many channels. */
  { "max-3x3-s2-channels", { 7, 6, 20, 3, 2, NS_PADDING_SAME, TRUE } },
};

/* Big enough that the max forward splits its rows over threads: the same
 * output and argmax as one thread, bit for bit; the argmax against a plain
 * scan for the first maximum (few distinct values: many ties); and every
 * output's gradient lands exactly once. */
static void
test_maxpool_threaded (void)
{
  NsShape is = { 48, 47, 70 }, os = { 0, 0, 70 };
  NsPool pool = { 3, 3, 2, 2, 0, 0 };
  os.h = ns_window_output (is.h, 3, 2, NS_PADDING_SAME, &pool.pad_top);
  os.w = ns_window_output (is.w, 3, 2, NS_PADDING_SAME, &pool.pad_left);
  gsize n_in = ns_shape_size (is), n_out = ns_shape_size (os);
  GRand *rng = g_rand_new_with_seed (11);
  float *in = g_new (float, n_in), *out = g_new (float, n_out), *dout = random_floats (rng, n_out, -1, 1);
  float *one = g_new0 (float, n_in), *three = g_new0 (float, n_in);
  for (gsize i = 0; i < n_in; i++)
    in[i] = (float) g_rand_int_range (rng, 0, 8);
  guint32 *argmax = g_new (guint32, n_out), *argmax3 = g_new (guint32, n_out);
  float *out3 = g_new (float, n_out);
  ns_maxpool_forward (&pool, in, is, out, os, argmax, 1);
  ns_maxpool_forward (&pool, in, is, out3, os, argmax3, 3);
  g_assert_cmpmem (argmax, n_out * sizeof (guint32), argmax3, n_out * sizeof (guint32));
  g_assert_cmpmem (out, n_out * sizeof (float), out3, n_out * sizeof (float));
  for (int oy = 0; oy < os.h; oy++)
    for (int ox = 0; ox < os.w; ox++)
      for (int ch = 0; ch < is.c; ch++)
        {
          gsize first = G_MAXSIZE;
          float best = -INFINITY;
          for (int y = MAX (oy * 2 - pool.pad_top, 0); y < MIN (oy * 2 - pool.pad_top + 3, is.h); y++)
            for (int x = MAX (ox * 2 - pool.pad_left, 0); x < MIN (ox * 2 - pool.pad_left + 3, is.w); x++)
              {
                gsize at = ((gsize) y * is.w + x) * is.c + ch;
                if (in[at] > best)
                  best = in[at], first = at;
              }
          g_assert_cmpuint (argmax[((gsize) oy * os.w + ox) * is.c + ch], ==, first);
        }
  ns_maxpool_backward (argmax, dout, os, one);
  double sum_in = 0, sum_out = 0;
  for (gsize i = 0; i < n_in; i++)
    sum_in += one[i];
  for (gsize i = 0; i < n_out; i++)
    sum_out += dout[i];
  g_assert_cmpfloat (fabs (sum_in - sum_out), <, 1e-3);
  g_free (in); g_free (out); g_free (dout); g_free (one); g_free (three); g_free (argmax);
  g_free (argmax3); g_free (out3);
  g_rand_free (rng);
}

/* Hand-computed: padding never wins a max nor counts in a mean, and a tie
 * sends the whole gradient to the first maximum. */
static void
test_pool_by_hand (void)
{
  NsShape s = { 2, 2, 1 }, one = { 1, 1, 1 };
  NsPool same3 = { 3, 3, 1, 1, 1, 1 }, valid2 = { 2, 2, 2, 2, 0, 0 };
  float neg[4] = { -4, -3, -2, -1 }, pos[4] = { 1, 2, 3, 4 }, tie[4] = { 5, 5, 5, 5 };
  float out[4], g = 2.0f, din[4] = { 1, 1, 1, 1 };
  guint32 argmax[4];

  ns_maxpool_forward (&same3, neg, s, out, s, argmax, 1);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, -1.0f);
  ns_avgpool_forward (&same3, pos, s, out, s);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, 2.5f);
  ns_maxpool_forward (&valid2, tie, s, out, one, argmax, 1);
  g_assert_cmpfloat (out[0], ==, 5.0f);
  ns_maxpool_backward (argmax, &g, one, din);
  g_assert_cmpfloat (din[0], ==, 3.0f);
  g_assert_cmpfloat (din[1], ==, 1.0f);
  g_assert_cmpfloat (din[2], ==, 1.0f);
  g_assert_cmpfloat (din[3], ==, 1.0f);
}

/* ---- element-wise, padding, global pooling, dense ---------------------- */

typedef struct
{
  NsShape in, out;
  int top, left;
  int n_in, n_out;
  const float *kernel, *bias;
} MiscCtx;

static void
relu64 (gconstpointer p, const double *x, double *y)
{
  const MiscCtx *c = p;

  naive_relu (x, y, ns_shape_size (c->in));
}

static void
zeropad64 (gconstpointer p, const double *x, double *y)
{
  const MiscCtx *c = p;

  naive_zeropad (x, c->in, y, c->out, c->top, c->left);
}

static void
global_avgpool64 (gconstpointer p, const double *x, double *y)
{
  naive_global_avgpool (x, ((const MiscCtx *) p)->in, y);
}

static void
dense64 (gconstpointer p, const double *x, double *y)
{
  const MiscCtx *c = p;

  naive_dense (x, c->n_in, c->kernel, c->bias, c->n_out, y);
}

/* One forward/backward check of a layer given as fast and naive forms. */
static void
check_layer (NaiveForward naive, const MiscCtx *ctx, gsize n_in, gsize n_out,
             const float *in, const float *out, const float *din0, const float *din,
             const float *r)
{
  double *in64 = to_f64 (in, n_in), *want = g_new (double, n_out);

  naive (ctx, in64, want);
  assert_close (out, want, n_out, FWD_TOL);
  assert_input_gradient (naive, ctx, in, n_in, r, n_out, din0, din);
  g_free (in64);
  g_free (want);
}

static void
test_relu (void)
{
  GRand *rng = g_rand_new_with_seed (7);
  MiscCtx ctx = { .in = { 4, 5, 3 } };
  gsize n = ns_shape_size (ctx.in);
  float *in = random_floats (rng, n, 0.05, 1), *out = g_new (float, n);
  float *r = random_floats (rng, n, -1, 1), *din0 = random_floats (rng, n, -1, 1);
  float *din = g_memdup2 (din0, n * sizeof (float)), *g = g_memdup2 (r, n * sizeof (float));

  for (gsize i = 0; i < n; i += 2)   /* half negative, all away from the kink */
    in[i] = -in[i];
  ns_relu_forward (in, out, n, 1);
  ns_relu_mask (out, g, n, 1);
  for (gsize i = 0; i < n; i++)
    din[i] += g[i];
  check_layer (relu64, &ctx, n, n, in, out, din0, din, r);
  g_free (in); g_free (out); g_free (r); g_free (din0); g_free (din); g_free (g);
  g_rand_free (rng);
}

/* Large enough to split over threads; checked element by element. */
static void
test_relu_large (void)
{
  GRand *rng = g_rand_new_with_seed (9);
  gsize n = 1000003;
  float *in = random_floats (rng, n, -1, 1), *out = g_new (float, n), *g = random_floats (rng, n, -1, 1);
  float *g0 = g_memdup2 (g, n * sizeof (float)), *sum = g_new (float, n);

  ns_relu_forward (in, out, n, 4);
  ns_relu_mask (out, g, n, 4);
  ns_add_forward (in, g0, sum, n, 4);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (out[i], ==, in[i] > 0 ? in[i] : 0.0f);
      g_assert_cmpfloat (g[i], ==, in[i] > 0 ? g0[i] : 0.0f);
      g_assert_cmpfloat (sum[i], ==, in[i] + g0[i]);
    }
  g_free (in); g_free (out); g_free (g); g_free (g0); g_free (sum);
  g_rand_free (rng);
}

/* The fused backward of (relu of) an add, every combination of ReLU and of
 * gradients already present, split over threads, element by element. */
static void
test_add_backward (void)
{
  GRand *rng = g_rand_new_with_seed (13);
  gsize n = 700001;
  float *out = random_floats (rng, n, -1, 1), *dout = random_floats (rng, n, -1, 1);
  float *da0 = random_floats (rng, n, -1, 1), *db0 = random_floats (rng, n, -1, 1);
  float *da = g_new (float, n), *db = g_new (float, n);

  for (int flags = 0; flags < 8; flags++)
    {
      gboolean relu = flags & 1, da_live = flags & 2, db_live = flags & 4;
      memcpy (da, da0, n * sizeof (float));
      memcpy (db, db0, n * sizeof (float));
      ns_add_backward (out, relu, dout, da, da_live, db, db_live, n, 4);
      for (gsize i = 0; i < n; i++)
        {
          float g = relu && out[i] <= 0 ? 0.0f : dout[i];
          g_assert_cmpfloat (da[i], ==, da_live ? da0[i] + g : g);
          g_assert_cmpfloat (db[i], ==, db_live ? db0[i] + g : g);
        }
    }
  g_free (out); g_free (dout); g_free (da0); g_free (db0); g_free (da); g_free (db);
  g_rand_free (rng);
}

static void
test_zeropad (void)
{
  GRand *rng = g_rand_new_with_seed (8);
  MiscCtx ctx = { .in = { 4, 5, 3 }, .out = { 7, 7, 3 }, .top = 1, .left = 2 };
  gsize n_in = ns_shape_size (ctx.in), n_out = ns_shape_size (ctx.out);
  float *in = random_floats (rng, n_in, -1, 1), *out = random_floats (rng, n_out, 5, 6);
  float *r = random_floats (rng, n_out, -1, 1), *din0 = random_floats (rng, n_in, -1, 1);
  float *din = g_memdup2 (din0, n_in * sizeof (float));

  ns_zeropad_forward (in, ctx.in, out, ctx.out, ctx.top, ctx.left);
  ns_zeropad_backward (r, ctx.out, din, ctx.in, ctx.top, ctx.left);
  check_layer (zeropad64, &ctx, n_in, n_out, in, out, din0, din, r);
  g_free (in); g_free (out); g_free (r); g_free (din0); g_free (din);
  g_rand_free (rng);
}

static void
test_add (void)
{
  float a[5] = { 1, -2, 3.5f, 0, 1e6f }, b[5] = { 0.5f, 2, -1, 0, 1 }, out[5];
  const float want[5] = { 1.5f, 0, 2.5f, 0, 1000001.0f };

  ns_add_forward (a, b, out, 5, 1);
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat (out[i], ==, want[i]);
}

static void
test_global_avgpool (void)
{
  GRand *rng = g_rand_new_with_seed (9);
  MiscCtx ctx = { .in = { 3, 5, 4 } };
  gsize n_in = ns_shape_size (ctx.in), n_out = ctx.in.c;
  float *in = random_floats (rng, n_in, -1, 1), *out = g_new (float, n_out);
  float *r = random_floats (rng, n_out, -1, 1), *din0 = random_floats (rng, n_in, -1, 1);
  float *din = g_memdup2 (din0, n_in * sizeof (float));

  ns_global_avgpool_forward (in, ctx.in, out);
  ns_global_avgpool_backward (r, din, ctx.in);
  check_layer (global_avgpool64, &ctx, n_in, n_out, in, out, din0, din, r);
  g_free (in); g_free (out); g_free (r); g_free (din0); g_free (din);
  g_rand_free (rng);
}

static void
test_dense (gconstpointer with_bias)
{
  GRand *rng = g_rand_new_with_seed (10);
  MiscCtx ctx = { .n_in = 11, .n_out = 6 };
  float *kernel = random_floats (rng, 11 * 6, -1, 1), *bias = random_floats (rng, 6, -1, 1);
  float *in = random_floats (rng, 11, -1, 1), *out = g_new (float, 6);
  float *r = random_floats (rng, 6, -1, 1), *din0 = random_floats (rng, 11, -1, 1);
  float *din = g_memdup2 (din0, 11 * sizeof (float));

  ctx.kernel = kernel;
  ctx.bias = with_bias ? bias : NULL;
  ns_dense_forward (in, 11, kernel, ctx.bias, 6, out);
  ns_dense_backward (r, 6, kernel, 11, din);
  check_layer (dense64, &ctx, 11, 6, in, out, din0, din, r);
  g_free (kernel); g_free (bias); g_free (in); g_free (out); g_free (r); g_free (din0); g_free (din);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layers/window-output", test_window_output);
  for (gsize i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      char *path = g_strdup_printf ("/layers/conv/%s", conv_cases[i].name);

      g_test_add_data_func (path, &conv_cases[i].c, test_conv_case);
      g_free (path);
      /* Threaded: blocks of rows over 3 threads, the backward in two phases. */
      ConvCase *threaded = g_memdup2 (&conv_cases[i].c, sizeof (ConvCase));
      threaded->threads = 3;
      path = g_strdup_printf ("/layers/conv/%s-threads-3", conv_cases[i].name);
      g_test_add_data_func_full (path, threaded, test_conv_case, g_free);
      g_free (path);
    }
  g_test_add_func ("/layers/conv/default-blocks", test_conv_default_blocks);
  g_test_add_func ("/layers/conv/large-threaded", test_conv_large);
  g_test_add_func ("/layers/parallel-for", test_parallel_for);
  for (gsize i = 0; i < G_N_ELEMENTS (pool_cases); i++)
    {
      char *path = g_strdup_printf ("/layers/pool/%s", pool_cases[i].name);

      g_test_add_data_func (path, &pool_cases[i].c, test_pool_case);
      g_free (path);
    }
  g_test_add_func ("/layers/pool/by-hand", test_pool_by_hand);
  g_test_add_func ("/layers/pool/max-threaded", test_maxpool_threaded);
  g_test_add_func ("/layers/relu", test_relu);
  g_test_add_func ("/layers/relu-add-large", test_relu_large);
  g_test_add_func ("/layers/zeropad", test_zeropad);
  g_test_add_func ("/layers/add", test_add);
  g_test_add_func ("/layers/add-backward", test_add_backward);
  g_test_add_func ("/layers/global-avgpool", test_global_avgpool);
  g_test_add_data_func ("/layers/dense/bias", GINT_TO_POINTER (TRUE), test_dense);
  g_test_add_data_func ("/layers/dense/no-bias", GINT_TO_POINTER (FALSE), test_dense);
  return g_test_run ();
}
