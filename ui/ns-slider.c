/* ns-slider.c: slider + spin button rows. */
#include "ns-slider.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* Keeps the slider (log or linear, over the useful range) and the spin
 * button (linear, up to the limit) in step. The flag stops the echo of one
 * update from bouncing back and rounding or clamping the value. */
typedef struct
{
  GtkAdjustment *linear, *slider;
  gboolean       log_scale, syncing;
} SliderLink;

static void
on_slider_moved (GtkAdjustment *slider, SliderLink *link)
{
  if (link->syncing)
    return;
  double value = gtk_adjustment_get_value (slider);
  link->syncing = TRUE;
  gtk_adjustment_set_value (link->linear, link->log_scale ? pow (10.0, value) : value);
  link->syncing = FALSE;
}

static void
on_linear_moved (GtkAdjustment *linear, SliderLink *link)
{
  if (link->syncing)
    return;
  double value = gtk_adjustment_get_value (linear);
  link->syncing = TRUE;
  gtk_adjustment_set_value (link->slider, link->log_scale ? log10 (value) : value);
  link->syncing = FALSE;
}

GtkAdjustment *
ns_slider_attach (GtkGrid *grid, int row, const NsSliderSpec *spec, double value)
{
  GtkAdjustment *linear = gtk_adjustment_new (value, MIN (spec->min, spec->lower), MAX (spec->max, spec->limit),
                                              spec->step, spec->step * 10, 0);
  SliderLink *link = g_new0 (SliderLink, 1);
  double lo = spec->log_scale ? log10 (spec->min) : spec->min;
  double hi = spec->log_scale ? log10 (spec->max) : spec->max;
  double slider_step = spec->log_scale ? (hi - lo) / 100 : spec->step;
  link->linear = linear;
  link->log_scale = spec->log_scale;
  link->slider = gtk_adjustment_new (spec->log_scale ? log10 (value) : value, lo, hi, slider_step,
                                     slider_step * 10, 0);
  g_signal_connect (link->slider, "value-changed", G_CALLBACK (on_slider_moved), link);
  g_signal_connect (linear, "value-changed", G_CALLBACK (on_linear_moved), link);
  g_object_set_data_full (G_OBJECT (linear), "ns-slider-link", link, g_free);

  const char *tooltip = _(spec->tooltip);
  GtkWidget *label = gtk_label_new_with_mnemonic (_(spec->label));
  GtkWidget *scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, link->slider);
  GtkWidget *spin = gtk_spin_button_new (linear, spec->step, spec->digits);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), scale);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 160, -1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (spin), 6);
  for (GtkWidget **w = (GtkWidget *[]) { label, scale, spin, NULL }; *w != NULL; w++)
    gtk_widget_set_tooltip_text (*w, tooltip);

  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, scale, 1, row, 1, 1);
  gtk_grid_attach (grid, spin, 2, row, 1, 1);
  return linear;
}
