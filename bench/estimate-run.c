/* estimate-run: ns_estimate() for a default run on a content of a given
 * size, as JSON, without running it (bench/run-photo-bench compares it with
 * the measured run). */
#include "bench-common.h"

#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autofree char *weights = NULL;
  int width = 0, height = 0, size = 0, iterations = 0, threads = 0;
  const GOptionEntry entries[] = {
    { "weights", 'w', 0, G_OPTION_ARG_FILENAME, &weights, "model.json or its folder", "PATH" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "content width", "N" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "content height", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "long side of the result (0: the content's)", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "iterations (default: the engine's)", "N" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "engine threads (0: all cores)", "N" },
    { NULL }
  };
  bench_parse_options (&argc, &argv, "- the engine's estimate of a run", entries);
  if (width < 1 || height < 1)
    bench_fail ("give --width and --height");
  g_autoptr (NsModel) model = bench_load_model (weights);
  NsParams params;
  ns_params_init (&params);
  params.size = size;
  params.threads = threads;
  if (iterations > 0)
    params.iterations = iterations;
  NsEstimate estimate;
  ns_estimate (model, width, height, &params, &estimate);
  printf ("{ \"seconds\": %.4g, \"peak_mb\": %.1f }\n", estimate.seconds, estimate.peak_mb);
  return 0;
}
