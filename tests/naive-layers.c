/* naive-layers.c: reference loops, one output element at a time, and the
 * finite-difference reference gradient. */
#include "naive-layers.h"

#include <math.h>

static gsize
at (NsShape s, int y, int x, int c)
{
  return ((gsize) y * s.w + x) * s.c + c;
}

void
naive_conv (const NsConv *conv, const double *in, NsShape is, double *out, NsShape os)
{
  for (int oy = 0; oy < os.h; oy++)
    for (int ox = 0; ox < os.w; ox++)
      for (int co = 0; co < conv->cout; co++)
        {
          double acc = conv->bias ? conv->bias[co] : 0.0;

          for (int ky = 0; ky < conv->kh; ky++)
            for (int kx = 0; kx < conv->kw; kx++)
              for (int ci = 0; ci < conv->cin; ci++)
                {
                  int iy = oy * conv->stride_h + ky - conv->pad_top;
                  int ix = ox * conv->stride_w + kx - conv->pad_left;
                  gsize k = (((gsize) ky * conv->kw + kx) * conv->cin + ci) * conv->cout + co;

                  if (iy >= 0 && iy < is.h && ix >= 0 && ix < is.w)
                    acc += in[at (is, iy, ix, ci)] * conv->kernel[k];
                }
          if (conv->relu && acc < 0.0)
            acc = 0.0;
          out[at (os, oy, ox, co)] = acc;
        }
}

void
naive_relu (const double *in, double *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = in[i] > 0.0 ? in[i] : 0.0;
}

void
naive_zeropad (const double *in, NsShape is, double *out, NsShape os, int top, int left)
{
  for (int y = 0; y < os.h; y++)
    for (int x = 0; x < os.w; x++)
      for (int c = 0; c < os.c; c++)
        {
          int iy = y - top, ix = x - left;
          gboolean inside = iy >= 0 && iy < is.h && ix >= 0 && ix < is.w;

          out[at (os, y, x, c)] = inside ? in[at (is, iy, ix, c)] : 0.0;
        }
}

/* Visits the in-bounds window positions of output (oy, ox); returns their
 * max (or sum) and count. */
static double
window_reduce (const NsPool *pool, const double *in, NsShape is, int oy, int ox, int c,
               gboolean take_max, int *count)
{
  double r = take_max ? -INFINITY : 0.0;

  *count = 0;
  for (int ky = 0; ky < pool->kh; ky++)
    for (int kx = 0; kx < pool->kw; kx++)
      {
        int iy = oy * pool->stride_h + ky - pool->pad_top;
        int ix = ox * pool->stride_w + kx - pool->pad_left;
        double v;

        if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
          continue;
        v = in[at (is, iy, ix, c)];
        r = take_max ? fmax (r, v) : r + v;
        (*count)++;
      }
  return r;
}

void
naive_maxpool (const NsPool *pool, const double *in, NsShape is, double *out, NsShape os)
{
  int count;

  for (int oy = 0; oy < os.h; oy++)
    for (int ox = 0; ox < os.w; ox++)
      for (int c = 0; c < os.c; c++)
        out[at (os, oy, ox, c)] = window_reduce (pool, in, is, oy, ox, c, TRUE, &count);
}

void
naive_avgpool (const NsPool *pool, const double *in, NsShape is, double *out, NsShape os)
{
  int count;

  for (int oy = 0; oy < os.h; oy++)
    for (int ox = 0; ox < os.w; ox++)
      for (int c = 0; c < os.c; c++)
        {
          double sum = window_reduce (pool, in, is, oy, ox, c, FALSE, &count);

          out[at (os, oy, ox, c)] = sum / count;
        }
}

void
naive_global_avgpool (const double *in, NsShape is, double *out)
{
  for (int c = 0; c < is.c; c++)
    {
      double sum = 0.0;

      for (int y = 0; y < is.h; y++)
        for (int x = 0; x < is.w; x++)
          sum += in[at (is, y, x, c)];
      out[c] = sum / ((double) is.h * is.w);
    }
}

void
naive_dense (const double *in, int n_in, const float *kernel, const float *bias,
             int n_out, double *out)
{
  for (int j = 0; j < n_out; j++)
    {
      double acc = bias ? bias[j] : 0.0;

      for (int i = 0; i < n_in; i++)
        acc += in[i] * kernel[(gsize) i * n_out + j];
      out[j] = acc;
    }
}

void
naive_input_gradient (NaiveForward f, gconstpointer ctx, const double *x, gsize nx,
                      const double *r, gsize ny, double eps, double *grad)
{
  double *xp = g_memdup2 (x, nx * sizeof (double)), *y = g_new (double, ny);

  for (gsize i = 0; i < nx; i++)
    {
      double loss[2] = { 0.0, 0.0 };

      for (int side = 0; side < 2; side++)
        {
          xp[i] = x[i] + (side ? -eps : eps);
          f (ctx, xp, y);
          for (gsize j = 0; j < ny; j++)
            loss[side] += r[j] * y[j];
        }
      xp[i] = x[i];
      grad[i] = (loss[0] - loss[1]) / (2 * eps);
    }
  g_free (xp);
  g_free (y);
}
