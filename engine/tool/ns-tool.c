/* ns-tool.c: the neural-style command, front end of the engine.
 *
 *   neural-style --content FILE --style FILE [--region FILE] [--style-area FILE]
 *                [--style FILE ...] --output FILE [options]
 *   neural-style --frames IN_PATTERN --style FILE ... --output OUT_PATTERN [options]
 *
 * Every failure prints one "neural-style: ..." line and exits 1 without
 * touching the output file; success exits 0. */
#include "neural-style.h"
#include "image-file.h"
#include "output-file.h"
#include "style-options.h"
#include "frame-pattern.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* The group's data of the GOption callbacks: style-options.c's take it as
 * their StyleOptions, so that comes first. */
typedef struct
{
  StyleOptions styles;
  NsParams     params;      /* the engine's parameter table's options */
  char        *content, *frames, *output, *weights, *stats, *memory_limit;
  gboolean     quiet;
  double       memory_limit_mb;   /* 0 = what is available when the run starts */
} Options;
G_STATIC_ASSERT (G_STRUCT_OFFSET (Options, styles) == 0);

typedef struct
{
  gboolean tty;       /* redraw one line with \r rather than print a log */
  gboolean drew;      /* a \r line is on screen and needs a final newline */
} ProgressState;

/* The table's row of an option as given: --KEY or its one-letter form. */
static const NsParamSpec *
option_spec (const char *option_name)
{
  if (g_str_has_prefix (option_name, "--"))
    return ns_param_find (option_name + 2);
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    if ((specs[i].fronts & NS_FRONT_CLI) && specs[i].short_flag == option_name[1])
      return &specs[i];
  return NULL;
}

/* Every option of the table: its text read as the engine reads it. */
static gboolean
on_param_option (const char *option_name, const char *value, gpointer data, GError **error)
{
  Options *opt = data;
  const NsParamSpec *spec = option_spec (option_name);
  g_return_val_if_fail (spec != NULL, FALSE);
  return ns_param_parse (spec, value, option_name, &opt->params, error);
}

static gboolean
parse_memory_limit (const char *text, double *mb, GError **error)
{
  char *end = NULL;
  *mb = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*mb) || *mb <= 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--memory-limit must be a positive number of MB, not “%s”",
                   text);
      return FALSE;
    }
  return TRUE;
}

/* The table's options, each with its range and default in its help;
 * their strings are kept in texts. */
static void
add_param_entries (GArray *entries, GPtrArray *texts)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    {
      const NsParamSpec *spec = &specs[i];
      if (!(spec->fronts & NS_FRONT_CLI))
        continue;
      char *help = ns_param_describe (spec, FALSE);
      char *value = NULL;
      if (spec->type == NS_PARAM_ENUM)
        {
          GString *names = g_string_new (NULL);
          for (int c = 0; c < spec->n_choices; c++)
            g_string_append_printf (names, "%s%s", c > 0 ? "|" : "", spec->choices[c].name);
          value = g_string_free (names, FALSE);
        }
      else
        value = g_strdup (spec->type == NS_PARAM_DOUBLE ? "X" : "N");
      g_ptr_array_add (texts, help);
      g_ptr_array_add (texts, value);
      GOptionEntry entry = { spec->key, spec->short_flag, 0, G_OPTION_ARG_CALLBACK, on_param_option, help, value };
      g_array_append_val (entries, entry);
    }
}

/* Parses the command line into opt; FALSE with a message on bad usage. */
static gboolean
parse_arguments (int *argc, char ***argv, Options *opt, GError **error)
{
  ns_params_init (&opt->params);

  g_autofree char *style_help = g_strdup_printf ("Style image; repeat to blend up to %d styles", NS_MAX_STYLES);
  const GOptionEntry files[] = {
    { "content", 'c', 0, G_OPTION_ARG_FILENAME, &opt->content, "Content image (any format gdk-pixbuf reads)", "FILE" },
    { "style", 's', G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, style_options_add_style, style_help, "FILE" },
    { "region", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, style_options_add_region,
      "After a --style: where in the content it goes (a greyscale image, white = this style; resized to the "
      "content). Pixels no region covers keep the content", "FILE" },
    { "style-area", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, style_options_add_area,
      "After a --style: the part of the style image to use (a greyscale image, white = use)", "FILE" },
    { "style-blend", 0, 0, G_OPTION_ARG_STRING, &opt->styles.blend_text,
      "Blend weights, one per --style, 0 or more (default: equal)", "W1,W2,..." },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt->output, "Result, written as PNG; with --frames, a "
      "pattern as theirs, each frame's result numbered as it is", "FILE" },
    { "frames", 0, 0, G_OPTION_ARG_FILENAME, &opt->frames, "Instead of --content: an animation's frames, "
      "numbered from 0 or 1 with no gap (e.g. in/f-%04d.png), styled one after another, each steady against "
      "the one before (--temporal-weight)", "PATTERN" },
  };
  const GOptionEntry run[] = {
    { "weights", 'w', 0, G_OPTION_ARG_FILENAME, &opt->weights, "model.json, or a folder holding one", "PATH" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &opt->stats, "Write timing and loss statistics as JSON", "FILE" },
    { "memory-limit", 0, 0, G_OPTION_ARG_STRING, &opt->memory_limit,
      "Refuse a run whose estimated memory exceeds this many MB, more than 0 (default: the memory available "
      "when the run starts)", "MB" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt->quiet, "No progress output", NULL },
  };
  g_autoptr (GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));   /* ends with { NULL } */
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_array_append_vals (entries, files, G_N_ELEMENTS (files));
  add_param_entries (entries, texts);
  g_array_append_vals (entries, run, G_N_ELEMENTS (run));

  g_autoptr (GOptionContext) context = g_option_context_new ("- paint a content image in the style of another");
  /* The callbacks' data: the styles and the params (Options). */
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, opt, NULL);
  g_option_group_add_entries (group, (const GOptionEntry *) entries->data);
  g_option_context_set_main_group (context, group);
  g_option_context_set_description (context,
      "Weights: --weights, else $NEURAL_STYLE_WEIGHTS, else\n"
      "$XDG_DATA_HOME/neural-style/resnet50/model.json (see weights/fetch-weights.sh).\n");
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (*argc > 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "unexpected argument “%s” (see --help)", (*argv)[1]);
      return FALSE;
    }
  if (opt->frames && (opt->content || opt->stats))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--frames cannot be used with --%s",
                   opt->content ? "content" : "stats");
      return FALSE;
    }
  const struct { const char *name; const char *value; } required[] = {
    { "content", opt->frames ? opt->frames : opt->content }, { "output", opt->output },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (required[i].value == NULL)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s FILE is required (see --help)", required[i].name);
        return FALSE;
      }

  if (!style_options_finish (&opt->styles, error))
    return FALSE;
  if (opt->memory_limit != NULL && !parse_memory_limit (opt->memory_limit, &opt->memory_limit_mb, error))
    return FALSE;
  return ns_params_validate (&opt->params, error);
}

static gboolean
check_not_same (const char *option, const char *path, const char *input_option, const char *input,
                GError **error)
{
  if (input == NULL || !output_file_same (path, input))
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s %s is the same file as --%s %s",
               option, path, input_option, input);
  return FALSE;
}

/* A result must never overwrite an input or the other result. */
static gboolean
check_not_an_input (const char *option, const char *path, const Options *opt, const char *weights,
                    GError **error)
{
  if (!check_not_same (option, path, "content", opt->content, error)
      || !check_not_same (option, path, "weights", weights, error))
    return FALSE;
  for (int r = 0; r < opt->styles.n; r++)
    {
      const StyleFiles *files = &opt->styles.files[r];
      if (!check_not_same (option, path, "style", files->image, error)
          || !check_not_same (option, path, "region", files->region, error)
          || !check_not_same (option, path, "style-area", files->area, error))
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

  if (p->tiles > 0)   /* a photo's brushwork stage */
    fprintf (stderr, "%sstage %d/%d %dx%d  brushwork tile %d/%d  %.1f s%s", state->tty ? "\r" : "",
             p->stage + 1, p->n_stages, p->width, p->height, p->tiles_done, p->tiles, p->seconds,
             state->tty ? "\033[K" : "\n");
  else
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

/* As the plug-in: a size whose estimate exceeds the free memory (or the
 * user's --memory-limit) is refused up front rather than left to swap or
 * fail after minutes. */
static NsParams
guarded_params (const Options *opt)
{
  NsParams guarded = opt->params;
  guarded.memory_limit_mb = opt->memory_limit_mb > 0 ? opt->memory_limit_mb : ns_available_memory_mb ();
  return guarded;
}

static gboolean
save_png (const char *path, const NsImage *result, GError **error)
{
  g_autofree char *png = NULL;
  gsize png_size = 0;
  if (!image_file_encode_png (result, &png, &png_size, error))
    {
      g_prefix_error (error, "--output %s: ", path);
      return FALSE;
    }
  return output_file_write ("output", path, png, png_size, error);
}

static gboolean
stylize_and_save (const Options *opt, const NsParams *params, const char *weights, const NsImage *content,
                  const NsStyleSet *styles, GError **error)
{
  g_autoptr (NsModel) model = ns_model_load (weights, error);   /* its error says how to get weights */
  if (model == NULL)
    return FALSE;

  ProgressState state = { .tty = isatty (fileno (stderr)), .drew = FALSE };
  NsStats stats = { 0 };
  NsParams guarded = guarded_params (opt);
  g_autoptr (NsImage) result = ns_stylize_blend (model, content, ns_style_set_styles (styles),
                                                 ns_style_set_count (styles), &guarded, NULL,
                                                 opt->quiet ? NULL : print_progress, &state, &stats, error);
  if (state.drew)
    fputc ('\n', stderr);
  if (result == NULL)
    {
      if (opt->memory_limit_mb > 0 && g_error_matches (*error, NS_ERROR, NS_ERROR_MEMORY))
        g_prefix_error (error, "--memory-limit %g: ", opt->memory_limit_mb);
      return FALSE;
    }

  if (!save_png (opt->output, result, error))
    return FALSE;
  if (opt->stats != NULL && !write_stats (opt->stats, &stats, result, model, error))
    return FALSE;
  if (!opt->quiet)
    fprintf (stderr, "wrote %s (%dx%d, %d iterations, %.1f s)\n",
             opt->output, result->width, result->height, stats.iterations, stats.seconds);
  return TRUE;
}

/* ---- --frames: an animation ------------------------------------------------------------ */

typedef struct
{
  FramePattern in, out;
  int          first, count;
} Frames;

static void
frames_clear (Frames *f)
{
  frame_pattern_clear (&f->in);
  frame_pattern_clear (&f->out);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Frames, frames_clear)

/* Every frame readable and of the first one's size, read one at a time
 * before any work, so that a bad frame leaves no results behind. */
static gboolean
check_frame_sizes (const Frames *f, GError **error)
{
  int width = 0, height = 0;
  for (int i = 0; i < f->count; i++)
    {
      g_autofree char *path = frame_pattern_path (&f->in, f->first + i);
      g_autoptr (NsImage) image = image_file_load (path, error);
      if (!image)
        return FALSE;
      if (i == 0)
        width = image->width, height = image->height;
      else if (image->width != width || image->height != height)
        {
          g_autofree char *first = frame_pattern_path (&f->in, f->first);
          g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "--frames: %s is %dx%d, but %s is %dx%d: every frame "
                       "must have the size of the first", path, image->width, image->height, first, width, height);
          return FALSE;
        }
    }
  return TRUE;
}

/* The frames there are, and results that may be written and overwrite none
 * of them (nor another input). */
static gboolean
check_frames (const Options *opt, const char *weights, Frames *f, GError **error)
{
  if (!frame_pattern_parse ("frames", opt->frames, &f->in, error)
      || !frame_pattern_parse ("output", opt->output, &f->out, error)
      || !frame_pattern_list ("frames", opt->frames, &f->in, &f->first, &f->count, error))
    return FALSE;
  for (int i = 0; i < f->count; i++)
    {
      g_autofree char *out = frame_pattern_path (&f->out, f->first + i);
      if (!output_file_check ("output", out, error) || !check_not_an_input ("output", out, opt, weights, error))
        return FALSE;
      for (int j = 0; j < f->count; j++)
        {
          g_autofree char *in = frame_pattern_path (&f->in, f->first + j);
          if (output_file_same (out, in))
            {
              g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--output %s would overwrite the frame %s",
                           opt->output, in);
              return FALSE;
            }
        }
    }
  return check_frame_sizes (f, error);
}

static gboolean
stylize_frames (const Options *opt, const char *weights, const Frames *f, const NsStyleSet *styles,
                GError **error)
{
  g_autoptr (NsModel) model = ns_model_load (weights, error);
  NsParams guarded = guarded_params (opt);
  g_autoptr (NsFrames) frames = model ? ns_frames_new (model, ns_style_set_styles (styles),
                                                       ns_style_set_count (styles), &guarded, error)
                                      : NULL;
  if (!frames)
    return FALSE;
  gint64 start = g_get_monotonic_time ();
  for (int i = 0; i < f->count; i++)
    {
      g_autofree char *in = frame_pattern_path (&f->in, f->first + i);
      g_autofree char *out = frame_pattern_path (&f->out, f->first + i);
      if (!opt->quiet)
        fprintf (stderr, "frame %d/%d: %s\n", i + 1, f->count, in);
      ProgressState state = { .tty = isatty (fileno (stderr)), .drew = FALSE };
      g_autoptr (NsImage) content = image_file_load (in, error);
      g_autoptr (NsImage) result = content ? ns_frames_next (frames, content, opt->quiet ? NULL : print_progress,
                                                             &state, NULL, error)
                                           : NULL;
      if (state.drew)
        fputc ('\n', stderr);
      if (!result)
        {
          g_prefix_error (error, "--frames %s: ", in);
          return FALSE;
        }
      if (!save_png (out, result, error))
        return FALSE;
    }
  if (!opt->quiet)
    fprintf (stderr, "wrote %d frames, %s (%.1f s)\n", f->count, opt->output,
             (g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}

static gboolean
run_frames (Options *opt, const char *weights, GError **error)
{
  g_auto (Frames) f = { 0 };
  if (!check_frames (opt, weights, &f, error))
    return FALSE;
  g_autoptr (NsStyleSet) styles = style_options_load (&opt->styles, error);
  return styles != NULL && stylize_frames (opt, weights, &f, styles, error);
}

static gboolean
run (Options *opt, GError **error)
{
  const NsParams *params = &opt->params;
  g_autofree char *weights = opt->weights ? g_strdup (opt->weights) : ns_weights_default_path ();
  if (opt->frames)
    return run_frames (opt, weights, error);
  if (!check_outputs (opt, weights, error))
    return FALSE;

  g_autoptr (NsImage) content = image_file_load (opt->content, error);
  if (content == NULL)
    return FALSE;
  g_autoptr (NsStyleSet) styles = style_options_load (&opt->styles, error);
  return styles != NULL && stylize_and_save (opt, params, weights, content, styles, error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Options opt = { 0 };

  gboolean ok = parse_arguments (&argc, &argv, &opt, &error) && run (&opt, &error);
  if (!ok)
    fprintf (stderr, "neural-style: %s\n", error->message);

  g_free (opt.content); g_free (opt.frames); g_free (opt.output); g_free (opt.weights);
  g_free (opt.stats); g_free (opt.memory_limit);
  style_options_clear (&opt.styles);
  return ok ? 0 : 1;
}
