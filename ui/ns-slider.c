/* ns-slider.c: slider + spin button rows. */
#include "ns-slider.h"

#include <math.h>

/* Keeps the log slider and the linear spin button in step. The flag stops
 * the echo of one update from bouncing back and rounding the value. */
typedef struct
{
  GtkAdjustment *linear, *logarithmic;
  gboolean       syncing;
} LogLink;

static void
on_log_moved (GtkAdjustment *logarithmic, LogLink *link)
{
  if (link->syncing)
    return;
  link->syncing = TRUE;
  gtk_adjustment_set_value (link->linear, pow (10.0, gtk_adjustment_get_value (logarithmic)));
  link->syncing = FALSE;
}

static void
on_linear_moved (GtkAdjustment *linear, LogLink *link)
{
  if (link->syncing)
    return;
  link->syncing = TRUE;
  gtk_adjustment_set_value (link->logarithmic, log10 (gtk_adjustment_get_value (linear)));
  link->syncing = FALSE;
}

GtkAdjustment *
ns_slider_attach (GtkGrid *grid, int row, const NsSliderSpec *spec, double value)
{
  GtkAdjustment *linear = gtk_adjustment_new (value, spec->min, spec->max, spec->step,
                                              spec->step * 10, 0);
  GtkAdjustment *slider_adj = linear;

  if (spec->log_scale)
    {
      LogLink *link = g_new0 (LogLink, 1);
      double lo = log10 (spec->min), hi = log10 (spec->max);
      link->linear = linear;
      link->logarithmic = gtk_adjustment_new (log10 (value), lo, hi, (hi - lo) / 100, (hi - lo) / 10, 0);
      slider_adj = link->logarithmic;
      g_signal_connect (link->logarithmic, "value-changed", G_CALLBACK (on_log_moved), link);
      g_signal_connect (linear, "value-changed", G_CALLBACK (on_linear_moved), link);
      g_object_set_data_full (G_OBJECT (linear), "ns-log-link", link, g_free);
    }

  GtkWidget *label = gtk_label_new_with_mnemonic (spec->label);
  GtkWidget *scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, slider_adj);
  GtkWidget *spin = gtk_spin_button_new (linear, spec->step, spec->digits);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), scale);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 160, -1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (spin), 6);
  for (GtkWidget **w = (GtkWidget *[]) { label, scale, spin, NULL }; *w != NULL; w++)
    gtk_widget_set_tooltip_text (*w, spec->tooltip);

  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, scale, 1, row, 1, 1);
  gtk_grid_attach (grid, spin, 2, row, 1, 1);
  return linear;
}
