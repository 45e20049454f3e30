/* image-file.h: reading and writing image files for the command-line tool.
 *
 * Loading goes through gdk-pixbuf, so any format it has a loader for works;
 * the result is RGB 0..1 with any alpha channel dropped. Saving always writes
 * PNG and is atomic: either the whole new file appears under the name or
 * nothing changes. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

/* Errors are NS_ERROR_IMAGE and name the file (missing, empty, not an image). */
NsImage *image_file_load     (const char *path, GError **error);

/* Clamps to 0..1 and rounds to 8 bits. On error nothing is left behind and an
 * existing file of that name is untouched. */
gboolean image_file_save_png (const NsImage *image, const char *path, GError **error);

G_END_DECLS
