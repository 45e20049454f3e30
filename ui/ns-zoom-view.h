/* ns-zoom-view.h: the preview's zoomable picture: a GtkDrawingArea that
 * shows the final picture (the working size) fitted or at a zoom, panned by
 * dragging, zoomed by the wheel around the pointer, with a before/after
 * split line to drag and the original while the right button is held (as
 * G'MIC-qt's preview).
 *
 * It holds three pictures: the original and a sketch of the whole picture
 * (any size, scaled to the picture's), and a detail: a part of the final
 * picture at its own pixels, drawn over the sketch where it lies. Main
 * thread only. */
#pragma once

#include <gtk/gtk.h>

#include "neural-style.h"

#define NS_ZOOM_VIEW_FIT       0.0
#define NS_ZOOM_VIEW_MIN_ZOOM  0.05
#define NS_ZOOM_VIEW_MAX_ZOOM  8.0
#define NS_ZOOM_VIEW_STEP      1.25   /* one button press or wheel notch */

/* The badge that says, zoomed in, that the detail is being made: a
 * rectangle of this grey, twice as wide as high, at (X, Y) of the view,
 * three white dots in it. */
#define NS_ZOOM_VIEW_BADGE_X     6
#define NS_ZOOM_VIEW_BADGE_Y     6
#define NS_ZOOM_VIEW_BADGE_SIZE  14
#define NS_ZOOM_VIEW_BADGE_GREY  0x30

/* The zoom or the visible part changed (by the user or a call). */
typedef void (*NsZoomViewFunc) (GtkWidget *view, gpointer user_data);

/* A view at least min_size pixels square that grows with its container. */
GtkWidget *ns_zoom_view_new              (int min_size, NsZoomViewFunc changed, gpointer user_data);
/* The final picture's size, which zoom 1 shows pixel for pixel. */
void       ns_zoom_view_set_picture_size (GtkWidget *view, int width, int height);
/* Copies; NULL clears. */
void       ns_zoom_view_set_sketch       (GtkWidget *view, const NsImage *image);
void       ns_zoom_view_set_original     (GtkWidget *view, const NsImage *image);
/* A part of the final picture at (x, y) of it, with the original's pixels
 * there (NULL: the scaled original); both copied. NULL clears. */
void       ns_zoom_view_set_detail       (GtkWidget *view, const NsImage *image, const NsImage *original, int x,
                                          int y);
/* Shows the badge (zoomed in only) until called with FALSE. */
void       ns_zoom_view_set_waiting      (GtkWidget *view, gboolean waiting);
/* NS_ZOOM_VIEW_FIT, or screen pixels per picture pixel (clamped), keeping
 * the centre of the view. */
void       ns_zoom_view_set_zoom         (GtkWidget *view, double zoom);
/* Multiplies the zoom by NS_ZOOM_VIEW_STEP^steps (negative: out); below
 * the fitted zoom it fits. */
void       ns_zoom_view_zoom_by          (GtkWidget *view, int steps);
/* The zoom on screen (also when fitted); *fitted tells which. */
double     ns_zoom_view_get_zoom         (GtkWidget *view, gboolean *fitted);
/* The part of the picture on screen, in its pixels, clipped to it; FALSE
 * when fitted or not yet laid out. */
gboolean   ns_zoom_view_visible          (GtkWidget *view, int *x, int *y, int *width, int *height);
/* The before/after split line (original left of it). */
void       ns_zoom_view_set_split        (GtkWidget *view, gboolean split);
