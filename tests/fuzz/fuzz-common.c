/* fuzz-common.c: see fuzz-common.h. */
#include "fuzz-common.h"
#include "temp-folder.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static char *folder;

static void
clean_up (void)
{
  temp_folder_remove (folder);
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
