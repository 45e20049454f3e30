/* ns-objective.h: the Gatys objective at one working size, evaluated in one
 * network pass or, for large sizes, tile by tile (docs/tiling.md). */
#pragma once

#include "ns-model.h"
#include "ns-tiles.h"
#include "ns-gram.h"

G_BEGIN_DECLS

/* What the objective compares an image with, and how. */
typedef struct
{
  const NsImage *content;        /* resized to the working size */
  const NsStyle *styles;         /* 1 .. NS_MAX_STYLES; blends are normalised here */
  int            n_styles;
  double         style_scale;    /* each style's long side = this x the working long side */
  double         content_weight, style_weight, tv_weight;   /* absolute (the recipe's times the user's) */
  int            tile, halo;     /* multiples of NS_TILE_ALIGN; tile 0 = untiled */
  int            threads;        /* as NsParams.threads (0: one per processor) */
  int            margin;         /* pixels: x and the content seen on a mirrored canvas, each
                                  * style image's Gram over its inner part (ns-objective.c);
                                  * 0: none, the network's zero padding at every edge */
  /* A picture x is pulled towards, pixel by pixel (ns_pixel_target_loss;
   * a frame's previous result carried along the motion): NULL or weight 0
   * leaves the objective as it is. Both resized to the working size. */
  const NsImage *pixel_target;
  const NsMask  *pixel_mask;     /* each pixel's share of the pull (NULL: all 1) */
  double         pixel_weight;   /* absolute */
} NsObjectiveSetup;

/* Styles that share a region (or none) share one Gram per layer. */
typedef struct
{
  double  weight;           /* its share of the style loss */
  float **targets;          /* per style layer: its styles' Gram targets, blended */
  float **grams;            /* per style layer: the image's Gram, then d loss / d Gram */
  double *mass;             /* per style layer: sum of the mask over the feature positions (their count unmasked) */
  float **masks;            /* per style layer: the region on the layer's grid over the whole image; NULL: none */
  int    *mask_widths;      /* per style layer: that grid's width */
  const NsMask *region;     /* the styles' region (NULL: everywhere) */
} NsStyleGroup;

typedef struct
{
  const NsModel *model;
  int            width, height;
  double         content_weight, style_weight, tv_weight;
  int            threads;           /* resolved (ns-parallel.h) */
  NsTilePlan    *plan;              /* one tile when untiled */
  NsPass        *pass;              /* for the window size of the tile last run */
  int            last_tile;         /* whose activations pass holds, or -1 */
  int           *strides;           /* per style layer, then per content layer */
  /* targets */
  NsStyleGroup  *groups;            /* the styles without a region first */
  int            n_groups;
  float        **content_targets;   /* per content layer: features of the tile cores, one after another */
  gsize         *content_offsets;   /* [tile * n_content + i]: start of the tile's core in content_targets[i] */
  gsize         *content_counts;    /* values per content layer (whole image) */
  gsize         *style_positions;   /* feature positions per style layer (whole image) */
  /* per evaluation */
  float         *rgb, *grad_rgb;    /* whole image */
  float         *input, *dinput;    /* one window, network layout */
  gsize          window_pixels;     /* what input and dinput hold */
  NsTileScratch  scratch;
  float         *pixel_target, *pixel_mask;   /* at the working size; NULL: no pixel term */
  double         pixel_weight;
  GError        *error;             /* set when an evaluation failed (it then returns NaN) */
  double         content_loss, style_loss, tv_loss, pixel_loss;   /* the terms of the last evaluation (weighted) */
} NsObjective;

NsObjective *ns_objective_create   (const NsModel *model, const NsObjectiveSetup *setup, int width, int height,
                                    GError **error);
/* One style, untiled or tiled, no margin: shorthands of ns_objective_create(). */
NsObjective *ns_objective_new       (const NsModel *model, const NsImage *content, const NsImage *style,
                                     int width, int height, double content_weight, double style_weight,
                                     double tv_weight, int threads, GError **error);
NsObjective *ns_objective_new_tiled (const NsModel *model, const NsImage *content, const NsImage *style,
                                     int width, int height, double content_weight, double style_weight,
                                     double tv_weight, int tile, int halo, int threads, GError **error);
void         ns_objective_free      (NsObjective *objective);
/* Loss and gradient at x (RGB 0..1, HWC, width*height*3 values). On failure
 * (no memory for a tile's pass) returns NaN and sets objective->error. */
double       ns_objective_evaluate  (NsObjective *objective, const double *x, double *grad);

G_END_DECLS
