/* test-images.c: the photographs the set-up fetches for the tests
 * (.ci/fetch-test-images, Debian's darknet package). */
#include "test-images.h"
#include "tool/image-file.h"

NsImage *
test_image_load (const char *name)
{
  const char *folder = g_getenv ("NS_TEST_IMAGES");
  if (folder == NULL)
    g_error ("NS_TEST_IMAGES is not set (meson test sets it)");
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr (GError) error = NULL;
  NsImage *image = image_file_load (path, &error);
  if (image == NULL)
    g_error ("test image %s: %s; .ci/setup fetches the test images (or run .ci/fetch-test-images %s)", name,
             error->message, folder);
  return image;
}
