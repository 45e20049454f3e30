/* ns-layers.h: the network's layer kernels, forward and input gradient.
 *
 * Tensors are one image in HWC (channels-last) float32 layout, so a conv
 * kernel in Keras' HWIO layout is directly the (kh*kw*cin) x cout matrix of
 * an im2col GEMM, and a 1x1 stride-1 conv is a plain GEMM.
 * Backward functions compute the gradient with respect to the layer's input
 * only (weights are fixed) and ADD it into din, so that a tensor feeding
 * several layers collects all its gradients.
 */
#pragma once

#include <glib.h>

typedef struct
{
  int h, w, c;
} NsShape;

static inline gsize
ns_shape_size (NsShape s)
{
  return (gsize) s.h * s.w * s.c;
}

/* Keras padding: "valid" (none) or "same" (TensorFlow's rule: total padding
 * max((out-1)*stride + k - in, 0), the smaller half on top/left). */
typedef enum { NS_PADDING_VALID, NS_PADDING_SAME } NsPadding;

/* Output size along one axis, and the padding before the first element;
 * 0 for a window or stride below 1. */
int ns_window_output (int in, int k, int stride, NsPadding padding, int *pad_before);

typedef struct
{
  int          kh, kw;
  int          stride_h, stride_w;
  int          pad_top, pad_left;  /* bottom/right follow from the output size */
  int          cin, cout;
  const float *kernel;             /* HWIO: [kh][kw][cin][cout] */
  const float *bias;               /* [cout], or NULL */
  gboolean     relu;               /* fused ReLU on the output */
  int          threads;            /* engine threads for this layer (<= 1: the caller's only);
                                    * OpenBLAS itself runs single-threaded (ns_pass_new) */
  const struct _NsWinograd *winograd;   /* if set, a stride-1 3x3 runs as Winograd (ns-winograd.h) */
} NsConv;

/* Floats of scratch memory the conv needs for these shapes (0 if none). */
gsize ns_conv_workspace (const NsConv *conv, NsShape in, NsShape out);
void  ns_conv_forward   (const NsConv *conv, const float *in, NsShape in_shape,
                         float *out, NsShape out_shape, float *workspace);
/* dout must already be masked by the ReLU if conv->relu (see ns_relu_mask). */
void  ns_conv_backward  (const NsConv *conv, const float *dout, NsShape out_shape,
                         float *din, NsShape in_shape, float *workspace);

/* The same with an explicit im2col block of block_rows output rows (<= 0:
 * the default, which keeps a block near 2 MiB); the workspace must then
 * hold ns_conv_workspace_blocked() floats. Lets tests force several blocks. */
gsize ns_conv_workspace_blocked (const NsConv *conv, NsShape in, NsShape out, int block_rows);
void  ns_conv_forward_blocked   (const NsConv *conv, const float *in, NsShape in_shape,
                                 float *out, NsShape out_shape, float *workspace, int block_rows);
void  ns_conv_backward_blocked  (const NsConv *conv, const float *dout, NsShape out_shape,
                                 float *din, NsShape in_shape, float *workspace, int block_rows);

/* ReLU: out = max(in, 0). Backward masks in place: grad[i] = 0 where out[i] <= 0.
 * threads: as many as the engine uses (ns-parallel.h). */
void ns_relu_forward  (const float *in, float *out, gsize n, int threads);
void ns_relu_mask     (const float *out, float *grad, gsize n, int threads);

/* Zero padding: pads top/bottom/left/right. */
void ns_zeropad_forward  (const float *in, NsShape in_shape, float *out, NsShape out_shape,
                          int top, int left);
void ns_zeropad_backward (const float *dout, NsShape out_shape, float *din, NsShape in_shape,
                          int top, int left);

/* Max and average pooling over kh x kw windows; padded positions are ignored
 * (max) or not counted (average), as in TensorFlow. Max forward also
 * records in argmax the index into in of each output's first maximum in
 * window order (out_shape elements), its output rows split over threads;
 * max backward adds each output's gradient there. */
typedef struct
{
  int kh, kw, stride_h, stride_w, pad_top, pad_left;
} NsPool;

void ns_maxpool_forward  (const NsPool *pool, const float *in, NsShape in_shape,
                          float *out, NsShape out_shape, guint32 *argmax, int threads);
void ns_maxpool_backward (const guint32 *argmax, const float *dout, NsShape out_shape, float *din);
void ns_avgpool_forward  (const NsPool *pool, const float *in, NsShape in_shape,
                          float *out, NsShape out_shape);
void ns_avgpool_backward (const NsPool *pool, const float *dout, NsShape out_shape,
                          float *din, NsShape in_shape);

/* Element-wise sum of two tensors (out may be a: an in-place add); its
 * backward is adding dout to both. */
void ns_add_forward (const float *a, const float *b, float *out, gsize n, int threads);
/* out = max(a + b, 0): an add with its ReLU fused (one pass instead of two). */
void ns_add_relu_forward (const float *a, const float *b, float *out, gsize n, int threads);
/* Backward of out = a + b (relu: max(a + b, 0)) in one pass: the gradient,
 * dout masked where out <= 0 if relu, is added into da and db, or copied
 * there if they do not hold a gradient yet (da_live, db_live FALSE). da and
 * db must be distinct. */
void ns_add_backward (const float *out, gboolean relu, const float *dout, float *da, gboolean da_live,
                      float *db, gboolean db_live, gsize n, int threads);

/* Global average pooling (HWC -> C) and dense layer (in -> out, kernel [in][out]). */
void ns_global_avgpool_forward  (const float *in, NsShape in_shape, float *out);
void ns_global_avgpool_backward (const float *dout, float *din, NsShape in_shape);
void ns_dense_forward  (const float *in, int n_in, const float *kernel, const float *bias,
                        int n_out, float *out);
void ns_dense_backward (const float *dout, int n_out, const float *kernel, int n_in, float *din);
