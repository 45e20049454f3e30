/* ns-plugin-job.h: one stylisation of a GIMP layer, from checked inputs to
 * the new layer. All checks happen before the image is touched, so a failed
 * job leaves the image exactly as it was. */
#pragma once

#include "ns-plugin-pixels.h"
#include "ns-values.h"

typedef struct
{
  gint32        image_id;
  gint32        drawable_id;
  int           n_styles;
  NsStyleValues styles[NS_MAX_STYLES];   /* drawables, blends, regions, areas */
  gboolean      by_selection;   /* the selection limits the change (else it guides the regions) */
  NsRegion      region;         /* the part of the drawable that is worked on */
  NsParams      params;
} NsPluginJob;

/* Checks the inputs (cheap, no model needed) and fills job. */
gboolean ns_plugin_job_prepare (NsPluginJob    *job,
                                gint32          image_id,
                                gint32          drawable_id,
                                const NsValues *values,
                                GError        **error);

/* Reads the job's inputs as ns_plugin_job_run() does: the content (its
 * region) and the styles with their masks. FALSE with error if GIMP gives
 * no pixels or memory runs out. */
gboolean ns_plugin_job_read (const NsPluginJob *job,
                             NsImage          **content,
                             NsStyleSet       **styles,
                             GError           **error);

/* Runs the engine with GIMP progress (the engine refuses a size that would
 * not fit in memory), then adds the styled layer above the drawable in one
 * undo group. Returns its ID, or -1 with error set and the image untouched. */
gint32 ns_plugin_job_run (const NsPluginJob *job,
                          const NsModel     *model,
                          GError           **error);
