/* fuzz-weights: the weights manifest and shard reader, with the SHA256SUMS
 * check. The input is three parts separated by NUL bytes: a model.json
 * (only its weightsManifest matters), a SHA256SUMS (absent when empty) and
 * the bytes of the one shard "group1-shard1of1.bin". Every tensor the
 * manifest names is then taken at every rank. */
#include "fuzz-common.h"
#include "ns-model.h"
#include "ns-tfjs-weights.h"

#include <glib/gstdio.h>
#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

/* Names of the manifest's weights, read leniently (the reader checks them). */
static void
take_all (NsTfjsWeights *weights, JsonNode *root)
{
  JsonObject *top = json_node_get_object (root);
  JsonNode *manifest = json_object_get_member (top, "weightsManifest");
  for (guint g = 0; JSON_NODE_HOLDS_ARRAY (manifest) && g < json_array_get_length (json_node_get_array (manifest)); g++)
    {
      JsonNode *group = json_array_get_element (json_node_get_array (manifest), g);
      JsonNode *list = JSON_NODE_HOLDS_OBJECT (group)
                         ? json_object_get_member (json_node_get_object (group), "weights") : NULL;
      for (guint i = 0; list && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
        {
          JsonNode *entry = json_array_get_element (json_node_get_array (list), i);
          JsonNode *name = JSON_NODE_HOLDS_OBJECT (entry)
                             ? json_object_get_member (json_node_get_object (entry), "name") : NULL;
          if (!name || !JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            continue;
          for (int rank = 0; rank <= 4; rank++)
            {
              int shape[4];
              GError *error = NULL;
              g_free (ns_tfjs_weights_take (weights, json_node_get_string (name), rank, shape, &error));
              g_clear_error (&error);
            }
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *bytes = (const char *) data, *end = bytes + size;
  const char *sums = memchr (bytes, 0, size);
  const char *shard = sums ? memchr (sums + 1, 0, end - sums - 1) : NULL;
  if (!shard)
    return 0;
  sums++, shard++;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, bytes, sums - 1 - bytes, NULL) || !json_parser_get_root (parser))
    return 0;
  g_autofree char *sums_path = g_build_filename (fuzz_setup (), "SHA256SUMS", NULL);
  g_remove (sums_path);
  if (shard - 1 > sums)
    g_free (fuzz_write ("SHA256SUMS", sums, shard - 1 - sums));
  g_free (fuzz_write ("group1-shard1of1.bin", shard, end - shard));
  GError *error = NULL;
  NsTfjsWeights *weights = ns_tfjs_weights_open (json_parser_get_root (parser), fuzz_setup (), &error);
  g_clear_error (&error);
  if (weights && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    take_all (weights, json_parser_get_root (parser));
  ns_tfjs_weights_close (weights);
  return 0;
}
