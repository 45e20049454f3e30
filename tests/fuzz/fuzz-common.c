/* fuzz-common.c: see fuzz-common.h. */
#include "fuzz-common.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static char *folder;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name (dir));)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
clean_up (void)
{
  remove_tree (folder);
}

const char *
fuzz_setup (void)
{
  if (folder)
    return folder;
  folder = g_dir_make_tmp ("ns-fuzz-XXXXXX", NULL);
  g_assert (folder);
  g_autofree char *cache = g_build_filename (folder, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  /* Not GdkPixbuf's own: its loaders log criticals for some malformed
   * files and then fail cleanly, which is theirs to fix, not a finding. */
  const char *domains[] = { NULL, "GLib", "GLib-GIO", "GLib-GObject", "Json" };
  for (gsize i = 0; i < G_N_ELEMENTS (domains); i++)
    g_log_set_fatal_mask (domains[i], G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  atexit (clean_up);
  return folder;
}

char *
fuzz_write (const char *name, const void *data, gsize length)
{
  char *path = g_build_filename (fuzz_setup (), name, NULL);
  GError *error = NULL;
  /* No fsync (g_file_set_contents() would): it costs more than the run. */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("%s", error->message);
  return path;
}
