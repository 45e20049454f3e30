/* ns-tfjs-weights.c: reads float32 tensors out of tfjs weight shards.
 *
 * A manifest group's tensors are stored back to back across its shards, as
 * if the shards were one file, so a tensor may straddle two shards. */
#include "ns-json-fields.h"
#include "ns-shard-sums.h"
#include "ns-tfjs-weights.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

typedef struct
{
  int     group;
  gsize   offset;      /* bytes from the start of the group's data */
  int     rank;
  int     shape[4];
  gsize   count;       /* elements; count * 4 fits a gsize (checked) */
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

/* Reads one manifest weight entry; offset is where its bytes start in the
 * group and advances past them. Every dimension and the byte count are
 * checked, so a crafted shape cannot wrap the size. */
static gboolean
read_tensor (NsTfjsWeights *w, int group, JsonArray *list, guint i, gsize *offset, GError **error)
{
  g_autofree char *what = g_strdup_printf ("weightsManifest[%d].weights[%u]", group, i);
  JsonObject *entry = ns_json_object_element (list, i, what, error);
  const char *name, *dtype;
  gint64 dims[4];
  int rank;
  if (!entry || !ns_json_string (entry, "name", NULL, what, &name, error))
    return FALSE;
  g_free (what);
  what = g_strdup_printf (_("weight “%s”"), name);
  if (!ns_json_string (entry, "dtype", "float32", what, &dtype, error)
      || !ns_json_int_array (entry, "shape", 4, 0, G_MAXINT, what, dims, &rank, error))
    return FALSE;
  if (strcmp (dtype, "float32") != 0 || json_object_has_member (entry, "quantization"))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” is stored as %s%s; only unquantised "
                   "float32 weights are supported"), name, dtype,
                   json_object_has_member (entry, "quantization") ? _(" (quantised)") : "");
      return FALSE;
    }
  if (g_hash_table_contains (w->tensors, name))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("weight “%s” is listed twice in weightsManifest"), name);
      return FALSE;
    }
  Tensor *tensor = g_new0 (Tensor, 1);
  tensor->group = group;
  tensor->offset = *offset;
  tensor->rank = rank;
  tensor->count = 1;
  gsize bytes = 0;
  gboolean fits = TRUE;
  for (int d = 0; d < rank; d++)
    {
      tensor->shape[d] = (int) dims[d];
      fits = fits && g_size_checked_mul (&tensor->count, tensor->count, (gsize) dims[d]);
    }
  fits = fits && g_size_checked_mul (&bytes, tensor->count, sizeof (float))
         && g_size_checked_add (offset, *offset, bytes);
  g_hash_table_insert (w->tensors, g_strdup (name), tensor);
  if (!fits)
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s: “shape” is too large"), what);
  return fits;
}

/* A shard must be a plain file name in the model's folder. */
static gboolean
is_plain_name (const char *name)
{
  return *name && strcmp (name, ".") != 0 && strcmp (name, "..") != 0 && !strchr (name, '/')
         && !strchr (name, G_DIR_SEPARATOR);
}

static gboolean
open_shard (NsTfjsWeights *w, Group *group, JsonArray *paths, int index, int s, NsShardSums *sums,
            GError **error)
{
  g_autofree char *what = g_strdup_printf ("weightsManifest[%d].paths[%d]", index, s);
  const char *name = ns_json_string_element (paths, s, what, error);
  if (!name)
    return FALSE;
  g_autofree char *path = g_build_filename (w->folder, name, NULL);
  if (!is_plain_name (name) || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight shard %s is missing or not a regular file%s"),
                   path, is_plain_name (name) ? "" : _(" (shards must be file names beside model.json)"));
      return FALSE;
    }
  GError *local = NULL;
  group->shards[s] = g_mapped_file_new (path, FALSE, &local);
  if (!group->shards[s])
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight shard %s is unreadable (%s)"), path,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  gsize length = g_mapped_file_get_length (group->shards[s]);
  group->starts[s + 1] = group->starts[s] + length;
  return !sums || ns_shard_sums_verify (sums, name, g_mapped_file_get_contents (group->shards[s]), length,
                                        error);
}

static gboolean
open_group (NsTfjsWeights *w, JsonArray *manifest, int index, NsShardSums *sums, GError **error)
{
  Group *group = &w->groups[index];
  g_autofree char *what = g_strdup_printf ("weightsManifest[%d]", index);
  JsonObject *entry = ns_json_object_element (manifest, index, what, error);
  JsonArray *paths, *list;
  if (!entry || !ns_json_array (entry, "paths", TRUE, what, &paths, error)
      || !ns_json_array (entry, "weights", TRUE, what, &list, error))
    return FALSE;
  gsize expected = 0;
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (!read_tensor (w, index, list, i, &expected, error))
      return FALSE;

  group->n_shards = json_array_get_length (paths);
  group->shards = g_new0 (GMappedFile *, group->n_shards);
  group->starts = g_new0 (gsize, group->n_shards + 1);
  for (int s = 0; s < group->n_shards; s++)
    if (!open_shard (w, group, paths, index, s, sums, error))
      return FALSE;
  if (group->starts[group->n_shards] != expected)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("the weight shards in %s hold %llu bytes, "
                     "but model.json describes %llu: a shard is truncated or does not belong to this model"), w->folder,
                   (unsigned long long) group->starts[group->n_shards], (unsigned long long) expected);
      return FALSE;
    }
  return TRUE;
}

NsTfjsWeights *
ns_tfjs_weights_open (JsonNode *model_json, const char *folder, GError **error)
{
  JsonObject *top = JSON_NODE_HOLDS_OBJECT (model_json) ? json_node_get_object (model_json) : NULL;
  JsonArray *manifest = NULL;
  if (!top || !ns_json_array (top, "weightsManifest", TRUE, NULL, &manifest, error))
    {
      if (!top)
        g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("it is not a JSON object"));
      return NULL;
    }
  GError *local = NULL;
  NsShardSums *sums = ns_shard_sums_load (folder, &local);
  if (local)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  NsTfjsWeights *w = g_new0 (NsTfjsWeights, 1);
  w->folder = g_strdup (folder);
  w->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->n_groups = json_array_get_length (manifest);
  w->groups = g_new0 (Group, w->n_groups);
  gboolean ok = TRUE;
  for (int g = 0; g < w->n_groups && ok; g++)
    ok = open_group (w, manifest, g, sums, error);
  ns_shard_sums_free (sums);
  if (!ok)
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
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("the weights have no tensor “%s”"), name);
      return NULL;
    }
  if (t->rank != rank)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” has rank %d, expected %d"), name, t->rank,
                   rank);
      return NULL;
    }
  float *data = g_try_malloc (MAX (t->count, 1) * sizeof (float));
  if (!data)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for weight “%s”"), name);
      return NULL;
    }
  copy_range (&w->groups[t->group], t->offset, t->count * sizeof (float), (char *) data);
  for (gsize i = 0; i < t->count; i++)
    if (!isfinite (data[i]))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” holds a non-finite value: the weight "
                     "files in %s are corrupt"), name, w->folder);
        g_free (data);
        return NULL;
      }
  memcpy (shape, t->shape, sizeof (int) * MIN (rank, 4));
  return data;
}
