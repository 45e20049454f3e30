/* ns-plugin-pixels.c: GIMP drawables <-> NsImage and NsMask through GEGL
 * buffers. */
#include "ns-plugin-pixels.h"
#include "ns-dialog.h"

#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

/* The drawable's colour model with alpha, gamma-encoded float: what the
 * engine's pixel functions take as 2 (grey) or 4 (RGB) channels. */
static const Babl *
float_format (gint32 drawable_id, gint *channels)
{
  gboolean grey = gimp_drawable_is_gray (drawable_id);
  *channels = grey ? 2 : 4;
  return babl_format (grey ? "Y'A float" : "R'G'B'A float");
}

static void
set_no_pixels (GError **error, gint32 drawable_id)
{
  g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP gave no pixels of the layer (ID %d)"), drawable_id);
}

static gpointer
try_floats (gsize n, GError **error)
{
  gpointer floats = n <= G_MAXSIZE / sizeof (gfloat) ? g_try_malloc (n * sizeof (gfloat)) : NULL;
  if (floats == NULL)
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("Not enough memory for the layer's pixels; "
                                                     "choose a smaller layer or selection"));
  return floats;
}

NsImage *
ns_pixels_read (gint32 drawable_id, const NsRegion *region, GError **error)
{
  NsRegion all = { 0, 0, gimp_drawable_width (drawable_id), gimp_drawable_height (drawable_id) };
  const NsRegion *r = region != NULL ? region : &all;
  gint channels;
  const Babl *format = float_format (drawable_id, &channels);
  gsize rowstride = (gsize) MAX (r->width, 0) * channels * sizeof (gfloat);
  g_autofree gfloat *samples = try_floats ((gsize) MAX (r->width, 0) * MAX (r->height, 0) * channels, error);
  if (samples == NULL)
    return NULL;

  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable_id);
  if (buffer == NULL)
    {
      set_no_pixels (error, drawable_id);
      return NULL;
    }
  gegl_buffer_get (buffer, GEGL_RECTANGLE (r->x, r->y, r->width, r->height), 1.0, format, samples,
                   rowstride, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  return ns_image_from_pixels (samples, r->width, r->height, rowstride, channels, NS_SAMPLES_FLOAT, error);
}

gboolean
ns_pixels_check_mask (gint32 mask_id, gint32 image_id, const char *what, GError **error)
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
ns_pixels_read_mask (gint32 where, gint32 drawable_id, const NsRegion *region, GError **error)
{
  NsRegion all = { 0, 0, gimp_drawable_width (drawable_id), gimp_drawable_height (drawable_id) };
  const NsRegion *r = region != NULL ? region : &all;
  gboolean outside = where == NS_WHERE_OUTSIDE_SELECTION;
  gint32 mask_id = where == NS_WHERE_SELECTION || outside
                   ? gimp_image_get_selection (gimp_item_get_image (drawable_id)) : where;
  gsize n = (gsize) MAX (r->width, 0) * MAX (r->height, 0);
  g_autofree gfloat *values = try_floats (n, error);
  gint drawable_x, drawable_y, mask_x, mask_y;
  if (values == NULL)
    return NULL;
  GeglBuffer *buffer = gimp_drawable_offsets (drawable_id, &drawable_x, &drawable_y)
                       && gimp_drawable_offsets (mask_id, &mask_x, &mask_y)
                       ? gimp_drawable_get_buffer (mask_id) : NULL;
  if (buffer == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP gave no pixels of the channel (ID %d)"), mask_id);
      return NULL;
    }
  /* Image coordinates of the region, then the mask's own; outside the mask
   * (abyss) is 0. */
  gegl_buffer_get (buffer, GEGL_RECTANGLE (drawable_x + r->x - mask_x, drawable_y + r->y - mask_y, r->width,
                                           r->height), 1.0, babl_format ("Y float"), values, GEGL_AUTO_ROWSTRIDE,
                   GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  if (outside)
    for (gsize i = 0; i < n; i++)
      values[i] = 1.0f - values[i];
  return ns_mask_from_pixels (values, r->width, r->height, (gsize) r->width * sizeof (gfloat), 1,
                              NS_SAMPLES_FLOAT, error);
}

/* The region's new pixels in format (alpha as in original), blended by the
 * selection (if by_selection) and the coverage; nothing in GIMP changes. */
static gfloat *
composite_region (gint32 image_id, gint32 drawable_id, const NsRegion *region, const NsImage *styled,
                  const NsMask *coverage, gboolean by_selection, GeglBuffer *source, const Babl *format,
                  gint channels, GError **error)
{
  gsize n = (gsize) region->width * region->height;
  gsize rowstride = (gsize) region->width * channels * sizeof (gfloat);
  g_autofree gfloat *pixels = try_floats (n * channels, error);
  g_autofree gfloat *colour = pixels != NULL ? try_floats (n * channels, error) : NULL;
  /* The selection's coverage (NULL: 1 everywhere, nothing is selected). */
  gboolean selected = by_selection && !gimp_selection_is_empty (image_id);
  g_autoptr (NsMask) selection = colour != NULL && selected
                                 ? ns_pixels_read_mask (NS_WHERE_SELECTION, drawable_id, region, error) : NULL;
  if (colour == NULL || (selected && selection == NULL))
    return NULL;

  gegl_buffer_get (source, GEGL_RECTANGLE (region->x, region->y, region->width, region->height), 1.0,
                   format, pixels, rowstride, GEGL_ABYSS_NONE);
  /* The styled colours in the drawable's model (grey: luma), its alpha kept. */
  memcpy (colour, pixels, n * channels * sizeof (gfloat));
  ns_image_to_pixels (styled, colour, rowstride, channels, NS_SAMPLES_FLOAT);

  /* The engine has already blended partly covered pixels with the content;
   * uncovered ones keep the drawable's own pixels, exactly. */
  gint n_colour = channels - 1;
  for (gsize i = 0; i < n; i++)
    {
      gfloat s = (selection != NULL ? selection->values[i] : 1.0f)
                 * (coverage == NULL || coverage->values[i] > 0 ? 1.0f : 0.0f);
      if (s <= 0.0f)
        continue;   /* unselected: keep the original exactly */
      for (gint c = 0; c < n_colour; c++)
        {
          gfloat *p = &pixels[i * channels + c];
          *p = s * colour[i * channels + c] + (1.0f - s) * *p;
        }
    }
  return g_steal_pointer (&pixels);
}

gint32
ns_pixels_new_styled_layer (gint32          image_id,
                            gint32          drawable_id,
                            const NsRegion *region,
                            const NsImage  *styled,
                            const NsMask   *coverage,
                            gboolean        by_selection,
                            const gchar    *name,
                            GError        **error)
{
  g_return_val_if_fail (styled->width == region->width && styled->height == region->height, -1);
  g_return_val_if_fail (coverage == NULL || (coverage->width == region->width
                                             && coverage->height == region->height), -1);

  gint channels;
  const Babl *format = float_format (drawable_id, &channels);
  gint off_x, off_y;
  GeglBuffer *source = gimp_drawable_offsets (drawable_id, &off_x, &off_y)
                       ? gimp_drawable_get_buffer (drawable_id) : NULL;
  if (source == NULL)
    {
      set_no_pixels (error, drawable_id);
      return -1;
    }
  g_autofree gfloat *pixels = composite_region (image_id, drawable_id, region, styled, coverage,
                                                by_selection, source, format, channels, error);
  if (pixels == NULL)
    {
      g_object_unref (source);
      return -1;
    }

  gint32 layer_id = gimp_layer_new (image_id, name, gimp_drawable_width (drawable_id),
                                    gimp_drawable_height (drawable_id), gimp_drawable_type (drawable_id),
                                    100.0, GIMP_LAYER_MODE_NORMAL);
  GeglBuffer *target = layer_id != -1 && gimp_layer_set_offsets (layer_id, off_x, off_y)
                       ? gimp_drawable_get_buffer (layer_id) : NULL;
  if (target == NULL)
    {
      if (layer_id != -1)
        gimp_item_delete (layer_id);   /* never inserted: the image does not know it */
      g_object_unref (source);
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP could not create the new layer"));
      return -1;
    }

  /* Same format on both sides: outside the region the copy is bit-exact. */
  gegl_buffer_copy (source, NULL, GEGL_ABYSS_NONE, target, NULL);
  gegl_buffer_set (target, GEGL_RECTANGLE (region->x, region->y, region->width, region->height), 0, format,
                   pixels, (gsize) region->width * channels * sizeof (gfloat));
  g_object_unref (target);   /* flushes the tiles to GIMP */
  g_object_unref (source);
  return layer_id;
}
