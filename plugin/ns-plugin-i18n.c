/* ns-plugin-i18n.c: binding the plug-in's text domain at start-up. */
#include "ns-plugin-i18n.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

/* Set once in main(), before GIMP calls back. */
static gchar *locale_dir;

static gchar *
find_locale_dir (const char *executable)
{
  const char *env = g_getenv ("NEURAL_STYLE_LOCALEDIR");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (executable != NULL && g_path_is_absolute (executable))
    {
      g_autofree gchar *folder = g_path_get_dirname (executable);
      gchar *beside = g_build_filename (folder, "locale", NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_DIR))
        return beside;
      g_free (beside);
    }
  return g_strdup (NS_LOCALEDIR);
}

void
ns_plugin_i18n_init (const char *executable)
{
  setlocale (LC_ALL, "");
  locale_dir = find_locale_dir (executable);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}

const char *
ns_plugin_i18n_locale_dir (void)
{
  return locale_dir;
}
