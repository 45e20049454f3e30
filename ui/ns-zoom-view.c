/* ns-zoom-view.c: the preview's zoomable picture (ns-zoom-view.h). */
#include "ns-zoom-view.h"

#include <math.h>

#define SPLIT_GRAB 6   /* pixels either side of the split line that grab it */

typedef enum { DRAG_NONE, DRAG_PAN, DRAG_SPLIT } Drag;

typedef struct
{
  GtkWidget       *widget;
  NsZoomViewFunc   changed;
  gpointer         user_data;
  int              width, height;      /* the final picture */
  int              view_width, view_height;   /* the last allocation */
  double           zoom;               /* NS_ZOOM_VIEW_FIT or screen pixels per picture pixel */
  double           cx, cy;             /* the picture point at the view's centre */
  cairo_surface_t *sketch, *original;  /* whole pictures, any size */
  cairo_surface_t *detail, *detail_original;
  int              detail_x, detail_y;
  gboolean         split, holding;     /* holding: the right button shows the original */
  gboolean         waiting;            /* a new detail is being made */
  double           split_at;           /* the line, as a share of the view's width */
  Drag             drag;
  double           drag_x, drag_y;
} ZoomView;

static ZoomView *
zoom_view (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "ns-zoom-view");
}

static cairo_surface_t *
surface_from_image (const NsImage *image)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width, image->height);
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < image->height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      const float *src = image->pixels + (gsize) y * image->width * 3;
      for (int x = 0; x < image->width; x++, src += 3)
        {
          guint32 rgb = 0;
          for (int c = 0; c < 3; c++)
            rgb = (rgb << 8) | (guint32) lrintf (CLAMP (src[c], 0.0f, 1.0f) * 255.0f);
          row[x] = rgb;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
replace_surface (cairo_surface_t **slot, const NsImage *image)
{
  g_clear_pointer (slot, cairo_surface_destroy);
  if (image != NULL)
    *slot = surface_from_image (image);
}

static double
fit_scale (const ZoomView *v)
{
  int w = gtk_widget_get_allocated_width (v->widget), h = gtk_widget_get_allocated_height (v->widget);
  if (v->width <= 0 || v->height <= 0 || w <= 1 || h <= 1)
    return 1.0;
  return MIN ((double) w / v->width, (double) h / v->height);
}

static double
scale_of (const ZoomView *v)
{
  return v->zoom == NS_ZOOM_VIEW_FIT ? fit_scale (v) : v->zoom;
}

/* Keeps the picture over the view where it is larger, centred where not. */
static void
clamp_centre (ZoomView *v)
{
  double s = scale_of (v);
  double half_w = gtk_widget_get_allocated_width (v->widget) / 2.0 / s;
  double half_h = gtk_widget_get_allocated_height (v->widget) / 2.0 / s;
  v->cx = v->width > 2 * half_w ? CLAMP (v->cx, half_w, v->width - half_w) : v->width / 2.0;
  v->cy = v->height > 2 * half_h ? CLAMP (v->cy, half_h, v->height - half_h) : v->height / 2.0;
}

/* Where the picture's (0, 0) lands on screen: whole pixels, so that zoom 1
 * shows each picture pixel on one screen pixel. */
static void
origin (const ZoomView *v, double *ox, double *oy)
{
  double s = scale_of (v);
  *ox = floor (gtk_widget_get_allocated_width (v->widget) / 2.0 - v->cx * s + 0.5);
  *oy = floor (gtk_widget_get_allocated_height (v->widget) / 2.0 - v->cy * s + 0.5);
}

static void
notify (ZoomView *v)
{
  gtk_widget_queue_draw (v->widget);
  if (v->changed != NULL)
    v->changed (v->widget, v->user_data);
}

/* Paints surface, standing for a picture part of part_w x part_h at
 * (x, y), into the current clip; sharp: enlarged pixels stay squares. */
static void
paint_surface (cairo_t *cr, const ZoomView *v, cairo_surface_t *surface, double x, double y, double part_w,
               double part_h, gboolean sharp)
{
  if (surface == NULL)
    return;
  double s = scale_of (v), ox, oy;
  origin (v, &ox, &oy);
  double sx = part_w * s / cairo_image_surface_get_width (surface);
  double sy = part_h * s / cairo_image_surface_get_height (surface);
  cairo_save (cr);
  cairo_translate (cr, ox + x * s, oy + y * s);
  cairo_scale (cr, sx, sy);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), sharp && sx >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, cairo_image_surface_get_width (surface), cairo_image_surface_get_height (surface));
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The result (or the original): the whole picture, smoothly enlarged, then
 * the detail over it, its pixels as squares when zoomed in (as GIMP at
 * 200%). */
static void
paint_picture (cairo_t *cr, const ZoomView *v, gboolean original)
{
  cairo_surface_t *whole = original || v->sketch == NULL ? v->original : v->sketch;
  cairo_surface_t *detail = original ? v->detail_original : v->detail;
  paint_surface (cr, v, whole, 0, 0, v->width, v->height, FALSE);
  if (detail != NULL)
    paint_surface (cr, v, detail, v->detail_x, v->detail_y, cairo_image_surface_get_width (detail),
                   cairo_image_surface_get_height (detail), TRUE);
}

/* The line over the picture's height on screen, top to bottom. */
static void
paint_split_line (cairo_t *cr, double x, double top, double bottom)
{
  static const double dash[] = { 4.0, 4.0 };
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, x + 0.5, top);
  cairo_line_to (cr, x + 0.5, bottom);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  /* A handle to take hold of, mid-height. */
  cairo_arc (cr, x + 0.5, (top + bottom) / 2, SPLIT_GRAB, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_stroke (cr);
}

static void paint_split (cairo_t *cr, ZoomView *v, int w, int h);

/* A badge in the top-left corner while the detail is being made: what
 * shows is not yet the final picture there. */
static void
paint_waiting (cairo_t *cr)
{
  cairo_rectangle (cr, NS_ZOOM_VIEW_BADGE_X, NS_ZOOM_VIEW_BADGE_Y, NS_ZOOM_VIEW_BADGE_SIZE * 2,
                   NS_ZOOM_VIEW_BADGE_SIZE);
  cairo_set_source_rgb (cr, NS_ZOOM_VIEW_BADGE_GREY / 255.0, NS_ZOOM_VIEW_BADGE_GREY / 255.0,
                        NS_ZOOM_VIEW_BADGE_GREY / 255.0);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  for (int i = 0; i < 3; i++)   /* three dots: "…" */
    {
      cairo_arc (cr, NS_ZOOM_VIEW_BADGE_X + NS_ZOOM_VIEW_BADGE_SIZE * (0.6 + 0.4 * i),
                 NS_ZOOM_VIEW_BADGE_Y + NS_ZOOM_VIEW_BADGE_SIZE / 2.0, 2.0, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static gboolean
on_draw (GtkWidget *widget, cairo_t *cr, ZoomView *v)
{
  int w = gtk_widget_get_allocated_width (widget), h = gtk_widget_get_allocated_height (widget);
  if (v->width <= 0 || v->height <= 0)
    return FALSE;
  clamp_centre (v);
  if (v->holding || !v->split)
    paint_picture (cr, v, v->holding);
  else
    paint_split (cr, v, w, h);
  if (v->waiting && v->zoom != NS_ZOOM_VIEW_FIT)
    paint_waiting (cr);
  return TRUE;
}

/* The original left of the line, the result right of it. */
static void
paint_split (cairo_t *cr, ZoomView *v, int w, int h)
{
  double line = floor (v->split_at * w);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, line, h);
  cairo_clip (cr);
  paint_picture (cr, v, TRUE);
  cairo_restore (cr);
  cairo_save (cr);
  cairo_rectangle (cr, line, 0, w - line, h);
  cairo_clip (cr);
  paint_picture (cr, v, FALSE);
  cairo_restore (cr);
  double ox, oy;
  origin (v, &ox, &oy);
  paint_split_line (cr, line, MAX (0, oy), MIN (h, oy + v->height * scale_of (v)));
}

static gboolean
near_split (const ZoomView *v, double x)
{
  return v->split && fabs (x - floor (v->split_at * gtk_widget_get_allocated_width (v->widget))) <= SPLIT_GRAB;
}

static gboolean
on_press (GtkWidget *widget, GdkEventButton *event, ZoomView *v)
{
  if (event->type != GDK_BUTTON_PRESS)
    return FALSE;
  if (event->button == GDK_BUTTON_SECONDARY)
    {
      v->holding = TRUE;
      gtk_widget_queue_draw (widget);
      return TRUE;
    }
  if (event->button != GDK_BUTTON_PRIMARY)
    return FALSE;
  v->drag = near_split (v, event->x) ? DRAG_SPLIT : v->zoom != NS_ZOOM_VIEW_FIT ? DRAG_PAN : DRAG_NONE;
  v->drag_x = event->x;
  v->drag_y = event->y;
  return v->drag != DRAG_NONE;
}

static gboolean
on_release (GtkWidget *widget, GdkEventButton *event, ZoomView *v)
{
  if (event->button == GDK_BUTTON_SECONDARY && v->holding)
    {
      v->holding = FALSE;
      gtk_widget_queue_draw (widget);
      return TRUE;
    }
  if (event->button == GDK_BUTTON_PRIMARY)
    v->drag = DRAG_NONE;
  return FALSE;
}

static void
set_cursor (GtkWidget *widget, const char *name)
{
  GdkWindow *window = gtk_widget_get_window (widget);
  if (window == NULL)
    return;
  g_autoptr (GdkCursor) cursor = name != NULL ? gdk_cursor_new_from_name (gtk_widget_get_display (widget), name)
                                              : NULL;
  gdk_window_set_cursor (window, cursor);
}

static gboolean
on_motion (GtkWidget *widget, GdkEventMotion *event, ZoomView *v)
{
  if (v->drag == DRAG_SPLIT)
    {
      v->split_at = CLAMP (event->x / MAX (1, gtk_widget_get_allocated_width (widget)), 0.0, 1.0);
      gtk_widget_queue_draw (widget);
    }
  else if (v->drag == DRAG_PAN)
    {
      double s = scale_of (v);
      v->cx -= (event->x - v->drag_x) / s;
      v->cy -= (event->y - v->drag_y) / s;
      v->drag_x = event->x;
      v->drag_y = event->y;
      clamp_centre (v);
      notify (v);
    }
  set_cursor (widget, v->drag == DRAG_PAN ? "grabbing"
                      : v->drag == DRAG_SPLIT || near_split (v, event->x) ? "col-resize"
                      : v->zoom != NS_ZOOM_VIEW_FIT ? "grab" : NULL);
  return v->drag != DRAG_NONE;
}

/* Zooms by steps keeping the picture point under (x, y) where it is. */
static void
zoom_at (ZoomView *v, int steps, double x, double y)
{
  double s = scale_of (v), fit = fit_scale (v), ox, oy;
  origin (v, &ox, &oy);
  double px = (x - ox) / s, py = (y - oy) / s;
  double zoom = s * pow (NS_ZOOM_VIEW_STEP, steps);
  if (zoom <= fit * 1.0001 && steps < 0)
    v->zoom = NS_ZOOM_VIEW_FIT;
  else
    v->zoom = CLAMP (zoom, MIN (fit, NS_ZOOM_VIEW_MIN_ZOOM), NS_ZOOM_VIEW_MAX_ZOOM);
  s = scale_of (v);
  int w = gtk_widget_get_allocated_width (v->widget), h = gtk_widget_get_allocated_height (v->widget);
  v->cx = px + (w / 2.0 - x) / s;
  v->cy = py + (h / 2.0 - y) / s;
  clamp_centre (v);
  notify (v);
}

static gboolean
on_scroll (GtkWidget *widget, GdkEventScroll *event, ZoomView *v)
{
  double dx = 0, dy = 0;
  int steps = event->direction == GDK_SCROLL_UP ? 1 : event->direction == GDK_SCROLL_DOWN ? -1 : 0;
  if (event->direction == GDK_SCROLL_SMOOTH && gdk_event_get_scroll_deltas ((GdkEvent *) event, &dx, &dy))
    steps = dy < 0 ? 1 : dy > 0 ? -1 : 0;
  if (steps != 0)
    zoom_at (v, steps, event->x, event->y);
  return TRUE;
}

/* Only a new size changes the visible part (GTK allocates again for any
 * resize of the dialog, e.g. a status text). */
static void
on_size_allocate (GtkWidget *widget, GdkRectangle *allocation, ZoomView *v)
{
  if (allocation->width == v->view_width && allocation->height == v->view_height)
    return;
  v->view_width = allocation->width;
  v->view_height = allocation->height;
  clamp_centre (v);
  if (v->changed != NULL)
    v->changed (widget, v->user_data);
}

static void
zoom_view_free (ZoomView *v)
{
  g_clear_pointer (&v->sketch, cairo_surface_destroy);
  g_clear_pointer (&v->original, cairo_surface_destroy);
  g_clear_pointer (&v->detail, cairo_surface_destroy);
  g_clear_pointer (&v->detail_original, cairo_surface_destroy);
  g_free (v);
}

GtkWidget *
ns_zoom_view_new (int min_size, NsZoomViewFunc changed, gpointer user_data)
{
  ZoomView *v = g_new0 (ZoomView, 1);
  v->widget = gtk_drawing_area_new ();
  v->changed = changed;
  v->user_data = user_data;
  v->split_at = 0.5;
  gtk_widget_set_size_request (v->widget, min_size, min_size);
  gtk_widget_set_hexpand (v->widget, TRUE);
  gtk_widget_set_vexpand (v->widget, TRUE);
  gtk_widget_add_events (v->widget, GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK | GDK_POINTER_MOTION_MASK
                                    | GDK_SCROLL_MASK | GDK_SMOOTH_SCROLL_MASK);
  g_object_set_data_full (G_OBJECT (v->widget), "ns-zoom-view", v, (GDestroyNotify) zoom_view_free);
  g_signal_connect (v->widget, "draw", G_CALLBACK (on_draw), v);
  g_signal_connect (v->widget, "button-press-event", G_CALLBACK (on_press), v);
  g_signal_connect (v->widget, "button-release-event", G_CALLBACK (on_release), v);
  g_signal_connect (v->widget, "motion-notify-event", G_CALLBACK (on_motion), v);
  g_signal_connect (v->widget, "scroll-event", G_CALLBACK (on_scroll), v);
  g_signal_connect (v->widget, "size-allocate", G_CALLBACK (on_size_allocate), v);
  return v->widget;
}

void
ns_zoom_view_set_picture_size (GtkWidget *view, int width, int height)
{
  ZoomView *v = zoom_view (view);
  if (v->width == width && v->height == height)
    return;
  /* The same point stays at the centre. */
  v->cx = v->width > 0 ? v->cx * width / v->width : width / 2.0;
  v->cy = v->height > 0 ? v->cy * height / v->height : height / 2.0;
  v->width = width;
  v->height = height;
  g_clear_pointer (&v->detail, cairo_surface_destroy);
  g_clear_pointer (&v->detail_original, cairo_surface_destroy);
  notify (v);
}

void
ns_zoom_view_set_sketch (GtkWidget *view, const NsImage *image)
{
  replace_surface (&zoom_view (view)->sketch, image);
  gtk_widget_queue_draw (view);
}

void
ns_zoom_view_set_original (GtkWidget *view, const NsImage *image)
{
  replace_surface (&zoom_view (view)->original, image);
  gtk_widget_queue_draw (view);
}

void
ns_zoom_view_set_detail (GtkWidget *view, const NsImage *image, const NsImage *original, int x, int y)
{
  ZoomView *v = zoom_view (view);
  replace_surface (&v->detail, image);
  replace_surface (&v->detail_original, image != NULL ? original : NULL);
  v->detail_x = x;
  v->detail_y = y;
  gtk_widget_queue_draw (view);
}

void
ns_zoom_view_set_waiting (GtkWidget *view, gboolean waiting)
{
  zoom_view (view)->waiting = waiting;
  gtk_widget_queue_draw (view);
}

void
ns_zoom_view_set_zoom (GtkWidget *view, double zoom)
{
  ZoomView *v = zoom_view (view);
  v->zoom = zoom == NS_ZOOM_VIEW_FIT ? zoom : CLAMP (zoom, NS_ZOOM_VIEW_MIN_ZOOM, NS_ZOOM_VIEW_MAX_ZOOM);
  clamp_centre (v);
  notify (v);
}

void
ns_zoom_view_zoom_by (GtkWidget *view, int steps)
{
  zoom_at (zoom_view (view), steps, gtk_widget_get_allocated_width (view) / 2.0,
           gtk_widget_get_allocated_height (view) / 2.0);
}

double
ns_zoom_view_get_zoom (GtkWidget *view, gboolean *fitted)
{
  ZoomView *v = zoom_view (view);
  if (fitted != NULL)
    *fitted = v->zoom == NS_ZOOM_VIEW_FIT;
  return scale_of (v);
}

gboolean
ns_zoom_view_visible (GtkWidget *view, int *x, int *y, int *width, int *height)
{
  ZoomView *v = zoom_view (view);
  int w = gtk_widget_get_allocated_width (view), h = gtk_widget_get_allocated_height (view);
  if (v->zoom == NS_ZOOM_VIEW_FIT || v->width <= 0 || v->height <= 0 || w <= 1 || h <= 1)
    return FALSE;
  clamp_centre (v);
  double s = scale_of (v), ox, oy;
  origin (v, &ox, &oy);
  int x0 = MAX (0, (int) floor (-ox / s)), y0 = MAX (0, (int) floor (-oy / s));
  int x1 = MIN (v->width, (int) ceil ((w - ox) / s)), y1 = MIN (v->height, (int) ceil ((h - oy) / s));
  if (x1 <= x0 || y1 <= y0)
    return FALSE;
  *x = x0;
  *y = y0;
  *width = x1 - x0;
  *height = y1 - y0;
  return TRUE;
}

void
ns_zoom_view_set_split (GtkWidget *view, gboolean split)
{
  zoom_view (view)->split = split;
  gtk_widget_queue_draw (view);
}
