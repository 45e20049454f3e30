/* ns-carry.h: an animation frame's fine texture carried from the frame
 * before. A photo's frames get their brushwork at the final size from the
 * style image's own texture (engine/texture/ns-brushwork.h), tile by tile:
 * on a moving picture that texture would be matched anew in every frame and
 * boil. So the frame's fine band (the picture less its blur) is replaced,
 * where the motion can be trusted, by the previous frame's band carried
 * along it; what the frame newly shows keeps its own. */
#pragma once

#include "ns-flow.h"

G_BEGIN_DECLS

/* picture, in place: its blur by sigma plus, where mask (any size) says,
 * prev_band carried along flow (from picture's frame to the one before; any
 * size, its vectors scaled), elsewhere its own band. *band: the band it
 * now has (for the next frame). prev_band NULL: the picture as it is, and
 * its band. FALSE if memory ran out (picture unchanged). */
gboolean ns_carry_texture (NsImage *picture, const NsImage *prev_band, const NsFlow *flow, const NsMask *mask,
                           double sigma, NsImage **band);

G_END_DECLS
