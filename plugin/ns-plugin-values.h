/* ns-plugin-values.h: the plug-in's parameters, as stored with
 * gimp_set_data() for WITH-LAST-VALS and shared with the dialog in ui/. */
#pragma once

#include <glib.h>

#define NS_PLUGIN_PROC "plug-in-neural-style"

typedef struct
{
  gint32  style_drawable;   /* drawable ID of the style layer (any open image) */
  gdouble content_weight;   /* relative, 1.0 = engine default */
  gdouble style_weight;     /* relative */
  gdouble tv_weight;        /* relative */
  gint32  iterations;
  gint32  size;             /* long side of the working size, 0 = drawable's own */
  gint32  seed;
  gint32  init;             /* NsInit */
} NsPluginValues;

/* ui/: runs the GTK 3 dialog for the given content drawable. Returns TRUE if
 * the user pressed OK; values then hold the choices. The dialog may use the
 * engine (model) for its live preview; model may be NULL if the weights are
 * missing, in which case the preview says so. */
typedef struct _NsModel NsModel;
gboolean ns_dialog_run (gint32          image_id,
                        gint32          drawable_id,
                        NsPluginValues *values,
                        const NsModel  *model);
