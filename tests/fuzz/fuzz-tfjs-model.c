/* fuzz-tfjs-model: the input is a model.json; beside it lie the shards of
 * the mini ResNet (tests/mini-resnet.c), written once. The model is parsed,
 * its recipe looked for, built, and, when that succeeds, run forward on a
 * small image, so that crafted geometry reaches the shape arithmetic. */
#include "fuzz-common.h"
#include "mini-resnet.h"
#include "ns-model.h"
#include "ns-tfjs-weights.h"

static char *folder;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  folder = g_strdup (fuzz_setup ());
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  MiniNet net;
  mini_net_init (&net, rng);
  g_free (mini_net_write (&net, folder, DEFECT_NONE));
  mini_net_clear (&net);
  return 0;
}

/* A small forward pass, unless the network's shapes would need much memory:
 * only zero padding makes a tensor larger than the 12x10 input. */
static void
run (NsNetwork *net)
{
  for (int i = 0; i < net->n_nodes; i++)
    for (int k = 0; k < 4; k++)
      if (net->nodes[i].op == &ns_op_zeropad && net->nodes[i].pad[k] > 16)
        return;
  GError *error = NULL;
  NsPass *pass = ns_pass_new (net, 12, 10, 0, &error);
  g_clear_error (&error);
  if (!pass)
    return;
  gsize floats = 0;
  for (int i = 0; i < net->n_nodes; i++)
    floats += ns_shape_size (pass->shapes[i]);
  if (floats < ((gsize) 1 << 22))
    {
      g_autofree float *input = g_new0 (float, 12 * 10 * 3);
      ns_pass_forward (pass, input);
    }
  ns_pass_free (pass);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL) || !json_parser_get_root (parser))
    return 0;
  JsonNode *root = json_parser_get_root (parser);
  GError *error = NULL;
  g_auto (GStrv) names = ns_tfjs_layer_names (root, &error);
  g_clear_error (&error);
  NsRecipe *recipe = names ? ns_recipe_for_layers ((const char *const *) names, &error) : NULL;
  g_clear_error (&error);
  ns_recipe_free (recipe);
  NsNetwork *net = ns_network_from_tfjs (root, folder, NULL, &error);
  g_clear_error (&error);
  if (net)
    run (net);
  ns_network_free (net);
  return 0;
}
