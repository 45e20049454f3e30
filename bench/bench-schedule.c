/* bench-schedule: one stylisation with the recipe's coarse-to-fine schedule
 * parameters overridden, to tune them (docs/performance.md).
 *
 *   bench-schedule --content C --style S [--size 512] [--iterations 300]
 *                  [--schedule multiscale|single] [--min-size N] [--factor X]
 *                  [--ratio X] [--threads 2] [--weights PATH] [--detail]
 *
 * --detail runs the stages one ns_stylize() call each and starts every stage
 * after the first from the content at that size plus the upsampled change
 * the previous stage made to its content (its stylisation), instead of from
 * the upsampled previous result: the content's fine detail is not blurred
 * away by the upsampling. ns_stylize() starts its stages the same way
 * (upsample_stage()), so both modes measure this start.
 *
 * Prints one JSON object: time, final full-resolution loss, evaluations and
 * the cost in full-resolution iterations (each stage's iterations weighted
 * by its pixels over the final stage's), which, unlike the time, does not
 * depend on the machine's load. */
#include "bench-common.h"
#include "ns-model.h"
#include "image-file.h"
#include "ns-schedule.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  double pixel_iterations;   /* sum over iterations of the stage's pixels */
  int    last_stage;
  double stage_seconds[32];
  int    stage_iterations[32], stage_width[32], stage_height[32];
} Trace;

static gboolean
on_progress (const NsProgress *p, gpointer data)
{
  Trace *t = data;
  t->pixel_iterations += (double) p->width * p->height;
  if (p->stage < 32)
    {
      t->stage_seconds[p->stage] = p->seconds;
      t->stage_iterations[p->stage]++;
      t->stage_width[p->stage] = p->width;
      t->stage_height[p->stage] = p->height;
    }
  t->last_stage = p->stage;
  return TRUE;
}

/* The stages of params' schedule as separate single-scale runs; stage k > 0
 * starts from content_k + up (result_{k-1} - content_{k-1}). */
static NsImage *
stylize_with_detail (const NsModel *model, const NsImage *content, const NsImage *style, const NsParams *params,
                     Trace *trace, NsStats *stats, GError **error)
{
  NsSchedulePlan plan;
  ns_schedule_plan (model->recipe, params, content->width, content->height, &plan);
  NsImage *previous = NULL, *previous_content = NULL;
  double seconds = 0;
  int iterations = 0, evaluations = 0;
  for (int k = 0; k < plan.n_stages; k++)
    {
      int w = plan.width[k], h = plan.height[k];
      NsImage *stage_content = ns_image_resize (content, w, h);
      NsImage *start = NULL;
      if (previous)
        {
          g_autoptr (NsImage) change = ns_image_copy (previous);
          for (gsize i = 0; i < (gsize) change->width * change->height * 3; i++)
            change->pixels[i] -= previous_content->pixels[i];
          g_autoptr (NsImage) up = ns_image_resize (change, w, h);
          start = ns_image_copy (stage_content);
          for (gsize i = 0; i < (gsize) w * h * 3; i++)
            start->pixels[i] = CLAMP (start->pixels[i] + up->pixels[i], 0.0f, 1.0f);
        }
      NsParams p = *params;
      p.schedule = NS_SCHEDULE_SINGLE;
      p.size = MAX (w, h);
      p.iterations = plan.iterations[k];
      Trace stage_trace = { 0 };
      NsImage *result = ns_stylize (model, content, style, &p, start, on_progress, &stage_trace, stats, error);
      ns_image_free (start);
      ns_image_free (previous);
      ns_image_free (previous_content);
      if (!result)
        {
          ns_image_free (stage_content);
          return NULL;
        }
      trace->pixel_iterations += stage_trace.pixel_iterations;
      trace->stage_iterations[k] = stats->iterations;
      trace->stage_width[k] = w, trace->stage_height[k] = h;
      seconds += stats->seconds;
      trace->stage_seconds[k] = seconds;
      trace->last_stage = k;
      iterations += stats->iterations;
      evaluations += stats->evaluations;
      previous = result;
      previous_content = stage_content;
    }
  ns_image_free (previous_content);
  stats->seconds = seconds;
  stats->iterations = iterations;
  stats->evaluations = evaluations;
  return previous;
}

int
main (int argc, char **argv)
{
  g_autofree char *content_path = NULL, *style_path = NULL, *weights = NULL, *schedule = NULL, *output = NULL;
  int size = 512, iterations = 0, threads = 2, min_size = 0, max_size = -1;
  double factor = 0, ratio = 0;
  gboolean detail = FALSE;
  const GOptionEntry entries[] = {
    { "content", 'c', 0, G_OPTION_ARG_FILENAME, &content_path, "content image", "FILE" },
    { "style", 's', 0, G_OPTION_ARG_FILENAME, &style_path, "style image", "FILE" },
    { "weights", 'w', 0, G_OPTION_ARG_FILENAME, &weights, "model.json or its folder", "PATH" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "long side of the result", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "iterations (default: the engine's)", "N" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, "multiscale (default) or single", "KIND" },
    { "min-size", 0, 0, G_OPTION_ARG_INT, &min_size, "smallest stage's long side", "N" },
    { "factor", 0, 0, G_OPTION_ARG_DOUBLE, &factor, "size ratio of successive stages", "X" },
    { "ratio", 0, 0, G_OPTION_ARG_DOUBLE, &ratio, "iteration ratio of successive stages", "X" },
    { "max-size", 0, 0, G_OPTION_ARG_INT, &max_size, "largest optimised stage's long side (0: none)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "write the result as PNG", "FILE" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "threads", "N" },
    { "detail", 0, 0, G_OPTION_ARG_NONE, &detail, "stages start from content + upsampled stylisation", NULL },
    { NULL }
  };
  bench_parse_options (&argc, &argv, "- one run with a tuned schedule", entries);
  if (!content_path || !style_path)
    bench_fail ("--content and --style are required");
  g_autoptr (NsModel) model = bench_load_model (weights);
  g_autoptr (GError) error = NULL;
  g_autoptr (NsImage) content = image_file_load (content_path, &error);
  g_autoptr (NsImage) style = content ? image_file_load (style_path, &error) : NULL;
  if (!style)
    bench_fail ("%s", error->message);
  if (min_size > 0)
    model->recipe->min_stage_size = min_size;
  if (factor > 1)
    model->recipe->stage_factor = factor;
  if (ratio > 0)
    model->recipe->stage_iteration_ratio = ratio;
  if (max_size >= 0)
    model->recipe->max_stage_size = max_size;

  NsParams params;
  ns_params_init (&params);
  params.size = size;
  params.threads = threads;
  if (iterations > 0)
    params.iterations = iterations;
  params.schedule = g_strcmp0 (schedule, "single") == 0 ? NS_SCHEDULE_SINGLE : NS_SCHEDULE_MULTISCALE;

  Trace trace = { 0 };
  NsStats stats = { 0 };
  g_autoptr (NsImage) result = NULL;
  if (!detail)
    result = ns_stylize (model, content, style, &params, NULL, on_progress, &trace, &stats, &error);
  else
    result = stylize_with_detail (model, content, style, &params, &trace, &stats, &error);
  if (!result)
    bench_fail ("%s", error->message);
  g_autofree char *png = NULL;
  gsize png_size = 0;
  if (output && (!image_file_encode_png (result, &png, &png_size, &error)
                 || !g_file_set_contents (output, png, (gssize) png_size, &error)))
    bench_fail ("%s", error->message);
  double final_pixels = (double) result->width * result->height;
  printf ("{\n  \"schedule\": \"%s\", \"min_size\": %d, \"factor\": %g, \"ratio\": %g, \"max_size\": %d,\n",
          params.schedule == NS_SCHEDULE_SINGLE ? "single" : "multiscale", model->recipe->min_stage_size,
          model->recipe->stage_factor, model->recipe->stage_iteration_ratio, model->recipe->max_stage_size);
  printf ("  \"iterations\": %d, \"evaluations\": %d, \"seconds\": %.3f, \"seconds_per_iteration\": %.4f,\n",
          stats.iterations, stats.evaluations, stats.seconds, stats.seconds_per_iteration);
  printf ("  \"full_resolution_iterations\": %.2f,\n", trace.pixel_iterations / final_pixels);
  printf ("  \"loss_initial\": %.6g, \"loss_final\": %.6g, \"content_loss\": %.6g, \"style_loss\": %.6g, "
          "\"tv_loss\": %.6g,\n", stats.loss_initial, stats.loss_final, stats.content_loss, stats.style_loss,
          stats.tv_loss);
  printf ("  \"peak_rss_mb\": %.1f,\n  \"stages\": [", stats.peak_rss_mb);
  for (int k = 0; k <= trace.last_stage && k < 32; k++)
    printf ("%s{ \"width\": %d, \"height\": %d, \"iterations\": %d, \"end_seconds\": %.2f }", k ? ", " : "",
            trace.stage_width[k], trace.stage_height[k], trace.stage_iterations[k], trace.stage_seconds[k]);
  printf ("]\n}\n");
  return 0;
}
