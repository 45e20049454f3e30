/* ns-tiles.h: splitting a large image into tiles with halos (docs/tiling.md;
 * optimizer/ns-memory-plan.h decides when).
 *
 * Each tile has a core (the pixels it is responsible for; the cores
 * partition the image) and a window (the core plus a halo of context,
 * clipped at the image border), which is what the network sees. Window and
 * interior core edges lie on multiples of NS_TILE_ALIGN, the network's
 * largest stride, so that a tile's feature grids line up with the whole
 * image's and every feature position belongs to exactly one core. */
#pragma once

#include "ns-network.h"

G_BEGIN_DECLS

#define NS_TILE_ALIGN        32
#define NS_TILE_HALO         96       /* pixels; see docs/tiling.md for the measured error */

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
  int     n_tiles;
  NsTile *tiles;        /* ordered so that tiles with equal window sizes are adjacent */
} NsTilePlan;

/* Tiles of core size tile x tile (a multiple of NS_TILE_ALIGN) with halo
 * pixels of context on each side. An axis no longer than tile + 2 halo +
 * NS_TILE_ALIGN - 1 is not split; tile <= 0 gives one tile, the whole image. */
NsTilePlan *ns_tile_plan_new  (int width, int height, int tile, int halo);
void        ns_tile_plan_free (NsTilePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsTilePlan, ns_tile_plan_free)

/* The tile's core in the feature grid of a layer of this stride whose output
 * on the tile's window has the given shape (coordinates within that grid). */
NsRect ns_tile_feature_core (const NsTilePlan *plan, const NsTile *tile, int stride, NsShape shape);

/* Strides (input pixels per feature position) and channels of the given nodes. */
gboolean ns_tile_strides (const NsNetwork *net, const int *nodes, int n, int *strides, int *channels,
                          GError **error);

gsize  ns_rect_area (NsRect r);

G_END_DECLS
