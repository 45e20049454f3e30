/* ns-dump-features: writes one layer's activations for an image, so that an
 * independent implementation (tests/tfjs_torch.py) can compare them.
 * Output: raw little-endian float32 in HWC order; prints "H W C". */
#include "ns-model.h"

#include "tool/image-file.h"

#include <stdio.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsNetwork, ns_network_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsPass, ns_pass_free)

int
main (int argc, char **argv)
{
  /* GOption allocates the strings; freed on every return so LeakSanitizer stays quiet. */
  g_autofree char *weights = NULL, *image_path = NULL, *layer = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, "model.json", "FILE" },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image_path, "input PNG", "FILE" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layer, "layer to dump", "NAME" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "raw float32 output", "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- dump a layer's activations");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error) || !weights || !image_path || !layer || !output)
    {
      fprintf (stderr, "usage: ns-dump-features --weights model.json --image in.png --layer NAME --output out.f32\n");
      return 2;
    }
  const char *outputs[] = { layer, NULL };
  g_autoptr (NsNetwork) net = ns_network_load_tfjs (weights, outputs, &error);
  g_autoptr (NsImage) image = net ? image_file_load (image_path, &error) : NULL;
  g_autoptr (NsPass) pass = image ? ns_pass_new (net, image->height, image->width, 0, &error) : NULL;
  int node = net ? ns_network_lookup (net, layer) : -1;
  if (!pass || node < 0)
    {
      fprintf (stderr, "ns-dump-features: %s\n", error ? error->message : "layer output is not kept (fused)");
      return 1;
    }
  g_autofree float *input = g_new (float, (gsize) image->width * image->height * 3);
  NsRecipe recipe = { .mean_bgr = { 103.939f, 116.779f, 123.68f } };
  ns_preprocess (&recipe, image->pixels, (gsize) image->width * image->height, input);
  ns_pass_forward (pass, input);
  NsShape s = pass->shapes[node];
  if (!g_file_set_contents (output, (const char *) pass->values[node], ns_shape_size (s) * sizeof (float), &error))
    {
      fprintf (stderr, "ns-dump-features: %s\n", error->message);
      return 1;
    }
  printf ("%d %d %d\n", s.h, s.w, s.c);
  return 0;
}
