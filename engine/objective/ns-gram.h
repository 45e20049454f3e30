/* ns-gram.h: Gram matrices of a layer's features and their gradient.
 *
 * Features are a layer's output in HWC layout, seen as an n x c matrix F
 * (n positions, c channels). The functions ADD scale * F^T F into gram and
 * the gradient into grad; ns-objective.c sets the scale (docs/losses.md). */
#pragma once

#include "ns-tiles.h"

G_BEGIN_DECLS

/* gram += scale * F^T F  (c x c, full symmetric matrix written). threads:
 * as many as the engine uses (ns-parallel.h). */
void ns_gram_accumulate (const float *features, int n, int c, float scale, float *gram, int threads);

/* grad += scale * F (dgram + dgram^T) = 2 scale F dgram for a symmetric
 * dgram (the style loss' is: G and its target are): the gradient through
 * G = scale * F^T F. */
void ns_gram_backward   (const float *features, int n, int c, const float *dgram, float scale, float *grad,
                         int threads);

/* ---- over a tile's core ----------------------------------------------------------
 * features is a layer's output on a tile's window (shape s, HWC); r is the
 * tile's core in that grid (ns_tile_feature_core()). */

#define NS_TILE_SCRATCH_FLOATS (2u << 20)   /* rows of a core gathered at a time */

typedef struct
{
  float *data;          /* grown on demand; g_free() it */
  gsize  size;          /* floats */
} NsTileScratch;

/* A guidance mask over a core's positions: values[y * stride + x] weighs
 * position (r.x0 + x, r.y0 + y). */
typedef struct
{
  const float *values;
  gsize        stride;
} NsCoreMask;

/* gram += scale (m F)^T (m F) over the core positions (mask NULL: m = 1).
 * FALSE, and nothing added, if the scratch cannot grow. */
gboolean ns_core_gram          (NsTileScratch *scratch, const float *features, NsShape s, NsRect r,
                                const NsCoreMask *mask, float scale, float *gram, int threads);
/* grad += the gradient of that Gram (ns_gram_backward()) at the core positions
 * only; FALSE, and nothing added, if the scratch cannot grow. */
gboolean ns_core_gram_backward (NsTileScratch *scratch, const float *features, NsShape s, NsRect r,
                                const NsCoreMask *mask, const float *dgram, float scale, float *grad,
                                int threads);

G_END_DECLS
