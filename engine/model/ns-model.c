/* ns-model.c: a network with its recipe, ready for ns_stylize(). */
#include "ns-model.h"
#include "ns-speed.h"
#include "ns-tfjs-weights.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* Parses model.json, with the error a user needs when it is missing or broken. */
static JsonParser *
parse_model_json (const char *model_json, GError **error)
{
  if (!g_file_test (model_json, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("no network weights at %s. %s"), model_json,
                   ns_weights_fetch_hint ());
      return NULL;
    }
  JsonParser *parser = json_parser_new ();
  GError *local = NULL;
  if (!json_parser_load_from_mapped_file (parser, model_json, &local))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s is not a valid model.json: %s"), model_json,
                   local->message);
      g_error_free (local);
      g_object_unref (parser);
      return NULL;
    }
  if (!json_parser_get_root (parser))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s is empty, not a model.json"), model_json);
      g_object_unref (parser);
      return NULL;
    }
  return parser;
}

/* Builds the graph, prefixing errors with the file they concern. */
static NsNetwork *
network_from_parser (JsonParser *parser, const char *model_json, const char *const *outputs, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (model_json);
  GError *local = NULL;
  NsNetwork *net = ns_network_from_tfjs (json_parser_get_root (parser), folder, outputs, &local);
  if (!net)
    {
      g_set_error (error, NS_ERROR, local->code, "%s: %s", model_json, local->message);
      g_error_free (local);
    }
  return net;
}

NsNetwork *
ns_network_load_tfjs (const char *model_json, const char *const *outputs, GError **error)
{
  g_autoptr (JsonParser) parser = parse_model_json (model_json, error);
  return parser ? network_from_parser (parser, model_json, outputs, error) : NULL;
}

static int *
tap_nodes (const NsNetwork *net, const NsTap *taps, int n, GError **error)
{
  int *nodes = g_new (int, n);
  for (int i = 0; i < n; i++)
    if ((nodes[i] = ns_network_lookup (net, taps[i].name)) < 0)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("the recipe taps layer “%s”, whose output the "
                     "network does not keep"), taps[i].name);
        g_free (nodes);
        return NULL;
      }
  return nodes;
}

static NsModel *
load (const char *path, GError **error)
{
  g_autofree char *model_json = NULL;
  if (!path)
    model_json = ns_weights_default_path ();
  else if (g_file_test (path, G_FILE_TEST_IS_DIR))
    model_json = g_build_filename (path, "model.json", NULL);
  else
    model_json = g_strdup (path);

  /* Read the layer names first to pick the recipe, then build only what it needs. */
  g_autoptr (JsonParser) parser = parse_model_json (model_json, error);
  if (!parser)
    return NULL;
  GError *local = NULL;
  g_auto (GStrv) names = ns_tfjs_layer_names (json_parser_get_root (parser), &local);
  NsRecipe *recipe = names ? ns_recipe_for_layers ((const char *const *) names, &local) : NULL;
  if (!recipe)
    {
      g_set_error (error, NS_ERROR, local->code, "%s: %s", model_json, local->message);
      g_error_free (local);
      return NULL;
    }
  g_auto (GStrv) outputs = ns_recipe_outputs (recipe);
  NsNetwork *net = network_from_parser (parser, model_json, (const char *const *) outputs, error);
  if (!net)
    {
      ns_recipe_free (recipe);
      return NULL;
    }
  NsModel *model = g_new0 (NsModel, 1);
  model->net = net;
  model->recipe = recipe;
  model->style_nodes = tap_nodes (net, recipe->style, recipe->n_style, error);
  model->content_nodes = model->style_nodes ? tap_nodes (net, recipe->content, recipe->n_content, error) : NULL;
  if (!model->content_nodes)
    {
      ns_model_free (model);
      return NULL;
    }
  return model;
}

double
ns_model_gemm_gflops (const NsModel *model)
{
  /* The one field a loaded model writes: once, under g_once. */
  NsModel *m = (NsModel *) model;
  if (g_once_init_enter (&m->gemm_measured))
    {
      m->gemm_gflops = ns_gemm_gflops_measure ();
      g_once_init_leave (&m->gemm_measured, 1);
    }
  return m->gemm_gflops;
}

/* Whatever the reason a model does not load, the message ends with how to
 * get good weights, once (some reasons say it already). */
NsModel *
ns_model_load (const char *path, GError **error)
{
  GError *local = NULL;
  NsModel *model = load (path, &local);
  if (model)
    return model;
  if (!strstr (local->message, ns_weights_fetch_hint ()))
    {
      char *message = g_strdup_printf ("%s\n%s", local->message, ns_weights_fetch_hint ());
      g_free (local->message);
      local->message = message;
    }
  g_propagate_error (error, local);
  return NULL;
}

void
ns_model_free (NsModel *model)
{
  if (!model)
    return;
  ns_network_free (model->net);
  ns_recipe_free (model->recipe);
  g_free (model->style_nodes);
  g_free (model->content_nodes);
  g_free (model);
}

const char *
ns_model_name (const NsModel *model)
{
  return model->recipe->name;
}

void
ns_preprocess (const NsRecipe *recipe, const float *rgb, gsize pixels, float *input)
{
  for (gsize i = 0; i < pixels; i++)
    {
      float r = rgb[i * 3], g = rgb[i * 3 + 1], b = rgb[i * 3 + 2];   /* read first: in place is allowed */
      input[i * 3] = 255.0f * b - recipe->mean_bgr[0];
      input[i * 3 + 1] = 255.0f * g - recipe->mean_bgr[1];
      input[i * 3 + 2] = 255.0f * r - recipe->mean_bgr[2];
    }
}
