/* ns-elementwise.c: the layers that are not windows: ReLU, zero padding,
 * element-wise add, global average pooling and dense. */
#include "ns-layers.h"

#include "ns-parallel.h"

#include <string.h>
#include <cblas.h>

/* Element-wise loops are memory-bound: split them only when each thread
 * gets enough floats to pay for its start. */
#define NS_PARALLEL_FLOATS ((gsize) 128 * 1024)

typedef struct
{
  const float *a, *b;
  float       *out;
} Arrays;

static void
relu_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Arrays *x = p;
  for (gsize i = begin; i < end; i++)
    x->out[i] = x->a[i] > 0.0f ? x->a[i] : 0.0f;
}

void
ns_relu_forward (const float *in, float *out, gsize n, int threads)
{
  Arrays x = { in, NULL, out };
  ns_parallel_for (n, NS_PARALLEL_FLOATS, threads, relu_range, &x);
}

/* A select, not a branch: about half the outputs are zero, so a branch
 * mispredicts constantly, and a conditional store does not vectorise. */
static void
relu_mask_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Arrays *x = p;
  for (gsize i = begin; i < end; i++)
    x->out[i] = x->a[i] > 0.0f ? x->out[i] : 0.0f;
}

void
ns_relu_mask (const float *out, float *grad, gsize n, int threads)
{
  Arrays x = { out, NULL, grad };
  ns_parallel_for (n, NS_PARALLEL_FLOATS, threads, relu_mask_range, &x);
}

void
ns_zeropad_forward (const float *in, NsShape in_shape, float *out, NsShape out_shape,
                    int top, int left)
{
  gsize row = (gsize) in_shape.w * in_shape.c;

  g_return_if_fail (in_shape.c == out_shape.c);
  memset (out, 0, ns_shape_size (out_shape) * sizeof (float));
  for (int y = 0; y < in_shape.h; y++)
    memcpy (out + ((gsize) (y + top) * out_shape.w + left) * out_shape.c,
            in + y * row, row * sizeof (float));
}

void
ns_zeropad_backward (const float *dout, NsShape out_shape, float *din, NsShape in_shape,
                     int top, int left)
{
  gsize row = (gsize) in_shape.w * in_shape.c;

  g_return_if_fail (in_shape.c == out_shape.c);
  for (int y = 0; y < in_shape.h; y++)
    {
      const float *g = dout + ((gsize) (y + top) * out_shape.w + left) * out_shape.c;
      float *d = din + y * row;

      for (gsize i = 0; i < row; i++)
        d[i] += g[i];
    }
}

static void
add_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Arrays *x = p;
  for (gsize i = begin; i < end; i++)
    x->out[i] = x->a[i] + x->b[i];
}

void
ns_add_forward (const float *a, const float *b, float *out, gsize n, int threads)
{
  Arrays x = { a, b, out };
  ns_parallel_for (n, NS_PARALLEL_FLOATS, threads, add_range, &x);
}

static void
add_relu_range (gsize begin, gsize end, int worker, gpointer p)
{
  const Arrays *x = p;
  for (gsize i = begin; i < end; i++)
    {
      float s = x->a[i] + x->b[i];
      x->out[i] = s > 0.0f ? s : 0.0f;
    }
}

void
ns_add_relu_forward (const float *a, const float *b, float *out, gsize n, int threads)
{
  Arrays x = { a, b, out };
  ns_parallel_for (n, NS_PARALLEL_FLOATS, threads, add_relu_range, &x);
}

typedef struct
{
  const float *out, *dout;
  float       *da, *db;
  gboolean     relu, da_live, db_live;
} AddBackward;

/* One pass: read out and dout, write da and db. Inlined with constant flags
 * below, so that each of the eight cases is a plain loop that vectorises. */
static inline __attribute__ ((always_inline)) void
add_backward_loop (const AddBackward *x, gsize begin, gsize end, gboolean relu, gboolean da_live,
                   gboolean db_live)
{
  const float *restrict out = x->out, *restrict dout = x->dout;
  float *restrict da = x->da, *restrict db = x->db;
  for (gsize i = begin; i < end; i++)
    {
      float d = dout[i];   /* loaded unconditionally: a conditional load would not vectorise */
      float g = relu ? (out[i] > 0.0f ? d : 0.0f) : d;
      da[i] = da_live ? da[i] + g : g;
      db[i] = db_live ? db[i] + g : g;
    }
}

static void
add_backward_range (gsize begin, gsize end, int worker, gpointer p)
{
  const AddBackward *x = p;
  switch ((x->relu ? 1 : 0) | (x->da_live ? 2 : 0) | (x->db_live ? 4 : 0))
    {
    case 0: add_backward_loop (x, begin, end, FALSE, FALSE, FALSE); break;
    case 1: add_backward_loop (x, begin, end, TRUE, FALSE, FALSE); break;
    case 2: add_backward_loop (x, begin, end, FALSE, TRUE, FALSE); break;
    case 3: add_backward_loop (x, begin, end, TRUE, TRUE, FALSE); break;
    case 4: add_backward_loop (x, begin, end, FALSE, FALSE, TRUE); break;
    case 5: add_backward_loop (x, begin, end, TRUE, FALSE, TRUE); break;
    case 6: add_backward_loop (x, begin, end, FALSE, TRUE, TRUE); break;
    default: add_backward_loop (x, begin, end, TRUE, TRUE, TRUE); break;
    }
}

void
ns_add_backward (const float *out, gboolean relu, const float *dout, float *da, gboolean da_live,
                 float *db, gboolean db_live, gsize n, int threads)
{
  AddBackward x = { out, dout, da, db, relu, da_live, db_live };
  ns_parallel_for (n, NS_PARALLEL_FLOATS, threads, add_backward_range, &x);
}

void
ns_global_avgpool_forward (const float *in, NsShape in_shape, float *out)
{
  gsize n = (gsize) in_shape.h * in_shape.w;
  int c = in_shape.c;
  double *sum = g_new0 (double, c);   /* double: many pixels per channel */

  for (gsize p = 0; p < n; p++)
    for (int ch = 0; ch < c; ch++)
      sum[ch] += in[p * c + ch];
  for (int ch = 0; ch < c; ch++)
    out[ch] = (float) (sum[ch] / MAX (n, 1));
  g_free (sum);
}

void
ns_global_avgpool_backward (const float *dout, float *din, NsShape in_shape)
{
  gsize n = (gsize) in_shape.h * in_shape.w;
  int c = in_shape.c;
  float scale = 1.0f / MAX (n, 1);

  for (gsize p = 0; p < n; p++)
    for (int ch = 0; ch < c; ch++)
      din[p * c + ch] += dout[ch] * scale;
}

void
ns_dense_forward (const float *in, int n_in, const float *kernel, const float *bias,
                  int n_out, float *out)
{
  /* out = K^T in (+ bias), K stored [n_in][n_out]. */
  if (bias)
    memcpy (out, bias, n_out * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasTrans, n_in, n_out, 1.0f, kernel, n_out,
               in, 1, bias ? 1.0f : 0.0f, out, 1);
}

void
ns_dense_backward (const float *dout, int n_out, const float *kernel, int n_in, float *din)
{
  cblas_sgemv (CblasRowMajor, CblasNoTrans, n_in, n_out, 1.0f, kernel, n_out,
               dout, 1, 1.0f, din, 1);
}
