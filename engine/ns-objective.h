/* ns-objective.h: the style transfer loss at one working size. */
#pragma once

#include "ns-internal.h"

typedef struct
{
  const NsModel *model;
  int            width, height;
  NsPass        *pass;
  float        **style_grams;       /* target Gram matrix per style layer */
  float        **content_features;  /* target features per content layer */
  double         content_weight, style_weight, tv_weight;   /* absolute */
  float         *rgb, *input, *dinput, *grad_rgb, *dgram;
  /* the terms of the last evaluation (weighted) */
  double         content_loss, style_loss, tv_loss;
} NsObjective;

/* Prepares the loss for content at this size (content is resized to it) and
 * style (resized so its long side matches). Weights are absolute. */
NsObjective *ns_objective_new      (const NsModel *model, const NsImage *content, const NsImage *style,
                                    int width, int height, double content_weight, double style_weight,
                                    double tv_weight, GError **error);
void         ns_objective_free     (NsObjective *objective);
/* Loss and gradient at x (RGB 0..1, HWC, width*height*3 values). */
double       ns_objective_evaluate (NsObjective *objective, const double *x, double *grad);
/* Bytes an objective of this size holds besides the pass. */
gsize        ns_objective_bytes    (const NsModel *model, int width, int height);
