/* ns-values.h: the user's choices for one stylisation, as the plug-in stores
 * them with gimp_set_data() (RUN-WITH-LAST-VALS) and the dialog edits them,
 * and the one mapping from them to the engine's NsParams. */
#pragma once

#include <glib.h>

#include "neural-style.h"

/* Where a style goes (NsStyleValues.region) and which part of its image is
 * used (.area): a channel or layer-mask ID, or one of these. The PDB takes
 * EVERYWHERE or an ID; the two selection codes are the dialog's, which
 * treats the selection as a guide for where each style goes. */
#define NS_WHERE_EVERYWHERE          (-1)   /* the whole image / all of the style image */
#define NS_WHERE_SELECTION           (-2)   /* inside the content image's selection */
#define NS_WHERE_OUTSIDE_SELECTION   (-3)   /* outside the content image's selection */

typedef struct
{
  gint32  drawable;   /* style layer (any open image), -1 = none */
  gdouble blend;      /* share of the blend, >= 0 (the engine normalises) */
  gint32  region;     /* NS_WHERE_* or a channel / layer mask of the content's image */
  gint32  area;       /* NS_WHERE_EVERYWHERE or a channel / layer mask of the style's image */
} NsStyleValues;

/* A plain struct: gimp_set_data() stores its bytes as they are, and stored
 * values of another size (an older layout) are ignored. */
typedef struct
{
  gdouble content_weight;   /* relative, 1.0 = engine default */
  gdouble style_weight;     /* relative */
  gdouble tv_weight;        /* relative */
  gint32  iterations;
  gint32  size;             /* long side of the working size, 0 = drawable's own */
  gint32  seed;
  gint32  init;             /* NsInit */
  gint32  n_styles;         /* 1 .. NS_MAX_STYLES */
  NsStyleValues styles[NS_MAX_STYLES];
  gdouble style_scale;      /* style image's long side / working long side */
  gint32  preserve_colors;  /* NsPreserveColors */
} NsValues;

/* The engine's defaults, one style (none chosen yet) over the whole image. */
void ns_values_init       (NsValues *values);
/* A style row's defaults: the drawable over the whole image, blend 1. */
void ns_style_values_init (NsStyleValues *style, gint32 drawable);
/* The engine's defaults with the values' choices on top. Not validated:
 * ns_params_validate() names the parameter that is out of range. */
void ns_values_to_params  (const NsValues *values, NsParams *params);
/* TRUE if any style's region is the selection (inside or outside): then the
 * selection says where the styles go, not which part of the layer changes. */
gboolean ns_values_use_selection (const NsValues *values);
