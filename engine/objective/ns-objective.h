/* ns-objective.h: the style transfer loss at one working size, evaluated in
 * one network pass or, for large sizes, tile by tile (docs/tiling.md). */
#pragma once

#include "ns-model.h"
#include "ns-tiles.h"

typedef struct
{
  const NsModel *model;
  int            width, height;
  NsTilePlan    *plan;              /* one tile when untiled */
  NsPass        *pass;              /* for the window size of the tile last run */
  int           *strides;           /* per style layer, then per content layer */
  float        **style_grams;       /* target Gram matrix per style layer */
  gsize         *style_positions;   /* feature positions per style layer (whole image) */
  float        **content_features;  /* target features per content layer, tile cores one after another */
  gsize         *content_offsets;   /* [tile * n_content + i]: start of the tile's core in content_features[i] */
  gsize         *content_counts;    /* values per content layer (whole image) */
  double         content_weight, style_weight, tv_weight;   /* absolute */
  float         *rgb, *grad_rgb;    /* whole image */
  float         *input, *dinput;    /* one window */
  float        **dgrams;            /* per style layer: the Gram, then d loss / d Gram */
  NsTileScratch  scratch;           /* core features gathered from non-contiguous rows */
  int            threads;           /* the engine's threads (ns-parallel.h) */
  int            last_tile;         /* whose activations pass holds, or -1 */
  /* the terms of the last evaluation (weighted) */
  double         content_loss, style_loss, tv_loss;
} NsObjective;

/* Prepares the loss for content at this size (content is resized to it) and
 * style (resized so its long side matches). Weights are absolute. Untiled.
 * threads: as NsParams.threads (0: one per processor). */
NsObjective *ns_objective_new       (const NsModel *model, const NsImage *content, const NsImage *style,
                                     int width, int height, double content_weight, double style_weight,
                                     double tv_weight, int threads, GError **error);
/* The same in tiles of tile x tile pixels with halo pixels of context
 * (multiples of NS_TILE_ALIGN; tile 0 = untiled), as ns_memory_plan() chooses.
 * The style targets are computed in tiles of the same size. */
NsObjective *ns_objective_new_tiled (const NsModel *model, const NsImage *content, const NsImage *style,
                                     int width, int height, double content_weight, double style_weight,
                                     double tv_weight, int tile, int halo, int threads, GError **error);
void         ns_objective_free      (NsObjective *objective);
/* Loss and gradient at x (RGB 0..1, HWC, width*height*3 values). */
double       ns_objective_evaluate  (NsObjective *objective, const double *x, double *grad);
/* Bytes an objective of this size holds besides the pass and the optimiser. */
gsize        ns_objective_bytes     (const NsModel *model, int width, int height);
