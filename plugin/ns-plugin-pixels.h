/* ns-plugin-pixels.h: moving pixels between GIMP drawables and the engine's
 * NsImage and NsMask: layers, channels, layer masks and the selection.
 * GEGL and babl bring every precision (8/16/32-bit, linear or gamma) and
 * colour model (RGB, grey, indexed) to gamma-encoded float; the engine's
 * one pixel path (ns_image_from_pixels(), ns_image_to_pixels(),
 * ns_mask_from_pixels()) does the rest, as it does for the dialog's
 * preview and the command line. PDB calls: main thread only. */
#pragma once

#include <libgimp/gimp.h>

#include "neural-style.h"

/* A rectangle in a drawable's own coordinates. */
typedef struct
{
  gint x, y, width, height;
} NsRegion;

/* The region of the drawable (NULL: all of it) as an NsImage: grey copied
 * to R, G and B, alpha ignored. NULL with an error if it does not fit in
 * memory or GIMP gives no pixels. */
NsImage *ns_pixels_read (gint32 drawable_id, const NsRegion *region, GError **error);

/* Checks that mask_id is a channel (the selection included) or a layer mask
 * of image_id; what names it in the message (e.g. "the region of style 2"). */
gboolean ns_pixels_check_mask (gint32 mask_id, gint32 image_id, const char *what, GError **error);

/* The mask `where` (an ID, or NS_WHERE_SELECTION or
 * NS_WHERE_OUTSIDE_SELECTION of drawable_id's image: ns-dialog.h) over the
 * region of drawable_id (NULL: all of it): a channel covers its image, a
 * layer mask its layer, and what lies outside them is 0. NULL with an
 * error if GIMP gives no pixels or there is not enough memory. */
NsMask *ns_pixels_read_mask (gint32 where, gint32 drawable_id, const NsRegion *region, GError **error);

/* Creates a layer of the drawable's type, size and offsets holding a copy of
 * the drawable, with the region replaced by
 *   m * styled + (1 - m) * original        (per pixel, colour only)
 * where m is the image's selection (if by_selection; 1 everywhere when
 * nothing is selected) times coverage (the region's size; NULL = 1: how
 * much the styles' regions cover each pixel). styled must have the region's
 * size. The alpha channel is the
 * drawable's; grey drawables get the styled picture's luma. The layer is not
 * inserted into the image; returns its ID, or -1 with an error and nothing
 * left behind. */
gint32 ns_pixels_new_styled_layer (gint32          image_id,
                                   gint32          drawable_id,
                                   const NsRegion *region,
                                   const NsImage  *styled,
                                   const NsMask   *coverage,
                                   gboolean        by_selection,
                                   const gchar    *name,
                                   GError        **error);
