/* ns-flow.h: motion between two frames (dense optical flow), carrying a
 * picture along it, and where that can be trusted.
 *
 * The flow is estimated by Horn and Schunck's method ("Determining optical
 * flow", 1981) coarse to fine, the second frame warped towards the first
 * at each level and the equation linearised again there (Brox et al.,
 * 2004, without their robust penalties): on a pan, a zoom or a slowly
 * moving object it is accurate to a fraction of a pixel where the frames
 * have texture; at an object's outline it is smoothed across, which the
 * consistency mask (ns_flow_consistency) marks as not to be trusted, as it
 * marks what one frame shows and the other does not. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

/* A displacement per pixel: the content at (x, y) of one frame is at
 * (x + u, y + v) in the other. */
typedef struct
{
  int    width, height;
  float *u, *v;   /* width * height each */
} NsFlow;

NsFlow *ns_flow_new  (int width, int height);   /* zero motion; NULL if memory ran out */
void    ns_flow_free (NsFlow *flow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsFlow, ns_flow_free)

/* The flow from frame `from` to frame `to` (the same size): for each pixel
 * of from, where its content is in to. NULL if memory ran out. */
NsFlow  *ns_flow_estimate    (const NsImage *from, const NsImage *to);
/* The flow at another size, its vectors scaled with it. */
NsFlow  *ns_flow_resize      (const NsFlow *flow, int width, int height);
/* source carried along flow (flow's size, source at any size: its
 * vectors are scaled to it): out(p) = source(p + flow(p)), bicubic
 * (Catmull-Rom), clamped at the edges. */
NsImage *ns_flow_warp        (const NsImage *source, const NsFlow *flow);
/* 1 where the motion from -> to (forward) can be trusted, 0 where not
 * (Ruder et al., "Artistic style transfer for videos", 2016): where it
 * leaves the frame, where the way back (backward, to -> from) does not
 * return to the pixel (what to covers or uncovers), and at motion
 * boundaries. */
NsMask  *ns_flow_consistency (const NsFlow *forward, const NsFlow *backward);

G_END_DECLS
