/* test-model.c: the weights for the model tests (test-model.h). */
#include "test-model.h"

NsModel *
test_model_load (char **skip_reason)
{
  g_autofree char *path = ns_weights_default_path ();
  *skip_reason = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      *skip_reason = g_strdup_printf ("no weights at %s: %s", path, ns_weights_fetch_hint ());
      return NULL;
    }
  g_autoptr (GError) error = NULL;
  NsModel *model = ns_model_load (path, &error);
  if (!model)
    g_error ("the weights at %s are there but do not load: %s", path, error->message);
  return model;
}
