/* ns-style-rows.h: the dialog's styles: one row per style (layer picker with
 * thumbnails, blend weight, where it goes, and whether only the selected
 * part of its image is used), with add and remove buttons, 1 to
 * NS_MAX_STYLES rows. Main thread only. */
#pragma once

#include <gtk/gtk.h>

#include "ns-dialog-values.h"

typedef enum
{
  NS_STYLE_ROWS_BLENDS,   /* only a blend weight moved */
  NS_STYLE_ROWS_STYLES    /* a layer, region or area changed, or a row came or went */
} NsStyleRowsChange;

typedef void (*NsStyleRowsFunc) (NsStyleRowsChange change, gpointer user_data);

/* Rows for the styles of values (a style whose layer is gone is dropped; the
 * first row then offers the default layer). labels and spins line the rows'
 * columns up with the dialog's (may be NULL). */
GtkWidget *ns_style_rows_new (gint32 drawable_id, const NsValues *values, GtkSizeGroup *labels,
                              GtkSizeGroup *spins, NsStyleRowsFunc changed, gpointer user_data);
/* Writes the rows into values->n_styles and values->styles. */
void       ns_style_rows_get (GtkWidget *rows, NsValues *values);
/* How many layers the pickers offer (0: no style can be chosen). */
int        ns_style_rows_layer_count (GtkWidget *rows);
