/* ns-style-picker.h: a combo box of every layer of every open image (with a
 * thumbnail), from which the user picks the style. Main thread only. */
#pragma once

#include <gtk/gtk.h>

/* Lists all layers except exclude_drawable (the content) and selects
 * preferred if it is listed, else the first layer of another image. */
GtkWidget *ns_style_picker_new        (gint32 exclude_drawable, gint32 preferred);
/* The selected drawable ID, or -1 when nothing could be listed. */
gint32     ns_style_picker_get_active (GtkWidget *picker);
int        ns_style_picker_count      (GtkWidget *picker);
