/* ns-stages.h: a run's optimised stages (ns-stylize.c), which the painting
 * finishes (ns-painting.c: a photo's brushwork stage, the public entry
 * points). */
#pragma once

#include "ns-model.h"
#include "ns-memory-plan.h"

G_BEGIN_DECLS

/* A run that continues an earlier one (a frame after the one before,
 * ns-frames.c): only the last optimised stage runs, from start, for
 * iterations, its objective pulling x towards target where mask says
 * (ns_pixel_target_loss). All at any size: resized to the stage's. */
typedef struct
{
  const NsImage *start;
  const NsImage *target;
  const NsMask  *mask;
  double         weight;       /* absolute; 0: no pull */
  int            iterations;
} NsFollow;

typedef struct
{
  NsParams       params;       /* the caller's, copied */
  NsRunPlan      plan;
  NsImage       *picture;      /* the last optimised stage's: finished if it is the final stage; else as
                                * optimised (before the colour finish), for the brushwork stage */
  NsImage       *optimised;    /* with follow_on: the last optimised stage's as optimised (what a
                                * following run carries on) */
  const NsStyle *styles;       /* as prepared for the colour mode: the caller's, or own_styles' */
  int            n_styles;
  NsStyleSet    *own_styles;
  gint64         start_time;   /* when the run began (g_get_monotonic_time) */
  NsProgress     state;        /* the last progress reported (no frame) */
} NsStages;

/* Checks the inputs, plans the run and runs its stages up to the last
 * optimised one, reporting progress and, with stats, the loss terms and
 * the optimisation's statistics so far. FALSE with error set (nothing
 * held). The caller's styles (their images and masks) must outlive the
 * result when the colour mode keeps them (NS_COLORS_STYLE). */
gboolean ns_stages_run   (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                          const NsParams *params, const NsImage *warm_start, NsProgressFunc progress,
                          gpointer user_data, NsStats *stats, NsStages *stages, GError **error);
/* The same, continuing as follow says (NULL: the whole schedule, from
 * warm_start if given), and keeping stages->optimised if follow_on. */
gboolean ns_stages_follow (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                           const NsParams *params, const NsImage *warm_start, const NsFollow *follow,
                           gboolean follow_on,
                           NsProgressFunc progress, gpointer user_data, NsStats *stats, NsStages *stages,
                           GError **error);
void     ns_stages_clear (NsStages *stages);

/* ns_painting_new() continuing as ns_stages_follow() does (ns-painting.c). */
NsPainting *ns_painting_follow    (const NsModel *model, const NsImage *content, const NsStyle *styles,
                                   int n_styles, const NsParams *params, const NsImage *warm_start,
                                   const NsFollow *follow, gboolean follow_on, NsProgressFunc progress,
                                   gpointer user_data, NsStats *stats, GError **error);
/* follow_on's picture of the last optimised stage, as optimised (the caller's; NULL without follow_on). */
NsImage    *ns_painting_optimised (NsPainting *painting);
/* The whole final picture, as ns_stylize_blend() gives it; stats' time and memory updated. */
NsImage    *ns_painting_picture   (NsPainting *painting, NsProgressFunc progress, gpointer user_data,
                                   NsStats *stats, GError **error);

G_END_DECLS
