/* bench-conv.c: GFLOP/s of the conv kernels (forward + input gradient)
 * against a plain 2048^3 cblas_sgemm, the ceiling they can reach. */
#include "ns-layers.h"

#include <stdio.h>
#include <cblas.h>

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static float *
filled (gsize n)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return v;
}

static void
bench_sgemm (void)
{
  const int n = 2048;
  float *a = filled ((gsize) n * n), *b = filled ((gsize) n * n), *c = filled ((gsize) n * n);
  double best = G_MAXDOUBLE;

  for (int i = 0; i < 5; i++)
    {
      double t = now ();

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      best = MIN (best, now () - t);
    }
  printf ("sgemm 2048^3:                %7.1f GFLOP/s\n", 2.0 * n * n * n / best / 1e9);
  g_free (a); g_free (b); g_free (c);
}

static void
bench_conv (const char *name, int k, int cin, int cout, int h, int w)
{
  int pad;
  NsConv conv = { k, k, 1, 1, 0, 0, cin, cout, NULL, NULL, TRUE, 1, NULL };
  NsShape is = { h, w, cin }, os = { 0, 0, cout };
  float *kernel, *bias, *in, *out, *din, *ws;
  double flops, t_fwd, t_bwd;
  int reps = 20;

  os.h = ns_window_output (h, k, 1, NS_PADDING_SAME, &pad);
  conv.pad_top = pad;
  os.w = ns_window_output (w, k, 1, NS_PADDING_SAME, &pad);
  conv.pad_left = pad;
  kernel = filled ((gsize) k * k * cin * cout);
  bias = filled (cout);
  conv.kernel = kernel;
  conv.bias = bias;
  in = filled (ns_shape_size (is));
  din = filled (ns_shape_size (is));
  out = filled (ns_shape_size (os));
  ws = g_new (float, MAX (ns_conv_workspace (&conv, is, os), 1));
  flops = 2.0 * os.h * os.w * k * k * cin * cout;

  /* Best of reps: the machine may be shared, the minimum is the kernel's own cost. */
  t_fwd = t_bwd = G_MAXDOUBLE;
  for (int i = 0; i < reps; i++)
    {
      double t0 = now (), t1;

      ns_conv_forward (&conv, in, is, out, os, ws);
      t1 = now ();
      ns_conv_backward (&conv, out, os, din, is, ws);
      t_fwd = MIN (t_fwd, t1 - t0);
      t_bwd = MIN (t_bwd, now () - t1);
    }
  printf ("%-28s fwd %6.2f ms %6.1f GFLOP/s | bwd %6.2f ms %6.1f GFLOP/s\n", name,
          t_fwd * 1e3, flops / t_fwd / 1e9, t_bwd * 1e3, flops / t_bwd / 1e9);
  g_free (kernel); g_free (bias); g_free (in); g_free (din); g_free (out); g_free (ws);
}

int
main (void)
{
  bench_sgemm ();
  bench_conv ("conv 3x3 64->64 @128x96:", 3, 64, 64, 128, 96);
  bench_conv ("conv 1x1 256->64 @128x96:", 1, 256, 64, 128, 96);
  bench_conv ("conv 3x3 64->64 @512x384:", 3, 64, 64, 512, 384);
  return 0;
}
