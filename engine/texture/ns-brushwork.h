/* ns-brushwork.h: the full-size stage of a photo: the optimised picture
 * brought up to the photo's size, and the painting's own brushwork laid on
 * it.
 *
 * The stages of a 512-724 px run set the composition and the large strokes
 * (ns-schedule.h); enlarged 3-12 times they are soft. Up close a painting
 * is its brushwork: bristle marks, broken colour, the edges of strokes, at
 * the painting's own scale. This stage takes that texture from the style
 * image itself (Hertzmann et al., "Image Analogies", 2001, texture transfer):
 *
 *   base    B = the optimised picture enlarged to the final size, blurred
 *           (sigma = 0.7 times the enlargement, 1 to 5 final pixels): its
 *           colours and shapes without the magnified pixel grain;
 *   style   S at its own resolution times style_scale, split into its
 *           low band S_low = blur(S, sigma) and its brushwork S_high = S -
 *           S_low;
 *   match   for every patch of B (at half resolution: both are smooth
 *           there), a patch of S_low that looks like it (colour and shape;
 *           ns-patch-match.h, which prefers whole runs of neighbouring
 *           patches, so that whole strokes come across), so that the
 *           strokes laid on a sky come from a sky-like part of the
 *           painting, and follow its edges;
 *   result  B + 1.3 times the S_high of the matched patches, each pixel the
 *           Gaussian-weighted vote of the patches centred near it.
 *
 * Nothing of the photo's own fine detail is added: at 100% the picture
 * shows the painting's texture, not the photo's grain. Styles with regions
 * lay their brushwork where their region is, blended by weight.
 *
 * The picture is made in fixed tiles of the final size (a grid from the top
 * left), each from its own window of the enlarged picture with its own
 * seed, so any part of it can be made alone and comes out the same: the
 * dialog's 100% preview paints the tiles it shows. */
#pragma once

#include "neural-style.h"
#include "ns-filter.h"

G_BEGIN_DECLS

#define NS_BRUSHWORK_TILE 512   /* core side of a tile, final pixels */

typedef struct _NsBrushwork NsBrushwork;

/* sketch: the last optimised stage's picture (before the colour finish);
 * width x height: the final size (at least the sketch's). styles as given
 * to the stages (prepared for the colour mode), style_scale as in
 * NsParams. NULL with NS_ERROR_MEMORY or NS_ERROR_PARAMS (an empty style
 * area) set. */
NsBrushwork *ns_brushwork_new  (const NsImage *sketch, int width, int height, const NsStyle *styles,
                                int n_styles, double style_scale, guint32 seed, int threads, GError **error);
void         ns_brushwork_free (NsBrushwork *brushwork);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsBrushwork, ns_brushwork_free)

/* Called after each batch of tiles; FALSE cancels. */
typedef gboolean (*NsBrushworkProgress) (int tiles_done, int tiles, gpointer data);

/* Paints the part window of the final picture (inside it) into out
 * (window-sized), tile by tile, threads tiles at once. FALSE with error
 * set (NS_ERROR_MEMORY, NS_ERROR_CANCELLED). */
gboolean ns_brushwork_paint (NsBrushwork *brushwork, NsWindow window, NsImage *out,
                             NsBrushworkProgress progress, gpointer data, GError **error);

/* Bytes a brushwork of this final size holds besides its result: the
 * styles' bands and the tiles' scratch for the threads. */
gsize ns_brushwork_bytes (int style_width, int style_height, int n_styles, double style_scale, int threads);

G_END_DECLS
