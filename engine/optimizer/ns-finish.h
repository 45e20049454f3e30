/* ns-finish.h: from the optimised pixels to the picture the user sees, at
 * one working size: the content's colours back (luminance mode, ns-colors.h)
 * and, with regions, the content kept where no region covers it (soft
 * regions blend). Applied to every progress frame and to the result, so
 * the preview shows what the run delivers. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

typedef struct _NsFinish NsFinish;

/* content: the ORIGINAL content (any size); NULL with NS_ERROR_MEMORY. */
NsFinish *ns_finish_new   (NsPreserveColors mode, const NsImage *content, const NsStyle *styles, int n_styles,
                           int width, int height, GError **error);
void      ns_finish_free  (NsFinish *finish);
/* In place; image has the finish's size. */
void      ns_finish_apply (const NsFinish *finish, NsImage *image);
/* In place on a part of the picture: image holds its pixels from (x, y) on. */
void      ns_finish_apply_window (const NsFinish *finish, NsImage *image, int x, int y);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsFinish, ns_finish_free)

/* Floats per pixel a finish holds at most (the memory model counts them). */
#define NS_FINISH_FLOATS_PER_PIXEL 6

G_END_DECLS
