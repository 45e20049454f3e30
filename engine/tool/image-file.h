/* image-file.h: reading and writing image files for the command-line tool.
 *
 * Loading goes through gdk-pixbuf, so any format it has a loader for works,
 * and through ns_image_from_pixels(), so the tool sees a file as the plug-in
 * sees a layer (alpha ignored). */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

/* Errors are NS_ERROR_IMAGE and name the file (missing, empty, not a regular
 * file, not an image, truncated or otherwise incomplete). */
NsImage *image_file_load       (const char *path, GError **error);
/* The same with a file allowed to declare max_side x max_side pixels at
 * most instead of NS_MAX_SIZE squared (the fuzz target's bound, which keeps
 * it fast: what a file declares beyond it is refused before any decoding). */
NsImage *image_file_load_bounded (const char *path, int max_side, GError **error);
/* A greyscale mask (white = 1), read as image_file_load() reads an image:
 * grey as it is, the luma of colour (ns_mask_from_pixels). */
NsMask  *image_file_load_mask  (const char *path, GError **error);

/* The image as an 8-bit RGB PNG in memory (ns_image_to_pixels rounding). */
gboolean image_file_encode_png (const NsImage *image, char **png, gsize *png_size, GError **error);

G_END_DECLS
