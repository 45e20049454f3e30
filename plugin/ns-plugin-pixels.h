/* ns-plugin-pixels.h: moving pixels between GIMP drawables and the engine's
 * NsImage, through GEGL buffers so every precision (8/16/32-bit, linear or
 * gamma) and colour model (RGB, grey, indexed) is converted by babl. */
#pragma once

#include <libgimp/gimp.h>

#include "neural-style.h"

/* A rectangle in a drawable's own coordinates. */
typedef struct
{
  gint x, y, width, height;
} NsRegion;

/* The whole drawable flattened to RGB (alpha dropped); NULL with an error if
 * the drawable is too large to hold. */
NsImage *ns_pixels_read_rgb (gint32 drawable_id, GError **error);

/* The region of the drawable as RGB (alpha dropped). */
NsImage *ns_pixels_read_region_rgb (gint32          drawable_id,
                                    const NsRegion *region,
                                    GError        **error);

/* Creates a layer of the drawable's type, size and offsets holding a copy of
 * the drawable, with the region replaced by
 *   sel * styled + (1 - sel) * original        (per pixel, colour only)
 * where sel is the image's selection (1 everywhere when nothing is
 * selected). styled must have the region's size. The alpha channel is the
 * drawable's. The layer is not yet inserted into the image. */
gint32 ns_pixels_new_styled_layer (gint32          image_id,
                                   gint32          drawable_id,
                                   const NsRegion *region,
                                   const NsImage  *styled,
                                   const gchar    *name);
