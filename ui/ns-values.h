/* ns-values.h: the user's choices for one stylisation, as the plug-in stores
 * them with gimp_set_data() (RUN-WITH-LAST-VALS) and the dialog edits them,
 * and the one mapping from them to the engine's NsParams. */
#pragma once

#include <glib.h>

#include "neural-style.h"

/* A plain struct: gimp_set_data() stores its bytes as they are, so fields
 * are only ever appended. */
typedef struct
{
  gint32  style_drawable;   /* drawable ID of the style layer (any open image), -1 = none */
  gdouble content_weight;   /* relative, 1.0 = engine default */
  gdouble style_weight;     /* relative */
  gdouble tv_weight;        /* relative */
  gint32  iterations;
  gint32  size;             /* long side of the working size, 0 = drawable's own */
  gint32  seed;
  gint32  init;             /* NsInit */
} NsValues;

/* The engine's defaults, no style chosen yet. */
void ns_values_init      (NsValues *values);
/* The engine's defaults with the values' choices on top. Not validated:
 * ns_params_validate() names the parameter that is out of range. */
void ns_values_to_params (const NsValues *values, NsParams *params);
