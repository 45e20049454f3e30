/* bench-conv.c: GFLOP/s of the conv kernels (forward + input gradient)
 * against a plain 2048^3 cblas_sgemm (the engine's probe at that size,
 * ns-speed.h), the ceiling they can reach. */
#include "bench-common.h"
#include "ns-layers.h"
#include "ns-speed.h"

#include <stdio.h>

static void
bench_sgemm (void)
{
  NsSgemmRate rate;
  if (!ns_sgemm_rate (2048, 5, &rate))
    bench_fail ("not enough memory for the SGEMM probe");
  printf ("sgemm 2048^3:                %7.1f GFLOP/s\n", rate.gflops);
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
  kernel = bench_filled ((gsize) k * k * cin * cout, 0);
  bias = bench_filled (cout, 0);
  conv.kernel = kernel;
  conv.bias = bias;
  in = bench_filled (ns_shape_size (is), 0);
  din = bench_filled (ns_shape_size (is), 0);
  out = bench_filled (ns_shape_size (os), 0);
  ws = g_new (float, MAX (ns_conv_workspace (&conv, is, os), 1));
  flops = 2.0 * os.h * os.w * k * k * cin * cout;

  /* Best of reps: the machine may be shared, the minimum is the kernel's own cost. */
  t_fwd = t_bwd = G_MAXDOUBLE;
  for (int i = 0; i < reps; i++)
    {
      double t0 = bench_now (), t1;

      ns_conv_forward (&conv, in, is, out, os, ws);
      t1 = bench_now ();
      ns_conv_backward (&conv, out, os, din, is, ws);
      t_fwd = MIN (t_fwd, t1 - t0);
      t_bwd = MIN (t_bwd, bench_now () - t1);
    }
  printf ("%-28s fwd %6.2f ms %6.1f GFLOP/s | bwd %6.2f ms %6.1f GFLOP/s\n", name,
          t_fwd * 1e3, flops / t_fwd / 1e9, t_bwd * 1e3, flops / t_bwd / 1e9);
  g_free (kernel); g_free (bias); g_free (in); g_free (din); g_free (out); g_free (ws);
}

int
main (int argc, char **argv)
{
  g_set_prgname ("bench-conv");
  bench_sgemm ();
  bench_conv ("conv 3x3 64->64 @128x96:", 3, 64, 64, 128, 96);
  bench_conv ("conv 1x1 256->64 @128x96:", 1, 256, 64, 128, 96);
  bench_conv ("conv 3x3 64->64 @512x384:", 3, 64, 64, 512, 384);
  return 0;
}
