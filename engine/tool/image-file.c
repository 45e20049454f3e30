/* image-file.c: NsImage <-> image files via gdk-pixbuf. */
#include "image-file.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

/* gdk-pixbuf's own messages are vague for the common mistakes (a missing
 * file, an empty one), so those are checked first to give a plain reason. */
static gboolean
check_readable_file (const char *path, GError **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: %s", path,
                   saved == ENOENT ? "no such file" : g_strerror (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: is a folder, not an image file", path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: file is empty (zero size), not an image", path);
      return FALSE;
    }
  return TRUE;
}

static NsImage *
image_from_pixbuf (GdkPixbuf *pixbuf, const char *path, GError **error)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *data = gdk_pixbuf_read_pixels (pixbuf);

  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: unsupported pixel format", path);
      return NULL;
    }
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: image has zero size", path);
      return NULL;
    }

  NsImage *image = ns_image_new (width, height);
  if (image == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "%s: image of %dx%d is too large", path, width, height);
      return NULL;
    }
  for (int y = 0; y < height; y++)
    {
      const guchar *row = data + (gsize) y * stride;
      float *out = image->pixels + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        for (int c = 0; c < 3; c++)
          out[x * 3 + c] = row[x * channels + c] / 255.0f;
    }
  return image;
}

NsImage *
image_file_load (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!check_readable_file (path, error))
    return NULL;

  g_autoptr (GdkPixbuf) raw = gdk_pixbuf_new_from_file (path, &local_error);
  if (raw == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: not an image that can be read (%s)",
                   path, local_error->message);
      return NULL;
    }
  /* Photos often store their rotation as EXIF data rather than in the pixels. */
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_apply_embedded_orientation (raw);
  return image_from_pixbuf (pixbuf, path, error);
}

static guchar
to_byte (float v)
{
  if (!(v > 0.0f))        /* also catches NaN */
    return 0;
  if (v >= 1.0f)
    return 255;
  return (guchar) lrintf (v * 255.0f);
}

gboolean
image_file_save_png (const NsImage *image, const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, image->width, image->height);

  if (pixbuf == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "%s: cannot allocate a %dx%d image",
                   path, image->width, image->height);
      return FALSE;
    }

  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guchar *data = gdk_pixbuf_get_pixels (pixbuf);
  for (int y = 0; y < image->height; y++)
    {
      const float *in = image->pixels + (gsize) y * image->width * 3;
      guchar *row = data + (gsize) y * stride;
      for (int i = 0; i < image->width * 3; i++)
        row[i] = to_byte (in[i]);
    }

  /* Encode in memory, then let GLib write a temporary file beside the target
   * and rename it over: a failed or interrupted save never leaves a partial
   * PNG, and an existing file stays as it was. */
  g_autofree gchar *png = NULL;
  gsize png_size = 0;
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_size, "png", &local_error, NULL))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: cannot encode PNG (%s)", path, local_error->message);
      return FALSE;
    }
  if (!g_file_set_contents_full (path, png, (gssize) png_size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code, "%s: cannot write (%s)", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
