/* tiny-model.c: see tiny-model.h. The JSON is assembled as text so that a
 * test can put anything (including unsupported layers) into a layer config. */
#include "tiny-model.h"

#include <string.h>

typedef struct
{
  char  *name;
  int    rank;
  int    shape[4];
  gsize  count;
  gsize  offset;     /* bytes from the start of the weight data */
} Weight;

struct _TinyModel
{
  GString *layers;   /* comma-separated layer objects */
  GArray  *weights;  /* Weight */
  GArray  *data;     /* float, all weights back to back */
  char    *shards[2];
};

TinyModel *
tiny_model_new (void)
{
  TinyModel *m = g_new0 (TinyModel, 1);
  m->layers = g_string_new (NULL);
  m->weights = g_array_new (FALSE, FALSE, sizeof (Weight));
  m->data = g_array_new (FALSE, FALSE, sizeof (float));
  return m;
}

void
tiny_model_free (TinyModel *m)
{
  if (!m)
    return;
  g_string_free (m->layers, TRUE);
  for (guint i = 0; i < m->weights->len; i++)
    g_free (g_array_index (m->weights, Weight, i).name);
  g_array_unref (m->weights);
  g_array_unref (m->data);
  g_free (m->shards[0]);
  g_free (m->shards[1]);
  g_free (m);
}

void
tiny_model_layer (TinyModel *m, const char *class_name, const char *name, const char *config,
                  const char *input0, const char *input1)
{
  if (m->layers->len)
    g_string_append (m->layers, ",\n");
  g_string_append_printf (m->layers, "{\"class_name\": \"%s\", \"name\": \"%s\", \"config\": {\"name\": \"%s\"%s%s}, "
                          "\"inbound_nodes\": [", class_name, name, name, config && *config ? ", " : "",
                          config ? config : "");
  if (input0)
    {
      g_string_append_printf (m->layers, "[[\"%s\", 0, 0, {}]", input0);
      if (input1)
        g_string_append_printf (m->layers, ", [\"%s\", 0, 0, {}]", input1);
      g_string_append (m->layers, "]");
    }
  g_string_append (m->layers, "]}");
}

void
tiny_model_weight (TinyModel *m, const char *name, int rank, const int *shape, const float *values)
{
  Weight w = { g_strdup (name), rank, { 0 }, 1, m->data->len * sizeof (float) };
  for (int d = 0; d < rank; d++)
    {
      w.shape[d] = shape[d];
      w.count *= shape[d];
    }
  g_array_append_vals (m->data, values, w.count);
  g_array_append_val (m->weights, w);
}

static gsize
split_offset (const TinyModel *m, const char *split_in)
{
  for (guint i = 0; i < m->weights->len; i++)
    {
      const Weight *w = &g_array_index (m->weights, Weight, i);
      if (strcmp (w->name, split_in) == 0)
        {
          g_assert (w->count >= 2);
          return w->offset + w->count / 2 * sizeof (float);
        }
    }
  g_error ("tiny model has no weight “%s” to split", split_in);
}

char *
tiny_model_write (TinyModel *m, const char *folder, const char *split_in)
{
  gsize total = m->data->len * sizeof (float);
  gsize split = split_in ? split_offset (m, split_in) : total;
  int n_shards = split_in ? 2 : 1;
  const char *data = m->data->data;
  GError *error = NULL;

  GString *json = g_string_new ("{\"format\": \"layers-model\", \"generatedBy\": \"tiny-model.c\",\n"
                                "\"modelTopology\": {\"class_name\": \"Model\", \"model_config\": "
                                "{\"class_name\": \"Model\", \"config\": {\"name\": \"tiny\", \"layers\": [\n");
  g_string_append (json, m->layers->str);
  g_string_append (json, "]}}},\n\"weightsManifest\": [{\"paths\": [");
  for (int k = 0; k < n_shards; k++)
    {
      g_autofree char *file = g_strdup_printf ("group1-shard%dof%d.bin", k + 1, n_shards);
      g_free (m->shards[k]);
      m->shards[k] = g_build_filename (folder, file, NULL);
      gsize start = k ? split : 0, end = k + 1 < n_shards ? split : total;
      if (!g_file_set_contents (m->shards[k], data + start, end - start, &error))
        g_error ("%s", error->message);
      g_string_append_printf (json, "%s\"%s\"", k ? ", " : "", file);
    }
  g_string_append (json, "], \"weights\": [");
  for (guint i = 0; i < m->weights->len; i++)
    {
      const Weight *w = &g_array_index (m->weights, Weight, i);
      g_string_append_printf (json, "%s\n{\"name\": \"%s\", \"dtype\": \"float32\", \"shape\": [", i ? "," : "", w->name);
      for (int d = 0; d < w->rank; d++)
        g_string_append_printf (json, "%s%d", d ? ", " : "", w->shape[d]);
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}]}\n");

  char *path = g_build_filename (folder, "model.json", NULL);
  if (!g_file_set_contents (path, json->str, json->len, &error))
    g_error ("%s", error->message);
  g_string_free (json, TRUE);
  return path;
}

const char *
tiny_model_shard (const TinyModel *m, int k)
{
  return k >= 0 && k < 2 ? m->shards[k] : NULL;
}
