/* ns-frames.h: what a sequence of frames (ns-frames.c) lets a benchmark
 * change beyond the public API. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

/* A later frame's iterations: this share (0 to 1] of those the first
 * frame's last optimised stage had (default NS_FRAMES_FOLLOW_SHARE). */
#define NS_FRAMES_FOLLOW_SHARE 0.5
void ns_frames_set_follow_share (NsFrames *frames, double share);

G_END_DECLS
