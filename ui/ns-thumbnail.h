/* ns-thumbnail.h: small copies of GIMP drawables for the dialog, through
 * GIMP's own thumbnailer (fast for any size, type and precision). PDB calls:
 * main thread only. */
#pragma once

#include <libgimp/gimp.h>

#include "neural-style.h"

/* The drawable with long side long_side (aspect kept), RGB, converted as the
 * final run converts the layer (ns_image_from_pixels(): alpha ignored);
 * NULL if GIMP gives no thumbnail. */
NsImage   *ns_thumbnail_read (gint32 drawable_id, int long_side);

/* A size x size (at most) icon for menus, transparency shown as checks. */
GdkPixbuf *ns_thumbnail_icon (gint32 drawable_id, int size);
