/* ns-patch-match.h: for each patch of one picture, a patch of another that
 * looks like it, by PatchMatch (Barnes, Shechtman, Finkelstein, Goldman,
 * "PatchMatch: A Randomized Correspondence Algorithm for Structural Image
 * Editing", 2009): random matches, then rounds of propagation (a
 * neighbour's match, shifted by one, is tried) and random search around the
 * best match in shrinking windows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A plane of features: width x height positions of channels floats. */
typedef struct
{
  int          width, height, channels;
  const float *values;
} NsFeatureMap;

/* A position in the source picture. */
typedef struct
{
  gint32 x, y;
} NsMatch;

/* For every position of target (its patch of patch x patch positions
 * centred on it, reflected at target's edges), the centre of the source
 * patch with the least sum of squared feature differences that the search
 * found. Source patches lie wholly inside source; valid, if not NULL, says
 * (non-zero) which source centres may be used. The same inputs and seed
 * give the same field. Single-threaded: callers split a picture into tiles.
 * FALSE when the source has no usable centre or memory runs out. */
gboolean ns_patch_match (const NsFeatureMap *target, const NsFeatureMap *source, const guint8 *valid,
                         int patch, int iterations, guint32 seed, NsMatch *field);

G_END_DECLS
