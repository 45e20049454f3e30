/* style-options.h: the command line's styles.
 *
 *   --style FILE [--region FILE] [--style-area FILE]   (repeated, 1 to NS_MAX_STYLES)
 *   --style-blend W1,W2,...                           (one weight per style)
 *
 * A --region or --style-area belongs to the --style before it, so they are
 * parsed by GOption callbacks that see the order; the group's user data must
 * be the StyleOptions. Every error names the option and its value. */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

typedef struct
{
  char *image, *region, *area;   /* file names; region and area may be NULL */
} StyleFiles;

typedef struct
{
  StyleFiles files[NS_MAX_STYLES];
  int        n;
  char      *blend_text;            /* --style-blend as given; NULL = equal weights */
  double     blends[NS_MAX_STYLES];  /* after style_options_finish() */
} StyleOptions;

/* GOption callbacks (G_OPTION_ARG_CALLBACK) of --style, --region and --style-area. */
gboolean style_options_add_style  (const char *option, const char *value, gpointer options, GError **error);
gboolean style_options_add_region (const char *option, const char *value, gpointer options, GError **error);
gboolean style_options_add_area   (const char *option, const char *value, gpointer options, GError **error);

/* After parsing: at least one style, and the blend weights (one per style,
 * numbers; the engine's ns_style_blends_validate() checks their values). */
gboolean style_options_finish (StyleOptions *options, GError **error);
void     style_options_clear  (StyleOptions *options);

/* The styles' images and masks, read from their files; NULL with an error
 * naming the file that could not be read. */
NsStyleSet *style_options_load (const StyleOptions *options, GError **error);

G_END_DECLS
