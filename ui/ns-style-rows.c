/* ns-style-rows.c: the dialog's style rows (ns-style-rows.h). */
#include "ns-style-rows.h"
#include "ns-slider.h"
#include "ns-style-picker.h"

#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>

typedef struct
{
  gint32          drawable_id;
  GtkSizeGroup   *labels, *spins;
  NsStyleRowsFunc changed;
  gpointer        user_data;
  GtkWidget      *box;        /* the rows, top to bottom */
  GtkWidget      *add;
  GPtrArray      *rows;       /* Row *, in order */
} Rows;

typedef struct
{
  Rows          *rows;
  GtkWidget     *grid, *title, *picker, *where, *area, *remove;
  GtkAdjustment *blend;
} Row;

static const NsSliderSpec blend_spec = {
  N_("Share"),
  N_("How much of this style goes into the mix, relative to the other styles over the same "
     "place. With one style it makes no difference."),
  0.0, 1.0, 0.0, 1000.0, 0.05, 2, FALSE };

static void
notify (Rows *r, NsStyleRowsChange change)
{
  r->changed (change, r->user_data);
}

/* "Where" entries: ID as text, shown name. The selection entries only when
 * the image has a selection. */
static void
fill_where (GtkComboBoxText *combo, gint32 image_id)
{
  g_autofree gchar *everywhere = g_strdup_printf ("%d", NS_WHERE_EVERYWHERE);
  gtk_combo_box_text_append (combo, everywhere, _("Whole image"));
  if (!gimp_selection_is_empty (image_id))
    {
      g_autofree gchar *inside = g_strdup_printf ("%d", NS_WHERE_SELECTION);
      g_autofree gchar *outside = g_strdup_printf ("%d", NS_WHERE_OUTSIDE_SELECTION);
      gtk_combo_box_text_append (combo, inside, _("Inside the selection"));
      gtk_combo_box_text_append (combo, outside, _("Outside the selection"));
    }
  gint n = 0;
  g_autofree gint *channels = gimp_image_get_channels (image_id, &n);
  for (gint i = 0; i < n; i++)
    {
      g_autofree gchar *id = g_strdup_printf ("%d", channels[i]);
      g_autofree gchar *name = gimp_item_get_name (channels[i]);
      g_autofree gchar *label = g_strdup_printf (_("Channel “%s”"), name);
      gtk_combo_box_text_append (combo, id, label);
    }
  g_autofree gint *layers = gimp_image_get_layers (image_id, &n);
  for (gint i = 0; i < n; i++)
    {
      gint32 mask = gimp_layer_get_mask (layers[i]);
      if (mask == -1)
        continue;
      g_autofree gchar *id = g_strdup_printf ("%d", mask);
      g_autofree gchar *name = gimp_item_get_name (layers[i]);
      g_autofree gchar *label = g_strdup_printf (_("Layer mask of “%s”"), name);
      gtk_combo_box_text_append (combo, id, label);
    }
}

/* The style image's selection, shown only when there is one. */
static void
update_area (Row *row)
{
  gint32 style = ns_style_picker_get_active (row->picker);
  gboolean selected = style != -1 && !gimp_selection_is_empty (gimp_item_get_image (style));
  if (!selected)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->area), FALSE);
  gtk_widget_set_visible (row->area, selected);
}

static void
renumber (Rows *r)
{
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      g_autofree gchar *title = g_strdup_printf (_("Style %u"), i + 1);
      gtk_label_set_text (GTK_LABEL (row->title), title);
      gtk_widget_set_sensitive (row->remove, r->rows->len > 1);
    }
  gtk_widget_set_sensitive (r->add, r->rows->len < NS_MAX_STYLES);
}

static void
on_blend_changed (GtkAdjustment *adjustment, Row *row)
{
  notify (row->rows, NS_STYLE_ROWS_BLENDS);
}

static void
on_picker_changed (GtkComboBox *combo, Row *row)
{
  update_area (row);
  notify (row->rows, NS_STYLE_ROWS_STYLES);
}

static void
on_row_changed (GtkWidget *widget, Row *row)
{
  notify (row->rows, NS_STYLE_ROWS_STYLES);
}

static void
on_remove (GtkButton *button, Row *row)
{
  Rows *r = row->rows;
  if (r->rows->len <= 1)
    return;
  g_ptr_array_remove (r->rows, row);
  gtk_widget_destroy (row->grid);   /* frees row */
  renumber (r);
  notify (r, NS_STYLE_ROWS_STYLES);
}

static GtkWidget *
row_label (Row *row, const char *text, int top)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_grid_attach (GTK_GRID (row->grid), label, 0, top, 1, 1);
  if (row->rows->labels != NULL)
    gtk_size_group_add_widget (row->rows->labels, label);
  return label;
}

static void
add_row (Rows *r, const NsStyleValues *style)
{
  Row *row = g_new0 (Row, 1);
  row->rows = r;
  row->grid = gtk_grid_new ();
  GtkGrid *grid = GTK_GRID (row->grid);
  gtk_grid_set_row_spacing (grid, 4);
  gtk_grid_set_column_spacing (grid, 12);
  g_object_set_data_full (G_OBJECT (row->grid), "ns-style-row", row, g_free);

  row->title = row_label (row, "", 0);
  row->picker = ns_style_picker_new (r->drawable_id, style->drawable);
  gtk_widget_set_hexpand (row->picker, TRUE);
  gtk_widget_set_tooltip_text (row->picker, _("The picture whose brushwork, colours and texture are borrowed: "
                                              "any layer of any image open in GIMP."));
  gtk_grid_attach (grid, row->picker, 1, 0, 1, 1);
  row->remove = gtk_button_new_from_icon_name ("list-remove", GTK_ICON_SIZE_BUTTON);
  gtk_widget_set_tooltip_text (row->remove, _("Remove this style"));
  gtk_widget_set_halign (row->remove, GTK_ALIGN_START);
  gtk_grid_attach (grid, row->remove, 2, 0, 1, 1);

  row->blend = ns_slider_attach (grid, 1, &blend_spec, style->blend);
  GtkWidget *spin = gtk_grid_get_child_at (grid, 2, 1);
  if (r->labels != NULL)
    gtk_size_group_add_widget (r->labels, gtk_grid_get_child_at (grid, 0, 1));
  if (r->spins != NULL && spin != NULL)
    gtk_size_group_add_widget (r->spins, spin);

  row->where = gtk_combo_box_text_new ();
  gint32 image_id = gimp_item_get_image (r->drawable_id);
  fill_where (GTK_COMBO_BOX_TEXT (row->where), image_id);
  g_autofree gchar *where = g_strdup_printf ("%d", style->region);
  if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (row->where), where))
    gtk_combo_box_set_active (GTK_COMBO_BOX (row->where), 0);   /* gone: the whole image */
  gtk_widget_set_tooltip_text (row->where, _("Where in your picture this style is painted. Parts that no "
                                             "style covers keep your picture as it is."));
  row_label (row, _("Where"), 2);
  gtk_grid_attach (grid, row->where, 1, 2, 2, 1);

  row->area = gtk_check_button_new_with_label (_("Use only the selected part of the style image"));
  gtk_widget_set_no_show_all (row->area, TRUE);
  gtk_grid_attach (grid, row->area, 1, 3, 2, 1);
  gint32 style_image = style->drawable != -1 && gimp_item_is_valid (style->drawable)
                       ? gimp_item_get_image (style->drawable) : -1;
  gboolean area_ok = style->area >= 0 && style_image != -1 && style->area == gimp_image_get_selection (style_image)
                     && ns_style_picker_get_active (row->picker) == style->drawable;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->area), area_ok);
  update_area (row);

  g_signal_connect (row->picker, "changed", G_CALLBACK (on_picker_changed), row);
  g_signal_connect (row->blend, "value-changed", G_CALLBACK (on_blend_changed), row);
  g_signal_connect (row->where, "changed", G_CALLBACK (on_row_changed), row);
  g_signal_connect (row->area, "toggled", G_CALLBACK (on_row_changed), row);
  g_signal_connect (row->remove, "clicked", G_CALLBACK (on_remove), row);

  g_ptr_array_add (r->rows, row);
  gtk_box_pack_start (GTK_BOX (r->box), row->grid, FALSE, FALSE, 0);
  gtk_widget_show_all (row->grid);
  renumber (r);
}

static void
on_add (GtkButton *button, Rows *r)
{
  if (r->rows->len >= NS_MAX_STYLES)
    return;
  NsStyleValues style = NS_STYLE_VALUES (-1);
  add_row (r, &style);
  notify (r, NS_STYLE_ROWS_STYLES);
}

static void
rows_free (Rows *r)
{
  g_ptr_array_unref (r->rows);
  g_clear_object (&r->labels);
  g_clear_object (&r->spins);
  g_free (r);
}

GtkWidget *
ns_style_rows_new (gint32 drawable_id, const NsValues *values, GtkSizeGroup *labels, GtkSizeGroup *spins,
                   NsStyleRowsFunc changed, gpointer user_data)
{
  Rows *r = g_new0 (Rows, 1);
  r->drawable_id = drawable_id;
  r->labels = labels != NULL ? g_object_ref (labels) : NULL;
  r->spins = spins != NULL ? g_object_ref (spins) : NULL;
  r->changed = changed;
  r->user_data = user_data;
  r->rows = g_ptr_array_new ();

  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_object_set_data_full (G_OBJECT (outer), "ns-style-rows", r, (GDestroyNotify) rows_free);
  r->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  /* Many rows scroll instead of growing the dialog off the screen. */
  GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_container_add (GTK_CONTAINER (scrolled), r->box);
  gtk_box_pack_start (GTK_BOX (outer), scrolled, FALSE, FALSE, 0);

  r->add = gtk_button_new_with_mnemonic (_("_Add a style"));
  gtk_widget_set_tooltip_text (r->add, _("Blend in another painting, or give another part of your picture "
                                         "its own style"));
  gtk_widget_set_halign (r->add, GTK_ALIGN_START);
  gtk_box_pack_start (GTK_BOX (outer), r->add, FALSE, FALSE, 0);
  g_signal_connect (r->add, "clicked", G_CALLBACK (on_add), r);

  /* Styles whose layer is gone are dropped; one row always. */
  for (int i = 0; i < CLAMP (values->n_styles, 1, NS_MAX_STYLES); i++)
    {
      const NsStyleValues *s = &values->styles[i];
      if (i == 0 || (gimp_item_is_valid (s->drawable) && gimp_item_is_drawable (s->drawable)))
        add_row (r, s);
    }
  return outer;
}

static Rows *
rows_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "ns-style-rows");
}

void
ns_style_rows_get (GtkWidget *widget, NsValues *values)
{
  Rows *r = rows_of (widget);
  values->n_styles = (gint32) r->rows->len;
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      NsStyleValues *s = &values->styles[i];
      const char *where = gtk_combo_box_get_active_id (GTK_COMBO_BOX (row->where));
      s->drawable = ns_style_picker_get_active (row->picker);
      s->blend = gtk_adjustment_get_value (row->blend);
      s->region = where != NULL ? (gint32) g_ascii_strtoll (where, NULL, 10) : NS_WHERE_EVERYWHERE;
      s->area = s->drawable != -1 && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (row->area))
                ? gimp_image_get_selection (gimp_item_get_image (s->drawable)) : NS_WHERE_EVERYWHERE;
    }
}

int
ns_style_rows_layer_count (GtkWidget *widget)
{
  Rows *r = rows_of (widget);
  Row *first = g_ptr_array_index (r->rows, 0);
  return ns_style_picker_count (first->picker);
}
