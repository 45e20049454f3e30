/* ns-dialog.c: the plug-in's GTK 3 dialog (ns-dialog.h): style rows,
 * controls and a live preview.
 *
 * Layout follows GIMP's filter dialogs: preview on the left, settings on the
 * right, Reset / Cancel / OK below. All libgimp (PDB) calls happen here on
 * the main thread; the preview's worker only ever sees NsImage copies. */
#include "ns-dialog.h"
#include "ns-param-controls.h"
#include "ns-preview.h"
#include "ns-preview-area.h"
#include "ns-style-rows.h"
#include "ns-thumbnail.h"
#include "ns-zoom-view.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <math.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/gdkx.h>
#endif

#define RESPONSE_RESET 1

typedef struct
{
  gint32         image_id, drawable_id;
  const NsDialogHost *host;
  const NsModel *model;
  const GError  *model_error;  /* why model is NULL */
  NsValues       values;       /* working copy; the caller's only on OK */
  NsImage       *content;      /* the drawable at preview size; NULL without one */
  gboolean       updating;     /* set while Reset moves the controls */

  GtkWidget     *dialog, *rows, *preview_area;
  GtkWidget     *settings;     /* the scrolled settings pane */
  int            settings_max_height;
  NsParamControls *controls;   /* one per parameter the dialog shows */

  NsPreview     *preview;      /* NULL without a model or a style */
  NsStyleSet    *styles;       /* at preview size, as last read from GIMP (blends aside) */
  gboolean       full_inputs;  /* the preview holds OK's inputs for the 100% view */
  gboolean       zoomed;       /* the view shows parts of the final picture */
} Dialog;

/* ---- values <-> controls --------------------------------------------------- */

static void
read_controls (Dialog *d)
{
  NsValues *v = &d->values;

  ns_style_rows_get (d->rows, v);
  if (d->controls != NULL)   /* built after the style rows */
    ns_param_controls_get (d->controls, &v->params);
}

/* The settings pane as tall as the settings, up to its most: the dialog
 * grows with a new style row while the screen has room, then they scroll. */
static void
fit_settings (Dialog *d)
{
  int minimum = 0, natural = 0;
  gtk_widget_get_preferred_height (gtk_bin_get_child (GTK_BIN (d->settings)), &minimum, &natural);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (d->settings),
                                              MIN (natural, d->settings_max_height));
}

/* ---- live preview ----------------------------------------------------------- */

/* A frame of the 100% view: its progress, or the part itself. */
static void
on_part_frame (Dialog *d, const NsPreviewFrame *frame)
{
  g_autofree char *status = NULL;
  if (frame->image != NULL)
    {
      GtkWidget *view = ns_preview_area_view (d->preview_area);
      ns_zoom_view_set_detail (view, frame->image, frame->original, frame->x, frame->y);
      ns_zoom_view_set_waiting (view, FALSE);
      status = g_strdup_printf (_("100%% view, as OK makes it: %d × %d px at %d, %d · %.1f s"),
                                frame->image->width, frame->image->height, frame->x, frame->y, frame->seconds);
    }
  else if (frame->tiles > 0)
    status = g_strdup_printf (_("100%% view: brushwork, tile %d of %d"), frame->tiles_done,
                              frame->tiles);
  else
    status = g_strdup_printf (_("100%% view: optimising, iteration %d of %d · %.0f s"),
                              frame->iteration, frame->iterations, frame->seconds);
  ns_preview_area_set_status (d->preview_area, status);
}

static void
on_preview_frame (const NsPreviewFrame *frame, gpointer data)
{
  Dialog *d = data;
  g_autofree char *status = NULL;

  if (frame->part)
    {
      on_part_frame (d, frame);
      return;
    }
  ns_preview_area_set_image (d->preview_area, frame->image);
  /* Short enough for one line, so the dialog never changes height. */
  if (frame->finished)
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done: %d iteration, %.1f s",
                                           "Done: %d iterations, %.1f s", frame->iteration),
                              frame->iteration, frame->seconds);
  else
    status = g_strdup_printf (_("Iteration %d of %d · %.1f s"), frame->iteration, frame->iterations,
                              frame->seconds);
  ns_preview_area_set_status (d->preview_area, status);
}

static void
on_preview_error (const GError *error, gpointer data)
{
  Dialog *d = data;
  g_autofree char *status = g_strdup_printf (_("No preview: %s"), error->message);
  ns_zoom_view_set_waiting (ns_preview_area_view (d->preview_area), FALSE);
  ns_preview_area_set_status (d->preview_area, status);
}

/* The final picture's size (the working size of the layer). */
static void
picture_size (const Dialog *d, int *width, int *height)
{
  int w = gimp_drawable_width (d->drawable_id), h = gimp_drawable_height (d->drawable_id);
  int size = d->values.params.size > 0 ? d->values.params.size : MAX (w, h);
  double scale = (double) size / MAX (1, MAX (w, h));
  *width = MAX (1, (int) lround (w * scale));
  *height = MAX (1, (int) lround (h * scale));
}

/* Hands OK's inputs (the layers at their own sizes) to the preview, once
 * per choice of styles; FALSE with the reason shown if there are none. */
static gboolean
send_full_inputs (Dialog *d)
{
  if (d->full_inputs)
    return TRUE;
  g_autoptr (GError) error = NULL;
  g_autoptr (NsImage) content = NULL;
  g_autoptr (NsStyleSet) styles = NULL;
  if (!d->host->read_inputs (d->image_id, d->drawable_id, &d->values, &content, &styles, &error))
    {
      g_autofree char *text = g_strdup_printf (_("No 100%% view: %s"), error->message);
      ns_preview_area_set_status (d->preview_area, text);
      return FALSE;
    }
  d->full_inputs = ns_preview_set_full_inputs (d->preview, content, ns_style_set_styles (styles),
                                               ns_style_set_count (styles));
  return d->full_inputs;
}

/* The visible part of the final picture, a little more around it so a
 * small pan needs nothing new, made as OK makes it. */
static void
show_part (Dialog *d)
{
  enum { MARGIN = 32 };
  int x, y, width, height;
  GtkWidget *view = ns_preview_area_view (d->preview_area);
  if (!ns_zoom_view_visible (view, &x, &y, &width, &height) || !send_full_inputs (d))
    return;
  NsParams params = d->values.params;
  params.memory_limit_mb = 0;   /* what the machine has now */
  ns_zoom_view_set_waiting (view, TRUE);
  ns_preview_show_part (d->preview, &params, x - MARGIN, y - MARGIN, width + 2 * MARGIN, height + 2 * MARGIN);
}

/* warm: continue from the picture on screen (a weight changed) rather than
 * start over (the starting image or its noise changed). */
static void
restart_preview (Dialog *d, gboolean warm)
{
  if (d->preview == NULL || d->updating)
    return;
  read_controls (d);
  int width, height;
  picture_size (d, &width, &height);
  ns_zoom_view_set_picture_size (ns_preview_area_view (d->preview_area), width, height);
  if (d->zoomed)
    {
      show_part (d);
      return;
    }
  /* No larger than the final picture: the brush size is relative to the
   * working size, so a sketch above it would show finer strokes than OK. */
  NsParams params;
  ns_preview_params (&d->values.params, MIN (NS_PREVIEW_SIZE, MAX (width, height)), &params);
  ns_preview_restart (d->preview, &params, warm);
}

/* Zoomed in, the view shows parts of the final picture; fitted, the
 * sketch of the whole. */
static void
on_view_changed (GtkWidget *area, gpointer data)
{
  Dialog *d = data;
  gboolean fitted = TRUE;
  if (d->preview_area == NULL || d->preview == NULL)
    return;
  ns_zoom_view_get_zoom (ns_preview_area_view (area), &fitted);
  gboolean was_zoomed = d->zoomed;
  d->zoomed = !fitted;
  if (d->zoomed)
    show_part (d);
  else if (was_zoomed)
    restart_preview (d, TRUE);
}

/* A region or area at the preview size of its drawable (NULL: everywhere,
 * or GIMP gave nothing, which the preview can live with). */
static NsMask *
read_preview_mask (const Dialog *d, gint32 where, gint32 drawable_id, const NsImage *size)
{
  if (where == NS_WHERE_EVERYWHERE || size == NULL)
    return NULL;
  g_autoptr (NsMask) mask = d->host->read_mask (where, drawable_id, NULL);
  return mask != NULL ? ns_mask_resize (mask, size->width, size->height) : NULL;
}

/* Hands the styles with the current blends to the preview. */
static void
send_preview_styles (Dialog *d)
{
  read_controls (d);
  for (int i = 0; i < ns_style_set_count (d->styles); i++)
    ns_style_set_set_blend (d->styles, i, d->values.styles[i].blend);
  ns_preview_set_styles (d->preview, ns_style_set_styles (d->styles), ns_style_set_count (d->styles));
}

/* Reads the styles (layers at preview size, their regions over the content
 * and areas of their images) and hands them to the preview; FALSE if GIMP
 * gave nothing. */
static gboolean
load_preview_styles (Dialog *d, const NsImage *content)
{
  g_clear_pointer (&d->styles, ns_style_set_free);
  d->styles = ns_style_set_new ();
  read_controls (d);
  for (int i = 0; i < d->values.n_styles; i++)
    {
      const NsStyleValues *s = &d->values.styles[i];
      NsImage *image = s->drawable != -1 ? ns_thumbnail_read (s->drawable, NS_PREVIEW_SIZE) : NULL;
      if (image == NULL)
        return FALSE;
      NsStyle style = { image, s->blend, read_preview_mask (d, s->region, d->drawable_id, content),
                        read_preview_mask (d, s->area, s->drawable, image) };
      ns_style_set_add (d->styles, &style, NS_STYLE_TAKE_ALL, NULL);
    }
  send_preview_styles (d);
  return TRUE;
}

static void
start_preview (Dialog *d)
{
  /* The unstyled picture first: never an empty frame, even with no preview. */
  g_autoptr (NsImage) content = ns_thumbnail_read (d->drawable_id, NS_PREVIEW_SIZE);
  int width, height;
  picture_size (d, &width, &height);
  ns_zoom_view_set_picture_size (ns_preview_area_view (d->preview_area), width, height);
  ns_preview_area_set_original (d->preview_area, content);

  if (d->model == NULL)
    {
      /* The loader's own words: a corrupt file is not a missing one. */
      const char *cause = d->model_error != NULL ? d->model_error->message : _("unknown error");
      g_autofree char *text = g_strdup_printf (_("No preview: the network weights could not be loaded: %s"),
                                               cause);   /* the loader's message says how to get weights */
      ns_preview_area_set_status (d->preview_area, text);
      return;
    }
  if (ns_style_rows_layer_count (d->rows) == 0)
    {
      ns_preview_area_set_status (d->preview_area,
                                  _("Open the picture whose style you want in GIMP; it will be listed here."));
      return;
    }
  d->preview = ns_preview_new (d->model, NULL, on_preview_frame, on_preview_error, d);
  d->content = content != NULL ? ns_image_copy (content) : NULL;
  if (content != NULL)
    ns_preview_set_content (d->preview, content);
  if (content == NULL || !load_preview_styles (d, content))
    {
      g_clear_pointer (&d->preview, ns_preview_free);
      ns_preview_area_set_status (d->preview_area, _("No preview: GIMP gave no thumbnail of these layers."));
      return;
    }
  ns_preview_area_set_status (d->preview_area, _("Painting…"));
  restart_preview (d, FALSE);
}

/* ---- control callbacks ------------------------------------------------------- */

static void
update_estimate (Dialog *d)
{
  read_controls (d);
  ns_param_controls_update_estimate (d->controls, d->model, &d->values.params);
}

/* A style row changed: its blend only (the images stay), or more. */
static void
on_styles_changed (NsStyleRowsChange change, gpointer data)
{
  Dialog *d = data;
  gboolean have_style = ns_style_rows_layer_count (d->rows) > 0;
  update_estimate (d);
  if (d->settings != NULL)
    fit_settings (d);
  if (d->preview == NULL || d->updating || !have_style)
    return;
  d->full_inputs = FALSE;   /* read again when the 100% view needs them */
  if (change == NS_STYLE_ROWS_BLENDS)
    send_preview_styles (d);
  else if (!load_preview_styles (d, d->content))
    return;
  restart_preview (d, TRUE);
}

/* A parameter changed: the estimate and the preview follow what it changes
 * (its row's effects). */
static void
on_param_changed (const NsParamSpec *spec, gpointer data)
{
  Dialog *d = data;
  if (spec->effects & NS_EFFECT_COST)
    update_estimate (d);
  if (spec->effects & NS_EFFECT_START)
    restart_preview (d, FALSE);
  else if (spec->effects & NS_EFFECT_LOOK)
    restart_preview (d, TRUE);
}

/* Every parameter back to its default; the styles stay as chosen. */
static void
reset_controls (Dialog *d)
{
  d->updating = TRUE;
  ns_param_controls_reset (d->controls);
  d->updating = FALSE;
  update_estimate (d);
  restart_preview (d, FALSE);
}

/* ---- layout ------------------------------------------------------------------- */

static GtkWidget *
build_settings (Dialog *d)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  int row = 0;

  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);

  GtkSizeGroup *labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  GtkSizeGroup *spins = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_grid_attach (grid, ns_param_controls_heading (_("Styles")), 0, row++, 3, 1);
  d->rows = ns_style_rows_new (d->drawable_id, &d->values, labels, spins, on_styles_changed, d);
  gtk_grid_attach (grid, d->rows, 0, row++, 3, 1);
  d->controls = ns_param_controls_new (grid, &row, &d->values.params, gimp_drawable_width (d->drawable_id),
                                       gimp_drawable_height (d->drawable_id), on_param_changed, d);

  /* The rows' columns line up with these. */
  for (int r = 0; r < row; r++)
    {
      GtkWidget *label = gtk_grid_get_child_at (grid, 0, r), *spin = gtk_grid_get_child_at (grid, 2, r);
      if (label != NULL && GTK_IS_LABEL (label) && gtk_grid_get_child_at (grid, 1, r) != label)
        gtk_size_group_add_widget (labels, label);
      if (spin != NULL && GTK_IS_SPIN_BUTTON (spin))
        gtk_size_group_add_widget (spins, spin);
    }
  g_object_unref (labels);
  g_object_unref (spins);
  return GTK_WIDGET (grid);
}

/* The settings scroll when the screen is too low for them (the preview
 * keeps its size): at most the screen's height less room for the window's
 * title, the buttons and the preview's toolbar. */
static GtkWidget *
build_settings_pane (Dialog *d)
{
  GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);
  d->settings = scrolled;
  d->settings_max_height = 600;
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  GdkDisplay *display = gdk_display_get_default ();
  GdkMonitor *monitor = display != NULL ? gdk_display_get_primary_monitor (display) : NULL;
  if (monitor == NULL && display != NULL && gdk_display_get_n_monitors (display) > 0)
    monitor = gdk_display_get_monitor (display, 0);
  if (monitor != NULL)
    {
      GdkRectangle area;
      gdk_monitor_get_workarea (monitor, &area);
      d->settings_max_height = MAX (area.height - 160, 200);
    }
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), d->settings_max_height);
  gtk_container_add (GTK_CONTAINER (scrolled), build_settings (d));
  /* The settings at their natural height (else the style rows' own
   * scrolled list shrinks to its minimum). */
  gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (gtk_bin_get_child (GTK_BIN (scrolled))), GTK_SCROLL_NATURAL);
  return scrolled;
}

/* Keeps the dialog above the image window it was started from (what
 * libgimpui's gimp_window_set_transient() does for GTK 2 plug-ins). */
static void
set_transient_for_gimp (GtkWidget *dialog)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gtk_widget_get_display (dialog);
  gint handle = gimp_progress_get_window_handle ();

  if (handle == 0 || !GDK_IS_X11_DISPLAY (display))
    return;
  GdkWindow *parent = gdk_x11_window_foreign_new_for_display (display, (Window) handle);
  if (parent == NULL)
    return;
  gtk_widget_realize (dialog);
  gdk_window_set_transient_for (gtk_widget_get_window (dialog), parent);
  g_object_unref (parent);
#endif
}

static void
build_dialog (Dialog *d)
{
  d->dialog = gtk_dialog_new_with_buttons (_("Neural Style"), NULL, 0,
                                           _("_Reset"), RESPONSE_RESET,
                                           _("_Cancel"), GTK_RESPONSE_CANCEL,
                                           _("_OK"), GTK_RESPONSE_OK,
                                           NULL);
  gtk_window_set_role (GTK_WINDOW (d->dialog), "gimp-neural-style");
  gtk_dialog_set_default_response (GTK_DIALOG (d->dialog), GTK_RESPONSE_OK);
  gtk_window_set_position (GTK_WINDOW (d->dialog), GTK_WIN_POS_MOUSE);
  gtk_container_set_border_width (GTK_CONTAINER (d->dialog), 6);

  /* Reset stands apart, at the far left, as in GIMP's filter dialogs. */
  GtkWidget *reset = gtk_dialog_get_widget_for_response (GTK_DIALOG (d->dialog), RESPONSE_RESET);
  gtk_widget_set_tooltip_text (reset, _("Put every setting back to its default"));
  if (GTK_IS_BUTTON_BOX (gtk_widget_get_parent (reset)))
    gtk_button_box_set_child_secondary (GTK_BUTTON_BOX (gtk_widget_get_parent (reset)), reset, TRUE);

  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_container_set_border_width (GTK_CONTAINER (hbox), 6);
  d->preview_area = ns_preview_area_new (NS_PREVIEW_AREA_SIZE, on_view_changed, d);
  gtk_box_pack_start (GTK_BOX (hbox), d->preview_area, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (hbox), build_settings_pane (d), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (d->dialog))), hbox, TRUE, TRUE, 0);

  gboolean have_style = ns_style_rows_layer_count (d->rows) > 0;
  gtk_dialog_set_response_sensitive (GTK_DIALOG (d->dialog), GTK_RESPONSE_OK, have_style);
  update_estimate (d);
  gtk_widget_show_all (hbox);
  fit_settings (d);
  /* Return means OK, not the first zoom button. */
  gtk_widget_grab_focus (gtk_dialog_get_widget_for_response (GTK_DIALOG (d->dialog),
                                                             have_style ? GTK_RESPONSE_OK : GTK_RESPONSE_CANCEL));
}

gboolean
ns_dialog_run (gint32 image_id, gint32 drawable_id, NsValues *values, const NsDialogHost *host,
               const NsModel *model, const GError *model_error, GError **error)
{
  if (!gtk_init_check (NULL, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Neural Style cannot open its dialog: no display (run it non-interactively "
                             "from scripts)"));
      return FALSE;
    }

  Dialog d = { .image_id = image_id, .drawable_id = drawable_id, .host = host, .model = model,
               .model_error = model_error, .values = *values };
  build_dialog (&d);
  set_transient_for_gimp (d.dialog);
  start_preview (&d);

  gint response;
  while ((response = gtk_dialog_run (GTK_DIALOG (d.dialog))) == RESPONSE_RESET)
    reset_controls (&d);

  gboolean ok = response == GTK_RESPONSE_OK;
  if (ok)
    {
      read_controls (&d);
      *values = d.values;
    }
  /* Out of sight at once; then stop the preview before its widgets go away
   * (that waits for the worker to finish its current iteration). */
  gtk_widget_hide (d.dialog);
  g_clear_pointer (&d.preview, ns_preview_free);
  gtk_widget_destroy (d.dialog);
  g_clear_pointer (&d.controls, ns_param_controls_free);
  g_clear_pointer (&d.styles, ns_style_set_free);
  g_clear_pointer (&d.content, ns_image_free);
  while (gtk_events_pending ())
    gtk_main_iteration ();
  return ok;
}
