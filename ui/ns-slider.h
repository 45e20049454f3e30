/* ns-slider.h: a GIMP-style "label, slider, spin button" row, optionally on
 * a logarithmic slider (for weights spanning several orders of magnitude). */
#pragma once

#include <gtk/gtk.h>

typedef struct
{
  const char *label;          /* with a mnemonic underscore; untranslated (N_) */
  const char *tooltip;        /* untranslated (N_) */
  double      min, max;       /* the slider's range: the useful one */
  double      lower, limit;   /* the spin button's (lower <= min, limit >= max): the engine's */
  double      step;
  int         digits;
  gboolean    log_scale;      /* slider moves on log10(value); min must be > 0 */
} NsSliderSpec;

/* Adds the row to grid at row and returns the adjustment that holds the
 * real value (owned by the spin button); "value-changed" fires on it
 * whichever of the two widgets the user moves. */
GtkAdjustment *ns_slider_attach (GtkGrid *grid, int row, const NsSliderSpec *spec, double value);
