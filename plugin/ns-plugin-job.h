/* ns-plugin-job.h: one stylisation of a GIMP layer, from checked inputs to
 * the new layer. All checks happen before the image is touched, so a failed
 * job leaves the image exactly as it was. */
#pragma once

#include "ns-plugin-pixels.h"
#include "ns-plugin-values.h"

typedef struct
{
  gint32   image_id;
  gint32   drawable_id;
  gint32   style_id;
  NsRegion region;      /* selection bounding box within the drawable */
  NsParams params;
} NsPluginJob;

/* The plug-in's defaults (the engine's, no style chosen yet). */
void ns_plugin_values_init (NsPluginValues *values);

/* Checks the inputs (cheap, no model needed) and fills job. */
gboolean ns_plugin_job_prepare (NsPluginJob          *job,
                                gint32                image_id,
                                gint32                drawable_id,
                                const NsPluginValues *values,
                                GError              **error);

/* Checks the memory need, runs the engine with GIMP progress, then adds the
 * styled layer above the drawable in one undo group. Returns its ID, or -1
 * with error set and the image untouched. */
gint32 ns_plugin_job_run (const NsPluginJob *job,
                          const NsModel     *model,
                          GError           **error);
