/* ns-thumbnail.c: drawable thumbnails as NsImage and icons. */
#include "ns-thumbnail.h"

/* Through the engine's one pixel path: 8-bit gamma samples, alpha ignored,
 * exactly as the plug-in reads the layer for the final run. */
static NsImage *
image_from_thumbnail (GdkPixbuf *pixbuf)
{
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    return NULL;
  return ns_image_from_pixels (gdk_pixbuf_read_pixels (pixbuf), gdk_pixbuf_get_width (pixbuf),
                               gdk_pixbuf_get_height (pixbuf), gdk_pixbuf_get_rowstride (pixbuf),
                               gdk_pixbuf_get_n_channels (pixbuf), NS_SAMPLES_U8, NULL);
}

NsImage *
ns_thumbnail_read (gint32 drawable_id, int long_side)
{
  int width = gimp_drawable_width (drawable_id);
  int height = gimp_drawable_height (drawable_id);
  if (width <= 0 || height <= 0)
    return NULL;

  /* Exact target size with the drawable's aspect; GIMP's thumbnail may be
   * off by a pixel, so resample to it. */
  double scale = (double) long_side / MAX (width, height);
  int tw = MAX (1, (int) (width * scale + 0.5));
  int th = MAX (1, (int) (height * scale + 0.5));

  GdkPixbuf *pixbuf = gimp_drawable_get_thumbnail (drawable_id, MIN (tw, 1024), MIN (th, 1024),
                                                   GIMP_PIXBUF_KEEP_ALPHA);
  if (pixbuf == NULL)
    return NULL;
  NsImage *image = image_from_thumbnail (pixbuf);
  g_object_unref (pixbuf);
  if (image != NULL && (image->width != tw || image->height != th))
    {
      NsImage *resized = ns_image_resize (image, tw, th);
      ns_image_free (image);
      image = resized;
    }
  return image;
}

GdkPixbuf *
ns_thumbnail_icon (gint32 drawable_id, int size)
{
  return gimp_drawable_get_thumbnail (drawable_id, size, size, GIMP_PIXBUF_SMALL_CHECKS);
}
