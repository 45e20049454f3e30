/* ns-preview-area.h: the dialog's preview pane: the zoomable picture
 * (ns-zoom-view.h) with its zoom buttons, the zoom level, the before/after
 * split toggle and a status line. Main thread only. */
#pragma once

#include <gtk/gtk.h>

#include "neural-style.h"

/* The picture's least size on screen, on each side. */
#define NS_PREVIEW_AREA_SIZE 480

/* The zoom or the visible part changed. */
typedef void (*NsPreviewAreaFunc) (GtkWidget *area, gpointer user_data);

/* A pane whose picture is at least min_size pixels square and grows. */
GtkWidget *ns_preview_area_new          (int min_size, NsPreviewAreaFunc view_changed, gpointer user_data);
/* The zoomable picture, for ns_zoom_view_*(). */
GtkWidget *ns_preview_area_view         (GtkWidget *area);
/* The whole picture as painted so far (any size); copied. */
void       ns_preview_area_set_image    (GtkWidget *area, const NsImage *image);
/* The unstyled picture (any size); copied. */
void       ns_preview_area_set_original (GtkWidget *area, const NsImage *image);
void       ns_preview_area_set_status   (GtkWidget *area, const char *text);
