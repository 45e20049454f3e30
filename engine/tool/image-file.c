/* image-file.c: NsImage and NsMask <-> image files via gdk-pixbuf. */
#include "image-file.h"

#include <errno.h>
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
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: not a regular file (a device, FIFO or socket)", path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: file is empty (zero size), not an image", path);
      return FALSE;
    }
  return TRUE;
}

/* Which rows the loader has decoded. gdk-pixbuf accepts a truncated file
 * without an error: its PNG loader leaves the missing rows blank, and its JPEG
 * loader, when closed early, fills them in as if the file had ended there (a
 * grey picture). So the rows are counted as the data is decoded, and for JPEG
 * only those decoded before close count. */
typedef struct
{
  GByteArray *rows;      /* one flag per row */
  gboolean    stopped;   /* updates no longer count */
  int         width, height;   /* as the file declares them */
  int         max_side;  /* a file may declare max_side squared pixels at most */
} Coverage;

/* A few bytes of header can declare far more pixels than any picture has,
 * which gdk-pixbuf would allocate before reading a pixel: a file may declare
 * a 16384 x 16384 picture (NS_MAX_SIZE square) at most. */
static gboolean
too_large (const Coverage *coverage)
{
  return (gint64) coverage->width * coverage->height > (gint64) coverage->max_side * coverage->max_side;
}

static void
on_size_prepared (GdkPixbufLoader *loader, int width, int height, Coverage *coverage)
{
  coverage->width = width, coverage->height = height;
  /* A size of 0 x 0 makes every loader stop with an error before it
   * allocates (as gdk_pixbuf_get_file_info() does); a size of 1 x 1 would
   * not: the GIF loader ignores it and allocates the declared canvas within
   * the same write. */
  if (too_large (coverage))
    gdk_pixbuf_loader_set_size (loader, 0, 0);
}

static void
on_area_prepared (GdkPixbufLoader *loader, Coverage *coverage)
{
  int height = gdk_pixbuf_get_height (gdk_pixbuf_loader_get_pixbuf (loader));
  coverage->rows = g_byte_array_sized_new (height);
  g_byte_array_set_size (coverage->rows, height);
  memset (coverage->rows->data, 0, height);
}

static void
on_area_updated (GdkPixbufLoader *loader, int x, int y, int width, int height, Coverage *coverage)
{
  if (coverage->rows == NULL || coverage->stopped)
    return;
  int end = MIN (y + height, (int) coverage->rows->len);
  for (int row = MAX (y, 0); row < end; row++)
    coverage->rows->data[row] = 1;
}

static gboolean
all_rows_decoded (const Coverage *coverage)
{
  if (coverage->rows == NULL)
    return FALSE;
  return memchr (coverage->rows->data, 0, coverage->rows->len) == NULL;
}

/* The loader gets the data in pieces, and no more of it once the file has
 * declared too many pixels: a refused picture is not decoded. */
#define WRITE_PIECE 65536

static GdkPixbuf *
decode (const char *path, const guchar *data, gsize size, int max_side, GError **error)
{
  /* A JPEG starts with an SOI marker. Its loader is named up front: left to
   * sniff, gdk-pixbuf would wait for 4 KB before decoding anything, so a
   * small file would only be decoded while closing. */
  gboolean jpeg = size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
  g_autoptr (GdkPixbufLoader) loader = jpeg ? gdk_pixbuf_loader_new_with_type ("jpeg", NULL)
                                            : gdk_pixbuf_loader_new ();
  g_autoptr (GError) local_error = NULL;
  Coverage coverage = { .max_side = max_side };

  if (loader == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: no JPEG loader in gdk-pixbuf", path);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &coverage);
  g_signal_connect (loader, "area-prepared", G_CALLBACK (on_area_prepared), &coverage);
  g_signal_connect (loader, "area-updated", G_CALLBACK (on_area_updated), &coverage);
  gboolean ok = TRUE;
  for (gsize done = 0; ok && done < size && !too_large (&coverage); done += WRITE_PIECE)
    ok = gdk_pixbuf_loader_write (loader, data + done, MIN (WRITE_PIECE, size - done), &local_error);

  /* JPEG: only rows decoded from the file's own data count (see Coverage). */
  coverage.stopped = jpeg;
  gboolean before_close = all_rows_decoded (&coverage);
  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);
  gboolean whole = coverage.stopped ? before_close : all_rows_decoded (&coverage);
  g_clear_pointer (&coverage.rows, g_byte_array_unref);

  if (too_large (&coverage))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: declares %dx%d pixels, more than the %d x %d this "
                   "tool reads", path, coverage.width, coverage.height, max_side, max_side);
      return NULL;
    }
  if (!ok)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: not an image that can be read (%s)",
                   path, local_error->message);
      return NULL;
    }
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || !whole)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: the image data is incomplete (truncated or "
                   "damaged file)", path);
      return NULL;
    }
  return g_object_ref (pixbuf);
}

/* The file's pixels, upright (photos often store their rotation as EXIF
 * data rather than in the pixels), 8-bit RGB(A). */
static GdkPixbuf *
load_pixbuf (const char *path, int max_side, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  if (!check_readable_file (path, error))
    return NULL;
  if (!g_file_get_contents (path, &data, &size, &local_error))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: cannot read (%s)", path, local_error->message);
      return NULL;
    }
  g_autoptr (GdkPixbuf) raw = decode (path, (const guchar *) data, size, max_side, error);
  if (raw == NULL)
    return NULL;
  GdkPixbuf *pixbuf = gdk_pixbuf_apply_embedded_orientation (raw);
  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "%s: unsupported pixel format", path);
      g_object_unref (pixbuf);
      return NULL;
    }
  return pixbuf;
}

NsImage *
image_file_load (const char *path, GError **error)
{
  return image_file_load_bounded (path, NS_MAX_SIZE, error);
}

NsImage *
image_file_load_bounded (const char *path, int max_side, GError **error)
{
  g_autoptr (GdkPixbuf) pixbuf = load_pixbuf (path, max_side, error);
  if (pixbuf == NULL)
    return NULL;
  NsImage *image = ns_image_from_pixels (gdk_pixbuf_read_pixels (pixbuf), gdk_pixbuf_get_width (pixbuf),
                                         gdk_pixbuf_get_height (pixbuf), gdk_pixbuf_get_rowstride (pixbuf),
                                         gdk_pixbuf_get_n_channels (pixbuf), NS_SAMPLES_U8, error);
  if (image == NULL)
    g_prefix_error (error, "%s: ", path);
  return image;
}

NsMask *
image_file_load_mask (const char *path, GError **error)
{
  g_autoptr (GdkPixbuf) pixbuf = load_pixbuf (path, NS_MAX_SIZE, error);
  if (pixbuf == NULL)
    return NULL;
  NsMask *mask = ns_mask_from_pixels (gdk_pixbuf_read_pixels (pixbuf), gdk_pixbuf_get_width (pixbuf),
                                      gdk_pixbuf_get_height (pixbuf), gdk_pixbuf_get_rowstride (pixbuf),
                                      gdk_pixbuf_get_n_channels (pixbuf), NS_SAMPLES_U8, error);
  if (mask == NULL)
    g_prefix_error (error, "%s: ", path);
  return mask;
}

gboolean
image_file_encode_png (const NsImage *image, char **png, gsize *png_size, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, image->width, image->height);

  if (pixbuf == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "cannot allocate a %dx%d image", image->width, image->height);
      return FALSE;
    }
  ns_image_to_pixels (image, gdk_pixbuf_get_pixels (pixbuf), gdk_pixbuf_get_rowstride (pixbuf), 3, NS_SAMPLES_U8);
  /* zlib level 2: a 12 MP result in 0.6 s instead of 3.3 s at the default
   * level 6, for an 11% larger file (docs/performance.md, "Photo scale"). */
  if (!gdk_pixbuf_save_to_buffer (pixbuf, png, png_size, "png", &local_error, "compression", "2", NULL))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "cannot encode PNG (%s)", local_error->message);
      return FALSE;
    }
  return TRUE;
}
