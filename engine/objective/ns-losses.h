/* ns-losses.h: the Gatys losses and their gradients.
 *
 * Features are a layer's output in HWC layout. Loss values are returned as
 * doubles; gradients are ADDED into float buffers.
 *
 * Normalisation (derived in docs/losses.md):
 *   style      L = mean over c x c of (G - S)^2,  G = F^T F / (n c) (ns-gram.h)
 *   content    L = mean over n c of (F - P)^2
 *   TV         L = mean over pixels of sqrt(dx^2 + dy^2 + eps)
 *   pixel      L = mean over pixels of m_p sum_c (x - t)^2   (a target picture, e.g. the
 *                  previous frame's result carried along the motion; Ruder et al. 2016)
 */
#pragma once

#include "ns-tiles.h"

G_BEGIN_DECLS

/* Style loss between Gram matrices g and target s (c x c, both symmetric):
 * returns weight * mean((g - s)^2) and writes dgram = dL/dg (symmetric;
 * dgram may be gram itself). */
double ns_style_loss        (const float *gram, const float *target, int c, double weight, float *dgram);

/* weight * mean((f - target)^2) over count values; grad += its gradient. */
double ns_content_loss      (const float *features, const float *target, gsize count, double weight,
                             float *grad);

/* The content loss over a tile's core positions r of features (shape s),
 * whose targets are stored row after row; total is the number of values of
 * the whole image, so that the cores' losses add up to the whole image's. */
double ns_core_content_loss (const float *features, NsShape s, NsRect r, const float *target, gsize total,
                             double weight, float *grad);

/* Total variation of an RGB image (HWC, c channels), with forward differences
 * and zero difference past the last row/column:
 * weight * mean over pixels of sqrt(sum_c (dx^2 + dy^2) + eps); grad += its gradient. */
double ns_tv_loss           (const float *image, int width, int height, int c, double eps, double weight,
                             float *grad);

/* A per-pixel weighted pull towards a target picture (HWC, c channels):
 * weight * mean over pixels of weights[p] * sum_c (image - target)^2
 * (weights NULL: all 1); grad += its gradient. */
double ns_pixel_target_loss (const float *image, const float *target, const float *weights, gsize pixels, int c,
                             double weight, float *grad);

G_END_DECLS
