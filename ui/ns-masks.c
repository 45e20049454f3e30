/* ns-masks.c: channels, layer masks and the selection through GEGL. */
#include "ns-masks.h"
#include "ns-values.h"

#include <gegl.h>
#include <glib/gi18n-lib.h>

gboolean
ns_masks_check (gint32 mask_id, gint32 image_id, const char *what, GError **error)
{
  if (!gimp_item_is_valid (mask_id) || !(gimp_item_is_channel (mask_id) || gimp_item_is_layer_mask (mask_id)))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                   _("%s: %d is not a channel or a layer mask (use -1 for all of it)"), what, mask_id);
      return FALSE;
    }
  if (gimp_item_get_image (mask_id) != image_id)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                   _("%s: the channel (ID %d) belongs to another image (ID %d, not %d)"), what, mask_id,
                   gimp_item_get_image (mask_id), image_id);
      return FALSE;
    }
  return TRUE;
}

NsMask *
ns_masks_read (gint32 where, gint32 drawable_id, gint x, gint y, gint width, gint height, GError **error)
{
  gboolean outside = where == NS_WHERE_OUTSIDE_SELECTION;
  gint32 mask_id = where == NS_WHERE_SELECTION || outside
                   ? gimp_image_get_selection (gimp_item_get_image (drawable_id)) : where;
  gint drawable_x, drawable_y, mask_x, mask_y;
  gsize n = (gsize) MAX (width, 0) * MAX (height, 0);
  g_autofree gfloat *values = n <= G_MAXSIZE / sizeof (gfloat) ? g_try_malloc (n * sizeof (gfloat)) : NULL;
  GeglBuffer *buffer = values != NULL && gimp_drawable_offsets (drawable_id, &drawable_x, &drawable_y)
                       && gimp_drawable_offsets (mask_id, &mask_x, &mask_y)
                       ? gimp_drawable_get_buffer (mask_id) : NULL;
  if (buffer == NULL)
    {
      if (values == NULL)
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("Not enough memory for a mask of %d x %d"),
                     width, height);
      else
        g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP gave no pixels of the channel (ID %d)"), mask_id);
      return NULL;
    }
  /* Image coordinates of the rectangle, then the mask's own. */
  gegl_buffer_get (buffer, GEGL_RECTANGLE (drawable_x + x - mask_x, drawable_y + y - mask_y, width, height), 1.0,
                   babl_format ("Y float"), values, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  if (outside)
    for (gsize i = 0; i < n; i++)
      values[i] = 1.0f - values[i];
  return ns_mask_from_pixels (values, width, height, (gsize) width * sizeof (gfloat), 1, NS_SAMPLES_FLOAT, error);
}
