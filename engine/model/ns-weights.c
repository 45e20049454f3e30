/* ns-weights.c: where the network weights live by default. */
#include "neural-style.h"

#include <glib/gi18n-lib.h>

char *
ns_weights_default_path (void)
{
  const char *env = g_getenv ("NEURAL_STYLE_WEIGHTS");
  if (env && *env)
    {
      if (g_file_test (env, G_FILE_TEST_IS_DIR))
        return g_build_filename (env, "model.json", NULL);
      return g_strdup (env);
    }
  return g_build_filename (g_get_user_data_dir (), "neural-style", "resnet50", "model.json", NULL);
}

const char *
ns_weights_fetch_hint (void)
{
  return _("To install the default ResNet-50 weights, run weights/fetch-weights.sh from the "
           "gimp-neural-style source tree (or set NEURAL_STYLE_WEIGHTS to a model.json).");
}
