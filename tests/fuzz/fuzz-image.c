/* fuzz-image: the command-line tool's image loading (gdk-pixbuf) on a file
 * holding the input. Every input reaches the loader, so that its guard
 * against what a header declares is fuzzed too: a 100-byte GIF can declare
 * 65535x65535 pixels, which gdk-pixbuf would allocate (gigabytes) before
 * decoding anything. The loader is bounded at 512x512 pixels here instead of
 * NS_MAX_SIZE squared (image_file_load_bounded()): what a file declares
 * beyond that is refused before it is decoded, as larger pictures only cost
 * time (gdk-pixbuf is not instrumented; a 4096x4096 one takes half a second
 * under ASan) and measure the machine's memory. */
#include "fuzz-common.h"
#include "tool/image-file.h"

#define MAX_SIDE 512

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write ("image", data, size);
  GError *error = NULL;
  NsImage *image = image_file_load_bounded (path, MAX_SIDE, &error);
  g_clear_error (&error);
  if (image)
    {
      /* Read every pixel, so that a short buffer would show, and hold the
       * loader to its promise of 0..1 and to its bound. */
      if ((gint64) image->width * image->height > (gint64) MAX_SIDE * MAX_SIDE)
        g_error ("a %dx%d image passed the %d x %d bound", image->width, image->height, MAX_SIDE, MAX_SIDE);
      for (gsize i = 0; i < (gsize) image->width * image->height * 3; i++)
        if (!(image->pixels[i] >= 0 && image->pixels[i] <= 1))
          g_error ("pixel %" G_GSIZE_FORMAT " is %g", i, image->pixels[i]);
      ns_image_free (image);
    }
  return 0;
}
