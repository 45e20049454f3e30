/* ns-preview-area.h: the framed picture of the live preview with a status
 * line under it. Shows whatever NsImage it was last given, scaled to fit. */
#pragma once

#include <gtk/gtk.h>

#include "neural-style.h"

/* A box holding the picture (size x size pixels at least) and the status. */
GtkWidget *ns_preview_area_new        (int size);
/* Copies image and redraws. */
void       ns_preview_area_set_image  (GtkWidget *area, const NsImage *image);
void       ns_preview_area_set_status (GtkWidget *area, const char *text);
