/* temp-folder.c: see temp-folder.h. */
#include "temp-folder.h"

#include <glib.h>
#include <glib/gstdio.h>

void
temp_folder_remove (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name (dir));)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        temp_folder_remove (child);
      else
        g_remove (child);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}
