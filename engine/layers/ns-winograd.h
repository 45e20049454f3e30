/* ns-winograd.h: Winograd F(m x m, 3 x 3) convolution for the stride-1 3x3
 * convs with pad 1 (Keras "same"), forward and input gradient.
 *
 * A tile of m x m outputs is computed from a (m+2) x (m+2) input patch as
 * Y = A^T [(G g G^T) .* (B^T d B)] A; summed over input channels the
 * element-wise product becomes, per transform point xi, one GEMM
 * M[xi] (tiles x cout) = V[xi] (tiles x cin) * U[xi] (cin x cout): (m+2)^2
 * multiplications per tile instead of 9 m^2 (F(4x4): 2.25 per output
 * instead of 9). The input gradient is the exact adjoint of the same map,
 * with the same U. Tensors are HWC, as in ns-layers.h. */
#pragma once

#include "ns-layers.h"

typedef struct _NsWinograd NsWinograd;        /* a conv's kernel in the Winograd domain */

/* The default output tile (4: F(4x4, 3x3); 2: F(2x2, 3x3), more accurate). */
#define NS_WINOGRAD_DEFAULT_TILE 4

gboolean    ns_winograd_supports  (const NsConv *conv);   /* kh=kw=3, strides 1, pad_top=pad_left=1 */
NsWinograd *ns_winograd_new       (const NsConv *conv);   /* transforms conv->kernel (HWIO) once;
                                                         * NULL if it does not fit in memory */
/* The same with an explicit output tile m (2 or 4) and work block (floats of
 * workspace per block of tile rows; 0: the default). Small blocks let tests
 * exercise several blocks. */
NsWinograd *ns_winograd_new_full  (const NsConv *conv, int m, gsize block_floats);
void        ns_winograd_free      (NsWinograd *w);
int         ns_winograd_tile      (const NsWinograd *w);
gsize       ns_winograd_bytes     (const NsWinograd *w);  /* memory it holds */
/* Floats of scratch the calls below need for these shapes and thread count. */
gsize       ns_winograd_workspace (const NsWinograd *w, NsShape in, NsShape out, int threads);
/* out = conv(in) + bias, then ReLU if conv->relu (same contract as ns_conv_forward). */
void ns_winograd_forward  (const NsWinograd *w, const NsConv *conv, const float *in, NsShape in_shape,
                           float *out, NsShape out_shape, float *workspace);
/* din += conv^T(dout) (dout already ReLU-masked; same contract as ns_conv_backward). */
void ns_winograd_backward (const NsWinograd *w, const NsConv *conv, const float *dout, NsShape out_shape,
                           float *din, NsShape in_shape, float *workspace);
