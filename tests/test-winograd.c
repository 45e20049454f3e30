/* test-winograd.c: the Winograd 3x3 convs against float64 reference loops.
 *
 * Forward against naive_conv (naive-layers.c) and against the im2col path
 * (ns_conv_forward); backward against a float64 transposed conv written here
 * from the definition (din[iy][ix][ci] += sum dout[oy][ox][co] k[ky][kx][ci][co]
 * over iy = oy + ky - 1), against ns_conv_backward, and by the adjoint
 * identity <dout, conv(x)> = <conv^T(dout), x>. Every backward starts from a
 * random din, so each check also proves din is added to. Shapes include
 * sizes that are not multiples of the tile, single pixels, several blocks
 * and 1-3 threads. */
#include "ns-winograd.h"
#include "naive-layers.h"
#include "test-arrays.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* Relative max errors (max |err| / max |want|) allowed. Measured on these
 * cases (random weights and inputs in [-1, 1]): F(4x4) up to 8e-6 forward
 * and 4e-6 backward (64 -> 72 channels), F(2x2) up to 5e-7; the im2col
 * path is at ~1e-7. The bounds leave a margin of ~4x while still catching
 * any wrong coefficient or misplaced tile (errors ~1e-1). */
#define TOL_F4 3e-5
#define TOL_F2 3e-6
#define GUARD  16

typedef struct
{
  int      h, w, cin, cout;
  gboolean bias, relu;
  int      threads, m;
  gsize    block_floats;      /* 0: the default block */
} Case;

static void
assert_close (const char *what, const Case *cc, const float *got, const double *want, gsize n, double tol)
{
  double e = relative_error (got, want, n);

  g_test_message ("F(%dx%d) %dx%dx%d->%d threads %d %s: relative error %.3g",
                  cc->m, cc->m, cc->h, cc->w, cc->cin, cc->cout, cc->threads, what, e);
  if (e > tol)
    g_error ("F(%dx%d) %dx%d %s: relative error %g > %g", cc->m, cc->m, cc->h, cc->w, what, e, tol);
}

/* din = conv^T (dout) in float64, straight from the definition. */
static void
naive_conv_transpose (const NsConv *conv, const double *dout, NsShape os, double *din, NsShape is)
{
  memset (din, 0, ns_shape_size (is) * sizeof (double));
  for (int oy = 0; oy < os.h; oy++)
    for (int ox = 0; ox < os.w; ox++)
      for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++)
          {
            int iy = oy + ky - 1, ix = ox + kx - 1;

            if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
              continue;
            for (int ci = 0; ci < conv->cin; ci++)
              for (int co = 0; co < conv->cout; co++)
                din[((gsize) iy * is.w + ix) * is.c + ci]
                  += dout[((gsize) oy * os.w + ox) * os.c + co]
                     * conv->kernel[((gsize) (ky * 3 + kx) * conv->cin + ci) * conv->cout + co];
          }
}

static float *
guarded_workspace (gsize n)
{
  float *ws = g_new (float, n + GUARD);

  for (int i = 0; i < GUARD; i++)
    ws[n + i] = 12345.0f;
  return ws;
}

static void
assert_guard (const float *ws, gsize n)
{
  for (int i = 0; i < GUARD; i++)
    g_assert_cmpfloat (ws[n + i], ==, 12345.0f);
}

static void
test_case (gconstpointer data)
{
  const Case *cc = data;
  const double tol = cc->m == 4 ? TOL_F4 : TOL_F2;
  GRand *rng = g_rand_new_with_seed (cc->h * 7919 + cc->w * 31 + cc->cin + cc->threads);
  NsShape is = { cc->h, cc->w, cc->cin }, os = { cc->h, cc->w, cc->cout };
  gsize n_in = ns_shape_size (is), n_out = ns_shape_size (os);
  float *kernel = random_floats (rng, (gsize) 9 * cc->cin * cc->cout, -1, 1);
  float *bias = cc->bias ? random_floats (rng, cc->cout, -1, 1) : NULL;
  NsConv conv = { .kh = 3, .kw = 3, .stride_h = 1, .stride_w = 1, .pad_top = 1, .pad_left = 1,
                  .cin = cc->cin, .cout = cc->cout, .kernel = kernel, .bias = bias,
                  .relu = cc->relu, .threads = cc->threads };
  NsWinograd *w;
  float *in = random_floats (rng, n_in, -1, 1), *out = g_new (float, n_out), *ws, *ref_ws;
  float *dout = random_floats (rng, n_out, -1, 1), *din0 = random_floats (rng, n_in, -1, 1), *din, *ref_din;
  double *in64 = to_f64 (in, n_in), *want = g_new (double, n_out);
  double *dout64 = to_f64 (dout, n_out), *din64 = g_new (double, n_in), *delta = g_new (double, n_in);
  gsize n_ws;

  g_assert_true (ns_winograd_supports (&conv));
  w = ns_winograd_new_full (&conv, cc->m, cc->block_floats);
  g_assert_cmpint (ns_winograd_tile (w), ==, cc->m);
  g_assert_cmpuint (ns_winograd_bytes (w), >=, (gsize) (cc->m + 2) * (cc->m + 2) * cc->cin * cc->cout * 4);
  n_ws = ns_winograd_workspace (w, is, os, cc->threads);
  ws = guarded_workspace (n_ws);

  /* Forward: the reference loops, and the im2col path on the same floats. */
  naive_conv (&conv, in64, is, want, os);
  for (gsize i = 0; i < n_out; i++)
    out[i] = NAN;                     /* every output must be written */
  ns_winograd_forward (w, &conv, in, is, out, os, ws);
  assert_guard (ws, n_ws);
  assert_close ("forward vs naive", cc, out, want, n_out, tol);
  {
    float *ref = g_new (float, n_out);
    double *ref64 = g_new (double, n_out);

    ref_ws = g_new (float, MAX (ns_conv_workspace (&conv, is, os), 1));
    ns_conv_forward (&conv, in, is, ref, os, ref_ws);
    for (gsize i = 0; i < n_out; i++)
      ref64[i] = ref[i];
    assert_close ("forward vs im2col", cc, out, ref64, n_out, tol);
    g_free (ref); g_free (ref64);
  }

  /* Backward adds conv^T (dout) into a random din. */
  din = g_memdup2 (din0, n_in * sizeof (float));
  ns_winograd_backward (w, &conv, dout, os, din, is, ws);
  assert_guard (ws, n_ws);
  naive_conv_transpose (&conv, dout64, os, din64, is);
  {
    float *delta32 = g_new (float, n_in);

    for (gsize i = 0; i < n_in; i++)
      {
        delta[i] = (double) din[i] - din0[i];
        delta32[i] = (float) delta[i];
      }
    assert_close ("backward vs naive", cc, delta32, din64, n_in, tol);
    g_free (delta32);
  }

  ref_din = g_memdup2 (din0, n_in * sizeof (float));
  ns_conv_backward (&conv, dout, os, ref_din, is, ref_ws);
  {
    double *ref64 = to_f64 (ref_din, n_in);

    assert_close ("backward vs im2col", cc, din, ref64, n_in, tol);
    g_free (ref64);
  }

  /* <dout, conv(x)> = <conv^T(dout), x> for the linear map (no bias, ReLU). */
  {
    NsConv linear = conv;
    double lhs = 0.0, rhs = 0.0, scale = 0.0;

    linear.bias = NULL;
    linear.relu = FALSE;
    naive_conv (&linear, in64, is, want, os);
    for (gsize i = 0; i < n_out; i++)
      {
        lhs += dout64[i] * want[i];
        scale += fabs (dout64[i] * want[i]);
      }
    for (gsize i = 0; i < n_in; i++)
      rhs += delta[i] * in64[i];
    g_test_message ("adjoint: %.10g vs %.10g", lhs, rhs);
    g_assert_cmpfloat (fabs (lhs - rhs), <=, 10 * tol * scale);
  }

  ns_winograd_free (w);
  g_free (kernel); g_free (bias); g_free (in); g_free (out); g_free (ws); g_free (ref_ws);
  g_free (dout); g_free (din0); g_free (din); g_free (ref_din);
  g_free (in64); g_free (want); g_free (dout64); g_free (din64); g_free (delta);
  g_rand_free (rng);
}

static void
test_supports (void)
{
  NsConv conv = { .kh = 3, .kw = 3, .stride_h = 1, .stride_w = 1, .pad_top = 1, .pad_left = 1,
                  .cin = 4, .cout = 4 };

  g_assert_true (ns_winograd_supports (&conv));
  conv.stride_w = 2;
  g_assert_false (ns_winograd_supports (&conv));
  conv.stride_w = 1;
  conv.pad_left = 0;
  g_assert_false (ns_winograd_supports (&conv));
  conv.pad_left = 1;
  conv.kh = conv.kw = 1;
  g_assert_false (ns_winograd_supports (&conv));
}

int
main (int argc, char **argv)
{
  /* block_floats 1: one tile row per block, so several blocks (and, in
   * backward, several overlapping din row ranges) are exercised. */
  static const Case shapes[] = {
    { 7, 5, 3, 4, TRUE, FALSE, 1, 0, 0 },
    { 13, 9, 5, 2, FALSE, TRUE, 2, 0, 1 },
    { 1, 1, 4, 3, TRUE, TRUE, 1, 0, 0 },
    { 2, 3, 2, 5, FALSE, FALSE, 3, 0, 0 },
    { 9, 4, 70, 6, TRUE, FALSE, 2, 0, 1 },          /* cin over one channel chunk */
    { 30, 26, 64, 72, TRUE, TRUE, 2, 0, 0 },        /* threads split tiles and points */
    { 30, 26, 64, 72, FALSE, FALSE, 3, 0, 200000 }, /* ... and blocks */
    { 17, 22, 16, 130, TRUE, TRUE, 3, 0, 1 },
  };
  static const int tiles[] = { 4, 2 };
  static Case cases[G_N_ELEMENTS (shapes) * G_N_ELEMENTS (tiles)];
  int n = 0;

  g_test_init (&argc, &argv, NULL);
  openblas_set_num_threads (1);
  g_test_add_func ("/winograd/supports", test_supports);
  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
      {
        Case *c = &cases[n++];
        char *path;

        *c = shapes[s];
        c->m = tiles[t];
        path = g_strdup_printf ("/winograd/F%d/%dx%dx%d-%d/threads%d", c->m, c->h, c->w, c->cin,
                                c->cout, c->threads);
        g_test_add_data_func (path, c, test_case);
        g_free (path);
      }
  return g_test_run ();
}
