/* fuzz-image: the command-line tool's image loading (gdk-pixbuf) on a file
 * holding the input. A 100-byte GIF can declare 65535x65535 pixels, which
 * gdk-pixbuf allocates (gigabytes) before decoding anything; inputs that
 * declare more than MAX_PIXELS are skipped: gdk-pixbuf is not instrumented,
 * so large pictures only cost time (a 4096x4096 one takes half a second
 * under ASan) and measure the machine's memory. */
#include "fuzz-common.h"
#include "tool/image-file.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#define MAX_PIXELS (512 * 512)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

static gboolean
too_large (const char *path)
{
  int width = 0, height = 0;
  return gdk_pixbuf_get_file_info (path, &width, &height) && (gint64) width * height > MAX_PIXELS;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write ("image", data, size);
  if (too_large (path))
    return 0;
  GError *error = NULL;
  NsImage *image = image_file_load (path, &error);
  g_clear_error (&error);
  if (image)
    {
      /* Read every pixel, so that a short buffer would show, and hold the
       * loader to its promise of 0..1. */
      for (gsize i = 0; i < (gsize) image->width * image->height * 3; i++)
        if (!(image->pixels[i] >= 0 && image->pixels[i] <= 1))
          g_error ("pixel %" G_GSIZE_FORMAT " is %g", i, image->pixels[i]);
      ns_image_free (image);
    }
  return 0;
}
