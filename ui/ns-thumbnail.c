/* ns-thumbnail.c: drawable thumbnails as NsImage and icons. */
#include "ns-thumbnail.h"

NsImage *
ns_image_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guchar *pixels = gdk_pixbuf_read_pixels (pixbuf);
  NsImage *image = ns_image_new (width, height);

  if (image == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    {
      ns_image_free (image);
      return NULL;
    }
  for (int y = 0; y < height; y++)
    {
      const guchar *src = pixels + (gsize) y * stride;
      float *dst = image->pixels + (gsize) y * width * 3;
      for (int x = 0; x < width; x++, src += channels, dst += 3)
        {
          /* Straight alpha over white: what a transparent area looks like in GIMP's export. */
          float a = alpha ? src[3] / 255.0f : 1.0f;
          for (int c = 0; c < 3; c++)
            dst[c] = a * (src[c] / 255.0f) + (1.0f - a);
        }
    }
  return image;
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
  NsImage *image = ns_image_from_pixbuf (pixbuf);
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
