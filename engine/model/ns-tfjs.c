/* ns-tfjs.c: reads a Keras model in TensorFlow.js layers-model format
 * (model.json + binary weight shards) into an NsNetwork: the layer list,
 * their connections, and pruning to the layers the requested outputs need.
 * ns-tfjs-layers.c turns each layer into nodes. */
#include "ns-json-fields.h"
#include "ns-tfjs-layers.h"

#include <string.h>
#include <glib/gi18n-lib.h>

static gboolean
parse_inbound (JsonObject *layer, KerasLayer *out, const KerasLayer *previous, GError **error)
{
  JsonArray *nodes;
  if (!ns_json_array (layer, "inbound_nodes", FALSE, out->owner, &nodes, error))
    return FALSE;
  if (!nodes || json_array_get_length (nodes) == 0)
    {
      /* Sequential models list no inbound nodes: each layer follows the last. */
      if (previous && strcmp (out->class_name, "InputLayer") != 0)
        out->inputs[out->n_inputs++] = previous->name;
      return TRUE;
    }
  if (json_array_get_length (nodes) > 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s is shared (called more than once), "
                   "which is not supported"), out->owner);
      return FALSE;
    }
  g_autofree char *what = g_strdup_printf ("%s: “inbound_nodes”[0]", out->owner);
  JsonArray *inbound = ns_json_array_element (nodes, 0, what, error);
  if (!inbound)
    return FALSE;
  guint n = json_array_get_length (inbound);
  if (n > 2)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s has %u inputs; at most 2 are supported"),
                   out->owner, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entry = g_strdup_printf (_("%s: inbound node %u"), out->owner, i);
      g_autofree char *name = g_strdup_printf (_("%s: the name of inbound node %u"), out->owner, i);
      JsonArray *node = ns_json_array_element (inbound, i, entry, error);
      const char *input = node ? ns_json_string_element (node, 0, name, error) : NULL;
      if (!input)
        return FALSE;
      out->inputs[out->n_inputs++] = input;
    }
  return TRUE;
}

/* The first layer of that name, or NULL. */
static KerasLayer *
find_layer (GHashTable *by_name, const char *name)
{
  return g_hash_table_lookup (by_name, name);
}

/* Marks layer and everything it reads, without recursion: a crafted chain of
 * a million layers must not overflow the stack. */
static void
mark_needed (GHashTable *by_name, KerasLayer *layer)
{
  g_autoptr (GPtrArray) pending = g_ptr_array_new ();
  g_ptr_array_add (pending, layer);
  while (pending->len)
    {
      KerasLayer *next = g_ptr_array_steal_index_fast (pending, pending->len - 1);
      if (next->needed)
        continue;
      next->needed = TRUE;
      for (int i = 0; i < next->n_inputs; i++)
        {
          KerasLayer *in = find_layer (by_name, next->inputs[i]);
          if (in && !in->needed)
            g_ptr_array_add (pending, in);
        }
    }
}

static JsonArray *
model_layers (JsonNode *root, GError **error)
{
  JsonObject *top = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *topology = NULL, *config = NULL, *inner = NULL;
  JsonArray *layers = NULL;
  if (!top)
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("it is not a TensorFlow.js layers-model (not a JSON object)"));
  else if (ns_json_object (top, "modelTopology", TRUE, NULL, &topology, error)
           && ns_json_object (topology, "model_config", FALSE, "modelTopology", &config, error)
           && ns_json_object (config ? config : topology, "config", TRUE, "model_config", &inner, error))
    ns_json_array (inner, "layers", TRUE, "model_config.config", &layers, error);
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
  GPtrArray *names = g_ptr_array_new_null_terminated (n, g_free, TRUE);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *what = g_strdup_printf (_("layer %u"), i);
      JsonObject *layer = ns_json_object_element (layers, i, what, error);
      const char *name;
      if (!layer || !ns_json_string (layer, "name", NULL, what, &name, error))
        {
          g_ptr_array_unref (names);
          return NULL;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  return (char **) g_ptr_array_free (names, FALSE);
}

/* Class, name, config and inputs of layer i, checked. */
static gboolean
parse_layer (JsonArray *array, int i, KerasLayer *layers, GError **error)
{
  KerasLayer *layer = &layers[i];
  layer->owner = g_strdup_printf (_("layer %d"), i);
  JsonObject *obj = ns_json_object_element (array, i, layer->owner, error);
  if (!obj || !ns_json_string (obj, "name", NULL, layer->owner, &layer->name, error))
    return FALSE;
  g_free (layer->owner);
  layer->owner = g_strdup_printf (_("layer “%s”"), layer->name);
  return ns_json_string (obj, "class_name", NULL, layer->owner, &layer->class_name, error)
         && ns_json_object (obj, "config", TRUE, layer->owner, &layer->config, error)
         && parse_inbound (obj, layer, i ? &layers[i - 1] : NULL, error);
}

static void
free_layers (KerasLayer *layers, int n)
{
  for (int i = 0; i < n; i++)
    g_free (layers[i].owner);
  g_free (layers);
}

NsNetwork *
ns_network_from_tfjs (JsonNode *root, const char *folder, const char *const *outputs, GError **error)
{
  JsonArray *array = model_layers (root, error);
  if (!array)
    return NULL;
  int n = json_array_get_length (array);
  KerasLayer *layers = g_new0 (KerasLayer, n);
  NsNetwork *net = NULL;
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 0; i < n; i++)
    {
      if (!parse_layer (array, i, layers, error))
        goto out;
      if (!g_hash_table_contains (by_name, layers[i].name))
        g_hash_table_insert (by_name, (gpointer) layers[i].name, &layers[i]);
    }
  for (int i = 0; i < n; i++)
    for (int k = 0; k < layers[i].n_inputs; k++)
      {
        KerasLayer *in = find_layer (by_name, layers[i].inputs[k]);
        if (in)
          in->consumers++;
      }
  if (outputs)
    for (const char *const *o = outputs; *o; o++)
      {
        KerasLayer *layer = find_layer (by_name, *o);
        if (!layer)
          {
            g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("the model has no layer “%s”"), *o);
            goto out;
          }
        mark_needed (by_name, layer);
      }
  else
    for (int i = 0; i < n; i++)
      layers[i].needed = TRUE;

  NsTfjsBuilder b = { 0 };
  b.weights = ns_tfjs_weights_open (root, folder, error);
  if (!b.weights)
    goto out;
  b.net = g_new0 (NsNetwork, 1);
  b.nodes = g_array_new (FALSE, TRUE, sizeof (NsNode));
  b.node_of = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  for (int i = 0; i < n && ok; i++)
    if (layers[i].needed)
      ok = ns_tfjs_build_layer (&b, &layers[i], layers[i].n_inputs ? find_layer (by_name, layers[i].inputs[0]) : NULL,
                                error);

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
    {
      ns_network_prepare_kernels (b.net);
      net = b.net;
    }
  else
    ns_network_free (b.net);
out:
  free_layers (layers, n);
  return net;
}
