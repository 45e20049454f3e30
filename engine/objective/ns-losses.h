/* ns-losses.h: the Gatys losses and their gradients.
 *
 * Features are a layer's output in HWC layout, seen as an n x c matrix F
 * (n = h*w positions, c channels). Loss values are returned as doubles;
 * gradients are ADDED into float buffers.
 *
 * Normalisation (documented in docs/losses.md):
 *   Gram       G = F^T F / (n c)             (summable over tiles of positions)
 *   style      L = mean over c x c of (G - S)^2
 *   content    L = mean over n c of (F - P)^2
 *   TV         L = mean over pixels of sqrt(dx^2 + dy^2 + eps)
 */
#pragma once

#include <glib.h>

/* gram += scale * F^T F  (c x c, full symmetric matrix written). threads:
 * as many as the engine uses (ns-parallel.h). */
void   ns_gram_accumulate (const float *features, int n, int c, float scale, float *gram, int threads);

/* Style loss between Gram matrices g and target s (c x c, both symmetric):
 * returns weight * mean((g - s)^2) and writes dgram = dL/dg (symmetric). */
double ns_style_loss      (const float *gram, const float *target, int c, double weight,
                           float *dgram);

/* grad += scale * F (dgram + dgram^T) = 2 scale F dgram for a symmetric
 * dgram (the style loss' is: G and its target are); with scale =
 * 1/(n_total c) this is the gradient of the style loss through
 * G = F^T F / (n_total c). */
void   ns_gram_backward   (const float *features, int n, int c, const float *dgram,
                           float scale, float *grad, int threads);

/* weight * mean((f - target)^2) over count values; grad += its gradient. */
double ns_content_loss    (const float *features, const float *target, gsize count,
                           double weight, float *grad);

/* Total variation of an RGB image (HWC, c channels), with forward differences
 * and zero difference past the last row/column:
 * weight * mean over pixels of sqrt(sum_c (dx^2 + dy^2) + eps); grad += its gradient. */
double ns_tv_loss         (const float *image, int width, int height, int c, double eps,
                           double weight, float *grad);
