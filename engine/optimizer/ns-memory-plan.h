/* ns-memory-plan.h: the engine's one memory model.
 *
 * What a run holds, stage by stage: a fixed base (code, libraries,
 * allocator) and the weights; the network pass (activations, gradients,
 * workspace) of the whole image or of the largest tile window, and of the
 * style image's; the objective's buffers (targets, images); and the
 * optimiser's vectors and L-BFGS history. The plan fits each stage into a
 * budget by choosing tiles and the history length. ns_stylize() runs by
 * this plan and refuses what exceeds its memory limit; ns_estimate()
 * reports its peak; the front ends' guards go through those two. */
#pragma once

#include "ns-model.h"
#include "ns-schedule.h"

G_BEGIN_DECLS

#define NS_DEFAULT_MEMORY_MB 4096.0   /* the tiling budget when the caller sets no smaller limit */

typedef struct
{
  int    tile, halo;      /* tile 0: one untiled pass */
  int    margin;          /* the canvas' border (ns-objective.c): every pass is that much larger */
  int    history;         /* L-BFGS pairs to keep */
  double peak_mb;         /* predicted peak of the process during this stage */
} NsMemoryPlan;

/* How a stage of width x height, whose largest style image is style_width x
 * style_height at this stage, fits budget_mb: its margin (NS_TILE_MARGIN
 * from a long side of 160 up, else none), then untiled with a full history
 * if it fits, else tiles as large as the budget leaves room for after a
 * history of at least 2 pairs. */
void ns_memory_plan (const NsModel *model, int width, int height, int style_width, int style_height,
                     double budget_mb, int threads, NsMemoryPlan *plan);

/* Bytes the objective holds at this size besides the network pass. */
double ns_objective_bytes (const NsModel *model, int width, int height);

/* A whole run: its stages and how each fits memory. */
typedef struct
{
  NsSchedulePlan schedule;
  NsMemoryPlan   memory[NS_MAX_STAGES];
  double         peak_mb;   /* the largest stage's */
} NsRunPlan;

/* style_aspect: width / height of the style image whose pass is largest (the
 * most nearly square one); the style's long side at each stage is
 * params->style_scale times the stage's. style_pixels: the styles' own
 * pixels, summed (a photo's brushwork stage holds them at their own size
 * times style_scale; 0: NS_PLAN_STYLE_PIXELS). */
void ns_run_plan (const NsModel *model, const NsParams *params, int content_width, int content_height,
                  double style_aspect, double style_pixels, NsRunPlan *plan);

/* The styles' pixels a plan assumes when it is not told (ns_estimate()). */
#define NS_PLAN_STYLE_PIXELS (1024.0 * 1024.0)

/* The tiling budget of a run with this memory limit (0: none). */
double ns_memory_budget_mb (double memory_limit_mb);

G_END_DECLS
