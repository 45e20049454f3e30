/* ns-tiles.h: splitting a large image into tiles with halos, and the memory
 * plan that decides when to (docs/tiling.md).
 *
 * Each tile has a core (the pixels it is responsible for; the cores
 * partition the image) and a window (the core plus a halo of context,
 * clipped at the image border), which is what the network sees. Window and
 * interior core edges lie on multiples of NS_TILE_ALIGN, the network's
 * largest stride, so that a tile's feature grids line up with the whole
 * image's and every feature position belongs to exactly one core. */
#pragma once

#include "ns-model.h"

G_BEGIN_DECLS

#define NS_TILE_ALIGN        32
#define NS_TILE_HALO         96       /* pixels; see docs/tiling.md for the measured error */
#define NS_DEFAULT_MEMORY_MB 4096.0   /* budget when the caller sets no limit */

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

/* ---- loss terms over a tile's core ----------------------------------------------
 * features is a layer's output on a tile's window (shape s, HWC); r is the
 * tile's core in that grid (ns_tile_feature_core()). */

#define NS_TILE_SCRATCH_FLOATS (2u << 20)   /* rows of a core gathered at a time */

typedef struct
{
  float *data;          /* grown on demand; g_free() it */
  gsize  size;          /* floats */
} NsTileScratch;

gsize  ns_rect_area          (NsRect r);
/* gram += scale F^T F over the core positions (threads: ns-parallel.h). */
void   ns_core_gram          (NsTileScratch *scratch, const float *features, NsShape s, NsRect r, float scale,
                              float *gram, int threads);
/* grad += the Gram's gradient (ns_gram_backward()) at the core positions only. */
void   ns_core_gram_backward (NsTileScratch *scratch, const float *features, NsShape s, NsRect r,
                              const float *dgram, float scale, float *grad, int threads);
/* The content loss over the core positions, whose targets are stored row
 * after row; total is the number of values of the whole image, so that the
 * cores' losses add up to the whole image's. grad += its gradient. */
double ns_core_content_loss  (const float *features, NsShape s, NsRect r, const float *target, gsize total,
                              double weight, float *grad);

/* ---- memory plan ------------------------------------------------------------------ */

typedef struct
{
  int    tile, halo;      /* tile 0: one untiled pass */
  int    history;         /* L-BFGS pairs to keep */
  double peak_mb;         /* predicted peak of the stage (pass, buffers, optimiser) */
} NsMemoryPlan;

/* How a stage of this size fits memory_mb (0 = NS_DEFAULT_MEMORY_MB): untiled
 * with a full history if it fits, else tiles as large as the budget leaves
 * room for after a history of at least 2 pairs. */
void ns_memory_plan (const NsModel *model, int width, int height, double memory_mb, int threads,
                     NsMemoryPlan *plan);

G_END_DECLS
