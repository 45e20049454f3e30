/* ns-conv.c: Conv2D forward and input gradient as OpenBLAS GEMMs.
 *
 * In HWC layout a conv is out[P x cout] = cols[P x (kh*kw*cin)] * K, where
 * K is the HWIO kernel read as a (kh*kw*cin) x cout matrix and each row of
 * cols is the receptive field of one output pixel (im2col). A 1x1 stride-1
 * unpadded conv needs no cols at all: the input already is that matrix.
 * Otherwise cols are built for a block of output rows at a time, so the
 * scratch memory stays bounded whatever the image size.
 *
 * im2col, col2im and the bias fill split over threads (ns-parallel.h); the
 * GEMMs use OpenBLAS' own threads.
 */
#include "ns-layers.h"
#include "ns-parallel.h"

#include <string.h>
#include <cblas.h>

/* Default im2col block: about 2 MiB of floats, so that cols is still in
 * cache when the GEMM packs it (measured on the 512 px ResNet-50 layers:
 * 20-27% less time for the 64-channel 3x3 and the 7x7 than 8 MiB blocks,
 * the same for the others; docs/performance.md). */
#define NS_CONV_BLOCK_FLOATS ((gsize) 512 * 1024)

int
ns_window_output (int in, int k, int stride, NsPadding padding, int *pad_before)
{
  int out, pad = 0;

  if (padding == NS_PADDING_SAME)
    {
      int total;

      out = (in + stride - 1) / stride;
      total = MAX ((out - 1) * stride + k - in, 0);
      pad = total / 2;
    }
  else
    {
      out = in >= k ? (in - k) / stride + 1 : 0;
    }
  if (pad_before)
    *pad_before = pad;
  return out;
}

static gboolean
conv_is_pointwise (const NsConv *conv)
{
  return conv->kh == 1 && conv->kw == 1 && conv->stride_h == 1 && conv->stride_w == 1
         && conv->pad_top == 0 && conv->pad_left == 0;
}

static int
conv_block_rows (const NsConv *conv, NsShape out, int block_rows)
{
  gsize row_floats = (gsize) out.w * conv->kh * conv->kw * conv->cin;

  if (block_rows <= 0)
    block_rows = (int) MIN ((gsize) out.h, MAX (NS_CONV_BLOCK_FLOATS / MAX (row_floats, 1), 1));
  return MIN (block_rows, MAX (out.h, 1));
}

static gsize
cols_floats (const NsConv *conv, NsShape out, int block_rows)
{
  return (gsize) conv_block_rows (conv, out, block_rows) * out.w * conv->kh * conv->kw * conv->cin;
}

gsize
ns_conv_workspace_blocked (const NsConv *conv, NsShape in, NsShape out, int block_rows)
{
  if (conv_is_pointwise (conv))
    return 0;
  return cols_floats (conv, out, block_rows);
}

gsize
ns_conv_workspace (const NsConv *conv, NsShape in, NsShape out)
{
  return ns_conv_workspace_blocked (conv, in, out, 0);
}

/* Loops over cols are memory-bound: a thread needs at least this many
 * floats of them to be worth starting. */
#define NS_PARALLEL_FLOATS ((gsize) 128 * 1024)

typedef struct
{
  const NsConv *conv;
  const float  *src;
  float        *dst;
  NsShape       is, os;
  int           oy0, oy1;
} Cols;

/* Receptive fields of output pixels [begin, end) of the block (pixel 0 is
 * (oy0, 0)), zeros where the window hangs over the padding. In HWC the kw
 * taps of a kernel row are kw * cin contiguous input floats: one memcpy
 * unless the row crosses the left or right edge. */
static void
im2col_range (gsize begin, gsize end, gpointer p)
{
  const Cols *c = p;
  const NsConv *conv = c->conv;
  const gsize tap = conv->cin, krow = conv->kw * tap;
  const gsize field = (gsize) conv->kh * krow;

  for (gsize i = begin; i < end; i++)
    {
      int oy = c->oy0 + (int) (i / c->os.w), ox = (int) (i % c->os.w);
      float *dst = c->dst + i * field;
      int iy0 = oy * conv->stride_h - conv->pad_top;
      int ix0 = ox * conv->stride_w - conv->pad_left;
      gboolean inside_x = ix0 >= 0 && ix0 + conv->kw <= c->is.w;

      for (int ky = 0; ky < conv->kh; ky++)
        {
          int iy = iy0 + ky;
          float *row = dst + ky * krow;
          const float *src = c->src + ((gsize) iy * c->is.w + ix0) * tap;

          if (iy < 0 || iy >= c->is.h)
            memset (row, 0, krow * sizeof (float));
          else if (inside_x)
            memcpy (row, src, krow * sizeof (float));
          else
            for (int kx = 0; kx < conv->kw; kx++)
              {
                int ix = ix0 + kx;

                if (ix < 0 || ix >= c->is.w)
                  memset (row + kx * tap, 0, tap * sizeof (float));
                else
                  memcpy (row + kx * tap, src + kx * tap, tap * sizeof (float));
              }
        }
    }
}

static void
im2col_rows (const NsConv *conv, const float *in, NsShape is, NsShape os,
             int oy0, int oy1, float *cols)
{
  Cols c = { conv, in, cols, is, os, oy0, oy1 };
  gsize field = (gsize) conv->kh * conv->kw * conv->cin;

  ns_parallel_for ((gsize) (oy1 - oy0) * os.w, NS_PARALLEL_FLOATS / field + 1, im2col_range, &c);
}

/* The adjoint of im2col for output rows [oy0, oy1): adds each column entry
 * back into din. Done as a gather per input row (the items begin..end count
 * from row iy_first), so that threads own disjoint rows of din. */
static void
col2im_range (gsize begin, gsize end, gpointer p)
{
  const Cols *c = p;
  const NsConv *conv = c->conv;
  const gsize tap = conv->cin;
  const gsize field = (gsize) conv->kh * conv->kw * tap;
  int iy_first = MAX (c->oy0 * conv->stride_h - conv->pad_top, 0);

  for (int iy = iy_first + (int) begin; iy < iy_first + (int) end; iy++)
    for (int ky = 0; ky < conv->kh; ky++)
      {
        int num = iy + conv->pad_top - ky, oy = num / conv->stride_h;

        if (num < 0 || num % conv->stride_h || oy < c->oy0 || oy >= c->oy1)
          continue;
        for (int ox = 0; ox < c->os.w; ox++)
          {
            const float *src = c->src + ((gsize) (oy - c->oy0) * c->os.w + ox) * field + (gsize) ky * conv->kw * tap;
            int ix0 = ox * conv->stride_w - conv->pad_left;
            /* The part of the kernel row inside the image: contiguous in din. */
            int kx0 = MAX (-ix0, 0), kx1 = MIN (conv->kw, c->is.w - ix0);

            if (kx1 > kx0)
              {
                const float *s = src + kx0 * tap;
                float *d = c->dst + ((gsize) iy * c->is.w + ix0 + kx0) * tap;

                for (gsize k = 0; k < (gsize) (kx1 - kx0) * tap; k++)
                  d[k] += s[k];
              }
          }
      }
}

static void
col2im_add_rows (const NsConv *conv, const float *cols, NsShape os, int oy0, int oy1,
                 float *din, NsShape is)
{
  Cols c = { conv, cols, din, is, os, oy0, oy1 };
  int first = MAX (oy0 * conv->stride_h - conv->pad_top, 0);
  int last = MIN ((oy1 - 1) * conv->stride_h - conv->pad_top + conv->kh, is.h);   /* exclusive */
  gsize row = (gsize) is.w * conv->kh * conv->kw * conv->cin;

  if (last > first)
    ns_parallel_for (last - first, NS_PARALLEL_FLOATS / row + 1, col2im_range, &c);
}

typedef struct
{
  const float *bias;
  float       *out;
  int          cout;
} BiasFill;

static void
bias_fill_range (gsize begin, gsize end, gpointer p)
{
  const BiasFill *b = p;
  for (gsize i = begin; i < end; i++)
    memcpy (b->out + i * b->cout, b->bias, b->cout * sizeof (float));
}

/* out[n_pixels x cout] = cols * kernel (+ bias), then ReLU. The bias is
 * written first and the GEMM accumulates onto it (beta = 1): that replaces
 * both OpenBLAS' zeroing pass over C (beta = 0) and a separate bias pass. */
static void
gemm_bias_relu (const NsConv *conv, const float *cols, int field, gsize n_pixels, float *out)
{
  const int cout = conv->cout;

  if (conv->bias)
    {
      BiasFill b = { conv->bias, out, cout };
      ns_parallel_for (n_pixels, NS_PARALLEL_FLOATS / cout + 1, bias_fill_range, &b);
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n_pixels, cout, field,
               1.0f, cols, field, conv->kernel, cout, conv->bias ? 1.0f : 0.0f, out, cout);
  if (conv->relu)
    ns_relu_forward (out, out, n_pixels * cout);
}

void
ns_conv_forward_blocked (const NsConv *conv, const float *in, NsShape in_shape,
                         float *out, NsShape out_shape, float *workspace, int block_rows)
{
  const int field = conv->kh * conv->kw * conv->cin;
  int rows;

  g_return_if_fail (in_shape.c == conv->cin && out_shape.c == conv->cout);

  if (conv_is_pointwise (conv))
    {
      gemm_bias_relu (conv, in, conv->cin, (gsize) out_shape.h * out_shape.w, out);
      return;
    }

  rows = conv_block_rows (conv, out_shape, block_rows);
  for (int oy0 = 0; oy0 < out_shape.h; oy0 += rows)
    {
      int oy1 = MIN (oy0 + rows, out_shape.h);
      int n = (oy1 - oy0) * out_shape.w;
      float *o = out + (gsize) oy0 * out_shape.w * conv->cout;

      im2col_rows (conv, in, in_shape, out_shape, oy0, oy1, workspace);
      gemm_bias_relu (conv, workspace, field, n, o);
    }
}

void
ns_conv_backward_blocked (const NsConv *conv, const float *dout, NsShape out_shape,
                          float *din, NsShape in_shape, float *workspace, int block_rows)
{
  const int field = conv->kh * conv->kw * conv->cin;
  int rows;

  g_return_if_fail (in_shape.c == conv->cin && out_shape.c == conv->cout);

  if (conv_is_pointwise (conv))
    {
      /* din += dout * K^T, accumulated by the GEMM itself (beta = 1). */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, out_shape.h * out_shape.w,
                   conv->cin, conv->cout, 1.0f, dout, conv->cout, conv->kernel, conv->cout,
                   1.0f, din, conv->cin);
      return;
    }

  rows = conv_block_rows (conv, out_shape, block_rows);
  for (int oy0 = 0; oy0 < out_shape.h; oy0 += rows)
    {
      int oy1 = MIN (oy0 + rows, out_shape.h);
      int n = (oy1 - oy0) * out_shape.w;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, field, conv->cout,
                   1.0f, dout + (gsize) oy0 * out_shape.w * conv->cout, conv->cout,
                   conv->kernel, conv->cout, 0.0f, workspace, field);
      col2im_add_rows (conv, workspace, out_shape, oy0, oy1, din, in_shape);
    }
}

void
ns_conv_forward (const NsConv *conv, const float *in, NsShape in_shape,
                 float *out, NsShape out_shape, float *workspace)
{
  ns_conv_forward_blocked (conv, in, in_shape, out, out_shape, workspace, 0);
}

void
ns_conv_backward (const NsConv *conv, const float *dout, NsShape out_shape,
                  float *din, NsShape in_shape, float *workspace)
{
  ns_conv_backward_blocked (conv, dout, out_shape, din, in_shape, workspace, 0);
}
