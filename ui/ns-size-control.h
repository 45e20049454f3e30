/* ns-size-control.h: the "working size" row of the dialog: presets
 * (Preview, Fast, Full size, Custom) with a pixel count, and under it the
 * estimated time and memory at that size. */
#pragma once

#include <gtk/gtk.h>

#include "neural-style.h"

#define NS_SIZE_CONTROL_ROWS 2

/* Attaches its rows to grid from row on, with label (a mnemonic) and
 * tooltip, both translated; size 0 = the drawable's own. changed(data)
 * runs whenever the size changes. Returns the control. */
GtkWidget *ns_size_control_new (GtkGrid *grid, int row, const char *label, const char *tooltip,
                                int drawable_width, int drawable_height, int size,
                                void (*changed) (gpointer data), gpointer data);
/* Long side in pixels, or 0 for the drawable's own size. */
int        ns_size_control_get_size (GtkWidget *control);
void       ns_size_control_set_size (GtkWidget *control, int size);
/* Rewrites the estimate line for params (model NULL: says why there is none). */
void       ns_size_control_update_estimate (GtkWidget *control, const NsModel *model,
                                            const NsParams *params);
