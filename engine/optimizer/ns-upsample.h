/* ns-upsample.h: a coarse stage's result brought up to a finer size. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

/* The content at width x height plus the change that coarse (RGB doubles,
 * cw x ch, 0..1) made to the content at its own size, upsampled: the
 * strokes and colours of the coarse result at the scale it set them, the
 * content's detail at full resolution. NULL if out of memory. Holds one
 * image of the result's size besides the result when content is not
 * already of that size. */
NsImage *ns_upsample_change (const NsImage *content, const double *coarse, int cw, int ch, int width,
                             int height);

/* Floats per pixel of the result's size that ns_upsample_change() holds at
 * most, the result included (the memory model counts them): 3 fewer when
 * the content has the result's size. */
#define NS_UPSAMPLE_FLOATS_PER_PIXEL 6

G_END_DECLS
