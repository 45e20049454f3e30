/* ns-dialog-values.h: the values the dialog edits: the engine's parameters
 * and the styles as GIMP items. Declared here, beside the dialog, and
 * without GTK: the plug-in, which fills them from the PDB and stores them
 * (plugin/ns-values.h), sees them through ns-dialog.h. */
#pragma once

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

/* A style row's defaults: the drawable over the whole image, blend 1. */
#define NS_STYLE_VALUES(drawable_id) \
  ((NsStyleValues) { (drawable_id), 1.0, NS_WHERE_EVERYWHERE, NS_WHERE_EVERYWHERE })

/* The user's choices for one stylisation: the engine's parameters as they
 * are run, and the styles as GIMP items. */
typedef struct
{
  NsParams      params;
  gint32        n_styles;   /* 1 .. NS_MAX_STYLES */
  NsStyleValues styles[NS_MAX_STYLES];
} NsValues;
