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

typedef struct
{
  const NsPool *pool;
  const float  *in;
  float        *out;
  guint32      *argmax;
  NsShape       is, os;
} MaxForward;

/* Output rows [begin, end). */
static void
maxpool_forward_rows (gsize begin, gsize end, int worker, gpointer p)
{
  const MaxForward *m = p;
  const int c = m->is.c;

  for (int oy = (int) begin; oy < (int) end; oy++)
    for (int ox = 0; ox < m->os.w; ox++)
      {
        Window w = pool_window (m->pool, m->is, oy, ox);
        gsize at = ((gsize) oy * m->os.w + ox) * c;
        float *o = m->out + at;

        for (int ch = 0; ch < c; ch++)
          o[ch] = -INFINITY;
        /* The first maximum in window order: only a strictly larger value
         * replaces it. The index is chosen with a mask, not a branch, so
         * that the loop vectorises. */
        guint32 *index = m->argmax + at;
        guint32 first = (guint32) (((gsize) w.y0 * m->is.w + w.x0) * c);
        for (int ch = 0; ch < c; ch++)
          index[ch] = first + (guint32) ch;
        for (int y = w.y0; y < w.y1; y++)
          for (int x = w.x0; x < w.x1; x++)
            {
              guint32 base = (guint32) (((gsize) y * m->is.w + x) * c);
              const float *v = m->in + base;

              for (int ch = 0; ch < c; ch++)
                {
                  float value = v[ch], max = o[ch];
                  guint32 larger = 0u - (guint32) (value > max);   /* all ones or zero */
                  index[ch] = (larger & (base + (guint32) ch)) | (~larger & index[ch]);
                  o[ch] = value > max ? value : max;
                }
            }
      }
}

void
ns_maxpool_forward (const NsPool *pool, const float *in, NsShape in_shape,
                    float *out, NsShape out_shape, guint32 *argmax, int threads)
{
  g_return_if_fail (ns_shape_size (in_shape) <= G_MAXUINT32);
  MaxForward m = { pool, in, out, argmax, in_shape, out_shape };
  gsize row = (gsize) out_shape.w * out_shape.c * pool->kh * pool->kw;
  ns_parallel_for (out_shape.h, MAX ((gsize) (64 * 1024) / MAX (row, 1), 1), threads, maxpool_forward_rows, &m);
}

/* A plain scatter: it is memory-bound, and threads only fought over it. */
void
ns_maxpool_backward (const guint32 *argmax, const float *dout, NsShape out_shape, float *din)
{
  gsize n = ns_shape_size (out_shape);
  for (gsize i = 0; i < n; i++)
    din[argmax[i]] += dout[i];
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
