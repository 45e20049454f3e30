/* bench-winograd.c: ms per call of the Winograd 3x3 convs (F(4x4) and
 * F(2x2)) against the im2col path on ResNet-50's 3x3 layer shapes at a
 * 512x384 image, forward and input gradient, at 1 and 2 threads (OpenBLAS
 * single-threaded: the kernels split the work), with the relative error of
 * each against the im2col output. */
#include "bench-common.h"
#include "ns-winograd.h"

#include <math.h>
#include <stdio.h>
#include <cblas.h>

static double
relative_error (const float *got, const float *want, gsize n)
{
  double scale = 0.0, err = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      scale = fmax (scale, fabs (want[i]));
      err = fmax (err, fabs ((double) got[i] - want[i]));
    }
  return err / scale;
}

typedef struct
{
  double fwd, bwd;
} Times;

/* The Winograd work block (floats; 0: the default), from $NS_WINOGRAD_BLOCK. */
static gsize block_floats;

/* Best of reps (the machine may be shared). m = 0: the im2col path. */
static Times
time_conv (NsConv *conv, int m, const float *in, NsShape is, float *out, NsShape os,
           const float *dout, float *din, int reps)
{
  NsWinograd *w = m ? ns_winograd_new_full (conv, m, block_floats) : NULL;
  gsize n_ws = w ? ns_winograd_workspace (w, is, os, conv->threads) : ns_conv_workspace (conv, is, os);
  float *ws = g_new (float, MAX (n_ws, 1));
  Times best = { G_MAXDOUBLE, G_MAXDOUBLE };

  for (int i = 0; i < reps; i++)
    {
      double t0 = bench_now (), t1;

      if (w)
        ns_winograd_forward (w, conv, in, is, out, os, ws);
      else
        ns_conv_forward (conv, in, is, out, os, ws);
      t1 = bench_now ();
      if (w)
        ns_winograd_backward (w, conv, dout, os, din, is, ws);
      else
        ns_conv_backward (conv, dout, os, din, is, ws);
      best.fwd = MIN (best.fwd, t1 - t0);
      best.bwd = MIN (best.bwd, bench_now () - t1);
    }
  ns_winograd_free (w);
  g_free (ws);
  return best;
}

static void
bench_layer (int h, int w, int c, int reps)
{
  NsShape is = { h, w, c }, os = { h, w, c };
  gsize n = ns_shape_size (is);
  float *kernel = bench_filled ((gsize) 9 * c * c, 1), *bias = bench_filled (c, 2);
  float *in = bench_filled (n, 3), *dout = bench_filled (n, 4);
  float *ref = g_new (float, n), *out = g_new (float, n);
  float *ref_din = g_new0 (float, n), *din = g_new0 (float, n);
  NsConv conv = { .kh = 3, .kw = 3, .stride_h = 1, .stride_w = 1, .pad_top = 1, .pad_left = 1,
                  .cin = c, .cout = c, .kernel = kernel, .bias = bias, .relu = FALSE };

  for (gsize i = 0; i < (gsize) 9 * c * c; i++)
    kernel[i] *= 0.1f;
  printf ("%dx%dx%d:\n", h, w, c);
  conv.threads = 1;
  time_conv (&conv, 0, in, is, ref, os, dout, ref_din, 1);     /* the reference: one call */
  for (int threads = 1; threads <= 2; threads++)
    {
      Times base;

      conv.threads = threads;
      base = time_conv (&conv, 0, in, is, out, os, dout, din, reps);
      printf ("  threads %d im2col  fwd %7.2f ms  bwd %7.2f ms\n", threads, base.fwd * 1e3, base.bwd * 1e3);
      for (int m = 4; m >= 2; m -= 2)
        {
          Times t;
          double e_fwd, e_bwd;

          for (gsize i = 0; i < n; i++)
            din[i] = 0.0f;
          time_conv (&conv, m, in, is, out, os, dout, din, 1);
          e_fwd = relative_error (out, ref, n);
          e_bwd = relative_error (din, ref_din, n);
          t = time_conv (&conv, m, in, is, out, os, dout, din, reps);
          printf ("  threads %d F(%dx%d)  fwd %7.2f ms  bwd %7.2f ms  err fwd %.2g bwd %.2g",
                  threads, m, m, t.fwd * 1e3, t.bwd * 1e3, e_fwd, e_bwd);
          printf ("  speedup fwd %.2fx bwd %.2fx\n", base.fwd / t.fwd, base.bwd / t.bwd);
        }
    }
  g_free (kernel); g_free (bias); g_free (in); g_free (dout);
  g_free (ref); g_free (out); g_free (ref_din); g_free (din);
}

int
main (int argc, char **argv)
{
  int reps = argc > 1 ? atoi (argv[1]) : 10;

  openblas_set_num_threads (1);
  if (g_getenv ("NS_WINOGRAD_BLOCK"))
    block_floats = g_ascii_strtoull (g_getenv ("NS_WINOGRAD_BLOCK"), NULL, 10);
  bench_layer (96, 128, 64, reps);
  bench_layer (48, 64, 128, reps);
  bench_layer (24, 32, 256, reps);
  return 0;
}
