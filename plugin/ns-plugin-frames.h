/* ns-plugin-frames.h: plug-in-neural-style-frames' job: every top-level
 * layer of an image as a frame of an animation (GIMP's: the bottom layer
 * first), styled as a sequence (ns_frames_next(): each frame steady against
 * the one before) into a new image with the same frame order, names (and
 * so their timing tags, "(100ms)") and offsets. The source image is only
 * read: a failure or a cancel leaves it as it was and deletes the new
 * image. */
#pragma once

#include "ns-values.h"

/* The new image's ID, or -1 with error set. Styles apply to whole frames
 * (their regions and areas are not used). */
gint32 ns_plugin_frames_run (gint32 image_id, const NsValues *values, const NsModel *model, GError **error);
