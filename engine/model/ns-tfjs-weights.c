/* ns-tfjs-weights.c: reads float32 tensors out of tfjs weight shards.
 *
 * A manifest group's tensors are stored back to back across its shards, as
 * if the shards were one file, so a tensor may straddle two shards. */
#include "ns-tfjs-weights.h"

#include <math.h>
#include <string.h>

typedef struct
{
  int     group;
  gsize   offset;      /* bytes from the start of the group's data */
  int     rank;
  int     shape[4];
  gsize   count;
} Tensor;

typedef struct
{
  GMappedFile **shards;
  gsize        *starts;   /* offset of each shard in the group's data */
  int           n_shards;
} Group;

struct _NsTfjsWeights
{
  Group      *groups;
  int         n_groups;
  GHashTable *tensors;    /* name -> Tensor */
  char       *folder;
};

static gboolean
open_group (NsTfjsWeights *w, int index, JsonObject *entry, GError **error)
{
  Group *group = &w->groups[index];
  JsonArray *paths = json_object_get_array_member (entry, "paths");
  JsonArray *list = json_object_get_array_member (entry, "weights");
  if (!paths || !list)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "weightsManifest entry %d has no paths or weights", index);
      return FALSE;
    }
  gsize expected = 0;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *t = json_array_get_object_element (list, i);
      const char *name = json_object_get_string_member (t, "name");
      const char *dtype = json_object_has_member (t, "dtype") ? json_object_get_string_member (t, "dtype") : "float32";
      if (strcmp (dtype, "float32") != 0 || json_object_has_member (t, "quantization"))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” is stored as %s%s; only unquantised "
                       "float32 weights are supported", name, dtype,
                       json_object_has_member (t, "quantization") ? " (quantised)" : "");
          return FALSE;
        }
      JsonArray *shape = json_object_get_array_member (t, "shape");
      Tensor *tensor = g_new0 (Tensor, 1);
      tensor->group = index;
      tensor->offset = expected;
      tensor->rank = json_array_get_length (shape);
      tensor->count = 1;
      for (int d = 0; d < tensor->rank; d++)
        {
          gint64 dim = json_array_get_int_element (shape, d);
          if (d < 4)
            tensor->shape[d] = (int) dim;
          tensor->count *= dim;
        }
      expected += tensor->count * sizeof (float);
      g_hash_table_insert (w->tensors, g_strdup (name), tensor);
    }

  group->n_shards = json_array_get_length (paths);
  group->shards = g_new0 (GMappedFile *, group->n_shards);
  group->starts = g_new0 (gsize, group->n_shards + 1);
  for (int s = 0; s < group->n_shards; s++)
    {
      const char *name = json_array_get_string_element (paths, s);
      g_autofree char *path = g_build_filename (w->folder, name, NULL);
      GError *local = NULL;
      group->shards[s] = g_mapped_file_new (path, FALSE, &local);
      if (!group->shards[s])
        {
          g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight shard %s is missing or unreadable (%s)",
                       path, local->message);
          g_error_free (local);
          return FALSE;
        }
      group->starts[s + 1] = group->starts[s] + g_mapped_file_get_length (group->shards[s]);
    }
  if (group->starts[group->n_shards] != expected)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "the weight shards in %s hold %" G_GSIZE_FORMAT
                   " bytes, but model.json describes %" G_GSIZE_FORMAT ": a shard is truncated or does not "
                   "belong to this model", w->folder, group->starts[group->n_shards], expected);
      return FALSE;
    }
  return TRUE;
}

NsTfjsWeights *
ns_tfjs_weights_open (JsonNode *model_json, const char *folder, GError **error)
{
  JsonObject *top = json_node_get_object (model_json);
  JsonArray *manifest = json_object_has_member (top, "weightsManifest")
                          ? json_object_get_array_member (top, "weightsManifest") : NULL;
  if (!manifest)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "model.json has no weightsManifest");
      return NULL;
    }
  NsTfjsWeights *w = g_new0 (NsTfjsWeights, 1);
  w->folder = g_strdup (folder);
  w->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->n_groups = json_array_get_length (manifest);
  w->groups = g_new0 (Group, w->n_groups);
  for (int g = 0; g < w->n_groups; g++)
    if (!open_group (w, g, json_array_get_object_element (manifest, g), error))
      {
        ns_tfjs_weights_close (w);
        return NULL;
      }
  return w;
}

void
ns_tfjs_weights_close (NsTfjsWeights *w)
{
  if (!w)
    return;
  for (int g = 0; g < w->n_groups; g++)
    {
      for (int s = 0; s < w->groups[g].n_shards; s++)
        if (w->groups[g].shards[s])
          g_mapped_file_unref (w->groups[g].shards[s]);
      g_free (w->groups[g].shards);
      g_free (w->groups[g].starts);
    }
  g_free (w->groups);
  g_hash_table_unref (w->tensors);
  g_free (w->folder);
  g_free (w);
}

static void
copy_range (const Group *group, gsize offset, gsize length, char *dest)
{
  for (int s = 0; s < group->n_shards && length > 0; s++)
    {
      gsize start = group->starts[s], end = group->starts[s + 1];
      if (offset >= end)
        continue;
      gsize n = MIN (length, end - offset);
      memcpy (dest, g_mapped_file_get_contents (group->shards[s]) + (offset - start), n);
      dest += n, offset += n, length -= n;
    }
}

float *
ns_tfjs_weights_take (NsTfjsWeights *w, const char *name, int rank, int *shape, GError **error)
{
  const Tensor *t = g_hash_table_lookup (w->tensors, name);
  if (!t)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "the weights have no tensor “%s”", name);
      return NULL;
    }
  if (t->rank != rank)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” has rank %d, expected %d", name, t->rank, rank);
      return NULL;
    }
  float *data = g_try_malloc (t->count * sizeof (float));
  if (!data)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for weight “%s”", name);
      return NULL;
    }
  copy_range (&w->groups[t->group], t->offset, t->count * sizeof (float), (char *) data);
  for (gsize i = 0; i < t->count; i++)
    if (!isfinite (data[i]))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” holds a non-finite value: the weight "
                     "files in %s are corrupt", name, w->folder);
        g_free (data);
        return NULL;
      }
  memcpy (shape, t->shape, sizeof (int) * MIN (rank, 4));
  return data;
}
