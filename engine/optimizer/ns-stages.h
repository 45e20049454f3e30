/* ns-stages.h: a run's optimised stages (ns-stylize.c), which the painting
 * finishes (ns-painting.c: a photo's brushwork stage, the public entry
 * points). */
#pragma once

#include "ns-model.h"
#include "ns-memory-plan.h"

G_BEGIN_DECLS

typedef struct
{
  NsParams       params;       /* the caller's, copied */
  NsRunPlan      plan;
  NsImage       *picture;      /* the last optimised stage's: finished if it is the final stage; else as
                                * optimised (before the colour finish), for the brushwork stage */
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
void     ns_stages_clear (NsStages *stages);

G_END_DECLS
