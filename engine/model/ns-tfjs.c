/* ns-tfjs.c: reads a Keras model in TensorFlow.js layers-model format
 * (model.json + binary weight shards) into an NsNetwork: the layer list,
 * their connections, and pruning to the layers the requested outputs need.
 * ns-tfjs-layers.c turns each layer into nodes. */
#include "ns-tfjs-layers.h"

#include <string.h>

static gboolean
parse_inbound (JsonObject *layer, KerasLayer *out, const KerasLayer *previous, GError **error)
{
  JsonArray *nodes = json_object_has_member (layer, "inbound_nodes")
                       ? json_object_get_array_member (layer, "inbound_nodes") : NULL;
  if (!nodes || json_array_get_length (nodes) == 0)
    {
      /* Sequential models list no inbound nodes: each layer follows the last. */
      if (previous && strcmp (out->class_name, "InputLayer") != 0)
        out->inputs[out->n_inputs++] = previous->name;
      return TRUE;
    }
  if (json_array_get_length (nodes) > 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” is shared (called more than once), "
                   "which is not supported", out->name);
      return FALSE;
    }
  JsonArray *inbound = json_array_get_array_element (nodes, 0);
  guint n = json_array_get_length (inbound);
  if (n > 2)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” has %u inputs; at most 2 are supported",
                   out->name, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    out->inputs[out->n_inputs++] =
      json_array_get_string_element (json_array_get_array_element (inbound, i), 0);
  return TRUE;
}

static KerasLayer *
find_layer (KerasLayer *layers, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (strcmp (layers[i].name, name) == 0)
      return &layers[i];
  return NULL;
}

static void
mark_needed (KerasLayer *layers, int n, KerasLayer *layer)
{
  if (layer->needed)
    return;
  layer->needed = TRUE;
  for (int i = 0; i < layer->n_inputs; i++)
    {
      KerasLayer *in = find_layer (layers, n, layer->inputs[i]);
      if (in)
        mark_needed (layers, n, in);
    }
}

static JsonArray *
model_layers (JsonNode *root, GError **error)
{
  JsonObject *top = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *topology = top && json_object_has_member (top, "modelTopology")
                           ? json_object_get_object_member (top, "modelTopology") : NULL;
  JsonObject *config = topology && json_object_has_member (topology, "model_config")
                         ? json_object_get_object_member (topology, "model_config") : topology;
  JsonObject *inner = config && json_object_has_member (config, "config")
                        ? json_object_get_object_member (config, "config") : NULL;
  JsonArray *layers = inner && json_object_has_member (inner, "layers")
                        ? json_object_get_array_member (inner, "layers") : NULL;
  if (!layers)
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "it is not a TensorFlow.js layers-model "
                 "(no modelTopology.model_config.config.layers)");
  return layers;
}

/* Names of all layers of a parsed model.json, NULL-terminated (for recipe detection). */
char **
ns_tfjs_layer_names (JsonNode *root, GError **error)
{
  JsonArray *layers = model_layers (root, error);
  if (!layers)
    return NULL;
  guint n = json_array_get_length (layers);
  char **names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      names[i] = g_strdup (layer && json_object_has_member (layer, "name")
                             ? json_object_get_string_member (layer, "name") : "");
    }
  return names;
}

NsNetwork *
ns_network_from_tfjs (JsonNode *root, const char *folder, const char *const *outputs, GError **error)
{
  JsonArray *array = model_layers (root, error);
  if (!array)
    return NULL;
  int n = json_array_get_length (array);
  g_autofree KerasLayer *layers = g_new0 (KerasLayer, n);
  for (int i = 0; i < n; i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);
      if (!obj || !json_object_has_member (obj, "class_name") || !json_object_has_member (obj, "config"))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer %d of model.json has no class_name or config", i);
          return NULL;
        }
      layers[i].config = json_object_get_object_member (obj, "config");
      layers[i].class_name = json_object_get_string_member (obj, "class_name");
      layers[i].name = json_object_has_member (obj, "name") ? json_object_get_string_member (obj, "name")
                                                           : "?";
      if (!parse_inbound (obj, &layers[i], i ? &layers[i - 1] : NULL, error))
        return NULL;
    }
  for (int i = 0; i < n; i++)
    for (int k = 0; k < layers[i].n_inputs; k++)
      {
        KerasLayer *in = find_layer (layers, n, layers[i].inputs[k]);
        if (in)
          in->consumers++;
      }
  if (outputs)
    for (const char *const *o = outputs; *o; o++)
      {
        KerasLayer *layer = find_layer (layers, n, *o);
        if (!layer)
          {
            g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "the model has no layer “%s”", *o);
            return NULL;
          }
        mark_needed (layers, n, layer);
      }
  else
    for (int i = 0; i < n; i++)
      layers[i].needed = TRUE;

  NsTfjsBuilder b = { 0 };
  b.weights = ns_tfjs_weights_open (root, folder, error);
  if (!b.weights)
    return NULL;
  b.net = g_new0 (NsNetwork, 1);
  b.nodes = g_array_new (FALSE, TRUE, sizeof (NsNode));
  b.node_of = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  for (int i = 0; i < n && ok; i++)
    if (layers[i].needed)
      ok = ns_tfjs_build_layer (&b, &layers[i], layers[i].n_inputs ? find_layer (layers, n, layers[i].inputs[0]) : NULL, error);

  b.net->n_nodes = b.nodes->len;
  b.net->nodes = (NsNode *) g_array_free (b.nodes, FALSE);
  b.net->taps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < b.net->n_nodes; i++)
    g_hash_table_insert (b.net->taps, g_strdup (b.net->nodes[i].name), GINT_TO_POINTER (i + 1));
  for (const char *const *o = outputs; ok && o && *o; o++)
    {
      int node = ns_network_lookup (b.net, *o);
      if (node >= 0)
        b.net->nodes[node].tapped = TRUE;
    }
  if (ok && !outputs && b.net->n_nodes > 0)
    b.net->nodes[b.net->n_nodes - 1].tapped = TRUE;
  g_hash_table_unref (b.node_of);
  ns_tfjs_weights_close (b.weights);
  if (ok)
    ns_network_prepare_kernels (b.net);
  if (!ok)
    {
      ns_network_free (b.net);
      return NULL;
    }
  return b.net;
}
