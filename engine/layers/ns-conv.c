/* ns-conv.c: Conv2D forward and input gradient as OpenBLAS GEMMs.
 *
 * In HWC layout a conv is out[P x cout] = cols[P x (kh*kw*cin)] * K, where
 * K is the HWIO kernel read as a (kh*kw*cin) x cout matrix and each row of
 * cols is the receptive field of one output pixel (im2col). A 1x1 stride-1
 * unpadded conv needs no cols at all: the input already is that matrix.
 * Otherwise cols are built for a block of output rows at a time, so the
 * scratch memory stays bounded whatever the image size.
 *
 * Threads (conv->threads) take whole blocks of output rows: each builds
 * its block's cols in its own slice of the workspace and runs the
 * single-threaded GEMM that reads them while they are still in its core's
 * cache. The backward's col2im adds into input rows that neighbouring
 * blocks share, so it runs the even blocks, then the odd ones.
 */
#include "ns-layers.h"
#include "ns-parallel.h"
#include "ns-gemm.h"
#include "ns-winograd.h"

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
  gint64 out = 0, pad = 0;

  /* The loader refuses such windows; an empty output is refused downstream. */
  if (k >= 1 && stride >= 1 && in >= 0)
    {
      if (padding == NS_PADDING_SAME)
        {
          out = ((gint64) in + stride - 1) / stride;
          pad = MAX ((out - 1) * stride + k - in, 0) / 2;
        }
      else
        out = in >= k ? (in - k) / stride + 1 : 0;
    }
  if (pad_before)
    *pad_before = (int) pad;
  return (int) out;
}

static gboolean
conv_is_pointwise (const NsConv *conv)
{
  return conv->kh == 1 && conv->kw == 1 && conv->stride_h == 1 && conv->stride_w == 1
         && conv->pad_top == 0 && conv->pad_left == 0;
}

static int
conv_threads (const NsConv *conv)
{
  return CLAMP (conv->threads, 1, NS_MAX_THREADS);
}

/* Output rows per block: about NS_CONV_BLOCK_FLOATS of cols, at least two
 * blocks per thread when the layer allows, and enough rows that blocks two
 * apart never add into the same input row (the backward's two phases). */
static int
conv_block_rows (const NsConv *conv, NsShape out, int block_rows)
{
  gsize row_floats = (gsize) out.w * conv->kh * conv->kw * conv->cin;
  int apart = (conv->kh + conv->stride_h - 1) / conv->stride_h;
  int threads = conv_threads (conv);

  if (block_rows <= 0)
    {
      block_rows = (int) MAX (NS_CONV_BLOCK_FLOATS / MAX (row_floats, 1), 1);
      if (threads > 1)
        block_rows = MIN (block_rows, (out.h + 2 * threads - 1) / (2 * threads));
    }
  if (threads > 1)
    block_rows = MAX (block_rows, apart);
  return CLAMP (block_rows, 1, MAX (out.h, 1));
}

static gsize
cols_floats (const NsConv *conv, NsShape out, int block_rows)
{
  return (gsize) conv_block_rows (conv, out, block_rows) * out.w * conv->kh * conv->kw * conv->cin;
}

gsize
ns_conv_workspace_blocked (const NsConv *conv, NsShape in, NsShape out, int block_rows)
{
  if (conv->winograd)
    return ns_winograd_workspace (conv->winograd, in, out, conv_threads (conv));
  if (conv_is_pointwise (conv))
    return 0;
  return conv_threads (conv) * cols_floats (conv, out, block_rows);
}

gsize
ns_conv_workspace (const NsConv *conv, NsShape in, NsShape out)
{
  return ns_conv_workspace_blocked (conv, in, out, 0);
}

typedef struct
{
  const NsConv *conv;
  const float  *src;        /* forward: the input; backward: dout */
  float        *dst;        /* forward: the output; backward: din */
  NsShape       is, os;
  float        *workspace;  /* one slice of block_floats per worker */
  gsize         block_floats;
  int           block_rows;
  int           pieces;     /* a 1x1 conv with few positions: pieces of its output channels */
  int           phase;      /* backward: which blocks (2 i + phase) */
} ConvJob;

/* Receptive fields of output rows [oy0, oy1) into cols, zeros where the
 * window hangs over the padding. In HWC the kw taps of a kernel row are
 * kw * cin contiguous input floats: one memcpy unless the row crosses the
 * left or right edge. */
static void
im2col_rows (const NsConv *conv, const float *in, NsShape is, NsShape os, int oy0, int oy1, float *cols)
{
  const gsize tap = conv->cin, krow = conv->kw * tap;
  const gsize field = (gsize) conv->kh * krow;
  gsize n = (gsize) (oy1 - oy0) * os.w;

  for (gsize i = 0; i < n; i++)
    {
      int oy = oy0 + (int) (i / os.w), ox = (int) (i % os.w);
      float *dst = cols + i * field;
      int iy0 = oy * conv->stride_h - conv->pad_top;
      int ix0 = ox * conv->stride_w - conv->pad_left;
      gboolean inside_x = ix0 >= 0 && ix0 + conv->kw <= is.w;

      for (int ky = 0; ky < conv->kh; ky++)
        {
          int iy = iy0 + ky;
          float *row = dst + ky * krow;

          if (iy < 0 || iy >= is.h)
            {
              memset (row, 0, krow * sizeof (float));
              continue;
            }
          /* Only pixels inside the image are addressed: a pointer before
           * the input (padding on the left or top) is undefined in C. */
          const float *in_row = in + (gsize) iy * is.w * tap;
          if (inside_x)
            memcpy (row, in_row + (gsize) ix0 * tap, krow * sizeof (float));
          else
            for (int kx = 0; kx < conv->kw; kx++)
              {
                int ix = ix0 + kx;

                if (ix < 0 || ix >= is.w)
                  memset (row + kx * tap, 0, tap * sizeof (float));
                else
                  memcpy (row + kx * tap, in_row + (gsize) ix * tap, tap * sizeof (float));
              }
        }
    }
}

/* The adjoint of im2col for output rows [oy0, oy1): adds each column entry
 * back into din, as a gather per input row. */
static void
col2im_add_rows (const NsConv *conv, const float *cols, NsShape os, int oy0, int oy1, float *din, NsShape is)
{
  const gsize tap = conv->cin;
  const gsize field = (gsize) conv->kh * conv->kw * tap;
  int first = MAX (oy0 * conv->stride_h - conv->pad_top, 0);
  int last = MIN ((oy1 - 1) * conv->stride_h - conv->pad_top + conv->kh, is.h);   /* exclusive */

  for (int iy = first; iy < last; iy++)
    for (int ky = 0; ky < conv->kh; ky++)
      {
        int num = iy + conv->pad_top - ky, oy = num / conv->stride_h;

        if (num < 0 || num % conv->stride_h || oy < oy0 || oy >= oy1)
          continue;
        for (int ox = 0; ox < os.w; ox++)
          {
            const float *src = cols + ((gsize) (oy - oy0) * os.w + ox) * field + (gsize) ky * conv->kw * tap;
            int ix0 = ox * conv->stride_w - conv->pad_left;
            /* The part of the kernel row inside the image: contiguous in din. */
            int kx0 = MAX (-ix0, 0), kx1 = MIN (conv->kw, is.w - ix0);

            if (kx1 > kx0)
              {
                const float *s = src + kx0 * tap;
                float *d = din + ((gsize) iy * is.w + ix0 + kx0) * tap;

                for (gsize k = 0; k < (gsize) (kx1 - kx0) * tap; k++)
                  d[k] += s[k];
              }
          }
      }
}

/* Output channels [c0, c1) of out[n_pixels x cout] = cols * kernel (+ bias),
 * then ReLU, on one thread. The bias is written first and the GEMM
 * accumulates onto it (beta = 1): that replaces both OpenBLAS' zeroing pass
 * over C (beta = 0) and a separate bias pass. */
static void
gemm_bias_relu_channels (const NsConv *conv, const float *cols, int field, gsize n_pixels, float *out,
                         int c0, int c1)
{
  const int cout = conv->cout, n = c1 - c0;

  if (conv->bias)
    for (gsize i = 0; i < n_pixels; i++)
      memcpy (out + i * cout + c0, conv->bias + c0, n * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n_pixels, n, field,
               1.0f, cols, field, conv->kernel + c0, cout, conv->bias ? 1.0f : 0.0f, out + c0, cout);
  if (conv->relu && n == cout)
    ns_relu_forward (out, out, n_pixels * cout, 1);
  else if (conv->relu)
    for (gsize i = 0; i < n_pixels; i++)
      ns_relu_forward (out + i * cout + c0, out + i * cout + c0, n, 1);
}

static void
gemm_bias_relu (const NsConv *conv, const float *cols, int field, gsize n_pixels, float *out)
{
  gemm_bias_relu_channels (conv, cols, field, n_pixels, out, 0, conv->cout);
}

/* A 1x1 conv: rows [begin, end) of the input are rows of the GEMM. */
static void
pointwise_forward_range (gsize begin, gsize end, int worker, gpointer p)
{
  const ConvJob *j = p;
  gemm_bias_relu (j->conv, j->src + begin * j->conv->cin, j->conv->cin, end - begin,
                  j->dst + begin * j->conv->cout);
}

/* A 1x1 conv with few positions: pieces [begin, end) of its output channels
 * (of j->pieces). */
static void
pointwise_forward_channels (gsize begin, gsize end, int worker, gpointer p)
{
  const ConvJob *j = p;
  gsize pixels = (gsize) j->os.h * j->os.w;
  for (gsize i = begin; i < end; i++)
    gemm_bias_relu_channels (j->conv, j->src, j->conv->cin, pixels, j->dst,
                             ns_column_split (j->conv->cout, j->pieces, (int) i),
                             ns_column_split (j->conv->cout, j->pieces, (int) i + 1));
}

static void
forward_blocks (gsize begin, gsize end, int worker, gpointer p)
{
  const ConvJob *j = p;
  const NsConv *conv = j->conv;
  float *cols = j->workspace + worker * j->block_floats;

  for (gsize b = begin; b < end; b++)
    {
      int oy0 = (int) b * j->block_rows, oy1 = MIN (oy0 + j->block_rows, j->os.h);

      im2col_rows (conv, j->src, j->is, j->os, oy0, oy1, cols);
      gemm_bias_relu (conv, cols, conv->kh * conv->kw * conv->cin, (gsize) (oy1 - oy0) * j->os.w,
                      j->dst + (gsize) oy0 * j->os.w * conv->cout);
    }
}

static void
backward_blocks (gsize begin, gsize end, int worker, gpointer p)
{
  const ConvJob *j = p;
  const NsConv *conv = j->conv;
  const int field = conv->kh * conv->kw * conv->cin;
  float *cols = j->workspace + worker * j->block_floats;

  for (gsize i = begin; i < end; i++)
    {
      int oy0 = (int) (2 * i + j->phase) * j->block_rows, oy1 = MIN (oy0 + j->block_rows, j->os.h);

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (oy1 - oy0) * j->os.w, field, conv->cout,
                   1.0f, j->src + (gsize) oy0 * j->os.w * conv->cout, conv->cout,
                   conv->kernel, conv->cout, 0.0f, cols, field);
      col2im_add_rows (conv, cols, j->os, oy0, oy1, j->dst, j->is);
    }
}

/* A 1x1 conv's GEMM is a few MFLOP per row block: a thread needs this many
 * rows (output positions) to be worth starting. */
static gsize
pointwise_min_rows (const NsConv *conv)
{
  return MAX ((gsize) (4e6 / (2.0 * conv->cin * conv->cout)), 8);
}

void
ns_conv_forward_blocked (const NsConv *conv, const float *in, NsShape in_shape,
                         float *out, NsShape out_shape, float *workspace, int block_rows)
{
  g_return_if_fail (in_shape.c == conv->cin && out_shape.c == conv->cout);

  if (conv->winograd)
    {
      ns_winograd_forward (conv->winograd, conv, in, in_shape, out, out_shape, workspace);
      return;
    }
  ConvJob j = { conv, in, out, in_shape, out_shape, workspace, 0, 0, 0, 0 };
  if (conv_is_pointwise (conv))
    {
      int pixels = out_shape.h * out_shape.w;
      if ((j.pieces = ns_column_pieces (conv_threads (conv), pixels, conv->cout)) > 1)
        ns_parallel_items (j.pieces, j.pieces, pointwise_forward_channels, &j);
      else
        ns_parallel_for ((gsize) pixels, pointwise_min_rows (conv), conv_threads (conv), pointwise_forward_range, &j);
      return;
    }
  j.block_rows = conv_block_rows (conv, out_shape, block_rows);
  j.block_floats = cols_floats (conv, out_shape, block_rows);
  ns_parallel_items ((out_shape.h + j.block_rows - 1) / j.block_rows, conv_threads (conv), forward_blocks, &j);
}

void
ns_conv_backward_blocked (const NsConv *conv, const float *dout, NsShape out_shape,
                          float *din, NsShape in_shape, float *workspace, int block_rows)
{
  g_return_if_fail (in_shape.c == conv->cin && out_shape.c == conv->cout);

  if (conv->winograd)
    {
      ns_winograd_backward (conv->winograd, conv, dout, out_shape, din, in_shape, workspace);
      return;
    }
  if (conv_is_pointwise (conv))
    {
      /* din += dout * K^T, accumulated by the GEMM itself (beta = 1). */
      ns_sgemm (conv_threads (conv), CblasTrans, out_shape.h * out_shape.w, conv->cin, conv->cout,
                1.0f, dout, conv->cout, conv->kernel, conv->cout, 1.0f, din, conv->cin);
      return;
    }
  ConvJob j = { conv, dout, din, in_shape, out_shape, workspace, 0, 0, 0, 0 };
  j.block_rows = conv_block_rows (conv, out_shape, block_rows);
  j.block_floats = cols_floats (conv, out_shape, block_rows);
  int blocks = (out_shape.h + j.block_rows - 1) / j.block_rows;
  for (j.phase = 0; j.phase < 2; j.phase++)
    ns_parallel_items ((blocks - j.phase + 1) / 2, conv_threads (conv), backward_blocks, &j);
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
