/* ns-size-control.c: working size presets and the cost estimate. */
#include "ns-size-control.h"

#include <glib/gi18n-lib.h>

typedef struct
{
  GtkWidget     *presets, *spin, *estimate;
  GtkAdjustment *pixels;
  int            width, height;   /* the drawable's */
  gboolean       syncing;         /* one widget is updating the other */
  void         (*changed) (gpointer);
  gpointer       data;
} SizeControl;

typedef struct
{
  const char *id, *label;
  int         pixels;             /* 0 = the drawable's long side */
} Preset;

static const Preset presets[] = {
  { "preview", N_("Preview (256 px)"), 256 },
  { "fast",    N_("Fast (512 px)"),    512 },
  { "full",    N_("Full size"),        0 },
  { "custom",  N_("Custom"),           -1 },
};

static SizeControl *
get (GtkWidget *control)
{
  return g_object_get_data (G_OBJECT (control), "ns-size-control");
}

static int
long_side (const SizeControl *s)
{
  return MAX (s->width, s->height);
}

static void
on_preset_changed (GtkComboBox *combo, SizeControl *s)
{
  const char *id = gtk_combo_box_get_active_id (combo);
  if (s->syncing || id == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (id, presets[i].id) && presets[i].pixels >= 0)
      {
        s->syncing = TRUE;
        gtk_adjustment_set_value (s->pixels, presets[i].pixels > 0 ? presets[i].pixels : long_side (s));
        s->syncing = FALSE;
      }
  s->changed (s->data);
}

/* Shows the preset the number matches, else Custom. */
static void
select_preset (SizeControl *s)
{
  int pixels = (int) gtk_adjustment_get_value (s->pixels);
  const char *id = "custom";
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].pixels >= 0 && pixels == (presets[i].pixels > 0 ? presets[i].pixels : long_side (s)))
      id = presets[i].id;
  s->syncing = TRUE;
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (s->presets), id);
  s->syncing = FALSE;
}

static void
on_pixels_changed (GtkAdjustment *adjustment, SizeControl *s)
{
  if (s->syncing)
    return;
  select_preset (s);
  s->changed (s->data);
}

GtkWidget *
ns_size_control_new (GtkGrid *grid, int row, const char *label_text, const char *tooltip,
                     int drawable_width, int drawable_height, int size, void (*changed) (gpointer), gpointer data)
{
  SizeControl *s = g_new0 (SizeControl, 1);

  s->width = drawable_width;
  s->height = drawable_height;
  s->changed = changed;
  s->data = data;
  s->presets = gtk_combo_box_text_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (s->presets), presets[i].id, _(presets[i].label));
  /* The engine's range; a layer beyond NS_MAX_SIZE gets "Full size" capped. */
  s->pixels = gtk_adjustment_new (256, NS_MIN_SIDE, NS_MAX_SIZE, 16, 128, 0);
  s->spin = gtk_spin_button_new (s->pixels, 16, 0);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (s->spin), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (s->spin), 6);
  s->estimate = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (s->estimate), 0.0);
  /* Never widens the dialog as the numbers change. */
  gtk_label_set_ellipsize (GTK_LABEL (s->estimate), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (s->estimate), 10);
  gtk_style_context_add_class (gtk_widget_get_style_context (s->estimate), "dim-label");

  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), s->presets);
  for (GtkWidget **w = (GtkWidget *[]) { label, s->presets, s->spin, NULL }; *w != NULL; w++)
    gtk_widget_set_tooltip_text (*w, tooltip);
  gtk_widget_set_tooltip_text (s->estimate, _("A rough guess for this computer; the preview is not included."));

  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, s->presets, 1, row, 1, 1);
  gtk_grid_attach (grid, s->spin, 2, row, 1, 1);
  gtk_grid_attach (grid, s->estimate, 1, row + 1, 2, 1);

  g_object_set_data_full (G_OBJECT (s->presets), "ns-size-control", s, g_free);
  /* Before the signals: the dialog is not complete yet. */
  gtk_adjustment_set_value (s->pixels, size > 0 ? size : long_side (s));
  select_preset (s);
  g_signal_connect (s->presets, "changed", G_CALLBACK (on_preset_changed), s);
  g_signal_connect (s->pixels, "value-changed", G_CALLBACK (on_pixels_changed), s);
  return s->presets;
}

int
ns_size_control_get_size (GtkWidget *control)
{
  SizeControl *s = get (control);
  int pixels = (int) gtk_adjustment_get_value (s->pixels);
  return pixels == long_side (s) ? 0 : pixels;
}

void
ns_size_control_set_size (GtkWidget *control, int size)
{
  SizeControl *s = get (control);
  s->syncing = TRUE;
  gtk_adjustment_set_value (s->pixels, size > 0 ? size : long_side (s));
  s->syncing = FALSE;
  select_preset (s);
  s->changed (s->data);
}

void
ns_size_control_update_estimate (GtkWidget *control, const NsModel *model, const NsParams *params)
{
  SizeControl *s = get (control);
  g_autofree char *text = NULL;

  if (model == NULL)
    {
      gtk_label_set_text (GTK_LABEL (s->estimate), _("No estimate without the network weights"));
      return;
    }
  NsEstimate estimate = { 0 };
  ns_estimate (model, s->width, s->height, params, &estimate);
  g_autofree char *time = estimate.seconds < 90
    ? g_strdup_printf (_("%.0f s"), MAX (1.0, estimate.seconds))
    : g_strdup_printf (_("%.0f min"), estimate.seconds / 60);
  g_autofree char *memory = estimate.peak_mb < 1024
    ? g_strdup_printf (_("%.0f MB"), estimate.peak_mb)
    : g_strdup_printf (_("%.1f GB"), estimate.peak_mb / 1024);
  /* The 100% view runs the same optimisation once, then only the tiles
   * it shows: at most the run's time. */
  text = g_strdup_printf (_("About %s and %s at this size\n100%% view: about %s"), time, memory, time);
  gtk_label_set_text (GTK_LABEL (s->estimate), text);
}
