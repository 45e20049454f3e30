/* ns-tiles.h: splitting a large image into tiles with halos (docs/tiling.md;
 * optimizer/ns-memory-plan.h decides when).
 *
 * The network sees the image on a canvas: the image extended by a margin
 * of pixels mirrored from its inside on every side (0: the image alone),
 * so that no layer sees its zero padding next to the image's pixels.
 * Each tile has a core (the pixels it is responsible for; the cores
 * partition the image) and a window (the core plus a halo of context,
 * clipped at the canvas border), which is what the network sees. Window
 * starts and interior core edges lie on multiples of NS_TILE_ALIGN, the
 * network's largest stride, from the canvas' corner, so that a tile's
 * feature grids line up with the whole canvas' and every feature position
 * of the image belongs to exactly one core. */
#pragma once

#include "ns-network.h"

G_BEGIN_DECLS

#define NS_TILE_ALIGN        32
#define NS_TILE_HALO         96       /* pixels; see docs/tiling.md for the measured error */
#define NS_TILE_MARGIN       16       /* pixels of mirrored border; see docs/tiling.md, "Margin" */

typedef struct
{
  int x0, y0, x1, y1;   /* half-open: [x0, x1) x [y0, y1) */
} NsRect;

typedef struct
{
  NsRect core, window;
} NsTile;

typedef struct
{
  int     width, height;
  int     margin;       /* window coordinates run from -margin to width + margin (height + margin) */
  int     n_tiles;
  NsTile *tiles;        /* ordered so that tiles with equal window sizes are adjacent */
} NsTilePlan;

/* Tiles of core size tile x tile (a multiple of NS_TILE_ALIGN) with halo
 * pixels of context on each side, on the image's canvas with this margin.
 * A canvas axis no longer than tile + 2 halo + NS_TILE_ALIGN - 1 is not
 * split; tile <= 0 gives one tile, the whole canvas. */
NsTilePlan *ns_tile_plan_new  (int width, int height, int tile, int halo, int margin);
/* The same over the image less inset pixels on every side: the cores
 * partition that inner part, the windows reach margin beyond it (the
 * image's own pixels, mirrored past its border). */
NsTilePlan *ns_tile_plan_new_inset (int width, int height, int tile, int halo, int inset, int margin);
/* The inset of an image whose Gram is taken over its inner part with this
 * margin of context: the margin, but at most an eighth of the image's
 * shorter side (a small image keeps most of itself, the rest of its
 * context mirrored). */
int         ns_tile_inset (int width, int height, int margin);
void        ns_tile_plan_free (NsTilePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsTilePlan, ns_tile_plan_free)

/* The tile's core in the feature grid of a layer of this stride whose output
 * on the tile's window has the given shape (coordinates within that grid):
 * the positions whose stride x stride block starts in the core. */
NsRect ns_tile_feature_core (const NsTilePlan *plan, const NsTile *tile, int stride, NsShape shape);

/* The image coordinate that canvas coordinate i (-margin <= i < length +
 * margin) reads: i itself inside the image, its mirror image about the
 * edge pixel outside (-1 reads 1, length reads length - 2). */
int    ns_tile_mirror (int i, int length);

/* window (the tile's window, RGB, row after row) = the image's pixels it
 * covers, read through ns_tile_mirror(). */
void   ns_tile_read_window (const NsTilePlan *plan, const NsTile *tile, const float *image, float *window);

/* The adjoint of ns_tile_read_window(): image += each window pixel added
 * onto the image pixel it was read from (a gradient with respect to the
 * window becomes one with respect to the image). */
void   ns_tile_add_window  (const NsTilePlan *plan, const NsTile *tile, const float *window, float *image);

/* Strides (input pixels per feature position) and channels of the given nodes. */
gboolean ns_tile_strides (const NsNetwork *net, const int *nodes, int n, int *strides, int *channels,
                          GError **error);

gsize  ns_rect_area (NsRect r);

G_END_DECLS
