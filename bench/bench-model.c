/* bench-model: the engine's work and speed on the real model, one JSON object.
 *
 *   bench-model --weights model.json --content-size 1024x768 --size 512
 *               [--reps 5] [--threads 2] [--margin 16] [--layers]
 *
 * At the working size (long side --size, the content's aspect ratio) it
 * reports the forward FLOPs counted from the layer shapes of the canvas the
 * network sees (the image and --margin pixels around it, by default the
 * runs' NS_TILE_MARGIN; 0: the image alone), the time of one
 * loss + gradient evaluation (median of --reps), the time of the conv layers
 * alone (forward + input gradient, each layer on its real shapes) and
 * ns_estimate() for a single-scale and a multiscale run of the default
 * iterations. Images are synthetic: timing does not depend on their content. */
#include "bench-common.h"
#include "ns-model.h"
#include "ns-memory.h"
#include "ns-objective.h"

#include <math.h>
#include <stdio.h>

/* A smooth pattern with some texture: realistic activations, no denormals. */
static NsImage *
synthetic_image (int width, int height, double phase)
{
  NsImage *image = ns_image_new (width, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        image->pixels[((gsize) y * width + x) * 3 + c] =
          (float) (0.5 + 0.4 * sin (0.05 * x * (c + 1) + phase) * cos (0.07 * y + c + phase));
  return image;
}

/* Times every conv layer of the pass (forward + input gradient, median of
 * reps each); returns their total seconds and FLOPs (forward + backward). */
static double
time_convs (NsPass *pass, int reps, gboolean print_layers, double *flops, double *cpu_total)
{
  const NsNetwork *net = pass->net;
  double total = 0;
  double *t = g_new (double, reps), *c = g_new (double, reps);
  *flops = 0;
  *cpu_total = 0;
  for (int i = 1; i < net->n_nodes; i++)
    {
      const NsNode *node = &net->nodes[i];
      if (node->op != &ns_op_conv)
        continue;
      NsShape is = pass->shapes[node->inputs[0]], os = pass->shapes[i];
      NsConv conv = ns_pass_conv (pass, i);
      float *in = bench_filled (ns_shape_size (is), 1), *out = g_new (float, ns_shape_size (os));
      float *din = g_new0 (float, ns_shape_size (is)), *dout = bench_filled (ns_shape_size (os), 2);
      double f = 2.0 * os.h * os.w * conv.kh * conv.kw * conv.cin * conv.cout;
      for (int r = 0; r < reps; r++)
        {
          double t0 = bench_now (), c0 = bench_cpu_now ();
          ns_conv_forward (&conv, in, is, out, os, pass->workspace);
          ns_conv_backward (&conv, dout, os, din, is, pass->workspace);
          t[r] = bench_now () - t0;
          c[r] = bench_cpu_now () - c0;
        }
      double m = bench_median (t, reps), mc = bench_median (c, reps);
      total += m;
      *cpu_total += mc;
      *flops += 2 * f;
      if (print_layers)
        fprintf (stderr, "%-24s %dx%d s%d %4d->%-4d %4dx%-4d %7.2f ms %6.1f GFLOP/s  CPU %7.2f ms %6.1f GFLOP/s\n",
                 node->name, conv.kh, conv.kw, conv.stride_h, conv.cin, conv.cout, os.w, os.h, m * 1e3,
                 2 * f / m / 1e9, mc * 1e3, 2 * f / mc / 1e9);
      g_free (in), g_free (out), g_free (din), g_free (dout);
    }
  g_free (t);
  g_free (c);
  return total;
}

static double
time_evaluations (NsObjective *objective, int width, int height, int reps, double *cpu)
{
  gsize n = (gsize) width * height * 3;
  g_autoptr (NsImage) start = synthetic_image (width, height, 1.0);
  g_autofree double *x = g_new (double, n), *grad = g_new (double, n);
  double *t = g_new (double, reps), *c = g_new (double, reps);
  for (gsize i = 0; i < n; i++)
    x[i] = start->pixels[i];
  ns_objective_evaluate (objective, x, grad);   /* warm-up: first-touch page faults */
  for (int r = 0; r < reps; r++)
    {
      double t0 = bench_now (), c0 = bench_cpu_now ();
      ns_objective_evaluate (objective, x, grad);
      t[r] = bench_now () - t0;
      c[r] = bench_cpu_now () - c0;
    }
  double m = bench_median (t, reps);
  *cpu = bench_median (c, reps);
  g_free (t);
  g_free (c);
  return m;
}

int
main (int argc, char **argv)
{
  g_autofree char *weights = NULL, *content_size = NULL;
  int size = 512, reps = 5, threads = 2, iterations = 0, margin = NS_TILE_MARGIN;
  gboolean layers = FALSE;
  const GOptionEntry entries[] = {
    { "weights", 'w', 0, G_OPTION_ARG_FILENAME, &weights, "model.json or its folder", "PATH" },
    { "content-size", 0, 0, G_OPTION_ARG_STRING, &content_size, "content image size (default 1024x768)", "WxH" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "working long side", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "timed repetitions", "N" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "engine threads", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "iterations of the estimated runs (default: the engine's)", "N" },
    { "margin", 0, 0, G_OPTION_ARG_INT, &margin, "the canvas' margin (default: the runs')", "PIXELS" },
    { "layers", 0, 0, G_OPTION_ARG_NONE, &layers, "per-layer conv times on stderr", NULL },
    { NULL }
  };
  bench_parse_options (&argc, &argv, "- engine work and speed on the real model", entries);
  int cw = 1024, ch = 768;
  if (content_size && sscanf (content_size, "%dx%d", &cw, &ch) != 2)
    bench_fail ("--content-size must be WxH");
  reps = MAX (reps, 1);
  margin = MAX (margin, 0);
  g_autoptr (NsModel) model = bench_load_model (weights);
  double scale = (double) size / MAX (cw, ch);
  int w = MAX (1, (int) lround (cw * scale)), h = MAX (1, (int) lround (ch * scale));

  NsParams params;
  ns_params_init (&params);
  params.size = size;
  params.threads = threads;
  if (iterations > 0)
    params.iterations = iterations;
  NsEstimate single, multi;
  params.schedule = NS_SCHEDULE_SINGLE;
  ns_estimate (model, cw, ch, &params, &single);
  params.schedule = NS_SCHEDULE_MULTISCALE;
  ns_estimate (model, cw, ch, &params, &multi);
  /* The estimate's cost of one more single-scale iteration. */
  NsEstimate one, two;
  NsParams p1 = params;
  p1.schedule = NS_SCHEDULE_SINGLE;
  p1.iterations = 100;
  ns_estimate (model, cw, ch, &p1, &one);
  p1.iterations = 200;
  ns_estimate (model, cw, ch, &p1, &two);

  g_autoptr (NsImage) content = synthetic_image (cw, ch, 0.0);
  g_autoptr (NsImage) style = synthetic_image (cw, ch, 2.0);
  const NsRecipe *recipe = model->recipe;
  g_autoptr (GError) error = NULL;
  NsStyle the_style = { .image = style, .blend = 1.0 };
  NsObjectiveSetup setup = { content, &the_style, 1, 1.0, recipe->content_weight, recipe->style_weight,
                             recipe->tv_weight, 0, 0, threads, margin, NULL, NULL, 0 };
  NsObjective *objective = ns_objective_create (model, &setup, w, h, &error);
  if (!objective)
    bench_fail ("%s", error->message);
  double evaluation_cpu;
  double evaluation = time_evaluations (objective, w, h, reps, &evaluation_cpu);
  double conv_flops, conv_cpu;
  double conv_seconds = time_convs (objective->pass, reps, layers, &conv_flops, &conv_cpu);
  double forward_flops = ns_network_flops (model->net, h + 2 * margin, w + 2 * margin);
  ns_objective_free (objective);

  printf ("{\n  \"width\": %d, \"height\": %d, \"margin\": %d, \"threads\": %d,\n", w, h, margin, threads);
  printf ("  \"forward_flops\": %.6g,\n  \"conv_flops_forward_backward\": %.6g,\n", forward_flops, conv_flops);
  printf ("  \"seconds_per_evaluation\": %.6g,\n  \"cpu_seconds_per_evaluation\": %.6g,\n", evaluation,
          evaluation_cpu);
  printf ("  \"conv_seconds\": %.6g,\n  \"conv_cpu_seconds\": %.6g,\n", conv_seconds, conv_cpu);
  printf ("  \"estimate_single\": { \"iterations\": %d, \"seconds\": %.4g, \"peak_mb\": %.1f },\n",
          params.iterations, single.seconds, single.peak_mb);
  printf ("  \"estimate_multiscale\": { \"iterations\": %d, \"seconds\": %.4g, \"peak_mb\": %.1f },\n",
          params.iterations, multi.seconds, multi.peak_mb);
  printf ("  \"estimate_seconds_per_iteration\": %.4g,\n", (two.seconds - one.seconds) / 100);
  printf ("  \"peak_rss_mb\": %.1f\n}\n", ns_peak_rss_mb ());
  return 0;
}
