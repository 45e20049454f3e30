/* ns-style-picker.c: style layer combo box. */
#include "ns-style-picker.h"
#include "ns-thumbnail.h"

enum { COL_ID, COL_ICON, COL_LABEL, COL_IMAGE, N_COLS };

#define ICON_SIZE 24

static void
add_layers (GtkListStore *store, gint32 image_id, const char *prefix,
            const gint *layers, gint n_layers, gint32 exclude)
{
  for (gint i = 0; i < n_layers; i++)
    {
      gint32 id = layers[i];
      g_autofree gchar *name = gimp_item_get_name (id);
      g_autofree gchar *label = g_strdup_printf ("%s / %s", prefix, name);

      if (id != exclude)
        {
          GdkPixbuf *icon = ns_thumbnail_icon (id, ICON_SIZE);
          GtkTreeIter iter;
          gtk_list_store_append (store, &iter);
          gtk_list_store_set (store, &iter, COL_ID, id, COL_ICON, icon, COL_LABEL, label,
                              COL_IMAGE, image_id, -1);
          g_clear_object (&icon);
        }
      /* A group is offered as a whole and by its members. */
      if (gimp_item_is_group (id))
        {
          gint n_children = 0;
          g_autofree gint *children = gimp_item_get_children (id, &n_children);
          add_layers (store, image_id, label, children, n_children, exclude);
        }
    }
}

static GtkListStore *
list_layers (gint32 exclude)
{
  GtkListStore *store = gtk_list_store_new (N_COLS, G_TYPE_INT, GDK_TYPE_PIXBUF, G_TYPE_STRING, G_TYPE_INT);
  gint n_images = 0;
  g_autofree gint *images = gimp_image_list (&n_images);

  for (gint i = 0; i < n_images; i++)
    {
      g_autofree gchar *image_name = gimp_image_get_name (images[i]);
      g_autofree gchar *prefix = g_strdup_printf ("%s-%d", image_name, images[i]);
      gint n_layers = 0;
      g_autofree gint *layers = gimp_image_get_layers (images[i], &n_layers);
      add_layers (store, images[i], prefix, layers, n_layers, exclude);
    }
  return store;
}

/* Row to select: preferred, else the first layer of an image other than the
 * content's (most likely the painting the user opened for this), else 0. */
static int
choose_row (GtkTreeModel *model, gint32 exclude, gint32 preferred)
{
  gint32 content_image = gimp_item_get_image (exclude);
  int first_other = -1, row = 0;
  GtkTreeIter iter;

  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok;
       ok = gtk_tree_model_iter_next (model, &iter), row++)
    {
      gint id, image;
      gtk_tree_model_get (model, &iter, COL_ID, &id, COL_IMAGE, &image, -1);
      if (id == preferred)
        return row;
      if (first_other < 0 && image != content_image)
        first_other = row;
    }
  return first_other >= 0 ? first_other : 0;
}

GtkWidget *
ns_style_picker_new (gint32 exclude_drawable, gint32 preferred)
{
  GtkListStore *store = list_layers (exclude_drawable);
  GtkWidget *combo = gtk_combo_box_new_with_model (GTK_TREE_MODEL (store));
  GtkCellRenderer *icon = gtk_cell_renderer_pixbuf_new ();
  GtkCellRenderer *text = gtk_cell_renderer_text_new ();

  g_object_set (text, "ellipsize", PANGO_ELLIPSIZE_MIDDLE, "width-chars", 24, NULL);
  gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (combo), icon, FALSE);
  gtk_cell_layout_add_attribute (GTK_CELL_LAYOUT (combo), icon, "pixbuf", COL_ICON);
  gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (combo), text, TRUE);
  gtk_cell_layout_add_attribute (GTK_CELL_LAYOUT (combo), text, "text", COL_LABEL);

  if (gtk_tree_model_iter_n_children (GTK_TREE_MODEL (store), NULL) > 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (combo),
                              choose_row (GTK_TREE_MODEL (store), exclude_drawable, preferred));
  else
    gtk_widget_set_sensitive (combo, FALSE);
  g_object_unref (store);
  return combo;
}

gint32
ns_style_picker_get_active (GtkWidget *picker)
{
  GtkTreeIter iter;
  gint id = -1;

  if (gtk_combo_box_get_active_iter (GTK_COMBO_BOX (picker), &iter))
    gtk_tree_model_get (gtk_combo_box_get_model (GTK_COMBO_BOX (picker)), &iter, COL_ID, &id, -1);
  return id;
}

int
ns_style_picker_count (GtkWidget *picker)
{
  return gtk_tree_model_iter_n_children (gtk_combo_box_get_model (GTK_COMBO_BOX (picker)), NULL);
}
