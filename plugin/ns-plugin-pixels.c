/* ns-plugin-pixels.c: GIMP drawable <-> NsImage through GEGL buffers. */
#include "ns-plugin-pixels.h"

#include <gegl.h>

NsImage *
ns_pixels_read_region_rgb (gint32          drawable_id,
                           const NsRegion *region,
                           GError        **error)
{
  NsImage *image = ns_image_new (region->width, region->height);
  if (image == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY,
                   "A %d x %d image does not fit in memory",
                   region->width, region->height);
      return NULL;
    }

  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable_id);
  /* babl converts any precision, grey and indexed data to gamma RGB; the
   * alpha channel is dropped (colours of transparent pixels are kept). */
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (region->x, region->y,
                                   region->width, region->height),
                   1.0, babl_format ("R'G'B' float"), image->pixels,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  return image;
}

NsImage *
ns_pixels_read_rgb (gint32 drawable_id, GError **error)
{
  NsRegion all = { 0, 0,
                   gimp_drawable_width (drawable_id),
                   gimp_drawable_height (drawable_id) };
  return ns_pixels_read_region_rgb (drawable_id, &all, error);
}

/* Selection coverage (0..1) of the region, in the drawable's coordinates;
 * all ones when nothing is selected. */
static gfloat *
read_selection (gint32 image_id, gint32 drawable_id, const NsRegion *region)
{
  gsize n = (gsize) region->width * region->height;
  gfloat *sel = g_new (gfloat, n);

  if (gimp_selection_is_empty (image_id))
    {
      for (gsize i = 0; i < n; i++)
        sel[i] = 1.0f;
      return sel;
    }

  gint off_x, off_y;
  gimp_drawable_offsets (drawable_id, &off_x, &off_y);
  GeglBuffer *mask = gimp_drawable_get_buffer (gimp_image_get_selection (image_id));
  /* Outside the image (abyss) nothing is selected. */
  gegl_buffer_get (mask,
                   GEGL_RECTANGLE (off_x + region->x, off_y + region->y,
                                   region->width, region->height),
                   1.0, babl_format ("Y float"), sel,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (mask);
  return sel;
}

/* The styled RGB pixels in the drawable's colour model: RGB as is, or
 * converted to grey by babl for grey drawables. */
static gfloat *
styled_in_model (const NsImage *styled, gboolean grey)
{
  gsize n = (gsize) styled->width * styled->height;
  if (!grey)
    return g_memdup2 (styled->pixels, n * 3 * sizeof (gfloat));

  gfloat *luma = g_new (gfloat, n);
  babl_process (babl_fish (babl_format ("R'G'B' float"), babl_format ("Y' float")),
                styled->pixels, luma, n);
  return luma;
}

gint32
ns_pixels_new_styled_layer (gint32          image_id,
                            gint32          drawable_id,
                            const NsRegion *region,
                            const NsImage  *styled,
                            const gchar    *name)
{
  g_return_val_if_fail (styled->width == region->width &&
                        styled->height == region->height, -1);

  gint width = gimp_drawable_width (drawable_id);
  gint height = gimp_drawable_height (drawable_id);
  gint32 layer_id = gimp_layer_new (image_id, name, width, height,
                                    gimp_drawable_type (drawable_id),
                                    100.0, GIMP_LAYER_MODE_NORMAL);
  gint off_x, off_y;
  gimp_drawable_offsets (drawable_id, &off_x, &off_y);
  gimp_layer_set_offsets (layer_id, off_x, off_y);

  GeglBuffer *source = gimp_drawable_get_buffer (drawable_id);
  GeglBuffer *target = gimp_drawable_get_buffer (layer_id);

  /* Same format on both sides: outside the region the copy is bit-exact. */
  gegl_buffer_copy (source, NULL, GEGL_ABYSS_NONE, target, NULL);

  /* Composite in the drawable's own colour model; the alpha channel (last
   * component, 1.0 for layers without alpha) is never changed. */
  gboolean grey = gimp_drawable_is_gray (drawable_id);
  const Babl *format = babl_format (grey ? "Y'A float" : "R'G'B'A float");
  gint n_colour = grey ? 1 : 3;
  gint n_comp = n_colour + 1;
  gsize n = (gsize) region->width * region->height;
  const GeglRectangle *rect = GEGL_RECTANGLE (region->x, region->y,
                                              region->width, region->height);

  gfloat *pixels = g_new (gfloat, n * n_comp);
  gegl_buffer_get (source, rect, 1.0, format, pixels,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  gfloat *sel = read_selection (image_id, drawable_id, region);
  gfloat *colour = styled_in_model (styled, grey);

  for (gsize i = 0; i < n; i++)
    {
      gfloat s = sel[i];
      if (s <= 0.0f)
        continue;   /* unselected: keep the original exactly */
      for (gint c = 0; c < n_colour; c++)
        {
          gfloat *p = &pixels[i * n_comp + c];
          *p = s * colour[i * n_colour + c] + (1.0f - s) * *p;
        }
    }

  gegl_buffer_set (target, rect, 0, format, pixels, GEGL_AUTO_ROWSTRIDE);

  g_free (colour);
  g_free (sel);
  g_free (pixels);
  g_object_unref (target);   /* flushes the tiles to GIMP */
  g_object_unref (source);
  return layer_id;
}
