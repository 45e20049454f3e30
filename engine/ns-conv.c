/* ns-conv.c: Conv2D forward and input gradient as OpenBLAS GEMMs.
 *
 * In HWC layout a conv is out[P x cout] = cols[P x (kh*kw*cin)] * K, where
 * K is the HWIO kernel read as a (kh*kw*cin) x cout matrix and each row of
 * cols is the receptive field of one output pixel (im2col). A 1x1 stride-1
 * unpadded conv needs no cols at all: the input already is that matrix.
 * Otherwise cols are built for a block of output rows at a time, so the
 * scratch memory stays bounded whatever the image size.
 */
#include "ns-layers.h"

#include <string.h>
#include <cblas.h>

/* Default im2col block: about 8 MiB of floats, enough rows for an
 * efficient GEMM while staying far from the model's activation sizes. */
#define NS_CONV_BLOCK_FLOATS ((gsize) 2 * 1024 * 1024)

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

gsize
ns_conv_workspace_blocked (const NsConv *conv, NsShape in, NsShape out, int block_rows)
{
  if (conv_is_pointwise (conv))
    return 0;
  return (gsize) conv_block_rows (conv, out, block_rows) * out.w * conv->kh * conv->kw * conv->cin;
}

gsize
ns_conv_workspace (const NsConv *conv, NsShape in, NsShape out)
{
  return ns_conv_workspace_blocked (conv, in, out, 0);
}

/* Receptive fields of output rows [oy0, oy1) into cols, zeros where the
 * window hangs over the padding. Each kernel tap is cin contiguous floats
 * of the input (HWC), so a tap is one memcpy. */
static void
im2col_rows (const NsConv *conv, const float *in, NsShape is, NsShape os,
             int oy0, int oy1, float *cols)
{
  const gsize tap = conv->cin;
  const gsize field = (gsize) conv->kh * conv->kw * tap;

  for (int oy = oy0; oy < oy1; oy++)
    for (int ox = 0; ox < os.w; ox++)
      {
        float *dst = cols + ((gsize) (oy - oy0) * os.w + ox) * field;
        int iy0 = oy * conv->stride_h - conv->pad_top;
        int ix0 = ox * conv->stride_w - conv->pad_left;

        for (int ky = 0; ky < conv->kh; ky++)
          {
            int iy = iy0 + ky;
            float *row = dst + (gsize) ky * conv->kw * tap;

            if (iy < 0 || iy >= is.h)
              {
                memset (row, 0, conv->kw * tap * sizeof (float));
                continue;
              }
            for (int kx = 0; kx < conv->kw; kx++)
              {
                int ix = ix0 + kx;

                if (ix < 0 || ix >= is.w)
                  memset (row + kx * tap, 0, tap * sizeof (float));
                else
                  memcpy (row + kx * tap, in + ((gsize) iy * is.w + ix) * tap, tap * sizeof (float));
              }
          }
      }
}

/* The adjoint of im2col_rows: adds each column entry back into din. */
static void
col2im_add_rows (const NsConv *conv, const float *cols, NsShape os, int oy0, int oy1,
                 float *din, NsShape is)
{
  const gsize tap = conv->cin;
  const gsize field = (gsize) conv->kh * conv->kw * tap;

  for (int oy = oy0; oy < oy1; oy++)
    for (int ox = 0; ox < os.w; ox++)
      {
        const float *src = cols + ((gsize) (oy - oy0) * os.w + ox) * field;
        int iy0 = oy * conv->stride_h - conv->pad_top;
        int ix0 = ox * conv->stride_w - conv->pad_left;

        for (int ky = 0; ky < conv->kh; ky++)
          {
            int iy = iy0 + ky;

            if (iy < 0 || iy >= is.h)
              continue;
            for (int kx = 0; kx < conv->kw; kx++)
              {
                int ix = ix0 + kx;
                const float *s;
                float *d;

                if (ix < 0 || ix >= is.w)
                  continue;
                s = src + ((gsize) ky * conv->kw + kx) * tap;
                d = din + ((gsize) iy * is.w + ix) * tap;
                for (gsize c = 0; c < tap; c++)
                  d[c] += s[c];
              }
          }
      }
}

/* Bias and ReLU over n_pixels rows of cout, while they are still in cache. */
static void
bias_relu (const NsConv *conv, float *out, gsize n_pixels)
{
  const int cout = conv->cout;

  if (!conv->bias && !conv->relu)
    return;
  for (gsize p = 0; p < n_pixels; p++)
    {
      float *o = out + p * cout;

      if (conv->bias)
        for (int c = 0; c < cout; c++)
          o[c] += conv->bias[c];
      if (conv->relu)
        for (int c = 0; c < cout; c++)
          o[c] = o[c] > 0.0f ? o[c] : 0.0f;
    }
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
      int n = out_shape.h * out_shape.w;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, conv->cout, conv->cin,
                   1.0f, in, conv->cin, conv->kernel, conv->cout, 0.0f, out, conv->cout);
      bias_relu (conv, out, n);
      return;
    }

  rows = conv_block_rows (conv, out_shape, block_rows);
  for (int oy0 = 0; oy0 < out_shape.h; oy0 += rows)
    {
      int oy1 = MIN (oy0 + rows, out_shape.h);
      int n = (oy1 - oy0) * out_shape.w;
      float *o = out + (gsize) oy0 * out_shape.w * conv->cout;

      im2col_rows (conv, in, in_shape, out_shape, oy0, oy1, workspace);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, conv->cout, field,
                   1.0f, workspace, field, conv->kernel, conv->cout, 0.0f, o, conv->cout);
      bias_relu (conv, o, n);
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
