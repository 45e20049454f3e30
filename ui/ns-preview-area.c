/* ns-preview-area.c: the preview pane (ns-preview-area.h). */
#include "ns-preview-area.h"
#include "ns-zoom-view.h"

#include <glib/gi18n-lib.h>
#include <math.h>

typedef struct
{
  GtkWidget        *box, *view, *zoom_label, *status;
  NsPreviewAreaFunc changed;
  gpointer          user_data;
} PreviewArea;

static PreviewArea *
preview_area (GtkWidget *box)
{
  return g_object_get_data (G_OBJECT (box), "ns-preview-area");
}

static void
on_view_changed (GtkWidget *view, gpointer data)
{
  PreviewArea *area = data;
  gboolean fitted = FALSE;
  double zoom = ns_zoom_view_get_zoom (view, &fitted);
  int percent = (int) lround (zoom * 100);
  g_autofree char *text = fitted ? g_strdup_printf (_("Fit (%d%%)"), percent) : g_strdup_printf ("%d%%", percent);
  gtk_label_set_text (GTK_LABEL (area->zoom_label), text);
  if (area->changed != NULL)
    area->changed (area->box, area->user_data);
}

static void
on_fit (GtkButton *button, PreviewArea *area)
{
  ns_zoom_view_set_zoom (area->view, NS_ZOOM_VIEW_FIT);
}

static void
on_actual (GtkButton *button, PreviewArea *area)
{
  ns_zoom_view_set_zoom (area->view, 1.0);
}

static void
on_zoom_in (GtkButton *button, PreviewArea *area)
{
  ns_zoom_view_zoom_by (area->view, 1);
}

static void
on_zoom_out (GtkButton *button, PreviewArea *area)
{
  ns_zoom_view_zoom_by (area->view, -1);
}

static void
on_split (GtkToggleButton *toggle, PreviewArea *area)
{
  ns_zoom_view_set_split (area->view, gtk_toggle_button_get_active (toggle));
}

static GtkWidget *
tool_button (GtkWidget *bar, const char *icon, const char *label, const char *tooltip, GCallback clicked,
             PreviewArea *area)
{
  GtkWidget *button = label != NULL ? gtk_button_new_with_mnemonic (label)
                                    : gtk_button_new_from_icon_name (icon, GTK_ICON_SIZE_BUTTON);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_focus_on_click (button, FALSE);
  g_signal_connect (button, "clicked", clicked, area);
  gtk_box_pack_start (GTK_BOX (bar), button, FALSE, FALSE, 0);
  return button;
}

static GtkWidget *
build_toolbar (PreviewArea *area)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  tool_button (bar, NULL, _("Fit"), _("Show the whole picture"), G_CALLBACK (on_fit), area);
  tool_button (bar, NULL, _("_100%"),
               _("Show the picture at its working size, pixel for pixel, as OK will make it; drag to move it"),
               G_CALLBACK (on_actual), area);
  tool_button (bar, "zoom-out-symbolic", NULL, _("Zoom out (mouse wheel down)"), G_CALLBACK (on_zoom_out), area);
  tool_button (bar, "zoom-in-symbolic", NULL, _("Zoom in (mouse wheel up)"), G_CALLBACK (on_zoom_in), area);
  area->zoom_label = gtk_label_new (NULL);
  gtk_label_set_width_chars (GTK_LABEL (area->zoom_label), 10);
  gtk_box_pack_start (GTK_BOX (bar), area->zoom_label, FALSE, FALSE, 0);

  GtkWidget *split = gtk_toggle_button_new_with_mnemonic (_("_Split view"));
  gtk_widget_set_tooltip_text (split, _("The original left of a line you can drag, the result right of it. "
                                        "Hold the right mouse button on the picture to see the original"));
  gtk_widget_set_focus_on_click (split, FALSE);
  g_signal_connect (split, "toggled", G_CALLBACK (on_split), area);
  gtk_box_pack_end (GTK_BOX (bar), split, FALSE, FALSE, 0);
  return bar;
}

GtkWidget *
ns_preview_area_new (int min_size, NsPreviewAreaFunc view_changed, gpointer user_data)
{
  PreviewArea *area = g_new0 (PreviewArea, 1);
  area->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  area->changed = view_changed;
  area->user_data = user_data;
  g_object_set_data_full (G_OBJECT (area->box), "ns-preview-area", area, g_free);

  GtkWidget *frame = gtk_frame_new (NULL);
  area->view = ns_zoom_view_new (min_size, on_view_changed, area);
  gtk_container_add (GTK_CONTAINER (frame), area->view);

  area->status = gtk_label_new (NULL);
  /* One line that never asks for more width: the text changes every frame
   * and must not resize the dialog. */
  gtk_label_set_ellipsize (GTK_LABEL (area->status), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (area->status), 30);
  gtk_label_set_xalign (GTK_LABEL (area->status), 0.0);
  gtk_style_context_add_class (gtk_widget_get_style_context (area->status), "dim-label");

  gtk_box_pack_start (GTK_BOX (area->box), frame, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (area->box), build_toolbar (area), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (area->box), area->status, FALSE, FALSE, 0);
  on_view_changed (area->view, area);
  return area->box;
}

GtkWidget *
ns_preview_area_view (GtkWidget *box)
{
  return preview_area (box)->view;
}

void
ns_preview_area_set_image (GtkWidget *box, const NsImage *image)
{
  ns_zoom_view_set_sketch (preview_area (box)->view, image);
}

void
ns_preview_area_set_original (GtkWidget *box, const NsImage *image)
{
  ns_zoom_view_set_original (preview_area (box)->view, image);
}

void
ns_preview_area_set_status (GtkWidget *box, const char *text)
{
  PreviewArea *area = preview_area (box);
  gtk_label_set_text (GTK_LABEL (area->status), text);
  gtk_widget_set_tooltip_text (area->status, text);   /* the whole text when it is cut short */
}
