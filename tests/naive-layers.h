/* naive-layers.h: straightforward float64 reference loops for the layer
 * kernels, written from the definitions and independently of the fast code
 * (no im2col, no BLAS). Weights stay float32 as in the model. */
#pragma once

#include "ns-layers.h"

void naive_conv           (const NsConv *conv, const double *in, NsShape in_shape,
                           double *out, NsShape out_shape);
void naive_relu           (const double *in, double *out, gsize n);
void naive_zeropad        (const double *in, NsShape in_shape, double *out, NsShape out_shape,
                           int top, int left);
void naive_maxpool        (const NsPool *pool, const double *in, NsShape in_shape,
                           double *out, NsShape out_shape);
void naive_avgpool        (const NsPool *pool, const double *in, NsShape in_shape,
                           double *out, NsShape out_shape);
void naive_global_avgpool (const double *in, NsShape in_shape, double *out);
void naive_dense          (const double *in, int n_in, const float *kernel, const float *bias,
                           int n_out, double *out);

/* Central-difference gradient of L = sum (r * f(x)) with respect to x. */
typedef void (*NaiveForward) (gconstpointer ctx, const double *x, double *y);
void naive_input_gradient (NaiveForward f, gconstpointer ctx, const double *x, gsize nx,
                           const double *r, gsize ny, double eps, double *grad);
