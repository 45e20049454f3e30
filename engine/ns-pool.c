/* ns-pool.c: max and average pooling (TensorFlow semantics: padded positions
 * never win a max and are not counted in an average). */
#include "ns-layers.h"
#include "ns-parallel.h"

#include <math.h>

/* The part of a pooling window that lies inside the input. */
typedef struct
{
  int y0, y1, x0, x1;
} Window;

static Window
pool_window (const NsPool *pool, NsShape in, int oy, int ox)
{
  int y = oy * pool->stride_h - pool->pad_top;
  int x = ox * pool->stride_w - pool->pad_left;
  Window w = { MAX (y, 0), MIN (y + pool->kh, in.h), MAX (x, 0), MIN (x + pool->kw, in.w) };

  return w;
}

static const float *
pixel (const float *t, NsShape s, int y, int x)
{
  return t + ((gsize) y * s.w + x) * s.c;
}

void
ns_maxpool_forward (const NsPool *pool, const float *in, NsShape in_shape,
                    float *out, NsShape out_shape)
{
  const int c = in_shape.c;

  for (int oy = 0; oy < out_shape.h; oy++)
    for (int ox = 0; ox < out_shape.w; ox++)
      {
        Window w = pool_window (pool, in_shape, oy, ox);
        float *o = (float *) pixel (out, out_shape, oy, ox);

        for (int ch = 0; ch < c; ch++)
          o[ch] = -INFINITY;
        for (int y = w.y0; y < w.y1; y++)
          for (int x = w.x0; x < w.x1; x++)
            {
              const float *p = pixel (in, in_shape, y, x);

              for (int ch = 0; ch < c; ch++)
                o[ch] = p[ch] > o[ch] ? p[ch] : o[ch];
            }
      }
}

typedef struct
{
  const NsPool *pool;
  const float  *in, *out, *dout;
  float        *din;
  NsShape       is, os;
} MaxBackward;

/* Channels [begin, end): windows overlap, but threads own disjoint
 * channels, so their writes never meet. */
static void
maxpool_backward_channels (gsize begin, gsize end, int worker, gpointer p)
{
  const MaxBackward *m = p;

  for (int oy = 0; oy < m->os.h; oy++)
    for (int ox = 0; ox < m->os.w; ox++)
      {
        Window w = pool_window (m->pool, m->is, oy, ox);
        const float *o = pixel (m->out, m->os, oy, ox);
        const float *g = pixel (m->dout, m->os, oy, ox);

        /* The first position (row-major in the window) holding the max. */
        for (int ch = (int) begin; ch < (int) end; ch++)
          for (int y = w.y0, found = 0; y < w.y1 && !found; y++)
            for (int x = w.x0; x < w.x1; x++)
              if (pixel (m->in, m->is, y, x)[ch] == o[ch])
                {
                  ((float *) pixel (m->din, m->is, y, x))[ch] += g[ch];
                  found = 1;
                  break;
                }
      }
}

void
ns_maxpool_backward (const NsPool *pool, const float *in, NsShape in_shape,
                     const float *out, const float *dout, NsShape out_shape, float *din, int threads)
{
  MaxBackward m = { pool, in, out, dout, din, in_shape, out_shape };
  /* Whole cache lines (16 floats) of channels per piece. */
  gsize pixels = (gsize) in_shape.h * in_shape.w;
  ns_parallel_for (in_shape.c, MAX (16, (gsize) (64 * 1024) / MAX (pixels, 1)), threads,
                   maxpool_backward_channels, &m);
}

void
ns_avgpool_forward (const NsPool *pool, const float *in, NsShape in_shape,
                    float *out, NsShape out_shape)
{
  const int c = in_shape.c;

  for (int oy = 0; oy < out_shape.h; oy++)
    for (int ox = 0; ox < out_shape.w; ox++)
      {
        Window w = pool_window (pool, in_shape, oy, ox);
        float *o = (float *) pixel (out, out_shape, oy, ox);
        float scale = 1.0f / MAX ((w.y1 - w.y0) * (w.x1 - w.x0), 1);

        for (int ch = 0; ch < c; ch++)
          o[ch] = 0.0f;
        for (int y = w.y0; y < w.y1; y++)
          for (int x = w.x0; x < w.x1; x++)
            {
              const float *p = pixel (in, in_shape, y, x);

              for (int ch = 0; ch < c; ch++)
                o[ch] += p[ch];
            }
        for (int ch = 0; ch < c; ch++)
          o[ch] *= scale;
      }
}

void
ns_avgpool_backward (const NsPool *pool, const float *dout, NsShape out_shape,
                     float *din, NsShape in_shape)
{
  const int c = in_shape.c;

  for (int oy = 0; oy < out_shape.h; oy++)
    for (int ox = 0; ox < out_shape.w; ox++)
      {
        Window w = pool_window (pool, in_shape, oy, ox);
        const float *g = pixel (dout, out_shape, oy, ox);
        float scale = 1.0f / MAX ((w.y1 - w.y0) * (w.x1 - w.x0), 1);

        for (int y = w.y0; y < w.y1; y++)
          for (int x = w.x0; x < w.x1; x++)
            {
              float *d = (float *) pixel (din, in_shape, y, x);

              for (int ch = 0; ch < c; ch++)
                d[ch] += g[ch] * scale;
            }
      }
}
