/* ns-masks.h: GIMP channels, layer masks and the selection as the engine's
 * NsMask, for the plug-in's run and the dialog's preview. Where a style goes
 * and which part of its image is used are NS_WHERE_* codes or item IDs
 * (ns-values.h). PDB calls: main thread only. */
#pragma once

#include <libgimp/gimp.h>

#include "neural-style.h"

/* Checks that mask_id is a channel (the selection included) or a layer mask
 * of image_id; what names it in the message (e.g. "the region of style 2"). */
gboolean ns_masks_check (gint32 mask_id, gint32 image_id, const char *what, GError **error);

/* The mask `where` (an ID, NS_WHERE_SELECTION or NS_WHERE_OUTSIDE_SELECTION
 * of drawable_id's image) over the rectangle x, y, width, height in
 * drawable_id's own coordinates: a channel covers its image, a layer mask its
 * layer, and what lies outside them is 0. NULL with an error if GIMP gives
 * no pixels or there is not enough memory. */
NsMask *ns_masks_read (gint32 where, gint32 drawable_id, gint x, gint y, gint width, gint height,
                       GError **error);
