/* ns-recipe.c: per-network recipes (which layers, which weights), kept as
 * JSON data compiled into the binary as a GResource. */
#include "ns-model.h"

#include <gio/gio.h>
#include "ns-resources.h"
#include <json-glib/json-glib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define RECIPE_PATH "/org/gimp/neural-style/recipes"

static NsTap *
parse_taps (JsonObject *recipe, const char *member, int *n)
{
  JsonArray *array = json_object_get_array_member (recipe, member);
  *n = json_array_get_length (array);
  NsTap *taps = g_new0 (NsTap, *n);
  for (int i = 0; i < *n; i++)
    {
      JsonObject *tap = json_array_get_object_element (array, i);
      taps[i].name = g_strdup (json_object_get_string_member (tap, "name"));
      taps[i].weight = json_object_get_double_member (tap, "weight");
    }
  return taps;
}

static NsRecipe *
parse_recipe (JsonObject *obj)
{
  NsRecipe *r = g_new0 (NsRecipe, 1);
  r->name = g_strdup (json_object_get_string_member (obj, "name"));
  r->style = parse_taps (obj, "style_layers", &r->n_style);
  r->content = parse_taps (obj, "content_layers", &r->n_content);
  r->content_weight = json_object_get_double_member (obj, "content_weight");
  r->style_weight = json_object_get_double_member (obj, "style_weight");
  r->tv_weight = json_object_get_double_member (obj, "tv_weight");
  r->tv_epsilon = json_object_get_double_member (obj, "tv_epsilon");
  JsonArray *mean = json_object_get_array_member (obj, "mean_bgr");
  for (int i = 0; i < 3; i++)
    r->mean_bgr[i] = (float) json_array_get_double_element (mean, i);
  JsonObject *schedule = json_object_get_object_member (obj, "schedule");
  r->min_stage_size = json_object_get_int_member (schedule, "min_size");
  r->stage_factor = json_object_get_double_member (schedule, "factor");
  r->stage_iteration_ratio = json_object_get_double_member (schedule, "iteration_ratio");
  r->max_stage_size = (int) json_object_get_int_member_with_default (schedule, "max_size", 0);
  r->max_upsample = json_object_get_double_member_with_default (schedule, "max_upsample", 0);
  return r;
}

static gboolean
has_all (JsonArray *detect, const char *const *layer_names)
{
  for (guint i = 0; i < json_array_get_length (detect); i++)
    if (!g_strv_contains (layer_names, json_array_get_string_element (detect, i)))
      return FALSE;
  return TRUE;
}

NsRecipe *
ns_recipe_for_layers (const char *const *layer_names, GError **error)
{
  /* Looked up through the resource itself, not the global registry, so the
   * static library's resource object is always linked in. */
  GResource *resource = ns_recipes_get_resource ();
  g_auto (GStrv) files = g_resource_enumerate_children (resource, RECIPE_PATH, 0, NULL);
  for (char **f = files; f && *f; f++)
    {
      g_autofree char *path = g_strdup_printf (RECIPE_PATH "/%s", *f);
      g_autoptr (GBytes) bytes = g_resource_lookup_data (resource, path, 0, NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      if (!bytes || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
        continue;
      JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
      if (has_all (json_object_get_array_member (obj, "detect"), layer_names))
        return parse_recipe (obj);
    }
  g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("the model is neither the Keras ResNet-50 nor the Keras "
               "VGG-19 (their layer names were not found), so no recipe fits it"));
  return NULL;
}

void
ns_recipe_free (NsRecipe *recipe)
{
  if (!recipe)
    return;
  for (int i = 0; i < recipe->n_style; i++)
    g_free (recipe->style[i].name);
  for (int i = 0; i < recipe->n_content; i++)
    g_free (recipe->content[i].name);
  g_free (recipe->style);
  g_free (recipe->content);
  g_free (recipe->name);
  g_free (recipe);
}

char **
ns_recipe_outputs (const NsRecipe *recipe)
{
  GPtrArray *names = g_ptr_array_new ();
  for (int i = 0; i < recipe->n_style; i++)
    g_ptr_array_add (names, g_strdup (recipe->style[i].name));
  for (int i = 0; i < recipe->n_content; i++)
    g_ptr_array_add (names, g_strdup (recipe->content[i].name));
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}
