/* ns-tool.c: the neural-style command, front end of the engine.
 *
 *   neural-style --content FILE --style FILE --output FILE [options]
 *
 * Every failure prints one "neural-style: ..." line and exits 1 without
 * touching the output file; success exits 0. */
#include "neural-style.h"
#include "image-file.h"
#include "output-file.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

typedef struct
{
  char   *content, *style, *output, *weights, *stats;
  char   *init, *schedule;
  gint64  seed;
  gboolean quiet;
} Options;

typedef struct
{
  gboolean tty;       /* redraw one line with \r rather than print a log */
  gboolean drew;      /* a \r line is on screen and needs a final newline */
} ProgressState;

static gboolean
parse_choice (const char *name, const char *value, const char *const *choices, int *out, GError **error)
{
  for (int i = 0; choices[i] != NULL; i++)
    if (g_strcmp0 (value, choices[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *list = g_strjoinv (", ", (char **) choices);
  g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s must be one of %s, not “%s”", name, list, value);
  return FALSE;
}

/* Parses the command line into params; FALSE with a message on bad usage. */
static gboolean
parse_arguments (int *argc, char ***argv, Options *opt, NsParams *params, GError **error)
{
  ns_params_init (params);
  params->size = 0;                     /* the CLI keeps the content's size unless told */
  opt->seed = params->seed;

  const GOptionEntry entries[] = {
    { "content", 'c', 0, G_OPTION_ARG_FILENAME, &opt->content, "Content image (any format gdk-pixbuf reads)", "FILE" },
    { "style", 's', 0, G_OPTION_ARG_FILENAME, &opt->style, "Style image", "FILE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt->output, "Result, written as PNG", "FILE" },
    { "size", 0, 0, G_OPTION_ARG_INT, &params->size, "Long side of the result in pixels (default: the content's own)", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &params->iterations, "L-BFGS iterations over the whole schedule", "N" },
    { "content-weight", 0, 0, G_OPTION_ARG_DOUBLE, &params->content_weight, "Relative content weight (1 = balanced)", "X" },
    { "style-weight", 0, 0, G_OPTION_ARG_DOUBLE, &params->style_weight, "Relative style weight (1 = balanced)", "X" },
    { "tv-weight", 0, 0, G_OPTION_ARG_DOUBLE, &params->tv_weight, "Relative total-variation weight", "X" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &opt->init, "Start image: content, noise or blend", "KIND" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opt->seed, "Seed of the noise for --init noise|blend", "N" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &params->threads, "Worker threads (0 = all cores)", "N" },
    { "weights", 'w', 0, G_OPTION_ARG_FILENAME, &opt->weights, "model.json, or a folder holding one", "PATH" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &opt->schedule, "multiscale (coarse to fine) or single", "KIND" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &opt->stats, "Write timing and loss statistics as JSON", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt->quiet, "No progress output", NULL },
    { NULL }
  };

  g_autoptr (GOptionContext) context = g_option_context_new ("- paint a content image in the style of another");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autofree char *description = g_strdup_printf (
      "Defaults: --iterations %d --content-weight %g --style-weight %g --tv-weight %g --seed %u\n"
      "Weights: --weights, else $NEURAL_STYLE_WEIGHTS, else\n"
      "$XDG_DATA_HOME/neural-style/resnet50/model.json (see weights/fetch-weights.sh).\n",
      params->iterations, params->content_weight, params->style_weight, params->tv_weight, params->seed);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (*argc > 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "unexpected argument “%s” (see --help)", (*argv)[1]);
      return FALSE;
    }
  const struct { const char *name; const char *value; } required[] = {
    { "content", opt->content }, { "style", opt->style }, { "output", opt->output },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (required[i].value == NULL)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s FILE is required (see --help)", required[i].name);
        return FALSE;
      }

  static const char *const inits[] = { "content", "noise", "blend", NULL };
  static const char *const schedules[] = { "multiscale", "single", NULL };
  int choice;
  if (opt->init != NULL)
    {
      if (!parse_choice ("init", opt->init, inits, &choice, error))
        return FALSE;
      params->init = (NsInit) choice;
    }
  if (opt->schedule != NULL)
    {
      if (!parse_choice ("schedule", opt->schedule, schedules, &choice, error))
        return FALSE;
      params->schedule = (NsSchedule) choice;
    }
  if (opt->seed < 0 || opt->seed > G_MAXUINT32)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--seed must be between 0 and %u", G_MAXUINT32);
      return FALSE;
    }
  params->seed = (guint32) opt->seed;
  return ns_params_validate (params, error);
}

/* A result must never overwrite an input or the other result. */
static gboolean
check_not_an_input (const char *option, const char *path, const Options *opt, const char *weights,
                    GError **error)
{
  const struct { const char *option; const char *path; } inputs[] = {
    { "content", opt->content }, { "style", opt->style }, { "weights", weights },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    if (output_file_same (path, inputs[i].path))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s %s is the same file as --%s %s",
                     option, path, inputs[i].option, inputs[i].path);
        return FALSE;
      }

  g_autofree char *folder = g_file_test (weights, G_FILE_TEST_IS_DIR) ? g_strdup (weights)
                                                                      : g_path_get_dirname (weights);
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (folder, name, NULL);
      if (output_file_same (path, file))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s %s is a file of the weights (%s)", option, path, file);
          return FALSE;
        }
    }
  return TRUE;
}

/* Fails early, before minutes of work, if a result could not be written or
 * would overwrite something it must not. */
static gboolean
check_outputs (const Options *opt, const char *weights, GError **error)
{
  if (!output_file_check ("output", opt->output, error)
      || !check_not_an_input ("output", opt->output, opt, weights, error))
    return FALSE;
  if (opt->stats == NULL)
    return TRUE;
  if (!output_file_check ("stats", opt->stats, error)
      || !check_not_an_input ("stats", opt->stats, opt, weights, error))
    return FALSE;
  if (output_file_same (opt->stats, opt->output))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--stats %s and --output %s are the same file",
                   opt->stats, opt->output);
      return FALSE;
    }
  return TRUE;
}

static gboolean
print_progress (const NsProgress *p, gpointer user_data)
{
  ProgressState *state = user_data;

  fprintf (stderr, "%sstage %d/%d %dx%d  iteration %d/%d  loss %.3e (content %.3e style %.3e tv %.3e)  %.1f s%s",
           state->tty ? "\r" : "",
           p->stage + 1, p->n_stages, p->width, p->height, p->iteration, p->iterations,
           p->loss, p->content_loss, p->style_loss, p->tv_loss, p->seconds,
           state->tty ? "\033[K" : "\n");
  fflush (stderr);
  state->drew = state->tty;
  return TRUE;
}

static gboolean
write_stats (const char *path, const NsStats *stats, const NsImage *result, const NsModel *model, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iterations");
  json_builder_add_int_value (builder, stats->iterations);
  const struct { const char *name; double value; } numbers[] = {
    { "seconds", stats->seconds },
    { "seconds_per_iteration", stats->seconds_per_iteration },
    { "loss_initial", stats->loss_initial },
    { "loss_final", stats->loss_final },
    { "content_loss", stats->content_loss },
    { "style_loss", stats->style_loss },
    { "tv_loss", stats->tv_loss },
    { "peak_rss_mb", stats->peak_rss_mb },
    { "evaluations", stats->evaluations },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      json_builder_set_member_name (builder, numbers[i].name);
      if (isfinite (numbers[i].value))   /* JSON has no NaN or infinity */
        json_builder_add_double_value (builder, numbers[i].value);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, result->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, result->height);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, ns_model_name (model));
  json_builder_end_object (builder);

  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  g_autofree char *json = json_generator_to_data (generator, NULL);
  g_autofree char *text = g_strconcat (json, "\n", NULL);
  return output_file_write ("stats", path, text, strlen (text), error);
}

static gboolean
run (Options *opt, const NsParams *params, GError **error)
{
  g_autofree char *weights = opt->weights ? g_strdup (opt->weights) : ns_weights_default_path ();
  if (!check_outputs (opt, weights, error))
    return FALSE;

  g_autoptr (NsImage) content = image_file_load (opt->content, error);
  if (content == NULL)
    return FALSE;
  g_autoptr (NsImage) style = image_file_load (opt->style, error);
  if (style == NULL)
    return FALSE;

  g_autoptr (NsModel) model = ns_model_load (weights, error);
  if (model == NULL)
    {
      GError *load_error = *error;
      if (strstr (load_error->message, ns_weights_fetch_hint ()) == NULL)
        {
          *error = g_error_new (load_error->domain, load_error->code, "%s\n%s",
                                load_error->message, ns_weights_fetch_hint ());
          g_error_free (load_error);
        }
      return FALSE;
    }

  ProgressState state = { .tty = isatty (fileno (stderr)), .drew = FALSE };
  NsStats stats = { 0 };
  /* As the plug-in: a size whose estimate exceeds the free memory is refused
   * up front rather than left to swap or fail after minutes. */
  NsParams guarded = *params;
  guarded.memory_limit_mb = ns_available_memory_mb ();
  g_autoptr (NsImage) result = ns_stylize (model, content, style, &guarded, NULL,
                                           opt->quiet ? NULL : print_progress, &state, &stats, error);
  if (state.drew)
    fputc ('\n', stderr);
  if (result == NULL)
    return FALSE;

  g_autofree char *png = NULL;
  gsize png_size = 0;
  if (!image_file_encode_png (result, &png, &png_size, error))
    {
      g_prefix_error (error, "--output %s: ", opt->output);
      return FALSE;
    }
  if (!output_file_write ("output", opt->output, png, png_size, error))
    return FALSE;
  if (opt->stats != NULL && !write_stats (opt->stats, &stats, result, model, error))
    return FALSE;
  if (!opt->quiet)
    fprintf (stderr, "wrote %s (%dx%d, %d iterations, %.1f s)\n",
             opt->output, result->width, result->height, stats.iterations, stats.seconds);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Options opt = { 0 };
  NsParams params;

  gboolean ok = parse_arguments (&argc, &argv, &opt, &params, &error) && run (&opt, &params, &error);
  if (!ok)
    fprintf (stderr, "neural-style: %s\n", error->message);

  g_free (opt.content); g_free (opt.style); g_free (opt.output); g_free (opt.weights);
  g_free (opt.stats); g_free (opt.init); g_free (opt.schedule);
  return ok ? 0 : 1;
}
