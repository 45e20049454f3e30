/* test-loader: crafted model.json files and corrupt shards get one clear
 * error naming the file and the field, never a crash. Each case starts from
 * the valid mini ResNet (tests/mini-resnet.c), edits one value of its
 * model.json with json-glib, and loads it. */
#include "mini-resnet.h"
#include "temp-folder.h"
#include "ns-model.h"
#include "ns-tfjs-weights.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct
{
  MiniNet  weights;
  char    *folder;
  char    *model_json;
} Fixture;

static char *cache_dir;   /* XDG_CACHE_HOME of this process: where the verified stamps go */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (99);
  mini_net_init (&f->weights, rng);
  f->model_json = mini_net_write_temp (&f->weights, "ns-test-loader-XXXXXX", &f->folder);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  temp_folder_remove (f->folder);
  g_free (f->folder);
  g_free (f->model_json);
  mini_net_clear (&f->weights);
}

static char *
shard (const Fixture *f, int k)
{
  return g_strdup_printf ("%s/group1-shard%dof2.bin", f->folder, k + 1);
}

/* ---- editing model.json --------------------------------------------------- */

typedef enum { TOP, LAYER, CONFIG, WEIGHT, GROUP } Target;

static JsonObject *
find_named (JsonArray *array, const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      if (g_strcmp0 (json_object_get_string_member (o, "name"), name) == 0)
        return o;
    }
  g_error ("the mini model has nothing named %s", name);
}

/* Sets member of the target object (a layer, its config, a manifest weight,
 * the first manifest group or the top level) to the JSON value text. */
static void
edit_model (const char *model_json, Target target, const char *name, const char *member, const char *value)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, model_json, NULL));
  JsonObject *top = json_node_get_object (json_parser_get_root (parser));
  JsonArray *layers = json_object_get_array_member (json_object_get_object_member (json_object_get_object_member (
    json_object_get_object_member (top, "modelTopology"), "model_config"), "config"), "layers");
  JsonObject *group = json_array_get_object_element (json_object_get_array_member (top, "weightsManifest"), 0);
  JsonObject *object = NULL;
  switch (target)
    {
    case TOP:    object = top; break;
    case LAYER:  object = find_named (layers, name); break;
    case CONFIG: object = json_object_get_object_member (find_named (layers, name), "config"); break;
    case WEIGHT: object = find_named (json_object_get_array_member (group, "weights"), name); break;
    case GROUP:  object = group; break;
    }
  GError *error = NULL;
  JsonNode *node = json_from_string (value, &error);
  g_assert_no_error (error);
  json_object_set_member (object, member, node);
  g_autofree char *text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_true (g_file_set_contents (model_json, text, -1, NULL));
}

/* ---- crafted fields ------------------------------------------------------- */

typedef struct
{
  const char *test;
  Target      target;
  const char *name, *member, *value;
  const char *says[2];     /* what the message must contain besides the file */
} Crafted;

static const Crafted CRAFTED[] = {
  /* issue 10 case 1: 4 * (2^62 + 4) wraps to the 16 bytes bn1/gamma really has */
  { "shape-wraps", WEIGHT, "bn1/gamma", "shape", "[4611686018427387908]", { "“bn1/gamma”", "“shape”" } },
  { "shape-negative", WEIGHT, "bn1/gamma", "shape", "[-4]", { "“bn1/gamma”", "“shape”" } },
  { "shape-product-wraps", WEIGHT, "bn1/gamma", "shape", "[2147483647, 2147483647, 2147483647, 2147483647]",
    { "“bn1/gamma”", "“shape” is too large" } },
  { "shape-rank-5", WEIGHT, "bn1/gamma", "shape", "[1, 1, 1, 1, 4]", { "“bn1/gamma”", "at most 4" } },
  { "shape-string", WEIGHT, "bn1/gamma", "shape", "[\"4\"]", { "“bn1/gamma”", "must be an integer" } },
  { "shape-not-array", WEIGHT, "bn1/gamma", "shape", "4", { "“shape” must be an array", "number" } },
  /* case 2 */
  { "dtype-number", WEIGHT, "bn1/gamma", "dtype", "5", { "“bn1/gamma”", "“dtype” must be a string" } },
  /* case 3 */
  { "weight-name-number", WEIGHT, "bn1/gamma", "name", "7", { "weights[", "“name” must be a string" } },
  { "shard-path-number", GROUP, NULL, "paths", "[5]", { "paths[0]", "must be a string" } },
  { "shard-path-outside", GROUP, NULL, "paths", "[\"../group1-shard1of2.bin\"]", { "file names beside", "../" } },
  { "manifest-not-array", TOP, NULL, "weightsManifest", "{}", { "“weightsManifest” must be an array", "object" } },
  { "topology-number", TOP, NULL, "modelTopology", "5", { "“modelTopology” must be an object", "number" } },
  /* case 4 */
  { "class-name-number", LAYER, "conv1", "class_name", "3", { "layer “conv1”", "“class_name” must be a string" } },
  { "layer-name-number", LAYER, "conv1", "name", "5", { "layer 2", "“name” must be a string" } },
  { "config-array", LAYER, "conv1", "config", "[]", { "layer “conv1”", "“config” must be an object" } },
  /* case 5 */
  { "inbound-name-number", LAYER, "bn1", "inbound_nodes", "[[[12, 0, 0, {}]]]",
    { "layer “bn1”", "inbound node 0 must be a string" } },
  { "inbound-string", LAYER, "bn1", "inbound_nodes", "\"conv1\"", { "layer “bn1”", "“inbound_nodes” must be an array" } },
  { "inbound-node-number", LAYER, "bn1", "inbound_nodes", "[[7]]", { "layer “bn1”", "inbound node 0 must be an array" } },
  /* case 6 and other windows */
  { "conv-strides-zero", CONFIG, "conv1", "strides", "[0, 0]", { "layer “conv1”", "strides must be between 1 and 65536, not [0,0]" } },
  { "conv-strides-negative", CONFIG, "conv1", "strides", "[-1, -1]", { "layer “conv1”", "strides" } },
  { "conv-strides-huge", CONFIG, "conv1", "strides", "[2147483647, 1]", { "layer “conv1”", "strides" } },
  { "conv-strides-string", CONFIG, "conv1", "strides", "\"2\"", { "layer “conv1”", "“strides” must be an integer" } },
  { "conv-kernel-zero", CONFIG, "conv1", "kernel_size", "[0, 0]", { "layer “conv1”", "kernel_size" } },
  { "conv-dilation-zero", CONFIG, "conv1", "dilation_rate", "[0, 0]", { "layer “conv1”", "dilation_rate" } },
  { "pool-size-zero", CONFIG, "pool", "pool_size", "[0, 0]", { "layer “pool”", "pool_size must be between 1" } },
  { "pool-strides-zero", CONFIG, "pool", "strides", "[0, 0]", { "layer “pool”", "strides must be between 1" } },
  { "pool-size-three", CONFIG, "pool", "pool_size", "[2, 2, 2]", { "layer “pool”", "“pool_size” must be" } },
  { "filters-string", CONFIG, "conv1", "filters", "\"4\"", { "layer “conv1”", "“filters” must be an integer" } },
  { "filters-missing", CONFIG, "conv1", "filters", "null", { "layer “conv1”", "“filters” must be an integer, not missing" } },
  { "filters-zero", CONFIG, "conv1", "filters", "0", { "layer “conv1”", "“filters” must be between 1" } },
  { "padding-number", CONFIG, "conv1", "padding", "7", { "layer “conv1”", "“padding” must be a string" } },
  { "activation-number", CONFIG, "conv1", "activation", "5", { "layer “conv1”", "“activation” must be a string" } },
  { "use-bias-string", CONFIG, "conv1", "use_bias", "\"yes\"", { "layer “conv1”", "“use_bias” must be true or false" } },
  { "epsilon-string", CONFIG, "bn1", "epsilon", "\"x\"", { "layer “bn1”", "“epsilon” must be a number" } },
  { "zeropad-string", CONFIG, "pad", "padding", "[[1, \"a\"], [1, 1]]", { "layer “pad”", "“padding” must be an integer" } },
  { "zeropad-negative", CONFIG, "pad", "padding", "-1", { "layer “pad”", "“padding” must be between 0" } },
  { "zeropad-short", CONFIG, "pad", "padding", "[1]", { "layer “pad”", "list of two" } },
  { "data-format-number", CONFIG, "pool", "data_format", "1", { "layer “pool”", "“data_format” must be a string" } },
};

static void
test_crafted (Fixture *f, gconstpointer data)
{
  const Crafted *c = data;
  edit_model (f->model_json, c->target, c->name, c->member, c->value);
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (f->model_json, NULL, &error);
  g_assert_null (net);
  g_assert_nonnull (error);
  g_assert_true (error->domain == NS_ERROR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, f->model_json));
  for (int i = 0; i < 2; i++)
    if (!strstr (error->message, c->says[i]))
      g_error ("“%s” does not say “%s”", error->message, c->says[i]);
  g_error_free (error);
}

/* The recipe detection reads the layer names first: it must refuse the same. */
static void
test_model_layer_name (Fixture *f, gconstpointer data)
{
  edit_model (f->model_json, LAYER, "bn1", "name", "[1]");
  GError *error = NULL;
  g_assert_null (ns_model_load (f->folder, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, "“name” must be a string, not an array"));
  /* ... and, like every reason a model does not load, says how to get weights, once */
  const char *hint = strstr (error->message, ns_weights_fetch_hint ());
  g_assert_nonnull (hint);
  g_assert_null (strstr (hint + 1, ns_weights_fetch_hint ()));
  g_clear_error (&error);

  /* Missing weights say it in their own words: still once. */
  g_autofree char *missing = g_build_filename (f->folder, "missing", NULL);
  g_assert_null (ns_model_load (missing, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_WEIGHTS);
  hint = strstr (error->message, ns_weights_fetch_hint ());
  g_assert_nonnull (hint);
  g_assert_null (strstr (hint + 1, ns_weights_fetch_hint ()));
  g_error_free (error);
}

/* A long chain of layers (a sequential model: each reads the one before)
 * must not be walked recursively: a million stack frames overflow. */
static void
test_deep_chain (void)
{
  const int n = 300000;
  GString *json = g_string_new ("{\"modelTopology\": {\"model_config\": {\"config\": {\"layers\": ["
                                "{\"class_name\": \"InputLayer\", \"name\": \"a0\", \"config\": {}}");
  for (int i = 1; i < n; i++)
    g_string_append_printf (json, ",{\"class_name\":\"Dropout\",\"name\":\"a%d\",\"config\":{}}", i);
  g_string_append (json, "]}}}, \"weightsManifest\": []}");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json->str, json->len, NULL));
  g_string_free (json, TRUE);
  g_autofree char *last = g_strdup_printf ("a%d", n - 1);
  const char *outputs[] = { last, NULL };
  GError *error = NULL;
  NsNetwork *net = ns_network_from_tfjs (json_parser_get_root (parser), ".", outputs, &error);
  g_assert_no_error (error);
  g_assert_cmpint (net->n_nodes, ==, 1);    /* the Dropouts are aliases of the input */
  g_assert_cmpint (ns_network_lookup (net, "a0"), ==, 0);
  ns_network_free (net);
}

/* The unedited model loads, or every failure above could be something else. */
static void
test_valid (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (f->model_json, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  ns_network_free (net);
}

/* ---- SHA256SUMS ----------------------------------------------------------- */

/* Writes SHA256SUMS as sha256sum does, of model.json and the shards. */
static void
write_sums (const Fixture *f)
{
  GString *sums = g_string_new (NULL);
  const char *files[] = { "group1-shard1of2.bin", "group1-shard2of2.bin", "model.json" };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (f->folder, files[i], NULL), *bytes = NULL;
      gsize length;
      g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) bytes, length);
      g_string_append_printf (sums, "%s  %s\n", sum, files[i]);
    }
  g_autofree char *path = g_build_filename (f->folder, "SHA256SUMS", NULL);
  g_assert_true (g_file_set_contents (path, sums->str, -1, NULL));
  g_string_free (sums, TRUE);
}

/* Swaps the first two floats of a shard: same size, finite values, so only
 * the checksum can tell. */
static void
corrupt (const char *path)
{
  g_autofree char *bytes = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
  g_assert_cmpuint (length, >=, 8);
  char first[4];
  memcpy (first, bytes, 4);
  memmove (bytes, bytes + 4, 4);
  memcpy (bytes + 4, first, 4);
  g_assert_true (memcmp (bytes, bytes + 4, 4) != 0);
  g_assert_true (g_file_set_contents (path, bytes, length, NULL));
}

static NsNetwork *
load_expecting (const Fixture *f, GQuark domain, int code, const char *says)
{
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (f->model_json, NULL, &error);
  if (!says)
    {
      g_assert_no_error (error);
      g_assert_nonnull (net);
      return net;
    }
  g_assert_null (net);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  if (!strstr (error->message, says))
    g_error ("“%s” does not say “%s”", error->message, says);
  g_error_free (error);
  return NULL;
}

static char *
stamps_path (void)
{
  return g_build_filename (cache_dir, "neural-style", "verified-weights", NULL);
}

static void
test_sums_verified (Fixture *f, gconstpointer data)
{
  write_sums (f);
  ns_network_free (load_expecting (f, 0, 0, NULL));
  /* The shards are stamped as verified (by their absolute path). */
  g_autofree char *stamps = NULL, *second = shard (f, 1), *path = stamps_path ();
  g_assert_true (g_file_get_contents (path, &stamps, NULL, NULL));
  g_assert_nonnull (strstr (stamps, second));
  ns_network_free (load_expecting (f, 0, 0, NULL));
}

static void
test_sums_corrupt (Fixture *f, gconstpointer data)
{
  write_sums (f);
  ns_network_free (load_expecting (f, 0, 0, NULL));    /* stamped */
  g_autofree char *second = shard (f, 1);
  corrupt (second);
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "group1-shard2of2.bin is corrupt");
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "fetch-weights.sh");
}

static void
test_sums_corrupt_unstamped (Fixture *f, gconstpointer data)
{
  write_sums (f);
  g_autofree char *first = shard (f, 0);
  corrupt (first);
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "group1-shard1of2.bin is corrupt");
}

/* A stamp vouches for a file only against the sum it was verified with. */
static void
test_sums_changed (Fixture *f, gconstpointer data)
{
  write_sums (f);
  ns_network_free (load_expecting (f, 0, 0, NULL));
  g_autofree char *path = g_build_filename (f->folder, "SHA256SUMS", NULL), *sums = NULL;
  g_assert_true (g_file_get_contents (path, &sums, NULL, NULL));
  char *line = strstr (sums, "  group1-shard2of2.bin") - 64;
  line[0] = line[0] == '0' ? '1' : '0';
  g_assert_true (g_file_set_contents (path, sums, -1, NULL));
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "group1-shard2of2.bin is corrupt");
}

static void
test_sums_unlisted (Fixture *f, gconstpointer data)
{
  write_sums (f);
  g_autofree char *path = g_build_filename (f->folder, "SHA256SUMS", NULL), *sums = NULL;
  g_assert_true (g_file_get_contents (path, &sums, NULL, NULL));
  *strstr (sums, "group1-shard2of2.bin") = 'G';
  g_assert_true (g_file_set_contents (path, sums, -1, NULL));
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "group1-shard2of2.bin is not listed in SHA256SUMS");
}

static void
test_sums_malformed (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->folder, "SHA256SUMS", NULL);
  g_assert_true (g_file_set_contents (path, "not a checksum line\n", -1, NULL));
  load_expecting (f, NS_ERROR, NS_ERROR_WEIGHTS, "SHA256SUMS: line 1");
}

/* A user's own model (no SHA256SUMS) loads unchecked, even when a shard
 * changed, as long as its values are finite and its size right. */
static void
test_sums_absent (Fixture *f, gconstpointer data)
{
  g_autofree char *first = shard (f, 0);
  corrupt (first);
  ns_network_free (load_expecting (f, 0, 0, NULL));
}

/* A stamp that cannot be written is no error. */
static void
test_stamp_unwritable (Fixture *f, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (cache_dir, "neural-style", NULL);
  temp_folder_remove (blocker);
  g_assert_true (g_file_set_contents (blocker, "in the way", -1, NULL));
  write_sums (f);
  ns_network_free (load_expecting (f, 0, 0, NULL));
  g_remove (blocker);
}

static void
add (const char *name, gconstpointer data, void (*test) (Fixture *, gconstpointer))
{
  g_test_add (name, Fixture, data, fixture_set_up, test, fixture_tear_down);
}

int
main (int argc, char **argv)
{
  /* Before anything asks GLib for the cache folder, which it keeps. */
  cache_dir = g_dir_make_tmp ("ns-test-loader-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_dir, TRUE);
  g_test_init (&argc, &argv, NULL);
  add ("/loader/valid", NULL, test_valid);
  for (gsize i = 0; i < G_N_ELEMENTS (CRAFTED); i++)
    {
      g_autofree char *name = g_strdup_printf ("/loader/crafted/%s", CRAFTED[i].test);
      add (name, &CRAFTED[i], test_crafted);
    }
  add ("/loader/model-layer-name", NULL, test_model_layer_name);
  g_test_add_func ("/loader/deep-chain", test_deep_chain);
  add ("/loader/sums/verified", NULL, test_sums_verified);
  add ("/loader/sums/corrupt", NULL, test_sums_corrupt);
  add ("/loader/sums/corrupt-unstamped", NULL, test_sums_corrupt_unstamped);
  add ("/loader/sums/changed", NULL, test_sums_changed);
  add ("/loader/sums/unlisted", NULL, test_sums_unlisted);
  add ("/loader/sums/malformed", NULL, test_sums_malformed);
  add ("/loader/sums/absent", NULL, test_sums_absent);
  add ("/loader/sums/stamp-unwritable", NULL, test_stamp_unwritable);
  int status = g_test_run ();
  temp_folder_remove (cache_dir);
  g_free (cache_dir);
  return status;
}
